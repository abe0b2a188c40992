"""Once per draft: a form sent again with the same client key creates nothing new (issue #16).

The browser keeps a form as a draft while the signal comes and goes, and may send it twice (a
sending cut off halfway, then again when the network is back). Each draft carries a UUID made in
the browser, `client_key`; `once` records it in the transaction that creates the object, so that
of two sendings, however close, exactly one creates and the other learns which object it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from matchmaking.models import SubmissionKey


class AlreadySubmitted(Exception):
    def __init__(self, object_id: int | None):
        super().__init__(object_id)
        self.object_id = object_id


def client_key_of(data) -> tuple[uuid.UUID | None, str | None]:
    """(key, None) from a form's data, (None, None) when it has none, (None, error) when the key
    is not a UUID."""
    value = (data.get("client_key") or "").strip()
    if not value:
        return None, None
    try:
        return uuid.UUID(value), None
    except ValueError:
        return None, _("client_key: this form's key is not valid; reload the page and send again.")


def submitted(*, by: User, kind: str, key: uuid.UUID | None) -> int | None:
    """The id of the object already created from this draft, if any."""
    if key is None:
        return None
    return (
        SubmissionKey.objects.filter(author=by, kind=kind, key=key, object_id__isnull=False)
        .values_list("object_id", flat=True)
        .first()
    )


@contextmanager
def once(*, by: User, kind: str, key: uuid.UUID | None) -> Iterator[Callable[[int], None]]:
    """Run the block that creates the object at most once per (author, kind, key).

    Yields a function to call with the new object's id. Raises AlreadySubmitted when another
    sending of the draft has created it (or is creating it: the database makes this one wait for
    that one's transaction). An error in the block rolls the key back with the object.
    """
    if key is None:
        yield lambda object_id: None
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = SubmissionKey.objects.create(author=by, kind=kind, key=key)
        except IntegrityError:
            raise AlreadySubmitted(submitted(by=by, kind=kind, key=key)) from None

        def created(object_id: int) -> None:
            record.object_id = object_id
            record.save(update_fields=["object_id"])

        yield created
