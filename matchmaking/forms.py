import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation, Region
from accounts.widgets import RegionSearchWidget
from matchmaking import photos as photo_checks
from matchmaking import uploads
from matchmaking.enums import DeclineReason, MatchState, TransferMode
from matchmaking.models import (
    AdoptionCost,
    Category,
    Evaluation,
    Fair,
    NeedPhoto,
    ResearchResult,
    SavedSearch,
    TechnologyNeed,
    TrainingSession,
)
from matchmaking.models.stations import Recommendation

_UNITS = {"万": Decimal(10000), "w": Decimal(10000), "千": Decimal(1000), "k": Decimal(1000)}
_NUMBER = r"(\d+(?:\.\d+)?)\s*(万|w|千|k)?"
_AMOUNT = re.compile(rf"^{_NUMBER}$")
_RANGE = re.compile(rf"^{_NUMBER}\s*(?:-|~|到|至|—|–)\s*{_NUMBER}$")
_NEGOTIABLE = ("可商议", "可面议", "面议", "商议", "可议", "可谈", "negotiable")
# English words too, for the English page: "about 50k", "up to 80k", "at least 30k".
_UPPER_BEFORE = (
    "不超过", "不高于", "不到", "最多", "至多", "最高", "顶多", "<=", "≤", "<", "upto", "under",
)  # fmt: skip
_UPPER_AFTER = ("以内", "以下", "之内", "内", "封顶", "为限")
_LOWER_BEFORE = ("至少", "不低于", "最低", ">=", "≥", ">", "atleast", "over")
_LOWER_AFTER = ("以上", "起")
_ABOUT_BEFORE = ("大概", "大约", "约", "about", "around")
_ABOUT_AFTER = ("左右", "上下")
# "5万左右" is taken as 20 % either side, as the matcher reads it in a need's text.
_ABOUT = Decimal("0.2")


def _normalised(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", str(text)).lower()
    for noise in (",", "，", "。", ";", "、", "(", ")", "（", "）", "预算", "元", "块", "rmb", "¥"):
        text = text.replace(noise, " " if noise in ",，。;、" else "")
    return " ".join(text.split())


def parse_amount(text: str) -> Decimal | None:
    """One amount in CNY as people write it: 50000, 150,000, 5万, 5.5万元, ５万, 8千.
    None for an empty text; ValueError for anything else."""
    text = _normalised(text).replace(" ", "")
    if not text:
        return None
    found = _AMOUNT.match(text)
    if not found:
        raise ValueError(text)
    return _amount(found.group(1), found.group(2))


def _amount(number: str, unit: str | None) -> Decimal:
    try:
        return Decimal(number) * _UNITS.get(unit or "", Decimal(1))
    except InvalidOperation as error:
        raise ValueError(number) from error


def _strip(text: str, words, *, end: bool) -> tuple[str, bool]:
    for word in words:
        if end and text.endswith(word):
            return text[: -len(word)], True
        if not end and text.startswith(word):
            return text[len(word) :], True
    return text, False


def parse_budget(text: str) -> tuple[Decimal | None, Decimal | None, bool]:
    """(lowest, highest, negotiable) from a budget as people write it: 5万 and 5万以内 and
    不超过8万 are an upper limit, 3到5万 and 3-5万 a range, 5万左右 20 % either side, 3万以上 a
    lower limit, 面议 (alone or after an amount) negotiable. ValueError when not understood."""
    text = _normalised(text)
    negotiable = False
    for word in _NEGOTIABLE:
        if word in text:
            negotiable, text = True, text.replace(word, " ")
    text = text.replace(" ", "")
    if not text:
        if negotiable:
            return None, None, True
        raise ValueError(text)
    if found := _RANGE.match(text):
        low_number, low_unit, high_number, high_unit = found.groups()
        if low_unit is None and Decimal(low_number) <= Decimal(high_number):
            low_unit = high_unit  # 3到5万: the unit written once stands for both ends
        return _amount(low_number, low_unit), _amount(high_number, high_unit), negotiable
    text, upper = _strip(text, _UPPER_BEFORE, end=False)
    if not upper:
        text, upper = _strip(text, _UPPER_AFTER, end=True)
    text, lower = _strip(text, _LOWER_BEFORE, end=False)
    if not lower:
        text, lower = _strip(text, _LOWER_AFTER, end=True)
    text, about = _strip(text, _ABOUT_AFTER, end=True)
    text, about_before = _strip(text, _ABOUT_BEFORE, end=False)
    if upper + lower + (about or about_before) > 1:
        raise ValueError(text)
    amount = parse_amount(text)
    if amount is None:
        raise ValueError(text)
    if lower:
        return amount, None, negotiable
    if about or about_before:
        return amount * (1 - _ABOUT), amount * (1 + _ABOUT), negotiable
    return None, amount, negotiable  # a bare amount is what they can spend at most


def format_budget(low, high, negotiable: bool) -> str:
    """A stored budget written back the way parse_budget reads it (for the edit form)."""
    from matchmaking.templatetags.money import cny

    def short(amount) -> str:
        return cny(amount).removesuffix("元").removeprefix("¥").replace(",", "")

    if low is not None and high is not None:
        text = short(high) if low == high else f"{short(low)}-{short(high)}"
    elif high is not None:
        text = f"{short(high)}以内"
    elif low is not None:
        text = f"{short(low)}以上"
    else:
        text = ""
    if negotiable:
        text = f"{text} 可商议".strip() if text else "面议"
    return text


class MoneyField(forms.DecimalField):
    """An amount in CNY that also understands the way people write it: 20万, 150,000, ５万."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(
            attrs={"inputmode": "decimal", "placeholder": _("e.g. 50000")}
        )

    def to_python(self, value):
        if isinstance(value, str):
            try:
                amount = parse_amount(value)
            except ValueError as error:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
            value = "" if amount is None else str(amount)
        return super().to_python(value)


class BudgetField(forms.CharField):
    """A need's budget in one box, as people write it (see parse_budget)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"placeholder": _("e.g. about 50k, 30k-50k, up to 80k, negotiable")}
        )

    def clean(self, value):
        text = super().clean(value)
        if not text.strip():
            raise ValidationError(
                _("Write a budget, e.g. about 50k; if you do not know yet, write negotiable."),
                code="required",
            )
        try:
            low, high, negotiable = parse_budget(text)
        except ValueError as error:
            raise ValidationError(
                _("This budget was not understood: write it like 5万, 3到5万, 5万以内 or 面议."),
                code="invalid",
            ) from error
        limit = Decimal(10) ** 12
        if any(a is not None and a >= limit for a in (low, high)):
            raise ValidationError(_("This budget is too large."), code="invalid")
        return low, high, negotiable


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
    (matchmaking.photos); cleans to the list of photos to keep."""

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
            from matchmaking.services.photos import room_error

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
    from matchmaking.categories import category_groups

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

    def organisation_choices(self, user) -> list[Organisation]:
        own = permissions.organisations_of(user, self.organisation_kind)
        if self.organisation_kind != OrganisationKind.ENTERPRISE:
            return own
        from matchmaking.selectors import enterprises_covered_for

        covered = [o for o in enterprises_covered_for(user) if o not in own]
        return own + covered

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
        from matchmaking.outcomes_parse import suggest_baseline

        if self["baseline_value"].value() not in (None, ""):
            return None
        return suggest_baseline(str(self["description"].value() or ""))

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > self.photo_room:
            from matchmaking.services.photos import room_error

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
            from matchmaking.services.photos import room_error

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


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the sheet holds"),
        choices=[("needs", _("Technology needs")), ("results", _("Research results"))],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("CSV or XLSX file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "At most %(limit)s. Download a template below to see the columns."
        ) % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.sheet_kind(upload)
        return upload


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why not?"), choices=DeclineReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ContactRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the researcher"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("What you need, when, and how to reach you.")}
        ),
    )


class MatchMoveForm(forms.Form):
    to = forms.ChoiceField(choices=MatchState.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=1000)
    expected_state = forms.ChoiceField(choices=MatchState.choices, required=False)


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["target", "query", "category", "province"]


SCORE_MEANINGS = {
    "technical_feasibility": _(
        "1 not feasible · 2 major unknowns · 3 feasible with work · 4 proven elsewhere · "
        "5 proven in conditions like this enterprise's"
    ),
    "economic_feasibility": _(
        "1 loses money · 2 pays back after 5 years or more · 3 in 3–5 years · 4 in 1–3 years · "
        "5 within a year"
    ),
    "capability_fit": _(
        "1 far beyond the enterprise · 2 needs new staff · 3 needs training · "
        "4 small adjustments · 5 fits as it is"
    ),
}


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "technical_feasibility",
            "economic_feasibility",
            "capability_fit",
            "risks",
            "recommendation",
            "report",
            "staff_hours",
        ]
        widgets = {
            "technical_feasibility": forms.RadioSelect(choices=[(i, i) for i in range(1, 6)]),
            "economic_feasibility": forms.RadioSelect(choices=[(i, i) for i in range(1, 6)]),
            "capability_fit": forms.RadioSelect(choices=[(i, i) for i in range(1, 6)]),
            "recommendation": forms.RadioSelect,
            "risks": forms.Textarea(attrs={"rows": 3}),
            "report": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, meaning in SCORE_MEANINGS.items():
            self.fields[name].help_text = meaning
        # A required choice among radio buttons: no "---------" button.
        self.fields["recommendation"].choices = Recommendation.choices


def _rows(field, columns: list[tuple[str, str, str]], add: str) -> None:
    """Let static/js/rows.js show the field's lines as rows of boxes you add and remove; the
    lines stay what the form reads, so the page works the same without the script."""
    field.widget.attrs.update(
        {
            "data-rows": json.dumps(
                [{"name": n, "label": str(label), "type": t} for n, label, t in columns],
                ensure_ascii=False,
            ),
            "data-rows-add": str(add),
            "data-rows-remove": str(_("Remove")),
        }
    )


def _parse_lines(text: str, columns: int) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.strip():
            parts = [p.strip() for p in re.split(r"[|｜]", line)]
            rows.append((parts + [""] * columns)[:columns])
    return rows


class PlanForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    steps = forms.CharField(
        label=_("Steps"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One step a line: what | who | by when (YYYY-MM-DD) | milestone (yes/no)."),
    )
    cost_lines = forms.CharField(
        label=_("Quoted costs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One cost a line: item | amount in yuan, e.g. cold store | 80000."),
    )
    staff_hours = forms.DecimalField(
        label=_("Staff hours spent"), min_value=0, max_digits=6, decimal_places=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _rows(
            self.fields["steps"],
            [
                ("title", _("What"), "text"),
                ("owner", _("Who"), "text"),
                ("due", _("By when"), "date"),
                ("milestone", _("Milestone"), "checkbox"),
            ],
            _("Add a step"),
        )
        _rows(
            self.fields["cost_lines"],
            [("item", _("Item"), "text"), ("amount", _("Amount (yuan)"), "text")],
            _("Add a cost"),
        )

    def clean_steps(self):
        steps = []
        for title, owner, due, milestone in _parse_lines(self.cleaned_data["steps"], 4):
            if due:
                try:
                    date.fromisoformat(due)
                except ValueError as error:
                    raise forms.ValidationError(
                        _("“%(due)s” is not a date: write it as YYYY-MM-DD.") % {"due": due}
                    ) from error
            steps.append(
                {
                    "title": title,
                    "owner": owner,
                    "due": due,
                    "milestone": milestone.lower() in ("是", "yes", "1", "y", "true"),
                }
            )
        if not steps:
            raise forms.ValidationError(_("Add at least one step."))
        return steps

    def clean_cost_lines(self):
        field = MoneyField()
        lines = []
        for item, amount in _parse_lines(self.cleaned_data["cost_lines"], 2):
            try:
                value = field.clean(amount) if amount else Decimal(0)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("“%(amount)s” is not an amount in yuan (line “%(item)s”).")
                    % {"amount": amount, "item": item}
                ) from error
            lines.append({"item": item, "amount": str(value)})
        return lines


class TrainingForm(forms.ModelForm):
    attendance = forms.CharField(
        label=_("Enterprises attending"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One enterprise a line: its name (or credit code) | number of people."),
    )

    class Meta:
        model = TrainingSession
        fields = ["date", "place", "topic", "trainer", "staff_hours"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _rows(
            self.fields["attendance"],
            [
                ("name", _("Enterprise (name or credit code)"), "text"),
                ("people", _("People"), "number"),
            ],
            _("Add an enterprise"),
        )

    def clean_attendance(self):
        found = []
        for name, people in _parse_lines(self.cleaned_data["attendance"], 2):
            enterprise = Organisation.objects.filter(
                Q(name=name) | Q(credit_code=name.upper()), kind=OrganisationKind.ENTERPRISE
            ).first()
            if enterprise is None:
                raise forms.ValidationError(_("No enterprise called “%(name)s”.") % {"name": name})
            try:
                count = int(people)
            except ValueError as error:
                raise forms.ValidationError(
                    _("Give the number of people for “%(name)s”.") % {"name": name}
                ) from error
            if count < 1:
                raise forms.ValidationError(_("The number of people must be at least 1."))
            found.append((enterprise, count))
        if not found:
            raise forms.ValidationError(_("Add at least one enterprise that attended."))
        return found


class AdoptionCostForm(forms.ModelForm):
    class Meta:
        model = AdoptionCost
        fields = [
            "licence_fee",
            "equipment",
            "integration",
            "training",
            "maintenance",
            "reference_cost",
            "reference_source",
            "special_fund",
            "loan_principal",
            "loan_rate",
            "loan_months",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (
            "licence_fee",
            "equipment",
            "integration",
            "training",
            "maintenance",
            "reference_cost",
            "special_fund",
            "loan_principal",
        ):
            label = self.fields[name].label
            self.fields[name] = MoneyField(label=label, required=name == "reference_cost")
        self.fields["loan_months"].help_text = _(
            "The paper proposes 12 months of loan interest subsidy."
        )

    def clean(self):
        cleaned = super().clean()
        for name in (
            "licence_fee",
            "equipment",
            "integration",
            "training",
            "maintenance",
            "special_fund",
            "loan_principal",
        ):
            if cleaned.get(name) is None:
                cleaned[name] = Decimal(0)
        return cleaned

    def _post_clean(self):
        # The derived amounts are computed by the service; skip model validation of them here.
        pass


class BreaksWidget(forms.Widget):
    """Rows of start and end times (breaks_start / breaks_end), one row a break; the script
    static/js/fair_breaks.js adds and removes rows, and without it one empty row is offered."""

    template_name = "matchmaking/widgets/breaks.html"

    def value_from_datadict(self, data, files, name):
        starts, ends = data.getlist(f"{name}_start"), data.getlist(f"{name}_end")
        return [[a, b] for a, b in zip(starts, ends, strict=False)]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_start" not in data and f"{name}_end" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = [list(row) for row in (value or []) if isinstance(row, list | tuple)]
        context["widget"]["rows"] = [*rows, ["", ""]]  # room for one more without the script
        return context


class BreaksField(forms.Field):
    widget = BreaksWidget

    def to_python(self, value):
        return [list(row) for row in value or []]


class FairForm(forms.ModelForm):
    """Announce or edit a fair; the breaks are checked by services.fairs.clean_breaks."""

    breaks = BreaksField(
        label=_("Breaks"),
        required=False,
        help_text=_("No meetings start inside a break, such as lunch from 12:00 to 13:30."),
    )

    class Meta:
        model = Fair
        fields = [
            "name",
            "year",
            "city",
            "venue",
            "first_day",
            "days",
            "registration_opens",
            "registration_closes",
            "day_start",
            "day_end",
            "slot_minutes",
            "breaks",
            "tables",
            "max_meetings",
            "organisers",
        ]
        widgets = {
            "first_day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_opens": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_closes": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "day_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "organisers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None or not permissions.is_admin(user):
            del self.fields["organisers"]
        else:
            self.fields["organisers"].queryset = Organisation.objects.filter(
                kind=OrganisationKind.STATION
            ).order_by("name")

    def clean(self):
        from matchmaking.services.fairs import clean_breaks

        cleaned = super().clean()
        start, end = cleaned.get("day_start"), cleaned.get("day_end")
        if start and end and start >= end:
            self.add_error("day_end", _("The meetings end after they start."))
        opens, closes = cleaned.get("registration_opens"), cleaned.get("registration_closes")
        if opens and closes and opens > closes:
            self.add_error("registration_closes", _("Registration closes after it opens."))
        if "breaks" in cleaned:
            try:
                cleaned["breaks"] = clean_breaks(cleaned["breaks"], start, end)
            except ValidationError as error:
                self.add_error("breaks", error.message_dict["breaks"])
        return cleaned
