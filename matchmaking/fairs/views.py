"""Fair pages: registration, requests, the scheduler, agendas, check-in, outcomes, the report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation
from accounts.selectors import search_query
from matchmaking.core.http import safe_next
from matchmaking.fairs import ics, selectors, services
from matchmaking.fairs.filters import ParticipantFilterForm
from matchmaking.fairs.forms import FairForm
from matchmaking.fairs.states import MeetingOutcome
from matchmaking.listings import selectors as listings_selectors
from matchmaking.matches import selectors as matches_selectors
from matchmaking.models import Fair, FairRegistration, Meeting, MeetingRequest, ScheduleRun
from matchmaking.stations import selectors as stations_selectors


def _number(value) -> int:
    """A posted id; anything else is a missing object, not a server error."""
    if not str(value or "").isdigit():
        raise Http404
    return int(value)


def _errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def fair_list(request):
    return render(
        request,
        "matchmaking/fair_list.html",
        {
            "fairs": selectors.fair_queryset()[:20],
            "can_create": permissions.can_create_fair(request.user),
        },
    )


@login_required
def fair_form(request, pk: int | None = None):
    """Announce a fair (admins, station staff) or edit one (admins, its organisers)."""
    fair = get_object_or_404(Fair, pk=pk) if pk is not None else None
    allowed = (
        permissions.can_manage_fair(request.user, fair)
        if fair
        else permissions.can_create_fair(request.user)
    )
    if not allowed:
        raise PermissionDenied
    form = FairForm(request.POST or None, instance=fair or Fair(), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "organisers"}
        organisers = form.cleaned_data.get("organisers")
        try:
            saved = services.fair_save(fair=fair, by=request.user, data=data, organisers=organisers)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("fair-detail", pk=saved.pk)
    return render(request, "matchmaking/fair_form.html", {"form": form, "fair": fair})


@login_required
@require_POST
def fair_open_registration(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    try:
        services.fair_open_registration(fair=fair, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Registration is open."))
    return redirect("fair-detail", pk=fair.pk)


def _my_registrations(user, fair):
    return selectors.registrations_of(user, fair)


def fair_detail(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    context = {
        "fair": fair,
        "slots": fair.slots(),
        "mine": _my_registrations(request.user, fair),
        "can_run": request.user.is_authenticated and permissions.can_run_fair(request.user),
        "is_admin": permissions.is_admin(request.user),
        "can_manage": permissions.can_manage_fair(request.user, fair),
        "registered": selectors.registration_count(fair),
    }
    return render(request, "matchmaking/fair_detail.html", context)


def _registrable(user) -> list[Organisation]:
    kinds = (OrganisationKind.ENTERPRISE, OrganisationKind.INSTITUTION)
    own = [o for o in permissions.organisations_of(user) if o.kind in kinds]
    own += [o for o in stations_selectors.enterprises_covered_for(user) if o not in own]
    return own


@login_required
def fair_register(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    choices = _registrable(request.user)
    if not choices:
        raise PermissionDenied
    chosen = next(
        (
            o
            for o in choices
            if str(o.pk) == request.POST.get("organisation", request.GET.get("organisation"))
        ),
        choices[0],
    )
    existing = selectors.registration_of(fair, chosen)
    if request.method == "POST":
        try:
            services.registration_save(
                fair=fair,
                organisation=chosen,
                by=request.user,
                attendees=request.POST.get("attendees", ""),
                available_slots=[s for s in request.POST.getlist("slots") if s.isdigit()],
                standby=request.POST.get("standby") == "1",
                needs=listings_selectors.needs_by_pk(
                    [v for v in request.POST.getlist("needs") if v.isdigit()]
                ),
                results=listings_selectors.results_by_pk(
                    [v for v in request.POST.getlist("results") if v.isdigit()]
                ),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": chosen.name})
            return redirect("fair-detail", pk=fair.pk)
    needs, results = selectors.registration_listings(chosen)
    context = {
        "fair": fair,
        "choices": choices,
        "chosen": chosen,
        "existing": existing,
        "slots": fair.slots(),
        "available": set(existing.available_slots) if existing else set(),
        "needs": needs,
        "results": results,
        "attendees": request.POST.get("attendees", existing.attendees if existing else ""),
        "standby": existing.standby if existing else False,
    }
    return render(request, "matchmaking/fair_register.html", context)


@login_required
def fair_participants(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    mine = _my_registrations(request.user, fair)
    # A kind or province the list does not know is refused beside the filter, not ignored.
    filters = ParticipantFilterForm(request.GET)
    registrations = selectors.participant_list(
        fair, besides=mine, filters=filters, query=search_query(request.GET.get("q", ""))
    )
    return render(
        request,
        "matchmaking/fair_participants.html",
        {
            "fair": fair,
            "registrations": registrations[:200],
            "mine": mine,
            "filter_errors": filters.errors,
        },
        status=400 if filters.errors else 200,
    )


@login_required
@require_POST
def fair_request(request, pk: int):
    """Ask to meet: from a match (match=…) or from the participant list (recipient=…)."""
    fair = get_object_or_404(Fair, pk=pk)
    try:
        if request.POST.get("match"):
            match = get_object_or_404(
                matches_selectors.matches_with_sides(),
                pk=_number(request.POST["match"]),
            )
            services.meeting_request_from_match(
                fair=fair, match=match, by=request.user, message=request.POST.get("message", "")
            )
        else:
            mine = _my_registrations(request.user, fair)
            requester = next(
                (r for r in mine if str(r.pk) == request.POST.get("requester")),
                mine[0] if mine else None,
            )
            if requester is None:
                raise ValidationError(_("Register for the fair first."))
            recipient = get_object_or_404(
                FairRegistration, pk=_number(request.POST.get("recipient")), fair=fair
            )
            services.meeting_request_create(
                fair=fair,
                requester=requester,
                recipient=recipient,
                by=request.user,
                message=request.POST.get("message", ""),
            )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Meeting request sent."))
    return redirect(safe_next(request, reverse("fair-requests", args=[fair.pk])))


@login_required
def fair_requests(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    mine = _my_registrations(request.user, fair)
    received = list(selectors.requests_received(mine))
    for meeting_request in received:
        if meeting_request.match:  # its score as this viewer may see it
            matches_selectors.as_seen_by(request.user, meeting_request.match)
    context = {
        "fair": fair,
        "received": received,
        "sent": selectors.requests_sent(mine),
        "overdue": selectors.overdue_requests(fair, request.user)
        if permissions.can_run_fair(request.user)
        else [],
    }
    return render(request, "matchmaking/fair_requests.html", context)


@login_required
@require_POST
def fair_request_answer(request, pk: int):
    meeting_request = get_object_or_404(MeetingRequest, pk=pk)
    try:
        services.meeting_request_answer(
            request=meeting_request, by=request.user, accept=request.POST.get("answer") == "accept"
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Answer saved."))
    return redirect("fair-requests", pk=meeting_request.fair_id)


@login_required
def fair_schedule(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    if not permissions.can_manage_fair(request.user, fair):
        raise PermissionDenied
    if request.method == "POST":
        if request.POST.get("action") == "publish":
            run = get_object_or_404(ScheduleRun, pk=_number(request.POST.get("run")), fair=fair)
            try:
                changed = services.schedule_publish(run=run, by=request.user)
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(
                    request, _("Agenda published; %(n)d meetings changed.") % {"n": changed}
                )
        elif request.POST.get("action") == "day_of":
            services.day_of_start(fair=fair, by=request.user)
        else:
            services.schedule_start(fair=fair, by=request.user)
        return redirect("fair-schedule", pk=fair.pk)
    context = {"fair": fair} | selectors.schedule_overview(fair)
    template = (
        "matchmaking/partials/schedule_progress.html"
        if request.htmx
        else "matchmaking/fair_schedule.html"
    )
    return render(request, template, context)


def _agenda_context(request, registration: FairRegistration) -> dict:
    rows = selectors.agenda_of(registration)
    check_in_url = request.build_absolute_uri(
        reverse("fair-check-in", args=[registration.fair_id])
        + f"?code={registration.check_in_code}"
    )
    return {
        "registration": registration,
        "fair": registration.fair,
        "rows": rows,
        # segno's own SVG of an address we built from the code's alphabet: nothing user-typed.
        "qr_svg": mark_safe(services.check_in_qr_svg(check_in_url)),  # noqa: S308
    }


@login_required
def fair_agenda(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    mine = _my_registrations(request.user, fair)
    wanted = request.GET.get("registration")
    registration = next((r for r in mine if str(r.pk) == wanted), mine[0] if mine else None)
    if registration is None:
        if permissions.is_admin(request.user) and wanted:
            registration = get_object_or_404(FairRegistration, pk=_number(wanted), fair=fair)
        else:
            raise Http404
    context = _agenda_context(request, registration) | {"print": request.GET.get("print") == "1"}
    template = (
        "matchmaking/fair_agenda_print.html" if context["print"] else "matchmaking/fair_agenda.html"
    )
    return render(request, template, context)


def fair_agenda_ics(request, token):
    """The calendar subscription: the secret token in the address is the permission."""
    registration = get_object_or_404(selectors.calendar_registrations(), calendar_token=token)
    meetings = selectors.calendar_meetings(registration)
    response = HttpResponse(
        ics.agenda_calendar(registration, meetings), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="fair-{registration.fair_id}-agenda.ics"'
    )
    return response


@login_required
def fair_check_in(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    if not permissions.can_run_fair(request.user):
        raise PermissionDenied
    # Each desk lists (and checks in) only the registrations its user may see.
    visible = permissions.check_in_registrations(
        request.user, fair, selectors.desk_registrations(fair)
    )
    if request.method == "POST":
        code = request.POST.get("code", "")
        if code:
            try:
                registration = selectors.registration_by_code(fair=fair, code=code, by=request.user)
            except ValidationError as error:
                _errors(request, error)
                return redirect(request.path)
        else:
            registration = get_object_or_404(visible, pk=_number(request.POST.get("registration")))
        already = registration.checked_in_at is not None
        registration = services.check_in(registration=registration, by=request.user)
        text = (
            _("%(name)s was already checked in at %(time)s.")
            if already
            else _("%(name)s checked in.")
        )
        messages.success(
            request,
            text
            % {
                "name": registration.organisation.name,
                "time": timezone.localtime(registration.checked_in_at).strftime("%H:%M"),
            },
        )
        return redirect(f"{request.path}?q={request.POST.get('q', '')}")
    code = selectors.normalise_code(request.GET.get("code", ""))
    registrations = selectors.desk_search(
        visible, code=code, query="" if code else search_query(request.GET.get("q", ""))
    )
    return render(
        request,
        "matchmaking/fair_check_in.html",
        {"fair": fair, "registrations": registrations[:100], "code": code},
    )


@login_required
def fair_meetings(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    if not permissions.can_run_fair(request.user):
        raise PermissionDenied
    if request.method == "POST":
        meeting = get_object_or_404(Meeting, pk=_number(request.POST.get("meeting")), fair=fair)
        try:
            services.record_outcome(
                meeting=meeting,
                by=request.user,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Outcome saved."))
        return redirect("fair-meetings", pk=fair.pk)
    meetings = selectors.meetings_of(fair)
    return render(
        request,
        "matchmaking/fair_meetings.html",
        {"fair": fair, "meetings": meetings, "outcomes": MeetingOutcome.choices},
    )


@login_required
def fair_report(request, pk: int):
    fair = get_object_or_404(Fair, pk=pk)
    if not permissions.can_run_fair(request.user):
        raise PermissionDenied
    return render(
        request,
        "matchmaking/fair_report.html",
        {"fair": fair, "report": selectors.fair_report(fair)},
    )


def fair_check_in_worker(request):
    """The service worker of the check-in desk, served under /fairs/ so that it may keep the
    desk page for use without a network (a worker's scope is at most its own folder)."""

    path = finders.find("js/check_in_worker.js")
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
