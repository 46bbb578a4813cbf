"""A motion's lifecycle and its legal periods: notice before voting, and the voting window.

HZ-PMR Art. 19: a regular meeting is announced at least 15 days ahead, an extraordinary one
at least 7; "N days before" holds when `opens_on − announced_on ≥ N` calendar days
(DOMAIN-RULES §2.2, vectors D1–D3). HZ-PMR Art. 20: voting lasts at least 5 and at most 60
days, counting both the first and the last day (vectors P1, P2). Rest days do not move these
dates here (CC Art. 203 and the holiday calendar are a separate concern).

The lifecycle is an explicit transition table: draft → announced → open → closed → tallied →
published, with cancellation before voting opens and extension while open.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from linli.domain.notice_periods import period_days


class MeetingKind(StrEnum):
    REGULAR = "regular"
    EXTRAORDINARY = "extraordinary"


NOTICE_DAYS: dict[MeetingKind, int] = {
    MeetingKind.REGULAR: 15,
    MeetingKind.EXTRAORDINARY: 7,
}
MIN_VOTING_DAYS = 5
MAX_VOTING_DAYS = 60


def voting_days(opens_on: date, closes_on: date) -> int:
    """Days in a voting window, both ends included (2025-07-30 to 2025-08-09 is 11)."""
    return period_days(opens_on, closes_on)


def check_voting_period(opens_on: date, closes_on: date) -> str | None:
    """None when the window lasts 5 to 60 days inclusive; otherwise a reason code.

    Codes, checked in this order: "closes_before_opens", "too_short", "too_long".
    """
    if closes_on < opens_on:
        return "closes_before_opens"
    days = voting_days(opens_on, closes_on)
    if days < MIN_VOTING_DAYS:
        return "too_short"
    if days > MAX_VOTING_DAYS:
        return "too_long"
    return None


def earliest_opening(announced_on: date, kind: MeetingKind) -> date:
    """The first day voting may open after an announcement on `announced_on`."""
    return announced_on + timedelta(days=NOTICE_DAYS[kind])


def check_notice(announced_on: date, opens_on: date, kind: MeetingKind) -> str | None:
    """None when voting opens no earlier than `earliest_opening`; else "notice_too_short"."""
    if opens_on < earliest_opening(announced_on, kind):
        return "notice_too_short"
    return None


class Status(StrEnum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    OPEN = "open"
    CLOSED = "closed"
    TALLIED = "tallied"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Action(StrEnum):
    ANNOUNCE = "announce"
    OPEN = "open"
    CLOSE = "close"
    TALLY = "tally"
    PUBLISH = "publish"
    CANCEL = "cancel"
    EXTEND = "extend"


# Every legal move; any (status, action) pair not listed is illegal. PUBLISHED and CANCELLED
# are final. A motion cannot be cancelled once voting has opened: ballots have been cast.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.ANNOUNCE): Status.ANNOUNCED,
    (Status.ANNOUNCED, Action.OPEN): Status.OPEN,
    (Status.OPEN, Action.CLOSE): Status.CLOSED,
    (Status.CLOSED, Action.TALLY): Status.TALLIED,
    (Status.TALLIED, Action.PUBLISH): Status.PUBLISHED,
    (Status.DRAFT, Action.CANCEL): Status.CANCELLED,
    (Status.ANNOUNCED, Action.CANCEL): Status.CANCELLED,
    (Status.OPEN, Action.EXTEND): Status.OPEN,
}


class IllegalTransition(ValueError):
    """An action that the transition table does not allow from a status."""

    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"cannot {action} a motion that is {status}")
        self.status = status
        self.action = action


def next_status(status: Status, action: Action) -> Status:
    """The status after `action`; raises IllegalTransition for a pair not in TRANSITIONS."""
    try:
        return TRANSITIONS[status, action]
    except KeyError:
        raise IllegalTransition(status, action) from None


def can_vote(status: Status) -> bool:
    """Whether ballots may be cast: only while the motion is OPEN."""
    return status == Status.OPEN
