"""Reads for the fair: participants, requests, agendas, the desk, the scheduler's preview and the
report. The writes are in fairs/services.py."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from matchmaking.fairs.states import (
    FairStatus,
    MeetingOutcome,
    MeetingStatus,
    RequestStatus,
    ScheduleRunStatus,
)
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.models import Fair, FairRegistration, Meeting, MeetingRequest

REQUEST_REMINDER_AFTER = timedelta(days=2)

_REQUEST_SIDES = ("requester__organisation", "recipient__organisation")
_MEETING_SIDES = ("request__requester__organisation", "request__recipient__organisation")


# -- fairs and registrations ----------------------------------------------------------------


def fair_queryset() -> QuerySet[Fair]:
    return Fair.objects.all()


# Fairs a match page offers a meeting at: registration open up to the day itself.
OPEN_FAIRS = (FairStatus.REGISTRATION_OPEN, FairStatus.SCHEDULING, FairStatus.AGENDA_PUBLISHED)


def open_fair() -> Fair | None:
    return Fair.objects.filter(status__in=OPEN_FAIRS).first()


def fair_by_pk(pk: int) -> Fair | None:
    return Fair.objects.filter(pk=pk).first()


def registration_count(fair: Fair) -> int:
    return fair.registrations.count()


def registration_of(fair: Fair, organisation: Organisation) -> FairRegistration | None:
    return FairRegistration.objects.filter(fair=fair, organisation=organisation).first()


def registrations_of(user: User, fair: Fair) -> list[FairRegistration]:
    """The fair's registrations of the user's own organisations."""
    if not user.is_authenticated:
        return []
    own = [o.pk for o in permissions.organisations_of(user)]
    return list(fair.registrations.filter(organisation__in=own).select_related("organisation"))


def registration_listings(organisation: Organisation) -> tuple:
    """What an organisation may bring to the fair: an enterprise its open needs, an institution
    its listed results (lazy querysets, or empty lists for the other kinds)."""
    needs = (
        organisation.needs.filter(status=NeedStatus.OPEN)
        if organisation.kind == OrganisationKind.ENTERPRISE
        else []
    )
    results = (
        organisation.results.filter(status=ResultStatus.LISTED)
        if organisation.kind == OrganisationKind.INSTITUTION
        else []
    )
    return needs, results


def calendar_registrations() -> QuerySet[FairRegistration]:
    """Registrations as the calendar subscription looks them up, by their secret token."""
    return FairRegistration.objects.select_related("fair", "organisation", "registered_by")


def participant_list(
    fair: Fair, *, besides=(), filters, query: str = ""
) -> QuerySet[FairRegistration]:
    """The participants a registered organisation browses, less its own registrations (`besides`),
    filtered by a ParticipantFilterForm; an invalid form lists nobody."""
    registrations = fair.registrations.select_related("organisation__region").exclude(
        pk__in=[r.pk for r in besides]
    )
    if not filters.is_valid():
        registrations = registrations.none()
    elif kind := filters.cleaned_data["kind"]:
        registrations = registrations.filter(organisation__kind=kind)
    if query:
        registrations = registrations.filter(
            Q(organisation__name__icontains=query) | Q(organisation__description__icontains=query)
        )
    if filters.is_valid() and (province := filters.cleaned_data["province"]):
        registrations = registrations.filter(organisation__region__code__startswith=province)
    return registrations


def participants_public(fair: Fair) -> QuerySet[FairRegistration]:
    """Every participant, with what the API shows of each (no attendees, no phones)."""
    return (
        fair.registrations.select_related("organisation__region")
        .prefetch_related("needs", "results")
        .order_by("pk")
    )


def participant(fair: Fair, pk: int) -> FairRegistration | None:
    return fair.registrations.filter(pk=pk).first()


# -- meeting requests ---------------------------------------------------------------------------


def requests_received(registrations) -> QuerySet[MeetingRequest]:
    related = (*_REQUEST_SIDES, "match", "match__need")
    return MeetingRequest.objects.filter(recipient__in=registrations).select_related(*related)


def requests_sent(registrations) -> QuerySet[MeetingRequest]:
    related = (*_REQUEST_SIDES, "match", "match__need")
    return MeetingRequest.objects.filter(requester__in=registrations).select_related(*related)


def meeting_requests() -> QuerySet[MeetingRequest]:
    return MeetingRequest.objects.select_related(*_REQUEST_SIDES).order_by("pk")


def meeting_requests_of(user: User) -> QuerySet[MeetingRequest]:
    """Requests that the user's organisations sent or received."""
    own = [o.pk for o in permissions.organisations_of(user)]
    return meeting_requests().filter(
        Q(requester__organisation__in=own) | Q(recipient__organisation__in=own)
    )


def overdue_requests(fair: Fair, user: User) -> list[MeetingRequest]:
    """Requests still unanswered after the reminder, that this staff member may answer."""
    pending = MeetingRequest.objects.filter(
        fair=fair,
        status=RequestStatus.PENDING,
        created_at__lte=timezone.now() - REQUEST_REMINDER_AFTER,
    ).select_related("requester__organisation", "recipient__organisation__region")
    return [r for r in pending if permissions.may_act_for(user, r.recipient.organisation)]


# -- the scheduler and the agendas ----------------------------------------------------------------


def current_agenda(fair: Fair) -> dict[int, tuple[int, int]]:
    return {
        m.request_id: (m.slot, m.table)
        for m in Meeting.objects.filter(fair=fair).exclude(status=MeetingStatus.CANCELLED)
    }


def schedule_overview(fair: Fair) -> dict:
    """The latest scheduler run, its placed meetings in time order, its moves against the
    agenda, and how many requests were accepted."""
    run = fair.schedule_runs.first()
    requests = {
        r.pk: r for r in MeetingRequest.objects.filter(fair=fair).select_related(*_REQUEST_SIDES)
    }
    slots = {index: (start, end) for index, start, end in fair.slots()}
    placed = []
    if run and run.status in (ScheduleRunStatus.PREVIEW, ScheduleRunStatus.PUBLISHED):
        for rid, (slot, table) in sorted(run.assignments.items(), key=lambda kv: tuple(kv[1])):
            start, end = slots.get(slot, (None, None))
            placed.append(
                {"request": requests.get(int(rid)), "start": start, "end": end, "table": table}
            )
    return {
        "run": run,
        "placed": placed,
        "accepted": MeetingRequest.objects.filter(fair=fair, status=RequestStatus.ACCEPTED).count(),
        "moves": [
            (requests.get(rid), kind)
            for kind in ("added", "moved", "removed")
            for rid in (run.diff.get(kind, []) if run else [])
        ],
    }


def agenda_of(registration: FairRegistration) -> list[dict]:
    """The registration's meetings in time order, each with its time and the other side."""
    slots = {index: (start, end) for index, start, end in registration.fair.slots()}
    meetings = (
        Meeting.objects.filter(
            Q(request__requester=registration) | Q(request__recipient=registration)
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related(*_MEETING_SIDES)
        .order_by("slot")
    )
    rows = []
    for meeting in meetings:
        other = (
            meeting.request.recipient
            if meeting.request.requester_id == registration.pk
            else meeting.request.requester
        )
        start, end = slots.get(meeting.slot, (None, None))
        rows.append({"meeting": meeting, "other": other, "start": start, "end": end})
    return rows


def calendar_meetings(registration: FairRegistration) -> list[Meeting]:
    """Every meeting of the registration, cancelled ones included: the calendar drops those."""
    return list(
        Meeting.objects.filter(
            Q(request__requester=registration) | Q(request__recipient=registration)
        ).select_related(*_MEETING_SIDES)
    )


# -- the day ------------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """A typed code as stored: capitals, no spaces; O read as 0 is not in the alphabet."""
    return "".join(str(code or "").split()).upper()[:8]


def desk_registrations(fair: Fair) -> QuerySet[FairRegistration]:
    """The fair's registrations as the check-in desk lists them; the view narrows them to what
    its user may check in (permissions.check_in_registrations)."""
    return fair.registrations.select_related("organisation__region", "fair")


def desk_registration(visible: QuerySet[FairRegistration], pk: int) -> FairRegistration | None:
    return visible.filter(pk=pk).first()


def desk_search(
    visible: QuerySet[FairRegistration], *, code: str = "", query: str = ""
) -> QuerySet[FairRegistration]:
    """The desk's search: by the agenda's code, else by name, attendee or code."""
    if code:
        return visible.filter(check_in_code=code)
    if query:
        return visible.filter(
            Q(organisation__name__icontains=query)
            | Q(attendees__icontains=query)
            | Q(check_in_code=normalise_code(query))
        )
    return visible


def registration_by_code(*, fair: Fair, code: str, by: User) -> FairRegistration:
    """The registration whose agenda carries this code, if this desk may check it in."""
    registration = (
        FairRegistration.objects.filter(fair=fair, check_in_code=normalise_code(code))
        .select_related("organisation__region", "fair")
        .first()
    )
    if registration is None or not normalise_code(code):
        raise ValidationError({"code": _("No registration of this fair has that code.")})
    if not permissions.can_check_in(by, registration):
        raise PermissionDenied(
            _("Only the fair's organisers and the stations covering %(name)s check it in.")
            % {"name": registration.organisation.name}
        )
    return registration


def meetings_of(fair: Fair) -> list[Meeting]:
    """The fair's live meetings for the outcome desk, each with its slot's `start`."""
    slots = {index: start for index, start, _end in fair.slots()}
    meetings = list(
        Meeting.objects.filter(fair=fair)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related(*_MEETING_SIDES, "request__match")
    )
    for meeting in meetings:
        meeting.start = slots.get(meeting.slot)
    return meetings


def meetings_for_outcome() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(*_MEETING_SIDES, "request__match")


# -- the report -----------------------------------------------------------------------------------


def fair_report(fair: Fair) -> dict:
    requests = MeetingRequest.objects.filter(fair=fair)
    meetings = Meeting.objects.filter(fair=fair).exclude(status=MeetingStatus.CANCELLED)
    name = "name_en" if (get_language() or "").startswith("en") else "name"
    by_category = (
        meetings.values(name=F(f"request__match__need__category__parent__{name}"))
        .annotate(n=Count("pk"), held=Count("pk", filter=Q(status=MeetingStatus.HELD)))
        .order_by("-n")
    )
    by_province = (
        meetings.values(name=F(f"request__requester__organisation__region__parent__parent__{name}"))
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    all_meetings = Meeting.objects.filter(fair=fair)
    # Planned: what the published agenda held before the day changed it.
    planned = all_meetings.filter(refilled=False).exclude(
        Q(status=MeetingStatus.CANCELLED) & ~Q(outcome=MeetingOutcome.NO_SHOW)
    )
    with_meetings = fair.registrations.filter(
        Q(requests_made__meeting__isnull=False) | Q(requests_received__meeting__isnull=False)
    ).distinct()
    expected = with_meetings.count()
    absent = with_meetings.filter(absent_at__isnull=False).count()
    return {
        "registrations": fair.registrations.count(),
        "checked_in": fair.registrations.filter(checked_in_at__isnull=False).count(),
        "absent": absent,
        "no_show_rate": round(100 * absent / expected, 1) if expected else None,
        "planned": planned.count(),
        "refilled": all_meetings.filter(refilled=True)
        .exclude(status=MeetingStatus.CANCELLED)
        .count(),
        "held_of_planned": planned.filter(status=MeetingStatus.HELD).count(),
        "requests": requests.count(),
        "accepted": requests.filter(status=RequestStatus.ACCEPTED).count(),
        "scheduled": meetings.count(),
        "held": meetings.filter(status=MeetingStatus.HELD).count(),
        "no_shows": meetings.filter(status=MeetingStatus.NO_SHOW).count(),
        "follow_ups": meetings.filter(outcome=MeetingOutcome.FOLLOW_UP).count(),
        "by_category": list(by_category),
        "by_province": list(by_province),
    }
