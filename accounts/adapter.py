"""django-allauth, adapted: mobile numbers live on our User, codes go out as SMS.

allauth runs the phone flows (sign-up by number, login by code, verifying a number): codes,
their expiry, tries and rate limits are its own, set in config/settings.py. The username and
password pages stay Django's (accounts/urls.py), with django-axes in front of them.
"""

from __future__ import annotations

import logging
import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import sms
from accounts.forms import MobileNumberField
from accounts.models import User
from accounts.sms import catalogue

logger = logging.getLogger(__name__)

# A password Django marks unusable starts with "!": accounts made by phone or by a station.
_UNUSABLE_PASSWORD_PREFIX = "!"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth says this when a code has had its 5 wrong tries (a message on the page)...
        "too_many_login_attempts": _(
            "The code was wrong 5 times, so it no longer works. Ask for a new code."
        ),
        # ... and when a number may not get another code yet (a form error): see below.
        "code_rate_limited": _(
            "A code was sent to this number less than a minute ago, or too many today. "
            "Please wait a minute and try again, or use the last code you received."
        ),
        "rate_limited": _("Too many codes were asked for. Please wait a minute."),
        "phone_taken": _("This mobile number already belongs to an account."),
        "unknown_phone": _("No account uses this mobile number."),
    }

    def validation_error(self, code: str, *args):
        # The request form raises "too_many_login_attempts" when its rate limit refuses: for
        # a person that is about sending codes, not about wrong ones.
        if code == "too_many_login_attempts":
            code = "code_rate_limited"
        return super().validation_error(code, *args)

    # -------------------------------------------------------------- where the number lives

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        if user.phone.startswith("+"):
            return user.phone, user.phone_verified
        return None

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        if verified:
            self.set_phone_verified(user, phone)
            return
        user.phone, user.phone_verified = phone, False
        user.save(update_fields=["phone", "phone_verified"])

    @transaction.atomic
    def set_phone_verified(self, user: User, phone: str) -> None:
        """Whoever proves they hold the number now holds it: another account that had it
        verified (an old owner of a recycled number) keeps it, unverified."""
        User.objects.filter(phone=phone, phone_verified=True).exclude(pk=user.pk).update(
            phone_verified=False
        )
        user.phone, user.phone_verified = phone, True
        user.save(update_fields=["phone", "phone_verified"])

    def get_user_by_phone(self, phone: str) -> User | None:
        """The account that verified the number; failing that, the one passwordless account
        given it (made by a station, or a sign-up not finished), whose owner takes it over
        with the code. A number merely typed into a password account's profile logs nobody
        into that account."""
        user = User.objects.filter(phone=phone, phone_verified=True, is_active=True).first()
        if user is not None:
            return user
        candidates = list(
            User.objects.filter(
                phone=phone,
                phone_verified=False,
                is_active=True,
                password__startswith=_UNUSABLE_PASSWORD_PREFIX,
            )[:2]
        )
        return candidates[0] if len(candidates) == 1 else None

    def phone_form_field(self, **kwargs):
        return MobileNumberField(**kwargs)

    # -------------------------------------------------------------- the SMS

    def _send(self, phone: str, kind: str, params: dict) -> None:
        try:
            sms.send_sms(phone, kind, params)
        except sms.SmsError as error:
            # Never the code itself: only which kind failed and the provider's answer.
            logger.warning("SMS %s to %s failed: %s", kind, phone[:6] + "*****", error.code)
            request = context.request
            if request is not None:
                messages.error(
                    request,
                    _("The SMS could not be sent just now. Please try again in a minute."),
                )

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        self._send(phone, catalogue.VERIFICATION_CODE, {"code": code})

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        # Login by code for a number with no account: the page cannot say so (that would
        # tell anyone which numbers are registered), the SMS does.
        self._send(phone, catalogue.NO_ACCOUNT, {"link": self._absolute("account_signup")})

    def send_account_already_exists_sms(self, phone: str) -> None:
        self._send(
            phone,
            catalogue.ACCOUNT_EXISTS,
            {"link": self._absolute("account_request_login_code")},
        )

    def _absolute(self, name: str) -> str:

        return settings.SITE_URL + reverse(name)

    # -------------------------------------------------------------- accounts

    def populate_username(self, request, user: User) -> None:
        """Accounts made by phone get a username nobody has to type: m + 8 hex digits."""
        if user.username:
            return
        while True:
            username = f"m{secrets.token_hex(4)}"
            if not User.objects.filter(username=username).exists():
                user.username = username
                return

    def get_signup_redirect_url(self, request) -> str:
        return reverse("organisation-start")

    def is_reauthentication_required(self, *, app: str) -> bool:
        # Changing the number is proved by a code sent to the new number; passwordless
        # accounts would have nothing else to re-authenticate with.
        return False
