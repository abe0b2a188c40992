"""Station work: evaluations, solution plans, trainings and adoption costs.

Filing a record moves its match forward through the one transition service: an evaluation to
"evaluating", a plan to "solution proposed", an adoption cost to "adopted", stepping through
the states in between so that the history shows every step.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from config.queue import enqueue
from matchmaking.matches import states as matches_states
from matchmaking.matches.services import match_transition
from matchmaking.matches.states import MatchState
from matchmaking.models import Match
from matchmaking.stations import costs
from matchmaking.stations.models import (
    AdoptionCost,
    Evaluation,
    SolutionPlan,
    TrainingAttendance,
    TrainingSession,
)


def _station_for(user: User, match: Match) -> Organisation:
    if not permissions.can_work_match(user, match):
        raise PermissionDenied(_("Only staff of the station covering this enterprise may do this."))
    stations = permissions.stations_working(user, match.need.organisation)
    if stations:
        return stations[0]
    # An administrator: record it under any station covering the enterprise.
    covering = Organisation.objects.filter(kind=OrganisationKind.STATION)
    for station in covering:
        if permissions.station_covers(station, match.need.organisation.region):
            return station
    raise ValidationError(_("No service station covers this enterprise's county."))


def advance_to(match: Match, target: str, *, by: User, note: str) -> Match:
    """Walk the match forward to `target`, one recorded step at a time; never backwards."""
    order = matches_states.FORWARD
    match = Match.objects.get(pk=match.pk)  # the caller's copy may be stale
    if match.state in matches_states.CLOSED:
        raise ValidationError(
            {"state": _("This match was closed; reopen the work on a new match.")}
        )
    while order.index(match.state) < order.index(target):
        # The furthest legal step towards the target: a station's record skips the
        # enterprise's own steps (shortlisting, contact) that have no record of their own.
        between = order[order.index(match.state) + 1 : order.index(target) + 1]
        step = [s for s in between if matches_states.side_for(match.state, s)][-1]
        match = match_transition(match=match, to=step, by=by, note=note)
    return match


@transaction.atomic
def evaluation_create(*, match: Match, by: User, data: dict) -> Evaluation:
    station = _station_for(by, match)
    evaluation = Evaluation(match=match, station=station, author=by, **data)
    evaluation.full_clean()
    evaluation._history_user = by
    evaluation.save()
    advance_to(match, MatchState.EVALUATING, by=by, note=_("Technology evaluation filed."))
    transaction.on_commit(
        lambda: enqueue("matchmaking.tasks.notify_evaluation_ready", evaluation.pk)
    )
    return evaluation


# The page's form sends steps and costs already parsed; the API sends whatever JSON it was given,
# so both are checked here, where the rule lives once.


def _clean_steps(steps) -> list[dict]:
    cleaned = []
    for step in steps if isinstance(steps, list) else []:
        title = str(step.get("title") or "").strip() if isinstance(step, dict) else ""
        if not title:
            raise ValidationError({"steps": _("Each step needs a title.")})
        due = str(step.get("due") or "").strip()
        if due:
            try:
                date.fromisoformat(due)
            except ValueError as error:
                raise ValidationError(
                    {"steps": _("“%(due)s” is not a date: write it as YYYY-MM-DD.") % {"due": due}}
                ) from error
        owner = str(step.get("owner") or "").strip()
        cleaned.append(
            {"title": title, "owner": owner, "due": due, "milestone": step.get("milestone") is True}
        )
    if not cleaned:
        raise ValidationError({"steps": _("Add at least one step.")})
    return cleaned


def _clean_lines(cost_lines) -> tuple[list[dict], Decimal]:
    if not isinstance(cost_lines, list):
        raise ValidationError({"cost_lines": _("Each quoted cost needs an item and an amount.")})
    cleaned, total = [], Decimal(0)
    for line in cost_lines:
        if not isinstance(line, dict):
            raise ValidationError(
                {"cost_lines": _("Each quoted cost needs an item and an amount.")}
            )
        item = str(line.get("item", "")).strip()
        if not item:
            continue
        try:
            amount = costs.money(line.get("amount") or 0)
        except (ArithmeticError, TypeError, ValueError):
            amount = None
        if amount is None or not amount.is_finite() or amount >= costs.MAX_AMOUNT:
            raise ValidationError(
                {
                    "cost_lines": _("“%(amount)s” is not an amount in yuan (line “%(item)s”).")
                    % {"amount": line.get("amount"), "item": item}
                }
            )
        if amount < 0:
            raise ValidationError({"cost_lines": _("A quoted cost cannot be negative.")})
        cleaned.append({"item": item, "amount": str(amount)})
        total += amount
    return cleaned, total


@transaction.atomic
def plan_create(*, match: Match, by: User, data: dict) -> SolutionPlan:
    """A new version of the match's solution plan; earlier versions stay as they were."""
    station = _station_for(by, match)
    match = Match.objects.select_for_update(of=("self",)).get(pk=match.pk)  # versions in order
    if match.state in matches_states.CLOSED:
        raise ValidationError(
            {"state": _("This match was closed; reopen the work on a new match.")}
        )
    steps = _clean_steps(data.pop("steps", None))
    lines, total = _clean_lines(data.pop("cost_lines", []))
    version = (match.plans.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    plan = SolutionPlan(
        match=match,
        version=version,
        station=station,
        author=by,
        steps=steps,
        cost_lines=lines,
        total_quoted=total,
        **data,
    )
    plan.full_clean()
    plan._history_user = by
    plan.save()
    if matches_states.FORWARD.index(match.state) < matches_states.FORWARD.index(
        MatchState.SOLUTION_PROPOSED
    ):
        note = _("Solution plan, version %(n)d.") % {"n": version}
        advance_to(match, MatchState.SOLUTION_PROPOSED, by=by, note=note)
    return plan


@transaction.atomic
def training_create(
    *,
    station: Organisation,
    by: User,
    data: dict,
    attendances: list[tuple[Organisation, int]],
    results=(),
    matches=(),
) -> TrainingSession:
    if not (permissions.is_admin(by) or permissions.is_member(by, station)):
        raise PermissionDenied(_("Only the station's staff record its trainings."))
    if station.kind != OrganisationKind.STATION:
        raise ValidationError(_("Trainings are recorded by service stations."))
    if not attendances:
        raise ValidationError({"attendances": _("Add at least one enterprise that attended.")})
    if not permissions.is_admin(by):
        outside = [
            e.name
            for e, _people in attendances
            if not permissions.station_covers(station, e.region)
        ]
        # A match of another station's counties is refused without naming its enterprise:
        # the person posting its id may not see it.
        if any(
            not permissions.station_covers(station, m.need.organisation.region) for m in matches
        ):
            raise ValidationError(
                {
                    "matches": _(
                        "Select a valid choice. One of the matches is not one of the available "
                        "choices."
                    )
                }
            )
        if outside:
            raise ValidationError(
                {
                    "attendances": _("Not in this station's counties: %(names)s")
                    % {"names": "、".join(outside)}
                }
            )
    session = TrainingSession(station=station, recorded_by=by, **data)
    session.full_clean()
    session.save()
    for enterprise, people in attendances:
        if int(people) < 1:
            raise ValidationError({"attendances": _("The number of people must be at least 1.")})
        TrainingAttendance.objects.create(
            session=session, enterprise=enterprise, people=int(people)
        )
    session.results.set(results)
    session.matches.set(matches)
    return session


@transaction.atomic
def adoption_cost_record(*, match: Match, by: User, data: dict) -> AdoptionCost:
    """Record (or correct) what adoption cost; the match becomes adopted."""
    station = _station_for(by, match)
    from matchmaking.impact.services import released_total

    tranches = released_total(match)
    try:
        breakdown = costs.compute(
            trial_tranches=tranches,
            **{
                k: data.get(k, 0)
                for k in (
                    *costs.COST_LINES,
                    "reference_cost",
                    "special_fund",
                    "loan_principal",
                    "loan_rate",
                    "loan_months",
                )
            },
        )
    except costs.CostError as error:
        messages = {
            "special_fund": _("The subsidies cannot be more than the cost."),
        }
        raise ValidationError(
            {error.field: messages.get(error.field, _("This amount cannot be negative."))}
        ) from error
    # Locked: two submissions at once update one record instead of racing to create two.
    Match.objects.select_for_update(of=("self",)).get(pk=match.pk)
    record = AdoptionCost.objects.filter(match=match).first() or AdoptionCost(match=match)
    for name, value in data.items():
        setattr(record, name, value)
    record.station = station
    record.recorded_by = by
    record.loan_subsidy = breakdown.loan_subsidy
    record.trial_tranches = tranches
    record.total_cost = breakdown.total_cost
    record.net_outlay = breakdown.net_outlay
    record.saving = breakdown.saving
    record.saving_percent = breakdown.saving_percent
    record.full_clean()
    record._history_user = by
    record.save()
    if match.state != MatchState.ADOPTED:
        advance_to(match, MatchState.ADOPTED, by=by, note=_("Adoption cost recorded."))
    return record
