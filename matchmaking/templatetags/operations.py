"""The operator's page shows failed tasks' arguments and errors with personal data masked."""

import json

from django import template

from config.observability import scrub

register = template.Library()


@register.filter
def masked(value) -> str:
    """Phone numbers and email addresses masked, as in error reports."""
    return scrub(str(value or ""))


@register.filter
def masked_json(value) -> str:
    return json.dumps(scrub(value), ensure_ascii=False)
