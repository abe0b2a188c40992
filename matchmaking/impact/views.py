"""What an adoption changed (issue #21): the match's impact page, evidence, trials paid by
milestone, the contract dossier, and the baseline suggestion on the need form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from matchmaking.core.http import private_photo_response
from matchmaking.impact import contracts, selectors
from matchmaking.impact import services as outcomes
from matchmaking.impact.forms import (
    ContractForm,
    EvidenceAnswerForm,
    EvidenceForm,
    MilestoneVerifyForm,
    TrialFailForm,
    TrialForm,
)
from matchmaking.impact.models import (
    ContractRegistration,
    OutcomeEvidence,
    TrialMilestone,
)
from matchmaking.impact.parse import suggest_baseline
from matchmaking.impact.states import EvidenceStatus, MilestoneStatus, TrialStatus
from matchmaking.listings.views import add_errors
from matchmaking.matches.states import MatchState
from matchmaking.models import Match


def _match_for(request, pk: int, *, work: bool = False) -> Match:
    match = get_object_or_404(selectors.impact_matches(), pk=pk)
    allowed = (permissions.can_work_match if work else permissions.can_view_outcomes)(
        request.user, match
    )
    if not allowed:
        raise PermissionDenied
    return match


def _impact(pk: int) -> str:
    return reverse("match-impact", args=[pk])


@login_required
def match_impact(request, pk: int):
    """The need's figure before, the trial's milestones and ledger, the evidence after."""
    match = _match_for(request, pk)
    trial = selectors.trial_of(match)
    evidence = selectors.evidence_of(match)
    context = {
        "match": match,
        "trial": trial,
        "ledger": outcomes.trial_ledger(trial) if trial else None,
        "milestone_photos": {
            m.pk: list(m.photos.all()) for m in (trial.milestones.all() if trial else [])
        },
        "evidence": evidence,
        "contract": selectors.contract_of(match),
        "can_work": permissions.can_work_match(request.user, match),
        "can_answer": permissions.can_answer_evidence(request.user, match),
        "answer_form": EvidenceAnswerForm(),
        "fail_form": TrialFailForm(),
        "can_plan_trial": trial is None
        and match.state
        in (MatchState.EVALUATING, MatchState.SOLUTION_PROPOSED, MatchState.ON_TRIAL),
        "adopted": match.state == MatchState.ADOPTED,
        "statuses": {"recorded": EvidenceStatus.RECORDED, "due": EvidenceStatus.DUE},
        "running": trial is not None and trial.status == TrialStatus.RUNNING,
        "planned": MilestoneStatus.PLANNED,
    }
    return render(request, "matchmaking/match_impact.html", context)


@login_required
def trial_create(request, pk: int):
    match = _match_for(request, pk, work=True)
    form = TrialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.trial_create(
                match=match,
                by=request.user,
                subsidy=form.cleaned_data["subsidy"],
                milestones=form.cleaned_data["milestones"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The trial is planned."))
            return redirect(_impact(match.pk))
    return render(request, "matchmaking/trial_form.html", {"form": form, "match": match})


def _milestone_for(request, pk: int) -> TrialMilestone:
    milestone = get_object_or_404(selectors.milestones(), pk=pk)
    if not permissions.can_work_match(request.user, milestone.trial.match):
        raise PermissionDenied
    return milestone


@login_required
def milestone_verify(request, pk: int):
    milestone = _milestone_for(request, pk)
    posted = request.method == "POST"
    form = MilestoneVerifyForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            outcomes.milestone_verify(
                milestone=milestone,
                by=request.user,
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
                photos=form.cleaned_data.get("photos") or [],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Verified; the tranche is released."))
            return redirect(_impact(milestone.trial.match_id))
    return render(
        request,
        "matchmaking/milestone_verify.html",
        {"form": form, "milestone": milestone, "match": milestone.trial.match},
    )


@login_required
@require_POST
def trial_fail(request, pk: int):
    trial = get_object_or_404(selectors.trials(), pk=pk)
    if not permissions.can_work_match(request.user, trial.match):
        raise PermissionDenied
    form = TrialFailForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        outcomes.trial_fail(trial=trial, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The trial was ended as failed."))
    return redirect(_impact(trial.match_id))


def _evidence_for(request, pk: int) -> OutcomeEvidence:
    evidence = get_object_or_404(selectors.evidence_records(), pk=pk)
    if not permissions.can_view_outcomes(request.user, evidence.match):
        raise PermissionDenied
    return evidence


@login_required
def evidence_record(request, pk: int):
    evidence = _evidence_for(request, pk)
    if not permissions.can_work_match(request.user, evidence.match):
        raise PermissionDenied
    need = evidence.match.need
    initial = {
        "label": evidence.label or need.baseline_label,
        "unit": evidence.unit or need.baseline_unit,
        "baseline_value": evidence.baseline_value
        if evidence.baseline_value is not None
        else need.baseline_value,
        "measured_value": evidence.measured_value,
        "method": evidence.method,
    }
    posted = request.method == "POST"
    form = EvidenceForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    if posted and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        try:
            outcomes.evidence_record(
                evidence=evidence,
                by=request.user,
                data=data,
                photos=form.cleaned_data.get("photos") or [],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Recorded; the enterprise is asked to confirm it."))
            return redirect(_impact(evidence.match_id) + f"#evidence-{evidence.pk}")
    return render(
        request,
        "matchmaking/evidence_form.html",
        {"form": form, "evidence": evidence, "match": evidence.match},
    )


@login_required
@require_POST
def evidence_answer(request, pk: int):
    evidence = _evidence_for(request, pk)
    form = EvidenceAnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        outcomes.evidence_answer(
            evidence=evidence,
            by=request.user,
            confirm=form.cleaned_data["answer"] == "confirm",
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: your answer is recorded."))
    return redirect(_impact(evidence.match_id) + f"#evidence-{evidence.pk}")


@login_required
def outcome_photo(request, pk: int, thumbnail: bool = False):
    """A photo of evidence or of a milestone, to the enterprise, its station and admins; to
    anyone else a 404, so the address tells nothing."""
    photo = get_object_or_404(selectors.outcome_photos(), pk=pk)
    if not permissions.can_view_outcomes(request.user, photo.match):
        raise Http404
    file = photo.thumbnail if thumbnail else photo.image
    return private_photo_response(file, f"evidence-{photo.pk}.jpg")


@login_required
def baseline_suggestion(request):
    """For htmx, as the need's description is typed: the figure read from it, to confirm."""
    text = request.GET.get("description", "")[:5000].replace("\x00", "")
    return render(
        request,
        "matchmaking/partials/baseline_suggestion.html",
        {"suggestion": suggest_baseline(text)},
    )


# The contract registered (技术合同认定登记).


@login_required
def contract_form(request, pk: int):
    match = _match_for(request, pk, work=True)
    contract = selectors.contract_of(match)
    if contract is None and not request.POST:
        initial = {"subject": match.result.title, "contract_type": "service"}
    else:
        initial = None
    form = ContractForm(request.POST or None, instance=contract, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ContractForm.Meta.fields}
        try:
            contract = contracts.contract_save(match=match, by=request.user, data=data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("contract-detail", pk=contract.pk)
    return render(request, "matchmaking/contract_form.html", {"form": form, "match": match})


def _contract_for(request, pk: int) -> ContractRegistration:
    contract = get_object_or_404(selectors.contracts(), pk=pk)
    if not permissions.can_view_outcomes(request.user, contract.match):
        raise PermissionDenied
    return contract


@login_required
def contract_detail(request, pk: int):
    contract = _contract_for(request, pk)
    return render(
        request,
        "matchmaking/contract_detail.html",
        {
            "contract": contract,
            "match": contract.match,
            "sections": contracts.dossier(contract),
            "can_work": permissions.can_work_match(request.user, contract.match),
        },
    )


@login_required
def contract_xlsx(request, pk: int):
    contract = _contract_for(request, pk)
    response = HttpResponse(
        contracts.dossier_xlsx(contract),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="contract-{contract.pk}.xlsx"'
    return response
