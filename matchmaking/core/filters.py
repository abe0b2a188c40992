import contextlib
from html import escape

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
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
    per-option templates took half of a list page's time (bench/load_site.py). Written with
    the standard library's escape, as Django's own escape does it, without building a safe
    string per piece."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) in selected else ''}>{escape(str(label))}</option>"
            for key, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')


class PlainCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes written here, as PlainSelect writes its options, in the markup of Django's
    own template: a labelled checkbox a line, inside a div with the field's id."""

    def render(self, name, value, attrs=None, renderer=None):
        checked = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        field_id = final.pop("id", None)
        attributes = flatatt(final)
        boxes = []
        for index, (key, label) in enumerate(self.choices):
            box_id = f' id="{escape(field_id)}_{index}"' if field_id else ""
            label_for = f' for="{escape(field_id)}_{index}"' if field_id else ""
            boxes.append(
                f'<div><label{label_for}><input type="checkbox" name="{escape(name)}" '
                f'value="{escape(str(key))}"{attributes}{box_id}'
                f"{' checked' if str(key) in checked else ''}> {escape(str(label))}</label></div>"
            )
        outer_id = f' id="{escape(field_id)}"' if field_id else ""
        return mark_safe(f"<div{outer_id}>{''.join(boxes)}</div>")


# The choices from tables that change seldom (administrators edit the categories; the regions
# are a fixed table): every list page renders them, so they are kept in the cache, per
# language, and dropped whenever a category or a region is saved or deleted.
CHOICES_SECONDS = 10 * 60
_CHOICE_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _choices_key(name: str, language: str | None) -> str:
    return f"choices:{name}:{language or ''}"


def _cached_choices(name: str, build) -> list:
    key = _choices_key(name, get_language())
    try:
        choices = cache.get(key)
    except Exception:  # a cache outage must not take the lists down
        choices = None
    if choices is None:
        choices = build()
        with contextlib.suppress(Exception):
            cache.set(key, choices, CHOICES_SECONDS)
    return choices


def forget_choices(**_signal) -> None:
    """Drop the cached choices (a category or a region changed)."""
    keys = [
        _choices_key(name, language)
        for name in ("category", "province")
        for language in [*_CHOICE_LANGUAGES, None]
    ]
    with contextlib.suppress(Exception):
        cache.delete_many(keys)


for _model in (Category, Region):
    post_save.connect(forget_choices, sender=_model, dispatch_uid=f"choices-{_model.__name__}")
    post_delete.connect(forget_choices, sender=_model, dispatch_uid=f"choices-{_model.__name__}-")


def _category_choices():
    choices = []
    for category in Category.objects.select_related("parent").order_by(
        F("parent__position").asc(nulls_first=True), "parent_id", "position"
    ):
        prefix = "— " if category.parent_id else ""
        choices.append((category.slug, prefix + category.display_name))
    return choices


def category_choices():
    return _cached_choices("category", _category_choices)


def province_choices():
    return _cached_choices(
        "province",
        lambda: [(r.code, r.name) for r in Region.objects.filter(level=1).order_by("code")],
    )


def province_choices_with_prefixes():
    # A province by its 6-digit GB/T 2260 code (as the page's select sends it) or its
    # 2-digit prefix.
    codes = [code for code, _name in province_choices()]
    return [(c, c) for c in codes] + [(c[:2], c[:2]) for c in codes]
