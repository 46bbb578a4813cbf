"""Area and money as exact integers: hundredths of m² and fen (ARCHITECTURE §5.1)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class AmountError(ValueError):
    """A text that is not a valid non-negative quantity with at most two decimals."""


def parse_hundredths(text: str) -> int:
    """'89.5' → 8950; '89.50' → 8950. Rejects negatives, more than 2 decimals and non-numbers."""
    cleaned = text.strip().replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise AmountError(text) from exc
    if not value.is_finite() or value < 0:
        raise AmountError(text)
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise AmountError(text)
    return int(scaled)


def format_hundredths(value: int) -> str:
    """8950 → '89.50'."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def round_fen(value: Decimal) -> int:
    """Round a yuan amount to whole fen, half up."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
