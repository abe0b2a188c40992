"""The lists' filters offer the categories and provinces from the cache, and a category an
administrator adds, renames or removes shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from matchmaking.listings.filters import NeedFilter
from matchmaking.models import Category

pytestmark = pytest.mark.django_db


def filters_of(client, url_name: str = "need-list") -> str:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode().split('<details class="filters__more"')[1]


def test_the_choices_are_read_once_then_come_from_the_cache(client):
    with CaptureQueriesContext(connection) as first:
        filters_of(client)
    with CaptureQueriesContext(connection) as second:
        filters_of(client)
    tables = ('FROM "matchmaking_category"', 'FROM "accounts_region"')
    for table in tables:
        assert sum(table in q["sql"] for q in first) == 1
        assert sum(table in q["sql"] for q in second) == 0


def test_a_new_category_is_offered_at_once(client):
    parent = Category.objects.filter(parent__isnull=True).first()
    filters_of(client)
    Category.objects.create(
        slug="drone-spraying", name="无人机植保", name_en="Drones", parent=parent
    )
    assert '<option value="drone-spraying">— 无人机植保</option>' in filters_of(client)
    assert '<option value="drone-spraying">' in filters_of(client, "result-list")


def test_a_renamed_category_is_offered_under_its_new_name_in_each_language(client):
    category = Category.objects.filter(parent__isnull=False).first()
    filters_of(client)
    client.cookies["django_language"] = "en"
    filters_of(client)
    category.name, category.name_en = "新名字", "A new name & more"
    category.save()
    assert f"— {escape(category.name_en)}</option>" in filters_of(client)
    client.cookies["django_language"] = "zh-hans"
    assert "— 新名字</option>" in filters_of(client)


def test_a_removed_category_is_no_longer_offered(client):
    parent = Category.objects.filter(parent__isnull=True).first()
    added = Category.objects.create(slug="to-remove", name="待删除", name_en="To go", parent=parent)
    assert 'value="to-remove"' in filters_of(client)
    added.delete()
    assert 'value="to-remove"' not in filters_of(client)


def test_the_options_and_checkboxes_keep_the_chosen_values(client):
    response = client.get(
        reverse("need-list"), {"status": ["open", "closed"], "region_group": "western"}
    )
    page = response.content.decode()
    assert '<option value="western" selected>' in page
    assert '<input type="checkbox" name="status" value="open" id="id_status_1" checked>' in page
    assert '<input type="checkbox" name="status" value="draft" id="id_status_0">' in page
    assert '<label for="id_status_0">' in page


def test_option_labels_and_values_are_escaped(client):
    parent = Category.objects.filter(parent__isnull=True).first()
    Category.objects.create(slug="x-y", name='<b>"加工"</b>', name_en="x", parent=parent)
    page = filters_of(client)
    assert "— &lt;b&gt;&quot;加工&quot;&lt;/b&gt;</option>" in page
    assert '<b>"加工"</b>' not in page


def test_each_list_gets_filter_fields_of_its_own_that_its_form_uses_uncopied():
    first, second = NeedFilter({"stage": "pilot"}), NeedFilter({})
    assert first.form.fields["category"] is first.filters["category"].field
    assert first.form.fields["category"] is not second.form.fields["category"]
    assert list(first.form.fields) == list(first.filters)
    assert first.form.is_valid()
    assert first.form.cleaned_data["stage"] == "pilot"
    assert second.form["stage"].value() is None
