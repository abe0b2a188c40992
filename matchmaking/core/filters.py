from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from matchmaking.models import Category

# The values a yes/no parameter (?mine=, ?fit_price=) accepts; anything else is refused.
FLAG_VALUES = ("1", "0", "true", "false")


FLAG_CHOICES = [(value, value) for value in FLAG_VALUES]


def flag_is_set(value) -> bool:
    return str(value).lower() in ("1", "true")


def parse_flag(params, name: str) -> bool:
    """A yes/no query parameter: absent or empty is no; a value outside FLAG_VALUES raises a
    ValidationError naming the parameter."""
    value = str(params.get(name, "") or "").lower()
    if value and value not in FLAG_VALUES:
        raise ValidationError(
            {name: [_("“%(value)s” is not one of 1, 0, true, false.") % {"value": value[:40]}]}
        )
    return flag_is_set(value)


class PlainSelect(forms.Select):
    """A select whose options are written here rather than through a template each: Django's
    per-option templates took half of a list page's time (bench/load_site.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


def category_choices():
    choices = []
    for category in Category.objects.select_related("parent").order_by(
        F("parent__position").asc(nulls_first=True), "parent_id", "position"
    ):
        prefix = "— " if category.parent_id else ""
        choices.append((category.slug, prefix + category.display_name))
    return choices


def province_choices():
    return [(r.code, r.name) for r in Region.objects.filter(level=1).order_by("code")]


def province_choices_with_prefixes():
    # A province by its 6-digit GB/T 2260 code (as the page's select sends it) or its
    # 2-digit prefix.
    codes = [code for code, _name in province_choices()]
    return [(c, c) for c in codes] + [(c[:2], c[:2]) for c in codes]
