"""The fair's writes: registration, meeting requests, the scheduler run, the day itself. Its
reads (agendas, participants, the report) are in fairs/selectors.py."""

from __future__ import annotations

from datetime import time, timedelta

import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from config import audit
from config.queue import enqueue
from matchmaking import scheduling
from matchmaking.fairs.selectors import current_agenda
from matchmaking.fairs.states import (
    FAIR_TRANSITIONS,
    FairStatus,
    MeetingOutcome,
    MeetingStatus,
    RequestStatus,
    ScheduleRunStatus,
)
from matchmaking.matches import services as match_services
from matchmaking.matches import states as matches_states
from matchmaking.models import (
    Fair,
    FairRegistration,
    Match,
    Meeting,
    MeetingRequest,
    ScheduleRun,
)
from matchmaking.notifications.services import meetings_refilled

DEFAULT_WEIGHT = 0.5  # a request made by browsing, without a match score


# -- setting the fair up ---------------------------------------------------------------------


def _clock(value) -> time | None:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        return None


def clean_breaks(rows, day_start: time | None, day_end: time | None) -> list[list[str]]:
    """[[start, end], ...] as typed (HH:MM) -> the same, in time order, or a ValidationError on
    "breaks" naming the row. A row with both times empty is no break; each break starts before
    it ends, lies inside the meeting day and overlaps no other."""
    if not isinstance(rows, list | tuple):
        raise ValidationError({"breaks": _("Give the breaks as a list of start and end times.")})
    found = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list | tuple) or len(row) != 2:
            raise ValidationError(
                {"breaks": _("Break %(n)d: give a start and an end.") % {"n": number}}
            )
        raw = [str(v or "").strip() for v in row]
        if not any(raw):
            continue
        start, end = _clock(raw[0]), _clock(raw[1])
        if start is None or end is None:
            raise ValidationError(
                {"breaks": _("Break %(n)d: give both times as HH:MM.") % {"n": number}}
            )
        if start >= end:
            raise ValidationError(
                {"breaks": _("Break %(n)d: the end must come after the start.") % {"n": number}}
            )
        if day_start and day_end and (start < day_start or end > day_end):
            raise ValidationError(
                {
                    "breaks": _("Break %(n)d must lie between %(a)s and %(b)s.")
                    % {
                        "n": number,
                        "a": day_start.strftime("%H:%M"),
                        "b": day_end.strftime("%H:%M"),
                    }
                }
            )
        found.append((start, end, number))
    found.sort()
    for (_s1, end1, n1), (start2, _e2, n2) in zip(found, found[1:], strict=False):
        if start2 < end1:
            raise ValidationError(
                {
                    "breaks": _("Breaks %(a)d and %(b)d overlap.")
                    % {"a": min(n1, n2), "b": max(n1, n2)}
                }
            )
    return [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b, _n in found]


@transaction.atomic
def fair_save(*, fair: Fair | None, by: User, data: dict, organisers=None) -> Fair:
    """Create or edit a fair from cleaned fields. A station creating a fair organises it."""
    if fair is None:
        if not permissions.can_create_fair(by):
            raise PermissionDenied(_("Only administrators and service stations announce fairs."))
        fair = Fair()
    elif not permissions.can_manage_fair(by, fair):
        raise PermissionDenied(_("Only administrators and the fair's organisers edit it."))
    data = dict(data)
    data["breaks"] = clean_breaks(
        data.get("breaks", fair.breaks or []),
        data.get("day_start", fair.day_start),
        data.get("day_end", fair.day_end),
    )
    for name, value in data.items():
        setattr(fair, name, value)
    fair.full_clean()
    fair._history_user = by
    fair.save()
    if organisers is not None and permissions.is_admin(by):
        fair.organisers.set(organisers)
    elif not fair.organisers.exists():
        fair.organisers.set(permissions.organisations_of(by, OrganisationKind.STATION)[:1])
    return fair


def fair_open_registration(*, fair: Fair, by: User) -> Fair:
    if not permissions.can_manage_fair(by, fair):
        raise PermissionDenied(
            _("Only administrators and the fair's organisers open registration.")
        )
    if fair.status != FairStatus.PLANNING:
        raise ValidationError(_("Registration opens once, from planning."))
    return fair_transition(fair=fair, to=FairStatus.REGISTRATION_OPEN, by=by)


def fair_transition(*, fair: Fair, to: str, by: User | None = None) -> Fair:
    """Move the fair along FAIR_TRANSITIONS (fairs/states.py): the one writer of its status,
    recorded in the fair's history as `by`'s change. Callers check who may make the move."""
    if to not in FAIR_TRANSITIONS.get(fair.status, ()):
        raise ValidationError(
            {
                "status": _("A fair that is “%(current)s” cannot move to “%(target)s”.")
                % {"current": FairStatus(fair.status).label, "target": FairStatus(to).label}
            }
        )
    Fair.objects.filter(pk=fair.pk).update(status=to)
    fair.status = to
    audit.record(Fair, [fair], by=by)
    return fair


@transaction.atomic
def registration_save(
    *,
    fair: Fair,
    organisation: Organisation,
    by: User,
    attendees: str,
    available_slots: list[int],
    needs=(),
    results=(),
    standby: bool | None = None,
) -> FairRegistration:
    if organisation.kind not in (OrganisationKind.ENTERPRISE, OrganisationKind.INSTITUTION):
        raise ValidationError(_("Enterprises and research institutions register for the fair."))
    if not (permissions.may_act_for(by, organisation)):
        raise PermissionDenied(_("You cannot register this organisation."))
    if fair.status != FairStatus.REGISTRATION_OPEN and not permissions.is_admin(by):
        raise ValidationError(_("Registration for this fair is not open."))
    valid = {index for index, _start, _end in fair.slots()}
    slots = sorted({int(s) for s in available_slots if int(s) in valid})
    if not attendees.strip():
        raise ValidationError({"attendees": _("Name at least one person who will come.")})
    limit = FairRegistration._meta.get_field("attendees").max_length
    if len(attendees.strip()) > limit:
        raise ValidationError(
            {"attendees": _("At most %(limit)d characters, please.") % {"limit": limit}}
        )
    registration, _created = FairRegistration.objects.update_or_create(
        fair=fair,
        organisation=organisation,
        defaults={"registered_by": by, "attendees": attendees.strip(), "available_slots": slots}
        | ({} if standby is None else {"standby": bool(standby)}),
    )
    registration.needs.set([n for n in needs if n.organisation_id == organisation.pk])
    registration.results.set([r for r in results if r.organisation_id == organisation.pk])
    return registration


def _registration_of(fair: Fair, organisation: Organisation) -> FairRegistration:
    registration = FairRegistration.objects.filter(fair=fair, organisation=organisation).first()
    if registration is None:
        raise ValidationError(
            _("%(name)s has not registered for this fair yet.") % {"name": organisation.name}
        )
    return registration


@transaction.atomic
def meeting_request_from_match(
    *, fair: Fair, match: Match, by: User, message: str = ""
) -> MeetingRequest:
    """One click on a match page: meet the other side at the fair."""

    sides = permissions.sides_of(by, match)
    if matches_states.ENTERPRISE in sides:
        mine, theirs = match.need.organisation, match.result.organisation
    elif matches_states.RESEARCH in sides:
        mine, theirs = match.result.organisation, match.need.organisation
    else:
        raise PermissionDenied(_("You are not on either side of this match."))
    return meeting_request_create(
        fair=fair,
        requester=_registration_of(fair, mine),
        recipient=_registration_of(fair, theirs),
        by=by,
        match=match,
        message=message,
    )


@transaction.atomic
def meeting_request_create(
    *,
    fair: Fair,
    requester: FairRegistration,
    recipient: FairRegistration,
    by: User,
    match: Match | None = None,
    message: str = "",
) -> MeetingRequest:
    if not (permissions.may_act_for(by, requester.organisation)):
        raise PermissionDenied(_("You cannot ask for meetings for this organisation."))
    if requester.pk == recipient.pk:
        raise ValidationError(_("An organisation cannot meet itself."))
    if fair.status in (FairStatus.FINISHED,):
        raise ValidationError(_("This fair is over."))
    existing = MeetingRequest.objects.filter(
        Q(requester=requester, recipient=recipient) | Q(requester=recipient, recipient=requester)
    ).first()
    if existing is not None:
        raise ValidationError(_("There is already a meeting request between these two."))
    request = MeetingRequest.objects.create(
        fair=fair,
        requester=requester,
        recipient=recipient,
        match=match,
        message=message[:500],
        requested_by=by,
    )
    transaction.on_commit(lambda: enqueue("matchmaking.tasks.notify_meeting_requested", request.pk))
    return request


@transaction.atomic
def meeting_request_answer(*, request: MeetingRequest, by: User, accept: bool) -> MeetingRequest:
    locked = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("recipient__organisation")
        .get(pk=request.pk)
    )
    if not (permissions.may_act_for(by, locked.recipient.organisation)):
        raise PermissionDenied(_("Only the invited organisation (or its station) answers."))
    if locked.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."))
    locked.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    locked.answered_by, locked.answered_at = by, timezone.now()
    locked.save(update_fields=["status", "answered_by", "answered_at"])
    return locked


# -- scheduling -------------------------------------------------------------------------------


def _problem(fair: Fair) -> scheduling.Problem:
    accepted = list(
        MeetingRequest.objects.filter(fair=fair, status=RequestStatus.ACCEPTED).select_related(
            "match"
        )
    )
    registrations = {r.pk: r for r in fair.registrations.all()}
    all_slots = [index for index, _s, _e in fair.slots()]
    live = Meeting.objects.filter(fair=fair).exclude(status=MeetingStatus.CANCELLED)
    fixed = [
        scheduling.FixedMeeting(m.request_id, m.slot, m.table)
        for m in live
        if m.status in (MeetingStatus.CONFIRMED, MeetingStatus.HELD, MeetingStatus.NO_SHOW)
    ]
    return scheduling.Problem(
        slots=all_slots,
        tables=fair.tables,
        cap=fair.max_meetings,
        requests=[
            scheduling.Request(
                r.pk,
                r.requester_id,
                r.recipient_id,
                float(r.match.score) if r.match else DEFAULT_WEIGHT,
            )
            for r in accepted
        ],
        availability={
            pk: set(reg.available_slots) for pk, reg in registrations.items() if reg.available_slots
        },
        fixed=fixed,
        previous={m.request_id: (m.slot, m.table) for m in live},
    )


def schedule_start(*, fair: Fair, by: User) -> ScheduleRun:
    if not permissions.can_manage_fair(by, fair):
        raise PermissionDenied(_("Only administrators and the fair's organisers schedule it."))
    run = ScheduleRun.objects.create(fair=fair, created_by=by)
    transaction.on_commit(lambda: enqueue("matchmaking.tasks.run_fair_scheduler", run.pk))
    return run


def schedule_compute(run: ScheduleRun) -> ScheduleRun:
    """The background part: solve, and keep the result as a preview. Runs once per run."""
    run.refresh_from_db()
    if run.status != ScheduleRunStatus.RUNNING:
        return run  # a redelivered task must not turn a published run back into a preview

    def progress(fraction: float) -> None:
        ScheduleRun.objects.filter(pk=run.pk).update(progress=min(99, int(100 * fraction)))

    try:
        problem = _day_of_problem(run) if run.day_of else _problem(run.fair)
        result = scheduling.schedule(problem, progress=progress)
    except Exception as error:  # noqa: BLE001 - shown to the admin, who can re-run
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=ScheduleRunStatus.FAILED, error=str(error)[:2000]
        )
        run.refresh_from_db()
        return run
    changes = scheduling.diff(current_agenda(run.fair), result.assignments)
    run.assignments = {str(k): list(v) for k, v in result.assignments.items()}
    run.diff = {
        "added": list(changes.added),
        "removed": list(changes.removed),
        "moved": list(changes.moved),
        "unchanged": len(changes.unchanged),
    }
    run.unscheduled = [[rid, str(reason)] for rid, reason in result.unscheduled]
    run.meetings, run.weight, run.progress, run.status = result.count, result.weight, 100, "preview"
    run.save()
    return run


@transaction.atomic
def schedule_publish(*, run: ScheduleRun, by: User) -> int:
    """Make a preview the agenda: new meetings, moved ones (SEQUENCE + 1), cancelled ones."""
    run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
    if not permissions.can_manage_fair(by, run.fair):
        raise PermissionDenied(_("Only administrators and the fair's organisers publish it."))
    if run.status != ScheduleRunStatus.PREVIEW:
        raise ValidationError(_("Only a preview can be published, once."))
    fair = run.fair
    wanted = {int(k): tuple(v) for k, v in run.assignments.items()}
    existing = {m.request_id: m for m in Meeting.objects.filter(fair=fair)}
    # Free the tables first, so that swaps do not collide on the unique (slot, table).
    moving = [
        m
        for rid, m in existing.items()
        if m.status != MeetingStatus.CANCELLED
        and (rid not in wanted or (m.slot, m.table) != wanted[rid])
    ]
    Meeting.objects.filter(pk__in=[m.pk for m in moving]).update(status=MeetingStatus.CANCELLED)
    for meeting in moving:
        meeting.status = MeetingStatus.CANCELLED
    changed = 0
    placed = []
    for request_id, (slot, table) in wanted.items():
        meeting = existing.get(request_id)
        if meeting is None:
            meeting = Meeting(
                request_id=request_id, fair=fair, slot=slot, table=table, refilled=run.day_of
            )
            meeting._history_user = by
            meeting.save()
            placed.append(meeting)
            changed += 1
        elif meeting in moving or meeting.status == MeetingStatus.CANCELLED:
            meeting.slot, meeting.table = slot, table
            meeting.status = MeetingStatus.SCHEDULED
            meeting.sequence += 1
            meeting._history_user = by
            meeting.save()
            changed += 1
    cancelled = []
    for meeting in moving:
        if meeting.request_id not in wanted:
            meeting.sequence += 1
            Meeting.objects.filter(pk=meeting.pk).update(sequence=meeting.sequence)
            cancelled.append(meeting)
            changed += 1
    # The cancellations were updates: the history says who published them, in one insert.
    audit.record(Meeting, cancelled, by=by)
    ScheduleRun.objects.filter(fair=fair, status=ScheduleRunStatus.PREVIEW).exclude(
        pk=run.pk
    ).update(status=ScheduleRunStatus.STALE)
    run.status = ScheduleRunStatus.PUBLISHED
    run.save(update_fields=["status"])
    fair_transition(fair=fair, to=FairStatus.AGENDA_PUBLISHED, by=by)
    if run.day_of and placed:
        ids = [m.pk for m in placed]
        transaction.on_commit(lambda: meetings_refilled(ids))
    return changed


# -- the day -------------------------------------------------------------------------------------


def check_in(*, registration: FairRegistration, by: User, at=None) -> FairRegistration:
    """Check in once. `at` is when a desk did it (an offline desk syncs later): two desks
    checking in the same person resolve to the first time; a time ahead of now counts as now."""
    if not permissions.can_check_in(by, registration):
        raise PermissionDenied(
            _("Only the fair's organisers and the stations covering %(name)s check it in.")
            % {"name": registration.organisation.name}
        )
    now = timezone.now()
    at = min(at, now) if at is not None else now
    FairRegistration.objects.filter(pk=registration.pk).filter(
        Q(checked_in_at__isnull=True) | Q(checked_in_at__gt=at)
    ).update(checked_in_at=at)
    registration.refresh_from_db()
    return registration


def check_in_qr_svg(url: str) -> str:
    """The QR code of the check-in address, as inline SVG drawn on the server: a phone's camera
    opens the desk's page with the code filled in."""

    return segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#111")


# -- no-shows and the day-of re-run --------------------------------------------------------------

LIVE = (MeetingStatus.SCHEDULED, MeetingStatus.CONFIRMED)
STANDBY_NOTE = "standby"


@transaction.atomic
def mark_no_shows(*, fair: Fair, now=None) -> list[FairRegistration]:
    """Participants with a meeting in a slot that started `no_show_minutes` ago or more, still
    not checked in: absent from now on. That meeting is a no-show; their later meetings are
    cancelled (SEQUENCE + 1, so calendars drop them), freeing the tables for a re-run."""
    now = now or timezone.now()
    late = timedelta(minutes=fair.no_show_minutes)
    starts = {index: start for index, start, _end in fair.slots()}
    overdue = {index for index, start in starts.items() if start + late <= now}
    if not overdue:
        return []
    meetings = list(
        Meeting.objects.filter(fair=fair, status__in=LIVE, slot__in=overdue).select_related(
            "request__requester", "request__recipient"
        )
    )
    absent = {}
    for meeting in meetings:
        for side in (meeting.request.requester, meeting.request.recipient):
            if side.checked_in_at is None and side.absent_at is None:
                absent[side.pk] = side
    if not absent:
        return []
    FairRegistration.objects.filter(pk__in=absent).update(absent_at=now)
    theirs = Meeting.objects.filter(fair=fair, status__in=LIVE).filter(
        Q(request__requester__in=absent) | Q(request__recipient__in=absent)
    )
    for meeting in theirs:
        meeting.outcome = MeetingOutcome.NO_SHOW
        meeting.outcome_note = _("Absent: not checked in.")
        if meeting.slot in overdue:
            meeting.status = MeetingStatus.NO_SHOW
        else:
            meeting.status, meeting.sequence = MeetingStatus.CANCELLED, meeting.sequence + 1
        meeting.save(update_fields=["status", "outcome", "outcome_note", "sequence", "updated_at"])
    return list(absent.values())


def _standby_requests(fair: Fair, by: User | None, present: set[int]) -> list[MeetingRequest]:
    """Pairs of present participants on standby (an enterprise and an institution) whose
    listings match and who have no request yet: accepted requests for the re-run to place."""
    standby = {
        r.organisation_id: r
        for r in fair.registrations.filter(standby=True, pk__in=present).select_related(
            "organisation"
        )
    }
    if len(standby) < 2:
        return []
    paired = {
        frozenset((a, b))
        for a, b in MeetingRequest.objects.filter(fair=fair).values_list(
            "requester_id", "recipient_id"
        )
    }
    created = []
    matches = (
        Match.objects.filter(need__organisation__in=standby, result__organisation__in=standby)
        .exclude(state__in=matches_states.CLOSED)
        .select_related("need", "result")
        .order_by("-score")
    )
    for match in matches:
        a = standby[match.need.organisation_id]
        b = standby[match.result.organisation_id]
        if frozenset((a.pk, b.pk)) in paired:
            continue
        paired.add(frozenset((a.pk, b.pk)))
        created.append(
            MeetingRequest.objects.create(
                fair=fair,
                requester=a,
                recipient=b,
                match=match,
                message=STANDBY_NOTE,
                status=RequestStatus.ACCEPTED,
                requested_by=by or a.registered_by,
                answered_by=by,
                answered_at=timezone.now(),
            )
        )
    return created


def _day_of_problem(run: ScheduleRun) -> scheduling.Problem:
    """The rest of the day: slots already started take no new meeting; every live meeting
    stays where it is; accepted requests not on the agenda between present participants (and
    standby pairs) are placed at the free tables."""
    fair, now = run.fair, run.created_at
    slots = fair.slots()
    ahead = {index for index, start, _end in slots if start >= now}
    present = set(fair.registrations.filter(absent_at__isnull=True).values_list("pk", flat=True))
    _standby_requests(fair, run.created_by, present)
    live = list(Meeting.objects.filter(fair=fair).exclude(status=MeetingStatus.CANCELLED))
    placed = {m.request_id for m in live}
    accepted = [
        r
        for r in MeetingRequest.objects.filter(
            fair=fair, status=RequestStatus.ACCEPTED
        ).select_related("match")
        if r.pk in placed or (r.requester_id in present and r.recipient_id in present)
    ]
    registrations = {r.pk: r for r in fair.registrations.all()}
    return scheduling.Problem(
        slots=[index for index, _s, _e in slots],
        tables={index: (fair.tables if index in ahead else 0) for index, _s, _e in slots},
        cap=fair.max_meetings,
        requests=[
            scheduling.Request(
                r.pk,
                r.requester_id,
                r.recipient_id,
                float(r.match.score) if r.match else DEFAULT_WEIGHT,
            )
            for r in accepted
        ],
        availability={
            pk: (set(reg.available_slots) if reg.available_slots else {i for i, _s, _e in slots})
            & ahead
            for pk, reg in registrations.items()
        },
        fixed=[scheduling.FixedMeeting(m.request_id, m.slot, m.table) for m in live],
        previous={m.request_id: (m.slot, m.table) for m in live},
    )


def day_of_start(*, fair: Fair, by: User, now=None) -> ScheduleRun:
    """Mark the no-shows, then re-plan the rest of the day (a preview to publish)."""
    if not permissions.can_manage_fair(by, fair):
        raise PermissionDenied(_("Only administrators and the fair's organisers schedule it."))
    mark_no_shows(fair=fair, now=now)
    run = ScheduleRun.objects.create(fair=fair, created_by=by, day_of=True)
    if now is not None:
        ScheduleRun.objects.filter(pk=run.pk).update(created_at=now)
        run.refresh_from_db()
    transaction.on_commit(lambda: enqueue("matchmaking.tasks.run_fair_scheduler", run.pk))
    return run


@transaction.atomic
def record_outcome(*, meeting: Meeting, by: User, outcome: str, note: str = "") -> Meeting:
    if not permissions.can_record_outcome(by, meeting):
        raise PermissionDenied(
            _("Only staff of a station covering one of the two sides record this.")
        )
    if outcome not in MeetingOutcome.values:
        raise ValidationError({"outcome": _("Choose what happened.")})
    meeting.outcome, meeting.outcome_note = outcome, note[:500]
    meeting.status = (
        MeetingStatus.NO_SHOW if outcome == MeetingOutcome.NO_SHOW else MeetingStatus.HELD
    )
    meeting._history_user = by
    meeting.save(update_fields=["outcome", "outcome_note", "status", "updated_at"])
    match = meeting.request.match
    if match is not None and outcome == MeetingOutcome.FOLLOW_UP:
        _follow_up(match, by, note)
    return meeting


def _follow_up(match: Match, by: User, note: str) -> None:
    text = _("Follow-up wanted after meeting at the fair.") + (f" {note}" if note else "")
    match_services.match_met_at_fair(match=match, by=by, note=text)
