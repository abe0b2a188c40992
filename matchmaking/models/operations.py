"""What the operator needs beyond metrics: the background tasks that failed, to retry them."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskFailure(models.Model):
    """A Celery task run that raised (after its own retries, if it has any): written from the
    `task_failure` signal, listed on /operations/ with a retry button."""

    task_name = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    # The arguments as sent (JSON, as the broker carries them); null when they were not
    # JSON (an eager call with a Python object), and the failure cannot be retried.
    args = models.JSONField(_("arguments"), null=True, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(_("keyword arguments"), null=True, encoder=DjangoJSONEncoder)
    exception = models.TextField(_("exception"))
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now, db_index=True)
    # The request that queued it (django-structlog's id, as in the log lines).
    request_id = models.CharField(_("request id"), max_length=100, blank=True)
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retried by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.failed_at:%Y-%m-%d %H:%M}"

    @property
    def retryable(self) -> bool:
        return self.retried_at is None and self.args is not None and self.kwargs is not None
