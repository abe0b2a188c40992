"""The monthly report for officials (月度报告) and who subscribes to which scope."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportScope(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    STATION = "station", _("Service station")


class ReportSubscription(models.Model):
    """报告订阅: an official receives the monthly report of one scope by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
    )
    # "national", "province:51" (the province's 2-digit prefix) or "station:<id>".
    scope_key = models.CharField(_("scope"), max_length=40)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope_key"], name="one_subscription_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.scope_key}"


class MonthlyReport(models.Model):
    """月度报告: the figures of one scope as they stood when the month closed."""

    scope = models.CharField(_("scope"), max_length=16, choices=ReportScope.choices)
    scope_key = models.CharField(_("scope"), max_length=40)
    scope_name = models.CharField(_("scope name"), max_length=200)
    scope_name_en = models.CharField(_("scope name (English)"), max_length=200, blank=True)
    period = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    # Per language, then per figure: its header and rows as the API gives them, its headline
    # and its sentence; and the charts' geometry, so that the page and the PDF draw what was
    # computed.
    figures = models.JSONField(_("figures"), default=dict)
    charts = models.JSONField(_("charts"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-period", "scope", "scope_name"]
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "period"], name="one_report_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} {self.period:%Y-%m}"

    @property
    def display_scope_name(self) -> str:
        """The scope's name in the reader's language."""
        from django.utils.translation import get_language

        english = (get_language() or "").startswith("en")
        return self.scope_name_en if english and self.scope_name_en else self.scope_name
