"""Django validators wrapping the pure checks in accounts.validation with translated messages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import validation

_CREDIT_CODE_MESSAGES = {
    "empty": _("Enter the unified social credit code."),
    "length": _("A unified social credit code has exactly 18 characters."),
    "charset": _(
        "A unified social credit code uses only digits and capital letters (no I, O, Z, S or V)."
    ),
    "authority": _("The first character of a unified social credit code is 1-9, A, N or Y."),
    "org_type": _("The second character of a unified social credit code is a digit 1-9."),
    "division": _(
        "Characters 3 to 8 must be the 6-digit code of a Chinese administrative division."
    ),
    "check_digit": _(
        "This unified social credit code is not valid: its last character (the check digit) "
        "does not match. Please check for a typing error."
    ),
    "org_check_digit": _(
        "This unified social credit code is not valid: its 17th character (the organisation "
        "code check digit) does not match. Please check for a typing error."
    ),
}
_PHONE_MESSAGES = {
    "empty": _("Enter a phone number."),
    "mobile_prefix": _("Mobile numbers start with 13 to 19."),
    "area_code": _("A landline needs its area code, e.g. 028-85412345."),
    "extension": _("An extension is 1 to 6 digits, e.g. 028-85412345-123."),
}
_PATENT_MESSAGES = {
    "type": _("The patent type digit (after the year) must be 1, 2, 3, 8 or 9."),
    "year": _("The year in this patent number is not possible."),
    "check_digit": _(
        "The check digit of this patent number does not match: please check for a typing error."
    ),
}


def validate_credit_code(value: str) -> None:
    error = validation.credit_code_error(value)
    if error:
        message = _CREDIT_CODE_MESSAGES.get(
            error, _("Enter a valid 18-character unified social credit code.")
        )
        raise ValidationError(message, code=f"credit_code_{error}")


def validate_phone(value: str) -> None:
    error = validation.phone_error(value)
    if error:
        message = _PHONE_MESSAGES.get(
            error,
            _(
                "Enter a mainland mobile number (e.g. 138 0013 8000) or a landline with its "
                "area code (e.g. 028-85412345)."
            ),
        )
        raise ValidationError(message, code=f"phone_{error}")


_MOBILE_MESSAGES = {
    "empty": _("Enter a mobile number."),
    "mobile_prefix": _("Mobile numbers start with 13 to 19."),
    "not_mobile": _("This is a landline: enter a mobile number, which can receive SMS."),
    "unallocated": _("No mobile operator uses this number. Please check for a typing error."),
}


def validate_mobile(value: str) -> None:
    error = validation.mobile_error(value)
    if error:
        message = _MOBILE_MESSAGES.get(
            error, _("Enter a mainland mobile number of 11 digits, e.g. 138 0013 8000.")
        )
        raise ValidationError(message, code=f"mobile_{error}")


def validate_patent_number(value: str) -> None:
    error = validation.patent_number_error(value)
    if error:
        message = _PATENT_MESSAGES.get(
            error,
            _(
                "Enter a Chinese patent or application number such as ZL 201710601862.3 "
                "or 97101765.4."
            ),
        )
        raise ValidationError(message, code=f"patent_{error}")
