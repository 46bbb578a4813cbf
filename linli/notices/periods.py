"""The minimum publication periods (linli.domain.notice_periods) in words people can act on."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from linli.domain.notice_periods import (
    MINIMUM_PERIODS,
    NoticeKind,
    check_period,
    earliest_end,
    period_days,
    split_source,
)
from linli.notices.models import Notice

# The instruments named in linli.domain.notice_periods, by their short names.
INSTRUMENTS = {
    "HZ-PMR": gettext_lazy("Hangzhou Property Management Regulations"),
    "JN-Elev": gettext_lazy("Jinan Rules on Adding Elevators to Existing Multi-storey Housing"),
}


def legal_source(kind: str) -> str:
    """The legal source in words ("Hangzhou Property Management Regulations, Art. 53"), or ""
    for a kind with no minimum in law."""
    instrument, article = split_source(MINIMUM_PERIODS[NoticeKind(kind)].source)
    if not instrument:
        return ""
    return _("%(instrument)s, Art. %(article)s") % {
        "instrument": INSTRUMENTS.get(instrument, instrument),
        "article": article,
    }


def minimum_text(kind: str) -> str:
    """ "At least 30 days (Hangzhou Property Management Regulations, Art. 53)"."""
    days = MINIMUM_PERIODS[NoticeKind(kind)].min_days
    source = legal_source(kind)
    if source:
        return ngettext(
            "At least %(days)d day (%(source)s)", "At least %(days)d days (%(source)s)", days
        ) % {
            "days": days,
            "source": source,
        }
    return ngettext("At least %(days)d day", "At least %(days)d days", days) % {"days": days}


def period_problem(
    kind: str, starts_on: date, ends_on: date, *, today: date | None = None
) -> str | None:
    """None when the window may be published; else a translated reason naming the minimum
    number of days and its legal source, and the earliest allowed last day."""
    reason = check_period(NoticeKind(kind), starts_on, ends_on, today=today)
    if reason is None:
        return None
    if reason == "ends_before_start":
        return _("The last day must not be before the first day.")
    if reason == "starts_in_past":
        return _("A notice cannot start before today: its period counts from the day it is posted.")
    rule = MINIMUM_PERIODS[NoticeKind(kind)]
    source = legal_source(kind)
    label = Notice.Kind(kind).label
    if source:
        rule_text = ngettext(
            "A notice of the kind “%(kind)s” must stay up for at least %(days)d day (%(source)s).",
            "A notice of the kind “%(kind)s” must stay up for at least %(days)d days (%(source)s).",
            rule.min_days,
        ) % {"kind": label, "days": rule.min_days, "source": source}
    else:
        rule_text = ngettext(
            "A notice of the kind “%(kind)s” must stay up for at least %(days)d day.",
            "A notice of the kind “%(kind)s” must stay up for at least %(days)d days.",
            rule.min_days,
        ) % {"kind": label, "days": rule.min_days}
    actual = period_days(starts_on, ends_on)
    window_text = ngettext(
        "This window covers %(actual)d day; end it on %(earliest)s or later.",
        "This window covers %(actual)d days; end it on %(earliest)s or later.",
        actual,
    ) % {
        "actual": actual,
        "earliest": date_format(earliest_end(NoticeKind(kind), starts_on), "Y-m-d"),
    }
    # Two sentences; the translator decides how they join (Chinese needs no space).
    return pgettext("two sentences", "%(first)s %(second)s") % {
        "first": rule_text,
        "second": window_text,
    }
