from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    NEEDS = "needs", _("Technology needs")
    RESULTS = "results", _("Research results")


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    VALID = "valid", _("Ready to import")
    IMPORTING = "importing", _("Importing")
    SAVING = "saving", _("Saving the rows")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


def import_upload_to(instance, filename: str) -> str:
    # Uploads live under MEDIA_ROOT (outside the static root) and are never served directly.
    return f"imports/{instance.created_by_id}/{filename}"


class ImportJob(models.Model):
    """A spreadsheet of needs or results: checked whole, then saved in one transaction."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to=import_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    # [{"row": 3, "column": "budget_max", "message": "..."}]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
