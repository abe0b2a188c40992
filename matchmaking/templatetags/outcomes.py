"""A figure with its unit, as people write it: 20%, 3 天 / 3 days, 8 元/单位."""

from decimal import Decimal

from django import template

from matchmaking.enums import MetricUnit

register = template.Library()


@register.filter
def with_unit(value, unit: str) -> str:
    if value is None or value == "":
        return ""
    number = f"{Decimal(value).normalize():f}"
    if unit == MetricUnit.PERCENT:
        return f"{number}%"
    label = dict(MetricUnit.choices).get(unit, unit)
    return f"{number} {label}"


@register.filter
def unit_label(unit: str) -> str:
    """The unit's name in the reader's language (figures are cached with the codes)."""
    return str(dict(MetricUnit.choices).get(unit, unit))
