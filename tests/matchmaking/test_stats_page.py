"""The statistics page as officials read it (issue 22): headlines, charts, honest freshness."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.enums import OrganisationKind
from matchmaking.models import Match
from matchmaking.stats import charts, tables
from matchmaking.stats import selectors as stats
from matchmaking.stats import summary as stats_summary
from tests.factories import OrganisationFactory, UserFactory, member_of
from tests.matchmaking.test_stats import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client):
    user = UserFactory(username="boss", is_staff=True)
    client.force_login(user)
    return user


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def test_each_figure_starts_with_its_number_and_its_change_on_the_year_before(client, boss, world):  # noqa: F811
    html = client.get("/stats/").content.decode()
    transfer = _section(html, "transfer-rate")
    assert "2025 年：50.0%，比 2024 年上升 50.0 个百分点" in transfer
    assert "东部机构的成果：25.0%，比 15% 基线高 10.0 个百分点" in transfer
    # Headline, then chart, then the table behind 明细.
    assert transfer.index("stat-headline") < transfer.index("<svg") < transfer.index("明细")
    assert re.search(r"<details[^>]*><summary>明细</summary>", transfer)


def test_where_results_go_has_one_table_beside_its_flow_picture(client, boss, world):  # noqa: F811
    flows = _section(client.get("/stats/").content.decode(), "region-matrix")
    assert flows.count("<table") == 1
    assert 'class="chart__svg flows"' in flows
    assert "东部 → 西部: 1" in flows  # a band's title


def test_platform_activity_counts_are_not_headed_as_dates(client, boss, world):  # noqa: F811
    platform = _section(client.get("/stats/").content.decode(), "platform-activity")
    assert "发布时间" not in platform
    assert "<th>已发布</th>" in platform


def test_money_reads_52_750_yuan_not_52750_00():
    assert stats_summary.yuan(Decimal("52750.00")) == "52,750 元"
    assert stats_summary.number(Decimal("52750.00")) == "52,750"
    assert stats_summary.number(1234567) == "1,234,567"
    assert stats_summary.number(tables.Percent(0.25)) == "25.0%"


def test_the_map_has_the_31_provinces_and_does_not_count_the_east_as_zero(world):  # noqa: F811
    figure = stats.transfer_by(stats.Filters(), "province")
    tiles = {t["code"]: t for t in charts.province_map(figure)["tiles"]}
    assert len(tiles) == 31
    assert (tiles["52"]["rate_text"], tiles["51"]["rate_text"]) == ("40.0%", "20.0%")
    assert tiles["52"]["shade"] == 1.0 and tiles["51"]["shade"] < 1.0
    assert tiles["62"]["rate_text"] == "0.0%"  # 甘肃: western, none adopted
    assert (tiles["32"]["counted"], tiles["32"]["rate_text"]) == (False, "")  # 江苏: eastern


def test_without_beat_the_page_says_when_it_computed_and_offers_admins_a_refresh(
    client,
    boss,
    world,  # noqa: F811
):
    html = client.get("/stats/").content.decode()
    assert "每 10 分钟" not in html
    assert "目前没有自动更新" in html
    assert 'action="/stats/refresh/"' in html
    stats.refresh_all()  # what beat does
    html = client.get("/stats/").content.decode()
    assert "每 10 分钟更新" in html


def test_an_authority_reads_the_page_without_the_refresh_button(client, world):  # noqa: F811
    client.force_login(member_of(OrganisationFactory(kind=OrganisationKind.AUTHORITY)))
    html = client.get("/stats/").content.decode()
    assert 'action="/stats/refresh/"' not in html
    assert client.post("/stats/refresh/").status_code == 403


def test_the_refresh_computes_the_figures_anew(client, boss, world):  # noqa: F811
    client.get("/stats/?year_from=2025&year_to=2025")
    figure, computed = stats.cached("funnel", stats.Filters(year_from=2025, year_to=2025))
    Match.objects.all().delete()
    assert stats.cached("funnel", stats.Filters(year_from=2025, year_to=2025))[1] == computed
    response = client.post("/stats/refresh/", {"year_from": "2025", "year_to": "2025"})
    assert response.status_code == 302
    assert response["Location"] == "/stats/?year_from=2025&year_to=2025"
    fresh, when = stats.cached("funnel", stats.Filters(year_from=2025, year_to=2025))
    assert when > computed and fresh[0]["reached"] == 0
    assert when <= timezone.now()
    cache.clear()
