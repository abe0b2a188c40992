"""Parts of signed-in pages shared by everyone allowed to see them are rendered once and then
come from the cache (config/fragment_cache.py): a station's board, for all of its staff. Who may
see the board is still decided on every request, each user's forms carry their own CSRF token,
and a card moved through the site is in its new column on the next request of anyone."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import OrganisationKind
from config import page_cache
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
MOVE_FORM = re.compile(
    r'<form method="post" action="/matches/(\d+)/act/" class="board__move">(.*?)</form>', re.S
)


@pytest.fixture
def board():
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    enterprise = OrganisationFactory(region_id="522634")
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise, title="猕猴桃冷库温控"),
        result=ResultFactory(organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION)),
        score=0.7,
        text_score=0.6,
        structured_score=0.8,
        matcher_version="t",
        state="shortlisted",
    )
    return {
        "station": station,
        "match": match,
        "staff": [member_of(station), member_of(station)],
        "enterprise_member": member_of(enterprise),
    }


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def board_of(client, params=None) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("station-board"), params or {})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def column(html: str, label: str) -> str:
    return html.split(f'aria-label="{label}"')[1].split("</section>")[0]


def test_the_board_is_rendered_once_for_all_of_a_station_s_staff(board):
    first, first_queries = board_of(signed_in(board["staff"][0]))
    colleague = signed_in(board["staff"][1])
    second, second_queries = board_of(colleague)
    assert "猕猴桃冷库温控" in column(second, "已入围")
    assert second_queries < first_queries  # the board's own queries did not run again
    assert second.count("board__card") == first.count("board__card") == 1


def test_each_member_of_staff_gets_forms_with_their_own_token_and_can_move_a_card(board):
    board_of(signed_in(board["staff"][0]))  # kept
    colleague = signed_in(board["staff"][1])
    html, _queries = board_of(colleague)
    assert page_cache.placeholder() not in html
    pk, form = MOVE_FORM.search(html).groups()
    token = CSRF_FIELD.search(form).group(1)
    assert _unmask_cipher_token(token) == colleague.cookies["csrftoken"].value
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    answer = colleague.post(f"/matches/{pk}/act/", fields)
    assert answer.status_code == 302
    assert Match.objects.get(pk=pk).state == fields["to"]


def test_a_card_moved_by_one_member_of_staff_is_in_its_new_column_for_the_others(board):
    watcher = signed_in(board["staff"][0])
    before, _queries = board_of(watcher)
    assert "猕猴桃冷库温控" in column(before, "已入围")
    mover = signed_in(board["staff"][1])
    html, _queries = board_of(mover)
    pk, form = MOVE_FORM.search(html).groups()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert mover.post(f"/matches/{pk}/act/", fields).status_code == 302

    after, _queries = board_of(watcher)
    assert "猕猴桃冷库温控" not in column(after, "已入围")
    label = dict(Match._meta.get_field("state").choices)[fields["to"]]
    assert "猕猴桃冷库温控" in column(after, str(label))


def test_who_may_see_the_board_is_decided_on_every_request(board):
    board_of(signed_in(board["staff"][0]))  # kept
    assert signed_in(board["enterprise_member"]).get(reverse("station-board")).status_code == 403
    far_station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["510131"])
    other, _queries = board_of(signed_in(member_of(far_station)))
    assert "猕猴桃冷库温控" not in other


def test_a_filtered_board_and_another_language_are_kept_apart(board):
    staff = signed_in(board["staff"][0])
    board_of(staff)  # the whole board, kept
    county, _queries = board_of(staff, {"county": "522634"})
    assert "猕猴桃冷库温控" in county
    nobody_worked_on_it, _queries = board_of(staff, {"staff": board["staff"][1].pk})
    assert "猕猴桃冷库温控" not in nobody_worked_on_it
    staff.cookies["django_language"] = "en"
    english, _queries = board_of(staff)
    assert 'aria-label="Shortlisted"' in english
    assert "猕猴桃冷库温控" in column(english, "Shortlisted")


def test_a_refused_filter_keeps_nothing_and_the_board_comes_back_whole(board):
    staff = signed_in(board["staff"][0])
    refused = staff.get(reverse("station-board"), {"county": "999999"})
    assert refused.status_code == 400
    assert 'id="board-county-error"' in refused.content.decode()
    html, _queries = board_of(staff)
    assert "猕猴桃冷库温控" in column(html, "已入围")


def test_a_re_match_s_new_suggestions_are_on_the_kept_board_at_once(board):
    """The re-match merges its pairs with SQL, past the signals: it says so itself."""
    need = board["match"].need
    ResultFactory(
        title="猕猴桃冷库温控与保鲜技术",
        abstract="猕猴桃冷库温控，保鲜期延长。",
        keywords="猕猴桃 冷库 温控",
        category=need.category,
    )
    staff = signed_in(board["staff"][0])
    before, _queries = board_of(staff)
    assert "猕猴桃冷库温控与保鲜技术" not in before

    call_command("rematch", stdout=io.StringIO())

    assert Match.objects.filter(result__title="猕猴桃冷库温控与保鲜技术", need=need).exists()
    after, _queries = board_of(staff)
    assert "猕猴桃冷库温控与保鲜技术" in after
