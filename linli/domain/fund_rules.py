"""Hangzhou maintenance-fund rules: top-up, audit, overrun and emergencies (DOMAIN-RULES §1.5).

HZ-PMR Art. 71: when the balance (principal and interest) is strictly below 30% of the first
deposit, the owners' committee must organise a top-up. Art. 72: a settlement of 30,000.00
yuan or less may skip the audit if the committee approves; a settlement that exceeds the
budget by 10% or more must have the excess re-applied for. Art. 73: in the listed
emergencies the repair plan, checked by the committee and confirmed by the street office (or
the residents' committee on its behalf), may use the fund without an owners' vote; the work
is then accepted, audited and filed. Money is integer fen; percentages are compared by
cross-multiplication, never with floats.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from types import MappingProxyType

TOP_UP_BELOW_PERCENT = 30
AUDIT_WAIVABLE_UP_TO_FEN = 30_000_00
REAPPLY_OVERRUN_PERCENT = 10


def _check_amounts(**amounts: int) -> None:
    for name, value in amounts.items():
        if value < 0:
            raise ValueError(f"{name} cannot be negative: {value}")


def needs_top_up(first_deposit_fen: int, balance_fen: int) -> bool:
    """Whether the fund must be topped up (Art. 71, M1).

    Invariant: True exactly when balance < 30% of the first deposit, strictly (不足);
    a balance of exactly 30% needs no top-up. Raises ValueError for a negative first
    deposit; a negative balance (an overdrawn fund) is below any threshold.
    """
    _check_amounts(first_deposit_fen=first_deposit_fen)
    return balance_fen * 100 < TOP_UP_BELOW_PERCENT * first_deposit_fen


def audit_waivable(settlement_fen: int) -> bool:
    """Whether the committee may approve skipping the audit: settlement ≤ 30,000.00 yuan (M2)."""
    _check_amounts(settlement_fen=settlement_fen)
    return settlement_fen <= AUDIT_WAIVABLE_UP_TO_FEN


def audit_required(settlement_fen: int, *, committee_waived: bool = False) -> bool:
    """Whether completed works need an audited settlement (Art. 72, M2).

    Invariant: an audit is required unless the settlement is at most 30,000.00 yuan and the
    committee approved skipping it; a waiver above that amount has no effect.
    """
    return not (committee_waived and audit_waivable(settlement_fen))


def overrun_to_reapply(budget_fen: int, settlement_fen: int) -> int:
    """The fen that must be re-applied for: the excess over budget when it is ≥ 10% (M3).

    Invariants: 0 when the settlement is within budget or the overrun is below 10% of the
    budget; otherwise exactly settlement − budget. Raises ValueError for negative amounts.
    """
    _check_amounts(budget_fen=budget_fen, settlement_fen=settlement_fen)
    overrun = settlement_fen - budget_fen
    if overrun > 0 and overrun * 100 >= REAPPLY_OVERRUN_PERCENT * budget_fen:
        return overrun
    return 0


class EmergencyKind(StrEnum):
    """The emergencies of HZ-PMR Art. 73 in which the fund may be used without a vote."""

    ELEVATOR_FAILURE = "elevator_failure"
    FIRE_FACILITY_DAMAGE = "fire_facility_damage"
    FACADE_FALLING = "facade_falling"
    WALL_OR_ROAD_COLLAPSE = "wall_or_road_collapse"
    ROOF_OR_WALL_LEAK = "roof_or_wall_leak"
    DRAIN_BLOCKAGE = "drain_blockage"


class Confirmation(StrEnum):
    """A step an emergency use of the fund needs before the money is spent."""

    # The owners' committee checks the repair plan.
    COMMITTEE_CHECK = "committee_check"
    # The street office confirms it, or the residents' committee on its behalf.
    STREET_OFFICE_CONFIRMATION = "street_office_confirmation"


class FollowUp(StrEnum):
    """A step an emergency repair needs after the work is done."""

    ACCEPTANCE = "acceptance"
    AUDIT = "audit"
    FILING = "filing"


_BEFORE = (Confirmation.COMMITTEE_CHECK, Confirmation.STREET_OFFICE_CONFIRMATION)
_AFTER = (FollowUp.ACCEPTANCE, FollowUp.AUDIT, FollowUp.FILING)

# Art. 73 asks the same of every kind; kept per kind so a local rule can differ.
EMERGENCY_CONFIRMATIONS: Mapping[EmergencyKind, tuple[Confirmation, ...]] = MappingProxyType(
    dict.fromkeys(EmergencyKind, _BEFORE)
)
EMERGENCY_FOLLOW_UPS: Mapping[EmergencyKind, tuple[FollowUp, ...]] = MappingProxyType(
    dict.fromkeys(EmergencyKind, _AFTER)
)


def missing_confirmations(
    kind: EmergencyKind, recorded: Collection[Confirmation]
) -> tuple[Confirmation, ...]:
    """The confirmations `kind` still needs before the fund may be used without a vote.

    Invariant: in the order of EMERGENCY_CONFIRMATIONS[kind]; empty means the use may go ahead.
    """
    return tuple(step for step in EMERGENCY_CONFIRMATIONS[kind] if step not in recorded)
