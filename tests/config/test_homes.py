"""Each role's home page: what waits for the user, one tap from the action, in a fixed number
of queries whatever the numbers of rows."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import OrganisationKind
from matchmaking.models import Evaluation, Match, TrainingSession
from tests.factories import (
    FairFactory,
    MeetingRequestFactory,
    NeedFactory,
    OrganisationFactory,
    RegistrationFactory,
    ResultFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def _match(need, result, rank, **fields):
    return Match.objects.create(
        need=need,
        result=result,
        score=1 - rank / 10,
        text_score=0.5,
        structured_score=0.5,
        matcher_version="t",
        rank_for_need=rank,
        rank_for_result=rank,
        **fields,
    )


def _ago(days: float):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def world():
    """An enterprise in 雷山县 with a need and four results matched to it, a station covering
    the county, and the institution behind the results."""
    enterprise = OrganisationFactory(name="雷山银球茶合作社")
    institution = OrganisationFactory(
        kind=OrganisationKind.INSTITUTION, name="华东农大食品学院", phone="0571-88881234"
    )
    station = OrganisationFactory(
        kind=OrganisationKind.STATION, name="雷山县服务站", covered=["522634"]
    )
    owner = member_of(enterprise)
    need = NeedFactory(organisation=enterprise, title="猕猴桃放不了几天就坏了", created_by=owner)
    results = [
        ResultFactory(organisation=institution, title=title)
        for title in ("真空预冷装置", "冷链温控系统", "保鲜剂配方", "气调包装")
    ]
    accepted = _match(
        need,
        results[1],
        2,
        state="contacted",
        contact_status="accepted",
        contact_requested_at=_ago(3),
        contact_answered_at=_ago(1),
    )
    best = _match(need, results[0], 1)
    old = _match(need, results[2], 3)
    Match.objects.filter(pk=old.pk).update(created_at=_ago(5))
    return {
        "enterprise": enterprise,
        "institution": institution,
        "station": station,
        "owner": owner,
        "researcher": member_of(institution),
        "staff": member_of(station),
        "need": need,
        "results": results,
        "best": best,
        "accepted": accepted,
        "old": old,
    }


def _home(client, user):
    """The home page's HTML, with the marks around what people wrote (data-uc) taken out."""
    client.force_login(user)
    return re.sub(r"<span data-uc>(.*?)</span>", r"\1", client.get("/").content.decode())


def test_an_enterprise_sees_what_waits_for_it_new_matches_and_its_needs(client, world):
    owner = world["owner"]
    owner.home_seen_at = _ago(2)
    owner.save()
    fair = FairFactory()
    meeting = MeetingRequestFactory(
        fair=fair,
        status="pending",
        requester=RegistrationFactory(fair=fair, organisation=world["institution"]),
        recipient=RegistrationFactory(fair=fair, organisation=world["enterprise"]),
    )
    evaluation = Evaluation.objects.create(
        match=world["best"],
        station=world["station"],
        author=world["staff"],
        technical_feasibility=4,
        economic_feasibility=4,
        capability_fit=3,
        risks="无",
        recommendation="recommend",
        report="可行",
        staff_hours=2,
    )

    html = _home(client, owner)

    assert "需要您处理" in html
    assert f'href="/matches/{world["accepted"].pk}/#contact"' in html
    assert "华东农大食品学院 接受了您的联系请求，请打电话联系" in html
    assert f'href="/fairs/{fair.pk}/requests/"' in html
    assert "华东农大食品学院 想在对接会上与您见面" in html
    assert f'href="/evaluations/{evaluation.pk}/"' in html
    assert "雷山县服务站 为您评估了一项技术" in html
    # New since the visit two days ago: the best (rank 1, today), not the one of five days ago;
    # the accepted one counts as new too (rank 2, today).
    assert '新的匹配 <span class="badge">2</span>' in html
    assert f'href="/matches/{world["best"].pk}/"' in html
    assert f'href="/matches/{world["old"].pk}/"' not in html
    assert "最佳匹配：真空预冷装置 · 3 个匹配" in html
    assert f'<a class="button button--wide" href="{reverse("need-create")}">发布需求</a>' in html
    owner.refresh_from_db()
    assert timezone.now() - owner.home_seen_at < timedelta(seconds=5)
    assert meeting.pk


def test_the_second_visit_shows_no_new_matches(client, world):
    _home(client, world["owner"])
    assert '新的匹配 <span class="badge">0</span>' in client.get("/").content.decode()


def test_a_new_enterprise_is_told_what_to_do_first(client):
    user = member_of(OrganisationFactory())
    html = _home(client, user)
    assert "用自己的话写下遇到的难题，平台帮您找能解决的技术" in html
    assert "发布需求" in html


def test_a_researcher_sees_requests_waiting_with_days_needs_that_fit_and_how_results_fare(
    client, world
):
    Match.objects.filter(pk=world["accepted"].pk).update(
        contact_status="pending", contact_requested_at=_ago(9)
    )
    declined = _match(
        NeedFactory(title="别家的需求"),
        world["results"][3],
        1,
        state="declined",
        decline_reason="too_expensive",
    )
    client.force_login(UserFactory())
    client.get(reverse("result-detail", args=[world["results"][0].pk]))
    client.get(reverse("result-detail", args=[world["results"][0].pk]))
    client.logout()

    html = _home(client, world["researcher"])

    assert f'href="/matches/{world["accepted"].pk}/#what-next"' in html
    assert '<span class="meta late">已等待 9 天' in html
    # The need appears once, with its best-fitting result.
    assert html.count(f'href="/matches/{world["best"].pk}/"') == 1
    assert f'href="/matches/{world["old"].pk}/"' not in html
    assert "2 次浏览" in html
    assert "1 次拒绝: 价格太高 1" in html
    assert declined.pk


def test_station_staff_see_the_board_counts_the_oldest_work_unverified_and_trainings(client, world):
    Match.objects.filter(pk=world["accepted"].pk).update(state_changed_at=_ago(10))
    Match.objects.filter(pk=world["old"].pk).update(state="evaluating", state_changed_at=_ago(2))
    waiting = OrganisationFactory(name="西江苗寨网店", is_verified=False)
    OrganisationFactory(name="外省网店", is_verified=False, region_id="110101")
    TrainingSession.objects.create(
        station=world["station"],
        date=timezone.localdate(),
        place="雷山县电商中心",
        topic="冷链保鲜入门",
        trainer="王老师",
        recorded_by=world["staff"],
    )

    html = _home(client, world["staff"])

    assert "已请求联系 <strong>1</strong>" in html
    assert "评估中 <strong>1</strong>" in html
    assert "系统推荐 <strong>1</strong>" in html
    first, second = (
        html.index(f'href="/matches/{world["accepted"].pk}/"'),
        html.index(f'href="/matches/{world["old"].pk}/"'),
    )
    assert first < second  # the one waiting 10 days first, in red
    assert '<span class="late">已等待 10 天</span>' in html
    assert f'href="/accounts/organisations/{waiting.pk}/"' in html
    assert "外省网店" not in html
    assert "冷链保鲜入门" in html


def test_an_administrator_sees_the_headline_and_what_needs_a_decision(client, world):
    admin = UserFactory(is_staff=True, is_superuser=True)
    waiting = OrganisationFactory(name="待核验合作社", is_verified=False)
    html = _home(client, admin)
    assert "核心数据" in html
    assert f'href="/accounts/organisations/{waiting.pk}/"' in html
    assert "核验: 待核验合作社" in html


def test_each_role_sees_only_its_own_blocks(client, world):
    assert "需要您处理" not in _home(client, world["researcher"])
    assert "等待您答复的联系请求" not in _home(client, world["owner"])
    html = _home(client, member_of(OrganisationFactory(kind=OrganisationKind.INSTITUTION)))
    assert f'href="/matches/{world["best"].pk}/"' not in html
    assert "核心数据" not in _home(client, world["staff"])


def test_anonymous_visitors_get_the_public_home_with_search_figures_and_recent_listings(
    client, world
):
    html = client.get("/").content.decode()
    assert 'action="/results/"' in html and 'name="q"' in html
    assert 'href="/stats/public/"' in html
    assert "猕猴桃放不了几天就坏了" in html
    assert "真空预冷装置" in html
    assert "需要您处理" not in html


def test_the_unread_count_is_in_the_top_bar_outside_the_menu(client, world):
    from matchmaking.models import Notification

    for n in range(3):
        Notification.objects.create(user=world["owner"], kind="strong_match", title=f"n{n}")
    html = _home(client, world["owner"])
    bar = html[html.index('class="topbar"') : html.index('id="nav-toggle"')]
    assert '<span class="bell__count">3</span>' in bar


@pytest.mark.parametrize(
    ("role", "queries"),
    # User, memberships listed, the visit noted: 3 (the session, the memberships and the
    # unread count come from the cache); then
    # enterprise: answered, meetings, evaluations, new matches, needs, their best matches: 6;
    # researcher: requests, needs that fit, results, decline reasons: 4; station: the board's
    # counts and cards (2), its coverage, awaiting verification (2 with its coverage),
    # trainings: 6; admin: awaiting verification, stale requests (the headline is cached): 2.
    [("owner", 9), ("researcher", 7), ("staff", 9), ("admin", 5)],
)
def test_each_home_takes_a_fixed_number_of_queries(
    client, world, role, queries, django_assert_num_queries
):
    user = world.get(role) or UserFactory(is_staff=True, is_superuser=True)
    for n in range(4):  # more rows of every kind: the count stays
        need = NeedFactory(organisation=world["enterprise"], title=f"更多需求{n}")
        for rank, result in enumerate(world["results"], start=1):
            _match(need, result, rank)
        OrganisationFactory(is_verified=False)
    client.force_login(user)
    client.get("/")
    with django_assert_num_queries(queries):
        assert client.get("/").status_code == 200


def test_each_need_on_the_enterprise_home_counts_its_live_matches(client, world):
    _match(world["need"], world["results"][3], 4, state="declined")
    withdrawn = ResultFactory(organisation=world["institution"], status="withdrawn")
    _match(world["need"], withdrawn, 5)
    NeedFactory(organisation=world["enterprise"], title="茶叶杀青温度控制")

    html = _home(client, world["owner"])

    # Declined, and the withdrawn result's, are not counted; a need without matches says 0.
    assert "最佳匹配：真空预冷装置 · 3 个匹配" in html
    assert re.search(r"茶叶杀青温度控制.*?0 个匹配", html, re.S)
