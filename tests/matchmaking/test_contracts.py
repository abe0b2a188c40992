"""技术合同认定登记 (#21): the dossier of an adopted match, its XLSX cells, the number recorded
when it comes back, and the registered contracts in the statistics."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.enums import OrganisationKind
from matchmaking.impact import contracts
from matchmaking.matches.states import MatchState
from matchmaking.models import Match
from matchmaking.stats import selectors as stats
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


DATA = {
    "contract_type": "licensing",
    "subject": "猕猴桃产地预冷技术许可",
    "amount": Decimal("150000.00"),
    "technical_income": Decimal("120000.00"),
    "signed_on": date(2026, 6, 1),
    "valid_from": date(2026, 6, 1),
    "valid_to": date(2027, 5, 31),
    "place_signed": "雷山县",
    "registration_number": "",
    "registered_on": None,
}


@pytest.fixture
def world():
    enterprise = OrganisationFactory(name="雷山县银球茶合作社", region_id="522634")
    institution = OrganisationFactory(
        name="华东农业科技大学", kind=OrganisationKind.INSTITUTION, region_id="330106"
    )
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise, title="茶叶保鲜"),
        result=ResultFactory(organisation=institution, title="产地预冷技术"),
        score=0.7,
        text_score=0.6,
        structured_score=0.8,
        matcher_version="t",
        state=MatchState.ADOPTED,
    )
    return {
        "match": match,
        "enterprise": enterprise,
        "institution": institution,
        "staff": member_of(station),
        "owner": member_of(enterprise),
    }


def test_the_dossier_names_both_parties_with_their_credit_codes(world):
    contract = contracts.contract_save(match=world["match"], by=world["staff"], data=dict(DATA))
    sections = dict(contracts.dossier(contract))
    assert dict(sections["Contract"])["Contract type"] == "Technology licensing"
    assert dict(sections["Contract"])["Technical income (CNY)"] == Decimal("120000.00")
    seller = dict(sections["Seller (supplies the technology)"])
    buyer = dict(sections["Buyer (the enterprise)"])
    assert (seller["Name"], seller["Unified social credit code"]) == (
        "华东农业科技大学",
        world["institution"].credit_code,
    )
    assert (buyer["Name"], buyer["Unified social credit code"]) == (
        "雷山县银球茶合作社",
        world["enterprise"].credit_code,
    )


def test_the_xlsx_holds_the_dossier_with_amounts_as_numbers_and_dates_as_dates(world):
    contract = contracts.contract_save(match=world["match"], by=world["staff"], data=dict(DATA))
    sheet = load_workbook(io.BytesIO(contracts.dossier_xlsx(contract))).active
    rows = [row[:2] for row in sheet.iter_rows(values_only=True) if row[0]]
    cells = dict(rows)
    assert cells["Contract type"] == "Technology licensing"
    assert cells["Subject of the contract"] == "猕猴桃产地预冷技术许可"
    assert cells["Contract amount (CNY)"] == 150000
    assert cells["Technical income (CNY)"] == 120000
    assert cells["Signed on"].date() == date(2026, 6, 1)
    assert cells["Valid to"].date() == date(2027, 5, 31)
    # The seller's code first, then the buyer's, each under its section.
    assert [value for label, value in rows if label == "Unified social credit code"] == [
        world["institution"].credit_code,
        world["enterprise"].credit_code,
    ]
    assert sheet["A2"].value == "Contract"


def test_only_an_adopted_match_gets_a_dossier_and_only_from_its_station(world):
    with pytest.raises(PermissionDenied):
        contracts.contract_save(match=world["match"], by=world["owner"], data=dict(DATA))
    Match.objects.filter(pk=world["match"].pk).update(state=MatchState.ON_TRIAL)
    with pytest.raises(ValidationError):
        contracts.contract_save(match=world["match"], by=world["staff"], data=dict(DATA))


def test_registered_contracts_are_counted_with_their_amounts_once_the_number_is_back(world):
    contracts.contract_save(match=world["match"], by=world["staff"], data=dict(DATA))
    data = stats.FIGURES["registered-contracts"](stats.Filters())
    assert (data["registered"], data["prepared"], data["amount"]) == (0, 1, Decimal(0))
    contracts.contract_save(
        match=world["match"],
        by=world["staff"],
        data={**DATA, "registration_number": "2026520000123", "registered_on": date(2026, 7, 1)},
    )
    data = stats.FIGURES["registered-contracts"](stats.Filters())
    assert (data["registered"], data["prepared"]) == (1, 0)
    assert (data["amount"], data["technical_income"]) == (
        Decimal("150000.00"),
        Decimal("120000.00"),
    )


def test_a_technical_income_above_the_amount_is_said_beside_the_field(client, world):
    client.force_login(world["staff"])
    body = {**DATA, "technical_income": "200000", "registered_on": ""}
    response = client.post(reverse("contract-form", args=[world["match"].pk]), body)
    assert response.status_code == 200
    assert response.context["form"].errors == {"technical_income": ["技术性收入不能超过合同金额。"]}
