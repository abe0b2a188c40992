"""Hostile text in any field is shown as text everywhere, never run as markup or a formula.

One world in which every text a user can type holds a script tag and an attribute break-out,
and starts with a spreadsheet formula character: organisation, user and category names, needs
and results, the contact request, the decline note and the match's history, the station's
evaluation, plan, adoption cost and training, the fair's name, attendees, meeting request and
outcome, a saved search, a membership request, an import sheet. Then every place those texts
appear is fetched, as each role: list, detail and form pages, match pages, the station board
and print views, the fair's pages, agenda and .ics, notifications and their emails, CSV and XLSX
exports, the API. HTML must hold the texts escaped and no markup of theirs; the other formats
must not be served as HTML; spreadsheets must not start a cell with a formula character; a
plain-text email must hold the text as typed (HTML-escaping it there would garble it).
"""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import icalendar
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts import services as account_services
from accounts.enums import MembershipRole, OrganisationKind
from accounts.tasks import notify_membership_requested
from matchmaking.fairs import services as fairs
from matchmaking.imports import services as imports
from matchmaking.matches import matching
from matchmaking.matches import services as match_services
from matchmaking.models import Category, Fair, Match, Meeting, SavedSearch
from matchmaking.notifications import services as notifications
from matchmaking.stations import services as stations
from matchmaking.templatetags.matches import highlight
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A line break in a one-line field: an email subject or an .ics property must not break on it.
ICS_BREAK = "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged"


def hostile(label: str, lead: str = "=") -> str:
    """A text that is a formula, a script and an attribute break-out at once; `label` keeps it
    searchable and matchable."""
    return f"{lead}{SCRIPT}{BREAKOUT}{label}"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_shown_as_text(html: str, where: str, *, shows_payload: bool = True) -> None:
    """No markup of the payload in the page; the payload itself there, escaped."""
    assert SCRIPT not in html and "<img src=x" not in html, f"{where}: payload not escaped"
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{where}: <{tag} {handlers}>"
        if tag == "script":  # only our own files: /static/… and the admin's /admin/jsi18n/
            assert (attrs.get("src") or "").startswith("/"), f"{where}: inline <script>"
        if tag == "img":
            assert attrs.get("src") != "x", f"{where}: injected <img>"
    if shows_payload:
        assert ESCAPED in html, f"{where}: the hostile text is not on the page at all"


def assert_no_formula_cells(rows, where: str) -> None:
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert any(SCRIPT in cell for cell in cells), f"{where}: the hostile text is not exported"
    starting = [cell for cell in cells if cell.startswith(FORMULA_START)]
    assert not starting, f"{where}: cells start a formula: {starting[:3]}"


@pytest.fixture
def world(settings):
    """Everything a user can type, hostile, and the flows that carry it to every page."""
    settings.SITE_URL = "https://nongqiao.example.cn"
    cold = Category.objects.get(slug="cold-storage")
    cold.name, cold.description = hostile("冷库"), hostile("冷库说明")
    cold.save()

    enterprise = OrganisationFactory(
        name=hostile("雷山合作社") + "\r\nBcc: someone@example.cn",
        region_id="522634",
        contact_name=hostile("联系人"),
        address=hostile("地址"),
        description=hostile("简介", "+"),
    )
    institution = OrganisationFactory(
        kind=OrganisationKind.INSTITUTION, name=hostile("农科院", "+")
    )
    station = OrganisationFactory(
        kind=OrganisationKind.STATION, name=hostile("雷山服务站", "-"), covered=["522634"]
    )
    owner = member_of(enterprise, MembershipRole.OWNER, full_name=hostile("企业主"))
    researcher = member_of(institution, MembershipRole.OWNER, full_name=hostile("研究员", "@"))
    staff = member_of(station, full_name=hostile("站员"))
    admin = UserFactory(is_staff=True, is_superuser=True, full_name=hostile("管理员"))

    need = NeedFactory(
        organisation=enterprise,
        created_by=owner,
        title=hostile("猕猴桃冷链保鲜") + "\n第二行",  # quoted in email subjects
        description=hostile("猕猴桃运到广州就软了，想找冷链预冷办法", "-"),
        keywords=hostile("猕猴桃 冷链", "+"),
        category=cold,
    )
    result = ResultFactory(
        organisation=institution,
        created_by=researcher,
        title=hostile("猕猴桃冷链预冷保鲜技术", "@"),
        abstract=hostile("猕猴桃产地预冷与冷链温控，货架期延长", "-"),
        keywords=hostile("猕猴桃 冷链 预冷"),
        team=hostile("团队", "+"),
        lead_researcher=hostile("负责人"),
        application_scenarios=hostile("场景"),
        category=cold,
    )
    other = ResultFactory(organisation=institution, created_by=researcher, title=hostile("其他"))
    # The real matcher, so that the shared terms come from the hostile texts.
    matching.rematch_need(need.pk)
    match = Match.objects.get(need=need, result=result)
    Match.objects.filter(pk=match.pk).update(score=0.9)
    declined, _created = Match.objects.get_or_create(
        need=need,
        result=other,
        defaults={"score": 0.6, "text_score": 0.5, "structured_score": 0.5, "matcher_version": "t"},
    )
    match_services.match_transition(
        match=declined, to="declined", by=owner, reason="other", note=hostile("不合适")
    )

    match_services.match_request_contact(match=match, by=owner, message=hostile("想聊聊"))
    notifications.contact_requested(match.pk)
    match_services.match_answer_contact(match=match, by=researcher, accept=True, note="")
    notifications.contact_answered(match.pk)
    notifications.strong_matches([match.pk])
    match.refresh_from_db()

    evaluation = stations.evaluation_create(
        match=match,
        by=staff,
        data={
            "technical_feasibility": 4,
            "economic_feasibility": 3,
            "capability_fit": 4,
            "risks": hostile("风险"),
            "recommendation": "with_conditions",
            "report": hostile("报告", "-"),
            "staff_hours": Decimal("6.5"),
        },
    )
    plan = stations.plan_create(
        match=match,
        by=staff,
        data={
            "summary": hostile("方案"),
            # A due date is checked as a date, so it cannot carry text.
            "steps": [{"title": hostile("步骤"), "owner": hostile("负责"), "due": "2027-03-01"}],
            "cost_lines": [{"item": hostile("冷库"), "amount": "80000"}],
            "staff_hours": Decimal("3"),
        },
    )
    training = stations.training_create(
        station=station,
        by=staff,
        data={
            "date": "2026-05-01",
            "place": hostile("雷山"),
            "topic": hostile("冷链"),
            "trainer": hostile("吴"),
        },
        attendances=[(enterprise, 12)],
        matches=[match],
    )
    cost = stations.adoption_cost_record(
        match=match,
        by=staff,
        data={
            "licence_fee": Decimal("30000"),
            "equipment": Decimal("90000"),
            "reference_cost": Decimal("200000"),
            "reference_source": hostile("报价"),
        },
    )

    fair = Fair.objects.create(
        name=hostile("对接会"),
        year=2026,
        city=hostile("成都"),
        venue=hostile("会展中心"),
        first_day=date(2026, 12, 10),
        registration_opens=date(2026, 11, 1),
        registration_closes=date(2026, 12, 5),
        day_start=time(9),
        day_end=time(11),
        slot_minutes=30,
        tables=2,
        max_meetings=3,
        status="registration_open",
    )
    ours = fairs.registration_save(
        fair=fair,
        organisation=enterprise,
        by=owner,
        attendees=hostile("张三") + ICS_BREAK,
        available_slots=[0, 1, 2, 3],
    )
    theirs = fairs.registration_save(
        fair=fair,
        organisation=institution,
        by=researcher,
        attendees=hostile("李四") + ICS_BREAK,
        available_slots=[0, 1, 2, 3],
    )
    meeting_request = fairs.meeting_request_from_match(
        fair=fair, match=match, by=owner, message=hostile("见面")
    )
    notifications.meeting_requested(meeting_request.pk)
    fairs.meeting_request_answer(request=meeting_request, by=researcher, accept=True)
    run = fairs.schedule_start(fair=fair, by=admin)
    fairs.schedule_publish(run=fairs.schedule_compute(run), by=admin)
    fairs.check_in(registration=ours, by=staff)
    meeting = Meeting.objects.get(fair=fair)
    fairs.record_outcome(meeting=meeting, by=staff, outcome="held", note=hostile("结果"))

    SavedSearch.objects.create(user=owner, target="results", query=hostile("搜索"))
    digest = SavedSearch.objects.create(user=owner, target="results", query="猕猴桃")
    SavedSearch.objects.filter(pk=digest.pk).update(created_at=timezone.now() - timedelta(days=2))
    notifications.send_digests()

    joiner = UserFactory(full_name=hostile("申请人"))
    membership = account_services.membership_request(
        user=joiner, organisation=enterprise, message=hostile("让我加入")
    )
    notify_membership_requested(membership.pk)

    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["企业统一社会信用代码", "需求名称", "需求描述", "技术类别", "合作方式"])
    # A sheet with <script> in it is refused at upload (tests/matchmaking/test_uploads.py); the
    # attribute break-out and the formula get through to the import's error report.
    sheet_text = [f"={BREAKOUT}{label}" for label in ("导入", "描述", "类")]
    writer.writerow([enterprise.credit_code, *sheet_text, "x"])
    job = imports.import_create(
        by=staff,
        kind="needs",
        upload=SimpleUploadedFile(
            f"{BREAKOUT}.csv", sheet.getvalue().encode("utf-8-sig"), content_type="text/csv"
        ),
    )
    imports.import_validate(job=job)

    return {
        "users": {"owner": owner, "researcher": researcher, "staff": staff, "admin": admin},
        "enterprise": enterprise,
        "need": need,
        "result": result,
        "match": match,
        "evaluation": evaluation,
        "plan": plan,
        "training": training,
        "cost": cost,
        "fair": fair,
        "registration": ours,
        "other_registration": theirs,
        "job": job,
    }


def pages(world) -> list[tuple[str | None, str, bool]]:
    """(who, url, whether the page must show a hostile text) for every page that shows one."""
    need, result, match, fair = world["need"], world["result"], world["match"], world["fair"]
    return [
        (None, reverse("home"), False),
        (None, reverse("need-list"), True),
        (None, reverse("result-list"), True),
        (None, reverse("need-list") + "?q=" + SCRIPT, True),  # the search is shown back
        (None, reverse("need-detail", args=[need.pk]), True),
        (None, reverse("result-detail", args=[result.pk]), True),
        (None, reverse("fair-list"), True),
        (None, reverse("fair-detail", args=[fair.pk]), True),
        (None, reverse("organisation-detail", args=[world["enterprise"].pk]), True),
        (None, reverse("login") + "?next=" + BREAKOUT, False),
        (None, reverse("region-options") + "?q=" + SCRIPT, False),
        (None, reverse("statistics-public"), False),
        ("owner", reverse("home"), True),
        ("owner", reverse("my-needs"), True),
        ("owner", reverse("need-detail", args=[need.pk]), True),
        ("owner", reverse("need-edit", args=[need.pk]), True),
        ("owner", reverse("match-detail", args=[match.pk]), True),
        ("owner", reverse("notifications"), True),
        ("owner", reverse("notification-settings"), True),
        ("owner", reverse("evaluation-detail", args=[world["evaluation"].pk]), True),
        ("owner", reverse("plan-detail", args=[world["plan"].pk]), True),
        ("owner", reverse("adoption-cost-detail", args=[world["cost"].pk]), True),
        ("owner", reverse("fair-register", args=[fair.pk]), True),
        ("owner", reverse("fair-participants", args=[fair.pk]), True),
        ("owner", reverse("fair-requests", args=[fair.pk]), True),
        ("owner", reverse("fair-agenda", args=[fair.pk]), True),
        ("owner", reverse("fair-agenda", args=[fair.pk]) + "?print=1", True),
        ("owner", reverse("organisation-detail", args=[world["enterprise"].pk]), True),
        ("owner", reverse("organisation-edit", args=[world["enterprise"].pk]), True),
        ("owner", reverse("profile"), True),
        ("researcher", reverse("my-results"), True),
        ("researcher", reverse("result-detail", args=[result.pk]), True),
        ("researcher", reverse("result-edit", args=[result.pk]), True),
        ("researcher", reverse("match-detail", args=[match.pk]), True),
        ("researcher", reverse("notifications"), True),
        ("staff", reverse("station-board"), True),
        ("staff", reverse("match-detail", args=[match.pk]), True),
        ("staff", reverse("evaluation-detail", args=[world["evaluation"].pk]), True),
        ("staff", reverse("plan-detail", args=[world["plan"].pk]), True),
        ("staff", reverse("plan-create", args=[match.pk]), True),
        ("staff", reverse("adoption-cost", args=[match.pk]), True),
        ("staff", reverse("training-list"), True),
        ("staff", reverse("training-detail", args=[world["training"].pk]), True),
        ("staff", reverse("fair-check-in", args=[fair.pk]), True),
        ("staff", reverse("fair-meetings", args=[fair.pk]), True),
        ("staff", reverse("fair-report", args=[fair.pk]), True),
        ("staff", reverse("statistics"), True),
        ("staff", reverse("import-detail", args=[world["job"].pk]), True),
        ("staff", reverse("import-start"), True),
        ("admin", reverse("fair-schedule", args=[fair.pk]), True),
        ("admin", reverse("statistics"), True),
        ("admin", "/admin/matchmaking/technologyneed/", True),
        ("admin", "/admin/matchmaking/match/", True),
        ("admin", "/admin/accounts/organisation/", True),
    ]


def test_every_page_shows_hostile_text_as_text(client, world):
    for who, url, shows_payload in pages(world):
        if who is None:
            client.logout()
        else:
            client.force_login(world["users"][who])
        response = client.get(url)
        assert response.status_code == 200, f"{who} {url}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), url
        assert_shown_as_text(response.content.decode(), f"{who} {url}", shows_payload=shows_payload)


def test_a_form_shown_again_with_errors_keeps_the_hostile_text_escaped(client, world):
    client.force_login(world["users"]["owner"])
    response = client.post(
        reverse("need-create"),
        {"organisation": world["enterprise"].pk, "title": hostile("新需求"), "budget_max": "x"},
    )
    assert response.status_code == 200  # shown again with its errors
    assert_shown_as_text(response.content.decode(), "need form with errors")


def test_exports_neutralise_formulas_in_every_cell(client, world):
    client.force_login(world["users"]["admin"])
    stations_figure = {"figure": "station-activity"}  # names the stations
    for name, query in (
        ("need-export", {}),
        ("result-export", {}),
        ("statistics-export", stations_figure),
    ):
        response = client.get(reverse(name, args=["csv"]), query)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8-sig")
        assert_no_formula_cells(csv.reader(io.StringIO(body)), f"{name} csv")

        response = client.get(reverse(name, args=["xlsx"]), query)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        assert_no_formula_cells(sheet.iter_rows(values_only=True), f"{name} xlsx")


def test_the_calendar_is_not_html_and_its_events_cannot_be_forged(client, world):
    registration = world["registration"]
    response = client.get(reverse("fair-agenda-ics", args=[registration.calendar_token]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == Meeting.objects.filter(fair=world["fair"]).count() == 1
    assert "forged" not in [str(event.get("summary")) for event in events]
    assert response.content.split(b"\r\n").count(b"BEGIN:VEVENT") == 1  # no forged line
    assert SCRIPT in str(events[0].get("description"))  # as typed: a calendar shows text


def test_the_api_serves_hostile_text_as_json_only(client, world):
    client.force_login(world["users"]["owner"])
    urls = [
        "/api/v1/needs/",
        f"/api/v1/needs/{world['need'].pk}/",
        f"/api/v1/needs/{world['need'].pk}/matches/",
        f"/api/v1/results/{world['result'].pk}/",
        f"/api/v1/matches/{world['match'].pk}/",
        f"/api/v1/matches/{world['match'].pk}/events/",
        "/api/v1/evaluations/",
        "/api/v1/plans/",
        "/api/v1/adoption-costs/",
        "/api/v1/me/",
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert SCRIPT in response.content.decode(), url  # as typed: JSON is not markup


def test_notification_emails_are_plain_text_with_the_text_as_typed(world):
    assert len(mail.outbox) >= 6
    for message in mail.outbox:
        assert not getattr(message, "alternatives", []), f"{message.subject}: has an HTML part"
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "&lt;" not in message.subject + message.body, f"{message.subject}: escaped text"
    texts = " ".join(m.subject + m.body for m in mail.outbox)
    assert SCRIPT in texts and BREAKOUT in texts


def test_highlighting_marks_terms_in_the_text_never_inside_an_escaped_character():
    text = '<b>冷链 & "quot" lt</b>'
    marked = highlight(text, ["lt", "quot", "amp", "冷链", "<b>"])
    assert marked == (
        "<mark>&lt;b&gt;</mark><mark>冷链</mark> &amp; &quot;<mark>quot</mark>&quot; "
        "<mark>lt</mark>&lt;/b&gt;"
    )
    assert highlight(SCRIPT, []) == ESCAPED
