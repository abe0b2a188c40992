"""Counts of long lists come from the cache for a minute; short lists are counted afresh."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from config import pagination
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
