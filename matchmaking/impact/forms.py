"""Forms of what adoption changed (issue #21): evidence, its answer, trials and the contract."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from matchmaking.core.money import MoneyField
from matchmaking.core.rows import parse_lines, row_editor
from matchmaking.enums import ContractType, MetricUnit
from matchmaking.impact.models import ContractRegistration, OutcomePhoto
from matchmaking.listings.forms import PhotosField


def evidence_photos_field(form) -> PhotosField:
    # What photo_field.html and static/js/photos.js read of a form with photos.
    form.photos_kept, form.photo_room = [], OutcomePhoto.MAX_PER_RECORD
    field = PhotosField(
        label=_("Photos (optional)"),
        help_text=_(
            "Up to 4 photos of what was measured. Only the enterprise, its station and "
            "administrators see them; the place and time the phone recorded in them are removed."
        ),
    )
    field.widget.attrs["data-room"] = form.photo_room
    return field


class EvidenceForm(forms.Form):
    label = forms.CharField(label=_("What it measures"), max_length=60, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=MetricUnit.choices)
    baseline_value = forms.DecimalField(label=_("Before adoption"), max_digits=14, decimal_places=2)
    measured_value = forms.DecimalField(label=_("Measured now"), max_digits=14, decimal_places=2)
    method = forms.CharField(
        label=_("How it was measured"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. weighed three batches of 50 boxes after five days in the cold store."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"] = evidence_photos_field(self)


class EvidenceAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("confirm", _("Confirm")), ("dispute", _("Dispute"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What is wrong with it"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TrialForm(forms.Form):
    subsidy = MoneyField(label=_("Trial subsidy (yuan)"))
    milestones = forms.CharField(
        label=_("Milestones"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One milestone a line: what | acceptance criteria | tranche in yuan | by when "
            "(YYYY-MM-DD). The tranches add up to the subsidy."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row_editor(
            self.fields["milestones"],
            [
                ("title", _("What"), "text"),
                ("criteria", _("Acceptance criteria"), "text"),
                ("tranche", _("Tranche (yuan)"), "text"),
                ("due_on", _("By when"), "date"),
            ],
            _("Add a milestone"),
        )

    def clean_milestones(self):
        money = MoneyField()
        milestones = []
        for title, criteria, tranche, due in parse_lines(self.cleaned_data["milestones"], 4):
            try:
                amount = money.clean(tranche)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(amount)s” is not an amount in yuan (line “%(item)s”).")
                    % {"amount": tranche, "item": title}
                ) from error
            if due:
                try:
                    date.fromisoformat(due)
                except ValueError as error:
                    raise ValidationError(
                        _("“%(due)s” is not a date: write it as YYYY-MM-DD.") % {"due": due}
                    ) from error
            milestones.append(
                {"title": title, "criteria": criteria, "tranche": amount, "due_on": due or None}
            )
        if not milestones:
            raise ValidationError(_("Add at least one milestone."))
        return milestones


class MilestoneVerifyForm(forms.Form):
    evidence = forms.CharField(
        label=_("What you saw that meets the criteria"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"] = evidence_photos_field(self)


class TrialFailForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the trial failed"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContractForm(forms.ModelForm):
    amount = MoneyField(label=_("Contract amount (yuan)"))
    technical_income = MoneyField(
        label=_("Technical income (yuan)"),
        help_text=_(
            "Technical income: the amount less what is not technology (equipment, materials, "
            "hardware bought for the contract)."
        ),
    )

    class Meta:
        model = ContractRegistration
        fields = [
            "contract_type",
            "subject",
            "amount",
            "technical_income",
            "signed_on",
            "valid_from",
            "valid_to",
            "place_signed",
            "registration_number",
            "registered_on",
        ]
        widgets = {
            "subject": forms.Textarea(attrs={"rows": 3}),
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "registration_number": _("When the registration office gives it back."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract_type"].choices = ContractType.choices

    def clean(self):
        cleaned = super().clean()
        amount, income = cleaned.get("amount"), cleaned.get("technical_income")
        if amount is not None and income is not None and income > amount:
            self.add_error(
                "technical_income", _("The technical income cannot be more than the amount.")
            )
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The contract cannot end before it starts."))
        if cleaned.get("registered_on") and not cleaned.get("registration_number"):
            self.add_error("registration_number", _("Enter the registration number."))
        return cleaned
