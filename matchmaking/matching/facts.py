"""Column storage of structured fields, so a query's whole candidate pool is fitted at once.

This is the vectorised twin of the scalar fits in ``structured.py`` (which explanations use);
the arithmetic is written in the same order so both give bit-identical scores, and a unit test
checks that on random pairs. Categories, provinces and transfer modes are interned as small
integers; transfer modes become bits of an int64 (more than 62 distinct modes would share bits,
far beyond the handful the app uses).
"""

from __future__ import annotations

import numpy as np

from .structured import NATIONWIDE, FitConfig, NeedFacts, ResultFacts


class Codes:
    """Interning of category / region / mode strings, shared by both sides of an index."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def id(self, kind: str, value: str | None) -> int:
        if value is None:
            return -1
        return self._ids.setdefault(f"{kind}:{value}", len(self._ids))

    def modes(self, values: frozenset[str]) -> int:
        mask = 0
        for v in values:
            mask |= 1 << (self.id("m", v) % 62)
        return mask

    def known_regions(self, values: frozenset[str]) -> frozenset[int]:
        return frozenset(self.id("p", v) for v in values if v != NATIONWIDE)


class FactTable:
    """Per-slot structured fields of one side (needs or results) as numpy columns."""

    def __init__(self, codes: Codes, kind: str) -> None:
        self.codes = codes
        self.kind = kind  # "needs" or "results"
        self.cat = np.zeros(0, np.int64)
        self.parent = np.zeros(0, np.int64)  # parent category id, -1 none
        self.money = np.zeros(0, np.float64)  # budget_max (needs) / lowest price (results)
        self.trl = np.zeros(0, np.int64)  # min_trl (needs) / trl (results); -1 unknown
        self.modes = np.zeros(0, np.int64)
        self.prov = np.zeros(0, np.int64)  # needs: province id, -1 unknown
        self.nationwide = np.zeros(0, bool)  # results
        self.region_known = np.zeros(0, bool)  # results
        self.regions: list[frozenset[int]] = []  # results: served province ids

    def row(self, f: NeedFacts | ResultFacts) -> tuple:
        c = self.codes
        if isinstance(f, NeedFacts):
            return (
                c.id("c", f.category),
                np.nan if f.budget_max is None else f.budget_max,
                -1 if f.min_trl is None else f.min_trl,
                c.modes(f.modes),
                c.id("p", f.province) if f.province not in (None, NATIONWIDE) else -1,
                f.province == NATIONWIDE,
                f.province is not None,
                frozenset(),
                c.id("c", f.parent),
            )
        return (
            c.id("c", f.category),
            np.nan if f.price is None else f.price,
            -1 if f.trl is None else f.trl,
            c.modes(f.modes),
            -1,
            NATIONWIDE in f.regions,
            bool(f.regions),
            c.known_regions(f.regions),
            c.id("c", f.parent),
        )

    def extend(self, facts: list[NeedFacts | ResultFacts]) -> None:
        if not facts:
            return
        rows = [self.row(f) for f in facts]
        cols = list(zip(*rows, strict=True))
        self.cat = np.concatenate((self.cat, np.asarray(cols[0], np.int64)))
        self.money = np.concatenate((self.money, np.asarray(cols[1], np.float64)))
        self.trl = np.concatenate((self.trl, np.asarray(cols[2], np.int64)))
        self.modes = np.concatenate((self.modes, np.asarray(cols[3], np.int64)))
        self.prov = np.concatenate((self.prov, np.asarray(cols[4], np.int64)))
        self.nationwide = np.concatenate((self.nationwide, np.asarray(cols[5], bool)))
        self.region_known = np.concatenate((self.region_known, np.asarray(cols[6], bool)))
        self.regions.extend(cols[7])
        self.parent = np.concatenate((self.parent, np.asarray(cols[8], np.int64)))

    def take(self, keep: np.ndarray) -> None:
        """Keep only rows ``keep`` (after a compaction)."""
        for name in (
            "cat",
            "parent",
            "money",
            "trl",
            "modes",
            "prov",
            "nationwide",
            "region_known",
        ):
            setattr(self, name, getattr(self, name)[keep])
        self.regions = [self.regions[i] for i in keep.tolist()]


def _fit(known: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.where(known, score, 0.5), known


def score_pairs(
    query: NeedFacts | ResultFacts,
    table: FactTable,
    slots: np.ndarray,
    config: FitConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """(structured scores, passes hard filters) of ``query`` against ``table`` rows ``slots``.

    Same rules, same float operations as ``structured.quick_score``.
    """
    q = table.row(query)
    q_cat, q_money, q_trl, q_modes, q_prov, q_nation, q_rknown, q_regions, q_parent = q
    cat = table.cat[slots]
    parent = table.parent[slots]
    money = table.money[slots]
    trl = table.trl[slots]
    modes = table.modes[slots]
    with np.errstate(divide="ignore", invalid="ignore"):
        # category
        k = (cat >= 0) & (q_cat >= 0)
        # same category, or the same parent category (or one the other's parent)
        related = (
            (cat == q_cat)
            | ((parent >= 0) & ((parent == q_parent) | (parent == q_cat)))
            | ((q_parent >= 0) & (q_parent == cat))
        )
        fc = _fit(k, related.astype(np.float64))
        # region, from the need's province and the result's served set
        if isinstance(query, NeedFacts):
            r_known = table.region_known[slots]
            nation = table.nationwide[slots]
            if q_prov >= 0:
                served = np.fromiter(
                    (q_prov in table.regions[s] for s in slots.tolist()), bool, len(slots)
                )
            else:
                served = np.zeros(len(slots), bool)
            known = r_known & (nation | (q_prov >= 0) | q_nation)
            # a need whose province is "*" is served only by nationwide results
            val = np.where(nation, 1.0, np.where(served, 1.0, 0.0))
            fr = _fit(known, val)
        else:
            prov = table.prov[slots]
            p_known = table.region_known[slots]
            if not q_rknown:
                known = np.zeros(len(slots), bool)
                val = np.zeros(len(slots))
            elif q_nation:
                known = np.ones(len(slots), bool)
                val = np.ones(len(slots))
            else:
                known = p_known
                val = np.isin(prov, list(q_regions)).astype(np.float64)
            fr = _fit(known, val)
        if isinstance(query, NeedFacts):
            budget, price = np.full(len(slots), q_money), money
            need_trl, res_trl = np.full(len(slots), q_trl), trl
            need_modes, res_modes = np.full(len(slots), q_modes), modes
        else:
            budget, price = money, np.full(len(slots), q_money)
            need_trl, res_trl = trl, np.full(len(slots), q_trl)
            need_modes, res_modes = modes, np.full(len(slots), q_modes)
        # A requirement the need does not state holds (score 1, known): structured.py.
        # price vs budget
        no_budget = np.isnan(budget)
        k = no_budget | ~np.isnan(price)
        over = np.maximum(0.0, budget / price)
        fp = _fit(k, np.where(no_budget | (price <= budget), 1.0, over))
        # maturity
        no_min = need_trl < 0
        k = no_min | (res_trl >= 0)
        gap = need_trl - res_trl
        fm = _fit(k, np.where(no_min | (gap <= 0), 1.0, np.maximum(0.0, 1.0 - gap / 4.0)))
        # transfer modes
        any_mode = need_modes == 0
        k = any_mode | (res_modes != 0)
        ft = _fit(k, np.where(any_mode, 1.0, ((modes & q_modes) != 0).astype(np.float64)))

    w = (config.category, config.region, config.price, config.maturity, config.transfer)
    total = sum(w)
    if total <= 0:
        struct = np.ones(len(slots))
    else:
        struct = (w[0] * fc[0] + w[1] * fr[0] + w[2] * fp[0] + w[3] * fm[0] + w[4] * ft[0]) / total

    ok = np.ones(len(slots), bool)
    for enabled, (score, known) in (
        (config.require_category, fc),
        (config.require_region, fr),
        (config.require_min_trl, fm),
        (config.require_transfer_mode, ft),
    ):
        if enabled:
            ok &= np.where(known, score >= 1.0, not config.filter_unknown)
    if config.max_price_over_budget is not None:
        with np.errstate(invalid="ignore"):
            too_dear = price > budget * config.max_price_over_budget
        ok &= np.where(fp[1], ~too_dear, not config.filter_unknown)
    return struct, ok
