"""The monthly report for officials: per scope (national, a province, a station), the figures
of the month's year against the year before, each with one sentence saying what changed; as a
page and as a PDF (WeasyPrint) drawn from the same template and the same SVG charts.

Beat runs `monthly_reports_run` on the 1st of each month: one report per scope that someone
subscribes to, for the month just ended, emailed to that scope's subscribers with the PDF.
The figures are the statistics' own (`stats.FIGURES`) under the scope's filters and the year
of the month reported, stored as the API gives them, so the report and `/api/v1/stats/…` with
the same filters agree.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.utils.encoders import JSONEncoder

from accounts.enums import OrganisationKind, RegionGroup
from matchmaking.models import MonthlyReport, ReportScope, ReportSubscription
from matchmaking.stats import charts, tables
from matchmaking.stats import selectors as stats
from matchmaking.stats import summary as stats_summary

logger = logging.getLogger(__name__)

# What each scope's report holds, in order. A station's figures are those it sees itself.
SECTIONS = {
    ReportScope.NATIONAL: (
        "transfer-rate",
        "funnel",
        "adoption-costs",
        "station-activity",
        "fair-outcomes",
    ),
    ReportScope.PROVINCE: ("transfer-rate", "funnel", "adoption-costs", "station-activity"),
    ReportScope.STATION: ("funnel", "adoption-costs", "station-activity"),
}
REPORT_LANGUAGE = "zh-hans"


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here: Debian's pango (libpango-1.0-0, libpangoft2-1.0-0) is missing."""


def scope_of(scope_key: str) -> tuple[str, stats.Filters, str]:
    """(scope, the statistics filters, the scope's name) of "national", "province:51" or
    "station:<id>"; a key naming nothing raises ValueError."""
    from accounts.models import Organisation, Region

    if scope_key == ReportScope.NATIONAL:
        return ReportScope.NATIONAL, stats.Filters(), str(_("Nationwide"))
    kind, _sep, value = scope_key.partition(":")
    if kind == ReportScope.PROVINCE:
        region = Region.objects.filter(level=1, code=f"{value}0000").first()
        if region is None or len(value) != 2:
            raise ValueError(scope_key)
        return ReportScope.PROVINCE, stats.Filters(province=value), region.display_name
    if kind == ReportScope.STATION and value.isdigit():
        station = Organisation.objects.filter(pk=int(value), kind=OrganisationKind.STATION).first()
        if station is None:
            raise ValueError(scope_key)
        return ReportScope.STATION, stats.Filters(station=station.pk), station.name
    raise ValueError(scope_key)


def month_reported(today: date) -> date:
    """The month that closed before `today`: its first day."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _as_api(value):
    """A value as it comes out of the API's JSON (dates as ISO text, Decimals as numbers)."""
    return json.loads(json.dumps(value, cls=JSONEncoder))


def report_generate(*, scope_key: str, period: date) -> MonthlyReport:
    """The report of `scope_key` for the month starting `period`; made once (running it twice
    gives the report already made). Its words are made in each language of the site, so that
    every reader (and the email) gets it in their own."""
    existing = MonthlyReport.objects.filter(scope_key=scope_key, period=period).first()
    if existing:
        return existing
    figures, report_charts, names = {}, {}, {}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            scope, in_language, names[language] = _figures(scope_key, period)
            figures[language], report_charts[language] = in_language
    report, _created = MonthlyReport.objects.get_or_create(
        scope_key=scope_key,
        period=period,
        defaults={
            "scope": scope,
            "scope_name": names[REPORT_LANGUAGE],
            "scope_name_en": names.get("en", ""),
            "figures": figures,
            "charts": _as_api(report_charts),
        },
    )
    return report


def _figures(scope_key: str, period: date) -> tuple[str, tuple[dict, dict], str]:
    """The report's figures and charts in the active language."""
    scope, filters, name = scope_of(scope_key)
    year = period.year
    in_year = replace(filters, year_from=year, year_to=year)
    figures = {}
    for figure in SECTIONS[scope]:
        data = stats.FIGURES[figure](in_year)
        header, rows = tables.table(figure, data)
        headline = stats_summary.headline(figure, data, in_year, year=year)
        figures[figure] = {
            "header": [str(h) for h in header],
            "rows": _as_api(tables.api_rows(rows)),
            "headline": _as_api(headline),
            "sentence": stats_summary.sentence(headline, name),
        }
    report_charts = {}
    if "transfer-rate" in figures:
        # The trend over every year, not only the one reported.
        everything = stats.FIGURES["transfer-rate"](filters)
        report_charts["trend"] = charts.trend(everything["by_year"])
    if scope == ReportScope.NATIONAL:
        english = (translation.get_language() or "").startswith("en")
        report_charts["map"] = charts.province_map(
            stats.FIGURES["transfer-by-province"](in_year), english=english
        )
        report_charts["flows"] = charts.flows(
            stats.FIGURES["region-matrix"](in_year),
            {k: str(v) for k, v in RegionGroup.choices},
        )
    return scope, (figures, report_charts), name


def _in(language: str | None, by_language: dict) -> dict:
    """The part of a report in `language` (the site's default when it has none)."""
    key = "en" if (language or "").startswith("en") else REPORT_LANGUAGE
    return by_language.get(key) or by_language.get(REPORT_LANGUAGE) or {}


def report_context(report: MonthlyReport, language: str | None = None) -> dict:
    language = language or translation.get_language()
    figures = _in(language, report.figures)
    # In the order of SECTIONS: PostgreSQL's jsonb keeps an object's keys in an order of its own.
    sections = [
        {"name": name, "title": TITLES[name](), **figures[name]}
        for name in SECTIONS[report.scope]
        if name in figures
    ]
    return {"report": report, "sections": sections, "charts": _in(language, report.charts)}


TITLES = {
    "transfer-rate": lambda: _("Transfer rate"),
    "funnel": lambda: _("Match funnel"),
    "adoption-costs": lambda: _("Adoption cost"),
    "station-activity": lambda: _("Station activity"),
    "fair-outcomes": lambda: _("Fair outcomes"),
}


def report_pdf(report: MonthlyReport, language: str = REPORT_LANGUAGE) -> bytes:
    """The report as a PDF: the same template as its page, with the print styles."""
    try:
        from weasyprint import HTML
    except OSError as error:  # the Python package is there, pango is not
        raise PdfUnavailable(str(error)) from error
    with translation.override(language):
        html = render_to_string("matchmaking/report_pdf.html", report_context(report, language))
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()


def report_pdf_cached(report: MonthlyReport, language: str | None = None) -> bytes:
    """The PDF, made once a week at most per language: a report does not change, and subsetting
    the CJK font makes one PDF take seconds (20 s measured on the shared 2-core machine under
    load)."""
    from django.core.cache import cache

    language = "en" if (language or "").startswith("en") else REPORT_LANGUAGE
    key = f"report-pdf:{report.pk}:{language}"
    try:
        pdf = cache.get(key)
    except Exception:  # a cache outage only costs the time to make it again
        pdf = None
    if pdf is None:
        pdf = report_pdf(report, language)
        try:
            cache.set(key, pdf, 7 * 24 * 3600)
        except Exception:
            logger.warning("monthly report %s: PDF not cached", report.pk)
    return pdf


def subscribers(scope_key: str):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(report_subscriptions__scope_key=scope_key, is_active=True)
        .exclude(email="")
    )


def report_send(*, report: MonthlyReport) -> int:
    """Email the report with its PDF to the scope's subscribers, once (a second run sends
    nothing). Returns how many were sent."""
    with transaction.atomic():
        claimed = MonthlyReport.objects.filter(pk=report.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    if not claimed:
        return 0
    link = settings.SITE_URL + reverse("report-detail", kwargs={"pk": report.pk})
    pdfs: dict[str, bytes | None] = {}
    sent = 0
    for user in subscribers(report.scope_key):
        language = "en" if (getattr(user, "language", "") or "").startswith("en") else "zh-hans"
        if language not in pdfs:
            try:
                pdfs[language] = report_pdf_cached(report, language)
            except PdfUnavailable:
                logger.warning("monthly report %s sent without its PDF: no pango", report.pk)
                pdfs[language] = None
        with translation.override(language):
            context = report_context(report, language)
            subject = _("Nongqiao monthly report: %(scope)s, %(month)s") % {
                "scope": report.display_scope_name,
                "month": f"{report.period:%Y-%m}",
            }
            lines = [section["sentence"] for section in context["sections"]]
            body = "\n".join([*lines, "", link, ""])
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        if pdfs[language]:
            scope = report.scope_key.replace(":", "-")
            message.attach(
                f"nongqiao-{scope}-{report.period:%Y-%m}.pdf", pdfs[language], "application/pdf"
            )
        message.send()
        sent += 1
    return sent


def monthly_reports_run(today: date | None = None) -> int:
    """Beat, on the 1st: the reports of the month just ended, one per subscribed scope."""
    period = month_reported(today or timezone.localdate())
    keys = sorted(set(ReportSubscription.objects.values_list("scope_key", flat=True)))
    sent = 0
    for key in keys:
        try:
            report = report_generate(scope_key=key, period=period)
        except ValueError:  # a station or province that no longer exists
            logger.warning("monthly report: unknown scope %s", key)
            continue
        sent += report_send(report=report)
    return sent


def scope_choices() -> list[tuple[str, str]]:
    """Every scope a report can be made for, national first."""
    from accounts.models import Organisation, Region

    choices = [(ReportScope.NATIONAL.value, str(_("Nationwide")))]
    choices += [
        (f"province:{r.code[:2]}", r.display_name)
        for r in Region.objects.filter(level=1).order_by("code")
    ]
    choices += [
        (f"station:{o.pk}", o.name)
        for o in Organisation.objects.filter(kind=OrganisationKind.STATION).order_by("name")
    ]
    return choices


def subscription_add(*, user, scope_key: str) -> ReportSubscription:
    scope_of(scope_key)  # ValueError for a scope that names nothing
    subscription, _created = ReportSubscription.objects.get_or_create(
        user=user, scope_key=scope_key
    )
    return subscription
