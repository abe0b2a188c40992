"""The cards of the need and result lists are rendered once and then come from the cache
(matchmaking/listings/cards.py): a card changes when its listing does, and no viewer is shown
a card made for what another viewer may see."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from matchmaking.listings import services as listings
from matchmaking.models import Category, TechnologyNeed
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db


def need_list(client, url_name: str = "need-list", **params) -> str:
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_card_is_taken_from_the_cache_until_its_listing_is_saved(client):
    need = NeedFactory(title="猕猴桃冷链保鲜")
    assert "猕猴桃冷链保鲜" in need_list(client)

    # A write that bypasses the services (and so leaves updated_at alone) is not seen: the
    # card came from the cache.
    TechnologyNeed.objects.filter(pk=need.pk).update(title="改过的标题")
    assert "猕猴桃冷链保鲜" in need_list(client)

    need.refresh_from_db()
    listings.need_update(
        need=need, by=member_of(need.organisation), data={"title": "苹果分拣线改造"}
    )
    page = need_list(client)
    assert "苹果分拣线改造" in page
    assert "猕猴桃冷链保鲜" not in page


def test_a_card_shows_its_organisations_new_name():
    need = NeedFactory()
    client = Client()
    assert need.organisation.name in need_list(client)
    need.organisation.name = "雷山县新名字合作社"
    need.organisation.save()
    assert "雷山县新名字合作社" in need_list(client)


def test_a_card_shows_its_categorys_new_name(client):
    need = NeedFactory()
    assert need.category.name in need_list(client)
    Category.objects.filter(pk=need.category_id).update(name="改名后的类别")
    assert "改名后的类别" in need_list(client)


def test_each_language_has_its_own_card(client):
    need = NeedFactory()
    assert need.category.name in need_list(client)
    client.cookies["django_language"] = "en"
    page = need_list(client)
    assert escape(need.category.name_en) in page
    assert need.category.name not in page


def test_a_private_budget_is_on_no_card_whoever_saw_the_list_first():
    enterprise = OrganisationFactory()
    owner = member_of(enterprise)
    NeedFactory(
        organisation=enterprise,
        budget_min=380_000,
        budget_max=380_000,
        budget_public=False,
        created_by=owner,
    )
    member = Client()
    member.force_login(owner)
    # The owner may see the budget (on the need's own page), and sees the list first.
    for page in (need_list(member), need_list(member, "my-needs")):
        assert "38万元" not in page

    assert "38万元" not in need_list(Client())


def test_a_public_budget_is_on_the_card(client):
    NeedFactory(budget_min=380_000, budget_max=380_000, budget_public=True)
    assert "38万元" in need_list(client)


def test_ones_own_list_shows_the_status_of_each_card_and_the_public_list_does_not():
    enterprise = OrganisationFactory()
    owner = member_of(enterprise)
    need = NeedFactory(organisation=enterprise, created_by=owner)
    member = Client()
    member.force_login(owner)
    badge = f'badge--{need.status}"'
    # Own list first: its cards (with the badge) must not stand in for the public ones.
    assert badge in need_list(member, "my-needs")
    assert badge not in need_list(member)
    assert badge not in need_list(Client())


def test_a_status_change_shows_on_ones_own_card():
    enterprise = OrganisationFactory()
    owner = member_of(enterprise)
    need = NeedFactory(organisation=enterprise, created_by=owner)
    member = Client()
    member.force_login(owner)
    assert 'badge--open"' in need_list(member, "my-needs")
    listings.need_transition(need=need, to="closed", by=owner)
    page = need_list(member, "my-needs")
    assert 'badge--closed"' in page
    assert 'badge--open"' not in page


def test_a_result_card_is_refreshed_when_the_result_is_saved(client):
    result = ResultFactory(team="冷链课题组")
    assert "冷链课题组" in need_list(client, "result-list")
    editor = member_of(result.organisation)
    listings.result_update(result=result, by=editor, data={"team": "保鲜课题组"})
    page = need_list(client, "result-list")
    assert "保鲜课题组" in page
    assert "冷链课题组" not in page


def _queries(client, url_name: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(url_name)).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "factory"), [("need-list", NeedFactory), ("result-list", ResultFactory)]
)
def test_a_list_pages_queries_do_not_grow_with_its_cards(client, url_name, factory):
    factory.create_batch(2)
    cold_two, warm_two = _queries(client, url_name), _queries(client, url_name)
    factory.create_batch(18)
    cache.clear()
    cold_twenty, warm_twenty = _queries(client, url_name), _queries(client, url_name)
    assert (cold_twenty, warm_twenty) == (cold_two, warm_two)
    # From the cache: the choices of the filters (categories, provinces).
    assert warm_two == cold_two - 2


def test_the_list_reads_no_search_column_or_vector(client):
    NeedFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("need-list"))
    rows = [q["sql"] for q in queries if '"matchmaking_technologyneed"."title"' in q["sql"]]
    assert rows
    for sql in rows:
        select_list = sql.split(" FROM ")[0]
        for column in ('"search_text"', '"search_tokens"', '"embedding"'):
            assert column not in select_list
