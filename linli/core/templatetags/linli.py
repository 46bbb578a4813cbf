"""Template filters for masked personal data, money and area."""

from __future__ import annotations

from django import template

from linli.domain import masking
from linli.domain.units import format_hundredths

register = template.Library()


@register.filter
def mask_name(value: str) -> str:
    return masking.mask_name(value or "")


@register.filter
def mask_phone(value: str) -> str:
    return masking.mask_phone(value or "")


@register.filter
def mask_id(value: str) -> str:
    return masking.mask_id_number(value or "")


@register.filter
def area(value: int | None) -> str:
    """Hundredths of m² as '89.50'."""
    return "" if value is None else format_hundredths(int(value))


@register.filter
def yuan(value: int | None) -> str:
    """Fen as '1,234.56'."""
    if value is None:
        return ""
    text = format_hundredths(int(value))
    whole, frac = text.split(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{frac}"
