from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation, Region
from accounts.widgets import RegionSearchWidget
from matchmaking.core.money import BudgetField, MoneyField, format_budget
from matchmaking.enums import TransferMode
from matchmaking.impact.parse import suggest_baseline
from matchmaking.listings import photo_checks
from matchmaking.listings.categories import category_groups
from matchmaking.listings.photos import room_error
from matchmaking.models import (
    Category,
    NeedPhoto,
    ResearchResult,
    TechnologyNeed,
)
from matchmaking.stations.selectors import enterprises_covered_for


class PhotoInput(forms.FileInput):
    """Two pickers of one field: the camera (capture) and the gallery. On Android a `capture`
    input opens the camera straight away and offers no gallery, so each gets its own button;
    both send `photos`. static/js/photos.js shrinks what is picked before it is sent."""

    allow_multiple_selected = True
    template_name = "matchmaking/widgets/photo_input.html"

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", **(attrs or {})})


class PhotosField(forms.Field):
    """Up to NeedPhoto.MAX_PER_NEED photos, each judged by its content and re-encoded
    (listings/photo_checks.py); cleans to the list of photos to keep."""

    widget = PhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        files = [f for f in (value or []) if f]
        self.sent = len(files)
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > NeedPhoto.MAX_PER_NEED:  # before decoding any of them
            raise ValidationError(room_error(0, len(files)), code="too_many")
        kept, errors = [], []
        for upload in files:
            try:
                kept.append(photo_checks.check_photo(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return kept


def photos_field() -> PhotosField:
    return PhotosField(
        label=_("Photos of the problem"),
        help_text=_(
            "Up to 4 photos: a picture often says more than a description. They are made "
            "smaller before sending, and the place and time the phone recorded in them are "
            "removed. Only those who may see this need see them."
        ),
    )


def category_field():
    field = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(parent__isnull=False).select_related("parent"),
        help_text=_("Choose the closest; the matcher reads your text too."),
    )
    # Grouped by parent (冷链与物流 › 产地预冷), in the reader's language.

    field.choices = [
        ("", _("Choose a category")),
        *[
            (parent.display_name, [(child.pk, child.display_name) for child in children])
            for parent, children in category_groups()
            if children
        ],
    ]
    return field


# One line beside each transfer mode, for people who have never signed a technology contract.
TRANSFER_MODE_MEANINGS = {
    TransferMode.LICENSE: _("you may use it; the owner keeps it"),
    TransferMode.ASSIGNMENT: _("the patent or right becomes yours"),
    TransferMode.JOINT_DEVELOPMENT: _("you and the researchers develop it further together"),
    TransferMode.TECHNICAL_SERVICE: _("they solve the problem for a fee; no rights change hands"),
    TransferMode.EQUITY: _("the technology becomes a share in your company"),
}


def transfer_mode_choices() -> list[tuple[str, str]]:
    return [
        (mode.value, format_lazy("{} — {}", mode.label, TRANSFER_MODE_MEANINGS[mode]))
        for mode in TransferMode
    ]


class ListingForm(forms.ModelForm):
    """Shared by needs and results: the organisation it is posted for, and the essentials first."""

    organisation_kind: str = ""
    organisation = forms.ModelChoiceField(
        label=_("Posted for"), queryset=Organisation.objects.none()
    )
    transfer_modes = forms.MultipleChoiceField(
        label=_("Transfer modes"),
        choices=transfer_mode_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Fields shown under "more details" on a phone; the rest are the short form.
    detail_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"] = category_field()
        if "region" in self.fields:
            self.fields["region"] = forms.ModelChoiceField(
                label=_("Region"),
                queryset=Region.objects.all(),
                required=False,
                widget=RegionSearchWidget(levels="2,3"),
                help_text=_("Leave empty to use the organisation's own county."),
            )
        choices = self.organisation_choices(user)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in choices]
        )
        if self.instance.pk:
            del self.fields["organisation"]
        elif len(choices) == 1:
            self.fields["organisation"].initial = choices[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()

    @classmethod
    def organisation_choices(cls, user) -> list[Organisation]:
        own = permissions.organisations_of(user, cls.organisation_kind)
        if cls.organisation_kind != OrganisationKind.ENTERPRISE:
            return own

        covered = [o for o in enterprises_covered_for(user) if o not in own]
        return own + covered

    @classmethod
    def may_post(cls, user) -> bool:
        """Whether the user may post this kind of listing for some organisation."""
        return user.is_authenticated and bool(cls.organisation_choices(user))

    @property
    def essential_fields(self):
        return [f for f in self.visible_fields() if f.name not in self.detail_fields]

    @property
    def more_fields(self):
        return [f for f in self.visible_fields() if f.name in self.detail_fields]

    @property
    def more_has_errors(self) -> bool:
        return any(self.errors.get(name) for name in self.detail_fields)

    def clean_region(self):
        # Left empty: a new listing takes its organisation's region (the service), an edited
        # one keeps its own. The form writes what it cleaned onto the instance, and a region
        # of None there would reach the database (NOT NULL) as a 500.
        region = self.cleaned_data.get("region")
        if region is None and self.instance.pk:
            return self.instance.region
        return region or None

    def listing_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "organisation"}
        if data.get("region") is None:
            data.pop("region", None)
        return data


class NeedForm(ListingForm):
    organisation_kind = OrganisationKind.ENTERPRISE
    budget = BudgetField(
        label=_("Budget"),
        help_text=_("In your own words: 50k, about 50k, 30k-50k, up to 80k, or negotiable."),
    )
    detail_fields = ("keywords", "min_trl", "region", "visibility", "budget_public")
    # The budget fields of the model, filled from the one box.
    BUDGET_FIELDS = ("budget_min", "budget_max", "budget_negotiable")

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "budget" not in data and any(f in data for f in self.BUDGET_FIELDS):
            data = _budget_from_two_boxes(data)
        super().__init__(data, *args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["budget"] = format_budget(
                self.instance.budget_min, self.instance.budget_max, self.instance.budget_negotiable
            )
        # Photos of the problem, beside its description (issue #16).
        self.photos_kept = list(self.instance.photos.all()) if self.instance.pk else []
        self.photo_room = NeedPhoto.MAX_PER_NEED - len(self.photos_kept)
        self.fields["photos"] = photos_field()
        self.fields["photos"].widget.attrs["data-room"] = self.photo_room
        # The one box goes where the three did: after the category.
        order = list(self.fields)
        order.remove("budget")
        order.insert(order.index("category") + 1, "budget")
        order.remove("photos")
        order.insert(order.index("description") + 1, "photos")
        baseline = ["baseline_value", "baseline_unit", "baseline_label"]
        order = [name for name in order if name not in baseline]
        order[order.index("photos") + 1 : order.index("photos") + 1] = baseline
        self.order_fields(order)
        # The problem as a number (issue #21): a figure read from the description is suggested
        # beside these fields, as it is typed (htmx), and the enterprise confirms it.
        self.fields["description"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("baseline-suggestion"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#baseline-suggestion",
                "hx-swap": "outerHTML",
            }
        )

    @property
    def baseline_suggestion(self):
        """The figure the description holds, while the form has none: for the template."""
        if self["baseline_value"].value() not in (None, ""):
            return None
        return suggest_baseline(str(self["description"].value() or ""))

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > self.photo_room:
            raise ValidationError(room_error(len(self.photos_kept), len(photos)))
        return photos

    @property
    def photos_lost(self) -> bool:
        """Photos were sent with a form that came back with errors elsewhere: the browser
        cannot keep them, so they must be chosen again."""
        field = self.fields["photos"]
        return (
            self.is_bound
            and bool(self.errors)
            and getattr(field, "sent", 0) > 0
            and not (self.errors.get("photos"))
        )

    def clean(self):
        cleaned = super().clean()
        budget = cleaned.get("budget")
        if budget is not None:
            low, high, negotiable = budget
            self.instance.budget_min, self.instance.budget_max = low, high
            self.instance.budget_negotiable = negotiable
        return cleaned

    def _update_errors(self, errors):
        """The model's budget rules (upper end below the lower) speak of fields this form
        shows as one box: put them beside it."""
        if hasattr(errors, "error_dict"):
            moved = [
                message
                for name in self.BUDGET_FIELDS
                for message in errors.error_dict.pop(name, [])
            ]
            if moved and "budget" not in self.errors:
                errors.error_dict.setdefault("budget", []).extend(moved)
        super()._update_errors(errors)

    def listing_data(self) -> dict:
        data = super().listing_data()
        data.pop("photos", None)  # added by the photo service, not a field of the need
        budget = data.pop("budget", None)
        if budget is not None:
            data.update(zip(self.BUDGET_FIELDS, budget, strict=True))
        return data

    class Meta:
        model = TechnologyNeed
        fields = [
            "organisation",
            "title",
            "description",
            "category",
            "transfer_modes",
            "deadline",
            "keywords",
            "min_trl",
            "region",
            "visibility",
            "budget_public",
            "baseline_value",
            "baseline_unit",
            "baseline_label",
        ]
        widgets = {
            "description": forms.Textarea(
                attrs={
                    "rows": 4,
                    "placeholder": _(
                        "Say it in your own words: what goes wrong, what you want to achieve, "
                        "what you have tried."
                    ),
                }
            ),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class PhotoAddForm(forms.Form):
    """Photos added from the need's page (station staff on a visit, or the enterprise)."""

    # Either picker may hold the photos: no `required` on the camera's alone.
    use_required_attribute = False

    def __init__(self, *args, need, kept=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.photos_kept = list(need.photos.all()) if kept is None else kept
        self.photo_room = NeedPhoto.MAX_PER_NEED - len(self.photos_kept)
        self.fields["photos"] = photos_field()
        self.fields["photos"].required = True
        self.fields["photos"].widget.attrs["data-room"] = self.photo_room

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > self.photo_room:
            raise ValidationError(room_error(len(self.photos_kept), len(photos)))
        return photos


def _budget_from_two_boxes(data):
    """A post with the former two boxes (from, up to) and the tick box, as the one box."""
    data = data.copy()
    low, high = data.get("budget_min", "").strip(), data.get("budget_max", "").strip()
    text = f"{low}-{high}" if low and high else f"{low}以上" if low else high
    if data.get("budget_negotiable") not in (None, "", "false", "off", "0"):
        text = f"{text} 面议"
    data["budget"] = text
    return data


class ResultForm(ListingForm):
    organisation_kind = OrganisationKind.INSTITUTION
    asking_price = MoneyField(label=_("Asking price (CNY)"))
    regions_served = forms.ModelMultipleChoiceField(
        label=_("Provinces served"),
        queryset=Region.objects.filter(level=1).order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Only if it does not serve all provinces."),
    )
    detail_fields = (
        "team",
        "lead_researcher",
        "keywords",
        "application_scenarios",
        "serves_all_regions",
        "regions_served",
        "region",
        "visibility",
    )

    class Meta:
        model = ResearchResult
        fields = [
            "organisation",
            "title",
            "abstract",
            "category",
            "trl",
            "ip_type",
            "ip_number",
            "asking_price",
            "price_negotiable",
            "transfer_modes",
            "team",
            "lead_researcher",
            "keywords",
            "application_scenarios",
            "serves_all_regions",
            "regions_served",
            "region",
            "visibility",
        ]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("serves_all_regions") and not cleaned.get("regions_served"):
            self.add_error(
                "regions_served", _("Choose the provinces served, or tick “serves all provinces”.")
            )
        return cleaned
