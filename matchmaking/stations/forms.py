from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from matchmaking.core.money import MoneyField
from matchmaking.core.rows import parse_lines, row_editor
from matchmaking.models import (
    AdoptionCost,
    Evaluation,
    TrainingSession,
)
from matchmaking.stations.models import Recommendation

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
        row_editor(
            self.fields["steps"],
            [
                ("title", _("What"), "text"),
                ("owner", _("Who"), "text"),
                ("due", _("By when"), "date"),
                ("milestone", _("Milestone"), "checkbox"),
            ],
            _("Add a step"),
        )
        row_editor(
            self.fields["cost_lines"],
            [("item", _("Item"), "text"), ("amount", _("Amount (yuan)"), "text")],
            _("Add a cost"),
        )

    def clean_steps(self):
        """The rows as the service takes them; it checks them (stations.services._clean_steps),
        for this form and the API alike, and its messages come back beside this field."""
        return [
            {
                "title": title,
                "owner": owner,
                "due": due,
                "milestone": milestone.lower() in ("是", "yes", "1", "y", "true"),
            }
            for title, owner, due, milestone in parse_lines(self.cleaned_data["steps"], 4)
        ]

    def clean_cost_lines(self):
        field = MoneyField()
        lines = []
        for item, amount in parse_lines(self.cleaned_data["cost_lines"], 2):
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
        row_editor(
            self.fields["attendance"],
            [
                ("name", _("Enterprise (name or credit code)"), "text"),
                ("people", _("People"), "number"),
            ],
            _("Add an enterprise"),
        )

    def clean_attendance(self):
        found = []
        for name, people in parse_lines(self.cleaned_data["attendance"], 2):
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
