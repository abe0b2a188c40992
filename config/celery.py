"""The Celery app. Embedded (no REDIS_URL) it runs tasks eagerly in the calling process."""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("nongqiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks log with the request id of the request that queued them (django-structlog).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def _use_the_sites_logging(**kwargs) -> None:
    """Workers log as the site does (JSON lines in production), not in Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
