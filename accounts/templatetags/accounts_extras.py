from django import template

from accounts.validation import format_mobile

register = template.Library()


@register.filter
def mobile(value) -> str:
    """ "+8613800138000" as people write it: "138 0013 8000"."""
    return format_mobile(str(value or ""))
