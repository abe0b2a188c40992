from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import get_language

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
