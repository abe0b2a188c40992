"""The statistics' charts as geometry for SVG templates (matchmaking/partials/chart_*.html).

The page and the monthly report (and so its PDF) draw the same SVG from these. Lengths are in
SVG user units; the templates keep one unit at least one CSS pixel (`min-width` equal to the
view box), so a 12-unit label is never drawn smaller than 12 px.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from accounts.enums import RegionGroup
from accounts.models import Region
from matchmaking.stats.selectors import BASELINE_RATE, GROUPS

LABEL = 12  # the smallest text in a chart, in units (= px at the smallest drawing)
TILE = 34
GAP = 2
BASELINE = BASELINE_RATE


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def trend(by_year: list[dict]) -> dict:
    """The rate by year listed as a polyline on a 290 × 170 box, with the 15% baseline."""
    width, height, left, top_pad, bottom = 290, 170, 8, 22, 140
    points = [(r["year"], r["rate"] or 0) for r in by_year]
    top = max(0.2, max((rate for _y, rate in points), default=0) * 1.2)

    def y_of(rate: float) -> float:
        return round(bottom - (bottom - top_pad) * rate / top, 1)

    step = (width - 2 * left - 40) / max(1, len(points) - 1)
    coords = [(round(left + 20 + i * step, 1), y_of(rate)) for i, (_y, rate) in enumerate(points)]
    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x},{y}" for x, y in coords),
        "labels": [
            {"x": x, "y": y, "label_y": round(y - 6, 1), "year": year, "rate": _pct(rate)}
            for (x, y), (year, rate) in zip(coords, points, strict=True)
        ],
        "baseline_y": y_of(BASELINE),
        "axis_y": bottom,
        "year_y": bottom + 20,
        "font": LABEL,
    }


@cache
def _tiles() -> list[tuple[str, str, str, int, int]]:
    path = Path(__file__).with_name("data") / "province_tiles.tsv"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, zh, en, column, row = line.split("\t")
        rows.append((code, zh, en, int(column), int(row)))
    return rows


def province_map(by_province: list[dict], english: bool = False) -> dict:
    """A tile-grid map: one square per province, shaded by its rate (results adopted by its
    enterprises / results listed). Eastern and north-eastern provinces are not counted by the
    definition (adoption into central/western China), and are drawn hatched, not as zero."""

    provinces = {r.code[:2]: r for r in Region.objects.filter(level=1)}
    rates = {row["code"]: row for row in by_province}
    highest = max((row["rate"] or 0 for row in by_province), default=0) or 1
    tiles = []
    for code, zh, en, column, row in _tiles():
        region = provinces.get(code)
        name = region.display_name if region else code
        counted = bool(region) and region.group in (RegionGroup.CENTRAL, RegionGroup.WESTERN)
        figure = rates.get(code)
        rate = figure["rate"] if figure else (0.0 if counted else None)
        tiles.append(
            {
                "code": code,
                "name": name,
                "short": en if english else zh,
                "x": column * (TILE + GAP),
                "y": row * (TILE + GAP),
                "counted": counted,
                "rate": rate,
                "rate_text": _pct(rate) if counted else "",
                "adopted": figure["adopted"] if figure else 0,
                # 0.08–1: a province with none adopted stays visibly a tile.
                "shade": round(0.08 + 0.92 * (rate or 0) / highest, 3) if counted else 0,
            }
        )
    columns = 1 + max(t[3] for t in _tiles())
    rows = 1 + max(t[4] for t in _tiles())
    return {
        "tiles": tiles,
        "width": columns * (TILE + GAP),
        "height": rows * (TILE + GAP),
        "tile": TILE,
        "font": LABEL,
        "text_x": TILE // 2,
        "text_y": TILE // 2 + LABEL // 2 - 1,
    }


def flows(matrix: list[dict], labels: dict[str, str]) -> dict:
    """Origin region group (left) → destination region group (right), a band per pair whose
    width is proportional to the results adopted."""

    width, row_h, top = 290, 46, 24
    highest = max((c for r in matrix for c in r["cells"]), default=0) or 1
    # Each side's label carries its total: counts on the bands themselves would overlap.
    out = [sum(r["cells"]) for r in matrix]
    into = [sum(r["cells"][j] for r in matrix) for j in range(len(GROUPS))]
    nodes_left = [
        {"label": labels[g], "total": out[i], "y": top + i * row_h} for i, g in enumerate(GROUPS)
    ]
    nodes_right = [
        {"label": labels[g], "total": into[i], "y": top + i * row_h} for i, g in enumerate(GROUPS)
    ]
    links = []
    for i, row in enumerate(matrix):
        for j, count in enumerate(row["cells"]):
            if not count:
                continue
            y1, y2 = top + i * row_h, top + j * row_h
            links.append(
                {
                    "d": f"M 84 {y1} C 145 {y1}, 145 {y2}, 206 {y2}",
                    "width": round(2 + 16 * count / highest, 1),
                    "count": count,
                    "origin": labels[GROUPS[i]],
                    "destination": labels[GROUPS[j]],
                    "mid_y": round((y1 + y2) / 2, 1),
                }
            )
    return {
        "width": width,
        "height": top + len(GROUPS) * row_h - 10,
        "left": nodes_left,
        "right": nodes_right,
        "links": links,
        "font": LABEL,
        "head_y": 12,
    }
