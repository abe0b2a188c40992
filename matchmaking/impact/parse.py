"""Read a baseline figure out of a need's own words (issue #21): "损耗约20%", "保鲜3天",
"每单物流成本8元". A pure function, no Django: what it finds is only a suggestion that the
enterprise confirms on the form, so it prefers saying nothing to guessing. "放不了几天" holds no
number and gives nothing.

Units are the short list of MetricUnit (matchmaking.enums): percent, days, yuan, yuan per unit,
kg, orders per day. Weights in 斤 and 吨 are turned into kg, 万元 into yuan, 成 into percent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PERCENT = "percent"
DAYS = "days"
YUAN = "yuan"
YUAN_PER_UNIT = "yuan_per_unit"
KG = "kg"
ORDERS_PER_DAY = "orders_per_day"
UNITS = (PERCENT, DAYS, YUAN, YUAN_PER_UNIT, KG, ORDERS_PER_DAY)


@dataclass(frozen=True)
class Suggestion:
    value: Decimal
    unit: str
    label: str
    text: str  # the words it was read from, to show beside the suggestion


_DIGITS = {"零": 0, "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_DIGITS |= {"八": 8, "九": 9, "十": 10, "半": 0.5}
# A number: Arabic (full-width too, with a decimal point) or one or two Chinese numerals
# (三, 十五 is left out: people write figures they know in digits).
NUM = r"(?P<num>\d+(?:\.\d+)?|[一两二三四五六七八九十半])"
# Words between a label and its number that carry no meaning: "about", "is", "reaches".
_FILLER = (
    "大概有",
    "大概在",
    "大约有",
    "大约在",
    "差不多",
    "大概",
    "大约",
    "将近",
    "接近",
    "超过",
    "达到",
    "只能",
    "只有",
    "能",
    "约",
    "在",
    "有",
    "是",
    "为",
    "了",
    "近",
    "高达",
    "达",
    "要",
    "得",
    "一直",
    "总是",
)
_PER = r"(?:单|件|箱|斤|公斤|千克|个|吨|袋|盒|份|瓶)"
_APPROX_AFTER = r"(?:左右|上下|多)?"

# (unit, pattern, multiplier); the first pattern to match a span wins, earlier in the text first.
_RULES: list[tuple[str, re.Pattern, Decimal]] = [
    # 每单物流成本8元, 每箱包装费2.5元
    (
        YUAN_PER_UNIT,
        re.compile(rf"(?P<label>每{_PER}[^，。,；;\d]{{0,8}}?)" + NUM + r"\s*(?:元|块钱?)"),
        Decimal(1),
    ),
    # 物流成本8元/单, 8块钱一单, 8元每单
    (
        YUAN_PER_UNIT,
        re.compile(NUM + rf"\s*(?:元|块钱?)\s*(?:/|每|一){_PER}"),
        Decimal(1),
    ),
    # 每天200单, 日均200单, 一天发200单
    (
        ORDERS_PER_DAY,
        re.compile(r"(?:每天|日均|每日|一天)[^，。,；;\d]{0,4}?" + NUM + _APPROX_AFTER + r"\s*单"),
        Decimal(1),
    ),
    # 200单/天, 200单每天
    (ORDERS_PER_DAY, re.compile(NUM + r"\s*单\s*(?:/|每)\s*(?:天|日)"), Decimal(1)),
    # 损耗约20%, 坏果率20％, 损耗两成, 损耗20个点
    (PERCENT, re.compile(NUM + r"\s*(?:%|％|个点|个百分点)"), Decimal(1)),
    (PERCENT, re.compile(NUM + r"\s*成(?![本品功熟])"), Decimal(10)),
    # 保鲜3天, 只能放5天, 保质期7日
    (DAYS, re.compile(NUM + _APPROX_AFTER + r"\s*(?:天|日)(?![内后前])"), Decimal(1)),
    (DAYS, re.compile(NUM + _APPROX_AFTER + r"\s*(?:个)?(?:星期|周)"), Decimal(7)),
    # 两万多斤, 1.5万公斤, 2万吨: a weight counted in 万, not money
    (KG, re.compile(NUM + r"\s*万" + _APPROX_AFTER + r"\s*(?:公斤|千克|kg|KG|Kg)"), Decimal(10000)),
    (KG, re.compile(NUM + r"\s*万" + _APPROX_AFTER + r"\s*吨"), Decimal(10000000)),
    (KG, re.compile(NUM + r"\s*万" + _APPROX_AFTER + r"\s*斤"), Decimal(5000)),
    # 2万元, 3000元, 800块; not 2万单, 2万箱 (counts) nor 2万多斤 (above)
    (
        YUAN,
        re.compile(
            NUM + r"\s*万(?!\s*(?:多|左右|上下)?\s*[单件箱个袋盒份瓶株亩斤吨公千])\s*(?:元|块)?"
        ),
        Decimal(10000),
    ),
    (YUAN, re.compile(NUM + _APPROX_AFTER + r"\s*(?:元|块钱?)"), Decimal(1)),
    # 500公斤, 3吨, 200斤
    (KG, re.compile(NUM + _APPROX_AFTER + r"\s*(?:公斤|千克|kg|KG|Kg)"), Decimal(1)),
    (KG, re.compile(NUM + _APPROX_AFTER + r"\s*吨"), Decimal(1000)),
    (KG, re.compile(NUM + _APPROX_AFTER + r"\s*斤"), Decimal("0.5")),
]
_CLAUSE_END = re.compile(r"[，。,；;！!？?\s、：:（）()]")


def _number(text: str) -> Decimal | None:
    if text in _DIGITS:
        return Decimal(str(_DIGITS[text]))
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _label_before(text: str, start: int) -> str:
    """The few words before the number in its clause, without the filler: 损耗 of 损耗约20%."""
    clause = _CLAUSE_END.split(text[:start])[-1]
    changed = True
    while changed and clause:
        changed = False
        for word in _FILLER:
            if clause.endswith(word) and len(clause) > len(word):
                clause, changed = clause[: -len(word)], True
    return clause[-8:]


def find_baselines(text: str) -> list[Suggestion]:
    """Every figure with a unit in the text, in the order they are written."""
    text = (text or "").translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    found: list[tuple[int, Suggestion]] = []
    taken: list[tuple[int, int]] = []
    for unit, pattern, multiplier in _RULES:
        for hit in pattern.finditer(text):
            start, end = hit.span()
            if any(start < b and a < end for a, b in taken):
                continue
            if text[:start].rstrip().endswith("第"):  # 第2天: an ordinal, not a measure
                taken.append((start, end))
                continue
            value = _number(hit.group("num"))
            if value is None:
                continue
            value = (value * multiplier).normalize()
            if value == value.to_integral():
                value = value.quantize(Decimal(1))
            label = (hit.groupdict().get("label") or _label_before(text, start)).strip()
            taken.append((start, end))
            found.append((start, Suggestion(value, unit, label, text[start:end].strip())))
    return [suggestion for _start, suggestion in sorted(found, key=lambda pair: pair[0])]


def suggest_baseline(text: str) -> Suggestion | None:
    """The first figure of the text, or None when it holds none."""
    found = find_baselines(text)
    return found[0] if found else None


def relative_change(baseline: Decimal, measured: Decimal) -> Decimal | None:
    """(measured − baseline) / baseline, to four places: spoilage 20% → 11% is −0.4500.
    None for a baseline of zero, from which no relative change can be told."""
    if baseline == 0:
        return None
    return ((measured - baseline) / baseline).quantize(Decimal("0.0001"))


def change_text(value: Decimal | None) -> str:
    """A relative change as people read it: −0.4500 as "−45.0%", 3 as "+300.0%"."""
    if value is None:
        return ""
    percent = value * 100
    sign = "+" if percent > 0 else "−" if percent < 0 else ""
    return f"{sign}{abs(percent):.1f}%"
