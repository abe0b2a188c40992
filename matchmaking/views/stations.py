"""The service station's tools: the pipeline board and the records it keeps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation
from matchmaking import selectors, workflow
from matchmaking.categories import category_groups
from matchmaking.enums import MatchState
from matchmaking.forms import AdoptionCostForm, EvaluationForm, PlanForm, TrainingForm
from matchmaking.models import AdoptionCost, Evaluation, Match, SolutionPlan, TrainingSession
from matchmaking.services import stations as services
from matchmaking.views.listings import add_errors


def _my_station(request) -> Organisation:
    stations = permissions.organisations_of(request.user, OrganisationKind.STATION)
    if not stations:
        raise PermissionDenied
    wanted = request.GET.get("station")
    return next((s for s in stations if str(s.pk) == wanted), stations[0])


@login_required
def board(request):
    station = _my_station(request)
    columns = selectors.station_board(station, request.GET)
    labels = dict(MatchState.choices)
    context = {
        "station": station,
        "columns": [(state, labels[state], columns[state]) for state in selectors.BOARD_STATES],
        "counties": station.covered_regions.order_by("code"),
        "category_groups": category_groups(),
        "staff": [
            m.user for m in station.memberships.filter(status="active").select_related("user")
        ],
        "next_state": {state: _next_step(state) for state in selectors.BOARD_STATES},
    }
    return render(request, "matchmaking/station_board.html", context)


def _next_step(state: str) -> str | None:
    """The board's one-click move: the next forward state the workflow table allows."""
    later = workflow.FORWARD[workflow.FORWARD.index(state) + 1 :]
    # A contact request carries the enterprise's message: it is made on the match page.
    later = [s for s in later if s != MatchState.CONTACTED]
    return next((s for s in later if workflow.side_for(state, s)), None)


def _workable_match(request, pk: int) -> Match:
    match = get_object_or_404(
        Match.objects.select_related("need__organisation__region", "result__organisation"), pk=pk
    )
    if not permissions.can_work_match(request.user, match):
        raise PermissionDenied
    return match


def _record_form(request, pk: int, form_class, create, template: str):
    match = _workable_match(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = create(match=match, by=request.user, data=dict(form.cleaned_data))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return record, None
    return None, render(request, template, {"form": form, "match": match})


@login_required
def evaluation_create(request, pk: int):
    record, response = _record_form(
        request, pk, EvaluationForm, services.evaluation_create, "matchmaking/evaluation_form.html"
    )
    return response or redirect("evaluation-detail", pk=record.pk)


def _visible_record(request, model, pk: int):
    record = get_object_or_404(
        model.objects.select_related("match__need__organisation", "station"), pk=pk
    )
    if not permissions.can_view_station_record(request.user, record):
        raise PermissionDenied
    return record


@login_required
def evaluation_detail(request, pk: int):
    evaluation = _visible_record(request, Evaluation, pk)
    return render(request, "matchmaking/evaluation_report.html", {"evaluation": evaluation})


@login_required
def plan_create(request, pk: int):
    record, response = _record_form(
        request, pk, PlanForm, services.plan_create, "matchmaking/plan_form.html"
    )
    return response or redirect("plan-detail", pk=record.pk)


@login_required
def plan_detail(request, pk: int):
    plan = _visible_record(request, SolutionPlan, pk)
    versions = plan.match.plans.order_by("-version")
    return render(request, "matchmaking/plan_detail.html", {"plan": plan, "versions": versions})


@login_required
def adoption_cost(request, pk: int):
    match = _workable_match(request, pk)
    record = AdoptionCost.objects.filter(match=match).first()
    form = AdoptionCostForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.adoption_cost_record(
                match=match, by=request.user, data=dict(form.cleaned_data)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("adoption-cost-detail", pk=record.pk)
    return render(request, "matchmaking/adoption_cost_form.html", {"form": form, "match": match})


@login_required
def adoption_cost_detail(request, pk: int):
    record = _visible_record(request, AdoptionCost, pk)
    return render(request, "matchmaking/adoption_cost_detail.html", {"cost": record})


@login_required
def training_list(request):
    enterprise_id = request.GET.get("enterprise", "")
    if enterprise_id.isdigit():
        enterprise = get_object_or_404(
            Organisation, pk=enterprise_id, kind=OrganisationKind.ENTERPRISE
        )
        if not (permissions.can_view_private(request.user, enterprise)):
            raise PermissionDenied
        sessions = TrainingSession.objects.filter(attendances__enterprise=enterprise)
        title_for = enterprise
    else:
        station = _my_station(request)
        sessions = TrainingSession.objects.filter(station=station)
        title_for = station
    sessions = (
        sessions.select_related("station").prefetch_related("attendances__enterprise").distinct()
    )
    return render(
        request, "matchmaking/training_list.html", {"sessions": sessions, "title_for": title_for}
    )


@login_required
def training_create(request):
    station = _my_station(request)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "attendance"}
        match_ids = [int(i) for i in request.POST.getlist("matches") if i.isdigit() and len(i) < 19]
        try:
            session = services.training_create(
                station=station,
                by=request.user,
                data=data,
                attendances=form.cleaned_data["attendance"],
                matches=Match.objects.filter(pk__in=match_ids),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("training-detail", pk=session.pk)
    return render(request, "matchmaking/training_form.html", {"form": form, "station": station})


@login_required
def training_detail(request, pk: int):
    session = get_object_or_404(TrainingSession.objects.select_related("station"), pk=pk)
    attendances = list(session.attendances.select_related("enterprise"))
    if not permissions.can_view_training(
        request.user, session, [a.enterprise for a in attendances]
    ):
        raise PermissionDenied
    context = {
        "session": session,
        "attendances": attendances,
        "people": sum(a.people for a in attendances),
    }
    return render(request, "matchmaking/training_detail.html", context)
