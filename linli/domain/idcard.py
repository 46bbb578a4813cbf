"""Chinese identity numbers: the resident ID number (GB 11643-1999) and the unified social
credit code of organisations (GB 32100-2015). Pure functions, standard library only.

A resident ID number has 18 characters: a 6-digit area code, the date of birth (YYYYMMDD),
a 3-digit sequence and a check character (0-9 or X) computed with ISO 7064 MOD 11-2. The
residence permits of Hong Kong, Macao and Taiwan residents and the 2023 permanent residence
ID cards of foreigners use the same layout and checksum.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

IdReason = Literal["format", "birth_date", "checksum"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ASCII_DIGITS = frozenset("0123456789")

# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^i mod 31.
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class IdNumberError(ValueError):
    """An invalid identity number; `reason` names the broken rule: format, birth_date, checksum."""

    def __init__(self, text: str, reason: IdReason) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason: IdReason = reason


def normalize_id_number(text: str) -> str:
    """Strip spaces and upper-case a trailing x: ' 11010519491231002x ' → '11010519491231002X'."""
    return "".join(text.split()).upper()


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not set(first17) <= _ASCII_DIGITS:
        raise ValueError("17 ASCII digits expected")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def validate_id_number(text: str, *, today: dt.date | None = None) -> str:
    """Return the normalised 18-character resident ID number, or raise `IdNumberError`.

    Checks, in order: the shape (17 digits and a digit or X, no leading zero), a real date of
    birth from 1900 on (and not after `today` when given), then the check character.
    """
    value = normalize_id_number(text)
    body, check = value[:17], value[17:]
    if (
        len(value) != 18
        or not set(body) <= _ASCII_DIGITS
        or not (check in _ASCII_DIGITS or check == "X")
        or body[0] == "0"
    ):
        raise IdNumberError(text, "format")
    try:
        born = dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError as exc:
        raise IdNumberError(text, "birth_date") from exc
    if born.year < 1900 or (today is not None and born > today):
        raise IdNumberError(text, "birth_date")
    if id_check_char(body) != check:
        raise IdNumberError(text, "checksum")
    return value


def is_valid_id_number(text: str, *, today: dt.date | None = None) -> bool:
    try:
        validate_id_number(text, today=today)
    except IdNumberError:
        return False
    return True


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or not all(ch in _CREDIT_CHARS for ch in first17):
        raise ValueError("17 credit-code characters expected")
    total = sum(
        _CREDIT_CHARS.index(ch) * weight
        for ch, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(text: str) -> str:
    """Return the normalised 18-character unified social credit code, or raise `IdNumberError`."""
    value = normalize_id_number(text)
    if len(value) != 18 or not all(ch in _CREDIT_CHARS for ch in value):
        raise IdNumberError(text, "format")
    if credit_check_char(value[:17]) != value[17]:
        raise IdNumberError(text, "checksum")
    return value
