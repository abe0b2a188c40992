"""The monthly report for officials, on the hand-built world of the statistics tests."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.models import MonthlyReport, ReportSubscription
from matchmaking.reports import services as reports
from tests.conftest import require
from tests.factories import OrganisationFactory, UserFactory, member_of
from tests.matchmaking.test_stats import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

NOVEMBER_2025 = date(2025, 11, 1)


def official_of(province_code: str, **fields):
    authority = OrganisationFactory(kind=OrganisationKind.AUTHORITY, region_id=province_code)
    return member_of(authority, **fields)


def _api_rows(figure: str, **filters) -> dict:
    api = APIClient()
    api.force_authenticate(UserFactory(username="api-admin", is_staff=True))
    return api.get(f"/api/v1/stats/{figure}/", filters, HTTP_ACCEPT_LANGUAGE="zh-hans").json()


@pytest.mark.parametrize(
    ("scope_key", "filters"),
    [("national", {}), ("province:51", {"province": "51"})],
)
def test_the_reports_figures_equal_the_apis_for_the_same_filters(world, scope_key, filters):  # noqa: F811
    report = reports.report_generate(scope_key=scope_key, period=NOVEMBER_2025)
    assert list(report.figures["zh-hans"])[:2] == ["transfer-rate", "funnel"]
    for name, figure in report.figures["zh-hans"].items():
        api = _api_rows(name, year_from=2025, year_to=2025, **filters)
        assert (figure["header"], figure["rows"]) == (api["header"], api["rows"]), name


def test_the_province_report_says_in_one_sentence_what_changed(world):  # noqa: F811
    report = reports.report_generate(scope_key="province:51", period=NOVEMBER_2025)
    # Sichuan: 1 of the 4 results listed in 2025 adopted there; 0 of the 1 listed in 2024.
    assert report.scope_name == "四川省"
    assert report.figures["zh-hans"]["transfer-rate"]["rows"][0][:4] == [2025, 4, 1, "25.0%"]
    assert report.figures["zh-hans"]["transfer-rate"]["sentence"] == (
        "四川省的成果转化率（2025 年）为 25.0%，比 2024 年上升 25.0 个百分点。"
    )
    funnel = report.figures["zh-hans"]["funnel"]["sentence"]
    assert funnel.startswith("四川省的已采用的匹配（2025 年）")


def test_a_report_is_made_once_per_scope_and_month(world):  # noqa: F811
    first = reports.report_generate(scope_key="national", period=NOVEMBER_2025)
    again = reports.report_generate(scope_key="national", period=NOVEMBER_2025)
    assert first.pk == again.pk and MonthlyReport.objects.count() == 1
    assert set(first.charts["zh-hans"]) == {"trend", "map", "flows"}
    assert len(first.charts["en"]["map"]["tiles"]) == 31


def _pango() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


def test_the_pdf_renders_with_the_headline_in_its_text(world):  # noqa: F811
    require(
        _pango(), "Debian's pango for WeasyPrint: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
    )
    from pypdf import PdfReader

    report = reports.report_generate(scope_key="province:51", period=NOVEMBER_2025)
    pdf = reports.report_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = "".join(text.split())  # PDF text comes back with line breaks where lines wrapped
    assert "四川省" in text
    assert "25.0%" in text
    assert "比2024年上升25.0个百分点" in text


def test_an_official_of_one_province_receives_only_that_provinces_report(world):  # noqa: F811
    sichuan = official_of("510000", email="sc@example.cn")
    guizhou = official_of("520000", email="gz@example.cn")
    reports.subscription_add(user=sichuan, scope_key="province:51")
    reports.subscription_add(user=guizhou, scope_key="province:52")

    sent = reports.monthly_reports_run(today=date(2025, 12, 1))

    assert sent == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"sc@example.cn", "gz@example.cn"}
    assert "四川省" in by_address["sc@example.cn"].subject
    assert "贵州" not in by_address["sc@example.cn"].subject + by_address["sc@example.cn"].body
    assert "贵州省" in by_address["gz@example.cn"].subject
    assert "2025-11" in by_address["sc@example.cn"].subject
    if _pango():
        ((name, content, kind),) = by_address["sc@example.cn"].attachments
        assert (name, kind) == ("nongqiao-province-51-2025-11.pdf", "application/pdf")
        assert content.startswith(b"%PDF")
    # Run twice (beat retried): nothing is sent again.
    assert reports.monthly_reports_run(today=date(2025, 12, 1)) == 0
    assert len(mail.outbox) == 2


def test_a_report_is_read_by_its_scopes_subscribers_and_admins_only(client, world):  # noqa: F811
    sichuan_report = reports.report_generate(scope_key="province:51", period=NOVEMBER_2025)
    sichuan = official_of("510000")
    guizhou = official_of("520000")
    reports.subscription_add(user=sichuan, scope_key="province:51")
    reports.subscription_add(user=guizhou, scope_key="province:52")
    station_staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION))

    client.force_login(guizhou)
    assert client.get(f"/reports/{sichuan_report.pk}/").status_code == 403
    assert client.get(f"/reports/{sichuan_report.pk}/pdf/").status_code == 403
    assert f"/reports/{sichuan_report.pk}/" not in client.get("/reports/").content.decode()
    client.force_login(sichuan)
    page = client.get(f"/reports/{sichuan_report.pk}/").content.decode()
    assert "四川省的成果转化率（2025 年）为 25.0%" in page
    assert f"/reports/{sichuan_report.pk}/" in client.get("/reports/").content.decode()
    client.force_login(UserFactory(username="boss", is_staff=True))
    assert client.get(f"/reports/{sichuan_report.pk}/").status_code == 200
    client.force_login(station_staff)
    assert client.get("/reports/").status_code == 403


def test_a_scope_that_names_nothing_is_refused_beside_the_field(client, world):  # noqa: F811
    official = official_of("510000")
    client.force_login(official)
    response = client.post("/reports/subscribe/", {"scope": "province:99"})
    assert response.status_code == 400
    assert 'id="report-scope-error"' in response.content.decode()
    assert not ReportSubscription.objects.exists()
    assert client.post("/reports/subscribe/", {"scope": "province:51"}).status_code == 302
    assert list(official.report_subscriptions.values_list("scope_key", flat=True)) == [
        "province:51"
    ]


def test_beat_sends_the_reports_on_the_first_of_each_month():
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-reports"]
    assert entry["task"] == "matchmaking.tasks.send_monthly_reports"
    assert entry["schedule"].day_of_month == {1}


def test_an_english_reader_gets_the_report_in_english(client, world):  # noqa: F811
    report = reports.report_generate(scope_key="province:51", period=NOVEMBER_2025)
    official = official_of("510000", language="en")
    reports.subscription_add(user=official, scope_key="province:51")
    client.force_login(official)
    page = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sichuan: Transfer rate in 2025 is 25.0%, up 25.0 percentage points on 2024." in page
    api = _api_rows("transfer-rate", year_from=2025, year_to=2025, province="51")
    assert report.figures["en"]["transfer-rate"]["rows"][0] == api["rows"][0]
