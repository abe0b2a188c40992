"""Every change of a match's state: one transition function, checked and recorded."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from matchmaking import workflow
from matchmaking.enums import ContactStatus, DeclineReason, MatchState
from matchmaking.models import Match, MatchEvent
from matchmaking.queue import enqueue


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


def sides_of(user: User, match: Match) -> set[str]:
    """The sides of the match the user may act for."""
    if permissions.is_admin(user):
        return {workflow.ENTERPRISE, workflow.RESEARCH}
    sides = set()
    if permissions.can_act_for(user, match.need.organisation):
        sides.add(workflow.ENTERPRISE)
    if permissions.can_act_for(user, match.result.organisation):
        sides.add(workflow.RESEARCH)
    return sides


def can_view_match(user: User, match: Match) -> bool:
    return bool(sides_of(user, match))


def allowed_targets(user: User, match: Match) -> list[str]:
    sides = sides_of(user, match)
    return [
        target
        for target, side in workflow.TRANSITIONS.get(match.state, {}).items()
        if side == workflow.EITHER and sides or side in sides
    ]


def _state_label(state: str) -> str:
    return str(MatchState(state).label)


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
    if to in workflow.ONLY_BY_CONTACT_REQUEST:
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
    side = workflow.side_for(locked.state, to)
    if side is None:
        raise ValidationError(
            {
                "state": _("A match that is “%(current)s” cannot move to “%(target)s”.")
                % {"current": _state_label(locked.state), "target": _state_label(to)}
                if to in MatchState.values
                else _("Unknown state: %(target)s") % {"target": to}
            }
        )
    sides = sides_of(by, locked)
    if not (side in sides or (side == workflow.EITHER and sides)):
        raise PermissionDenied(_("You are not on the side of this match that makes this move."))
    if (
        to in workflow.NEEDS_ACCEPTED_CONTACT
        and locked.contact_status != ContactStatus.ACCEPTED
        and not permissions.can_work_match(by, locked)
    ):
        raise ValidationError(
            {"state": _("The researcher has to accept the contact request first.")}
        )
    if (
        to == MatchState.DECLINED
        and workflow.ENTERPRISE in sides
        and workflow.RESEARCH not in sides
    ):
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
        from matchmaking.services.outcomes import checkpoints_schedule

        checkpoints_schedule(locked)  # what adoption changed is measured from now (#21)
    if to in workflow.CLOSED:
        from matchmaking.services.matching import rerank

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
    from matchmaking.tasks import notify_contact_requested

    transaction.on_commit(lambda: enqueue(notify_contact_requested, match.pk))
    return match


@transaction.atomic
def match_answer_contact(*, match: Match, by: User, accept: bool, note: str = "") -> Match:
    locked = (
        Match.objects.select_for_update(of=("self",))
        .select_related("need__organisation", "result__organisation")
        .get(pk=match.pk)
    )
    if workflow.RESEARCH not in sides_of(by, locked):
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
    from matchmaking.tasks import notify_contact_answered

    transaction.on_commit(lambda: enqueue(notify_contact_answered, locked.pk))
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
