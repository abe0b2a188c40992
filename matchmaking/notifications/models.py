"""What the site tells people and how: notifications in the site, each person's choices, the
SMS it sends and the short links inside them, and the claims that make each delivery once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from matchmaking.enums import NotificationKind


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationSetting(models.Model):
    """A user's choice for one kind of notification; no row means on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("in the site"), default=True)
    email = models.BooleanField(_("by email"), default=True)
    # Only for the kinds that cannot wait (SMS_KINDS in services/notifications.py); turned off
    # here or by replying "TD" to such an SMS (manage.py sms_reply).
    sms = models.BooleanField(_("by SMS"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_setting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class SmsMessage(models.Model):
    """One SMS of a notification, sent once: the key makes a second delivery of the same
    notification to the same person a no-op. A refusal by the provider is kept, for staff."""

    QUEUED, SENT, REFUSED, FAILED = "queued", "sent", "refused", "failed"
    STATUSES = [
        (QUEUED, _("queued")),
        (SENT, _("sent")),
        (REFUSED, _("refused by the provider")),
        (FAILED, _("failed after retries")),
    ]

    key = models.CharField(max_length=120, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.CharField(_("number"), max_length=32, db_index=True)
    notification_kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    template = models.CharField(_("template"), max_length=40)
    params = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=QUEUED)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(_("provider's answer"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template} → {self.number[:6]}***** ({self.status})"


class ShortLink(models.Model):
    """/s/<code>: a page of this site behind a code short enough for a 70-character SMS."""

    code = models.CharField(max_length=12, unique=True)
    path = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"/s/{self.code} → {self.path}"


class DeliveryClaim(models.Model):
    """One notification delivered to one person: claimed before anything is sent, so a task
    delivered twice (late acks, a retry, two beats) sends once. See notifications.deliver."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
