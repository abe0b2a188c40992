"""A need's matches on its page: ten at a time with the price on each, status changes asked
before they happen, and a double tap that moves a match one step only."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def need_with_26():
    enterprise = OrganisationFactory()
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    need = NeedFactory(organisation=enterprise)
    matches = []
    for rank in range(1, 27):
        result = ResultFactory(
            organisation=institution,
            title=f"成果{rank:02d}",
            asking_price=None if rank == 2 else 50000,
            price_negotiable=rank == 2,
        )
        matches.append(
            Match.objects.create(
                need=need,
                result=result,
                score=1 - rank / 100,
                text_score=0.5,
                structured_score=0.5,
                matcher_version="t",
                rank_for_need=rank,
            )
        )
    return {"need": need, "matches": matches, "owner": member_of(enterprise)}


def _cards(html: str) -> list[str]:
    return re.findall(r'<li class="match-card" id="match-(\d+)">', html)


def test_the_page_shows_the_best_ten_with_their_prices_and_a_link_to_ten_more(client, need_with_26):
    client.force_login(need_with_26["owner"])
    html = client.get(reverse("need-detail", args=[need_with_26["need"].pk])).content.decode()
    expected = [str(m.pk) for m in need_with_26["matches"][:10]]
    assert _cards(html) == expected
    assert '<span class="badge">26</span>' in html
    assert html.count('<span class="match-price">5万元</span>') == 9
    assert '<span class="match-price">面议</span>' in html
    assert 'hx-get="?start=10"' in html
    assert f'href="?show=20#match-{need_with_26["matches"][10].pk}"' in html
    assert "再看 10 个" in html


def test_more_brings_the_next_ten_then_the_last_six(client, need_with_26):
    client.force_login(need_with_26["owner"])
    url = reverse("need-detail", args=[need_with_26["need"].pk])
    second = client.get(url, {"start": 10}, HTTP_HX_REQUEST="true").content.decode()
    assert _cards(second) == [str(m.pk) for m in need_with_26["matches"][10:20]]
    assert 'hx-get="?start=20"' in second
    assert "<html" not in second
    last = client.get(url, {"start": 20}, HTTP_HX_REQUEST="true").content.decode()
    assert _cards(last) == [str(m.pk) for m in need_with_26["matches"][20:]]
    assert "再看 10 个" not in last


def test_without_scripts_more_reloads_the_page_with_twenty(client, need_with_26):
    client.force_login(need_with_26["owner"])
    url = reverse("need-detail", args=[need_with_26["need"].pk])
    assert len(_cards(client.get(url, {"show": 20}).content.decode())) == 20
    for nonsense in ("-1", "abc", "9999999", ""):
        assert len(_cards(client.get(url, {"show": nonsense}).content.decode())) == 10


def test_closing_expiring_and_solving_a_need_do_it_at_once_and_offer_an_undo(client, need_with_26):
    client.force_login(need_with_26["owner"])
    need = need_with_26["need"]
    html = client.get(reverse("need-detail", args=[need.pk])).content.decode()
    for target in ("closed", "expired", "fulfilled"):
        form = re.search(
            rf'<form[^>]*>(?:(?!</form>).)*value="{target}"', html, flags=re.DOTALL
        ).group(0)
        assert "data-confirm=" not in form, target
    after = client.post(
        reverse("need-transition", args=[need.pk]), {"to": "expired"}, follow=True
    ).content.decode()
    assert "状态已改为“已过期”。" in after
    assert f'action="{reverse("need-undo", args=[need.pk])}"' in after


def test_a_double_tap_on_a_board_move_moves_the_match_one_step(client, need_with_26):
    match = need_with_26["matches"][0]
    Match.objects.filter(pk=match.pk).update(state="shortlisted")
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))
    client.force_login(staff)
    board = client.get(reverse("station-board")).content.decode()
    assert "data-confirm" not in board  # a move is undone for a few seconds instead
    assert '<input type="hidden" name="expected_state" value="shortlisted">' in board
    tap = {"to": "evaluating", "expected_state": "shortlisted"}
    url = reverse("match-action", args=[match.pk])
    client.post(url, tap)
    second = client.post(url, tap, follow=True).content.decode()
    match.refresh_from_db()
    assert match.state == "evaluating"
    assert list(match.events.values_list("from_state", "to_state")) == [
        ("shortlisted", "evaluating")
    ]
    assert "已有人把这条匹配改为" in second


def test_the_owners_pages_read_their_matches_without_a_query_per_match(client, need_with_26):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    need, first = need_with_26["need"], need_with_26["matches"][0]
    client.force_login(need_with_26["owner"])
    need_page = reverse("need-detail", args=[need.pk])
    queries(need_page)  # sentences and explanations completed on first view
    ten_shown = queries(need_page)
    assert queries(need_page + "?show=20") == ten_shown

    researcher = member_of(first.result.organisation)
    client.force_login(researcher)
    result_page = reverse("result-detail", args=[first.result.pk])
    queries(result_page)
    one_need = queries(result_page)
    for n in range(3):
        Match.objects.create(
            need=NeedFactory(title=f"另一个需求{n}"),
            result=first.result,
            score=0.4,
            text_score=0.4,
            structured_score=0.4,
            matcher_version="t",
        )
    queries(result_page)
    html = client.get(result_page).content.decode()
    assert queries(result_page) == one_need
    assert all(f"另一个需求{n}" in html for n in range(3))
