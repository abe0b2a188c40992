"""Reads for notifications: a person's inbox and the settings they chose."""

from __future__ import annotations

import contextlib

from django.core.cache import cache
from django.db import transaction
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


# The bell on every signed-in page shows the count: kept per person, and dropped whenever a
# notification of theirs is written (matchmaking/apps.py) or they are all marked read.
UNREAD_SECONDS = 60


def _unread_key(user_id: int) -> str:
    return f"unread-notifications:{user_id}"


def unread_count(user: User) -> int:
    key = _unread_key(user.pk)
    try:
        count = cache.get(key)
    except Exception:  # a cache outage must not take the pages down
        count = None
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        with contextlib.suppress(Exception):
            cache.set(key, count, UNREAD_SECONDS)
    return count


def forget_unread(user_id: int) -> None:
    """Count anew, now and once the write commits (a count read meanwhile is not kept)."""

    def forget() -> None:
        with contextlib.suppress(Exception):
            cache.delete(_unread_key(user_id))

    forget()
    transaction.on_commit(forget)
