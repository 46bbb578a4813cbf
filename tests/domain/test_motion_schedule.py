"""DOMAIN-RULES §9.4 vectors P1, P2 (HZ-PMR Art. 20) and D1–D3 (HZ-PMR Art. 19), and the whole
motion transition table. Pure unit tests: no database.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from linli.domain.motion_schedule import (
    MAX_VOTING_DAYS,
    MIN_VOTING_DAYS,
    NOTICE_DAYS,
    TRANSITIONS,
    Action,
    IllegalTransition,
    MeetingKind,
    Status,
    can_vote,
    check_notice,
    check_voting_period,
    earliest_opening,
    next_status,
    voting_days,
)

OPENS = date(2025, 7, 1)


# P1: a window of n days, counted inclusive of both ends.
@pytest.mark.parametrize(
    ("days", "expected"), [(4, "too_short"), (5, None), (60, None), (61, "too_long")]
)
def test_p1_voting_period_of_five_to_sixty_days(days, expected):
    closes = OPENS + timedelta(days=days - 1)
    assert voting_days(OPENS, closes) == days
    assert check_voting_period(OPENS, closes) == expected


def test_p1_limits():
    assert (MIN_VOTING_DAYS, MAX_VOTING_DAYS) == (5, 60)


def test_p2_voting_window_counts_both_ends():
    assert voting_days(date(2025, 7, 30), date(2025, 8, 9)) == 11
    assert check_voting_period(date(2025, 7, 30), date(2025, 8, 9)) is None


def test_one_day_window_is_too_short_and_backwards_window_is_rejected():
    assert voting_days(OPENS, OPENS) == 1
    assert check_voting_period(OPENS, OPENS) == "too_short"
    assert check_voting_period(OPENS, OPENS - timedelta(days=1)) == "closes_before_opens"


# D1–D3: (kind, announced, opens, expected)
D_VECTORS = [
    ("D1", MeetingKind.REGULAR, date(2025, 3, 1), date(2025, 3, 16), None),
    ("D2", MeetingKind.REGULAR, date(2025, 3, 1), date(2025, 3, 15), "notice_too_short"),
    ("D3", MeetingKind.EXTRAORDINARY, date(2025, 3, 1), date(2025, 3, 8), None),
]


@pytest.mark.parametrize(
    ("vid", "kind", "announced", "opens", "expected"), D_VECTORS, ids=[v[0] for v in D_VECTORS]
)
def test_d_notice_vectors(vid, kind, announced, opens, expected):
    assert check_notice(announced, opens, kind) == expected


def test_earliest_opening_after_notice():
    assert NOTICE_DAYS == {MeetingKind.REGULAR: 15, MeetingKind.EXTRAORDINARY: 7}
    assert earliest_opening(date(2025, 3, 1), MeetingKind.REGULAR) == date(2025, 3, 16)
    assert earliest_opening(date(2025, 3, 1), MeetingKind.EXTRAORDINARY) == date(2025, 3, 8)
    # Across a month end and into a leap day.
    assert earliest_opening(date(2024, 2, 14), MeetingKind.REGULAR) == date(2024, 2, 29)


def test_extraordinary_notice_of_six_days_is_too_short():
    assert (
        check_notice(date(2025, 3, 1), date(2025, 3, 7), MeetingKind.EXTRAORDINARY)
        == "notice_too_short"
    )


def test_opening_before_the_announcement_is_too_short_a_notice():
    assert (
        check_notice(date(2025, 3, 1), date(2025, 2, 28), MeetingKind.REGULAR) == "notice_too_short"
    )


EXPECTED_TRANSITIONS = {
    (Status.DRAFT, Action.ANNOUNCE): Status.ANNOUNCED,
    (Status.ANNOUNCED, Action.OPEN): Status.OPEN,
    (Status.OPEN, Action.CLOSE): Status.CLOSED,
    (Status.CLOSED, Action.TALLY): Status.TALLIED,
    (Status.TALLIED, Action.PUBLISH): Status.PUBLISHED,
    (Status.DRAFT, Action.CANCEL): Status.CANCELLED,
    (Status.ANNOUNCED, Action.CANCEL): Status.CANCELLED,
    (Status.OPEN, Action.EXTEND): Status.OPEN,
}
ALL_PAIRS = list(itertools.product(Status, Action))


def test_transition_table_is_exactly_the_lifecycle():
    assert TRANSITIONS == EXPECTED_TRANSITIONS
    assert len(ALL_PAIRS) == 49


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS, ids=[f"{s}-{a}" for s, a in ALL_PAIRS])
def test_every_status_action_pair(status, action):
    if (status, action) in EXPECTED_TRANSITIONS:
        assert next_status(status, action) is EXPECTED_TRANSITIONS[status, action]
    else:
        with pytest.raises(IllegalTransition) as caught:
            next_status(status, action)
        assert (caught.value.status, caught.value.action) == (status, action)
        assert isinstance(caught.value, ValueError)


def test_published_and_cancelled_are_final():
    for final in (Status.PUBLISHED, Status.CANCELLED):
        assert all((final, action) not in TRANSITIONS for action in Action)


def test_a_full_lifecycle():
    status = Status.DRAFT
    for action in (Action.ANNOUNCE, Action.OPEN, Action.EXTEND, Action.CLOSE, Action.TALLY):
        status = next_status(status, action)
    assert next_status(status, Action.PUBLISH) is Status.PUBLISHED


def test_values_are_lowercase_names():
    assert [s.value for s in Status] == [
        "draft",
        "announced",
        "open",
        "closed",
        "tallied",
        "published",
        "cancelled",
    ]
    assert [a.value for a in Action] == [
        "announce",
        "open",
        "close",
        "tally",
        "publish",
        "cancel",
        "extend",
    ]


@pytest.mark.parametrize("status", list(Status))
def test_only_an_open_motion_takes_votes(status):
    assert can_vote(status) is (status is Status.OPEN)
