from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from accounts.enums import OrganisationKind
from accounts.models import Organisation, Region, User
from accounts.validation import normalise_credit_code, normalise_phone
from accounts.widgets import RegionSearchWidget


class SignUpForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone"]
        labels = {"username": _("Username")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("Used to reset your password and for notifications.")

    def clean_email(self):
        return _unique_email(self.cleaned_data.get("email", ""), self.instance)

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return normalise_phone(phone) if phone else phone


def _unique_email(email: str, user: User) -> str:
    """One account per email address, whatever the letter case."""
    email = (email or "").strip()
    if selectors.email_taken(email, besides=user):
        raise forms.ValidationError(
            _(
                "Another account already uses this email address. Log in with it, or reset "
                "its password if you have forgotten it."
            ),
            code="email_taken",
        )
    return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "language"]

    def clean_email(self):
        return _unique_email(self.cleaned_data.get("email", ""), self.instance)

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return normalise_phone(phone) if phone else phone


class OrganisationForm(forms.ModelForm):
    """The organisation a person creates at sign-up (enterprises and institutions).

    Stations and authorities are set up by administrators.
    """

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (OrganisationKind.ENTERPRISE, _("Enterprise, co-operative or online shop")),
            (OrganisationKind.INSTITUTION, _("University, research institute or transfer office")),
        ],
        widget=forms.RadioSelect,
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        widget=RegionSearchWidget(levels="2,3"),
        help_text=_("The county or city where the organisation is registered."),
    )

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "credit_code",
            "region",
            "address",
            "contact_name",
            "phone",
            "email",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data["credit_code"])

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class OrganisationEditForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = [f for f in OrganisationForm.Meta.fields if f not in ("kind", "credit_code")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("kind", None)


class JoinRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), widget=forms.HiddenInput
    )
    message = forms.CharField(
        label=_("Message to the owner"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say who you are, so the owner recognises you."),
    )
