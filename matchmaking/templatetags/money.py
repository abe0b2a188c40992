from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cny(value) -> str:
    """An amount in CNY the way readers expect it: 12.35万元 in Chinese, ¥123,456 in English."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if (get_language() or "").startswith("zh"):
        if abs(amount) >= 10000:
            wan = (amount / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
            return f"{wan:f}万元"
        return f"{amount.quantize(Decimal('1'), rounding=ROUND_HALF_UP):f}元"
    return f"¥{amount:,.0f}"


@register.filter
def budget(need) -> str:
    """A need's budget as people say it: 3万元 – 5万元, ≤ 5万元, ≥ 3万元, or 面议."""

    low, high = need.budget_min, need.budget_max
    if low is not None and high is not None:
        text = cny(low) if low == high else f"{cny(low)} – {cny(high)}"
    elif high is not None:
        text = f"≤ {cny(high)}"
    elif low is not None:
        text = f"≥ {cny(low)}"
    else:
        return str(_("Negotiable"))
    if need.budget_negotiable:
        negotiable = _("open to negotiation")
        text += f" ({negotiable})"
    return text


@register.filter
def price(result) -> str:
    """A result's asking price, or 面议 when there is none."""

    if result.asking_price is None:
        return str(_("Negotiable"))
    text = cny(result.asking_price)
    if result.price_negotiable:
        negotiable = _("open to negotiation")
        text += f" ({negotiable})"
    return text
