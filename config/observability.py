"""What an operator sees: log lines with a request id, and error reports.

Logs are JSON lines in production and plain in development (`LOG_FORMAT`), both through
structlog so that every line of a request carries its `request_id` (django-structlog binds it,
taking a client's or proxy's `X-Request-ID` when there is one). django-structlog hands the id to
the Celery tasks a request queues, so one id follows the work from the page into the worker.

Error reports go through sentry-sdk when `SENTRY_DSN` is set, to Sentry or any service that
speaks its protocol. Personal data never leaves: phone numbers, email addresses and budgets are
masked in every string of the event before it is sent.
"""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path
from typing import Any

import structlog

_SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(
    *, json_lines: bool, level: str, celery_level: str, request_level: str = "INFO"
) -> dict:
    """The LOGGING setting: every record, ours and the libraries', rendered by structlog."""
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_lines
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": _SHARED_PROCESSORS,
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # Eager tasks would log every success at INFO; workers set their own level.
            "celery": {"level": celery_level},
            # django-structlog's `request_started` / `request_finished` lines.
            "django_structlog.middlewares.request": {"level": request_level},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            *_SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


class RequestIdHeaderMiddleware:
    """Give the request id back in `X-Request-ID`, so a user's report can name the log lines.

    Goes inside django-structlog's RequestMiddleware, which has bound the id by then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read before the view: an eager task (embedded mode) starts a fresh log context.
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        response = self.get_response(request)
        if request_id:
            response["X-Request-ID"] = request_id
        return response


# Mainland mobiles (with or without +86), landlines with an area code, email addresses.
_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Whatever a budget or price field is called in a request, a serializer or a model's repr.
_MONEY_KEYS = re.compile(r"budget|price|amount|cost|subsid", re.IGNORECASE)
FILTERED = "[Filtered]"


def scrub(value: Any, key: str = "") -> Any:
    """`value` with phone numbers, email addresses and money figures masked, recursively."""
    if key and _MONEY_KEYS.search(key) and isinstance(value, str | int | float):
        return FILTERED
    if isinstance(value, str):
        return _EMAIL.sub(FILTERED, _PHONE.sub(FILTERED, value))
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, key) for v in value]
    return value


def before_send(event: dict, hint: dict) -> dict:
    return scrub(event)


def release() -> str:
    """The git revision the site runs, or what SENTRY_RELEASE says (a deploy without .git)."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            timeout=2,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def init_sentry(*, dsn: str, release: str, environment: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        release=release,
        environment=environment,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            # Errors become events through the integrations above; log lines stay logs.
            LoggingIntegration(level=logging.INFO, event_level=None),
        ],
        before_send=before_send,
        # Errors only: no performance tracing leaves the machine.
        traces_sample_rate=0.0,
    )
