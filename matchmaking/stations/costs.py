"""Adoption cost arithmetic, in Decimal yuan (never floats), rounded to the fen half-up.

The loan interest subsidy (贷款贴息) is simple interest on the principal for the subsidised
months: principal × annual rate × months / 12. The tranches of a trial subsidy released at
verified milestones (issue #21) are a subsidy too. The enterprise's net outlay is the total cost
less the subsidies; the saving is measured against the market reference cost without the
platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Amounts are stored with 14 digits, 2 after the point.
MAX_AMOUNT = Decimal(10) ** 12
COST_LINES = ("licence_fee", "equipment", "integration", "training", "maintenance")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def loan_interest_subsidy(principal, annual_rate_percent, months) -> Decimal:
    principal, rate = Decimal(principal), Decimal(annual_rate_percent)
    if principal < 0 or rate < 0 or int(months) < 0:
        raise ValueError("loan figures cannot be negative")
    return money(principal * rate / Decimal(100) * Decimal(int(months)) / Decimal(12))


@dataclass(frozen=True)
class CostBreakdown:
    total_cost: Decimal
    loan_subsidy: Decimal
    subsidies: Decimal
    net_outlay: Decimal
    saving: Decimal
    saving_percent: Decimal


class CostError(ValueError):
    """Figures that cannot be right; `field` names the one to correct."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def compute(
    *,
    licence_fee=0,
    equipment=0,
    integration=0,
    training=0,
    maintenance=0,
    reference_cost,
    special_fund=0,
    loan_principal=0,
    loan_rate=0,
    loan_months=0,
    trial_tranches=0,
) -> CostBreakdown:
    lines = {
        "licence_fee": licence_fee,
        "equipment": equipment,
        "integration": integration,
        "training": training,
        "maintenance": maintenance,
        "reference_cost": reference_cost,
        "special_fund": special_fund,
        "loan_principal": loan_principal,
        "loan_rate": loan_rate,
        "trial_tranches": trial_tranches,
    }
    for field, value in lines.items():
        if Decimal(value) < 0:
            raise CostError(field, "cannot be negative")
    total = money(
        sum(
            (Decimal(v) for v in (licence_fee, equipment, integration, training, maintenance)),
            Decimal(0),
        )
    )
    loan_subsidy = loan_interest_subsidy(loan_principal, loan_rate, loan_months)
    subsidies = money(Decimal(special_fund) + loan_subsidy + Decimal(trial_tranches))
    if subsidies > total:
        raise CostError("special_fund", "subsidies exceed the cost")
    net = total - subsidies
    reference = money(reference_cost)
    saving = reference - net
    percent = money(saving * 100 / reference) if reference > 0 else Decimal("0.00")
    return CostBreakdown(total, loan_subsidy, subsidies, net, saving, percent)
