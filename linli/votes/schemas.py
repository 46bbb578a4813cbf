"""API shapes of owners' decisions.

Areas travel twice: as integers in hundredths of a square metre (`area`: 8950), which is what
every total is computed in, and as text with two decimals (`area_m2`: "89.50") for display.
Names of people never leave here; the public roll identifies voters by number only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

# The choices of linli.votes.models.Motion (kept equal by a test), as literals so the schema
# lists the allowed values and anything else is a 422 before a service runs.
KindValue = Literal["yes_no", "choose_one", "elect"]
MatterValue = Literal[
    "rules",
    "covenant",
    "committee",
    "property_company",
    "use_fund",
    "raise_fund",
    "rebuild",
    "common_parts",
    "committee_funding",
    "common_income",
    "other_major",
    "custom",
    "poll",
]
MeetingKindValue = Literal["regular", "extraordinary"]
ScopeValue = Literal["estate", "building", "entrance", "units"]
StatusValue = Literal["draft", "announced", "open", "closed", "tallied", "published", "cancelled"]
ChoiceValue = Literal["yes", "no", "abstain", "follow_majority"]

AREA = "Hundredths of a square metre (8950 = 89.50 m²)."
AREA_M2 = "The same area in square metres, two decimals."
MAX_OPTIONS = 30


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refuse it here (422) rather than fail on save (500).
    if "\x00" in value:
        raise ValueError("NUL character")
    return value


# Free text a caller writes; lengths are the services' to check (400, with a clear message).
Text = Annotated[str, AfterValidator(_no_nul)]


# --- what a resident sees ---------------------------------------------------------------------


class VoteThresholdOut(Schema):
    numerator: int
    denominator: int
    inclusive: bool = Field(..., description="Whether reaching the fraction exactly is enough.")


class VoteRuleOut(Schema):
    kind: str
    quorum: VoteThresholdOut | None
    approval: VoteThresholdOut
    base: str = Field(..., description="'participating' (A_P, N_P) or 'total' (A_T, N_T).")
    follow_majority_option: bool
    silent_owners_follow_majority: bool


class MotionOptionOut(Schema):
    position: int
    label: str
    description: str


class MyVoterOut(Schema):
    """One of the caller's homes on the frozen roll: a voter they may cast the ballot of."""

    voter_id: int
    number: int = Field(..., description="The voter's number on the public roll.")
    homes: str = Field(..., description="The units of this voter, e.g. 24幢1单元101.")
    area: int = Field(..., description=AREA)
    area_m2: str = Field(..., description=AREA_M2)
    voted: bool = Field(..., description="A ballot stands for this home (online, or on paper).")
    may_vote: bool = Field(..., description="Voting is open and a (new) ballot is accepted.")


class MotionOut(Schema):
    public_id: uuid.UUID
    id: int | None = Field(
        ..., description="The id for /votes/manage/…; only for those who manage the motion."
    )
    community_id: int
    estate_id: int
    estate_name: str
    title: str
    kind: KindValue
    kind_label: str
    matter: MatterValue
    matter_label: str
    rule_kind: str
    rule_label: str
    scope: ScopeValue
    status: StatusValue
    status_label: str
    opens_on: date | None = Field(..., description="Voting opens at 00:00 Beijing time.")
    closes_on: date | None = Field(..., description="Voting closes at 24:00 Beijing time.")
    announced_on: date | None
    published_at: datetime | None


class MotionSpecOut(MotionOut):
    """The question in full: explanation, options, the rule, the frozen totals."""

    body: str
    meeting_kind: MeetingKindValue
    seats: int | None
    allow_revote: bool
    follow_majority_option: bool
    rule: VoteRuleOut
    area_total: int | None = Field(..., description=f"A_T, frozen at opening. {AREA}")
    area_total_m2: str | None
    headcount_total: int | None = Field(..., description="N_T, frozen at opening.")
    options: list[MotionOptionOut]
    result_url: str | None = Field(..., description="The public result, once published.")


class MotionDetailOut(MotionSpecOut):
    my_voters: list[MyVoterOut] = Field(
        ..., description="The caller's homes on the roll (empty before voting opens)."
    )


class MotionPageOut(Schema):
    items: list[MotionOut]
    count: int
    page: int
    page_size: int


class BallotIn(Schema):
    """A yes/no answer in `choice`, or the chosen option positions in `options` (none: abstain)."""

    model_config = ConfigDict(extra="forbid")

    voter_id: int = Field(..., description="A voter_id from the motion's `my_voters`.")
    choice: ChoiceValue | None = None
    options: list[int] = Field(
        default_factory=list, max_length=MAX_OPTIONS, description="Option positions."
    )


class BallotReceiptOut(Schema):
    """The receipt of a cast ballot: its tracker code appears on the public roll."""

    tracker: str = Field(..., examples=["7QK2M-X9D4T"])
    motion_public_id: uuid.UUID
    voter_number: int
    revision: int
    channel: str
    choice: str
    options: list[int]
    cast_at: datetime


# --- the public result ------------------------------------------------------------------------


class VoteCountOut(Schema):
    area: int = Field(..., description=AREA)
    area_m2: str = Field(..., description=AREA_M2)
    headcount: int


class ResultOptionOut(Schema):
    position: int
    label: str
    area: int = Field(..., description=AREA)
    area_m2: str
    headcount: int
    passed: bool
    seat: str | None = Field(..., description="Elections: elected, alternate, not_elected or tied.")


class MotionResultOut(Schema):
    """Every total of a counted motion and its outcome, as stored when it was tallied."""

    public_id: uuid.UUID
    title: str
    kind: KindValue
    status: StatusValue
    tallied_at: datetime
    published_at: datetime | None
    rule: VoteRuleOut
    total: VoteCountOut = Field(..., description="A_T and N_T: the frozen roll.")
    participating: VoteCountOut = Field(..., description="A_P and N_P: abstentions included.")
    yes: VoteCountOut | None
    no: VoteCountOut | None
    abstain: VoteCountOut | None
    follow_majority: VoteCountOut | None
    conflict: VoteCountOut | None = Field(..., description="Co-owners who answered differently.")
    quorum_met: bool
    passed: bool
    outcome: str
    reason: str
    basis: str | None
    explanation: str | None = Field(..., description="The engine's working, in English.")
    options: list[ResultOptionOut]
    winner: int | None
    runoff: list[int]
    elected: list[int]
    alternates: list[int]
    tied: list[int]
    seats: int | None
    conflicts: int
    invalid: int
    spoiled: int
    roll_digest: str = Field(..., description="SHA-256 of the public roll as CSV (UTF-8).")
    roll_url: str


class RollLineOut(Schema):
    number: int
    area: int = Field(..., description=AREA)
    area_m2: str
    answer: str = Field(
        ...,
        description="'' did not vote; yes/no/abstain/follow_majority; option positions "
        "such as '2' or '1;3'; 'abstain'; or 'conflict'.",
    )
    trackers: list[str]


class RollOut(Schema):
    public_id: uuid.UUID
    roll_digest: str
    count: int
    lines: list[RollLineOut]


# --- staff ------------------------------------------------------------------------------------


class CustomRuleIn(Schema):
    quorum_numerator: int
    quorum_denominator: int
    approval_numerator: int
    approval_denominator: int
    approval_inclusive: bool = False


class MotionCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    estate_id: int
    title: Text
    body: Text = ""
    kind: KindValue = "yes_no"
    matter: MatterValue = Field(..., description="Decides the rule (ordinary, special, …).")
    meeting_kind: MeetingKindValue = "regular"
    scope: ScopeValue = "estate"
    building_id: int | None = None
    entrance_id: int | None = None
    building_ids: list[int] = Field(
        default_factory=list, max_length=200, description="Scope 'units': every unit of these."
    )
    unit_ids: list[int] = Field(
        default_factory=list, max_length=5000, description="Scope 'units': these units."
    )
    seats: int | None = Field(None, description="Elections: 1 to 21.")
    allow_revote: bool = False
    custom: CustomRuleIn | None = Field(None, description="Thresholds of a 'custom' matter.")
    follow_majority_option: bool = False
    silent_owners_follow_majority: bool = False
    options: list[Text] = Field(default_factory=list, max_length=MAX_OPTIONS)


class MotionPatchIn(Schema):
    """Only a draft's wording and re-voting may change; the rule never does through here."""

    model_config = ConfigDict(extra="forbid")

    title: Text | None = Field(None, description="Omitted or null: unchanged.")
    body: Text | None = Field(None, description="Omitted or null: unchanged.")
    allow_revote: bool | None = Field(None, description="Omitted or null: unchanged.")


class AnnounceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    opens_on: date
    closes_on: date


class MotionManageOut(MotionSpecOut):
    """A motion as its managers see it: scope, counting rules and the lifecycle timestamps."""

    building_id: int | None
    entrance_id: int | None
    silent_owners_follow_majority: bool
    count_parking_area: bool
    count_shop_area: bool
    opened_at: datetime | None
    closed_at: datetime | None
    tallied_at: datetime | None
    cancelled_at: datetime | None


class TurnoutOut(Schema):
    """Who has voted so far (valid ballots), and paper ballots still waiting for a check."""

    total: VoteCountOut
    voted: VoteCountOut
    area_percent: str = Field(..., examples=["66.7"])
    headcount_percent: str = Field(..., examples=["50.0"])
    pending_checks: int
