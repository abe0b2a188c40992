"""The match workflow: one table of allowed moves, read by the services, pages and API.

suggested → shortlisted → contacted → evaluating → solution proposed → on trial → adopted,
and declined / withdrawn from any state before adoption. Each move says which side may make it:
the enterprise side (the need's members, station staff covering the enterprise) or the
research side (the result's institution); administrators may make any move.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchState(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    CONTACTED = "contacted", _("Contact requested")
    EVALUATING = "evaluating", _("Evaluating")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    ON_TRIAL = "on_trial", _("On trial")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RunStatus(models.TextChoices):
    """A chunked run (a full re-match, a vector backfill): running until its last chunk is
    done, or failed (by an admin or a chunk that raised)."""

    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


RUN_TRANSITIONS = {
    RunStatus.RUNNING: frozenset({RunStatus.DONE, RunStatus.FAILED}),
    RunStatus.DONE: frozenset(),
    RunStatus.FAILED: frozenset(),
}


class ContactStatus(models.TextChoices):
    NONE = "", _("Not requested")
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


S = MatchState

ENTERPRISE = "enterprise"
RESEARCH = "research"
EITHER = "either"


TRANSITIONS: dict[str, dict[str, str]] = {
    # A station may evaluate a technology for an enterprise before anyone contacts anyone.
    S.SUGGESTED: {
        S.SHORTLISTED: ENTERPRISE,
        S.CONTACTED: ENTERPRISE,
        S.EVALUATING: ENTERPRISE,
        S.DECLINED: ENTERPRISE,
        S.WITHDRAWN: EITHER,
    },
    S.SHORTLISTED: {
        S.CONTACTED: ENTERPRISE,
        S.SUGGESTED: ENTERPRISE,
        S.EVALUATING: ENTERPRISE,
        S.DECLINED: ENTERPRISE,
        S.WITHDRAWN: EITHER,
    },
    S.CONTACTED: {
        S.EVALUATING: ENTERPRISE,
        S.SOLUTION_PROPOSED: EITHER,
        S.DECLINED: EITHER,
        S.WITHDRAWN: EITHER,
    },
    S.EVALUATING: {S.SOLUTION_PROPOSED: EITHER, S.DECLINED: EITHER, S.WITHDRAWN: EITHER},
    S.SOLUTION_PROPOSED: {
        S.ON_TRIAL: ENTERPRISE,
        S.EVALUATING: ENTERPRISE,
        S.DECLINED: EITHER,
        S.WITHDRAWN: EITHER,
    },
    S.ON_TRIAL: {S.ADOPTED: ENTERPRISE, S.DECLINED: EITHER, S.WITHDRAWN: EITHER},
    S.ADOPTED: {},
    S.DECLINED: {},
    S.WITHDRAWN: {},
}


# States no plain move reaches: "contacted" is the outcome of a contact request (the
# enterprise's message, which the researcher answers) or of a fair meeting that wants a
# follow-up, never a bare change of state that leaves the researcher unasked.
ONLY_BY_CONTACT_REQUEST = frozenset({S.CONTACTED})


# From a solution on, the two sides work together: only once the researcher has accepted the
# contact request (station staff, who broker such deals in person, are not held to it).
NEEDS_ACCEPTED_CONTACT = frozenset({S.SOLUTION_PROPOSED, S.ON_TRIAL, S.ADOPTED})


# The order of the forward path, for funnels and progress displays.
FORWARD = [
    S.SUGGESTED,
    S.SHORTLISTED,
    S.CONTACTED,
    S.EVALUATING,
    S.SOLUTION_PROPOSED,
    S.ON_TRIAL,
    S.ADOPTED,
]


CLOSED = frozenset({S.DECLINED, S.WITHDRAWN})


def side_for(current: str, target: str) -> str | None:
    """Which side may move a match from `current` to `target`; None if the move is illegal."""
    return TRANSITIONS.get(current, {}).get(target)
