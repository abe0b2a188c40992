"""Searching puts the most relevant first; the sort menu offers each order once."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ResultFactory

pytestmark = pytest.mark.django_db


def _options(html: str) -> list[str]:
    menu = html[html.index('name="sort"') :]
    return re.findall(r"<option[^>]*>([^<]*)</option>", menu[: menu.index("</select>")])


def test_a_search_lists_title_matches_before_newer_text_matches(client):
    old = timezone.now() - timedelta(days=30)
    in_title = ResultFactory(title="猕猴桃保鲜技术", published_at=old)
    ResultFactory(
        title="果蔬冷链温控",
        abstract="也适用于猕猴桃和保鲜",
        keywords="冷链",
        published_at=timezone.now(),
    )
    response = client.get(reverse("result-list"), {"q": "猕猴桃 保鲜"})
    titles = [r.title for r in response.context["listings"]]
    assert titles == [in_title.title, "果蔬冷链温控"]
    assert _options(response.content.decode()) == ["最相关", "最新发布", "价格最低", "成熟度最高"]


def test_without_a_search_newest_is_offered_once(client):
    html = client.get(reverse("result-list")).content.decode()
    assert _options(html) == ["最新发布", "价格最低", "成熟度最高"]
    html = client.get(reverse("need-list")).content.decode()
    assert _options(html) == ["最新发布", "即将截止"]
