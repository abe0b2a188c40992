"""The audit trail: who changed what and when, on the records people argue about.

django-simple-history keeps one history table per audited model (a `history` attribute on the
model, `AuditTrail` below); its middleware names the user of each request, and the services
set `_history_user` to the user they were given (an import in a worker, the API). Audited:
organisations (verification) and memberships (decisions), needs and results (text, budget,
status), station records (evaluations, plans, adoption costs), fairs and their meetings
(schedule and outcomes), thesaurus entries and categories, from the site or the admin.

Not audited: matches (millions of rows, and their own MatchEvent log says who moved them), and
what is written with `bulk_create`/`update()` (the matcher's flags, the demo's listings) unless
the service records it itself (organisation_verify, schedule_publish, with `record`).

History rows older than HISTORY_RETENTION_DAYS are removed by a beat task (`trim_history`)
with simple_history's own `clean_old_history`. CSV/XLSX exports and the demo data never
touch the history tables; backups, being the whole database, keep them.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import models
from simple_history.models import HistoricalRecords


class AuditTrail(HistoricalRecords):
    """HistoricalRecords that skips a save touching only the fields it leaves out.

    `save(update_fields=[...])` of a reminder time or a matching flag changes nothing a person
    would call an edit; a row for it would bury the real ones.
    """

    def post_save(self, instance, created, using=None, update_fields=None, **kwargs):
        if not created and update_fields is not None:
            ignored = set(self.excluded_fields or ())
            if set(update_fields) <= ignored:
                return
        super().post_save(instance, created, using=using, update_fields=update_fields, **kwargs)


def record(model: type[models.Model], objects: Iterable[models.Model], *, by=None) -> None:
    """One history row per object as it is now, for a change made with `update()`."""
    objects = list(objects)
    if objects:
        model.history.bulk_history_create(objects, update=True, default_user=by)


@contextmanager
def paused():
    """No history while loading made-up data (the demo world): nobody changed anything."""
    from django.test.utils import override_settings  # simple_history reads the setting per save

    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        yield


def trim(days: int | None = None) -> None:
    """Remove history rows older than `days` (HISTORY_RETENTION_DAYS), in every audited model."""
    days = settings.HISTORY_RETENTION_DAYS if days is None else days
    call_command("clean_old_history", auto=True, days=days, verbosity=0)


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Entry:
    """One history row as a person reads it: when, who, what kind, which fields changed."""

    at: Any
    user: Any
    kind: str
    changes: list[Change]


def _shown(field: models.Field, value: Any) -> Any:
    """A choice as its label; anything else as stored (a related record as its id)."""
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    return value


def entries(instance: models.Model, *, limit: int = 20) -> list[Entry]:
    """The newest `limit` history rows of `instance`, each with the fields it changed from the
    row before, in one query (the row before the oldest shown comes with them)."""
    history = instance.history.select_related("history_user").order_by("-history_id")
    rows = list(history[: limit + 1])
    out = []
    for newer, older in zip(rows[:limit], rows[1:] + [None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            for change in newer.diff_against(older).changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    Change(
                        str(field.verbose_name),
                        _shown(field, change.old),
                        _shown(field, change.new),
                    )
                )
        out.append(Entry(newer.history_date, newer.history_user, newer.history_type, changes))
    return out
