"""linli.domain.idcard: the GB 11643 resident ID number and the GB 32100 credit code (pure)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.domain.idcard import (
    IdNumberError,
    credit_check_char,
    id_check_char,
    is_valid_id_number,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
)


def test_check_char_of_the_standard_examples():
    # The examples printed in GB 11643-1999 and widely quoted with it.
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


def test_valid_id_number_is_returned_normalised():
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_normalize_removes_inner_spaces_and_upper_cases():
    assert normalize_id_number("110105 19491231 002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "format"),
        ("11010519491231002", "format"),  # 17 characters
        ("110105194912310021X", "format"),  # 19 characters
        ("11010519491231002Y", "format"),
        ("1101051949123100X2", "format"),  # X not at the end
        ("01010519491231002X", "format"),  # no area code starts with 0
        ("１１０１０５１９４９１２３１００２Ｘ", "format"),  # full-width digits
        ("110105194902300020", "birth_date"),  # 30 February
        ("110105189912310020", "birth_date"),  # before 1900
        ("110105194912310021", "checksum"),
        ("110105194912310020", "checksum"),
    ],
)
def test_invalid_id_numbers_say_why(text, reason):
    with pytest.raises(IdNumberError) as caught:
        validate_id_number(text)

    assert caught.value.reason == reason
    assert is_valid_id_number(text) is False


def test_birth_date_after_today_is_refused():
    body = "11010520300101001"
    text = body + id_check_char(body)

    assert is_valid_id_number(text) is True
    with pytest.raises(IdNumberError) as caught:
        validate_id_number(text, today=dt.date(2026, 11, 25))
    assert caught.value.reason == "birth_date"


def test_id_check_char_needs_seventeen_digits():
    with pytest.raises(ValueError):
        id_check_char("1101051949123100")


birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 12, 31))


@given(area=st.integers(100000, 999999), born=birth_dates, sequence=st.integers(0, 999))
def test_every_number_with_its_check_char_is_valid_and_any_other_char_is_not(area, born, sequence):
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    check = id_check_char(body)

    assert validate_id_number(body + check) == body + check
    for other in "0123456789X":
        if other != check:
            assert is_valid_id_number(body + other) is False


def test_credit_code_check_char_of_the_standard_example():
    # The example in GB 32100-2015.
    assert credit_check_char("91350100M000100Y4") == "3"
    assert validate_credit_code("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("91350100M000100Y4", "format"),  # 17 characters
        ("91350100M000100Y4I", "format"),  # I is not used
        ("91350100M000100Y44", "checksum"),
    ],
)
def test_invalid_credit_codes_say_why(text, reason):
    with pytest.raises(IdNumberError) as caught:
        validate_credit_code(text)

    assert caught.value.reason == reason
