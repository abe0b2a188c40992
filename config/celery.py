"""The Celery app. Embedded (no REDIS_URL) it runs tasks eagerly in the calling process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("nongqiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
