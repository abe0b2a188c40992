from django import template

from matchmaking.stats import summary as stats_summary

register = template.Library()


@register.filter
def stat_cell(value) -> str:
    """A table cell as readers expect it: 52,750 not 52750.00; shares as 25.0%; text as is."""
    from matchmaking.stats.tables import Year

    if isinstance(value, Year):
        return str(int(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return stats_summary.number(value)
    from decimal import Decimal

    if isinstance(value, Decimal):
        return stats_summary.number(value)
    return value


@register.filter
def yuan(value) -> str:
    return stats_summary.yuan(value)
