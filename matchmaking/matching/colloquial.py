"""Query-side handling of colloquial need text: money and quantities out, filler phrases out.

Enterprises write "想在村头建个小冻库，预算20万以内，有没有便宜的办法". For the text score only
"村头 建 小冻库 便宜" matters:

* :func:`extract_budget` finds the budget phrase ("预算20万以内", "三五万", "10-20万",
  "不超过5000元") and returns it as numbers (CNY) for the structured fields, plus the text
  without it;
* :func:`strip_quantities` removes other amounts with their unit ("每天发500单", "好几千斤",
  "两天"): a number is not a topic, and its unit characters (万, 斤, 单) would match unrelated
  documents;
* :data:`~.stopwords.COLLOQUIAL_STOP_PHRASES` (请问, 有没有, 咋个, 啥子, 办法, 麻烦, 谢谢 ...) are
  removed whole, so neither the phrase nor its characters (办, 法, 啥) count.

:func:`clean_need_text` does all three; the index applies it to every need (as a query and as a
document) and to free-text searches, never to results, so academic text is untouched.
"""

from __future__ import annotations

import math
import re

from .stopwords import COLLOQUIAL_STOP_PHRASES, PROTECTED_WORDS

# -- numbers ------------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "零〇一二两俩三四五六七八九十百千"


def _cn_int(s: str) -> float | None:
    """Value of a Chinese numeral below 10,000 (三, 十五, 二十, 一百二, 三千五); None if not one."""
    if not s or any(c not in _CN_NUM for c in s):
        return None
    if len(s) > 1 and all(c in _CN_DIGITS for c in s):  # 二〇二四 style: digit by digit
        return float(int("".join(str(_CN_DIGITS[c]) for c in s)))
    total, cur, last_unit = 0, 0, 1
    for c in s:
        if c in _CN_DIGITS:
            cur = _CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            total += (cur or 1) * unit
            cur, last_unit = 0, unit
    if cur:  # 一百二 = 120, 三千五 = 3500: a trailing digit counts one unit lower
        total += cur * (last_unit // 10 if last_unit >= 100 else 1)
    return float(total)


def _num(s: str) -> float | None:
    s = s.replace(",", "").replace("，", "")
    try:
        return float(s)
    except ValueError:
        return _cn_int(s)


_MAG = {"万": 1e4, "w": 1e4, "千": 1e3, "k": 1e3, "百": 1e2, "亿": 1e8}

# A number: Arabic (1,200 / 1.5) or Chinese (三 / 十五 / 两百). Ranges: 10-20, 10到20, 三五 (two
# adjacent digits = "three to five"), 十几 / 几十 (vague).
_AR = r"\d+(?:[.,]\d+)*"
# A Chinese numeral starts with a digit or 十 (千川, 百度, 万一 are words, not numbers).
_CN = f"[{_CN_NUM[:-2]}][{_CN_NUM}]*"
_NUM = f"(?:{_AR}|{_CN})"
_RANGE_SEP = r"\s*(?:-|~|～|—|到|至)\s*"
_MONEY_UNIT = r"(?:块钱|元钱|块|元|rmb|人民币)"
_MAG_RE = r"(?:万|千|百|亿|w|k)"
# Units that make an amount a quantity, not money (checked right after the magnitude).
_QTY_UNIT = (
    "斤|公斤|千克|克|吨|两|亩|单|件|箱|袋|包|盒|瓶|个|只|头|株|棵|颗|台|套|人|户|家|天|小时|分钟|"
    "年|月|周|次(?!性)|米|公里|平方米|平米|立方米|方|度|瓦|伏|条|张|份|桶|筐|车|批|kg(?![a-z])"
)
_BEFORE = (
    r"(?:预算|投入|投资|经费|资金|费用|成本|花费|花|出|拿出|准备)?\s*(?:大概|大约|约|差不多|在)?\s*"
)
_AFTER_MAX = r"(?:以内|以下|之内|内|封顶|顶天|最多|为限)"
_AFTER_MIN = r"(?:以上|起步|起)"
_AFTER_ABOUT = r"(?:左右|上下|出头)"
_AFTER_RANGE = r"(?:之间|中间)"
_PRE_MAX = r"(?:不超过|不能超过|不要超过|不高于|最多|顶多|控制在|限)"
_PRE_MIN = r"(?:至少|不低于|不少于|最少)"

_AMOUNT = (
    rf"(?P<a>{_NUM})(?:(?P<amag>{_MAG_RE})?{_RANGE_SEP}(?P<b>{_NUM}))?"
    rf"(?P<approx>多|几|来|余)?\s*(?P<mag>{_MAG_RE})?\s*(?P<mag2>{_MAG_RE})?\s*(?P<unit>{_MONEY_UNIT})?"
)
_BUDGET_RE = re.compile(
    rf"(?P<pre>{_BEFORE})(?P<premod>{_PRE_MAX}|{_PRE_MIN})?\s*(?:{_AMOUNT})"
    rf"\s*(?P<post>{_AFTER_MAX}|{_AFTER_MIN}|{_AFTER_ABOUT}|{_AFTER_RANGE})?",
    re.IGNORECASE,
)
_BUDGET_CUE = re.compile(r"预算|投入|投资|经费|资金|费用|成本|花费|花|块|元|钱|价|以内|不超过|之内")
# Words before an amount in 万 that make it a count, not money (产量3万, 粉丝2万).
_COUNT_CUE = re.compile(r"产量|销量|粉丝|播放|浏览|人口|年产|日产|订单|单量|亩|头|只|斤|户|人")
_QTY_RE = re.compile(
    rf"(?<!第)(?:好|近|上|小|大|每|约)?(?:{_NUM}|[几数])(?:{_RANGE_SEP}{_NUM})?\s*(?:{_MAG_RE})?\s*"
    rf"(?:多|来|余)?\s*(?:{_QTY_UNIT}|{_MONEY_UNIT})"
    # or an amount in 万 / 千 / 亿 with no unit (粉丝2万, 三五万)
    rf"|(?:{_NUM}|[几数])(?:{_RANGE_SEP}{_NUM})?\s*(?:多|来|余|几)?\s*(?:万|千|亿|w(?![a-z]))",
    re.IGNORECASE,
)
# Vague money (几万, 十几万, 几千块): stripped from the text, no numbers reported.
_VAGUE_MONEY_RE = re.compile(rf"(?:好|上)?(?:几|十几|几十|数)\s*{_MAG_RE}\s*(?:{_MONEY_UNIT})?")


def _pair_digits(s: str) -> tuple[float, float] | None:
    """三五 -> (3, 5), 两三 -> (2, 3), 一两 -> (1, 2): two adjacent rising Chinese digits."""
    if len(s) == 2 and s[0] in _CN_DIGITS and s[1] in _CN_DIGITS:
        a, b = _CN_DIGITS[s[0]], _CN_DIGITS[s[1]]
        if 0 < a < b and b - a <= 2:
            return float(a), float(b)
    return None


def _magnitude(m: re.Match) -> float:
    mag = 1.0
    for key in ("mag", "mag2"):
        g = m.group(key)
        if g:
            mag *= _MAG[g.lower()]
    return mag


def _budget_from_match(m: re.Match) -> tuple[float | None, float | None] | None:
    """(min, max) CNY of one candidate, or None when it is not money."""
    a_raw, b_raw = m.group("a"), m.group("b")
    has_mag = bool(m.group("mag"))
    is_money = bool(m.group("unit")) or has_mag
    if not is_money:
        return None
    mag = _magnitude(m)
    pair = _pair_digits(a_raw) if b_raw is None else None
    b: float | None = None
    if pair:
        lo, hi = pair[0] * mag, pair[1] * mag
    else:
        a = _num(a_raw)
        if a is None:
            return None
        b = _num(b_raw) if b_raw else None
        if b_raw and b is None:
            return None
        if b is not None:
            if m.group("amag"):  # 3千到5千: each end has its own magnitude
                a = a * _MAG[m.group("amag").lower()] / mag
            if a > b:
                a, b = b, a
            lo, hi = a * mag, b * mag
        else:
            lo = hi = a * mag
    if m.group("approx") and b is None and not pair:
        # 十几万 / 二十多万 / 三千来块: from the number up to the next step of its leading digit
        step = 10 ** int(math.log10(max(lo / mag, 1)))
        hi = (lo / mag + step) * mag
    premod, post = m.group("premod") or "", m.group("post") or ""
    if re.fullmatch(_PRE_MAX, premod) or re.fullmatch(_AFTER_MAX, post):
        return None, hi
    if re.fullmatch(_PRE_MIN, premod) or re.fullmatch(_AFTER_MIN, post):
        return lo, None
    if re.fullmatch(_AFTER_ABOUT, post):
        return round(lo * 0.8, 2), round(hi * 1.2, 2)
    if lo == hi:  # a bare budget: what they can spend at most
        return None, hi
    return lo, hi


def extract_budget(text: str | None) -> tuple[float | None, float | None, str]:
    """(budget_min, budget_max, cleaned_text) from colloquial text; amounts in CNY.

    Handles 万 / 千 / 元 / 块 / w, ranges (10-20万, 10到20万, 三五万, 两三万), bounds (以内, 以下,
    不超过, 最多 -> max; 以上, 至少 -> min; 左右, 上下 -> +-20 %), Chinese numerals (两万, 二十万,
    一万五) and budget cues (预算, 投入, 花). A bare amount (预算5万) is a maximum. Amounts with a
    non-money unit (500单, 几千斤) are not budgets. The first money phrase wins; the budget
    phrase is removed from ``cleaned_text`` (replaced by a space). ``(None, None, text)`` when
    nothing is found.
    """
    if not text:
        return None, None, text or ""
    for m in _BUDGET_RE.finditer(text):
        if not (m.group("mag") or m.group("unit")):
            continue
        if m.start("a") > 0 and text[m.start("a") - 1] in "几数":  # 几千块: vague, no numbers
            continue
        # a quantity unit right after the amount (3万斤, 5千单): not money
        rest = text[m.end() :]
        if not m.group("unit") and re.match(rf"\s*(?:多|来|余)?\s*(?:{_QTY_UNIT})", rest):
            continue
        # Money needs a cue: a money unit, a bound word, a budget word nearby, or 万 (an amount
        # in 万 with no unit after it is money unless a count word precedes it: 粉丝2万).
        window = text[max(0, m.start() - 8) : m.end() + 4]
        big = (m.group("mag") or "").lower() in ("万", "w", "亿")
        if not (m.group("unit") or m.group("premod") or m.group("post")):
            if big:
                if _COUNT_CUE.search(text[max(0, m.start() - 4) : m.start()]):
                    continue
            elif not _BUDGET_CUE.search(window):
                continue
        got = _budget_from_match(m)
        if got is None:
            continue
        lo, hi = got
        end = m.end()
        # 一万五 / 1万5: a single digit right after 万 adds thousands
        tail = re.match(r"([一二两三四五六七八九]|\d)(?![\d万千百])", rest)
        if m.group("mag") == "万" and not m.group("b") and not m.group("post") and tail:
            extra = _num(tail.group(1)) or 0
            lo = None if lo is None else lo + extra * 1000
            hi = None if hi is None else hi + extra * 1000
            end += tail.end()
        cleaned = text[: m.start()] + " " + text[end:]
        return lo, hi, cleaned
    return None, None, text


def strip_quantities(text: str) -> str:
    """Remove amounts with a unit (每天发500单 -> 每天发, 好几千斤, 两天, 几万块), and bare
    Arabic numbers; each becomes a space."""
    text = _QTY_RE.sub(" ", text)
    text = _VAGUE_MONEY_RE.sub(" ", text)
    return re.sub(r"(?<![a-zA-Z\d.])\d+(?:[.,]\d+)*(?![a-zA-Z\d])", " ", text)


# -- stop phrases ---------------------------------------------------------------------------


def _phrase_table() -> tuple[dict[str, bool], dict[str, list[int]]]:
    """phrase -> is_stop (False = protected word), and first character -> lengths, longest
    first."""
    table = dict.fromkeys(COLLOQUIAL_STOP_PHRASES, True)
    table.update(dict.fromkeys(PROTECTED_WORDS, False))
    lengths: dict[str, set[int]] = {}
    for p in table:
        lengths.setdefault(p[0], set()).add(len(p))
    return table, {c: sorted(ls, reverse=True) for c, ls in lengths.items()}


_PHRASES, _PHRASE_LENGTHS = _phrase_table()


def remove_stop_phrases(text: str) -> str:
    """Replace every colloquial stop phrase by a space (so no bigram spans the gap).

    Left to right, longest phrase first; a protected word (思想, 需求) is kept whole, so the
    stop phrase inside it (想, 求) is not removed."""
    out: list[str] = []
    i, n = 0, len(text)
    lengths, table = _PHRASE_LENGTHS, _PHRASES
    while i < n:
        for k in lengths.get(text[i], ()):
            is_stop = table.get(text[i : i + k])
            if is_stop is not None:
                out.append(" " if is_stop else text[i : i + k])
                i += k
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def clean_need_text(text: str | None) -> str:
    """A need's text for the text score: budget phrase, quantities and stop phrases removed."""
    if not text:
        return ""
    _lo, _hi, text = extract_budget(text)
    return remove_stop_phrases(strip_quantities(text))


__all__ = ["clean_need_text", "extract_budget", "remove_stop_phrases", "strip_quantities"]
