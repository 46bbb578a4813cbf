"""DOMAIN-RULES §9.4 vectors M1–M3 and the HZ-PMR Art. 73 emergency path, with boundaries.

Pure unit tests: no database. Amounts in fen.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.domain.fund_rules import (
    EMERGENCY_CONFIRMATIONS,
    EMERGENCY_FOLLOW_UPS,
    Confirmation,
    EmergencyKind,
    FollowUp,
    audit_required,
    audit_waivable,
    missing_confirmations,
    needs_top_up,
    overrun_to_reapply,
)


@pytest.mark.parametrize(
    ("balance", "expected"),
    [(300_000_00, False), (299_999_99, True), (300_000_01, False), (0, True), (-1, True)],
)
def test_m1_top_up_when_balance_strictly_below_30_percent_of_first_deposit(balance, expected):
    assert needs_top_up(1_000_000_00, balance) is expected


def test_m1_top_up_with_a_first_deposit_not_divisible_by_ten():
    # 30% of 0.01 yuan × 333 is 99.9 fen: a balance of 99 fen is below it, 100 fen is not.
    assert needs_top_up(333, 99) is True
    assert needs_top_up(333, 100) is False


def test_m1_negative_first_deposit_is_rejected():
    with pytest.raises(ValueError, match="first_deposit_fen"):
        needs_top_up(-1, 0)


def test_m2_settlement_of_30000_yuan_may_skip_the_audit_with_committee_approval():
    assert audit_waivable(30_000_00) is True
    assert audit_required(30_000_00, committee_waived=True) is False
    assert audit_required(30_000_00) is True


def test_m2_settlement_of_30000_yuan_and_one_fen_needs_an_audit_even_if_waived():
    assert audit_waivable(30_000_01) is False
    assert audit_required(30_000_01, committee_waived=True) is True
    assert audit_required(30_000_01) is True


def test_m2_negative_settlement_is_rejected():
    with pytest.raises(ValueError, match="settlement_fen"):
        audit_waivable(-1)


@pytest.mark.parametrize(
    ("settlement", "expected"),
    [
        (110_000_00, 10_000_00),
        (109_999_99, 0),
        (110_000_01, 10_000_01),
        (100_000_00, 0),
        (90_000_00, 0),
    ],
)
def test_m3_overrun_of_10_percent_or_more_must_be_reapplied_for(settlement, expected):
    assert overrun_to_reapply(100_000_00, settlement) == expected


def test_m3_zero_budget_reapplies_for_everything_spent():
    assert overrun_to_reapply(0, 1) == 1
    assert overrun_to_reapply(0, 0) == 0


def test_m3_negative_amounts_are_rejected():
    with pytest.raises(ValueError, match="budget_fen"):
        overrun_to_reapply(-1, 0)
    with pytest.raises(ValueError, match="settlement_fen"):
        overrun_to_reapply(0, -1)


@given(st.integers(0, 10**12), st.integers(0, 10**12))
def test_m3_reapply_amount_is_zero_or_the_whole_overrun_of_at_least_ten_percent(budget, spent):
    amount = overrun_to_reapply(budget, spent)
    if amount:
        assert amount == spent - budget
        assert 10 * amount >= budget
    else:
        assert spent <= budget or 10 * (spent - budget) < budget


def test_art_73_lists_six_emergencies_each_needing_committee_and_street_office():
    assert set(EmergencyKind) == {
        EmergencyKind.ELEVATOR_FAILURE,
        EmergencyKind.FIRE_FACILITY_DAMAGE,
        EmergencyKind.FACADE_FALLING,
        EmergencyKind.WALL_OR_ROAD_COLLAPSE,
        EmergencyKind.ROOF_OR_WALL_LEAK,
        EmergencyKind.DRAIN_BLOCKAGE,
    }
    for kind in EmergencyKind:
        assert EMERGENCY_CONFIRMATIONS[kind] == (
            Confirmation.COMMITTEE_CHECK,
            Confirmation.STREET_OFFICE_CONFIRMATION,
        )
        assert EMERGENCY_FOLLOW_UPS[kind] == (FollowUp.ACCEPTANCE, FollowUp.AUDIT, FollowUp.FILING)


def test_art_73_emergency_use_waits_for_every_missing_confirmation():
    kind = EmergencyKind.ELEVATOR_FAILURE
    assert missing_confirmations(kind, ()) == (
        Confirmation.COMMITTEE_CHECK,
        Confirmation.STREET_OFFICE_CONFIRMATION,
    )
    assert missing_confirmations(kind, {Confirmation.COMMITTEE_CHECK}) == (
        Confirmation.STREET_OFFICE_CONFIRMATION,
    )
    assert missing_confirmations(kind, set(Confirmation)) == ()


def test_art_73_table_is_read_only():
    with pytest.raises(TypeError):
        EMERGENCY_CONFIRMATIONS[EmergencyKind.DRAIN_BLOCKAGE] = ()  # type: ignore[index]
