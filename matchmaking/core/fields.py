from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

# The longest text each kind of field takes, in characters. A need's description or a result's
# abstract is a page or two; a million characters would only slow matching and lock the
# database while it is indexed.
LONG_TEXT = 5000  # a need's description, a result's abstract, a plan's summary, a report
MEDIUM_TEXT = 2000  # application scenarios, risks, a category's description, notes, messages
KEYWORDS_TEXT = 1000  # a category's typical terms


def bounded_text(verbose_name=None, *, limit: int, **kwargs) -> models.TextField:
    """A TextField of at most `limit` characters: forms and serializers built from it refuse
    longer input beside the field, and full_clean (which the services call) refuses it too."""
    return models.TextField(
        verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs
    )


class ChoiceSetField(models.CharField):
    """A set of choices stored as ",a,b," so that any database can filter on one member.

    `queryset.filter(field__contains=",a,")` finds rows containing "a", on SQLite and PostgreSQL
    alike (JSON containment is not portable, and a table per set is overkill).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple | set):
            return sorted(set(value))
        return [item for item in value.split(",") if item]

    def get_prep_value(self, value):
        items = self.to_python(value)
        return f",{','.join(items)}," if items else ""

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj))

    def validate(self, value, model_instance):
        if not self.editable:
            return
        allowed = {str(key) for key, _ in self.choices or []}
        for item in value:
            if allowed and item not in allowed:
                raise models.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        if not self.blank and not value:
            raise models.ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value):
        # Length validators would count list items, not characters.
        return

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
            **{k: v for k, v in kwargs.items() if k in ("label", "help_text", "required")},
        )

    @staticmethod
    def contains(value: str) -> str:
        """The pattern to pass to `__contains` to find rows holding `value`."""
        return f",{value},"
