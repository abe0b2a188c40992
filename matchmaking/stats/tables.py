"""The figures as tables: the header and rows each figure is shown, downloaded (CSV, XLSX) and
served (the API) as, with shares as Percent and years as Year so that each output formats them
its own way. The figures themselves are computed in stats/selectors.py."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.enums import RegionGroup
from matchmaking.impact import selectors as stats_outcomes
from matchmaking.matches import states as matches_states
from matchmaking.matches.states import MatchState
from matchmaking.stats.selectors import GROUPS, percent_text


class Year(int):
    """A year in a table cell: a number for XLSX, never written 2,025."""


class Percent(float):
    """A share in a table cell: a number for XLSX (with a percent format), "25.0%" as text."""

    xlsx_format = "0.0%"  # read by core.downloads

    def __str__(self) -> str:
        return percent_text(float(self))


def api_rows(rows: list[list]) -> list[list]:
    """A table's rows as the API gives them: shares as their text ("25.0%")."""
    return [[str(c) if isinstance(c, Percent) else c for c in row] for row in rows]


def _percent(value) -> Percent | str:
    return "" if value is None else Percent(value)


def table(name: str, data) -> tuple[list[str], list[list]]:
    """A figure as a header and rows, the same for the page, CSV and XLSX."""

    if name in stats_outcomes.FIGURES:
        return stats_outcomes.table(name, data)
    if name == "transfer-rate":
        rows = [
            [
                Year(r["year"]),
                r["listed"],
                r["adopted"],
                _percent(r["rate"]),
                r["adopted_that_year"],
                _percent(r["rate_by_year_adopted"]),
            ]
            for r in data["by_year"]
        ]
        rows.append([_("All"), data["listed"], data["adopted"], _percent(data["rate"]), "", ""])
        rows.append(
            [
                _("From eastern institutions"),
                data["eastern_listed"],
                data["eastern_adopted"],
                _percent(data["eastern_rate"]),
                "",
                "",
            ]
        )
        return [
            _("Year listed"),
            _("Listed"),
            _("Adopted (central/western)"),
            _("Rate by year listed"),
            _("First adopted that year"),
            _("Rate by year adopted"),
        ], rows
    if name.startswith("transfer-by-"):
        return [_("Name"), _("Listed"), _("Adopted"), _("Rate")], [
            [r["name"], r["listed"], r["adopted"], _percent(r["rate"])] for r in data
        ]
    if name == "region-matrix":
        labels = dict(RegionGroup.choices)
        return [_("Institution ↓ / enterprise →"), *[str(labels[g]) for g in GROUPS]], [
            [str(labels[r["origin"]]), *r["cells"]] for r in data
        ]
    if name == "funnel":
        return [
            _("Stage"),
            _("Matches reaching it"),
            _("Conversion from the stage before"),
            _("Median days from the stage before"),
        ], [
            [
                r["label"],
                r["reached"],
                _percent(r["conversion"]),
                "" if r["median_days"] is None else r["median_days"],
            ]
            for r in data
        ]
    if name.startswith("funnel-by-"):
        return [
            _("Name"),
            *[str(MatchState(stage).label) for stage in matches_states.FORWARD],
            _("Adopted of suggested"),
        ], [[r["name"], *r["reached"], _percent(r["rate"])] for r in data]
    if name == "fair-outcomes":
        return [
            _("Fair"),
            _("First day"),
            _("Registered"),
            _("Checked in"),
            _("Meeting requests"),
            _("Accepted"),
            _("Meetings scheduled"),
            _("Held"),
            _("No-shows"),
            _("Follow-ups wanted"),
        ], [
            [
                r["fair"],
                r["first_day"].isoformat(),
                r["registrations"],
                r["checked_in"],
                r["requests"],
                r["accepted"],
                r["scheduled"],
                r["held"],
                r["no_shows"],
                r["follow_ups"],
            ]
            for r in data
        ]
    if name == "adoption-costs":
        rows = [[_("All"), data["n"], data["saving"] or 0, data["subsidies"] or 0]]
        rows += [
            [f"{_('Category')}: {r['name']}", r["n"], r["saving"], r["subsidies"]]
            for r in data["by_category"]
        ]
        rows += [
            [f"{_('Station')}: {r['name']}", r["n"], r["saving"], r["subsidies"]]
            for r in data["by_station"]
        ]
        return [
            _("Group"),
            _("Adoptions"),
            _("Total saving (CNY)"),
            _("Subsidies paid (CNY)"),
        ], rows
    if name == "station-activity":
        return [
            _("Station"),
            _("Month"),
            _("Evaluations"),
            _("Plans"),
            _("Trainings"),
            _("People trained"),
            _("Staff hours"),
        ], [
            [
                r["station"],
                r["month"].strftime("%Y-%m"),
                r["evaluations"],
                r["plans"],
                r["trainings"],
                r["people"],
                r["hours"],
            ]
            for r in data
        ]
    if name == "platform-activity":
        # Counts, not dates: "Published" alone reads as 发布时间 in Chinese.
        return [
            _("What"),
            pgettext("statistics count", "Posted"),
            pgettext("statistics count", "Published"),
            pgettext("statistics count", "Closed"),
        ], [
            [
                _("Technology needs"),
                data["needs"]["posted"],
                data["needs"]["published"],
                data["needs"]["closed"],
            ],
            [
                _("Research results"),
                data["results"]["posted"],
                data["results"]["published"],
                data["results"]["closed"],
            ],
        ]
    raise KeyError(name)
