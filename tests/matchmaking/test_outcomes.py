"""What adoption changed (#21): evidence at checkpoints, trials paid by milestone, and the
figures the statistics make of them, with exact numbers on a hand-built world."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.enums import OrganisationKind
from matchmaking.impact import services as outcomes
from matchmaking.impact.states import EvidenceStatus, MilestoneStatus, TrialStatus
from matchmaking.matches.states import MatchState
from matchmaking.models import Match, Notification, OutcomeEvidence
from matchmaking.stations import services as stations
from matchmaking.stats import selectors as stats
from matchmaking.stats import tables
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db

COST = {
    "licence_fee": Decimal("30000"),
    "equipment": Decimal("90000"),
    "reference_cost": Decimal("200000"),
    "reference_source": "两家冷库厂商的报价",
    "special_fund": Decimal("20000"),
    "loan_principal": Decimal("100000"),
    "loan_rate": Decimal("3.65"),
    "loan_months": 12,
}


def _match(enterprise, **need):
    return Match.objects.create(
        need=NeedFactory(organisation=enterprise, **need),
        result=ResultFactory(organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION)),
        score=0.7,
        text_score=0.6,
        structured_score=0.8,
        matcher_version="t",
        state=MatchState.SOLUTION_PROPOSED,
    )


@pytest.fixture
def world():
    enterprise = OrganisationFactory(region_id="522634")  # 贵州 黔东南 雷山
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    match = _match(
        enterprise, baseline_value=Decimal(20), baseline_unit="percent", baseline_label="损耗"
    )
    return {
        "enterprise": enterprise,
        "match": match,
        "owner": member_of(enterprise),
        "staff": member_of(station),
        "other_staff": member_of(
            OrganisationFactory(kind=OrganisationKind.STATION, covered=["510131"])
        ),
    }


TWO_MILESTONES = [
    {
        "title": "小试",
        "criteria": "两周内损耗低于15%",
        "tranche": "12000.50",
        "due_on": "2027-03-01",
    },
    {"title": "整季", "criteria": "一季损耗低于12%", "tranche": "17999.50"},
]


def _trial(world, milestones=TWO_MILESTONES, subsidy="30000"):
    return outcomes.trial_create(
        match=world["match"], by=world["staff"], subsidy=subsidy, milestones=milestones
    )


# -- trials paid by milestone --------------------------------------------------------------------


def test_a_trial_puts_the_match_on_trial_with_its_milestones(world):
    trial = _trial(world)
    world["match"].refresh_from_db()
    assert world["match"].state == MatchState.ON_TRIAL
    assert [(m.position, m.title, m.tranche) for m in trial.milestones.all()] == [
        (1, "小试", Decimal("12000.50")),
        (2, "整季", Decimal("17999.50")),
    ]


def test_tranches_that_do_not_add_up_to_the_subsidy_are_refused(world):
    with pytest.raises(ValidationError) as error:
        _trial(world, subsidy="30000.01")
    assert error.value.message_dict["milestones"] == [
        "各笔拨付合计 30000.00 元，应等于试用补贴 30000.01 元。"
    ]


def test_verifying_each_milestone_releases_its_tranche_and_the_last_adopts(world):
    trial = _trial(world)
    first, second = trial.milestones.all()
    outcomes.milestone_verify(milestone=first, by=world["staff"], note="", evidence="损耗13%")
    assert outcomes.trial_ledger(trial)["released"] == Decimal("12000.50")
    assert outcomes.trial_ledger(trial)["outstanding"] == Decimal("17999.50")
    outcomes.milestone_verify(milestone=second, by=world["staff"], note="好", evidence="损耗11%")
    trial.refresh_from_db()
    ledger = outcomes.trial_ledger(trial)
    assert [line["running"] for line in ledger["lines"]] == [
        Decimal("12000.50"),
        Decimal("30000.00"),
    ]
    assert ledger["released"] == trial.subsidy == Decimal("30000.00")
    assert trial.status == TrialStatus.PASSED
    match = Match.objects.get(pk=world["match"].pk)
    assert match.state == MatchState.ADOPTED
    assert list(match.evidence.values_list("checkpoint", "status")) == [
        (0, "due"),
        (3, "due"),
        (12, "due"),
    ]


def test_the_adoption_cost_ledger_counts_the_released_tranches_as_a_subsidy(world):
    trial = _trial(world)
    for milestone in trial.milestones.all():
        outcomes.milestone_verify(milestone=milestone, by=world["staff"], note="", evidence="看过")
    cost = stations.adoption_cost_record(match=world["match"], by=world["staff"], data=dict(COST))
    # 120,000 cost − 20,000 fund − 3,650 loan interest (100,000 × 3.65% × 12/12) − 30,000 trial
    assert cost.trial_tranches == Decimal("30000.00")
    assert cost.loan_subsidy == Decimal("3650.00")
    assert cost.net_outlay == Decimal("66350.00")
    assert cost.saving == Decimal("133650.00")


def test_a_cost_recorded_mid_trial_learns_of_the_last_tranche_when_the_trial_passes(world):
    trial = _trial(world)
    first, second = trial.milestones.all()
    outcomes.milestone_verify(milestone=first, by=world["staff"], note="", evidence="看过")
    cost = stations.adoption_cost_record(match=world["match"], by=world["staff"], data=dict(COST))
    assert cost.trial_tranches == Decimal("12000.50")
    # Recording the cost adopted the match; the trial still runs until its last milestone.
    outcomes.milestone_verify(milestone=second, by=world["staff"], note="", evidence="看过")
    cost.refresh_from_db()
    assert (cost.trial_tranches, cost.net_outlay) == (Decimal("30000.00"), Decimal("66350.00"))


def test_a_failed_trial_declines_the_match_with_its_reason_and_keeps_the_tranches_paid(world):
    trial = _trial(world)
    first, second = trial.milestones.all()
    outcomes.milestone_verify(milestone=first, by=world["staff"], note="", evidence="损耗14%")
    outcomes.trial_fail(trial=trial, by=world["staff"], reason="冷库温度控制不稳")
    trial.refresh_from_db()
    match = Match.objects.get(pk=world["match"].pk)
    assert (trial.status, trial.failure_reason) == (TrialStatus.FAILED, "冷库温度控制不稳")
    assert match.state == MatchState.DECLINED
    assert match.decline_note == "试用失败：冷库温度控制不稳"
    assert [(m.status, m.released_amount) for m in trial.milestones.all()] == [
        (MilestoneStatus.VERIFIED, Decimal("12000.50")),
        (MilestoneStatus.FAILED, Decimal("0.00")),
    ]
    assert outcomes.released_total(match) == Decimal("12000.50")
    with pytest.raises(ValidationError):
        outcomes.milestone_verify(milestone=second, by=world["staff"], note="", evidence="x")


def test_only_the_covering_station_plans_and_verifies_a_trial(world):
    with pytest.raises(PermissionDenied):
        outcomes.trial_create(
            match=world["match"],
            by=world["other_staff"],
            subsidy="30000",
            milestones=TWO_MILESTONES,
        )
    trial = _trial(world)
    for user in (world["other_staff"], world["owner"]):
        with pytest.raises(PermissionDenied):
            outcomes.milestone_verify(
                milestone=trial.milestones.first(), by=user, note="", evidence="x"
            )


# -- evidence -----------------------------------------------------------------------------------


def _adopt(match, by, on=datetime(2026, 1, 31, 4, tzinfo=UTC)):
    Match.objects.filter(pk=match.pk).update(state=MatchState.ADOPTED, adopted_at=on)
    match.refresh_from_db()
    outcomes.checkpoints_schedule(match)
    return match


def test_adoption_makes_three_checkpoints_due_and_a_second_call_adds_none(world):
    match = _adopt(world["match"], world["staff"])
    assert outcomes.checkpoints_schedule(match) == 0
    assert list(match.evidence.values_list("checkpoint", "due_on", "baseline_value", "unit")) == [
        (0, date(2026, 1, 31), Decimal("20.00"), "percent"),
        (3, date(2026, 4, 30), Decimal("20.00"), "percent"),
        (12, date(2027, 1, 31), Decimal("20.00"), "percent"),
    ]


def _record(evidence, by, measured, baseline="20", unit="percent"):
    return outcomes.evidence_record(
        evidence=evidence,
        by=by,
        data={
            "label": "损耗",
            "unit": unit,
            "baseline_value": baseline,
            "measured_value": measured,
            "method": "称重三批",
        },
    )


def test_recorded_evidence_waits_for_the_enterprise_who_confirms_or_disputes_it(
    world, django_capture_on_commit_callbacks
):
    match = _adopt(world["match"], world["staff"])
    evidence = match.evidence.get(checkpoint=3)
    with django_capture_on_commit_callbacks(execute=True):
        evidence = _record(evidence, world["staff"], "11")
    assert (evidence.status, evidence.relative_change) == ("recorded", Decimal("-0.4500"))
    assert Notification.objects.filter(user=world["owner"]).count() == 1
    with pytest.raises(PermissionDenied):  # the station does not confirm its own figure
        outcomes.evidence_answer(evidence=evidence, by=world["staff"], confirm=True)
    with pytest.raises(ValidationError) as error:
        outcomes.evidence_answer(evidence=evidence, by=world["owner"], confirm=False)
    assert list(error.value.message_dict) == ["note"]
    disputed = outcomes.evidence_answer(
        evidence=evidence, by=world["owner"], confirm=False, note="只称了一批"
    )
    assert disputed.status == EvidenceStatus.DISPUTED
    again = _record(disputed, world["staff"], "12")
    confirmed = outcomes.evidence_answer(evidence=again, by=world["owner"], confirm=True)
    assert (confirmed.status, confirmed.relative_change) == ("confirmed", Decimal("-0.4000"))
    with pytest.raises(ValidationError):
        _record(confirmed, world["staff"], "5")


def test_reminders_go_once_to_the_covering_stations_staff_for_checkpoints_due(world):
    _adopt(world["match"], world["staff"])  # adopted 31 January 2026
    now = datetime(2026, 5, 1, 2, tzinfo=UTC)  # at adoption and +3 months are due
    assert outcomes.send_evidence_reminders(now=now) == 2
    assert outcomes.send_evidence_reminders(now=now) == 0
    titles = list(Notification.objects.filter(user=world["staff"]).values_list("title", flat=True))
    assert len(titles) == 2 and all(world["enterprise"].name in t for t in titles)
    assert not Notification.objects.filter(user=world["other_staff"]).exists()


def test_reminders_make_checkpoints_for_matches_adopted_before_evidence_existed(world):
    Match.objects.filter(pk=world["match"].pk).update(
        state=MatchState.ADOPTED, adopted_at=timezone.now()
    )
    assert outcomes.send_evidence_reminders() == 1  # the one at adoption, due today
    assert OutcomeEvidence.objects.filter(match=world["match"]).count() == 3


# -- what adoption changed, in the statistics ------------------------------------------------------


def test_the_median_change_counts_confirmed_evidence_only_with_its_count(world):
    fruit = category("cold-storage")
    owner, staff = world["owner"], world["staff"]
    # Five adoptions in 贵州 measuring spoilage (percent) and one shelf life (days):
    #   confirmed: 20→11 (−45%), 20→12 (−40%), 10→9 (−10%); days 3→12 (+300%)
    #   recorded but not confirmed: 20→2 (−90%); disputed: 20→30 (+50%)
    cases = [
        ("20", "11", True),
        ("20", "12", True),
        ("10", "9", True),
        ("20", "2", None),
        ("20", "30", False),
    ]
    for baseline, measured, answer in cases:
        match = _adopt(_match(world["enterprise"], category=fruit), staff)
        evidence = _record(match.evidence.get(checkpoint=3), staff, measured, baseline)
        if answer is not None:
            outcomes.evidence_answer(evidence=evidence, by=owner, confirm=answer, note="不对")
    days = _adopt(_match(world["enterprise"], category=fruit), staff)
    evidence = _record(days.evidence.get(checkpoint=0), staff, "12", "3", unit="days")
    outcomes.evidence_answer(evidence=evidence, by=owner, confirm=True)
    # The first adoption measured again at 12 months: its latest confirmed figure counts, once.
    first = Match.objects.filter(need__organisation=world["enterprise"]).order_by("pk")[1]
    evidence = _record(first.evidence.get(checkpoint=12), staff, "8")  # 20→8: −60%
    outcomes.evidence_answer(evidence=evidence, by=owner, confirm=True)

    data = stats.FIGURES["adoption-changes"](stats.Filters())
    assert data["adoptions"] == 4
    assert [(r["unit"], r["n"], r["median"]) for r in data["by_unit"]] == [
        ("percent", 3, Decimal("-0.4000")),  # of −60%, −40%, −10%
        ("days", 1, Decimal("3.0000")),
    ]
    assert [(r["name"], r["unit"], r["n"]) for r in data["by_province"]] == [
        ("贵州省", "percent", 3),
        ("贵州省", "days", 1),
    ]
    with translation.override("en"):
        header, rows = tables.table("adoption-changes", data)
    assert header == ["Group", "Unit", "Adoptions with confirmed evidence", "Median change"]
    assert rows[:2] == [["All", "percent", 3, "−40.0%"], ["All", "days", 1, "+300.0%"]]
