"""What an adoption changed (issue #21): evidence at checkpoints after adoption, and trials
paid by milestone.

- When a match is adopted, its checkpoints (at adoption, +3 and +12 months) become due
  (`checkpoints_schedule`, called by the one transition service). Station staff record the
  need's figure measured again (`evidence_record`), the enterprise confirms or disputes it
  (`evidence_answer`); staff are reminded once of each checkpoint that falls due
  (`send_evidence_reminders`, hourly from beat, safe to run twice).
- A trial (`trial_create`) is a plan of milestones whose tranches add up to the trial subsidy.
  Verifying a milestone releases its tranche (`milestone_verify`); the last one verified passes
  the trial and adopts the match. A failed trial (`trial_fail`) declines the match with its
  reason; the tranches already released stay paid.
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import MembershipStatus, OrganisationKind
from accounts.models import Organisation, User
from config.queue import enqueue
from matchmaking.enums import Checkpoint, DeclineReason, MetricUnit, NotificationKind
from matchmaking.impact.models import OutcomeEvidence, OutcomePhoto, Trial, TrialMilestone
from matchmaking.impact.parse import relative_change
from matchmaking.impact.states import EvidenceStatus, MilestoneStatus, TrialStatus
from matchmaking.listings.photo_checks import Photo
from matchmaking.matches import states as matches_states
from matchmaking.matches.services import match_adopted, match_transition
from matchmaking.matches.states import MatchState
from matchmaking.models import AdoptionCost, Match
from matchmaking.notifications.services import deliver, members
from matchmaking.stations import costs
from matchmaking.stations.services import _station_for, advance_to

CHECKPOINTS = (Checkpoint.AT_ADOPTION, Checkpoint.THREE_MONTHS, Checkpoint.TWELVE_MONTHS)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def figure(value: Decimal | None) -> str:
    """18.00 as "18", 2.50 as "2.5": a figure as people write it."""
    return "" if value is None else f"{value.normalize():f}"


@receiver(match_adopted)
def _adopted(sender, match: Match, **kwargs) -> None:
    checkpoints_schedule(match)


def checkpoints_schedule(match: Match) -> int:
    """Make the adopted match's checkpoints due; the ones it already has are left alone."""
    adopted = timezone.localdate(match.adopted_at) if match.adopted_at else timezone.localdate()
    have = set(OutcomeEvidence.objects.filter(match=match).values_list("checkpoint", flat=True))
    rows = [
        OutcomeEvidence(
            match=match,
            checkpoint=checkpoint,
            due_on=add_months(adopted, checkpoint),
            label=match.need.baseline_label,
            unit=match.need.baseline_unit,
            baseline_value=match.need.baseline_value,
        )
        for checkpoint in CHECKPOINTS
        if checkpoint not in have
    ]
    # ignore_conflicts: one made by a concurrent call in between is not an error.
    OutcomeEvidence.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def ensure_checkpoints() -> int:
    """Checkpoints for adopted matches that have none (adopted before evidence existed)."""
    missing = Match.objects.filter(state=MatchState.ADOPTED, evidence__isnull=True).select_related(
        "need"
    )
    return sum(checkpoints_schedule(match) for match in missing)


def _station_of(user: User, match: Match) -> Organisation | None:
    stations = permissions.stations_working(user, match.need.organisation)
    return stations[0] if stations else None


def _save_photos(photos: list[Photo], by: User, **owner) -> None:
    """Store checked photos under random names; their files go if the transaction fails."""
    written = []
    try:
        for photo in photos:
            name = uuid.uuid4().hex
            row = OutcomePhoto(
                added_by=by,
                width=photo.width,
                height=photo.height,
                size=len(photo.image),
                **owner,
            )
            row.image.save(f"{name}.jpg", ContentFile(photo.image), save=False)
            written.append(row.image)
            row.thumbnail.save(f"{name}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
            written.append(row.thumbnail)
            row.save()
    except BaseException:
        for file in written:
            file.storage.delete(file.name)
        raise


def _check_decimal(value, field: str) -> Decimal:
    try:
        value = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        value = None
    if value is None or not value.is_finite() or abs(value) >= costs.MAX_AMOUNT:
        raise ValidationError({field: _("Enter a number.")})
    return value


@transaction.atomic
def evidence_record(
    *, evidence: OutcomeEvidence, by: User, data: dict, photos: list[Photo] = ()
) -> OutcomeEvidence:
    """Station staff record the figure measured at the checkpoint, and how; recording again
    (after a dispute, or a correction before the enterprise answered) replaces the figures."""
    evidence = OutcomeEvidence.objects.select_for_update(of=("self",)).get(pk=evidence.pk)
    match = Match.objects.select_related("need__organisation__region").get(pk=evidence.match_id)
    if not permissions.can_work_match(by, match):
        raise PermissionDenied(_("Only staff of the station covering this enterprise may do this."))
    if evidence.status == EvidenceStatus.CONFIRMED:
        raise ValidationError(
            {"measured_value": _("The enterprise has confirmed this evidence; it stays as it is.")}
        )
    unit = data.get("unit") or ""
    if unit not in MetricUnit.values:
        raise ValidationError({"unit": _("Choose the unit of the figure.")})
    if data.get("baseline_value") in (None, ""):
        raise ValidationError({"baseline_value": _("Enter the figure before adoption.")})
    if data.get("measured_value") in (None, ""):
        raise ValidationError({"measured_value": _("Enter the figure measured now.")})
    baseline = _check_decimal(data["baseline_value"], "baseline_value")
    measured = _check_decimal(data["measured_value"], "measured_value")
    method = str(data.get("method") or "").strip()
    if not method:
        raise ValidationError({"method": _("Say how it was measured.")})
    have = evidence.photos.count()
    if have + len(photos) > OutcomePhoto.MAX_PER_RECORD:
        raise ValidationError(
            {
                "photos": _("At most %(max)s photos per record; it has %(have)s.")
                % {"max": OutcomePhoto.MAX_PER_RECORD, "have": have}
            }
        )
    evidence.label = str(data.get("label") or "").strip()[:60]
    evidence.unit = unit
    evidence.baseline_value = baseline
    evidence.measured_value = measured
    evidence.relative_change = relative_change(baseline, measured)
    evidence.method = method
    evidence.station = _station_of(by, match) or evidence.station
    evidence.recorded_by = by
    evidence.recorded_at = timezone.now()
    evidence.status = EvidenceStatus.RECORDED
    evidence.answered_by, evidence.answered_at, evidence.dispute_note = None, None, ""
    evidence.full_clean()
    evidence.save()
    _save_photos(list(photos), by, evidence=evidence)

    transaction.on_commit(
        lambda: enqueue("matchmaking.tasks.notify_evidence_recorded", evidence.pk)
    )
    return evidence


def evidence_recorded(evidence_id: int) -> int:
    """The enterprise hears that a figure was recorded and waits for its answer."""

    evidence = OutcomeEvidence.objects.select_related("match__need__organisation").get(
        pk=evidence_id
    )

    def message():
        return (
            _("Please confirm what was measured for “%(need)s”")
            % {"need": evidence.match.need.title},
            _("%(checkpoint)s: %(label)s %(before)s → %(after)s.")
            % {
                "checkpoint": evidence.get_checkpoint_display(),
                "label": evidence.label,
                "before": figure(evidence.baseline_value),
                "after": figure(evidence.measured_value),
            },
            reverse("match-impact", args=[evidence.match_id]),
        )

    return deliver(
        members(evidence.match.need.organisation),
        NotificationKind.EVALUATION,
        message,
        # Measured again after a dispute, it is a new figure to confirm: a new notification.
        key=f"evidence_recorded:{evidence.pk}:{evidence.recorded_at:%Y%m%d%H%M%S%f}",
    )


@transaction.atomic
def evidence_answer(
    *, evidence: OutcomeEvidence, by: User, confirm: bool, note: str = ""
) -> OutcomeEvidence:
    """The enterprise confirms the recorded figure, or disputes it saying why."""
    evidence = OutcomeEvidence.objects.select_for_update(of=("self",)).get(pk=evidence.pk)
    match = Match.objects.select_related("need__organisation").get(pk=evidence.match_id)
    if not permissions.can_answer_evidence(by, match):
        raise PermissionDenied(_("Only the enterprise confirms or disputes its evidence."))
    if evidence.status != EvidenceStatus.RECORDED:
        raise ValidationError({"answer": _("There is no recorded figure waiting for an answer.")})
    note = note.strip()
    if not confirm and not note:
        raise ValidationError({"note": _("Say what is wrong with the figure.")})
    evidence.status = EvidenceStatus.CONFIRMED if confirm else EvidenceStatus.DISPUTED
    evidence.dispute_note = "" if confirm else note[:500]
    evidence.answered_by = by
    evidence.answered_at = timezone.now()
    evidence.save()
    return evidence


def send_evidence_reminders(now=None) -> int:
    """Remind the covering stations' staff, once, of each checkpoint that has fallen due."""

    now = now or timezone.now()
    ensure_checkpoints()
    due = OutcomeEvidence.objects.filter(
        status=EvidenceStatus.DUE, due_on__lte=timezone.localdate(now), reminded_at__isnull=True
    ).select_related("match__need__organisation__region")
    stations = list(
        Organisation.objects.filter(kind=OrganisationKind.STATION).prefetch_related(
            "memberships__user"
        )
    )
    sent = 0
    for evidence in due:
        # Claim it first: two beat runs at once do not both remind.
        if not OutcomeEvidence.objects.filter(pk=evidence.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            continue
        enterprise = evidence.match.need.organisation
        staff = [
            membership.user
            for station in stations
            if permissions.station_covers(station, enterprise.region)
            for membership in station.memberships.all()
            if membership.status == MembershipStatus.ACTIVE and membership.user.is_active
        ]

        def message(evidence=evidence, enterprise=enterprise):
            return (
                _("Evidence due: %(checkpoint)s for %(enterprise)s")
                % {"checkpoint": evidence.get_checkpoint_display(), "enterprise": enterprise.name},
                _("Measure “%(need)s” again and record it, with how it was measured.")
                % {"need": evidence.match.need.title},
                reverse("evidence-record", args=[evidence.pk]),
            )

        sent += deliver(
            staff, NotificationKind.REMINDER, message, key=f"evidence_due:{evidence.pk}"
        )
    return sent


# Trials paid by milestone.


def _clean_milestones(milestones, subsidy: Decimal) -> list[dict]:
    if not isinstance(milestones, list) or not milestones:
        raise ValidationError({"milestones": _("Add at least one milestone.")})
    cleaned, total = [], Decimal(0)
    for position, item in enumerate(milestones, start=1):
        item = item if isinstance(item, dict) else {}
        title = str(item.get("title") or "").strip()
        criteria = str(item.get("criteria") or "").strip()
        if not title or not criteria:
            raise ValidationError(
                {
                    "milestones": _("Milestone %(n)s needs a title and acceptance criteria.")
                    % {"n": position}
                }
            )
        try:
            tranche = costs.money(item.get("tranche") or 0)
        except (ArithmeticError, TypeError, ValueError):
            tranche = None
        if tranche is None or not tranche.is_finite() or not 0 <= tranche < costs.MAX_AMOUNT:
            raise ValidationError(
                {
                    "milestones": _("Milestone %(n)s: “%(amount)s” is not an amount in yuan.")
                    % {"n": position, "amount": item.get("tranche")}
                }
            )
        due = item.get("due_on") or None
        if isinstance(due, str):
            try:
                due = date.fromisoformat(due)
            except ValueError as error:
                raise ValidationError(
                    {
                        "milestones": _("“%(due)s” is not a date: write it as YYYY-MM-DD.")
                        % {"due": due}
                    }
                ) from error
        cleaned.append(
            {
                "position": position,
                "title": title[:200],
                "criteria": criteria,
                "tranche": tranche,
                "due_on": due,
            }
        )
        total += tranche
    if total != subsidy:
        raise ValidationError(
            {
                "milestones": _(
                    "The tranches add up to %(total)s yuan; they must add up to the trial "
                    "subsidy, %(subsidy)s yuan."
                )
                % {"total": total, "subsidy": subsidy}
            }
        )
    return cleaned


@transaction.atomic
def trial_create(*, match: Match, by: User, subsidy, milestones: list[dict]) -> Trial:
    """Put the match on trial with its plan of milestones; the tranches must add up to the
    subsidy, in Decimal yuan."""
    if not permissions.can_work_match(by, match):
        raise PermissionDenied(_("Only staff of the station covering this enterprise may do this."))
    match = Match.objects.select_for_update(of=("self",)).get(pk=match.pk)
    if match.state in matches_states.CLOSED or match.state == MatchState.ADOPTED:
        raise ValidationError(
            {"state": _("Only a match not yet adopted or closed can go on trial.")}
        )
    if Trial.objects.filter(match=match).exists():
        raise ValidationError({"milestones": _("This match already has a trial.")})
    subsidy = costs.money(_check_decimal(subsidy if subsidy not in (None, "") else 0, "subsidy"))
    if subsidy < 0:
        raise ValidationError({"subsidy": _("This amount cannot be negative.")})
    cleaned = _clean_milestones(milestones, subsidy)
    station = _station_of(by, match)
    if station is None:  # an administrator: the first station covering the enterprise
        station = _station_for(by, match)
    trial = Trial.objects.create(match=match, station=station, created_by=by, subsidy=subsidy)
    TrialMilestone.objects.bulk_create([TrialMilestone(trial=trial, **item) for item in cleaned])
    if match.state != MatchState.ON_TRIAL:
        advance_to(match, MatchState.ON_TRIAL, by=by, note=_("Trial planned with milestones."))
    return trial


def _running_trial(milestone_or_trial, by: User) -> Trial:
    trial_id = getattr(milestone_or_trial, "trial_id", None) or milestone_or_trial.pk
    trial = (
        Trial.objects.select_for_update(of=("self",))
        .select_related("match__need__organisation__region")
        .get(pk=trial_id)
    )
    if not permissions.can_work_match(by, trial.match):
        raise PermissionDenied(_("Only staff of the station covering this enterprise may do this."))
    if trial.status != TrialStatus.RUNNING:
        raise ValidationError({"note": _("This trial has ended.")})
    return trial


@transaction.atomic
def milestone_verify(
    *, milestone: TrialMilestone, by: User, note: str, evidence: str, photos: list[Photo] = ()
) -> TrialMilestone:
    """The station saw the milestone met: its tranche is released. The last one passes the
    trial, and the match is adopted."""
    trial = _running_trial(milestone, by)
    milestone = TrialMilestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.status != MilestoneStatus.PLANNED:
        raise ValidationError({"note": _("This milestone was already verified.")})
    if not evidence.strip():
        raise ValidationError({"evidence": _("Say what you saw that meets the criteria.")})
    now = timezone.now()
    milestone.status = MilestoneStatus.VERIFIED
    milestone.note = note.strip()
    milestone.evidence = evidence.strip()
    milestone.verified_by, milestone.verified_at = by, now
    milestone.released_amount, milestone.released_at = milestone.tranche, now
    milestone.save()
    _save_photos(list(photos), by, milestone=milestone)
    if not trial.milestones.exclude(status=MilestoneStatus.VERIFIED).exists():
        trial.status, trial.ended_at = TrialStatus.PASSED, now
        trial.save(update_fields=["status", "ended_at"])

        advance_to(
            trial.match,
            MatchState.ADOPTED,
            by=by,
            note=_("Trial passed: every milestone verified."),
        )
        # A cost recorded before the trial ended learns of the last tranches.
        _refresh_cost(trial.match)
    return milestone


@transaction.atomic
def trial_fail(*, trial: Trial, by: User, reason: str) -> Trial:
    """The trial did not work: the match is declined with the reason; the tranches released
    for milestones already verified stay paid, the others are not met."""
    trial = _running_trial(trial, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the trial failed.")})
    now = timezone.now()
    trial.milestones.filter(status=MilestoneStatus.PLANNED).update(status=MilestoneStatus.FAILED)
    trial.status, trial.failure_reason, trial.ended_at = TrialStatus.FAILED, reason[:500], now
    trial.save(update_fields=["status", "failure_reason", "ended_at"])

    match_transition(
        match=trial.match,
        to=MatchState.DECLINED,
        by=by,
        reason=DeclineReason.OTHER,
        note=_("Trial failed: %(reason)s") % {"reason": reason},
    )
    return trial


def released_total(match: Match) -> Decimal:
    """The trial subsidy released so far for the match, in yuan."""
    total = TrialMilestone.objects.filter(trial__match=match).aggregate(s=Sum("released_amount"))
    return costs.money(total["s"] or 0)


def trial_ledger(trial: Trial) -> dict:
    """The trial's tranches as a ledger: each line with the running total released."""
    lines, running = [], Decimal("0.00")
    for milestone in trial.milestones.all():
        running += milestone.released_amount
        lines.append(
            {"milestone": milestone, "released": milestone.released_amount, "running": running}
        )
    return {
        "lines": lines,
        "released": costs.money(running),
        "outstanding": costs.money(trial.subsidy - running)
        if trial.status == TrialStatus.RUNNING
        else Decimal("0.00"),
        "subsidy": trial.subsidy,
    }


def _refresh_cost(match: Match) -> None:

    record = AdoptionCost.objects.filter(match=match).first()
    if record is None:
        return
    tranches = released_total(match)
    if record.trial_tranches == tranches:
        return
    try:
        breakdown = costs.compute(
            **{
                name: getattr(record, name)
                for name in (
                    *costs.COST_LINES,
                    "reference_cost",
                    "special_fund",
                    "loan_principal",
                    "loan_rate",
                    "loan_months",
                )
            },
            trial_tranches=tranches,
        )
    except costs.CostError:
        # The subsidies would exceed the recorded cost: left for the station to correct when
        # it records the cost again, which says so beside the field.
        return
    record.trial_tranches = tranches
    record.net_outlay, record.saving = breakdown.net_outlay, breakdown.saving
    record.saving_percent = breakdown.saving_percent
    record.save(
        update_fields=["trial_tranches", "net_outlay", "saving", "saving_percent", "updated_at"]
    )
