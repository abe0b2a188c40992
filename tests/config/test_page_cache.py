"""Anonymous visitors' pages are rendered once and then come from the cache (config/page_cache.py):
each visitor still gets their own CSRF token, signed-in users and visitors with a session of
their own are never served a kept page, and a write through the ORM shows on the next request."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.template import engines
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from config import page_cache
from matchmaking.enums import Visibility
from matchmaking.listings import services as listings
from matchmaking.models import Category, ResearchResult, TechnologyNeed
from tests.factories import NeedFactory, ResultFactory, member_of, photo_of

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

CSRF_IN_BODY = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]+)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return len(queries)


def test_an_anonymous_page_is_rendered_once_and_then_served_without_a_query(client):
    NeedFactory(title="猕猴桃冷链保鲜")
    first = page(client, "/needs/")
    assert queries_of(client, "/needs/") == 0
    second = client.get("/needs/")
    assert second.context is None  # no template rendered

    def without_tokens(html: str) -> str:
        return CSRF_FIELD.sub("", CSRF_IN_BODY.sub("", html))

    assert without_tokens(second.content.decode()) == without_tokens(first)


@pytest.mark.parametrize("url", ["/", "/needs/", "/results/", "/needs/?q=冷链&page=1"])
def test_each_visitor_gets_a_token_of_their_own_secret_on_a_kept_page(url):
    NeedFactory()
    page(Client(), url)  # kept
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = page(visitor, url)
        assert page_cache.placeholder() not in html
        secret = visitor.cookies["csrftoken"].value
        tokens = set(CSRF_IN_BODY.findall(html)) | set(CSRF_FIELD.findall(html))
        assert len(tokens) == 1
        assert _unmask_cipher_token(tokens.pop()) == secret
    # The token on the kept page passes the visitor's own CSRF check.
    answer = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": "/", "csrfmiddlewaretoken": CSRF_FIELD.search(html).group(1)},
    )
    assert answer.status_code == 302


def test_a_visitor_who_has_a_csrf_cookie_keeps_it():
    page(Client(), "/results/")
    visitor = Client()
    page(visitor, "/")
    secret = visitor.cookies["csrftoken"].value
    html = page(visitor, "/results/")
    assert _unmask_cipher_token(CSRF_IN_BODY.search(html).group(1)) == secret


def test_a_signed_in_user_is_never_served_the_anonymous_page_nor_the_other_way_round():
    need = NeedFactory()
    member = member_of(need.organisation, full_name="雷山合作社张三")
    signed_in = Client()
    signed_in.force_login(member)
    anonymous = Client()

    assert "雷山合作社张三" not in page(anonymous, "/needs/")
    assert "雷山合作社张三" in page(signed_in, "/needs/")
    assert "雷山合作社张三" in page(signed_in, "/")
    home = page(anonymous, "/")
    assert "雷山合作社张三" not in home
    assert reverse("login") in home


def test_a_visitor_with_a_session_of_their_own_gets_a_page_rendered_for_them():
    page(Client(), "/needs/")
    visitor = Client()
    session = visitor.session
    session["draft"] = "kept in the session"
    session.save()
    assert visitor.get("/needs/").context is not None


def message_cookie(text: str) -> str:
    """The cookie a redirect leaves a message in for an anonymous visitor."""
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies["messages"].value


def test_a_message_is_shown_to_the_visitor_it_is_for_and_kept_for_no_one():
    page(Client(), "/")
    visitor = Client()
    visitor.cookies["messages"] = message_cookie("已发送，请查收短信")
    shown = visitor.get("/")
    assert shown.context is not None
    assert "已发送，请查收短信" in shown.content.decode()
    assert "已发送，请查收短信" not in page(Client(), "/")
    assert "已发送，请查收短信" not in page(visitor, "/")  # shown once


def test_each_language_and_each_address_has_its_own_page(client):
    NeedFactory(title="猕猴桃冷链保鲜")
    NeedFactory(title="茶叶加工")
    assert "猕猴桃冷链保鲜" in page(client, "/needs/?q=猕猴桃")
    searched = page(client, "/needs/?q=茶叶")
    assert "茶叶加工" in searched
    assert "猕猴桃冷链保鲜" not in searched
    client.cookies["django_language"] = "en"
    assert 'lang="en"' in page(client, "/needs/?q=茶叶")
    del client.cookies["django_language"]
    assert 'lang="zh-hans"' in page(client, "/needs/?q=茶叶")


def test_a_need_saved_through_the_services_shows_at_once():
    need = NeedFactory(title="猕猴桃冷链保鲜")
    anonymous = Client()
    assert "猕猴桃冷链保鲜" in page(anonymous, "/needs/")
    assert "猕猴桃冷链保鲜" in page(anonymous, f"/needs/{need.pk}/")
    assert "猕猴桃冷链保鲜" in page(anonymous, "/")

    listings.need_update(
        need=need, by=member_of(need.organisation), data={"title": "苹果分拣线改造"}
    )
    for url in ("/needs/", f"/needs/{need.pk}/", "/"):
        html = page(anonymous, url)
        assert "苹果分拣线改造" in html
        assert "猕猴桃冷链保鲜" not in html


def test_a_listing_closed_or_made_private_leaves_the_kept_pages():
    need = NeedFactory(title="猕猴桃冷链保鲜")
    result = ResultFactory(title="预冷技术")
    anonymous = Client()
    assert "猕猴桃冷链保鲜" in page(anonymous, "/needs/")
    page(anonymous, f"/results/{result.pk}/")

    listings.listing_transition(listing=need, to="closed", by=member_of(need.organisation))
    result.visibility = Visibility.REGISTERED
    result.save()

    assert "猕猴桃冷链保鲜" not in page(anonymous, "/needs/")
    assert anonymous.get(f"/results/{result.pk}/").status_code == 302  # to the login


def test_a_deleted_listing_leaves_the_kept_list():
    NeedFactory(title="猕猴桃冷链保鲜")
    anonymous = Client()
    assert "猕猴桃冷链保鲜" in page(anonymous, "/needs/")
    TechnologyNeed.objects.all().delete()
    assert "猕猴桃冷链保鲜" not in page(anonymous, "/needs/")


def test_a_new_organisation_name_category_name_or_photo_shows_at_once():
    need = NeedFactory()
    anonymous = Client()
    assert need.organisation.name in page(anonymous, f"/needs/{need.pk}/")

    need.organisation.name = "雷山县新名字合作社"
    need.organisation.save()
    assert "雷山县新名字合作社" in page(anonymous, f"/needs/{need.pk}/")

    category = Category.objects.get(pk=need.category_id)
    category.name = "改名后的类别"
    category.save()
    assert "改名后的类别" in page(anonymous, f"/needs/{need.pk}/")

    photo = photo_of(need)
    assert reverse("need-photo-thumbnail", args=[photo.pk]) in page(anonymous, f"/needs/{need.pk}/")


def test_a_write_that_commits_later_starts_a_generation_after_the_commit(
    django_capture_on_commit_callbacks,
):
    need = NeedFactory(title="猕猴桃冷链保鲜")
    anonymous = Client()
    page(anonymous, "/needs/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        need.title = "苹果分拣线改造"
        need.save()
    # A request that read the old rows before the commit stored its page under the generation
    # of the write; the commit starts another.
    during_write = page_cache.cache.get(page_cache.GENERATION_KEY)
    callbacks[0]()
    assert page_cache.cache.get(page_cache.GENERATION_KEY) != during_write


def test_a_write_that_bypasses_the_orm_shows_when_the_page_expires():
    need = NeedFactory(title="猕猴桃冷链保鲜")
    anonymous = Client()
    url = f"/needs/{need.pk}/"
    page(anonymous, url)
    TechnologyNeed.objects.filter(pk=need.pk).update(title="苹果分拣线改造")
    assert "猕猴桃冷链保鲜" in page(anonymous, url)
    page_cache.cache.delete(page_cache.GENERATION_KEY)  # what expiring amounts to
    assert "苹果分拣线改造" in page(anonymous, url)


def test_a_write_past_the_signals_shows_at_once_when_its_writer_says_so():
    need = NeedFactory(title="猕猴桃冷链保鲜")
    anonymous = Client()
    url = f"/needs/{need.pk}/"
    page(anonymous, url)
    TechnologyNeed.objects.filter(pk=need.pk).update(title="苹果分拣线改造")
    page_cache.written(TechnologyNeed)
    assert "苹果分拣线改造" in page(anonymous, url)


def test_a_result_page_from_the_cache_still_counts_the_view():
    result = ResultFactory()
    for _ in range(3):
        page(Client(), f"/results/{result.pk}/")
    assert ResearchResult.objects.get(pk=result.pk).view_count == 3


def test_an_htmx_fragment_is_rendered_for_its_request(client):
    NeedFactory()
    page(client, "/needs/")
    fragment = client.get("/needs/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.context is not None
    assert "<html" not in fragment.content.decode()


def test_an_unknown_filter_value_is_refused_every_time(client):
    for _ in range(2):
        response = client.get("/needs/", {"stage": "nonsense"})
        assert response.status_code == 400
        assert page_cache.placeholder() not in response.content.decode()


def test_nothing_is_kept_while_the_page_cache_is_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    page(client, "/needs/")
    assert client.get("/needs/").context is not None


@page_cache.for_anonymous
def greeting(request):
    """A page that gives the visitor who asks for it a message of their own."""
    if request.headers.get("X-Welcome"):
        messages.success(request, "欢迎回来，张三")
    page = engines["django"].from_string("{% for m in messages %}{{ m }}{% endfor %}公共内容")
    return HttpResponse(page.render({}, request))


urlpatterns = [path("greeting/", greeting)]


@pytest.mark.urls(__name__)
def test_a_page_that_gave_its_visitor_a_message_is_not_kept():
    page_cache.new_generation()
    first = Client().get("/greeting/", headers={"X-Welcome": "1"})
    assert "欢迎回来，张三" in first.content.decode()
    second = Client().get("/greeting/")
    assert second.content.decode() == "公共内容"
