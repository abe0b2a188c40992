"""Reads for imports: a person's recent import jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from matchmaking.models import ImportJob


def jobs_of(user: User) -> QuerySet[ImportJob]:
    """The imports this person started, in the model's order (newest first)."""
    return ImportJob.objects.filter(created_by=user)
