"""The Art. 278 tally: quorum and approval by area and by headcount, in exact integers.

DOMAIN-RULES §1.2: with A_T, N_T the totals of the scope, A_P, N_P those of the owners who
took part and A_Y, N_Y those who voted yes,
- quorum (all legal matters): A_P ≥ 2/3·A_T and N_P ≥ 2/3·N_T;
- ORDINARY approval: A_Y > 1/2·A_P and N_Y > 1/2·N_P;
- SPECIAL approval (raising funds, rebuilding, changing the use of common parts):
  A_Y ≥ 3/4·A_P and N_Y ≥ 3/4·N_P.
Fractions are compared by cross-multiplication, never with floats. Approval is evaluated only
once the quorum holds. Abstentions take part but never approve. The 随多数 ballot option and
the "silent owners follow the majority" clause (§1.4) are off by default; when a rule enables
them, a result that passes only thanks to them says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from linli.domain.electorate import Electorate
from linli.domain.units import format_hundredths


class RuleKind(StrEnum):
    ORDINARY = "ordinary"
    SPECIAL = "special"
    CUSTOM = "custom"
    SIMPLE_MAJORITY = "simple_majority"


class Base(StrEnum):
    """What the yes side is measured against."""

    # All owners of the scope (A_T, N_T): written-consent rules such as JN-Elev Art. 6.
    TOTAL = "total"
    # The owners who took part (A_P, N_P), abstentions included: CC Art. 278.
    PARTICIPATING = "participating"
    # The owners who voted yes or no, abstentions left out: non-legal polls.
    DECIDED = "decided"


@dataclass(frozen=True)
class Threshold:
    """A fraction numerator/denominator; `inclusive` means "at least" (以上), else "more than".

    Invariants: 0 ≤ numerator ≤ denominator and denominator > 0.
    """

    numerator: int
    denominator: int
    inclusive: bool

    def __post_init__(self) -> None:
        if self.denominator <= 0 or not 0 <= self.numerator <= self.denominator:
            raise ValueError(f"invalid threshold {self.numerator}/{self.denominator}")

    def met(self, part: int, whole: int) -> bool:
        """Whether part reaches this fraction of whole, compared by cross-multiplication."""
        if self.inclusive:
            return part * self.denominator >= self.numerator * whole
        return part * self.denominator > self.numerator * whole

    def describe(self) -> str:
        """'at least 2/3' or 'more than 1/2'."""
        words = "at least" if self.inclusive else "more than"
        return f"{words} {self.numerator}/{self.denominator}"


TWO_THIRDS_OR_MORE = Threshold(2, 3, inclusive=True)
MORE_THAN_HALF = Threshold(1, 2, inclusive=False)
THREE_QUARTERS_OR_MORE = Threshold(3, 4, inclusive=True)

_LEGAL = {
    RuleKind.ORDINARY: (TWO_THIRDS_OR_MORE, MORE_THAN_HALF, Base.PARTICIPATING, True),
    RuleKind.SPECIAL: (TWO_THIRDS_OR_MORE, THREE_QUARTERS_OR_MORE, Base.PARTICIPATING, True),
    RuleKind.SIMPLE_MAJORITY: (None, MORE_THAN_HALF, Base.DECIDED, False),
}


@dataclass(frozen=True)
class Rule:
    """How a motion is decided: an optional quorum, an approval threshold and its base.

    Invariants: ORDINARY, SPECIAL and SIMPLE_MAJORITY carry exactly their fixed thresholds, so a
    rule's kind always tells the truth; only CUSTOM is free. `by_area` False means headcount
    only. The two optional clauses are the community's adopted rules, off by default.
    """

    kind: RuleKind
    quorum: Threshold | None
    approval: Threshold
    base: Base
    by_area: bool = True
    follow_majority_option: bool = False
    silent_owners_follow_majority: bool = False

    def __post_init__(self) -> None:
        fixed = _LEGAL.get(self.kind)
        if fixed is not None and fixed != (self.quorum, self.approval, self.base, self.by_area):
            raise ValueError(f"a {self.kind} rule has fixed thresholds")

    @classmethod
    def ordinary(cls, **clauses: bool) -> Rule:
        """CC Art. 278 ordinary matters: quorum 2/3, then more than 1/2 of participants."""
        quorum, approval, base, by_area = _LEGAL[RuleKind.ORDINARY]
        return cls(RuleKind.ORDINARY, quorum, approval, base, by_area, **clauses)

    @classmethod
    def special(cls, **clauses: bool) -> Rule:
        """CC Art. 278 items 6–8: quorum 2/3, then at least 3/4 of participants."""
        quorum, approval, base, by_area = _LEGAL[RuleKind.SPECIAL]
        return cls(RuleKind.SPECIAL, quorum, approval, base, by_area, **clauses)

    @classmethod
    def custom(
        cls,
        *,
        quorum: Threshold | None,
        approval: Threshold,
        base: Base = Base.PARTICIPATING,
        by_area: bool = True,
        follow_majority_option: bool = False,
        silent_owners_follow_majority: bool = False,
    ) -> Rule:
        """A threshold set by local regulation or the community's rules."""
        return cls(
            RuleKind.CUSTOM,
            quorum,
            approval,
            base,
            by_area,
            follow_majority_option,
            silent_owners_follow_majority,
        )

    @classmethod
    def simple_majority(cls) -> Rule:
        """A non-legal poll: no quorum, more yes than no by headcount; abstentions neutral."""
        quorum, approval, base, by_area = _LEGAL[RuleKind.SIMPLE_MAJORITY]
        return cls(RuleKind.SIMPLE_MAJORITY, quorum, approval, base, by_area)


ORDINARY = Rule.ordinary()
SPECIAL = Rule.special()
SIMPLE_MAJORITY = Rule.simple_majority()


@dataclass(frozen=True)
class Counts:
    """The six Art. 278 aggregates (areas in hundredths of m²), plus the no side if known.

    Invariants: 0 ≤ yes + no ≤ participating ≤ total on each measure.
    """

    area_total: int
    headcount_total: int
    area_participating: int
    headcount_participating: int
    area_yes: int
    headcount_yes: int
    area_no: int | None = None
    headcount_no: int | None = None

    def __post_init__(self) -> None:
        if (self.area_no is None) != (self.headcount_no is None):
            raise ValueError(f"impossible counts {self}: no side given on one measure only")
        measures = (
            (self.area_yes, self.area_no or 0, self.area_participating, self.area_total),
            (
                self.headcount_yes,
                self.headcount_no or 0,
                self.headcount_participating,
                self.headcount_total,
            ),
        )
        for yes, no, participating, total in measures:
            if min(yes, no) < 0 or not yes + no <= participating <= total:
                raise ValueError(f"impossible counts {self}")

    def base(self, base: Base) -> tuple[int, int]:
        """The (area, headcount) the yes side is measured against."""
        if base is Base.TOTAL:
            return self.area_total, self.headcount_total
        if base is Base.PARTICIPATING:
            return self.area_participating, self.headcount_participating
        if self.area_no is None or self.headcount_no is None:
            raise ValueError("a rule on yes-or-no votes needs the no counts")
        return self.area_yes + self.area_no, self.headcount_yes + self.headcount_no


class Reason(StrEnum):
    PASSED = "passed"
    NO_ELECTORATE = "no_electorate"
    QUORUM_NOT_MET = "quorum_not_met"
    QUORUM_AREA_NOT_MET = "quorum_area_not_met"
    QUORUM_HEADCOUNT_NOT_MET = "quorum_headcount_not_met"
    APPROVAL_NOT_MET = "approval_not_met"
    APPROVAL_AREA_NOT_MET = "approval_area_not_met"
    APPROVAL_HEADCOUNT_NOT_MET = "approval_headcount_not_met"


@dataclass(frozen=True)
class Decision:
    """A rule applied to counts: each test that held, the outcome, and why.

    Invariants: a measure the rule does not use, or approval when the quorum failed, is None;
    `passed` holds exactly when the quorum and every approval test held; `reason` names the
    first failing stage (quorum before approval), and both measures when both failed.
    """

    rule: Rule
    counts: Counts
    quorum_area_met: bool | None
    quorum_headcount_met: bool | None
    approval_area_met: bool | None
    approval_headcount_met: bool | None
    passed: bool
    reason: Reason

    @property
    def quorum_met(self) -> bool:
        """Whether every quorum test the rule asks for held."""
        return self.quorum_area_met is not False and self.quorum_headcount_met is not False

    @property
    def explanation(self) -> str:
        """A plain English account of the outcome, with the figures that decided it."""
        return _explain(self)


def evaluate(rule: Rule, counts: Counts) -> Decision:
    """Apply a rule to aggregate counts.

    Invariants: integer arithmetic only; the quorum is tested first and approval only if it
    held; an empty electorate never passes.
    """
    if counts.headcount_total == 0:
        return Decision(rule, counts, None, None, None, None, False, Reason.NO_ELECTORATE)
    quorum_area: bool | None = None
    quorum_heads: bool | None = None
    if rule.quorum is not None:
        quorum_heads = rule.quorum.met(counts.headcount_participating, counts.headcount_total)
        if rule.by_area:
            quorum_area = rule.quorum.met(counts.area_participating, counts.area_total)
    reason = _failure(quorum_area, quorum_heads, QUORUM_REASONS)
    if reason is not None:
        return Decision(rule, counts, quorum_area, quorum_heads, None, None, False, reason)
    base_area, base_heads = counts.base(rule.base)
    approval_heads = rule.approval.met(counts.headcount_yes, base_heads)
    approval_area = rule.approval.met(counts.area_yes, base_area) if rule.by_area else None
    reason = _failure(approval_area, approval_heads, APPROVAL_REASONS) or Reason.PASSED
    return Decision(
        rule,
        counts,
        quorum_area,
        quorum_heads,
        approval_area,
        approval_heads,
        reason is Reason.PASSED,
        reason,
    )


QUORUM_REASONS = (
    Reason.QUORUM_NOT_MET,
    Reason.QUORUM_AREA_NOT_MET,
    Reason.QUORUM_HEADCOUNT_NOT_MET,
)
APPROVAL_REASONS = (
    Reason.APPROVAL_NOT_MET,
    Reason.APPROVAL_AREA_NOT_MET,
    Reason.APPROVAL_HEADCOUNT_NOT_MET,
)


def _failure(
    area: bool | None, heads: bool | None, reasons: tuple[Reason, Reason, Reason]
) -> Reason | None:
    both, area_only, heads_only = reasons
    if area is False and heads is False:
        return both
    if area is False:
        return area_only
    if heads is False:
        return heads_only
    return None


# Ballots from a roster.


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    # 随多数: joins the side that wins on both measures, if the rule enables it.
    FOLLOW_MAJORITY = "follow_majority"


@dataclass(frozen=True, order=True)
class Ballot:
    """One ballot for a voter of the electorate, cast by (or for) one of its owners.

    A proxy's ballot names the owner it was cast for.
    """

    voter: str
    owner_id: int
    choice: Choice


class InvalidReason(StrEnum):
    UNKNOWN_VOTER = "unknown_voter"
    NOT_AN_OWNER = "not_an_owner"


@dataclass(frozen=True)
class InvalidBallot:
    """A ballot the tally set aside, and why."""

    ballot: Ballot
    reason: InvalidReason


@dataclass(frozen=True)
class Breakdown:
    """Area and headcount per valid choice, and of voters whose co-owners disagreed.

    Invariants: conflicting voters take no part; 随多数 ballots are counted here apart from
    abstentions, whatever the rule does with them.
    """

    area_yes: int = 0
    headcount_yes: int = 0
    area_no: int = 0
    headcount_no: int = 0
    area_abstain: int = 0
    headcount_abstain: int = 0
    area_follow_majority: int = 0
    headcount_follow_majority: int = 0
    area_conflict: int = 0
    headcount_conflict: int = 0

    def add(self, choice: Choice | None, area: int) -> Breakdown:
        """This breakdown with one more voter of `area` on `choice` (None: a conflict)."""
        name = "conflict" if choice is None else choice.value
        return replace(
            self,
            **{
                f"area_{name}": getattr(self, f"area_{name}") + area,
                f"headcount_{name}": getattr(self, f"headcount_{name}") + 1,
            },
        )


class Basis(StrEnum):
    """Which count a result rests on."""

    STRICT = "strict"
    FOLLOW_MAJORITY = "follow_majority"
    SILENT_MAJORITY = "silent_majority"


@dataclass(frozen=True)
class TallyResult:
    """The outcome of a motion from its electorate and ballots, with all its working.

    Invariants: `strict` is the decision under CC Art. 278 with 随多数 ballots as abstentions
    and without the silent-owners clause; `decision` is the one the outcome rests on and
    differs from `strict` only when an enabled clause turned a failure into a pass, which
    `basis` then names. `conflicts` and `invalid_ballots` are sorted, so the result does not
    depend on ballot order.
    """

    rule: Rule
    breakdown: Breakdown
    strict: Decision
    decision: Decision
    basis: Basis
    follow_majority_side: Choice | None
    conflicts: tuple[str, ...]
    invalid_ballots: tuple[InvalidBallot, ...]

    @property
    def counts(self) -> Counts:
        """A_T, N_T, A_P, N_P, A_Y, N_Y (and the no side) of the strict count."""
        return self.strict.counts

    @property
    def passed(self) -> bool:
        return self.decision.passed

    @property
    def quorum_met(self) -> bool:
        return self.decision.quorum_met

    @property
    def reason(self) -> Reason:
        return self.decision.reason

    @property
    def relies_on_follow_majority(self) -> bool:
        """Passed only because 随多数 ballots joined the majority."""
        return self.basis is Basis.FOLLOW_MAJORITY

    @property
    def relies_on_silent_majority(self) -> bool:
        """Passed only because owners who did not vote were counted with the majority."""
        return self.basis is Basis.SILENT_MAJORITY

    @property
    def explanation(self) -> str:
        """The decision's explanation, labelled when it rests on an optional clause."""
        text = self.decision.explanation
        if self.basis is Basis.FOLLOW_MAJORITY:
            return text + " This relies on the 'follow the majority' ballot option."
        if self.basis is Basis.SILENT_MAJORITY:
            return text + " This relies on counting silent owners with the majority."
        return text


def tally(electorate: Electorate, ballots: Iterable[Ballot], rule: Rule) -> TallyResult:
    """Count ballots against an electorate under a rule.

    Invariants: one vote per voter; disagreeing ballots for one voter make it a conflict that
    takes no part; ballots for a voter outside the electorate, or from a person who is not one
    of its owners, are set aside; abstentions take part but never approve; the result does not
    depend on ballot order.
    """
    voters = electorate.by_key()
    invalid: list[InvalidBallot] = []
    choices: dict[str, set[Choice]] = {}
    for ballot in ballots:
        voter = voters.get(ballot.voter)
        if voter is None:
            invalid.append(InvalidBallot(ballot, InvalidReason.UNKNOWN_VOTER))
        elif ballot.owner_id not in voter.owner_ids:
            invalid.append(InvalidBallot(ballot, InvalidReason.NOT_AN_OWNER))
        else:
            choices.setdefault(ballot.voter, set()).add(ballot.choice)
    breakdown = Breakdown()
    conflicts: list[str] = []
    for key in sorted(choices):
        chosen = choices[key]
        if len(chosen) > 1:
            conflicts.append(key)
        breakdown = breakdown.add(
            next(iter(chosen)) if len(chosen) == 1 else None, voters[key].area
        )

    return decide(
        electorate.area_total,
        electorate.headcount_total,
        breakdown,
        rule,
        conflicts=tuple(conflicts),
        invalid_ballots=tuple(sorted(invalid, key=lambda bad: bad.ballot)),
    )


def decide(
    area_total: int,
    headcount_total: int,
    breakdown: Breakdown,
    rule: Rule,
    *,
    conflicts: tuple[str, ...] = (),
    invalid_ballots: tuple[InvalidBallot, ...] = (),
) -> TallyResult:
    """The outcome from the totals of the scope and the per-answer breakdown of its voters.

    `tally` counts ballots into a breakdown and calls this; a caller that aggregated the
    breakdown elsewhere (in SQL, say) gets the same result from the same figures.
    """
    b = breakdown
    strict_counts = Counts(
        area_total=area_total,
        headcount_total=headcount_total,
        area_participating=b.area_yes + b.area_no + b.area_abstain + b.area_follow_majority,
        headcount_participating=b.headcount_yes
        + b.headcount_no
        + b.headcount_abstain
        + b.headcount_follow_majority,
        area_yes=b.area_yes,
        headcount_yes=b.headcount_yes,
        area_no=b.area_no,
        headcount_no=b.headcount_no,
    )
    strict = evaluate(rule, strict_counts)
    decision, basis = strict, Basis.STRICT
    side: Choice | None = None
    counts = strict_counts
    if rule.follow_majority_option and b.headcount_follow_majority:
        side = _majority_side(counts)
        if side is not None:
            counts = _join(counts, side, b.area_follow_majority, b.headcount_follow_majority)
            candidate = evaluate(rule, counts)
            if not decision.passed and candidate.passed:
                decision, basis = candidate, Basis.FOLLOW_MAJORITY
    if rule.silent_owners_follow_majority and not decision.passed:
        silent_side = _majority_side(counts)
        if silent_side is not None:
            silent_area = counts.area_total - counts.area_participating
            silent_heads = counts.headcount_total - counts.headcount_participating
            silent = _join(counts, silent_side, silent_area, silent_heads, participate=True)
            candidate = evaluate(rule, silent)
            if candidate.passed:
                decision, basis = candidate, Basis.SILENT_MAJORITY
    return TallyResult(
        rule=rule,
        breakdown=breakdown,
        strict=strict,
        decision=decision,
        basis=basis,
        follow_majority_side=side,
        conflicts=conflicts,
        invalid_ballots=invalid_ballots,
    )


def _majority_side(counts: Counts) -> Choice | None:
    """YES or NO if that side leads on both area and headcount, else None (§1.4(4))."""
    area_no = counts.area_no or 0
    heads_no = counts.headcount_no or 0
    if counts.area_yes > area_no and counts.headcount_yes > heads_no:
        return Choice.YES
    if area_no > counts.area_yes and heads_no > counts.headcount_yes:
        return Choice.NO
    return None


def _join(
    counts: Counts, side: Choice, area: int, heads: int, *, participate: bool = False
) -> Counts:
    """Counts with `area` and `heads` moved onto `side`; `participate` adds them to A_P, N_P."""
    if participate:
        counts = replace(
            counts,
            area_participating=counts.area_participating + area,
            headcount_participating=counts.headcount_participating + heads,
        )
    if side is Choice.YES:
        return replace(
            counts, area_yes=counts.area_yes + area, headcount_yes=counts.headcount_yes + heads
        )
    return replace(
        counts,
        area_no=(counts.area_no or 0) + area,
        headcount_no=(counts.headcount_no or 0) + heads,
    )


# Explanations (English source text; the UI translates by reason code and figures).


def _area(value: int) -> str:
    return f"{format_hundredths(value)} m²"


def _explain(decision: Decision) -> str:
    rule, counts = decision.rule, decision.counts
    if decision.reason is Reason.NO_ELECTORATE:
        return "Not passed: nobody in the scope can vote."
    area_p = f"{format_hundredths(counts.area_participating)} of {_area(counts.area_total)}"
    heads_p = f"{counts.headcount_participating} of {counts.headcount_total} owners"
    if not decision.quorum_met:
        assert rule.quorum is not None
        if decision.reason is Reason.QUORUM_AREA_NOT_MET:
            figures, each = area_p, ""
        elif decision.reason is Reason.QUORUM_HEADCOUNT_NOT_MET:
            figures, each = heads_p, ""
        else:
            figures, each = f"{area_p} and {heads_p}", " of each"
        return (
            f"Not passed: the quorum was not met. {figures} took part; "
            f"{rule.quorum.describe()}{each} is needed."
        )
    base_area, base_heads = counts.base(rule.base)
    whom = {
        Base.TOTAL: "in the scope",
        Base.PARTICIPATING: "taking part",
        Base.DECIDED: "voting yes or no",
    }[rule.base]
    if decision.passed:
        quorum = ""
        if rule.quorum is not None:
            took_part = f"{area_p} and {heads_p}" if rule.by_area else heads_p
            quorum = f" {took_part} took part ({rule.quorum.describe()} of each is needed)."
        if rule.by_area:
            yes = (
                f"{_area(counts.area_yes)} and {counts.headcount_yes} owners voted yes, out of "
                f"{_area(base_area)} and {base_heads} owners {whom}"
            )
        else:
            yes = f"{counts.headcount_yes} of {base_heads} owners {whom} voted yes"
        each = " of each" if rule.by_area else ""
        return f"Passed.{quorum} {yes} ({rule.approval.describe()}{each} is needed)."
    area_y = f"{format_hundredths(counts.area_yes)} of {_area(base_area)}"
    heads_y = f"{counts.headcount_yes} of {base_heads} owners"
    if decision.reason is Reason.APPROVAL_AREA_NOT_MET:
        figures, each = area_y, ""
    elif decision.reason is Reason.APPROVAL_HEADCOUNT_NOT_MET:
        figures, each = heads_y, ""
    else:
        figures, each = f"{area_y} and {heads_y}", " of each"
    return (
        f"Not passed: the approval was not met. {figures} voted yes; "
        f"{rule.approval.describe()}{each} is needed."
    )
