"""Budgets as people write them: one box, read into the lowest and highest amounts or 面议,
one error when it cannot be read, and shown back as "≤ 5万元", never "– 5万元"."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from matchmaking.core.money import format_budget, parse_budget
from matchmaking.models import TechnologyNeed
from matchmaking.templatetags.money import budget
from tests.factories import NeedFactory, OrganisationFactory, category, member_of

W = Decimal(10000)


@pytest.mark.parametrize(
    ("written", "low", "high", "negotiable"),
    [
        ("5万", None, 5 * W, False),
        ("5万左右", 4 * W, 6 * W, False),
        ("5万以内", None, 5 * W, False),
        ("3到5万", 3 * W, 5 * W, False),
        ("3-5万", 3 * W, 5 * W, False),
        ("不超过8万", None, 8 * W, False),
        ("面议", None, None, True),
        ("预算5万元", None, 5 * W, False),
        ("３－５万", 3 * W, 5 * W, False),
        ("3万到5万", 3 * W, 5 * W, False),
        ("3000-5万", Decimal(3000), 5 * W, False),
        ("5万以上", 5 * W, None, False),
        ("至少3万", 3 * W, None, False),
        ("50,000", None, Decimal(50000), False),
        ("1.5万", None, Decimal(15000), False),
        ("5万，可商议", None, 5 * W, True),
        ("8千", None, Decimal(8000), False),
        # In Chinese numerals, as a co-operative's manager says it.
        ("两三万", 2 * W, 3 * W, False),
        ("四五万", 4 * W, 5 * W, False),
        ("七八千", Decimal(7000), Decimal(8000), False),
        ("三到五万", 3 * W, 5 * W, False),
        ("五万以内", None, 5 * W, False),
        ("一万五左右", Decimal(12000), Decimal(18000), False),
        ("二十万以上", 20 * W, None, False),
        ("八千到一万二", Decimal(8000), Decimal(12000), False),
        ("两三万，可面议", 2 * W, 3 * W, True),
    ],
)
def test_a_budget_is_read_as_people_write_it(written, low, high, negotiable):
    assert parse_budget(written) == (low, high, negotiable)


@pytest.mark.parametrize("written", ["", "看情况", "5万以内左右", "几万", "十来万", "-5万", "5万-"])
def test_what_cannot_be_read_is_refused(written):
    with pytest.raises(ValueError):
        parse_budget(written)


@pytest.mark.parametrize(
    "written", ["5万以内", "3万-5万", "5万以上", "面议", "4万-6万", "5万以内 可商议"]
)
def test_a_stored_budget_is_written_back_so_that_it_reads_the_same(written):
    assert parse_budget(format_budget(*parse_budget(written))) == parse_budget(written)


@pytest.mark.parametrize(
    ("low", "high", "negotiable", "shown"),
    [
        (None, 50000, False, "≤ 5万元"),
        (30000, 50000, False, "3万元 – 5万元"),
        (50000, None, False, "≥ 5万元"),
        (None, None, True, "面议"),
        (None, 50000, True, "≤ 5万元 (可商议)"),
        (50000, 50000, False, "5万元"),
    ],
)
def test_a_budget_is_shown_with_its_bounds_in_words(low, high, negotiable, shown):
    need = TechnologyNeed(budget_min=low, budget_max=high, budget_negotiable=negotiable)
    with translation.override("zh-hans"):
        assert budget(need) == shown


def _post(client, written: str, **extra):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    return client.post(
        reverse("need-create"),
        {
            "organisation": enterprise.pk,
            "title": "猕猴桃保鲜",
            "description": "猕猴桃放不了几天就坏了，没得冷库",
            "category": category().pk,
            "budget": written,
            "transfer_modes": ["technical_service"],
            "visibility": "public",
            "publish": "1",
            **extra,
        },
    )


@pytest.mark.django_db
def test_the_form_saves_a_budget_written_in_words(client):
    response = _post(client, "3到5万")
    need = TechnologyNeed.objects.get()
    assert response.status_code == 302
    assert (need.budget_min, need.budget_max, need.budget_negotiable) == (3 * W, 5 * W, False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("written", "error"),
    [
        ("看情况", "没看懂这个预算"),
        ("", "请写下预算"),
        ("30万-10万", "上限"),
    ],
)
def test_a_budget_that_cannot_be_saved_gets_one_error_beside_the_box(client, written, error):
    html = _post(client, written).content.decode()
    field = html[html.index('id="field-budget"') :]
    field = field[: field.index("</div>")]
    assert field.count("<li>") == 1
    assert error in field
    assert "errorlist--form" not in html
    assert not TechnologyNeed.objects.exists()


@pytest.mark.django_db
def test_the_edit_form_shows_the_stored_budget_in_words(client):
    need = NeedFactory(budget_min=None, budget_max=50000)
    client.force_login(member_of(need.organisation))
    html = client.get(reverse("need-edit", args=[need.pk])).content.decode()
    assert 'name="budget" value="5万以内"' in html
