"""DOMAIN-RULES §9.4 vectors K1 and K2 (HZ-PMR Art. 27) and the candidate publicity of Art. 26,
with their boundaries. Pure unit tests: no database.
"""

from __future__ import annotations

from datetime import date

import pytest

from linli.domain.committee import (
    SMALL_AREA_HOUSEHOLDS,
    check_candidate_publicity,
    check_committee_size,
    committee_formed,
    legal_minimum,
)

# K1: (households, members, expected code)
K1 = [
    (100, 3, None),
    (101, 3, "too_small"),
    (101, 6, "even"),
]


@pytest.mark.parametrize(("households", "size", "expected"), K1)
def test_k1_committee_size(households, size, expected):
    assert check_committee_size(size, households) == expected


def test_small_area_boundary_is_one_hundred_households_inclusive():
    assert SMALL_AREA_HOUSEHOLDS == 100
    assert legal_minimum(0) == 3
    assert legal_minimum(100) == 3
    assert legal_minimum(101) == 5


@pytest.mark.parametrize(
    ("size", "households", "expected"),
    [
        (5, 500, None),
        (7, 500, None),
        (9, 500, None),
        (11, 500, None),
        (13, 500, "too_large"),
        (12, 500, "too_large"),
        (10, 500, "even"),
        (4, 500, "too_small"),
        (3, 500, "too_small"),
        (4, 100, "even"),
        (2, 100, "too_small"),
        (1, 100, "too_small"),
        (0, 100, "too_small"),
        (11, 100, None),
    ],
)
def test_committee_size_odd_from_legal_minimum_to_eleven(size, households, expected):
    assert check_committee_size(size, households) == expected


def test_negative_households_are_rejected():
    with pytest.raises(ValueError, match="households"):
        legal_minimum(-1)


# K2: (specified, elected, formed); a large area, so the legal minimum is 5.
K2 = [
    (9, 5, True),
    (9, 4, False),
    (11, 5, False),
]


@pytest.mark.parametrize(("specified", "elected", "formed"), K2)
def test_k2_committee_formed(specified, elected, formed):
    assert committee_formed(elected, specified, households=500) is formed


def test_committee_formed_needs_strictly_more_than_half_of_specified():
    assert committee_formed(6, 11, households=500) is True
    assert committee_formed(5, 10, households=500) is False
    assert committee_formed(6, 10, households=500) is True


def test_small_area_committee_of_three_is_formed_with_two_of_three_not():
    assert committee_formed(3, 3, households=80) is True
    assert committee_formed(2, 3, households=80) is False
    assert committee_formed(3, 5, households=80) is True
    assert committee_formed(3, 5, households=101) is False


# HZ-PMR Art. 26: published at least 7 days, ending at least 15 days before the vote.


def test_candidate_list_of_seven_days_ending_fifteen_days_before_vote_is_valid():
    assert check_candidate_publicity(date(2025, 3, 1), date(2025, 3, 7), date(2025, 3, 22)) is None


def test_candidate_list_of_six_days_is_too_short():
    assert (
        check_candidate_publicity(date(2025, 3, 1), date(2025, 3, 6), date(2025, 4, 30))
        == "too_short"
    )


def test_candidate_list_ending_fourteen_days_before_vote_is_too_late():
    assert (
        check_candidate_publicity(date(2025, 3, 1), date(2025, 3, 7), date(2025, 3, 21))
        == "too_late"
    )


def test_candidate_list_ending_before_it_starts_is_rejected_first():
    assert (
        check_candidate_publicity(date(2025, 3, 7), date(2025, 3, 1), date(2025, 3, 2))
        == "ends_before_start"
    )


def test_candidate_list_publicity_counts_across_month_end():
    # 25 February–3 March 2025 is 7 days; 18 March is 15 days after 3 March.
    assert check_candidate_publicity(date(2025, 2, 25), date(2025, 3, 3), date(2025, 3, 18)) is None
    assert (
        check_candidate_publicity(date(2025, 2, 26), date(2025, 3, 3), date(2025, 3, 18))
        == "too_short"
    )
