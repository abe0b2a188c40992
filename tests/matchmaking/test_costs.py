"""Adoption cost arithmetic with exact decimal expectations."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaking.stations.costs import CostError, compute, loan_interest_subsidy


def test_twelve_months_of_interest_on_two_hundred_thousand_at_3_85_percent():
    assert loan_interest_subsidy("200000", "3.85", 12) == Decimal("7700.00")


def test_the_subsidy_rounds_to_the_fen_half_up():
    # 123456.78 × 4.35% × 7 / 12 = 3132.7157925: rounds up to 3132.72
    assert loan_interest_subsidy("123456.78", "4.35", 7) == Decimal("3132.72")


def test_a_full_breakdown():
    result = compute(
        licence_fee="50000",
        equipment="80000.50",
        integration="12000",
        training="3000",
        maintenance="5000",
        reference_cost="260000",
        special_fund="20000",
        loan_principal="100000",
        loan_rate="3.65",
        loan_months=12,
    )
    assert result.total_cost == Decimal("150000.50")
    assert result.loan_subsidy == Decimal("3650.00")
    assert result.subsidies == Decimal("23650.00")
    assert result.net_outlay == Decimal("126350.50")
    assert result.saving == Decimal("133649.50")
    assert result.saving_percent == Decimal("51.40")


def test_costs_above_the_reference_give_a_negative_saving():
    result = compute(equipment="120000", reference_cost="100000")
    assert (result.saving, result.saving_percent) == (Decimal("-20000.00"), Decimal("-20.00"))


def test_a_negative_cost_is_refused_naming_the_field():
    with pytest.raises(CostError) as error:
        compute(equipment="-1", reference_cost="100")
    assert error.value.field == "equipment"


def test_subsidies_above_the_cost_are_refused():
    with pytest.raises(CostError) as error:
        compute(equipment="1000", reference_cost="5000", special_fund="1000.01")
    assert error.value.field == "special_fund"


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)


@given(
    amounts, amounts, amounts, st.decimals(min_value=0, max_value=20, places=2), st.integers(0, 60)
)
def test_net_outlay_plus_subsidies_is_the_total_and_saving_is_reference_minus_outlay(
    equipment, reference, principal, rate, months
):
    subsidy = loan_interest_subsidy(principal, rate, months)
    if subsidy > equipment:
        with pytest.raises(CostError):
            compute(
                equipment=equipment,
                reference_cost=reference,
                loan_principal=principal,
                loan_rate=rate,
                loan_months=months,
            )
        return
    result = compute(
        equipment=equipment,
        reference_cost=reference,
        loan_principal=principal,
        loan_rate=rate,
        loan_months=months,
    )
    assert result.net_outlay + result.subsidies == result.total_cost
    assert (
        result.saving
        == result.total_cost * 0 + Decimal(reference).quantize(Decimal("0.01")) - result.net_outlay
    )
    assert result.net_outlay >= 0
