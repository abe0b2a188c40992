"""How good the matcher is by the site's own history (issue 17): what enterprises did with the
results they were shown is the judgement.

* A result is *relevant* to a need when its match was ever shortlisted (or went further:
  contacted, evaluated, adopted), whatever happened after.
* A need is *judged* when at least one of its matches is relevant.
* The rank of a result for a need is its place among all of the need's matches by score
  (declined ones included: they were shown too), 1 = best.
* **MRR**: the mean over judged needs of 1 / the rank of the best relevant result.
  **Recall@10**: the mean over judged needs of the share of its relevant results ranked 1-10.
* **Declines by reason**: of the declined matches, the share of each reason (不相关 and
  技术不对口 included).
* **First-page precision by matcher**: of the matches ranked 1-10 for judged needs, the
  share that were relevant, grouped by the matcher that first proposed them (Match.matcher).

Months and provinces are those of the need (its month of publication, its province).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from accounts.models import Region
from matchmaking.enums import DeclineReason
from matchmaking.matches.states import MatchState
from matchmaking.models import Match

FIRST_PAGE = 10


@dataclass
class Row:
    month: str
    province: str
    needs: int = 0
    judged: int = 0
    mrr: float | None = None
    recall_at_10: float | None = None
    declines: dict[str, float] = field(default_factory=dict)
    declined: int = 0


@dataclass
class MatcherRow:
    matcher: str
    first_page: int
    relevant: int

    @property
    def precision(self) -> float | None:
        return self.relevant / self.first_page if self.first_page else None


@dataclass
class Report:
    rows: list[Row]
    matchers: list[MatcherRow]
    total: Row


def _province_names() -> dict[str, str]:
    return dict(Region.objects.filter(code__endswith="0000").values_list("code", "name"))


def match_quality_report() -> Report:
    """The report over every need with matches (one pass over their matches)."""
    rows = Match.objects.values_list(
        "need_id",
        "need__published_at",
        "need__created_at",
        "need__region_id",
        "score",
        "shortlisted_at",
        "state",
        "decline_reason",
        "matcher",
    ).order_by("need_id", "-score", "pk")
    by_need: dict[int, list] = defaultdict(list)
    for row in rows.iterator(chunk_size=5000):
        by_need[row[0]].append(row)
    provinces = _province_names()
    groups: dict[tuple[str, str], dict] = {}
    total = {"needs": 0, "rr": [], "recall": [], "declines": defaultdict(int)}
    matcher_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for matches in by_need.values():
        _, published, created, region, *_ = matches[0]
        when = published or created
        key = (f"{when:%Y-%m}", provinces.get(f"{(region or '')[:2]}0000", region or "—"))
        group = groups.setdefault(
            key, {"needs": 0, "rr": [], "recall": [], "declines": defaultdict(int)}
        )
        relevant = [
            rank
            for rank, m in enumerate(matches, 1)
            if m[5] is not None  # shortlisted_at: set when it reached the shortlist or beyond
        ]
        for target in (group, total):
            target["needs"] += 1
            for m in matches:
                if m[6] == MatchState.DECLINED:
                    target["declines"][m[7] or "unstated"] += 1
        if not relevant:
            continue
        for target in (group, total):
            target["rr"].append(1.0 / relevant[0])
            target["recall"].append(sum(r <= FIRST_PAGE for r in relevant) / len(relevant))
        for rank, m in enumerate(matches[:FIRST_PAGE], 1):
            counts = matcher_counts[m[8] or "(before matchers were recorded)"]
            counts[0] += 1
            counts[1] += rank in relevant
    return Report(
        rows=[_row(month, province, g) for (month, province), g in sorted(groups.items())],
        matchers=[MatcherRow(name, n, r) for name, (n, r) in sorted(matcher_counts.items())],
        total=_row("", "", total),
    )


def _row(month: str, province: str, g: dict) -> Row:
    declined = sum(g["declines"].values())
    labels = dict(DeclineReason.choices)
    return Row(
        month=month,
        province=province,
        needs=g["needs"],
        judged=len(g["rr"]),
        mrr=sum(g["rr"]) / len(g["rr"]) if g["rr"] else None,
        recall_at_10=sum(g["recall"]) / len(g["recall"]) if g["recall"] else None,
        declines={
            str(labels.get(reason, reason)): n / declined
            for reason, n in sorted(g["declines"].items(), key=lambda kv: (-kv[1], kv[0]))
        },
        declined=declined,
    )
