"""Owners' committee (业委会) size, formation and candidate publicity (DOMAIN-RULES §2.3).

HZ-PMR Art. 27: a committee has 5 to 11 members, an odd number; an area of 100 households or
fewer may have 3. It is formed even with fewer members elected than the community's rules
specify, provided the number elected is at least the legal minimum and more than half of the
specified number. HZ-PMR Art. 26: the candidate list is published for at least 7 days, and
the publication ends at least 15 days before the election.

Vote counting for the election itself is `choices.tally_elect`.
"""

from __future__ import annotations

from datetime import date

from linli.domain.notice_periods import NoticeKind, minimum_days, period_days

SMALL_AREA_HOUSEHOLDS = 100
SMALL_AREA_MINIMUM = 3
MINIMUM_SIZE = 5
MAXIMUM_SIZE = 11
# HZ-PMR Art. 26: days the candidate list stays published, and the clear days between the
# end of that publication and the first day of voting.
CANDIDATE_PUBLICITY_DAYS = minimum_days(NoticeKind.ELECTION_CANDIDATES)
CANDIDATE_PUBLICITY_LEAD_DAYS = 15


def legal_minimum(households: int) -> int:
    """The smallest committee the law allows: 3 for 100 households or fewer, else 5.

    Raises ValueError for a negative number of households.
    """
    if households < 0:
        raise ValueError("households cannot be negative")
    return SMALL_AREA_MINIMUM if households <= SMALL_AREA_HOUSEHOLDS else MINIMUM_SIZE


def check_committee_size(size: int, households: int) -> str | None:
    """None when `size` is a lawful committee size for the area; otherwise a reason code.

    Codes, checked in this order: "too_small" (below `legal_minimum`), "too_large" (above 11),
    "even". Invariant: every accepted size is odd and lies in legal_minimum(households)..11.
    """
    if size < legal_minimum(households):
        return "too_small"
    if size > MAXIMUM_SIZE:
        return "too_large"
    if size % 2 == 0:
        return "even"
    return None


def committee_formed(elected: int, specified: int, households: int) -> bool:
    """Whether a committee is formed with `elected` members of the `specified` number.

    Invariant: formed exactly when elected ≥ legal_minimum(households) and 2·elected >
    specified (more than half, compared in integers).
    """
    return elected >= legal_minimum(households) and 2 * elected > specified


def check_candidate_publicity(starts_on: date, ends_on: date, vote_opens_on: date) -> str | None:
    """None when the candidate list's publication satisfies HZ-PMR Art. 26; else a reason code.

    The publication counts both its first and last day (as `notice_periods.period_days`) and
    must cover at least 7 days; `vote_opens_on − ends_on` must be at least 15 days. Codes,
    checked in this order: "ends_before_start", "too_short", "too_late".
    """
    if ends_on < starts_on:
        return "ends_before_start"
    if period_days(starts_on, ends_on) < CANDIDATE_PUBLICITY_DAYS:
        return "too_short"
    if (vote_opens_on - ends_on).days < CANDIDATE_PUBLICITY_LEAD_DAYS:
        return "too_late"
    return None
