"""Working days and deadlines in China: the holiday calendar with its 调休 make-up working days,
and periods counted the way the Civil Code counts them (DOMAIN-RULES §2.2, vector D4).

- Civil Code Art. 201: a period in days starts counting on the day after the event.
- Art. 203: if its last day is a statutory rest day, the period ends on the day after the rest
  ends. (Weekends are rest days too, unless the State Council made them working days.)
- A period ends at 24:00 of its last day, Beijing time: `end_of_day` gives that instant.
- A period in working days counts only working days, from the day after.

The calendar data (linli/domain/data/cn_holidays.json) covers the years the State Council has
published; a date outside them raises `OutOfCalendar` rather than being guessed. A provisional
year (published arrangement not yet in the file) holds the statutory holidays without 调休.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


class OutOfCalendar(ValueError):
    """A date in a year the holiday calendar does not cover."""


@dataclass(frozen=True)
class Calendar:
    """Rest days and make-up working days of the covered years.

    Invariants: no date is both a rest day and a make-up working day; make-up working days fall
    on Saturdays or Sundays; `years` lists every covered year, `provisional` those whose 调休
    arrangement is not yet known.
    """

    rest: frozenset[date]
    work: frozenset[date]
    years: frozenset[int]
    provisional: frozenset[int]

    def __post_init__(self) -> None:
        both = self.rest & self.work
        if both:
            raise ValueError(f"both a rest day and a working day: {sorted(both)}")
        weekday_work = [day for day in self.work if day.weekday() < 5]
        if weekday_work:
            raise ValueError(f"make-up working days must be weekends: {sorted(weekday_work)}")

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a rest day, or a weekend made a working day (调休上班)."""
        if not self.covers(day):
            raise OutOfCalendar(f"the holiday calendar does not cover {day.year}")
        if day in self.work:
            return True
        return day.weekday() < 5 and day not in self.rest

    def next_working_day(self, day: date) -> date:
        """`day` if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def deadline_in_days(self, received: date, days: int) -> date:
        """The last day of a period of `days` days from `received` (CC Art. 201, 203): counting
        starts the next day; a last day that is a rest day moves to the first working day
        after the rest (D4: received 2025-06-01, 10 days → 2025-06-11)."""
        if days < 1:
            raise ValueError("a period lasts at least one day")
        return self.next_working_day(received + timedelta(days=days))

    def deadline_in_working_days(self, received: date, days: int) -> date:
        """The `days`-th working day after `received` (the day of receipt does not count)."""
        if days < 1:
            raise ValueError("a period lasts at least one working day")
        day = received
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day


def end_of_day(day: date) -> datetime:
    """24:00 of `day` in Beijing: the instant a period ending on `day` runs out."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BEIJING)


def deadline_in_minutes(received: datetime, minutes: int) -> datetime:
    """A deadline in minutes or hours runs on the clock, holidays included (L1: elevator
    rescue within 30 minutes)."""
    if received.tzinfo is None:
        raise ValueError("a naive time has no place in a deadline")
    if minutes < 1:
        raise ValueError("a deadline lasts at least one minute")
    return received + timedelta(minutes=minutes)


def missed(deadline: datetime, done_at: datetime) -> bool:
    """Whether something done at `done_at` missed `deadline` (exactly on time is in time)."""
    return done_at > deadline


@cache
def china() -> Calendar:
    """The mainland China calendar of linli/domain/data/cn_holidays.json."""
    text = resources.files("linli.domain.data").joinpath("cn_holidays.json").read_text("utf-8")
    return calendar_from(json.loads(text))


def calendar_from(data: dict[str, object]) -> Calendar:
    """A Calendar from the data file's structure (see linli/domain/data/README.md)."""
    rest: set[date] = set()
    work: set[date] = set()
    years: set[int] = set()
    provisional: set[int] = set()
    by_year = data["years"]
    assert isinstance(by_year, dict)
    for year_text, year in by_year.items():
        number = int(year_text)
        years.add(number)
        if year.get("provisional"):
            provisional.add(number)
        for first, last, _name in year["rest"]:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
            if start > end or start.year != number or end.year != number:
                raise ValueError(f"bad rest period {first}–{last} in {number}")
            rest.update(start + timedelta(days=n) for n in range((end - start).days + 1))
        for day_text in year["work"]:
            day = date.fromisoformat(day_text)
            if day.year != number:
                raise ValueError(f"make-up day {day_text} listed under {number}")
            work.add(day)
    return Calendar(
        rest=frozenset(rest),
        work=frozenset(work),
        years=frozenset(years),
        provisional=frozenset(provisional),
    )
