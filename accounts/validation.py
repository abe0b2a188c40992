"""Pure validators for Chinese identifiers: credit codes, phone numbers, patent numbers.

No Django here on purpose: these functions are unit-tested (and property-tested) without a
database or settings, and the form/model layer maps the returned error codes to translated
messages.

Conventions, identical for the three kinds of value:

* ``<kind>_error(value) -> str | None`` returns ``None`` when the value is valid, otherwise a
  short, stable machine error code (listed in the ``*_ERRORS`` tuples below; never shown to
  users as is).
* ``normalise_<kind>(value) -> str`` returns the canonical form to store and display. It never
  raises: for an invalid value it returns a best-effort cleaned string (full-width characters
  folded, spaces trimmed), so validate first and store only what passes.

All functions first fold full-width characters with NFKC, because Chinese input methods
routinely produce "９１１１…" or "（０２８）" and those are not user errors.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

import phonenumbers  # imported here: the other validators do not need it

__all__ = [
    "CREDIT_CODE_ERRORS",
    "MOBILE_ERRORS",
    "PATENT_NUMBER_ERRORS",
    "PHONE_ERRORS",
    "credit_code_check_char",
    "credit_code_error",
    "format_mobile",
    "mobile_e164",
    "mobile_error",
    "normalise_credit_code",
    "normalise_patent_number",
    "normalise_phone",
    "organisation_code_check_char",
    "patent_check_char",
    "patent_number_error",
    "phone_error",
]


def _fold(value: str) -> str:
    """NFKC-fold (full-width -> ASCII, ideographic space -> space) and trim."""
    return unicodedata.normalize("NFKC", value).strip()


# =============================================================== unified social credit code
# GB 32100-2015 统一社会信用代码: 18 characters
#   1     registration authority (登记管理部门代码)
#   2     organisation type within that authority (机构类别代码)
#   3-8   administrative division of the registering authority (GB/T 2260)
#   9-17  organisation code (主体标识码, GB 11714: 8 chars + its own check char at 17)
#   18    check character over 1-17

CREDIT_CODE_ERRORS = (
    "empty",  # nothing but whitespace
    "length",  # not exactly 18 characters (after removing spaces/hyphens)
    "charset",  # a character outside 0-9 A-Z minus I O Z S V
    "authority",  # position 1 is not a registration-authority code (1-9, A, N, Y)
    "org_type",  # position 2 is not an organisation-type digit (1-9)
    "division",  # positions 3-8 are not a 6-digit division code with a real province prefix
    "check_digit",  # position 18 does not match the GB 32100 check character
    "org_check_digit",  # position 17 does not match the GB 11714 organisation-code check
)

# The 31-character alphabet; a character's value is its index (I O Z S V are excluded
# because they are easily confused with 1 0 2 5 U).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}
# Weight of position i is 3**i mod 31.
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 市场监管(工商),
# A 中央军委改革和编制办公室, N 农业, Y 其他.
_AUTHORITIES = frozenset("123456789ANY")
# Province-level prefixes of GB/T 2260, plus "10" used by central-government registrations
# (e.g. 清华大学 12100000…).
# fmt: off
_PROVINCE_PREFIXES = frozenset([
    "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
    "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63",
    "64", "65", "71", "81", "82",
])
# fmt: on

# GB 11714 organisation code: values 0-9, A=10 … Z=35 (the full Latin alphabet: the
# standard predates the USCC alphabet), weights 3 7 9 10 5 8 4 2, check = 11 - sum mod 11
# with 10 -> "X" and 11 -> "0".
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise_credit_code(value: str) -> str:
    """Canonical credit code: full-width folded, spaces/hyphens removed, upper case."""
    return re.sub(r"[\s\-]+", "", _fold(value)).upper()


def credit_code_check_char(body: str) -> str:
    """The GB 32100 check character (position 18) for a 17-character body."""
    total = sum(_CREDIT_VALUE[ch] * w for ch, w in zip(body, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def organisation_code_check_char(body: str) -> str:
    """The GB 11714 check character for an 8-character organisation-code body."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_error(value: str) -> str | None:
    """Validate a unified social credit code; see ``CREDIT_CODE_ERRORS`` for the codes.

    Checks run from the cheapest to the most specific, and the overall check character is
    tested before the organisation-code one, so a single mistyped character reports
    "check_digit" (what a user needs to hear) rather than a structural error.
    """
    code = normalise_credit_code(value)
    if not code:
        return "empty"
    if len(code) != 18:
        return "length"
    if any(ch not in _CREDIT_VALUE for ch in code):
        return "charset"
    if code[0] not in _AUTHORITIES:
        return "authority"
    if code[1] not in "123456789":
        return "org_type"
    if not code[2:8].isdigit() or code[2:4] not in _PROVINCE_PREFIXES:
        return "division"
    if code[17] != credit_code_check_char(code[:17]):
        return "check_digit"
    if code[16] != organisation_code_check_char(code[8:16]):
        return "org_check_digit"
    return None


# =============================================================== phone numbers
# Mobile: 11 digits 1[3-9]…, optional +86 / 0086 / 86 country prefix.
# Landline: 0 + area code, then the local number, optional extension.
#   Area codes: 010 and 02x are 3 digits (with 8-digit local numbers); every other area code
#   is 4 digits (0 + [3-9]xx) with a 7- or 8-digit local number. Because of this rule an
#   unseparated "02885412345" is unambiguous. A local number starting with 0 means the trunk
#   prefix was typed twice; one starting with 1 is accepted (such numbers are service lines,
#   but "010-12345678" is what people write as an example, and rejecting a real number is
#   worse than accepting an odd one).
# Canonical forms: "13812345678", "028-85412345", "0851-8123456", "010-12345678-123".

PHONE_ERRORS = (
    "empty",  # nothing but whitespace
    "format",  # characters other than digits, spaces, - ( ) + and an extension marker
    "length",  # wrong number of digits for a mobile or for the local part of a landline
    "mobile_prefix",  # 11 digits starting with 1, but not 13x-19x
    "area_code",  # landline without area code, or an impossible one (00x, 01x other than 010)
    "local_number",  # local part of a landline starts with 0
    "extension",  # extension marker present but not followed by 1-6 digits
)

_EXT_MARKER_RE = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*", re.IGNORECASE)
_PHONE_CHARS_RE = re.compile(r"[\d\s\-()+]*")
_COUNTRY_PREFIX_RE = re.compile(r"^(?:\+\s*86|0086)[\s\-]*|^\(\+?86\)\s*")


def _parse_phone(value: str) -> tuple[str | None, str | None]:
    """Return (canonical form, None) or (None, error code)."""
    s = _fold(value)
    if not s:
        return None, "empty"
    # An explicit extension marker (转 / 分机 / ext / x / #) splits the string once.
    parts = _EXT_MARKER_RE.split(s, maxsplit=1)
    main, ext = (parts[0], parts[1]) if len(parts) == 2 else (s, None)
    if ext is not None and not re.fullmatch(r"\d{1,6}", ext):
        return None, "extension"
    if not _PHONE_CHARS_RE.fullmatch(main):
        return None, "format"

    international = bool(_COUNTRY_PREFIX_RE.match(main))
    main = _COUNTRY_PREFIX_RE.sub("", main)
    if "+" in main:
        return None, "format"
    digits = re.sub(r"\D", "", main)
    if international and digits[:1] not in ("", "0") and not re.fullmatch(r"1\d{10}", digits):
        digits = "0" + digits  # "+86 10 12345678" is the landline 010-12345678
    elif not international and len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]  # bare "86" before a mobile number

    if not digits:
        return None, "length"
    if digits[0] == "1":
        if ext is not None:
            return None, "format"  # mobiles have no extensions
        if len(digits) != 11:
            return None, "length"
        if digits[1] not in "3456789":
            return None, "mobile_prefix"
        return digits, None

    if digits[0] != "0" or digits[1:2] in ("", "0"):
        return None, "area_code"
    if digits[1] == "1" and not digits.startswith("010"):
        return None, "area_code"
    area_len = 3 if digits[1] in "12" else 4
    local_lengths = (8,) if area_len == 3 else (7, 8)

    # "010-12345678-123": a trailing "-digits" group is an extension when what precedes it
    # is already a complete number ("0851-812-3456" is not: 0851 + 812 is too short).
    if ext is None:
        m = re.fullmatch(r"(.*\d)\s*-\s*(\d{1,6})", main)
        if m:
            before = re.sub(r"\D", "", m.group(1))
            if international and not before.startswith("0"):
                before = "0" + before
            if len(before) - area_len in local_lengths:
                digits, ext = before, m.group(2)

    area, local = digits[:area_len], digits[area_len:]
    if len(local) not in local_lengths:
        return None, "length"
    if local[0] == "0":
        return None, "local_number"
    return f"{area}-{local}" + (f"-{ext}" if ext else ""), None


# A person's mobile number, their login and where their SMS go, is stored in E.164
# ("+8613800138000"), checked by the same rules and then by libphonenumber's numbering plan
# (which knows which 1xx blocks are allocated to mobiles). Organisations' numbers keep the
# canonical forms above: a landline's extension has no place in E.164.

MOBILE_ERRORS = (
    *PHONE_ERRORS,
    "not_mobile",  # a valid landline where a mobile number is needed
    "unallocated",  # 11 digits of the right shape in no mobile operator's block
)


def _parse_mobile(value: str) -> tuple[str | None, str | None]:

    canonical, error = _parse_phone(value)
    if error:
        return None, error
    if not re.fullmatch(r"1\d{10}", canonical):
        return None, "not_mobile"
    number = phonenumbers.parse("+86" + canonical)
    kind = phonenumbers.number_type(number)
    if not phonenumbers.is_valid_number(number) or kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None, "unallocated"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def mobile_error(value: str) -> str | None:
    """Validate a mainland mobile number; see ``MOBILE_ERRORS`` for the codes."""
    return _parse_mobile(value)[1]


def mobile_e164(value: str) -> str | None:
    """The mobile number in E.164 ("138 0013 8000" -> "+8613800138000"), None if invalid."""
    return _parse_mobile(value)[0]


def format_mobile(e164: str) -> str:
    """How people write it: "+8613800138000" -> "138 0013 8000" (other values unchanged)."""
    if re.fullmatch(r"\+861\d{10}", e164 or ""):
        digits = e164[3:]
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return e164


def phone_error(value: str) -> str | None:
    """Validate a Chinese mobile or landline number; see ``PHONE_ERRORS`` for the codes."""
    return _parse_phone(value)[1]


def normalise_phone(value: str) -> str:
    """Canonical phone number ("13812345678", "028-85412345", "010-12345678-123")."""
    canonical, _ = _parse_phone(value)
    return canonical if canonical is not None else _fold(value)


# =============================================================== patent numbers
# Chinese patent application numbers (申请号 / 专利号), with an optional "ZL" or "CN" prefix:
#   since Oct 2003: YYYY T NNNNNNN . C  (12 digits + check char)
#   before:           YY T NNNNN . C    (8 digits + check char)
#   T: 1 invention, 2 utility model, 3 design, 8 PCT invention, 9 PCT utility model.
#   C = sum(digit_i * weight_i) mod 11 with weights 2..9 repeated (2,3,…,9,2,3,4,5);
#   10 is written "X".
# Canonical form: digits, ".", check char, without prefix: "201710601862.3", "97101765.4".

PATENT_NUMBER_ERRORS = (
    "empty",  # nothing but whitespace
    "format",  # not [ZL|CN] digits [.] check char
    "length",  # digit part neither 8 nor 12 digits
    "type",  # type digit not one of 1 2 3 8 9
    "year",  # year outside 1985-2003 (8-digit form) or 2003-this year (12-digit form)
    "check_digit",  # check character does not match
)

_PATENT_RE = re.compile(r"(?:ZL|CN)?(?P<digits>\d+)\.?(?P<check>[\dX])")
_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_PATENT_TYPES = frozenset("12389")


def patent_check_char(digits: str) -> str:
    """Check character for the 8- or 12-digit part of an application number."""
    total = sum(int(d) * w for d, w in zip(digits, _PATENT_WEIGHTS, strict=False))
    return "X" if total % 11 == 10 else str(total % 11)


def _parse_patent(value: str) -> tuple[str | None, str | None]:
    compact = re.sub(r"\s+", "", _fold(value)).upper()
    if not compact:
        return None, "empty"
    m = _PATENT_RE.fullmatch(compact)
    if not m:
        return None, "format"
    digits, check = m.group("digits"), m.group("check")
    if len(digits) == 12:
        year, kind = int(digits[:4]), digits[4]
        if not 2003 <= year <= datetime.date.today().year:
            return None, "year"
    elif len(digits) == 8:
        year, kind = int(digits[:2]), digits[2]
        if not (year >= 85 or year <= 3):  # the Patent Law took effect in 1985
            return None, "year"
    else:
        return None, "length"
    if kind not in _PATENT_TYPES:
        return None, "type"
    if check != patent_check_char(digits):
        return None, "check_digit"
    return f"{digits}.{check}", None


def patent_number_error(value: str) -> str | None:
    """Validate a Chinese patent application number; see ``PATENT_NUMBER_ERRORS``."""
    return _parse_patent(value)[1]


def normalise_patent_number(value: str) -> str:
    """Canonical application number without prefix: "ZL 201710601862.3" -> "201710601862.3"."""
    canonical, _ = _parse_patent(value)
    return canonical if canonical is not None else re.sub(r"\s+", "", _fold(value)).upper()


def email_key(value: str) -> str:
    """One email address however it is typed: "Demo@X.cn", " demo@x.cn" and "dEmo@x.cn" are the
    same mailbox, so limits and uniqueness count them once."""
    return unicodedata.normalize("NFKC", value or "").strip().casefold()
