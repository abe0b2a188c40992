"""The service station's tools: the pipeline board and the records it keeps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation
from config import fragment_cache
from matchmaking.core import submissions
from matchmaking.listings.categories import category_groups
from matchmaking.listings.views import add_errors, sent, sent_again
from matchmaking.matches import selectors as matches_selectors
from matchmaking.matches import states as matches_states
from matchmaking.matches.states import MatchState
from matchmaking.models import (
    AdoptionCost,
    Evaluation,
    Match,
    SolutionPlan,
    SubmissionKey,
)
from matchmaking.stations import selectors, services
from matchmaking.stations.forms import AdoptionCostForm, EvaluationForm, PlanForm, TrainingForm


def _my_station(request) -> Organisation:
    stations = permissions.organisations_of(request.user, OrganisationKind.STATION)
    if not stations:
        raise PermissionDenied
    wanted = request.GET.get("station")
    if wanted and not any(str(s.pk) == wanted for s in stations):
        raise ValidationError({"station": [_("You are not on the staff of this station.")]})
    return next((s for s in stations if str(s.pk) == wanted), stations[0])


def _my_station_or_400(request) -> Organisation:
    """_my_station for pages that show no filter form: an unknown station is a plain 400."""
    try:
        return _my_station(request)
    except ValidationError as error:
        raise BadRequest(" ".join(error.messages)) from error


@login_required
def board(request):
    errors = {}
    try:
        station = _my_station(request)
        board = _board_columns(request, station)
    except ValidationError as error:
        # A filter value the board does not know: said beside the filters, nothing shown.
        errors = error.message_dict
        station = permissions.organisations_of(request.user, OrganisationKind.STATION)[0]
        board = _board_columns(request, station, columns={})
    context = {
        "filter_errors": errors,
        "station": station,
        "board": board,
        "counties": selectors.covered_counties(station),
        "category_groups": category_groups(),
        "staff": selectors.station_staff(station),
    }
    return render(request, "matchmaking/station_board.html", context, status=400 if errors else 200)


def _board_columns(request, station, columns: dict | None = None):
    """The board's tabs and columns: the same for all of the station's staff at the same
    address, so kept for them all (config/fragment_cache.py); the caller checked who asks."""
    labels = dict(MatchState.choices)

    def context() -> dict:
        found = selectors.station_board(station, request.GET) if columns is None else columns
        empty = selectors.BoardColumn()
        return {
            "columns": [(s, labels[s], found.get(s, empty)) for s in selectors.BOARD_STATES],
            "next_state": {state: _next_step(state) for state in selectors.BOARD_STATES},
            "next_path": request.get_full_path(),
        }

    if columns is not None:  # nothing to keep: shown as it is
        return fragment_cache.rendered(request, "matchmaking/partials/board_columns.html", context)
    return fragment_cache.kept(
        request,
        "station-board",
        (station.pk, request.get_full_path()),
        "matchmaking/partials/board_columns.html",
        context,
    )


def _next_step(state: str) -> str | None:
    """The board's one-click move: the next forward state the workflow table allows."""
    later = matches_states.FORWARD[matches_states.FORWARD.index(state) + 1 :]
    # A contact request carries the enterprise's message: it is made on the match page.
    later = [s for s in later if s != MatchState.CONTACTED]
    return next((s for s in later if matches_states.side_for(state, s)), None)


def _workable_match(request, pk: int) -> Match:
    match = get_object_or_404(selectors.workable_matches(), pk=pk)
    if not permissions.can_work_match(request.user, match):
        raise PermissionDenied
    return match


def _record_form(request, pk: int, form_class, create, template: str, kind: str, url_name: str):
    """A station record's form; a draft sent twice (same client key) is saved once."""
    match = _workable_match(request, pk)
    form = form_class(request.POST or None)
    key, key_error = submissions.client_key_of(request.POST)
    if request.method == "POST":
        if key_error:
            form.add_error(None, key_error)
        elif done := submissions.submitted(by=request.user, kind=kind, key=key):
            return sent_again(request, url_name, done, key)
    if request.method == "POST" and not key_error and form.is_valid():
        try:
            with submissions.once(by=request.user, kind=kind, key=key) as created:
                record = create(match=match, by=request.user, data=dict(form.cleaned_data))
                created(record.pk)
        except submissions.AlreadySubmitted as again:
            return sent_again(request, url_name, again.object_id, key)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return sent(redirect(url_name, pk=record.pk), key)
    status = 400 if key_error else 200
    return render(request, template, {"form": form, "match": match}, status=status)


@login_required
def evaluation_create(request, pk: int):
    return _record_form(
        request,
        pk,
        EvaluationForm,
        services.evaluation_create,
        "matchmaking/evaluation_form.html",
        SubmissionKey.Kind.EVALUATION,
        "evaluation-detail",
    )


def _visible_record(request, model, pk: int):
    record = get_object_or_404(selectors.station_records(model, with_need=True), pk=pk)
    if not permissions.can_view_station_record(request.user, record):
        raise PermissionDenied
    return record


@login_required
def evaluation_detail(request, pk: int):
    evaluation = _visible_record(request, Evaluation, pk)
    return render(request, "matchmaking/evaluation_report.html", {"evaluation": evaluation})


@login_required
def plan_create(request, pk: int):
    # A plan is versioned: sent twice, the same client key keeps it one version.
    return _record_form(
        request,
        pk,
        PlanForm,
        services.plan_create,
        "matchmaking/plan_form.html",
        SubmissionKey.Kind.PLAN,
        "plan-detail",
    )


@login_required
def plan_detail(request, pk: int):
    plan = _visible_record(request, SolutionPlan, pk)
    versions = selectors.plan_versions(plan)
    return render(request, "matchmaking/plan_detail.html", {"plan": plan, "versions": versions})


@login_required
def adoption_cost(request, pk: int):
    match = _workable_match(request, pk)
    record = selectors.adoption_cost_of(match)
    form = AdoptionCostForm(request.POST or None, instance=record)
    # One record per match: sent twice it is saved twice, the same. The client key still tells
    # the browser which draft was saved.
    key, key_error = submissions.client_key_of(request.POST)
    if key_error:
        form.add_error(None, key_error)
    if request.method == "POST" and not key_error and form.is_valid():
        try:
            with submissions.once(
                by=request.user, kind=SubmissionKey.Kind.ADOPTION_COST, key=key
            ) as created:
                record = services.adoption_cost_record(
                    match=match, by=request.user, data=dict(form.cleaned_data)
                )
                created(record.pk)
        except submissions.AlreadySubmitted as again:
            return sent_again(request, "adoption-cost-detail", again.object_id, key)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return sent(redirect("adoption-cost-detail", pk=record.pk), key)
    return render(
        request,
        "matchmaking/adoption_cost_form.html",
        {"form": form, "match": match},
        status=400 if key_error else 200,
    )


@login_required
def adoption_cost_detail(request, pk: int):
    record = _visible_record(request, AdoptionCost, pk)
    return render(request, "matchmaking/adoption_cost_detail.html", {"cost": record})


@login_required
def training_list(request):
    enterprise_id = request.GET.get("enterprise", "")
    if enterprise_id and not enterprise_id.isdigit():
        raise BadRequest(_("enterprise: not an organisation's number."))
    if enterprise_id:
        enterprise = get_object_or_404(
            Organisation, pk=enterprise_id, kind=OrganisationKind.ENTERPRISE
        )
        if not (permissions.can_view_private(request.user, enterprise)):
            raise PermissionDenied
        sessions = selectors.training_sessions(enterprise=enterprise)
        title_for = enterprise
    else:
        station = _my_station_or_400(request)
        sessions = selectors.training_sessions(station=station)
        title_for = station
    return render(
        request, "matchmaking/training_list.html", {"sessions": sessions, "title_for": title_for}
    )


@login_required
def training_create(request):
    station = _my_station_or_400(request)
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
                matches=matches_selectors.matches_by_pk(match_ids),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("training-detail", pk=session.pk)
    return render(request, "matchmaking/training_form.html", {"form": form, "station": station})


@login_required
def training_detail(request, pk: int):
    session = get_object_or_404(selectors.training_with_station(), pk=pk)
    attendances = selectors.attendances_of(session)
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
