"""Form submissions already taken, by the key the browser gave them (issue #16).

A form kept as a draft on the phone may be sent twice: once when the link dropped halfway, again
when it came back. The browser puts a UUID of its own in the form (`client_key`), the same for
every sending of one draft; the first sending creates the object and records the key here, a
later one finds the key and is sent to that object instead of creating a second.

Also the background tasks that failed, kept for the operator to retry (core/task_failures.py).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubmissionKey(models.Model):
    class Kind(models.TextChoices):
        NEED = "need", _("technology need")
        RESULT = "result", _("research result")
        EVALUATION = "evaluation", _("technology evaluation")
        PLAN = "plan", _("solution plan")
        ADOPTION_COST = "adoption_cost", _("adoption cost")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.UUIDField(_("client key"))
    # Set in the same transaction as the object is created: a key without one is never seen.
    object_id = models.PositiveBigIntegerField(_("object"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission key")
        verbose_name_plural = _("submission keys")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "kind", "key"], name="submission_key_unique_per_author_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


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
