"""What adoption changed, trials paid by milestone, and contracts registered (issue #21): the
figures beside those of matchmaking.stats, with the same filters and cache.

Definitions (also shown on the page):
- An adoption *has evidence* when the enterprise confirmed at least one figure measured after
  adoption; recorded, disputed and due checkpoints do not count. Of an adoption's confirmed
  figures, the latest checkpoint counts (12 months over 3 over at adoption), once.
- The *relative change* is (measured − before) / before; the median is taken per unit (percent,
  days, yuan…), because a change in spoilage and a change in shelf life are not one quantity.
  Every median is shown with the number of adoptions it is the median of.
- A contract is *registered* when its registration number came back from the office.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from statistics import median

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from matchmaking.enums import ContractType, MetricUnit
from matchmaking.impact.models import (
    ContractRegistration,
    OutcomeEvidence,
    OutcomePhoto,
    Trial,
    TrialMilestone,
)
from matchmaking.impact.parse import change_text
from matchmaking.impact.states import EvidenceStatus, TrialStatus
from matchmaking.models import Match


def _stats():
    """The statistics' own helpers (their filters, names). Imported on use: stats.selectors
    registers this module's figures as it loads, so a top-level import would be a circle."""
    from matchmaking.stats import selectors

    return selectors


def _confirmed_latest(filters) -> list[OutcomeEvidence]:
    """Each adoption's latest confirmed evidence with a relative change."""

    rows = (
        OutcomeEvidence.objects.filter(
            status=EvidenceStatus.CONFIRMED,
            relative_change__isnull=False,
            match__in=_stats()._matches(filters),
        )
        .select_related("match__need__category__parent", "match__need__organisation__region")
        .order_by("match_id", "-checkpoint")
    )
    latest: dict[int, OutcomeEvidence] = {}
    for evidence in rows:
        latest.setdefault(evidence.match_id, evidence)
    return list(latest.values())


def _summary(changes: list[Decimal]) -> dict:
    middle = median(changes)
    return {"n": len(changes), "median": middle.quantize(Decimal("0.0001"))}


def _grouped(evidence: list[OutcomeEvidence], key) -> list[dict]:
    groups: dict[tuple, list[Decimal]] = defaultdict(list)
    for row in evidence:
        groups[(key(row), row.unit)].append(row.relative_change)
    units = dict(MetricUnit.choices)
    return [
        {
            "name": name,
            "unit": unit,
            "unit_label": str(units.get(unit, unit)),
            **_summary(values),
            "median_text": change_text(median(values)),
        }
        for (name, unit), values in sorted(
            groups.items(), key=lambda item: (-len(item[1]), item[0])
        )
    ]


def adoption_changes(filters) -> dict:
    """Adoptions with confirmed evidence and the median relative change, per unit, overall and
    per category and province of the enterprise."""

    evidence = _confirmed_latest(filters)
    english = _stats()._language() == "en"
    provinces = _stats()._province_names()

    def category(row):
        need_category = row.match.need.category
        top = need_category.parent or need_category
        return top.name_en if english and top.name_en else top.name

    def province(row):
        region = row.match.need.organisation.region
        return provinces.get(region.code[:2], region.code[:2]) if region else ""

    return {
        "adoptions": len(evidence),
        "by_unit": _grouped(evidence, lambda row: ""),
        "by_category": _grouped(evidence, category),
        "by_province": _grouped(evidence, province),
    }


def trials(filters) -> dict:
    """Trials by how they ended, and the tranches of the trial subsidy released."""

    rows = Trial.objects.filter(match__in=_stats()._matches(filters))
    by_status = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    released = rows.aggregate(s=Sum("milestones__released_amount"))["s"] or Decimal(0)
    return {
        "trials": sum(by_status.values()),
        "running": by_status.get(TrialStatus.RUNNING, 0),
        "passed": by_status.get(TrialStatus.PASSED, 0),
        "failed": by_status.get(TrialStatus.FAILED, 0),
        "subsidy": rows.aggregate(s=Sum("subsidy"))["s"] or Decimal(0),
        "released": released,
    }


def registered_contracts(filters) -> dict:
    """Technology contracts registered (a registration number came back), their amounts and
    technical income, by contract type; and those prepared and not registered yet."""

    rows = ContractRegistration.objects.filter(match__in=_stats()._matches(filters))
    registered = rows.exclude(registration_number="")
    totals = registered.aggregate(
        n=Count("pk"), amount=Sum("amount"), technical_income=Sum("technical_income")
    )
    labels = dict(ContractType.choices)
    by_type = [
        {
            "type": str(labels.get(r["contract_type"], r["contract_type"])),
            "n": r["n"],
            "amount": r["amount"],
            "technical_income": r["technical_income"],
        }
        for r in registered.values("contract_type")
        .annotate(n=Count("pk"), amount=Sum("amount"), technical_income=Sum("technical_income"))
        .order_by("contract_type")
    ]
    return {
        "registered": totals["n"],
        "amount": totals["amount"] or Decimal(0),
        "technical_income": totals["technical_income"] or Decimal(0),
        "prepared": rows.filter(registration_number="").count(),
        "by_type": by_type,
    }


def table(name: str, data) -> tuple[list[str], list[list]]:

    if name == "adoption-changes":
        header = [_("Group"), _("Unit"), _("Adoptions with confirmed evidence"), _("Median change")]
        units = dict(MetricUnit.choices)

        def row(group, r):
            return [group, str(units.get(r["unit"], r["unit"])), r["n"], change_text(r["median"])]

        rows = [row(_("All"), r) for r in data["by_unit"]]
        rows += [row(f"{_('Category')}: {r['name']}", r) for r in data["by_category"]]
        rows += [row(f"{_('Province')}: {r['name']}", r) for r in data["by_province"]]
        return header, rows
    if name == "trials":
        return [
            _("Trials"),
            _("Running"),
            _("Passed"),
            _("Failed"),
            _("Trial subsidy (CNY)"),
            _("Tranches released (CNY)"),
        ], [
            [
                data["trials"],
                data["running"],
                data["passed"],
                data["failed"],
                data["subsidy"],
                data["released"],
            ]
        ]
    if name == "registered-contracts":
        rows = [
            [_("All"), data["registered"], data["amount"], data["technical_income"]],
            *[[r["type"], r["n"], r["amount"], r["technical_income"]] for r in data["by_type"]],
        ]
        return [
            _("Contract type"),
            _("Registered contracts"),
            _("Amount (CNY)"),
            _("Technical income (CNY)"),
        ], rows
    raise KeyError(name)


FIGURES = {
    "adoption-changes": adoption_changes,
    "trials": trials,
    "registered-contracts": registered_contracts,
}


# -- what the impact pages read ---------------------------------------------------------------

MATCH_RELATED = ("need__organisation__region", "result__organisation")


def _related(prefix: str) -> list[str]:
    return [f"{prefix}{related}" for related in MATCH_RELATED]


def impact_matches() -> QuerySet[Match]:
    """Matches with what the permission checks and the impact pages read of both sides."""
    return Match.objects.select_related(*MATCH_RELATED)


def trial_of(match) -> Trial | None:
    return Trial.objects.filter(match=match).first()


def evidence_of(match) -> list[OutcomeEvidence]:
    """The match's checkpoints, first to last, with their photos."""
    return list(
        OutcomeEvidence.objects.filter(match=match)
        .prefetch_related("photos")
        .order_by("checkpoint")
    )


def contract_of(match) -> ContractRegistration | None:
    return ContractRegistration.objects.filter(match=match).first()


def milestones() -> QuerySet[TrialMilestone]:
    return TrialMilestone.objects.select_related(*_related("trial__match__"), "trial")


def trials() -> QuerySet[Trial]:
    return Trial.objects.select_related(*_related("match__"))


def evidence_records() -> QuerySet[OutcomeEvidence]:
    return OutcomeEvidence.objects.select_related(*_related("match__"))


def outcome_photos() -> QuerySet[OutcomePhoto]:
    return OutcomePhoto.objects.select_related(
        "evidence__match__need__organisation__region",
        "milestone__trial__match__need__organisation__region",
    )


def contracts() -> QuerySet[ContractRegistration]:
    return ContractRegistration.objects.select_related(*_related("match__"), "station")
