"""Every role, every page it can reach, on a 360 px phone and a 1280 px desktop, in Chinese and
in English: the demo world (`manage.py demo_data`) makes each kind of page reachable, and the
sweep visits at least two pages of each address shape a role can open (one where the demo world
holds only one: the fair, its agenda).

A page fails the sweep when it answers anything but 200, is wider than the screen, logs a
console error, has a button, table header or clipped box whose text is wider than the box, or
shows UI words of the other language. User content (titles, descriptions, names people typed)
is marked `data-uc` in the templates and is not checked for language; everything else is.

All findings are collected and reported together, so one run lists everything to fix.
"""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from matchmaking.models import (
    AdoptionCost,
    ContractRegistration,
    Evaluation,
    Fair,
    Match,
    MonthlyReport,
    OutcomeEvidence,
    ResearchResult,
    SolutionPlan,
    TechnologyNeed,
    TrainingSession,
    TrialMilestone,
)

pytestmark = pytest.mark.browser

PASSWORD = "nongqiao-demo"
WIDTHS = (360, 1280)

# Latin words that are names or units in either language, not untranslated UI.
LATIN_ALLOWED = {
    "nongqiao", "trl", "csv", "xlsx", "ics", "api", "gb", "cn", "pdf", "ok", "id", "url",
    "email", "e", "mail", "www", "http", "https", "qq", "wechat", "sms", "ip", "ai",
    "mb", "kb", "zl", "sr",  # file sizes; patent and software-copyright number prefixes
    "erp",  # in a category's Chinese name (电商ERP与财务对账)
}  # fmt: skip

CHECK_PAGE = (Path(__file__).parent / "sweep_check.js").read_text(encoding="utf-8")


def _two(queryset) -> list:
    return list(queryset.order_by("pk")[:2])


def _pages_of(role: str) -> list[str]:
    """At least two pages of each address shape this role reaches (one where only one exists)."""
    public_needs = _two(TechnologyNeed.objects.filter(status="published"))
    public_results = _two(ResearchResult.objects.filter(status="published"))
    fair = Fair.objects.get()
    institutions = _two(Organisation.objects.filter(kind=OrganisationKind.INSTITUTION))
    pages = [
        "/",
        "/?q=猕猴桃",
        "/needs/",
        "/needs/?q=冷库&sort=",
        *[f"/needs/{n.pk}/" for n in public_needs],
        "/results/",
        "/results/?q=保鲜",
        "/fairs/",
        f"/fairs/{fair.pk}/",
        "/stats/public/",
        *[f"/accounts/organisations/{o.pk}/" for o in institutions],
    ]
    if role == "anonymous":
        return pages + [
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/accounts/password/reset/done/",
        ]
    user = User.objects.get(username=role)
    pages += [
        *[f"/results/{r.pk}/" for r in public_results],
        "/notifications/",
        "/notifications/settings/",
        "/accounts/profile/",
        "/accounts/password/change/",
        "/accounts/organisations/start/",
        "/accounts/organisations/new/",
        "/accounts/organisations/join/",
        f"/fairs/{fair.pk}/participants/",
        f"/fairs/{fair.pk}/requests/",
        "/my/needs/",
        "/my/results/",
    ]
    if role == "admin":
        stations = Organisation.objects.filter(kind=OrganisationKind.STATION)
        some_matches = _two(Match.objects.exclude(state="suggested"))
        return pages + [
            "/operations/",
            "/stats/",
            "/stats/?year=2026",
            f"/fairs/{fair.pk}/schedule/",
            f"/fairs/{fair.pk}/check-in/",
            f"/fairs/{fair.pk}/meetings/",
            f"/fairs/{fair.pk}/report/",
            *[f"/accounts/organisations/{o.pk}/edit/" for o in _two(stations)],
            *[f"/matches/{m.pk}/" for m in some_matches],
            *[f"/evaluations/{e.pk}/" for e in _two(Evaluation.objects)],
            *[f"/plans/{p.pk}/" for p in _two(SolutionPlan.objects)],
            *[f"/adoption-costs/{c.pk}/" for c in _two(AdoptionCost.objects)],
            *[f"/trainings/{t.pk}/" for t in _two(TrainingSession.objects)],
            *[f"/matches/{m.pk}/impact/" for m in _two(Match.objects.filter(state="adopted"))],
            *[f"/contracts/{c.pk}/" for c in _two(ContractRegistration.objects)],
            *[f"/needs/{n.pk}/edit/" for n in public_needs],
            *[f"/results/{r.pk}/edit/" for r in public_results],
            "/imports/",
            "/reports/",
            *[f"/reports/{r.pk}/" for r in _two(MonthlyReport.objects)],
        ]
    organisation = user.memberships.get().organisation
    if role == "enterprise":
        mine = TechnologyNeed.objects.filter(organisation=organisation)
        matches = Match.objects.filter(need__organisation=organisation)
        return pages + [
            "/needs/new/",
            *[f"/needs/{n.pk}/" for n in _two(mine)],
            *[f"/needs/{n.pk}/edit/" for n in _two(mine)],
            *[f"/matches/{m.pk}/" for m in _two(matches.order_by("-contact_status"))],
            *[f"/evaluations/{e.pk}/" for e in _two(Evaluation.objects.filter(match__in=matches))],
            *[f"/plans/{p.pk}/" for p in _two(SolutionPlan.objects.filter(match__in=matches))],
            *[
                f"/adoption-costs/{c.pk}/"
                for c in _two(AdoptionCost.objects.filter(match__in=matches))
            ],
            *[
                f"/trainings/{t.pk}/"
                for t in _two(TrainingSession.objects.filter(attendances__enterprise=organisation))
            ],
            *[f"/matches/{m.pk}/impact/" for m in _two(matches.filter(state="adopted"))],
            *[
                f"/contracts/{c.pk}/"
                for c in _two(ContractRegistration.objects.filter(match__in=matches))
            ],
            f"/accounts/organisations/{organisation.pk}/",
            f"/fairs/{fair.pk}/register/",
            f"/fairs/{fair.pk}/agenda/",
        ]
    if role == "researcher":
        mine = ResearchResult.objects.filter(organisation=organisation)
        matches = Match.objects.filter(result__organisation=organisation).exclude(contact_status="")
        return pages + [
            "/results/new/",
            *[f"/results/{r.pk}/" for r in _two(mine)],
            *[f"/results/{r.pk}/edit/" for r in _two(mine)],
            *[f"/matches/{m.pk}/" for m in _two(matches)],
            "/imports/",
            f"/accounts/organisations/{organisation.pk}/",
            f"/fairs/{fair.pk}/register/",
            f"/fairs/{fair.pk}/agenda/",
        ]
    # station
    covered = Match.objects.filter(
        need__organisation__region__code__in=organisation.covered_regions.values("code")
    )
    evaluations = Evaluation.objects.filter(station=organisation)
    impact_states = ("on_trial", "adopted")
    return pages + [
        "/station/",
        "/station/?state=evaluating",
        *[f"/matches/{m.pk}/" for m in _two(covered.exclude(state="suggested"))],
        *[f"/matches/{m.pk}/evaluation/" for m in _two(covered.filter(state="suggested"))],
        *[f"/evaluations/{e.pk}/" for e in _two(evaluations)],
        *[f"/matches/{e.match_id}/plan/" for e in _two(evaluations)],
        *[f"/plans/{p.pk}/" for p in _two(SolutionPlan.objects.filter(station=organisation))],
        *[f"/matches/{e.match_id}/adoption-cost/" for e in _two(evaluations)],
        *[f"/adoption-costs/{c.pk}/" for c in _two(AdoptionCost.objects.filter(match__in=covered))],
        *[f"/matches/{m.pk}/impact/" for m in _two(covered.filter(state__in=impact_states))],
        *[f"/matches/{m.pk}/trial/" for m in _two(covered.filter(state="solution_proposed"))],
        *[
            f"/milestones/{m.pk}/verify/"
            for m in _two(TrialMilestone.objects.filter(trial__match__in=covered, status="planned"))
        ],
        *[
            f"/evidence/{e.pk}/record/"
            for e in _two(OutcomeEvidence.objects.filter(match__in=covered, status="due"))
        ],
        *[f"/matches/{m.pk}/contract/" for m in _two(covered.filter(state="adopted"))],
        *[
            f"/contracts/{c.pk}/"
            for c in _two(ContractRegistration.objects.filter(match__in=covered))
        ],
        "/trainings/",
        "/trainings/new/",
        *[
            f"/trainings/{t.pk}/"
            for t in _two(TrainingSession.objects.filter(station=organisation))
        ],
        "/needs/new/",
        "/imports/",
        "/stats/",
        f"/fairs/{fair.pk}/check-in/",
        f"/fairs/{fair.pk}/meetings/",
        f"/fairs/{fair.pk}/report/",
        f"/accounts/organisations/{organisation.pk}/",
    ]


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def _sweep(browser, base_url: str, role: str, lang: str, pages: list[str]) -> list[str]:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": WIDTHS[0], "height": 740},
        locale="zh-CN" if lang == "zh" else "en-GB",
        extra_http_headers={"Accept-Language": "zh-CN" if lang == "zh" else "en"},
    )
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "django_language", "value": "zh-hans" if lang == "zh" else "en", "url": base_url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    if role != "anonymous":
        _log_in(page, role)
    findings = []
    for url in pages:
        errors.clear()
        page.set_viewport_size({"width": WIDTHS[0], "height": 740})
        response = page.goto(url)
        status = response.status if response else 0
        if status != 200:
            findings.append(f"{role} {lang} {url}: status {status}")
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 740 if width < 800 else 900})
            page.evaluate("() => new Promise(requestAnimationFrame)")
            problems = page.evaluate(CHECK_PAGE, {"lang": lang, "allowed": sorted(LATIN_ALLOWED)})
            if width != WIDTHS[0]:
                problems = [p for p in problems if "UI text" not in p and " placeholder" not in p]
            findings += [f"{role} {lang} {width} {url}: {p}" for p in problems]
        findings += [f"{role} {lang} {url}: console error: {e}" for e in errors]
    context.close()
    return findings


def test_every_page_of_every_role_at_360_and_1280_px_in_both_languages(
    browser, live_server, committed_db
):
    started = time.monotonic()
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from matchmaking.reports import services as reports

    for scope_key in ("national", "province:52"):  # the monthly reports (made by beat)
        reports.report_generate(scope_key=scope_key, period=date(2026, 11, 1))
    built = time.monotonic() - started
    findings, visited = [], 0
    for role in ("anonymous", "enterprise", "researcher", "station", "admin"):
        pages = list(dict.fromkeys(_pages_of(role)))
        visited += len(pages)
        for lang in ("zh", "en"):
            findings += _sweep(browser, live_server.url, role, lang, pages)
    took = time.monotonic() - started
    print(f"sweep: {visited} pages x 2 languages x 2 widths; world {built:.0f}s, all {took:.0f}s")
    assert not findings, f"{len(findings)} findings:\n" + "\n".join(findings)


def test_the_sweep_check_finds_what_it_should(browser, live_server, committed_db):
    """The checker itself: an overflowing page, a clipped button and a stray English word."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_content(
        '<body style="margin:0"><div style="width:500px">宽</div>'
        '<button style="width:40px;overflow:hidden;white-space:nowrap">发布新需求发布</button>'
        "<p>Submit</p><p data-uc>Kiwi Co-op</p></body>"
    )
    problems = page.evaluate(CHECK_PAGE, {"lang": "zh", "allowed": sorted(LATIN_ALLOWED)})
    context.close()
    assert [p.split(":")[0] for p in problems] == ["overflow", "clipped", "English UI text"]
    assert re.search(r'"Submit"', problems[2])
