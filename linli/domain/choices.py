"""Motions with more than two answers: choose one of N options, or elect k of N candidates.

Both are Art. 278 decisions (DOMAIN-RULES §1.2, §2.3), counted from an electorate (§1.3) the
same way as a yes/no motion in `tally.py`:
- one vote per voter; co-owners whose ballots disagree are a conflict and take no part;
- ballots for a voter outside the electorate, from a person who is not one of its owners, or
  naming an option that is not on the motion are set aside;
- a voter who took part but chose nothing (abstained), or chose more than the ballot allows
  (spoiled), counts in A_P and N_P and for no option;
- each option (candidate) is tested on its own as if it were the yes side of a yes/no motion:
  its voters are A_Y and N_Y, and every participant is in A_P and N_P. So abstaining and
  spoiled ballots count against every option, exactly as abstentions do on a yes/no motion.

Under ORDINARY (more than 1/2 of the participants on both measures) at most one option can
pass, because no two options can each hold more than half of the participants' headcount.

[DESIGN] The 随多数 ballot option and the "silent owners follow the majority" clause (§1.4)
do not apply to these motions: with several options there is no one majority side to join.
A rule's `follow_majority_option` and `silent_owners_follow_majority` are ignored here.

For a rule measured against the voters who decided (Base.DECIDED, non-legal polls), "decided"
means those whose ballot named at least one option and was not spoiled; an option's "no" side
is the decided voters who did not choose it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from linli.domain.electorate import Electorate
from linli.domain.tally import Base, Counts, Decision, Rule, evaluate


@dataclass(frozen=True, order=True)
class OptionBallot:
    """One ballot of a multi-option motion for a voter, cast by (or for) one of its owners.

    `options` are the option ids chosen, sorted and without duplicates; () is an abstention
    (took part, chose nothing). A proxy's ballot names the owner it was cast for.
    Raises ValueError if `options` is not sorted or repeats an id.
    """

    voter: str
    owner_id: int
    options: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.options != tuple(sorted(set(self.options))):
            raise ValueError(f"ballot options must be sorted and unique: {self.options}")


class InvalidOptionReason(StrEnum):
    """Why a ballot was set aside; the first two equal `tally.InvalidReason`'s values."""

    UNKNOWN_VOTER = "unknown_voter"
    NOT_AN_OWNER = "not_an_owner"
    UNKNOWN_OPTION = "unknown_option"


@dataclass(frozen=True)
class InvalidOptionBallot:
    """A ballot the count set aside, and why."""

    ballot: OptionBallot
    reason: InvalidOptionReason


@dataclass(frozen=True)
class Answers:
    """The voters' answers aggregated: headcount and area per distinct answer.

    `by_answer` maps a sorted tuple of chosen options (() = abstain) to (headcount, area) of
    the voters who gave exactly that answer; voters whose co-owners disagreed are apart.
    """

    by_answer: Mapping[tuple[int, ...], tuple[int, int]]
    conflict_headcount: int = 0
    conflict_area: int = 0


class ChoiceOutcome(StrEnum):
    WINNER = "winner"
    NO_QUORUM = "no_quorum"
    NO_OPTION_PASSED = "no_option_passed"
    NO_ELECTORATE = "no_electorate"
    TIE = "tie"


@dataclass(frozen=True)
class OptionResult:
    """One option's votes and its own Art. 278 test, as if it were the yes side.

    Invariants: `decision.counts` has this option's `area` and `headcount` as A_Y and N_Y, and
    the motion's totals and participation as A_T, N_T, A_P and N_P.
    """

    option: int
    area: int
    headcount: int
    decision: Decision

    @property
    def passed(self) -> bool:
        return self.decision.passed


@dataclass(frozen=True)
class ChooseOneResult:
    """The outcome of a choose-one-of-N motion, with all its working.

    Invariants: `options` holds every option once, ranked by headcount (desc), then area
    (desc), then option id; the option headcounts plus `headcount_abstain` plus the number of
    `spoiled` voters equal `headcount_participating` (likewise for area); `winner` is set
    exactly when `outcome` is WINNER and is then the top-ranked passing option; `runoff` is
    empty unless the outcome is NO_OPTION_PASSED (the two top-ranked options, plus any tied
    with the second on both measures) or TIE (the passing options tied at the top);
    `spoiled`, `conflicts` and `invalid_ballots` are sorted, so the result does not depend on
    ballot order.
    """

    rule: Rule
    area_total: int
    headcount_total: int
    area_participating: int
    headcount_participating: int
    area_abstain: int
    headcount_abstain: int
    options: tuple[OptionResult, ...]
    outcome: ChoiceOutcome
    winner: int | None
    runoff: tuple[int, ...]
    spoiled: tuple[str, ...]
    conflicts: tuple[str, ...]
    invalid_ballots: tuple[InvalidOptionBallot, ...]
    # Counts, also known when the answers were aggregated elsewhere (then the keys are ()).
    headcount_spoiled: int = 0
    headcount_conflict: int = 0

    @property
    def quorum_met(self) -> bool:
        """Whether the rule's quorum held (always true for a rule without one)."""
        return _quorum_met(
            self.rule,
            self.area_total,
            self.headcount_total,
            self.area_participating,
            self.headcount_participating,
        )


class Seat(StrEnum):
    ELECTED = "elected"
    ALTERNATE = "alternate"
    NOT_ELECTED = "not_elected"
    TIED = "tied"


@dataclass(frozen=True)
class CandidateResult:
    """One candidate's votes, their own Art. 278 test, and their 1-based place in the ranking."""

    candidate: int
    area: int
    headcount: int
    decision: Decision
    rank: int

    @property
    def passed(self) -> bool:
        return self.decision.passed


@dataclass(frozen=True)
class ElectionResult:
    """The outcome of electing `seats` members from candidates (HZ-PMR Arts. 27–28).

    Invariants: `candidates` holds every candidate once, ranked by headcount (desc), then area
    (desc), then candidate id, with `rank` its 1-based position; `elected`, `tied` and
    `alternates` are disjoint, in rank order, and together are exactly the passing candidates;
    `elected` has at most `seats` members and every one ranks above every tied and alternate
    candidate; `tied` is empty or holds at least two candidates with equal headcount and area
    who straddle the last seat, so none of them is seated; nobody passes, so nobody is
    elected, when the quorum fails. `spoiled`, `conflicts` and `invalid_ballots` are sorted.
    """

    rule: Rule
    seats: int
    area_total: int
    headcount_total: int
    area_participating: int
    headcount_participating: int
    candidates: tuple[CandidateResult, ...]
    elected: tuple[int, ...]
    alternates: tuple[int, ...]
    tied: tuple[int, ...]
    spoiled: tuple[str, ...]
    conflicts: tuple[str, ...]
    invalid_ballots: tuple[InvalidOptionBallot, ...]
    # Counts, also known when the answers were aggregated elsewhere (then the keys are ()).
    headcount_spoiled: int = 0
    headcount_conflict: int = 0

    @property
    def quorum_met(self) -> bool:
        """Whether the rule's quorum held (always true for a rule without one)."""
        return _quorum_met(
            self.rule,
            self.area_total,
            self.headcount_total,
            self.area_participating,
            self.headcount_participating,
        )

    def seat_of(self, candidate: int) -> Seat:
        """Where a candidate ended up; raises ValueError for someone who was not a candidate."""
        if candidate in self.elected:
            return Seat.ELECTED
        if candidate in self.tied:
            return Seat.TIED
        if candidate in self.alternates:
            return Seat.ALTERNATE
        if any(result.candidate == candidate for result in self.candidates):
            return Seat.NOT_ELECTED
        raise ValueError(f"{candidate} is not a candidate")


def tally_choose_one(
    electorate: Electorate,
    ballots: Iterable[OptionBallot],
    options: Sequence[int],
    rule: Rule,
) -> ChooseOneResult:
    """Count a choose-one-of-N motion: the top-ranked option that passes the rule wins.

    Invariants: a ballot naming more than one option is spoiled; a failed quorum elects no
    option but every option's votes are still reported; two passing options with equal
    headcount and area at the top give a TIE with no winner; the result does not depend on
    ballot order. Raises ValueError if `options` is empty or repeats an id.
    """
    count = _count(electorate, ballots, options, rule, allowed=1)
    return _choose_one(electorate.area_total, electorate.headcount_total, count, rule)


def choose_one_from_answers(
    area_total: int, headcount_total: int, answers: Answers, options: Sequence[int], rule: Rule
) -> ChooseOneResult:
    """`tally_choose_one` from answers aggregated elsewhere (e.g. in SQL), voter by voter.

    Gives the same outcome and figures as counting the ballots; only the voter keys of spoiled
    and conflicting ballots are unknown (their counts are kept).
    """
    count = _count_answers(area_total, headcount_total, answers, options, rule, allowed=1)
    return _choose_one(area_total, headcount_total, count, rule)


def _choose_one(
    area_total: int, headcount_total: int, count: _Count, rule: Rule
) -> ChooseOneResult:
    results = tuple(
        OptionResult(option=o.option, area=o.area, headcount=o.headcount, decision=o.decision)
        for o in count.ranked
    )
    outcome, winner, runoff = _choose(count, results)
    return ChooseOneResult(
        rule=rule,
        area_total=area_total,
        headcount_total=headcount_total,
        area_participating=count.area_participating,
        headcount_participating=count.headcount_participating,
        area_abstain=count.area_abstain,
        headcount_abstain=count.headcount_abstain,
        options=results,
        outcome=outcome,
        winner=winner,
        runoff=runoff,
        spoiled=count.spoiled,
        conflicts=count.conflicts,
        invalid_ballots=count.invalid,
        headcount_spoiled=count.headcount_spoiled,
        headcount_conflict=count.headcount_conflict,
    )


def tally_elect(
    electorate: Electorate,
    ballots: Iterable[OptionBallot],
    candidates: Sequence[int],
    rule: Rule,
    seats: int,
) -> ElectionResult:
    """Count an election of `seats` members: each passing candidate in rank order takes a seat.

    Each ballot ticks up to `seats` candidates; more is spoiled (took part, counted for
    nobody); () abstains. Each candidate is tested on its own under `rule` (ORDINARY for a
    committee election, §2.3). Passing candidates beyond the seats are alternates (候补,
    HZ-PMR Art. 28); passing candidates exactly tied on headcount and area across the last
    seat are all left unseated for a run-off. Invariants: as ElectionResult; the result does
    not depend on ballot order. Raises ValueError if `candidates` is empty or repeats an id,
    or if `seats` < 1.
    """
    if seats < 1:
        raise ValueError("an election needs at least one seat")
    count = _count(electorate, ballots, candidates, rule, allowed=seats)
    return _elect(electorate.area_total, electorate.headcount_total, count, rule, seats)


def elect_from_answers(
    area_total: int,
    headcount_total: int,
    answers: Answers,
    candidates: Sequence[int],
    rule: Rule,
    seats: int,
) -> ElectionResult:
    """`tally_elect` from answers aggregated elsewhere; see `choose_one_from_answers`."""
    if seats < 1:
        raise ValueError("an election needs at least one seat")
    count = _count_answers(area_total, headcount_total, answers, candidates, rule, allowed=seats)
    return _elect(area_total, headcount_total, count, rule, seats)


def _elect(
    area_total: int, headcount_total: int, count: _Count, rule: Rule, seats: int
) -> ElectionResult:
    ranked = tuple(
        CandidateResult(
            candidate=o.option, area=o.area, headcount=o.headcount, decision=o.decision, rank=i
        )
        for i, o in enumerate(count.ranked, start=1)
    )
    passing = [c for c in ranked if c.passed]
    elected, tied, alternates = passing[:seats], [], passing[seats:]
    if len(passing) > seats and _key(passing[seats - 1]) == _key(passing[seats]):
        last = _key(passing[seats - 1])
        elected = [c for c in passing if _key(c) > last]
        tied = [c for c in passing if _key(c) == last]
        alternates = [c for c in passing if _key(c) < last]
    return ElectionResult(
        rule=rule,
        seats=seats,
        area_total=area_total,
        headcount_total=headcount_total,
        area_participating=count.area_participating,
        headcount_participating=count.headcount_participating,
        candidates=ranked,
        elected=tuple(c.candidate for c in elected),
        alternates=tuple(c.candidate for c in alternates),
        tied=tuple(c.candidate for c in tied),
        spoiled=count.spoiled,
        conflicts=count.conflicts,
        invalid_ballots=count.invalid,
        headcount_spoiled=count.headcount_spoiled,
        headcount_conflict=count.headcount_conflict,
    )


# The shared count.


@dataclass(frozen=True)
class _Votes:
    option: int
    area: int
    headcount: int
    decision: Decision


@dataclass(frozen=True)
class _Count:
    ranked: tuple[_Votes, ...]
    area_participating: int
    headcount_participating: int
    area_abstain: int
    headcount_abstain: int
    headcount_spoiled: int
    headcount_conflict: int
    spoiled: tuple[str, ...]
    conflicts: tuple[str, ...]
    invalid: tuple[InvalidOptionBallot, ...]
    quorum_met: bool
    no_electorate: bool


def _key(votes: _Votes | CandidateResult | OptionResult) -> tuple[int, int]:
    """What ranks options: headcount, then area (higher is better)."""
    return votes.headcount, votes.area


def _count(
    electorate: Electorate,
    ballots: Iterable[OptionBallot],
    options: Sequence[int],
    rule: Rule,
    *,
    allowed: int,
) -> _Count:
    """Each option's votes and decision; ballots naming more than `allowed` options spoil."""
    known = set(options)
    if not options or len(known) != len(options):
        raise ValueError("options must be non-empty and unique")
    voters = electorate.by_key()
    invalid: list[InvalidOptionBallot] = []
    chosen: dict[str, set[tuple[int, ...]]] = {}
    for ballot in ballots:
        voter = voters.get(ballot.voter)
        if voter is None:
            invalid.append(InvalidOptionBallot(ballot, InvalidOptionReason.UNKNOWN_VOTER))
        elif ballot.owner_id not in voter.owner_ids:
            invalid.append(InvalidOptionBallot(ballot, InvalidOptionReason.NOT_AN_OWNER))
        elif not known.issuperset(ballot.options):
            invalid.append(InvalidOptionBallot(ballot, InvalidOptionReason.UNKNOWN_OPTION))
        else:
            chosen.setdefault(ballot.voter, set()).add(ballot.options)
    answers: dict[tuple[int, ...], tuple[int, int]] = {}
    spoiled: list[str] = []
    conflicts: list[str] = []
    conflict_heads = conflict_area = 0
    for key in sorted(chosen):
        voter_area = voters[key].area
        if len(chosen[key]) > 1:
            conflicts.append(key)
            conflict_heads, conflict_area = conflict_heads + 1, conflict_area + voter_area
            continue
        (picked,) = chosen[key]
        if len(picked) > allowed:
            spoiled.append(key)
        heads, area = answers.get(picked, (0, 0))
        answers[picked] = (heads + 1, area + voter_area)
    return _count_answers(
        electorate.area_total,
        electorate.headcount_total,
        Answers(answers, conflict_heads, conflict_area),
        options,
        rule,
        allowed=allowed,
        spoiled=tuple(spoiled),
        conflicts=tuple(conflicts),
        invalid=tuple(sorted(invalid, key=lambda bad: bad.ballot)),
    )


def _count_answers(
    area_total: int,
    headcount_total: int,
    answers: Answers,
    options: Sequence[int],
    rule: Rule,
    *,
    allowed: int,
    spoiled: tuple[str, ...] = (),
    conflicts: tuple[str, ...] = (),
    invalid: tuple[InvalidOptionBallot, ...] = (),
) -> _Count:
    """Each option's votes and decision from the aggregated answers of the voters."""
    known = set(options)
    if not options or len(known) != len(options):
        raise ValueError("options must be non-empty and unique")
    area = dict.fromkeys(options, 0)
    heads = dict.fromkeys(options, 0)
    area_p = heads_p = area_abstain = heads_abstain = area_decided = heads_decided = 0
    area_spoiled = heads_spoiled = 0
    for picked, (count, voters_area) in sorted(answers.by_answer.items()):
        if not known.issuperset(picked):
            raise ValueError(f"answer {picked} names an unknown option")
        area_p += voters_area
        heads_p += count
        if not picked:
            area_abstain += voters_area
            heads_abstain += count
        elif len(picked) > allowed:
            area_spoiled += voters_area
            heads_spoiled += count
        else:
            area_decided += voters_area
            heads_decided += count
            for option in picked:
                area[option] += voters_area
                heads[option] += count

    def decide(option: int) -> Decision:
        no_area: int | None = None
        no_heads: int | None = None
        if rule.base is Base.DECIDED:
            no_area, no_heads = area_decided - area[option], heads_decided - heads[option]
        return evaluate(
            rule,
            Counts(
                area_total,
                headcount_total,
                area_p,
                heads_p,
                area[option],
                heads[option],
                no_area,
                no_heads,
            ),
        )

    votes = [_Votes(o, area[o], heads[o], decide(o)) for o in options]
    votes.sort(key=lambda v: (-v.headcount, -v.area, v.option))
    return _Count(
        ranked=tuple(votes),
        area_participating=area_p,
        headcount_participating=heads_p,
        area_abstain=area_abstain,
        headcount_abstain=heads_abstain,
        headcount_spoiled=heads_spoiled,
        headcount_conflict=answers.conflict_headcount,
        spoiled=spoiled,
        conflicts=conflicts,
        invalid=invalid,
        quorum_met=_quorum_met(rule, area_total, headcount_total, area_p, heads_p),
        no_electorate=headcount_total == 0,
    )


def _quorum_met(
    rule: Rule, area_total: int, headcount_total: int, area_p: int, headcount_p: int
) -> bool:
    """Whether the rule's quorum holds for this participation (False for an empty electorate)."""
    # Nobody voting yes or no: only the quorum stage of `evaluate` matters here.
    counts = Counts(area_total, headcount_total, area_p, headcount_p, 0, 0, 0, 0)
    return evaluate(rule, counts).quorum_met if headcount_total else False


def _choose(
    count: _Count, results: tuple[OptionResult, ...]
) -> tuple[ChoiceOutcome, int | None, tuple[int, ...]]:
    """The outcome, winner and run-off options of a choose-one count."""
    if count.no_electorate:
        return ChoiceOutcome.NO_ELECTORATE, None, ()
    if not count.quorum_met:
        return ChoiceOutcome.NO_QUORUM, None, ()
    passing = [r for r in results if r.passed]
    if not passing:
        if len(results) < 2:
            return ChoiceOutcome.NO_OPTION_PASSED, None, ()
        second = _key(results[1])
        runoff = [results[0], *(r for r in results[1:] if _key(r) == second)]
        return ChoiceOutcome.NO_OPTION_PASSED, None, tuple(r.option for r in runoff)
    top = _key(passing[0])
    tied = [r.option for r in passing if _key(r) == top]
    if len(tied) > 1:
        return ChoiceOutcome.TIE, None, tuple(tied)
    return ChoiceOutcome.WINNER, passing[0].option, ()
