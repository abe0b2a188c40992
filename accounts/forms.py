from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from accounts.enums import OrganisationKind
from accounts.models import Organisation, Region, User
from accounts.validation import format_mobile, mobile_e164, normalise_credit_code, normalise_phone
from accounts.validators import validate_mobile
from accounts.widgets import RegionSearchWidget


class MobileNumberField(forms.CharField):
    """A mainland mobile number as people write it ("138 0013 8000", "+86 138…", full-width
    digits), cleaned to E.164 ("+8613800138000") and shown back in the written form."""

    default_validators = [validate_mobile]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel-national", "placeholder": "138 0013 8000"}
        )

    def prepare_value(self, value):
        return format_mobile(value) if isinstance(value, str) else value

    def clean(self, value):
        value = super().clean(value)
        return (mobile_e164(value) or value) if value else value


class SignUpForm(UserCreationForm):
    """Sign-up with a username and a password; the mobile number and email are optional."""

    phone = MobileNumberField(
        required=False,
        help_text=_("We send a code to verify it before anyone can reach you on it."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone"]
        labels = {"username": _("Username")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False
        self.fields["email"].help_text = _(
            "Optional. Used to reset your password and for notifications."
        )

    def clean_email(self):
        return _unique_email(self.cleaned_data.get("email", ""), self.instance)


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
    """The mobile number is changed on its own page, where a code verifies it."""

    class Meta:
        model = User
        fields = ["full_name", "email", "language"]

    def clean_email(self):
        return _unique_email(self.cleaned_data.get("email", ""), self.instance)


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


class PhoneSignupForm(forms.Form):
    """What allauth's sign-up by mobile number asks besides the number (allauth adds the
    number, and the optional email, itself: ACCOUNT_SIGNUP_FIELDS)."""

    full_name = forms.CharField(label=_("Full name"), max_length=100)

    field_order = ["full_name", "phone", "email"]

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class EnterpriseAccountForm(forms.ModelForm):
    """A station opens an account for an enterprise it serves: the owner's mobile number and
    name, and the enterprise."""

    full_name = forms.CharField(label=_("Owner's name"), max_length=100)
    phone = MobileNumberField(
        label=_("Owner's mobile number"),
        help_text=_("The owner logs in with a code sent to this number; no password needed."),
    )
    region = forms.ModelChoiceField(
        label=_("County"),
        queryset=Region.objects.all(),
        widget=RegionSearchWidget(levels="3"),
        help_text=_("A county your station serves."),
    )

    field_order = ["full_name", "phone", "name", "credit_code", "region", "address", "description"]

    class Meta:
        model = Organisation
        fields = ["name", "credit_code", "region", "address", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data["credit_code"])

    def _post_clean(self):
        # The service builds and checks the organisation (kind, contact, verification).
        pass
