"""SMS as a channel, chosen by SMS_URL as email is by EMAIL_URL (see accounts.sms.urls).

    send_sms("+8613800138000", "verification_code", {"code": "123456"})

raises SmsRefused when the provider refuses the message for good, SmsError when it may pass.
"""

from __future__ import annotations

from django.conf import settings

from accounts.sms.backends import BACKENDS, Sent, SmsError, SmsRefused, outbox
from accounts.sms.catalogue import TEXTS
from accounts.sms.urls import parse_sms_url

__all__ = ["Sent", "SmsError", "SmsRefused", "get_backend", "outbox", "send_sms"]


def get_backend(url: str | None = None):
    config = parse_sms_url(url or settings.SMS_URL)
    return BACKENDS[config["backend"]](config)


def send_sms(number: str, kind: str, params: dict[str, str], *, url: str | None = None) -> Sent:
    """Send one templated SMS to an E.164 number."""
    if kind not in TEXTS:
        raise ValueError(f"Unknown SMS kind {kind!r}.")
    params = {key: str(value) for key, value in params.items()}
    return get_backend(url).send(number, kind, params)
