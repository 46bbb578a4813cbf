"""Minimum publication periods (DOMAIN-RULES §2.4): every kind, counted inclusively."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from linli.domain.notice_periods import (
    MINIMUM_PERIODS,
    NoticeKind,
    check_period,
    days_left,
    earliest_end,
    period_days,
    split_source,
)
from linli.notices.models import Notice
from linli.notices.periods import legal_source, minimum_text, period_problem

START = datetime.date(2025, 3, 1)

# (kind, minimum days, legal source) straight from DOMAIN-RULES §2.4.
EXPECTED = [
    (NoticeKind.GENERAL, 1, ""),
    (NoticeKind.COMMITTEE_DETAILS, 15, "HZ-PMR Art. 30"),
    (NoticeKind.COVENANT_AND_RULES, 15, "HZ-PMR Art. 30"),
    (NoticeKind.DECISION, 15, "HZ-PMR Art. 30"),
    (NoticeKind.SERVICE_CONTRACT, 15, "HZ-PMR Art. 30"),
    (NoticeKind.COMMON_INCOME, 15, "HZ-PMR Art. 30"),
    (NoticeKind.SEAL_USE, 15, "HZ-PMR Art. 30"),
    (NoticeKind.ELECTION_CANDIDATES, 7, "HZ-PMR Art. 26"),
    (NoticeKind.MANAGEMENT_COMMITTEE_LIST, 7, "HZ-PMR Art. 39"),
    (NoticeKind.FEE_ADJUSTMENT, 30, "HZ-PMR Art. 53"),
    (NoticeKind.WARRANTY_DEPOSIT, 30, "HZ-PMR Art. 68"),
    (NoticeKind.ELEVATOR_PLAN, 15, "JN-Elev Art. 11"),
    (NoticeKind.VOTER_ROLL, 7, "HZ-PMR Art. 26"),
    (NoticeKind.VOTE_RESULT, 15, "HZ-PMR Art. 30"),
    (NoticeKind.ASSEMBLY, 7, "HZ-PMR Art. 19"),
    (NoticeKind.FINANCE_STATEMENT, 15, "HZ-PMR Art. 30"),
    (NoticeKind.LEDGER_CHECKPOINT, 1, ""),
]


def test_every_notice_kind_has_a_rule_and_a_model_choice():
    assert {k for k, _, _ in EXPECTED} == set(NoticeKind) == set(MINIMUM_PERIODS)
    assert set(Notice.Kind.values) == {k.value for k in NoticeKind}


@pytest.mark.parametrize(("kind", "days", "source"), EXPECTED)
def test_minimum_period_and_source_per_kind(kind, days, source):
    assert MINIMUM_PERIODS[kind].min_days == days
    assert MINIMUM_PERIODS[kind].source == source


@pytest.mark.parametrize(("kind", "days", "source"), EXPECTED)
def test_window_of_exactly_the_minimum_is_allowed(kind, days, source):
    end = START + datetime.timedelta(days=days - 1)
    assert period_days(START, end) == days
    assert check_period(kind, START, end) is None
    assert earliest_end(kind, START) == end


@pytest.mark.parametrize(("kind", "days", "source"), [row for row in EXPECTED if row[1] > 1])
def test_window_one_day_short_of_the_minimum_is_refused(kind, days, source):
    end = START + datetime.timedelta(days=days - 2)
    assert period_days(START, end) == days - 1
    assert check_period(kind, START, end) == "too_short"


def test_fee_adjustment_30_days_inclusive_boundary():
    # 1 March to 30 March covers 30 days; 1 March to 29 March only 29.
    assert check_period(NoticeKind.FEE_ADJUSTMENT, START, datetime.date(2025, 3, 30)) is None
    assert check_period(NoticeKind.FEE_ADJUSTMENT, START, datetime.date(2025, 3, 29)) == "too_short"


def test_committee_details_15_days_inclusive_boundary():
    assert check_period(NoticeKind.COMMITTEE_DETAILS, START, datetime.date(2025, 3, 15)) is None
    assert (
        check_period(NoticeKind.COMMITTEE_DETAILS, START, datetime.date(2025, 3, 14)) == "too_short"
    )


def test_general_notice_of_a_single_day_is_allowed_and_end_before_start_is_refused():
    assert check_period(NoticeKind.GENERAL, START, START) is None
    assert (
        check_period(NoticeKind.GENERAL, START, START - datetime.timedelta(days=1))
        == "ends_before_start"
    )


def test_window_starting_before_today_is_refused_only_when_today_is_given():
    today = datetime.date(2025, 3, 2)
    assert (
        check_period(NoticeKind.GENERAL, START, datetime.date(2025, 3, 31), today=today)
        == "starts_in_past"
    )
    assert check_period(NoticeKind.GENERAL, START, datetime.date(2025, 3, 31)) is None
    assert check_period(NoticeKind.GENERAL, today, datetime.date(2025, 3, 31), today=today) is None


def test_days_left_counts_today_and_the_last_day_and_stops_at_zero():
    end = datetime.date(2025, 3, 30)
    assert days_left(end, datetime.date(2025, 3, 1)) == 30
    assert days_left(end, end) == 1
    assert days_left(end, datetime.date(2025, 3, 31)) == 0


def test_split_source_separates_instrument_and_article():
    assert split_source("HZ-PMR Art. 53") == ("HZ-PMR", "53")
    assert split_source("") == ("", "")


def test_period_problem_names_minimum_days_and_legal_source():
    with translation.override("en"):
        problem = period_problem("fee_adjustment", START, datetime.date(2025, 3, 29))
    assert problem == (
        "A notice of the kind “Property fee adjustment” must stay up for at least 30 days "
        "(Hangzhou Property Management Regulations, Art. 53). This window covers 29 days; "
        "end it on 2025-03-30 or later."
    )


def test_period_problem_for_elevator_plan_names_the_jinan_rule():
    with translation.override("en"):
        problem = period_problem("elevator_plan", START, datetime.date(2025, 3, 10))
    assert "at least 15 days" in problem
    assert "Jinan Rules on Adding Elevators to Existing Multi-storey Housing, Art. 11" in problem


def test_period_problem_is_none_for_a_valid_window_and_explains_back_dating():
    assert period_problem("fee_adjustment", START, datetime.date(2025, 3, 30)) is None
    with translation.override("en"):
        problem = period_problem("general", START, START, today=datetime.date(2025, 3, 2))
    assert (
        problem
        == "A notice cannot start before today: its period counts from the day it is posted."
    )


def test_minimum_text_and_legal_source_labels():
    with translation.override("en"):
        assert (
            minimum_text("voter_roll")
            == "At least 7 days (Hangzhou Property Management Regulations, Art. 26)"
        )
        assert minimum_text("general") == "At least 1 day"
        assert legal_source("general") == ""


@given(
    kind=st.sampled_from(list(NoticeKind)),
    start=st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2040, 12, 31)),
    extra=st.integers(min_value=0, max_value=400),
)
def test_any_window_reaching_the_earliest_end_is_allowed_and_one_day_less_is_not(
    kind, start, extra
):
    earliest = earliest_end(kind, start)

    assert check_period(kind, start, earliest + datetime.timedelta(days=extra)) is None
    shorter = check_period(kind, start, earliest - datetime.timedelta(days=1))
    assert shorter == ("ends_before_start" if MINIMUM_PERIODS[kind].min_days == 1 else "too_short")
