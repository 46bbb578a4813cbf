"""API shapes of sunshine finance.

Money travels as whole fen (integers: 1234567 is 12,345.67 yuan), never as floats. Staff shapes
carry counterparties in full; public shapes (`Public…`) carry them masked (张三丰 → 张*丰) and
name no person. Dates are Beijing dates; `booked_at` is the canonical UTC text that an entry's
hash is taken over.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

# The choices of linli.finance.models (kept equal by a test), as literals so the schema lists
# the allowed values and anything else is a 422 before a service runs.
AccountKindValue = Literal["maintenance_fund", "common_income", "project_fund", "committee_costs"]
IncomeCategoryValue = Literal[
    "deposit",
    "top_up",
    "interest",
    "parking",
    "advertising",
    "venue",
    "contribution",
    "subsidy",
    "transfer_in",
    "other_income",
]
ExpenseCategoryValue = Literal[
    "repair",
    "elevator",
    "fire_safety",
    "greening",
    "cleaning",
    "security",
    "utilities",
    "construction",
    "audit",
    "office",
    "transfer_out",
    "other_expense",
]
EmergencyValue = Literal[
    "",
    "elevator_failure",
    "fire_facility_damage",
    "facade_falling",
    "wall_or_road_collapse",
    "roof_or_wall_leak",
    "drain_blockage",
]
ConfirmationStepValue = Literal["committee_check", "street_office_confirmation"]
ExpenseStatusValue = Literal["recorded", "posted", "rejected"]
ReceiptKindValue = Literal["receipt", "audit_report", "other"]
ApproverValue = Literal["worker", "committee"]
SchemeValue = Literal["floor_percent", "coefficient_area", "explicit", "by_area"]
PurposeValue = Literal["construction", "operation"]
PlanStatusValue = Literal["draft", "issued"]
ChannelValue = Literal["bank", "cash", "wechat", "alipay"]
PeriodValue = Literal["month", "half_year", "year"]

FEN = "Whole fen (1 yuan = 100 fen)."
# The largest id a database row can have: a bigger one in a list would overflow the query.
MAX_ID = 2**63 - 1
MAX_ROSTER = 5000


def _storable(value: str) -> str:
    # PostgreSQL cannot store NUL, and no database stores a lone surrogate: refuse both here
    # (422) rather than fail on save (500).
    if "\x00" in value:
        raise ValueError("NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not UTF-8") from None
    return value


# Free text a caller writes; lengths are the services' to check (400, with a clear message).
Text = Annotated[str, AfterValidator(_storable)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Fen = Annotated[int, Field(description=FEN)]


# --- accounts and the ledger -------------------------------------------------------------------


class FundHealthOut(Schema):
    """A maintenance fund's balance against its first deposit (HZ-PMR Art. 71)."""

    balance: int = Field(..., description=FEN)
    first_deposit: int = Field(..., description=FEN)
    percent: str = Field(
        ..., description="Balance / first deposit, one decimal.", examples=["29.9"]
    )
    needs_top_up: bool = Field(..., description="Below 30% of the first deposit: owners top up.")


class LedgerHeadOut(Schema):
    """A ledger's head: the sequence and hash of an entry, as published in a checkpoint."""

    sequence: int
    hash: str = Field(..., description="SHA-256, 64 hex digits.")


class CheckpointOut(LedgerHeadOut):
    published_at: datetime


class AccountOut(Schema):
    id: int
    public_id: uuid.UUID = Field(..., description="For the public ledger (/public/accounts/…).")
    community_id: int
    estate_id: int | None
    estate_name: str | None
    kind: AccountKindValue
    kind_label: str
    name: str
    balance: int = Field(..., description=f"Cash balance. {FEN}")
    first_deposit: int = Field(..., description=f"Maintenance fund's first deposit. {FEN}")
    head_sequence: int = Field(..., description="The last entry's sequence (0: no entries).")
    head_hash: str
    closed: bool
    fund_health: FundHealthOut | None = Field(
        ..., description="Maintenance funds with a first deposit on record only."
    )


class AccountPageOut(Schema):
    items: list[AccountOut]
    count: int
    page: int
    page_size: int


class ExpenseSummaryOut(Schema):
    id: int
    public_id: uuid.UUID
    category: ExpenseCategoryValue
    category_label: str
    description: str
    counterparty: str
    amount: int = Field(..., description=FEN)
    spent_on: date
    status: ExpenseStatusValue
    status_label: str
    recorded_at: datetime


class PlanSummaryOut(Schema):
    id: int
    public_id: uuid.UUID
    title: str
    scheme: SchemeValue
    scheme_label: str
    purpose: PurposeValue
    status: PlanStatusValue
    gross: int = Field(..., description=FEN)
    subsidy: int = Field(..., description=FEN)
    net: int = Field(..., description=f"What the owners share. {FEN}")
    issued_at: datetime | None


class StatementSummaryOut(Schema):
    public_id: uuid.UUID
    period: PeriodValue
    period_label: str
    starts_on: date
    ends_on: date
    income: int = Field(..., description=FEN)
    expense: int = Field(..., description=FEN)
    closing: int = Field(..., description=FEN)


class AccountDetailOut(AccountOut):
    last_checkpoint: CheckpointOut | None
    expenses: list[ExpenseSummaryOut] = Field(
        ..., description="The most recent expenses (at most 50), newest first."
    )
    plans: list[PlanSummaryOut]
    statements: list[StatementSummaryOut] = Field(..., description="Newest first.")


class EntryLineOut(Schema):
    code: str = Field(..., examples=["cash", "repair", "deposit/u12"])
    category: str = Field(..., description="'cash' or a category.")
    category_label: str
    unit_id: int | None = Field(..., description="A unit's sub-ledger line (maintenance fund).")
    debit: int = Field(..., description=FEN)
    credit: int = Field(..., description=FEN)


class EntryOut(Schema):
    """One ledger entry as staff see it: every hashed field, the counterparty in full."""

    sequence: int
    booked_at: str = Field(
        ..., description="Canonical UTC time, as hashed.", examples=["2026-03-01T04:00:00Z"]
    )
    booked_on: date = Field(..., description="Beijing date.")
    description: str
    counterparty: str
    lines: list[EntryLineOut]
    amount_in: int = Field(..., description=f"Cash in. {FEN}")
    amount_out: int = Field(..., description=f"Cash out. {FEN}")
    reverses: int | None = Field(..., description="The sequence this entry reverses.")
    previous_hash: str
    hash: str
    expense_id: int | None


class EntryPageOut(Schema):
    items: list[EntryOut] = Field(..., description="Newest first.")
    next_before: int | None = Field(
        ..., description="Pass as `before` for the next (older) page; null on the last page."
    )


VerifyReasonValue = Literal[
    "ok",
    "gap_or_reorder",
    "wrong_ledger",
    "unbalanced",
    "bad_reversal",
    "bad_hash",
    "broken_link",
    "checkpoint_mismatch",
    "missing_after_checkpoint",
]


class VerifyOut(Schema):
    """The chain checked against every published checkpoint, naming the first bad entry."""

    ok: bool
    reason: VerifyReasonValue
    message: str
    sequence: int | None = Field(..., description="Where the chain first goes wrong.")
    found: int | None = Field(..., description="The sequence actually stored there, if any.")
    checked: int = Field(..., description="Entries verified before the first bad one.")
    head: LedgerHeadOut | None = Field(..., description="The last verified entry.")
    confirmed: LedgerHeadOut | None = Field(
        ..., description="The last published checkpoint the chain matched."
    )
    checkpoints: int = Field(..., description="Published checkpoints checked against.")


class IncomeIn(Schema):
    """Money received. On the maintenance fund: into one unit's sub-ledger (`unit_id`), or
    spread over every unit of the estate by area."""

    model_config = ConfigDict(extra="forbid")

    category: IncomeCategoryValue
    amount: Fen
    description: Text
    counterparty: Text = Field("", description="Who paid.")
    received_on: date | None = Field(None, description="Beijing date; omitted: today.")
    unit_id: Id | None = None


# --- expenses ----------------------------------------------------------------------------------


class ExpenseIn(Schema):
    """An expense awaiting approval; add receipts with POST /expenses/{id}/receipts."""

    model_config = ConfigDict(extra="forbid")

    category: ExpenseCategoryValue
    description: Text
    counterparty: Text = Field(..., description="Who is paid.")
    amount: Fen
    spent_on: date | None = Field(None, description="Beijing date; omitted: today.")
    budget: Fen | None = Field(None, description=f"The approved budget, if any. {FEN}")
    building_id: Id | None = Field(
        None, description="Maintenance fund: charge one building's units, not the whole estate."
    )
    emergency: EmergencyValue = Field("", description="HZ-PMR Art. 73 emergency (fund only).")


class RequirementsOut(Schema):
    """What an expense still needs before it may be posted, with the reasons in words."""

    blockers: list[str] = Field(..., description="Translated messages; empty: may be posted.")
    needs_committee: bool
    needs_motion: bool
    emergency_missing: list[ConfirmationStepValue]
    audit_required: bool
    audit_waivable: bool
    overrun: int = Field(..., description=f"Excess over the budget to re-apply for. {FEN}")


class ReceiptOut(Schema):
    id: int
    kind: ReceiptKindValue
    kind_label: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ApprovalOut(Schema):
    approver: str
    acting_as: ApproverValue
    approved: bool
    note: str
    decided_at: datetime


class ConfirmationOut(Schema):
    step: ConfirmationStepValue
    document_ref: str
    confirmed_by: str
    confirmed_at: datetime


class ExpenseOut(ExpenseSummaryOut):
    account_id: int
    account_name: str
    budget: int | None = Field(..., description=FEN)
    building_id: int | None
    motion_id: int | None
    motion_title: str | None
    emergency: EmergencyValue
    audit_waived: bool
    recorded_by: str
    decided_at: datetime | None
    entry_sequence: int | None = Field(..., description="The ledger entry, once posted.")
    receipts: list[ReceiptOut]
    approvals: list[ApprovalOut]
    confirmations: list[ConfirmationOut]
    requirements: RequirementsOut | None = Field(
        ..., description="While awaiting approval; null once decided."
    )


class DecisionIn(Schema):
    """Approve (posted when every requirement holds) or reject (a note says why)."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    note: Text = ""
    waive_audit: bool = Field(
        False, description="Committee members: skip the audit of a settlement ≤ 30,000 yuan."
    )


class MotionLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    motion_id: Id = Field(..., description="A passed owners' vote of the account's estate.")


class ConfirmationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    step: ConfirmationStepValue
    document_ref: Text = Field(..., description="The reference of the signed document.")


# --- cost plans and payments -------------------------------------------------------------------

# An exact, non-negative number (percentages, coefficients): 15, "0.7", 33.5.
Exact = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=6)]


class PlanParametersIn(Schema):
    """The scheme's table: `pct` (floor_percent, with `split`), `k` (coefficient_area) or
    `amounts` (explicit); by_area needs none."""

    model_config = ConfigDict(extra="forbid")

    pct: dict[int, Exact] | None = Field(None, description="Percent by floor; they sum to 100.")
    split: Literal["equal", "area"] | None = Field(
        None, description="How a floor's percentage is split among its flats."
    )
    k: dict[int, Exact] | None = Field(None, description="Coefficient by floor.")
    amounts: dict[Id, Annotated[int, Field(ge=0, le=10**10)]] | None = Field(
        None, description=f"Agreed amount by unit id; they sum to the net cost. {FEN}"
    )


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text
    scheme: SchemeValue
    purpose: PurposeValue = "construction"
    gross: Fen
    subsidy: Fen = Field(0, description=f"Construction subsidy. {FEN}")
    roster: list[Id] = Field(
        ..., max_length=MAX_ROSTER, description="Unit ids, in order (ties in rounding go first)."
    )
    parameters: PlanParametersIn | None = None
    opt_outs: list[Id] = Field(default_factory=list, max_length=MAX_ROSTER)
    motion_id: Id | None = Field(None, description="The owners' vote that approved the plan.")


class ShareOut(Schema):
    id: int | None = Field(..., description="Null on a draft: the shares it would issue.")
    unit_id: int
    unit_label: str
    position: int
    amount: int = Field(..., description=FEN)
    paid: int = Field(..., description=FEN)
    outstanding: int = Field(..., description=FEN)


class PlanOut(PlanSummaryOut):
    account_id: int
    unused_subsidy: int = Field(..., description=FEN)
    parameters: dict[str, Any]
    roster: list[int]
    opt_outs: list[int]
    motion_id: int | None
    created_at: datetime
    shares: list[ShareOut] = Field(..., description="In roster order.")


class PaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: Fen
    channel: ChannelValue
    reference: Text = Field("", description="Bank or payment reference.")
    paid_on: date | None = Field(None, description="Beijing date; omitted: today.")


class PaymentOut(Schema):
    id: int
    share_id: int
    unit_id: int
    amount: int = Field(..., description=FEN)
    channel: ChannelValue
    channel_label: str
    reference: str
    paid_at: datetime
    entry_sequence: int
    entry_hash: str
    share_paid: int = Field(..., description=f"Paid on the share so far. {FEN}")
    share_outstanding: int = Field(..., description=FEN)


# --- statements --------------------------------------------------------------------------------


class StatementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    period: PeriodValue
    starts_on: date = Field(
        ..., description="The first of a month (January or July for half-years, January for years)."
    )


class CategoryAmountOut(Schema):
    category: str
    label: str
    amount: int = Field(..., description=FEN)


class StatementOut(StatementSummaryOut):
    """A published statement: figures by category, the balances and the ledger head."""

    account_public_id: uuid.UUID
    account_name: str
    estate_name: str | None
    opening: int = Field(..., description=FEN)
    income_by_category: list[CategoryAmountOut]
    expense_by_category: list[CategoryAmountOut]
    entries: int = Field(..., description="Entries booked in the period.")
    head_sequence: int = Field(..., description="The ledger's head at the end of the period.")
    head_hash: str
    notice_public_id: uuid.UUID | None = Field(..., description="The notice it was published in.")
    created_at: datetime


# --- the public ledger -------------------------------------------------------------------------


class PublicAccountOut(Schema):
    public_id: uuid.UUID
    community_name: str
    estate_name: str | None
    kind: AccountKindValue
    kind_label: str
    name: str
    balance: int = Field(..., description=FEN)
    head_sequence: int
    head_hash: str
    fund_health: FundHealthOut | None
    last_checkpoint: CheckpointOut | None
    statements: list[StatementSummaryOut] = Field(..., description="Newest first.")


class PublicEntryOut(Schema):
    sequence: int
    booked_on: date
    description: str
    counterparty: str = Field(..., description="Masked: 张三丰 → 张*丰.")
    categories: list[str] = Field(..., description="Category names.")
    amount_in: int = Field(..., description=FEN)
    amount_out: int = Field(..., description=FEN)
    reverses: int | None
    hash: str


class PublicEntryPageOut(Schema):
    items: list[PublicEntryOut] = Field(..., description="Newest first.")
    next_before: int | None = Field(
        ..., description="Pass as `before` for the next (older) page; null on the last page."
    )


# --- an owner's own money ----------------------------------------------------------------------


class MyFundOut(Schema):
    unit_id: int
    unit_label: str
    account_public_id: uuid.UUID
    account_name: str
    balance: int = Field(..., description=f"The unit's maintenance-fund balance. {FEN}")


class MyShareOut(Schema):
    share_id: int
    plan_public_id: uuid.UUID
    plan_title: str
    account_public_id: uuid.UUID
    unit_id: int
    unit_label: str
    amount: int = Field(..., description=FEN)
    paid: int = Field(..., description=FEN)
    outstanding: int = Field(..., description=FEN)
    issued_at: datetime | None


class MyPaymentOut(Schema):
    share_id: int
    plan_title: str
    unit_label: str
    amount: int = Field(..., description=FEN)
    channel: ChannelValue
    channel_label: str
    reference: str
    paid_at: datetime
    entry_sequence: int
    entry_hash: str


class MineOut(Schema):
    """The caller's own units (owned now): fund balances, shares and payments."""

    funds: list[MyFundOut]
    shares: list[MyShareOut]
    payments: list[MyPaymentOut]
