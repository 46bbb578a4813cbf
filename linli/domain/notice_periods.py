"""Minimum publication periods of public notices (公示), DOMAIN-RULES §2.4.

A notice's publication window is counted in whole calendar days from its start; a notice of a
kind with a legal minimum cannot be scheduled to end sooner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class NoticeKind(StrEnum):
    GENERAL = "general"
    COMMITTEE_DETAILS = "committee_details"
    COVENANT_AND_RULES = "covenant_rules"
    DECISION = "decision"
    SERVICE_CONTRACT = "service_contract"
    COMMON_INCOME = "common_income"
    SEAL_USE = "seal_use"
    ELECTION_CANDIDATES = "election_candidates"
    MANAGEMENT_COMMITTEE_LIST = "management_committee"
    FEE_ADJUSTMENT = "fee_adjustment"
    WARRANTY_DEPOSIT = "warranty_deposit"
    ELEVATOR_PLAN = "elevator_plan"
    VOTER_ROLL = "voter_roll"
    VOTE_RESULT = "vote_result"
    ASSEMBLY = "assembly"
    FINANCE_STATEMENT = "finance_statement"
    LEDGER_CHECKPOINT = "ledger_checkpoint"


@dataclass(frozen=True)
class PeriodRule:
    min_days: int
    source: str


# Hangzhou Property Management Regulations (HZ-PMR) unless stated otherwise.
MINIMUM_PERIODS: dict[NoticeKind, PeriodRule] = {
    NoticeKind.GENERAL: PeriodRule(1, ""),
    NoticeKind.COMMITTEE_DETAILS: PeriodRule(15, "HZ-PMR Art. 30"),
    NoticeKind.COVENANT_AND_RULES: PeriodRule(15, "HZ-PMR Art. 30"),
    NoticeKind.DECISION: PeriodRule(15, "HZ-PMR Art. 30"),
    NoticeKind.SERVICE_CONTRACT: PeriodRule(15, "HZ-PMR Art. 30"),
    NoticeKind.COMMON_INCOME: PeriodRule(15, "HZ-PMR Art. 30"),
    NoticeKind.SEAL_USE: PeriodRule(15, "HZ-PMR Art. 30"),
    NoticeKind.ELECTION_CANDIDATES: PeriodRule(7, "HZ-PMR Art. 26"),
    NoticeKind.MANAGEMENT_COMMITTEE_LIST: PeriodRule(7, "HZ-PMR Art. 39"),
    NoticeKind.FEE_ADJUSTMENT: PeriodRule(30, "HZ-PMR Art. 53"),
    NoticeKind.WARRANTY_DEPOSIT: PeriodRule(30, "HZ-PMR Art. 68"),
    NoticeKind.ELEVATOR_PLAN: PeriodRule(15, "JN-Elev Art. 11"),
    NoticeKind.VOTER_ROLL: PeriodRule(7, "HZ-PMR Art. 26"),
    NoticeKind.VOTE_RESULT: PeriodRule(15, "HZ-PMR Art. 30"),
    # The announcement of a vote stays up at least through the shortest notice period.
    NoticeKind.ASSEMBLY: PeriodRule(7, "HZ-PMR Art. 19"),
    # Financial statements: at least as long as the half-yearly common-income publicity.
    NoticeKind.FINANCE_STATEMENT: PeriodRule(15, "HZ-PMR Art. 30"),
    # A ledger's published head: evidence, not a period in law.
    NoticeKind.LEDGER_CHECKPOINT: PeriodRule(1, ""),
}


def minimum_days(kind: NoticeKind) -> int:
    """The legal minimum number of days a notice of this kind stays published."""
    return MINIMUM_PERIODS[kind].min_days


def period_days(start: date, end: date) -> int:
    """Days covered by a window from `start` to `end`, both inclusive (1 March–15 March = 15)."""
    return (end - start).days + 1


def earliest_end(kind: NoticeKind, start: date) -> date:
    """The first date on which a notice of this kind, published on `start`, may end."""
    return start + timedelta(days=minimum_days(kind) - 1)


def check_period(
    kind: NoticeKind, start: date, end: date, *, today: date | None = None
) -> str | None:
    """None when the window satisfies the minimum; otherwise a reason code.

    Codes: "ends_before_start", "starts_in_past" (only checked when `today` is given: a notice
    cannot be back-dated, because its period counts from the day it is actually posted) and
    "too_short".
    """
    if end < start:
        return "ends_before_start"
    if today is not None and start < today:
        return "starts_in_past"
    if period_days(start, end) < minimum_days(kind):
        return "too_short"
    return None


def days_left(end: date, today: date) -> int:
    """Days a notice still stays up, counting today and its last day; 0 once it has ended."""
    return max((end - today).days + 1, 0)


def split_source(source: str) -> tuple[str, str]:
    """("HZ-PMR", "30") from "HZ-PMR Art. 30"; ("", "") for a kind with no legal source."""
    instrument, _, article = source.partition(" Art. ")
    return instrument, article
