"""Counts of long lists come from the cache for a minute; short lists are counted afresh."""

import pytest
from django.db import connection
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from config import pagination
from matchmaking.listings import services as listings
from matchmaking.models import TechnologyNeed
from tests.factories import NeedFactory, OrganisationFactory, member_of

pytestmark = pytest.mark.django_db


def page_count(client, **params) -> int:
    return client.get(reverse("need-list"), params).context["page"].paginator.count


def test_a_long_list_keeps_its_count_for_a_minute(client, monkeypatch):
    monkeypatch.setattr(pagination, "LONG_LIST", 2)
    NeedFactory.create_batch(2)
    assert page_count(client) == 2
    newest = NeedFactory()
    assert page_count(client) == 2
    # Newest first: a new need is on the first page all the same.
    assert newest in client.get(reverse("need-list")).context["listings"]


def test_a_short_list_is_counted_afresh_every_time(client):
    NeedFactory()
    assert page_count(client) == 1
    NeedFactory()
    assert page_count(client) == 2


def test_each_search_and_each_visibility_has_its_own_count(client, monkeypatch):
    monkeypatch.setattr(pagination, "LONG_LIST", 1)
    enterprise = OrganisationFactory()
    NeedFactory(organisation=enterprise, title="猕猴桃冷链", description="产地预冷")
    NeedFactory(
        organisation=enterprise, title="苹果分拣", description="分拣线", visibility="registered"
    )
    assert page_count(client) == 1
    assert page_count(client, q="猕猴桃") == 1
    client.force_login(member_of(OrganisationFactory()))
    assert page_count(client) == 2
    assert page_count(client, q="苹果") == 1


def test_the_api_counts_long_lists_from_the_cache_too(monkeypatch):
    monkeypatch.setattr(pagination, "LONG_LIST", 2)
    NeedFactory.create_batch(2)
    api = APIClient()
    assert api.get("/api/v1/needs/").json()["count"] == 2
    NeedFactory()
    assert api.get("/api/v1/needs/").json()["count"] == 2
    assert api.get("/api/v1/needs/", {"status": "open", "q": "需求"}).json()["count"] == 3


def test_a_page_reads_its_rows_by_their_ids_alone(client):
    NeedFactory.create_batch(3, title="猕猴桃冷链")
    NeedFactory(title="苹果分拣", description="分拣线改造", keywords="苹果")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("need-list"), {"q": "猕猴桃"})
    assert len(response.context["listings"]) == 3
    rows = [q["sql"] for q in queries if '"matchmaking_technologyneed"."description"' in q["sql"]]
    assert len(rows) == 1
    # The search chose the ids; the rows are read by them, without its LIKE filters again.
    assert "LIKE" not in rows[0].upper()
    assert " IN (" in rows[0]


def test_a_page_keeps_the_annotations_its_rows_show():
    for n in range(3):
        NeedFactory(title=f"需求{n}")
    listed = TechnologyNeed.objects.annotate(shout=Upper("title")).order_by("pk")
    page = pagination.CachedCountPaginator(listed, 2).page(2)
    assert [need.shout for need in page.object_list] == ["需求2"]


def test_a_page_keeps_the_lists_related_rows_and_order(django_assert_num_queries):
    enterprise = OrganisationFactory()
    needs = NeedFactory.create_batch(3, organisation=enterprise)
    listed = (
        TechnologyNeed.objects.filter(organisation=enterprise)
        .select_related("organisation")
        .defer("description")
        .order_by("-pk")
    )
    page = pagination.CachedCountPaginator(listed, 2).page(1)
    with django_assert_num_queries(0):
        assert [n.organisation.name for n in page.object_list] == [enterprise.name] * 2
    assert [n.pk for n in page.object_list] == [needs[2].pk, needs[1].pk]
    assert page.object_list[0].get_deferred_fields() == {"description"}


def _ids_queries(client, **params) -> tuple[list, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("need-list"), params)
    ids_queries = [
        q
        for q in queries
        if q["sql"].startswith('SELECT "matchmaking_technologyneed"."id" AS "pk"')
    ]
    return [n.pk for n in response.context["listings"]], len(ids_queries)


def test_a_long_lists_page_is_read_once_until_a_listing_changes(client, monkeypatch):
    monkeypatch.setattr(pagination, "LONG_LIST", 2)
    enterprise = OrganisationFactory()
    owner = member_of(enterprise)
    first, second = NeedFactory.create_batch(2, organisation=enterprise)
    assert _ids_queries(client) == ([second.pk, first.pk], 1)
    assert _ids_queries(client) == ([second.pk, first.pk], 0)

    newest = NeedFactory()  # a new listing is on the first page at once (the count, 2, is
    # a minute old: the page still holds two)
    assert _ids_queries(client) == ([newest.pk, second.pk], 1)

    listings.need_transition(need=second, to="closed", by=owner)  # and a closed one gone
    assert _ids_queries(client)[0] == [newest.pk, first.pk]


def test_a_short_lists_page_is_read_afresh(client):
    NeedFactory.create_batch(2)
    assert _ids_queries(client)[1] == 1
    assert _ids_queries(client)[1] == 1
