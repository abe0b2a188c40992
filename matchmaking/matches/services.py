"""Every change of a match's state: one transition function, checked and recorded."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from config.queue import enqueue
from matchmaking.enums import DeclineReason
from matchmaking.matches import states
from matchmaking.matches.matching import rerank
from matchmaking.matches.states import ContactStatus, MatchState
from matchmaking.models import Match, MatchEvent


class MatchConflict(ValidationError):
    """The match is no longer in the state the person saw: someone else moved it first."""

    def __init__(self, current_state: str):
        self.current_state = current_state
        super().__init__(
            {
                "state": _(
                    "Someone else has just moved this match to “%(state)s”. Reload to see it."
                )
                % {"state": _state_label(current_state)}
            }
        )


def _state_label(state: str) -> str:
    return str(MatchState(state).label)


#: Sent inside the transaction that adopts a match: what adoption changed is measured from
#: then (impact/services.py listens), without this module knowing of it.
match_adopted = Signal()


def match_transition(
    *,
    match: Match,
    to: str,
    by: User,
    note: str = "",
    reason: str = "",
    expected_state: str | None = None,
) -> Match:
    """Move a match to `to`, checking the table, the actor and the preconditions.

    The row is locked, so two people moving the same match at once are serialised; with
    `expected_state` the second gets a MatchConflict instead of a surprise. "Contacted" is not
    a move anyone makes, administrators included: it is reached by match_request_contact.
    """
    if to in states.ONLY_BY_CONTACT_REQUEST:
        raise ValidationError(
            {
                "to": _(
                    "Request contact instead: the match becomes “contacted” through a contact "
                    "request, with your message, that the researcher answers."
                )
            }
        )
    return _transition(
        match=match, to=to, by=by, note=note, reason=reason, expected_state=expected_state
    )


@transaction.atomic
def _transition(
    *,
    match: Match,
    to: str,
    by: User,
    note: str = "",
    reason: str = "",
    expected_state: str | None = None,
) -> Match:
    locked = (
        Match.objects.select_for_update(of=("self",))
        .select_related("need__organisation", "result__organisation")
        .get(pk=match.pk)
    )
    if expected_state is not None and locked.state != expected_state:
        raise MatchConflict(locked.state)
    side = states.side_for(locked.state, to)
    if side is None:
        raise ValidationError(
            {
                "state": _("A match that is “%(current)s” cannot move to “%(target)s”.")
                % {"current": _state_label(locked.state), "target": _state_label(to)}
                if to in MatchState.values
                else _("Unknown state: %(target)s") % {"target": to}
            }
        )
    sides = permissions.sides_of(by, locked)
    if not (side in sides or (side == states.EITHER and sides)):
        raise PermissionDenied(_("You are not on the side of this match that makes this move."))
    if (
        to in states.NEEDS_ACCEPTED_CONTACT
        and locked.contact_status != ContactStatus.ACCEPTED
        and not permissions.can_work_match(by, locked)
    ):
        raise ValidationError(
            {"state": _("The researcher has to accept the contact request first.")}
        )
    if to == MatchState.DECLINED and states.ENTERPRISE in sides and states.RESEARCH not in sides:
        if reason not in DeclineReason.values:
            raise ValidationError({"reason": _("Say why you decline: choose a reason.")})
        if reason == DeclineReason.OTHER and not note.strip():
            raise ValidationError({"note": _("Describe the reason in a few words.")})
        locked.decline_reason = reason
        locked.decline_note = note[:500]
    MatchEvent.objects.create(
        match=locked, actor=by, from_state=locked.state, to_state=to, note=note
    )
    locked.state = to
    locked.state_changed_at = timezone.now()
    locked.mark_reached(to, locked.state_changed_at)
    locked.save()
    if to == MatchState.ADOPTED:
        match_adopted.send(sender=Match, match=locked)
    if to in states.CLOSED:
        rerank(need_ids=[locked.need_id], result_ids=[locked.result_id])
    return locked


#: How long after a move its maker may take it back. The page offers "撤销" for 8 seconds; the
#: server allows a little more for a slow network.
UNDO_WINDOW = timedelta(seconds=30)


def _undo_refusal(event: MatchEvent, last: MatchEvent | None, by: User, now) -> str | None:
    """Why `by` may not undo `event` now, or None if they may."""
    if event.actor_id != by.pk:
        return _("Only the person who made a move can undo it.")
    if last is None or last.pk != event.pk:
        return _("Only the last step of a match can be undone; something happened since.")
    if event.undoes_id is not None or event.from_state == event.to_state:
        return _("This step cannot be undone.")
    if event.to_state in states.ONLY_BY_CONTACT_REQUEST:
        return _("A contact request cannot be undone; the researcher has been told.")
    if now - event.created_at > UNDO_WINDOW:
        return _("Too late to undo: a step can only be undone within a few seconds.")
    return None


def last_event(match: Match) -> MatchEvent | None:
    return MatchEvent.objects.filter(match_id=match.pk).order_by("created_at", "pk").last()


def can_undo(*, event: MatchEvent, by: User) -> bool:
    last = MatchEvent.objects.filter(match_id=event.match_id).order_by("created_at", "pk").last()
    return _undo_refusal(event, last, by, timezone.now()) is None


@transaction.atomic
def match_undo(*, match: Match, event_id: int, by: User) -> Match:
    """Take back the move `event_id` of `match`: only its maker, only the match's last step,
    only within UNDO_WINDOW. The undo is a new event (the move stays in the history); the
    match returns to the state, the waiting clock and the stages reached before the move."""
    locked = (
        Match.objects.select_for_update(of=("self",))
        .select_related("need__organisation", "result__organisation")
        .get(pk=match.pk)
    )
    event = MatchEvent.objects.filter(match=locked, pk=event_id).first()
    if event is None:
        raise ValidationError({"undo": _("This step cannot be undone.")})
    last = MatchEvent.objects.filter(match=locked).order_by("created_at", "pk").last()
    refusal = _undo_refusal(event, last, by, timezone.now())
    if refusal is None and not permissions.sides_of(by, locked):
        refusal = _("You are not on either side of this match.")
    if refusal is not None:
        raise ValidationError({"undo": refusal})
    moved_from, moved_to = event.from_state, event.to_state
    MatchEvent.objects.create(
        match=locked, actor=by, from_state=moved_to, to_state=moved_from, undoes=event
    )
    before = (
        MatchEvent.objects.filter(match=locked, pk__lt=event.pk)
        .exclude(from_state=F("to_state"))
        .order_by("created_at", "pk")
        .last()
    )
    # The stage this move reached for the first time is not reached after all.
    if moved_to in states.FORWARD[1:] and getattr(locked, f"{moved_to}_at") == (
        locked.state_changed_at
    ):
        setattr(locked, f"{moved_to}_at", None)
        locked.furthest_stage = max(
            [0]
            + [
                index
                for index, state in enumerate(states.FORWARD)
                if index and getattr(locked, f"{state}_at") is not None
            ]
        )
    locked.state = moved_from
    locked.state_changed_at = before.created_at if before else locked.created_at
    if moved_to == MatchState.DECLINED:
        locked.decline_reason, locked.decline_note = "", ""
    locked.save()
    if moved_to in states.CLOSED:
        from matchmaking.matches.matching import rerank

        rerank(need_ids=[locked.need_id], result_ids=[locked.result_id])
    return locked


@transaction.atomic
def match_request_contact(*, match: Match, by: User, message: str) -> Match:
    """The enterprise asks the researcher to talk; the researcher answers."""
    if not message.strip():
        raise ValidationError(
            {"message": _("Write a few words: what you need and how to reach you.")}
        )
    match = _transition(match=match, to=MatchState.CONTACTED, by=by, note=message)
    Match.objects.filter(pk=match.pk).update(
        contact_status=ContactStatus.PENDING,
        contact_message=message[:2000],
        contact_requested_at=timezone.now(),
    )
    match.refresh_from_db()
    transaction.on_commit(lambda: enqueue("matchmaking.tasks.notify_contact_requested", match.pk))
    return match


@transaction.atomic
def match_answer_contact(*, match: Match, by: User, accept: bool, note: str = "") -> Match:
    locked = (
        Match.objects.select_for_update(of=("self",))
        .select_related("need__organisation", "result__organisation")
        .get(pk=match.pk)
    )
    if states.RESEARCH not in permissions.sides_of(by, locked):
        raise PermissionDenied(_("Only the result's institution answers a contact request."))
    if locked.contact_status != ContactStatus.PENDING:
        raise ValidationError({"contact": _("This request has already been answered.")})
    locked.contact_status = ContactStatus.ACCEPTED if accept else ContactStatus.DECLINED
    locked.contact_answered_at = timezone.now()
    locked.save(update_fields=["contact_status", "contact_answered_at", "updated_at"])
    if not accept:
        locked = match_transition(match=locked, to=MatchState.DECLINED, by=by, note=note)
    else:
        MatchEvent.objects.create(
            match=locked,
            actor=by,
            from_state=locked.state,
            to_state=locked.state,
            note=note or _("Contact request accepted."),
        )
    transaction.on_commit(lambda: enqueue("matchmaking.tasks.notify_contact_answered", locked.pk))
    return locked


@transaction.atomic
def match_met_at_fair(*, match: Match, by: User, note: str) -> Match:
    """They met at the fair and want to go on (recorded by the station that saw it): they have
    each other's contact, and a match not yet contacted becomes contacted, as an accepted
    contact request would make it. A match someone closed meanwhile stays closed, and its
    contact details stay private. Callers check who may record a fair's outcome."""
    locked = Match.objects.select_for_update(of=("self",)).get(pk=match.pk)
    before = locked.state
    if before not in states.CLOSED:
        now = timezone.now()
        locked.contact_status, locked.contact_answered_at = ContactStatus.ACCEPTED, now
        if before in (MatchState.SUGGESTED, MatchState.SHORTLISTED):
            locked.state, locked.state_changed_at = MatchState.CONTACTED, now
            locked.mark_reached(MatchState.CONTACTED, now)
        locked.save()
    MatchEvent.objects.create(
        match=locked, actor=by, from_state=before, to_state=locked.state, note=note
    )
    return locked


#: States from which "不相关" takes a result off a need's list.
NOT_RELEVANT_FROM = (MatchState.SUGGESTED, MatchState.SHORTLISTED)


@transaction.atomic
def match_not_relevant(*, match: Match, by: User) -> Match:
    """The enterprise says a suggested result is not relevant: declined with that reason, so it
    is never suggested for this need again (the row stays; the matcher updates it but never
    brings it back) and it counts as a judgement in the quality report."""
    if not permissions.can_mark_not_relevant(by, match):
        raise PermissionDenied(_("Only the need's side says whether a result is relevant."))
    if match.state not in NOT_RELEVANT_FROM:
        raise ValidationError(
            {"state": _("Only a suggested or shortlisted result can be marked not relevant.")}
        )
    match = _transition(
        match=match,
        to=MatchState.DECLINED,
        by=by,
        reason=DeclineReason.NOT_RELEVANT,
        expected_state=match.state,
    )
    if match.decline_reason != DeclineReason.NOT_RELEVANT:  # an admin acts for both sides
        match.decline_reason = DeclineReason.NOT_RELEVANT
        match.save(update_fields=["decline_reason", "updated_at"])
    return match
