"""Each figure's headline: its number, its change against the year before and, for the
transfer rate, the paper's 15% baseline; and the same as one sentence for the monthly report.

"The year before" compares whole calendar years by the figures' own year filters (results by
the year listed, matches by the year made, costs by the match's year): the figure for year Y
against the figure for Y − 1, under the same other filters.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from matchmaking.stats import selectors as stats
from matchmaking.stats import tables

BASELINE = stats.BASELINE_RATE


def _adopted(data) -> int:
    return data[-1]["reached"] if data else 0


# figure → (what it counts, how to read the number out of the figure, kind of number)
KEY = {
    "transfer-rate": (lambda: _("Transfer rate"), lambda d: d["rate"], "share"),
    "funnel": (lambda: _("Matches adopted"), _adopted, "count"),
    "adoption-costs": (lambda: _("Total saving"), lambda d: d["saving"] or 0, "money"),
    "station-activity": (
        lambda: _("Evaluations"),
        lambda d: sum(r["evaluations"] for r in d),
        "count",
    ),
    "fair-outcomes": (lambda: _("Meetings held"), lambda d: sum(r["held"] for r in d), "count"),
    "platform-activity": (
        lambda: _("Needs published"),
        lambda d: d["needs"]["published"],
        "count",
    ),
}


def number(value) -> str:
    """52750 → 52,750; 52750.5 → 52,750.5 (no trailing .00)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, tables.Percent):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


def yuan(value) -> str:
    """An amount in CNY: 52,750 元 in Chinese, ¥52,750 in English."""
    if value is None or value == "":
        return "—"
    amount = f"{round(Decimal(str(value))):,}"
    return f"¥{amount}" if (get_language() or "").startswith("en") else f"{amount} 元"


def fmt(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "money":
        return yuan(value)
    return number(value)


def _delta(change, kind: str) -> str:
    if kind == "share":
        return _("%(n)s percentage points") % {"n": f"{100 * abs(change):.1f}"}
    return fmt(abs(change), kind)


def _change(this, previous, kind: str, year: int) -> dict:
    if this is None or previous is None:
        return {"text": _("%(year)s: no figure to compare.") % {"year": year}, "direction": ""}
    change = this - previous
    values = {
        "year": year,
        "previous": year - 1,
        "value": fmt(this, kind),
        "delta": _delta(change, kind),
    }
    tiny = 0.0005 if kind == "share" else 0
    if change > tiny:
        return {
            "text": _("%(year)s: %(value)s, up %(delta)s on %(previous)s") % values,
            "direction": "up",
        }
    if change < -tiny:
        return {
            "text": _("%(year)s: %(value)s, down %(delta)s on %(previous)s") % values,
            "direction": "down",
        }
    return {
        "text": _("%(year)s: %(value)s, the same as %(previous)s") % values,
        "direction": "same",
    }


def _year_of(filters: stats.Filters, today: date | None = None) -> int:
    return filters.year_to or (today or date.today()).year


def headline(name: str, data, filters: stats.Filters, year: int | None = None) -> dict:
    """The figure's number under the filters, then the year's against the year before."""
    what, read, kind = KEY[name]
    if not year and name == "transfer-rate" and data["by_year"] and not filters.year_to:
        year = data["by_year"][-1]["year"]  # the latest year with results listed
    year = year or _year_of(filters)
    this = read(stats.cached(name, replace(filters, year_from=year, year_to=year))[0])
    previous = read(stats.cached(name, replace(filters, year_from=year - 1, year_to=year - 1))[0])
    result = {
        "what": what(),
        "value": fmt(read(data), kind),
        "this": this,
        "previous": previous,
        "kind": kind,
        "year": year,
        "change": _change(this, previous, kind, year),
        "baseline": "",
    }
    if name == "transfer-rate":
        eastern = data["eastern_rate"]
        if eastern is not None:
            values = {
                "rate": fmt(eastern, "share"),
                "delta": _delta(eastern - BASELINE, "share"),
            }
            if eastern >= BASELINE:
                text = _("From eastern institutions: %(rate)s, %(delta)s above the 15%% baseline")
            else:
                text = _("From eastern institutions: %(rate)s, %(delta)s below the 15%% baseline")
            result["baseline"] = text % values
    return result


def sentence(headline: dict, scope: str) -> str:
    """One sentence saying what changed: 四川的转化率比 2025 年上升 2.1 个百分点。"""
    values = {
        "scope": scope,
        "what": headline["what"],
        "year": headline["year"],
        "previous": headline["year"] - 1,
        "value": fmt(headline["this"], headline["kind"]),
    }
    this, previous = headline["this"], headline["previous"]
    if this is None or previous is None:
        return (
            _(
                "%(scope)s: %(what)s in %(year)s is %(value)s; "
                "there is no figure for %(previous)s to compare."
            )
            % values
        )
    values["delta"] = _delta(this - previous, headline["kind"])
    direction = headline["change"]["direction"]
    if direction == "up":
        return (
            _("%(scope)s: %(what)s in %(year)s is %(value)s, up %(delta)s on %(previous)s.")
            % values
        )
    if direction == "down":
        return (
            _("%(scope)s: %(what)s in %(year)s is %(value)s, down %(delta)s on %(previous)s.")
            % values
        )
    return _("%(scope)s: %(what)s in %(year)s is %(value)s, the same as in %(previous)s.") % values
