"""The documents the app passes in, and the structured fit between a need and a result.

Each fit returns a score in [0, 1] and a machine-readable reason code (the app turns codes into
words). A fit whose inputs are missing on either side is *unknown* and scores a neutral 0.5:
a result is neither punished nor rewarded for not stating, say, its price.

A requirement the need does not state is no requirement (issue 17): a need without a minimum
maturity is served by any maturity (``trl_not_required``), one without a budget by any price
(``price_no_budget``), one accepting no particular transfer mode by any (``transfer_mode_any``):
these fits hold (score 1.0) and say ``asked = False``, so the app shows them neither as a
negative nor as an unknown. Categories form a two-level tree (the app passes each listing's
parent category as ``parent_category``): the same category is ``category_match``, a sibling or
parent/child in the same parent category ``category_same_parent``, both a match (1.0).

Structured score = weighted mean of the five fits (weights in :class:`FitConfig`, default
category 0.30, region 0.25, price 0.20, maturity 0.15, transfer modes 0.10).
Final score = text_score * (1 - structured_weight + structured_weight * structured_score)
with structured_weight = 0.4: text similarity decides what is relevant at all (a result sharing
no words with the need never appears, however well it fits), structured fit re-orders within
that and can cut a score by at most 40%.

Hard filters (all off by default) drop a pair outright instead: see :class:`FitConfig`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields

from .colloquial import extract_budget

DocId = Hashable  # int primary keys or strings; must be JSON-serialisable for save()

#: Region value meaning "serves the whole country".
NATIONWIDE = "*"
_NATIONWIDE_ALIASES = frozenset({"*", "all", "全国", "cn", "china", "000000", "00", "nationwide"})


def normalize_region(code: str | int | None) -> str | None:
    """Canonical region key: GB/T 2260 codes reduce to the 2-digit province prefix.

    So a need located in "530100" (Kunming) is served by a result listing "53" or "530000"
    (Yunnan). Non-numeric values (names such as 云南) are compared case-folded as given.
    """
    if code is None:
        return None
    s = str(code).strip().casefold()
    if not s:
        return None
    if s in _NATIONWIDE_ALIASES:
        return NATIONWIDE
    if s.isdigit() and len(s) >= 2:
        return s[:2]
    return s


def _norm_set(values: Iterable[str] | None) -> frozenset[str]:
    return frozenset(str(v).strip().casefold() for v in (values or ()) if str(v).strip())


@dataclass
class NeedDoc:
    """An enterprise's technology need.

    ``province``: where the enterprise is (GB/T 2260 code such as "53" / "530100", or a name).
    ``budget_min`` / ``budget_max``: CNY, None = not stated.
    ``min_trl``: lowest acceptable technology readiness level (1-9), None = any.
    ``transfer_modes``: modes the enterprise accepts, free codes compared case-insensitively;
    suggested: assignment (转让), license (许可), cooperation (合作开发), equity (作价入股),
    service (技术服务).
    """

    id: DocId
    title: str = ""
    text: str = ""
    keywords: Sequence[str] = ()
    category: str | None = None
    province: str | None = None
    parent_category: str | None = None  # parent of ``category`` in the app's taxonomy
    budget_min: float | None = None
    budget_max: float | None = None
    min_trl: int | None = None
    transfer_modes: frozenset[str] = field(default_factory=frozenset)

    kind = "need"

    def __post_init__(self) -> None:
        # accept lists/sets from the app; store hashable, order-stable forms
        self.keywords = tuple(self.keywords or ())
        self.transfer_modes = frozenset(self.transfer_modes or ())

    def to_dict(self) -> dict:
        d = _shallow_dict(self)
        d["keywords"] = list(self.keywords)
        d["transfer_modes"] = sorted(self.transfer_modes)
        return d


@dataclass
class ResultDoc:
    """A research result offered for transfer.

    ``regions``: province codes/names it can serve; empty = not stated; "*" (or 全国) = all.
    ``price_min`` / ``price_max``: CNY, None = not stated (negotiable).
    ``trl``: technology readiness level 1-9. ``transfer_modes``: modes offered.
    """

    id: DocId
    title: str = ""
    text: str = ""
    keywords: Sequence[str] = ()
    category: str | None = None
    regions: frozenset[str] = field(default_factory=frozenset)
    parent_category: str | None = None
    price_min: float | None = None
    price_max: float | None = None
    trl: int | None = None
    transfer_modes: frozenset[str] = field(default_factory=frozenset)

    kind = "result"

    def __post_init__(self) -> None:
        self.keywords = tuple(self.keywords or ())
        self.regions = frozenset(self.regions or ())
        self.transfer_modes = frozenset(self.transfer_modes or ())

    def to_dict(self) -> dict:
        d = _shallow_dict(self)
        d["keywords"] = list(self.keywords)
        d["regions"] = sorted(self.regions)
        d["transfer_modes"] = sorted(self.transfer_modes)
        return d


def _shallow_dict(doc) -> dict:
    """A document's fields (all plain values, or collections the caller copies): what
    ``dataclasses.asdict`` gives without its deep copy, the bulk of a snapshot's saving time."""
    return {f.name: getattr(doc, f.name) for f in fields(doc)}


def need_from_dict(d: dict) -> NeedDoc:
    d = dict(d)
    d["keywords"] = tuple(d.get("keywords") or ())
    d["transfer_modes"] = frozenset(d.get("transfer_modes") or ())
    return NeedDoc(**d)


def result_from_dict(d: dict) -> ResultDoc:
    d = dict(d)
    d["keywords"] = tuple(d.get("keywords") or ())
    d["regions"] = frozenset(d.get("regions") or ())
    d["transfer_modes"] = frozenset(d.get("transfer_modes") or ())
    return ResultDoc(**d)


@dataclass(frozen=True)
class FitResult:
    """One structured fit: ``score`` in [0, 1], ``reason`` a stable code, ``known`` False when
    either side did not state the field (score is then the neutral 0.5), ``asked`` False when
    the need states no requirement here (the fit then holds: it is never a negative)."""

    score: float
    reason: str
    known: bool = True
    asked: bool = True

    def to_dict(self) -> dict:
        return {
            "score": round(self.score, 4),
            "reason": self.reason,
            "known": self.known,
            "asked": self.asked,
        }


UNKNOWN = 0.5


@dataclass(frozen=True)
class FitConfig:
    """Weights of the structured fits, their share of the final score, and hard filters."""

    category: float = 0.30
    region: float = 0.25
    price: float = 0.20
    maturity: float = 0.15
    transfer: float = 0.10
    structured_weight: float = 0.4  # final = text * (1 - sw + sw * structured)
    # Hard filters: a pair failing one is never returned. Unknown values never fail a filter
    # unless ``filter_unknown`` is set.
    require_region: bool = False  # result must serve the need's province
    require_category: bool = False
    require_min_trl: bool = False
    require_transfer_mode: bool = False
    max_price_over_budget: float | None = None  # e.g. 1.2: price_min may exceed budget by 20%
    filter_unknown: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class NeedFacts:
    """A need's structured fields, normalised once (the index caches these per document)."""

    category: str | None
    province: str | None
    budget_max: float | None
    min_trl: int | None
    modes: frozenset[str]
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class ResultFacts:
    category: str | None
    regions: frozenset[str]
    price: float | None  # the lowest price asked
    trl: int | None
    modes: frozenset[str]
    parent: str | None = None


def _norm_cat(c: str | None) -> str | None:
    c = (c or "").strip().casefold()
    return c or None


def need_budget_max(need: NeedDoc) -> float | None:
    """The need's budget_max; when neither budget field is set, the maximum stated in its text
    ("预算20万以内", "三五万": see colloquial.extract_budget), else None."""
    if need.budget_max is not None:
        return float(need.budget_max)
    if need.budget_min is not None:
        return None
    for text in (need.title, need.text):
        _lo, hi, _rest = extract_budget(text)
        if hi is not None:
            return hi
    return None


def need_facts(need: NeedDoc) -> NeedFacts:
    return NeedFacts(
        category=_norm_cat(need.category),
        province=normalize_region(need.province),
        budget_max=need_budget_max(need),
        min_trl=None if need.min_trl is None else int(need.min_trl),
        modes=_norm_set(need.transfer_modes),
        parent=_norm_cat(need.parent_category),
    )


def result_facts(result: ResultDoc) -> ResultFacts:
    price = result.price_min if result.price_min is not None else result.price_max
    return ResultFacts(
        category=_norm_cat(result.category),
        regions=frozenset(r for r in map(normalize_region, result.regions) if r is not None),
        price=None if price is None else float(price),
        trl=None if result.trl is None else int(result.trl),
        modes=_norm_set(result.transfer_modes),
        parent=_norm_cat(result.parent_category),
    )


# Each fit: (score, reason code, known). Plain tuples: this runs for every candidate pair.
Fit = tuple[float, str, bool]

#: Reason codes of fits the need did not ask for (``FitResult.asked`` is False).
NOT_ASKED = frozenset({"trl_not_required", "price_no_budget", "transfer_mode_any"})


def same_parent(n: NeedFacts, r: ResultFacts) -> bool:
    """The two categories share a parent, or one is the other's parent."""
    return (n.parent is not None and n.parent in (r.parent, r.category)) or (
        r.parent is not None and r.parent == n.category
    )


def fit_category(n: NeedFacts, r: ResultFacts) -> Fit:
    if n.category is None or r.category is None:
        return UNKNOWN, "category_unknown", False
    if n.category == r.category:
        return 1.0, "category_match", True
    if same_parent(n, r):
        return 1.0, "category_same_parent", True
    return 0.0, "category_mismatch", True


def fit_region(n: NeedFacts, r: ResultFacts) -> Fit:
    if not r.regions:
        return UNKNOWN, "region_unknown", False
    if NATIONWIDE in r.regions:
        return 1.0, "region_nationwide", True
    if n.province is None:
        return UNKNOWN, "region_unknown", False
    if n.province in r.regions:
        return 1.0, "region_served", True
    return 0.0, "region_not_served", True


def fit_price(n: NeedFacts, r: ResultFacts) -> Fit:
    if n.budget_max is None:
        return 1.0, "price_no_budget", True
    if r.price is None:
        return UNKNOWN, "price_unknown", False
    if r.price <= n.budget_max:
        return 1.0, "price_within_budget", True
    if r.price <= 0:  # only reachable with a negative budget
        return 0.0, "price_over_budget", True
    # Over budget: the score falls with the ratio, so 10% over is a near miss, 3x is not.
    return max(0.0, n.budget_max / r.price), "price_over_budget", True


def fit_maturity(n: NeedFacts, r: ResultFacts) -> Fit:
    if n.min_trl is None:
        return 1.0, "trl_not_required", True
    if r.trl is None:
        return UNKNOWN, "trl_unknown", False
    gap = n.min_trl - r.trl
    if gap <= 0:
        return 1.0, "trl_ok", True
    # Each missing readiness level costs a quarter: 4 levels short is as bad as it gets.
    return max(0.0, 1.0 - gap / 4.0), "trl_below_min", True


def fit_transfer(n: NeedFacts, r: ResultFacts) -> Fit:
    if not n.modes:
        return 1.0, "transfer_mode_any", True
    if not r.modes:
        return UNKNOWN, "transfer_mode_unknown", False
    if n.modes & r.modes:
        return 1.0, "transfer_mode_match", True
    return 0.0, "transfer_mode_mismatch", True


FIT_FUNCTIONS = {
    "category": fit_category,
    "region": fit_region,
    "price": fit_price,
    "maturity": fit_maturity,
    "transfer": fit_transfer,
}


def structured_fits(need: NeedDoc, result: ResultDoc) -> dict[str, FitResult]:
    """All five fits of a pair, as readable :class:`FitResult` objects."""
    return fits_of_facts(need_facts(need), result_facts(result))


def fits_of_facts(nf: NeedFacts, rf: ResultFacts) -> dict[str, FitResult]:
    """``structured_fits`` from facts already worked out (a need's facts read its whole text
    for a budget stated in words: once per need, not once per pair)."""
    out = {}
    for name, fn in FIT_FUNCTIONS.items():
        score, reason, known = fn(nf, rf)
        out[name] = FitResult(score, reason, known, reason not in NOT_ASKED)
    return out


def structured_score(fits: dict[str, FitResult], config: FitConfig) -> float:
    weights = _fit_weights(config)
    total = sum(weights)
    if total <= 0:
        return 1.0
    return sum(w * fits[n].score for w, n in zip(weights, FIT_FUNCTIONS, strict=True)) / total


def _fit_weights(config: FitConfig) -> tuple[float, float, float, float, float]:
    return config.category, config.region, config.price, config.maturity, config.transfer


def combine(text_score: float, struct_score: float, config: FitConfig) -> float:
    sw = config.structured_weight
    return text_score * (1.0 - sw + sw * struct_score)


def _fails(fit: Fit, enabled: bool, config: FitConfig) -> bool:
    if not enabled:
        return False
    if not fit[2]:
        return config.filter_unknown
    return fit[0] < 1.0


def quick_score(n: NeedFacts, r: ResultFacts, config: FitConfig) -> float | None:
    """Structured score of a pair, or None when a hard filter rejects it (hot path)."""
    fc, fr, fp, fm, ft = (
        fit_category(n, r),
        fit_region(n, r),
        fit_price(n, r),
        fit_maturity(n, r),
        fit_transfer(n, r),
    )
    if (
        _fails(fc, config.require_category, config)
        or _fails(fr, config.require_region, config)
        or _fails(fm, config.require_min_trl, config)
        or _fails(ft, config.require_transfer_mode, config)
    ):
        return None
    if config.max_price_over_budget is not None:
        if not fp[2]:
            if config.filter_unknown:
                return None
        elif n.budget_max is not None and r.price > n.budget_max * config.max_price_over_budget:
            return None
    weights = _fit_weights(config)
    total = sum(weights)
    if total <= 0:
        return 1.0
    return (
        weights[0] * fc[0]
        + weights[1] * fr[0]
        + weights[2] * fp[0]
        + weights[3] * fm[0]
        + weights[4] * ft[0]
    ) / total


def passes_filters(need: NeedDoc, result: ResultDoc, config: FitConfig) -> bool:
    """True if the pair survives every enabled hard filter."""
    return quick_score(need_facts(need), result_facts(result), config) is not None


def has_filters(config: FitConfig) -> bool:
    return (
        config.require_region
        or config.require_category
        or config.require_min_trl
        or config.require_transfer_mode
        or config.max_price_over_budget is not None
    )
