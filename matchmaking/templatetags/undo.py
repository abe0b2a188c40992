from django import template

from matchmaking.core.undo import take_offer

register = template.Library()


@register.inclusion_tag("includes/undo_toast.html", takes_context=True)
def undo_toast(context):
    request = context.get("request")
    return {"offer": take_offer(request) if request is not None else None}
