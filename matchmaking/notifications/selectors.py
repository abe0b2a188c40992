"""Reads for notifications: a person's inbox and the settings they chose."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from matchmaking.models import Notification, NotificationSetting, ShortLink


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def notification_settings_of(user: User) -> dict[str, NotificationSetting]:
    """The kinds this person changed, by kind; a kind left out keeps every channel on."""
    return {s.kind: s for s in NotificationSetting.objects.filter(user=user)}


def short_links() -> QuerySet[ShortLink]:
    return ShortLink.objects.all()
