"""The demo world's evidence of impact (issue #21): adoptions measured again and confirmed, so
that "what adoption changed" is not empty; trials paid by milestone (one running, one passed,
one failed); contract dossiers, one registered. Runs once (while there is no trial)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from matchmaking.impact import contracts
from matchmaking.impact import services as outcomes
from matchmaking.impact.parse import suggest_baseline
from matchmaking.impact.states import EvidenceStatus
from matchmaking.matches.states import MatchState
from matchmaking.models import Match, OutcomeEvidence, TechnologyNeed, Trial
from matchmaking.stations.selectors import coverage_q

# When the need's words hold no figure: what enterprises of each kind most often know.
FALLBACKS = [
    ("运输损耗", "percent", Decimal(18)),
    ("保鲜期", "days", Decimal(5)),
    ("每单物流成本", "yuan_per_unit", Decimal(9)),
]
# How far each unit moved after adoption, as (lowest, highest) multipliers of the figure.
EFFECT = {
    "percent": (Decimal("0.40"), Decimal("0.80")),
    "days": (Decimal("1.5"), Decimal("3.0")),
    "yuan_per_unit": (Decimal("0.60"), Decimal("0.90")),
    "yuan": (Decimal("0.60"), Decimal("0.90")),
    "kg": (Decimal("0.40"), Decimal("0.80")),
    "orders_per_day": (Decimal("1.2"), Decimal("2.0")),
}


def _with_baseline(need: TechnologyNeed, rng: random.Random) -> TechnologyNeed:
    if need.baseline_value is None:
        found = suggest_baseline(need.description)
        # Only figures that a technology is expected to move (spoilage, shelf life, cost per
        # order); a price or a turnover read from the text would make odd demo figures.
        if (
            found is not None
            and found.value > 0
            and found.unit in ("percent", "days", "yuan_per_unit")
        ):
            label, unit, value = found.label or need.title[:20], found.unit, found.value
        else:
            label, unit, value = rng.choice(FALLBACKS)
        need.baseline_label, need.baseline_unit, need.baseline_value = label[:60], unit, value
        need.save(update_fields=["baseline_label", "baseline_unit", "baseline_value"])
    return need


def _measured(evidence: OutcomeEvidence, rng: random.Random) -> Decimal:
    low, high = EFFECT.get(evidence.unit, (Decimal("0.7"), Decimal("0.9")))
    factor = low + (high - low) * Decimal(rng.randint(0, 100)) / 100
    return (evidence.baseline_value * factor).quantize(Decimal("0.1"))


def _adopted_back(match: Match, days: int) -> None:
    """Make the match adopted `days` ago, so that its 3-month checkpoint has fallen due."""
    when = timezone.now() - timedelta(days=days)
    Match.objects.filter(pk=match.pk).update(adopted_at=when)
    OutcomeEvidence.objects.filter(match=match, status=EvidenceStatus.DUE).delete()
    match.refresh_from_db()
    outcomes.checkpoints_schedule(match)


def _evidence(match, staff, owner, rng, checkpoints, *, confirm=True) -> int:
    recorded = 0
    for checkpoint in checkpoints:
        evidence = OutcomeEvidence.objects.get(match=match, checkpoint=checkpoint)
        if evidence.baseline_value is None:
            continue
        evidence = outcomes.evidence_record(
            evidence=evidence,
            by=staff,
            data={
                "label": evidence.label,
                "unit": evidence.unit,
                "baseline_value": evidence.baseline_value,
                "measured_value": _measured(evidence, rng),
                "method": "服务站现场抽查三批货，与企业台账核对。",
            },
        )
        if confirm:
            outcomes.evidence_answer(evidence=evidence, by=owner, confirm=True)
        recorded += 1
    return recorded


def _owner(organisation: Organisation) -> User:
    return organisation.memberships.select_related("user").order_by("pk").first().user


def create_demo_impact(seed: int = 21) -> dict[str, int]:
    if Trial.objects.exists():
        return {}
    rng = random.Random(seed)
    counts = {"evidence": 0, "trials": 0, "contracts": 0}
    adopted = list(
        Match.objects.filter(state=MatchState.ADOPTED)
        .select_related("need__organisation__region", "result__organisation")
        .order_by("pk")
    )
    demo_enterprise = User.objects.filter(username="enterprise").first()
    for n, match in enumerate(adopted):
        _with_baseline(match.need, rng)
        stations = _covering_stations(match)
        if not stations:
            continue
        staff, owner = _owner(stations[0]), _owner(match.need.organisation)
        _adopted_back(match, days=100 + 7 * (n % 5))
        ours = demo_enterprise is not None and owner.pk == demo_enterprise.pk
        if ours:
            # The demo enterprise: confirmed at adoption; the 3-month figure waits for it.
            counts["evidence"] += _evidence(match, staff, owner, rng, [0])
            counts["evidence"] += _evidence(match, staff, owner, rng, [3], confirm=False)
        else:
            counts["evidence"] += _evidence(match, staff, owner, rng, [0, 3])
        if n < 3 or ours:
            today = timezone.localdate()
            amount = Decimal(rng.randrange(50_000, 300_000, 5000))
            contracts.contract_save(
                match=match,
                by=staff,
                data={
                    "contract_type": rng.choice(["service", "licensing", "development"]),
                    "subject": f"“{match.result.title}”在{match.need.organisation.name}的应用",
                    "amount": amount,
                    "technical_income": (amount * Decimal("0.8")).quantize(Decimal(1)),
                    "signed_on": today - timedelta(days=90),
                    "valid_from": today - timedelta(days=90),
                    "valid_to": today + timedelta(days=275),
                    "place_signed": match.need.organisation.region.name,
                    "registration_number": f"2026520{n + 1:04d}" if n % 2 == 0 or ours else "",
                    "registered_on": today - timedelta(days=60) if n % 2 == 0 or ours else None,
                },
            )
            counts["contracts"] += 1
    counts["trials"] = _demo_trials(rng)
    return counts


def _covering_stations(match: Match) -> list[Organisation]:
    return [
        station
        for station in Organisation.objects.filter(kind=OrganisationKind.STATION).order_by("pk")
        if Match.objects.filter(coverage_q(station), pk=match.pk).exists()
    ]


def _demo_trials(rng: random.Random) -> int:
    """On the demo station's matches with a plan: one trial running (one milestone verified),
    one passed (adopted, with evidence), one failed (declined, its first tranche kept)."""
    demo_staff = User.objects.filter(username="station").first()
    if demo_staff is None:
        return 0
    station = demo_staff.memberships.get().organisation
    worked = Match.objects.filter(
        state__in=(MatchState.SOLUTION_PROPOSED, MatchState.EVALUATING)
    ).select_related("need__organisation", "result__organisation")
    # The demo station's own first (its staff find a running trial), then other stations'.
    candidates = list(worked.filter(coverage_q(station)).order_by("pk")[:3])
    candidates += list(worked.exclude(pk__in=[m.pk for m in candidates]).order_by("pk"))
    made = 0
    for n, match in enumerate(candidates[:3]):
        stations = _covering_stations(match)
        if not stations:
            continue
        staff = demo_staff if station in stations else _owner(stations[0])
        _with_baseline(match.need, rng)
        trial = outcomes.trial_create(
            match=match,
            by=staff,
            subsidy=Decimal(30000),
            milestones=[
                {
                    "title": "设备安装调试",
                    "criteria": "设备连续运行 7 天无故障",
                    "tranche": Decimal(12000),
                },
                {
                    "title": "试用一季",
                    "criteria": "一季内损耗比试用前降低三成以上",
                    "tranche": Decimal(18000),
                },
            ],
        )
        first, second = trial.milestones.all()
        outcomes.milestone_verify(
            milestone=first, by=staff, note="", evidence="现场查看运行记录，7 天无故障。"
        )
        if n == 1:
            outcomes.milestone_verify(
                milestone=second, by=staff, note="", evidence="企业台账显示损耗下降四成。"
            )
            owner = _owner(match.need.organisation)
            match.refresh_from_db()
            _evidence(match, staff, owner, rng, [0])
        elif n == 2:
            outcomes.trial_fail(trial=trial, by=staff, reason="冷库温度波动大，企业决定暂停试用。")
        made += 1
    return made
