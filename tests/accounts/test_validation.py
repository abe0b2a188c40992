"""Tests for accounts.validation: pure functions, no Django, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.validation import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_ERRORS,
    PATENT_NUMBER_ERRORS,
    PHONE_ERRORS,
    credit_code_check_char,
    credit_code_error,
    normalise_credit_code,
    normalise_patent_number,
    normalise_phone,
    organisation_code_check_char,
    patent_check_char,
    patent_number_error,
    phone_error,
)

# ------------------------------------------------------------------ unified social credit code

# Real codes. Each passes BOTH independent checks (GB 32100 position 18 and GB 11714
# position 17): a mis-remembered code would pass both only about once in 341 tries.
REAL_CREDIT_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 腾讯科技（深圳）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "12100000400000624D",  # 清华大学 (central-level public institution: 1 + 2, division 100000)
    "91330100716105852F",  # 阿里巴巴（中国）网络技术有限公司
    "91110000600037341L",  # example in python-stdnum's documentation
    "91110000802100433B",  # example given in the project brief
    "91350100M000100Y43",  # common documentation example; letters in the organisation code
]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_are_valid(code: str) -> None:
    assert credit_code_error(code) is None
    assert normalise_credit_code(code) == code


def _constructed(body17: str) -> str:
    """A valid code built from a 17-char body whose org-code check char is already right."""
    return body17 + credit_code_check_char(body17)


def test_constructed_codes_for_other_authorities() -> None:
    # No real A/N/Y codes we are sure of: build them. Body: authority, type, division,
    # organisation code 8 chars + its GB 11714 check char, then the GB 32100 check char.
    for prefix in ("Y1110000", "N2510107", "A1100000", "51510100"):
        org = "MA6CXX0B"
        code = _constructed(prefix + org + organisation_code_check_char(org))
        assert credit_code_error(code) is None, code


def test_credit_code_lowercase_spaces_and_fullwidth_are_normalised() -> None:
    assert normalise_credit_code(" 91440300708461136t ") == "91440300708461136T"
    assert normalise_credit_code("9144 0300 7084 6113 6T") == "91440300708461136T"
    assert normalise_credit_code("9144-0300-708461136-T") == "91440300708461136T"
    assert normalise_credit_code("９１４４０３００７０８４６１１３６Ｔ") == "91440300708461136T"
    assert credit_code_error("91440300708461136t") is None
    assert credit_code_error("９１４４０３００７０８４６１１３６ｔ") is None


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_one_changed_character_is_a_check_digit_error(code: str) -> None:
    # Change each of positions 9-18 (the part without structural rules) to another allowed
    # character: the weights 3**i mod 31 are all non-zero, so the check always catches it.
    for i in range(8, 18):
        for replacement in "1A":
            if code[i] == replacement:
                continue
            corrupted = code[:i] + replacement + code[i + 1 :]
            assert credit_code_error(corrupted) == "check_digit", corrupted


def test_swapped_digits_are_caught() -> None:
    code = "91110108551385082Q"
    swapped = code[:10] + code[11] + code[10] + code[12:]  # "5513…" -> "5153…"
    assert credit_code_error(swapped) == "check_digit"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("9144030070846113", "length"),  # 16
        ("91440300708461136", "length"),  # 17: check char missing
        ("91440300708461136TT", "length"),  # 19
        ("91440300708461136I", "charset"),
        ("9144030070846113OT", "charset"),
        ("91440300708461136Z", "charset"),
        ("9144030070846113ST", "charset"),
        ("91440300708461136V", "charset"),
        ("914403007084611-6T", "length"),  # hyphen removed -> 17
        ("914403007084611?6T", "charset"),
        ("01440300708461136T", "authority"),
        ("B1440300708461136T", "authority"),
        ("90440300708461136T", "org_type"),
        ("9A440300708461136T", "org_type"),
        ("914A0300708461136T", "division"),
        ("91990300708461136T", "division"),  # no province 99
        ("91000000708461136T", "division"),
    ],
)
def test_credit_code_errors(value: str, error: str) -> None:
    assert credit_code_error(value) == error
    assert error in CREDIT_CODE_ERRORS


def test_org_code_check_digit_is_checked_after_the_overall_check() -> None:
    # A fabricated code whose position 18 is right but position 17 is not: only real
    # organisation codes satisfy GB 11714.
    body = "91440300708461137"  # real code has 6 at position 17
    code = body + credit_code_check_char(body)
    assert credit_code_error(code) == "org_check_digit"


def test_check_char_zero_when_sum_is_multiple_of_31() -> None:
    # 31 - 0 = 31 wraps to 0: find a body with that property and check the round trip.
    for n in range(1000):
        body = f"9144030070846{n:04d}"
        if credit_code_check_char(body) == "0":
            break
    else:  # pragma: no cover - 1000 tries always find one
        pytest.fail("no body with check char 0")
    assert credit_code_check_char(body) == "0"


def test_organisation_code_check_char() -> None:
    # GB 11714 special values: 10 -> "X", 11 -> "0".
    assert organisation_code_check_char("19220382") == "1"
    assert organisation_code_check_char("M000100Y") == "4"
    found = {organisation_code_check_char(f"{n:08d}") for n in range(200)}
    assert {"X", "0"} <= found


_BODY_CHARS = st.sampled_from(CREDIT_CODE_ALPHABET)


@st.composite
def credit_code_bodies(draw: st.DrawFn) -> str:
    """A structurally valid 17-char body with a correct organisation-code check char."""
    authority = draw(st.sampled_from("123456789ANY"))
    org_type = draw(st.sampled_from("123456789"))
    province = draw(st.sampled_from(["11", "12", "31", "44", "51", "52", "65", "10"]))
    rest = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    org = draw(st.text(alphabet=_BODY_CHARS, min_size=8, max_size=8))
    org_check = organisation_code_check_char(org)
    return authority + org_type + province + rest + org + org_check


@given(credit_code_bodies())
def test_property_computed_check_char_validates(body: str) -> None:
    code = body + credit_code_check_char(body)
    assert credit_code_error(code) is None
    assert credit_code_error(code.lower()) is None


@given(credit_code_bodies(), _BODY_CHARS)
def test_property_changing_the_check_char_invalidates(body: str, other: str) -> None:
    right = credit_code_check_char(body)
    if other != right:
        assert credit_code_error(body + other) == "check_digit"


@given(credit_code_bodies(), st.integers(min_value=8, max_value=15), _BODY_CHARS)
def test_property_single_substitution_in_org_code_is_caught(
    body: str, position: int, replacement: str
) -> None:
    code = body + credit_code_check_char(body)
    corrupted = code[:position] + replacement + code[position + 1 :]
    if corrupted != code:
        assert credit_code_error(corrupted) == "check_digit"


# ------------------------------------------------------------------ phone numbers


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        # mobiles
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("86 13800138000", "13800138000"),
        ("(+86) 199 1234 5678", "19912345678"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits from an IME
        ("16612345678", "16612345678"),
        # landlines
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("(028)85412345", "028-85412345"),
        ("（028）85412345", "028-85412345"),  # full-width brackets
        ("028 8541 2345", "028-85412345"),
        ("02885412345", "028-85412345"),
        ("0851-8123456", "0851-8123456"),
        ("0851-812-3456", "0851-8123456"),
        ("0851 86812345", "0851-86812345"),
        ("+86 28 85412345", "028-85412345"),
        ("+86-10-12345678", "010-12345678"),
        # extensions
        ("010-12345678-123", "010-12345678-123"),
        ("010-12345678转123", "010-12345678-123"),
        ("010-12345678 转 8001", "010-12345678-8001"),
        ("028-85412345 ext. 12", "028-85412345-12"),
        ("0851-8123456 x 9", "0851-8123456-9"),
        ("0851-8123456分机66", "0851-8123456-66"),
    ],
)
def test_valid_phones(value: str, canonical: str) -> None:
    assert phone_error(value) is None, value
    assert normalise_phone(value) == canonical


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("1380013800", "length"),  # 10 digits
        ("138001380001", "length"),  # 12 digits
        ("12012345678", "mobile_prefix"),
        ("11012345678", "mobile_prefix"),
        ("tel 13800138000", "format"),
        ("138.0013.8000", "format"),
        ("13800138000转12", "format"),  # mobiles have no extension
        ("85412345", "area_code"),  # landline without area code
        ("001-12345678", "area_code"),
        ("011-12345678", "area_code"),
        ("010-1234567", "length"),  # big-city numbers have 8 digits
        ("028-854123", "length"),
        ("0851-812345", "length"),
        ("0851-812345678", "length"),
        ("028-05412345", "local_number"),
        ("0851-0812345", "local_number"),
        ("010-12345678转", "extension"),
        ("010-12345678转abc", "extension"),
        ("010-12345678 ext 1234567", "extension"),
    ],
)
def test_invalid_phones(value: str, error: str) -> None:
    assert phone_error(value) == error, value
    assert error in PHONE_ERRORS


def test_normalise_phone_leaves_invalid_values_readable() -> None:
    assert normalise_phone(" 12345 ") == "12345"
    assert normalise_phone("１２３") == "123"


@given(
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.sampled_from(["", "+86 ", "0086", "86-"]),
    st.sampled_from([" ", "-", ""]),
)
def test_property_mobiles(second: str, rest: str, prefix: str, sep: str) -> None:
    number = "1" + second + rest
    written = prefix + number[:3] + sep + number[3:7] + sep + number[7:]
    assert phone_error(written) is None
    assert normalise_phone(written) == number


@given(
    st.sampled_from(["010", "021", "028", "0851", "0371", "0991"]),
    st.sampled_from("123456789"),
    st.text(alphabet="0123456789", min_size=6, max_size=7),
    st.sampled_from(["-", " ", ""]),
)
def test_property_landlines(area: str, first: str, rest: str, sep: str) -> None:
    local = first + rest
    written = f"({area}){local}" if sep == "" else area + sep + local
    expected_ok = len(local) == 8 or (len(area) == 4 and len(local) == 7)
    if expected_ok:
        assert phone_error(written) is None, written
        assert normalise_phone(written) == f"{area}-{local}"
    else:
        assert phone_error(written) == "length", written


# ------------------------------------------------------------------ patent numbers


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("ZL 201710601862.3", "201710601862.3"),
        ("ZL201710601862.3", "201710601862.3"),
        ("201710601862.3", "201710601862.3"),
        ("CN201710601862.3", "201710601862.3"),
        ("zl 2017 1 0601862.3", "201710601862.3"),
        ("ZL２０１７１０６０１８６２.３", "201710601862.3"),
        ("2017106018623", "201710601862.3"),  # dot omitted
        ("ZL 202010123456.2", "202010123456.2"),
        ("97101765.4", "97101765.4"),
        ("ZL 97101765.4", "97101765.4"),
        ("95115608.X", "95115608.X"),
        ("95115608.x", "95115608.X"),
        ("200410012345.5", "200410012345.5"),
        ("201320012345.X", "201320012345.X"),
    ],
)
def test_valid_patent_numbers(value: str, canonical: str) -> None:
    assert patent_number_error(value) is None, value
    assert normalise_patent_number(value) == canonical


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", "empty"),
        ("ZL 2020 1 0123456.7", "check_digit"),  # correct check is 2
        ("ZL 201710601862.4", "check_digit"),
        ("97101765.5", "check_digit"),
        ("95115608.0", "check_digit"),
        ("ZL 201710601862", "length"),  # check char missing: 11 digits + "2"
        ("2017106018.3", "length"),
        ("ZL 201740601862.3", "type"),  # type 4 does not exist
        ("97401765.4", "type"),
        ("ZL 199910601862.3", "year"),  # 12-digit form starts in 2003
        ("ZL 209910601862.3", "year"),  # the future
        ("80101765.4", "year"),  # before the 1985 Patent Law
        ("US 201710601862.3", "format"),
        ("CN107123456A", "format"),  # a publication number, not an application number
        ("ZL 201710601862.3.3", "format"),
        ("ZL 201710601862-3", "format"),
    ],
)
def test_invalid_patent_numbers(value: str, error: str) -> None:
    assert patent_number_error(value) == error, value
    assert error in PATENT_NUMBER_ERRORS


def test_patent_check_chars_from_examples() -> None:
    assert patent_check_char("201710601862") == "3"
    assert patent_check_char("202010123456") == "2"
    assert patent_check_char("97101765") == "4"
    assert patent_check_char("95115608") == "X"


@given(
    st.integers(min_value=2003, max_value=2024),
    st.sampled_from("12389"),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.sampled_from(["ZL ", "CN", ""]),
)
def test_property_patent_round_trip(year: int, kind: str, serial: str, prefix: str) -> None:
    digits = f"{year}{kind}{serial}"
    check = patent_check_char(digits)
    assert patent_number_error(f"{prefix}{digits}.{check}") is None
    assert normalise_patent_number(f"{prefix}{digits}.{check}") == f"{digits}.{check}"
    wrong = "0" if check != "0" else "1"
    assert patent_number_error(f"{prefix}{digits}.{wrong}") == "check_digit"
