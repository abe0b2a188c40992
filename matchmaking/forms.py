import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation, Region
from accounts.widgets import RegionSearchWidget
from matchmaking import uploads
from matchmaking.enums import DeclineReason, MatchState, TransferMode
from matchmaking.models import (
    AdoptionCost,
    Category,
    Evaluation,
    ResearchResult,
    SavedSearch,
    TechnologyNeed,
    TrainingSession,
)

_WAN = re.compile(r"^\s*([\d.]+)\s*万\s*(元)?\s*$")


class MoneyField(forms.DecimalField):
    """An amount in CNY that also understands the way people write it: 20万, 150,000, ５万."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(
            attrs={"inputmode": "decimal", "placeholder": _("e.g. 50000 or 5万")}
        )

    def to_python(self, value):
        if isinstance(value, str):
            import unicodedata

            value = unicodedata.normalize("NFKC", value).replace(",", "").replace("元", "").strip()
            match = _WAN.match(value + ("" if "万" in value else ""))
            if match:
                try:
                    value = str(Decimal(match.group(1)) * 10000)
                except InvalidOperation as error:
                    raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        return super().to_python(value)


def category_field():
    return forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(parent__isnull=False).select_related("parent"),
        help_text=_("Choose the closest; the matcher reads your text too."),
    )


class ListingForm(forms.ModelForm):
    """Shared by needs and results: the organisation it is posted for, and the essentials first."""

    organisation_kind: str = ""
    organisation = forms.ModelChoiceField(
        label=_("Posted for"), queryset=Organisation.objects.none()
    )
    transfer_modes = forms.MultipleChoiceField(
        label=_("Transfer modes"),
        choices=TransferMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Fields shown under "more details" on a phone; the rest are the short form.
    detail_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"] = category_field()
        self.fields["category"].label_from_instance = lambda c: (
            f"{c.parent.display_name} · {c.display_name}"
        )
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
        return self.cleaned_data.get("region") or None

    def listing_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "organisation"}
        if data.get("region") is None:
            data.pop("region", None)
        return data


class NeedForm(ListingForm):
    organisation_kind = OrganisationKind.ENTERPRISE
    budget_min = MoneyField(label=_("Budget from (CNY)"))
    budget_max = MoneyField(label=_("Budget up to (CNY)"))
    detail_fields = ("keywords", "min_trl", "region", "visibility", "budget_public")

    class Meta:
        model = TechnologyNeed
        fields = [
            "organisation",
            "title",
            "description",
            "category",
            "budget_min",
            "budget_max",
            "budget_negotiable",
            "transfer_modes",
            "deadline",
            "keywords",
            "min_trl",
            "region",
            "visibility",
            "budget_public",
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
        help_text=_("One step a line: what | who | by when (YYYY-MM-DD) | milestone (是/否)."),
    )
    cost_lines = forms.CharField(
        label=_("Quoted costs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One cost a line: item | amount in yuan, e.g. 冷库设备 | 8万."),
    )
    staff_hours = forms.DecimalField(
        label=_("Staff hours spent"), min_value=0, max_digits=6, decimal_places=1
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
                    "milestone": milestone in ("是", "yes", "1", "y"),
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
        self.fields["loan_months"].help_text = _("The paper proposes 12 months of 贷款贴息.")

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
