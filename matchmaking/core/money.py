import re
import unicodedata
import warnings
from decimal import Decimal, InvalidOperation

import cn2an
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from matchmaking.templatetags.money import cny

_UNITS = {"万": Decimal(10000), "w": Decimal(10000), "千": Decimal(1000), "k": Decimal(1000)}


_NUMBER = r"(\d+(?:\.\d+)?)\s*(万|w|千|k)?"


_AMOUNT = re.compile(rf"^{_NUMBER}$")


_RANGE = re.compile(rf"^{_NUMBER}\s*(?:-|~|到|至|—|–)\s*{_NUMBER}$")


_NEGOTIABLE = ("可商议", "可面议", "面议", "商议", "可议", "可谈", "negotiable")


# English words too, for the English page: "about 50k", "up to 80k", "at least 30k".
_UPPER_BEFORE = (
    "不超过", "不高于", "不到", "最多", "至多", "最高", "顶多", "<=", "≤", "<", "upto", "under",
)  # fmt: skip


_UPPER_AFTER = ("以内", "以下", "之内", "内", "封顶", "为限")


_LOWER_BEFORE = ("至少", "不低于", "最低", ">=", "≥", ">", "atleast", "over")


_LOWER_AFTER = ("以上", "起")


_ABOUT_BEFORE = ("大概", "大约", "约", "about", "around")


_ABOUT_AFTER = ("左右", "上下")


# "5万左右" is taken as 20 % either side, as the matcher reads it in a need's text.
_ABOUT = Decimal("0.2")


# Chinese numerals as people say a budget: 五万, 一万五, 三千五, 两三万 (two to three 万), 三到五万.
_DIGIT = {c: n for n, c in enumerate("〇一二三四五六七八九")} | {"两": 2}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
_CN_TWO_DIGITS = re.compile(r"([一二两三四五六七八九])([二三四五六七八九])([十百千万])")
_CN_RANGE = re.compile(
    r"([零〇一二两三四五六七八九十百]+)\s*(-|~|到|至|—|–)\s*([零〇一二两三四五六七八九十百]+)([千万])"
)


def _cn_number(found: re.Match) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns before it raises
        try:
            return str(cn2an.cn2an(found.group(0), "smart"))
        except ValueError:
            return found.group(0)  # not a number after all: left for the parser to refuse


def _arabic(text: str) -> str:
    """Chinese numerals in Arabic digits, the unit of a range given to both ends first:
    两三万 → 20000到30000, 三到五万 → 30000到50000, 一万五 → 15000."""
    text = _CN_TWO_DIGITS.sub(
        lambda m: f"{m[1]}{m[3]}到{m[2]}{m[3]}" if _DIGIT[m[1]] < _DIGIT[m[2]] else m[0], text
    )
    text = _CN_RANGE.sub(lambda m: f"{m[1]}{m[4]}{m[2]}{m[3]}{m[4]}", text)
    return _CN_NUMBER.sub(_cn_number, text)


def _normalised(text: str) -> str:

    text = unicodedata.normalize("NFKC", str(text)).lower()
    for noise in (",", "，", "。", ";", "、", "(", ")", "（", "）", "预算", "元", "块", "rmb", "¥"):
        text = text.replace(noise, " " if noise in ",，。;、" else "")
    return " ".join(_arabic(text).split())


def parse_amount(text: str) -> Decimal | None:
    """One amount in CNY as people write it: 50000, 150,000, 5万, 5.5万元, ５万, 8千.
    None for an empty text; ValueError for anything else."""
    text = _normalised(text).replace(" ", "")
    if not text:
        return None
    found = _AMOUNT.match(text)
    if not found:
        raise ValueError(text)
    return _amount(found.group(1), found.group(2))


def _amount(number: str, unit: str | None) -> Decimal:
    try:
        return Decimal(number) * _UNITS.get(unit or "", Decimal(1))
    except InvalidOperation as error:
        raise ValueError(number) from error


def _strip(text: str, words, *, end: bool) -> tuple[str, bool]:
    for word in words:
        if end and text.endswith(word):
            return text[: -len(word)], True
        if not end and text.startswith(word):
            return text[len(word) :], True
    return text, False


def parse_budget(text: str) -> tuple[Decimal | None, Decimal | None, bool]:
    """(lowest, highest, negotiable) from a budget as people write it: 5万 and 5万以内 and
    不超过8万 are an upper limit, 3到5万 and 3-5万 a range, 5万左右 20 % either side, 3万以上 a
    lower limit, 面议 (alone or after an amount) negotiable. ValueError when not understood."""
    text = _normalised(text)
    negotiable = False
    for word in _NEGOTIABLE:
        if word in text:
            negotiable, text = True, text.replace(word, " ")
    text = text.replace(" ", "")
    if not text:
        if negotiable:
            return None, None, True
        raise ValueError(text)
    if found := _RANGE.match(text):
        low_number, low_unit, high_number, high_unit = found.groups()
        if low_unit is None and Decimal(low_number) <= Decimal(high_number):
            low_unit = high_unit  # 3到5万: the unit written once stands for both ends
        return _amount(low_number, low_unit), _amount(high_number, high_unit), negotiable
    text, upper = _strip(text, _UPPER_BEFORE, end=False)
    if not upper:
        text, upper = _strip(text, _UPPER_AFTER, end=True)
    text, lower = _strip(text, _LOWER_BEFORE, end=False)
    if not lower:
        text, lower = _strip(text, _LOWER_AFTER, end=True)
    text, about = _strip(text, _ABOUT_AFTER, end=True)
    text, about_before = _strip(text, _ABOUT_BEFORE, end=False)
    if upper + lower + (about or about_before) > 1:
        raise ValueError(text)
    amount = parse_amount(text)
    if amount is None:
        raise ValueError(text)
    if lower:
        return amount, None, negotiable
    if about or about_before:
        return amount * (1 - _ABOUT), amount * (1 + _ABOUT), negotiable
    return None, amount, negotiable  # a bare amount is what they can spend at most


def format_budget(low, high, negotiable: bool) -> str:
    """A stored budget written back the way parse_budget reads it (for the edit form)."""

    def short(amount) -> str:
        return cny(amount).removesuffix("元").removeprefix("¥").replace(",", "")

    if low is not None and high is not None:
        text = short(high) if low == high else f"{short(low)}-{short(high)}"
    elif high is not None:
        text = f"{short(high)}以内"
    elif low is not None:
        text = f"{short(low)}以上"
    else:
        text = ""
    if negotiable:
        text = f"{text} 可商议".strip() if text else "面议"
    return text


class MoneyField(forms.DecimalField):
    """An amount in CNY that also understands the way people write it: 20万, 150,000, ５万."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(
            attrs={"inputmode": "decimal", "placeholder": _("e.g. 50000")}
        )

    def to_python(self, value):
        if isinstance(value, str):
            try:
                amount = parse_amount(value)
            except ValueError as error:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
            value = "" if amount is None else str(amount)
        return super().to_python(value)


class BudgetField(forms.CharField):
    """A need's budget in one box, as people write it (see parse_budget)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"placeholder": _("e.g. about 50k, 30k-50k, up to 80k, negotiable")}
        )

    def clean(self, value):
        text = super().clean(value)
        if not text.strip():
            raise ValidationError(
                _("Write a budget, e.g. about 50k; if you do not know yet, write negotiable."),
                code="required",
            )
        try:
            low, high, negotiable = parse_budget(text)
        except ValueError as error:
            raise ValidationError(
                _("This budget was not understood: write it like 5万, 3到5万, 5万以内 or 面议."),
                code="invalid",
            ) from error
        limit = Decimal(10) ** 12
        if any(a is not None and a >= limit for a in (low, high)):
            raise ValidationError(_("This budget is too large."), code="invalid")
        return low, high, negotiable
