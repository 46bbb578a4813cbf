"""The working-day calendar and deadlines (linli.domain.workdays): DOMAIN-RULES §2.2, D4 and L1,
with real 2025–2026 dates around holidays and make-up working days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.domain.workdays import (
    BEIJING,
    Calendar,
    OutOfCalendar,
    calendar_from,
    china,
    deadline_in_minutes,
    end_of_day,
    missed,
)

CAL = china()


def test_the_file_covers_2025_to_2027_with_2027_provisional():
    assert CAL.years == {2025, 2026, 2027}
    assert CAL.provisional == {2027}


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 1), False),  # 元旦, a Wednesday
        (date(2025, 1, 26), True),  # a Sunday made a working day (春节调休)
        (date(2025, 2, 4), False),  # last day of the Spring Festival
        (date(2025, 2, 5), True),
        (date(2025, 2, 8), True),  # Saturday, make-up day
        (date(2025, 9, 28), True),  # Sunday, make-up day
        (date(2025, 10, 8), False),  # last day of National Day and Mid-Autumn
        (date(2025, 10, 11), True),  # Saturday, make-up day
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2026, 1, 4), True),  # Sunday, make-up day
        (date(2026, 2, 14), True),  # Saturday, make-up day
        (date(2026, 2, 23), False),  # last day of the Spring Festival
        (date(2026, 2, 28), True),  # Saturday, make-up day
        (date(2026, 5, 9), True),  # Saturday, make-up day
        (date(2026, 9, 25), False),  # Mid-Autumn, a Friday
        (date(2026, 10, 10), True),  # Saturday, make-up day
        (date(2026, 11, 25), True),  # an ordinary Wednesday
    ],
)
def test_working_days_follow_the_state_council_arrangement(day, working):
    assert CAL.is_working_day(day) is working


def test_d4_complaint_reply_within_10_days():
    # Received 2025-06-01: counting starts on 06-02; the tenth day, 06-11, is a Wednesday.
    last = CAL.deadline_in_days(date(2025, 6, 1), 10)
    assert last == date(2025, 6, 11)
    assert end_of_day(last) == datetime(2025, 6, 12, 0, 0, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("received", "days", "last"),
    [
        # The tenth day is 10-01, inside the 8-day holiday: the period ends on 10-09.
        (date(2025, 9, 21), 10, date(2025, 10, 9)),
        # The tenth day is 2026-02-21 (Spring Festival): it ends on 02-24.
        (date(2026, 2, 11), 10, date(2026, 2, 24)),
        # The last day is an ordinary Sunday: it moves to Monday.
        (date(2025, 11, 6), 10, date(2025, 11, 17)),
        # The last day is a Saturday made a working day: it stays.
        (date(2026, 2, 4), 10, date(2026, 2, 14)),
    ],
)
def test_a_last_day_on_a_rest_day_moves_to_the_next_working_day(received, days, last):
    assert CAL.deadline_in_days(received, days) == last


@pytest.mark.parametrize(
    ("received", "days", "last"),
    [
        # Fri 09-26: Sun 09-28 (make-up) 1, 09-29 2, 09-30 3, then the holiday, 10-09 4, 10-10 5.
        (date(2025, 9, 26), 5, date(2025, 10, 10)),
        # Fri 2026-02-13: Sat 02-14 (make-up) 1, then the Spring Festival, 02-24 2, 02-25 3.
        (date(2026, 2, 13), 3, date(2026, 2, 25)),
        # A working day received on a holiday counts from the first working day after it.
        (date(2026, 10, 3), 1, date(2026, 10, 8)),
        (date(2025, 6, 3), 5, date(2025, 6, 10)),
    ],
)
def test_working_day_periods_skip_holidays_and_count_make_up_days(received, days, last):
    assert CAL.deadline_in_working_days(received, days) == last


def test_l1_elevator_rescue_within_30_minutes_runs_through_holidays():
    call = datetime(2026, 2, 17, 3, 10, tzinfo=BEIJING)  # the third day of the Spring Festival
    deadline = deadline_in_minutes(call, 30)
    assert deadline == datetime(2026, 2, 17, 3, 40, tzinfo=BEIJING)
    assert missed(deadline, call + timedelta(minutes=31)) is True
    assert missed(deadline, call + timedelta(minutes=30)) is False


def test_years_outside_the_calendar_are_refused_not_guessed():
    with pytest.raises(OutOfCalendar):
        CAL.is_working_day(date(2028, 1, 3))
    with pytest.raises(OutOfCalendar):
        CAL.deadline_in_days(date(2027, 12, 28), 10)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="at least one day"):
        CAL.deadline_in_days(date(2025, 6, 1), 0)
    with pytest.raises(ValueError, match="naive"):
        deadline_in_minutes(datetime(2025, 6, 1, 8, 0), 30)
    with pytest.raises(ValueError, match="weekends"):
        Calendar(
            rest=frozenset(),
            work=frozenset({date(2025, 6, 4)}),
            years=frozenset({2025}),
            provisional=frozenset(),
        )
    with pytest.raises(ValueError, match="both"):
        calendar_from(
            {
                "years": {
                    "2025": {
                        "rest": [["2025-02-08", "2025-02-08", "x"]],
                        "work": ["2025-02-08"],
                    }
                }
            }
        )


def test_the_data_file_is_consistent():
    # Make-up days are weekends; every rest period lies in its year (checked on loading).
    assert all(day.weekday() >= 5 for day in CAL.work)
    assert len(CAL.work) == 11
    # The rest days of the arrangements: 2025: 1 + 8 + 3 + 5 + 3 + 8; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7.
    assert sum(1 for day in CAL.rest if day.year == 2025) == 28
    assert sum(1 for day in CAL.rest if day.year == 2026) == 33


@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 11, 30)),
    st.integers(min_value=1, max_value=20),
)
def test_deadlines_are_working_days_not_before_the_plain_count(received, days):
    last = CAL.deadline_in_days(received, days)
    assert CAL.is_working_day(last)
    assert last >= received + timedelta(days=days)
    # Every day between the plain count and the deadline is a rest day.
    day = received + timedelta(days=days)
    while day < last:
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)
    working = CAL.deadline_in_working_days(received, days)
    assert CAL.is_working_day(working)
    # Exactly `days` working days after the day of receipt, up to and including the deadline.
    between = [received + timedelta(days=n) for n in range(1, (working - received).days + 1)]
    assert sum(CAL.is_working_day(day) for day in between) == days
