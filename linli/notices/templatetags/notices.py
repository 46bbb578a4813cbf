"""Template filters for notices: masked public text, period length and days left."""

from __future__ import annotations

from datetime import date

from django import template

from linli.domain.notice_periods import days_left as _days_left
from linli.domain.notice_periods import period_days
from linli.notices.models import Notice
from linli.notices.periods import minimum_text
from linli.notices.selectors import local_today
from linli.notices.text import mask_personal_numbers

register = template.Library()


@register.filter
def public_text(value: str | None) -> str:
    """Notice text as the public sees it: mobile and ID numbers masked."""
    return mask_personal_numbers(value or "")


@register.filter
def period_length(notice: Notice) -> int:
    """Days the notice's window covers, both ends included."""
    return period_days(notice.starts_on, notice.ends_on)


@register.filter
def days_left(notice: Notice, today: date | None = None) -> int:
    """Days the notice still stays up, today and its last day included."""
    return _days_left(notice.ends_on, today or local_today())


@register.filter
def minimum_period(kind: str) -> str:
    """ "At least 30 days (Hangzhou Property Management Regulations, Art. 53)"."""
    return minimum_text(kind)
