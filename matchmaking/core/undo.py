"""The "撤销" offered for a few seconds after a move: kept in the session until the next full
page shows it once, as a toast with a form (so it works without JavaScript too)."""

from __future__ import annotations

import time

from django.http import HttpRequest

SESSION_KEY = "undo_offer"
# Past this, an offer not yet shown (the move redirected to a page without the layout) is
# dropped rather than shown late for a move the server would no longer undo.
SHOW_WITHIN_SECONDS = 20


def offer_undo(
    request: HttpRequest, *, text: str, action: str, fields: dict, next_url: str
) -> None:
    """After a move: the next page shows `text` and a 撤销 button posting `fields` to `action`."""
    request.session[SESSION_KEY] = {
        "text": str(text),
        "action": action,
        "fields": {name: str(value) for name, value in fields.items()},
        "next": next_url,
        "until": time.time() + SHOW_WITHIN_SECONDS,
    }


def take_offer(request: HttpRequest) -> dict | None:
    """The offer, once: a reload does not show it again."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    offer = session.pop(SESSION_KEY)
    return offer if offer.get("until", 0) > time.time() else None
