"""Hypothesis properties of the Art. 278 tally and the electorate (DOMAIN-RULES §1.2–1.4).

Pure unit tests: no database. `fractions.Fraction` appears only here, as an independent oracle.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from linli.domain.electorate import Electorate, Owner, ScopeUnit, UnitKind, build_electorate
from linli.domain.tally import (
    ORDINARY,
    SIMPLE_MAJORITY,
    SPECIAL,
    Ballot,
    Choice,
    Counts,
    Rule,
    evaluate,
    tally,
)

RULES = st.sampled_from(
    [
        ORDINARY,
        SPECIAL,
        SIMPLE_MAJORITY,
        Rule.ordinary(follow_majority_option=True),
        Rule.special(silent_owners_follow_majority=True),
        Rule.ordinary(follow_majority_option=True, silent_owners_follow_majority=True),
    ]
)
AREA = st.integers(min_value=1, max_value=5_000_000)


@st.composite
def counts(draw: st.DrawFn) -> Counts:
    area_total = draw(st.integers(min_value=0, max_value=10**9))
    heads_total = draw(st.integers(min_value=1, max_value=10**5))
    area_p = draw(st.integers(min_value=0, max_value=area_total))
    heads_p = draw(st.integers(min_value=0, max_value=heads_total))
    return Counts(
        area_total=area_total,
        headcount_total=heads_total,
        area_participating=area_p,
        headcount_participating=heads_p,
        area_yes=draw(st.integers(min_value=0, max_value=area_p)),
        headcount_yes=draw(st.integers(min_value=0, max_value=heads_p)),
    )


def oracle(rule: Rule, c: Counts) -> bool:
    """§1.2 read literally, with exact rationals."""
    quorum = Fraction(2, 3)
    if not (
        c.area_participating >= quorum * c.area_total
        and c.headcount_participating >= quorum * c.headcount_total
    ):
        return False
    if rule is SPECIAL:
        return (
            c.area_yes >= Fraction(3, 4) * c.area_participating
            and c.headcount_yes >= Fraction(3, 4) * c.headcount_participating
        )
    return (
        c.area_yes > Fraction(1, 2) * c.area_participating
        and c.headcount_yes > Fraction(1, 2) * c.headcount_participating
    )


@given(counts(), st.sampled_from([ORDINARY, SPECIAL]))
def test_evaluate_agrees_with_exact_rational_reading_of_art_278(c, rule):
    assert evaluate(rule, c).passed is oracle(rule, c)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@given(area_total=st.integers(min_value=3, max_value=10**9), heads=st.integers(1, 10**5))
def test_quorum_boundary_is_exactly_two_thirds_of_area(area_total, heads):
    needed = ceil_div(2 * area_total, 3)

    def with_participation(area_p: int) -> bool:
        c = Counts(area_total, heads, area_p, heads, area_p, heads)
        return evaluate(ORDINARY, c).quorum_met

    assert with_participation(needed) is True
    assert with_participation(needed - 1) is False


@given(heads_total=st.integers(min_value=2, max_value=10**5))
def test_quorum_boundary_is_exactly_two_thirds_of_headcount(heads_total):
    needed = ceil_div(2 * heads_total, 3)

    def with_participation(heads_p: int) -> bool:
        return evaluate(ORDINARY, Counts(100, heads_total, 100, heads_p, 100, heads_p)).quorum_met

    assert with_participation(needed) is True
    assert with_participation(needed - 1) is False


@given(area_p=st.integers(min_value=1, max_value=10**9))
def test_ordinary_area_boundary_is_strictly_more_than_half(area_p):
    def passes(area_y: int) -> bool:
        return evaluate(ORDINARY, Counts(area_p, 1, area_p, 1, area_y, 1)).passed

    assert passes(area_p // 2 + 1) is True
    assert passes(area_p // 2) is False


@given(area_p=st.integers(min_value=1, max_value=10**9))
def test_special_area_boundary_is_exactly_three_quarters(area_p):
    def passes(area_y: int) -> bool:
        return evaluate(SPECIAL, Counts(area_p, 1, area_p, 1, area_y, 1)).passed

    needed = ceil_div(3 * area_p, 4)
    assert passes(needed) is True
    assert passes(needed - 1) is False


@given(heads_p=st.integers(min_value=1, max_value=10**5))
def test_headcount_approval_boundaries(heads_p):
    def passes(rule: Rule, heads_y: int) -> bool:
        return evaluate(rule, Counts(100, heads_p, 100, heads_p, 100, heads_y)).passed

    assert passes(ORDINARY, heads_p // 2 + 1) is True
    assert passes(ORDINARY, heads_p // 2) is False
    assert passes(SPECIAL, ceil_div(3 * heads_p, 4)) is True
    assert passes(SPECIAL, ceil_div(3 * heads_p, 4) - 1) is False


# Rosters.


@st.composite
def rosters(draw: st.DrawFn) -> list[ScopeUnit]:
    count = draw(st.integers(min_value=1, max_value=14))
    units = []
    for unit_id in range(1, count + 1):
        owner = draw(st.integers(min_value=1, max_value=8))
        co_owner = draw(st.none() | st.integers(min_value=9, max_value=10))
        owners = (Owner(owner),) + (() if co_owner is None else (Owner(co_owner, False),))
        units.append(
            ScopeUnit(
                id=unit_id,
                kind=draw(st.sampled_from(list(UnitKind))),
                area=draw(AREA),
                owners=owners,
                developer_held=owner == 8 and draw(st.booleans()),
            )
        )
    return units


VOTE = st.none() | st.sampled_from(list(Choice))


@st.composite
def rosters_and_ballots(draw: st.DrawFn) -> tuple[Electorate, list[Ballot]]:
    electorate = build_electorate(draw(rosters()))
    ballots = []
    for voter in electorate.voters:
        if not voter.owner_ids:
            continue
        choice = draw(VOTE)
        if choice is not None:
            ballots.append(Ballot(voter.key, voter.owner_ids[0], choice))
            # Sometimes a second co-owner votes too, agreeing or not.
            if len(voter.owner_ids) > 1 and draw(st.booleans()):
                ballots.append(
                    Ballot(voter.key, voter.owner_ids[-1], draw(st.sampled_from(list(Choice))))
                )
    return electorate, ballots


@given(rosters_and_ballots(), RULES, st.randoms())
def test_tally_does_not_depend_on_ballot_order(data, rule, rnd):
    electorate, ballots = data
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert tally(electorate, shuffled, rule) == tally(electorate, ballots, rule)


@given(rosters(), st.randoms())
def test_electorate_does_not_depend_on_unit_order(units, rnd):
    shuffled = list(units)
    rnd.shuffle(shuffled)
    assert build_electorate(shuffled) == build_electorate(units)


@given(rosters())
def test_electorate_totals_are_sums_of_counted_parts(units):
    electorate = build_electorate(units)
    counted = sum(u.area for u in units if u.kind is not UnitKind.PARKING)
    assert electorate.area_total == counted
    assert electorate.headcount_total <= len(units)
    assert sorted(i for voter in electorate.voters for i in voter.unit_ids) == [u.id for u in units]


def switch_to(
    ballots: list[Ballot], electorate: Electorate, index: int, choice: Choice
) -> list[Ballot]:
    """The ballots with the voter at `index` casting one ballot of `choice` (its only one)."""
    voter = electorate.voters[index]
    kept = [b for b in ballots if b.voter != voter.key]
    return [*kept, Ballot(voter.key, voter.owner_ids[0], choice)]


@given(rosters_and_ballots(), RULES, st.data())
def test_one_more_yes_never_turns_a_pass_into_a_fail(data, rule, pick):
    electorate, ballots = data
    candidates = [
        i
        for i, voter in enumerate(electorate.voters)
        if voter.owner_ids and {b.choice for b in ballots if b.voter == voter.key} != {Choice.YES}
    ]
    if not candidates:
        return
    index = pick.draw(st.sampled_from(candidates))
    before = tally(electorate, ballots, rule)
    after = tally(electorate, switch_to(ballots, electorate, index, Choice.YES), rule)
    if before.passed:
        assert after.passed


@given(rosters_and_ballots(), RULES, st.data())
def test_an_abstention_never_adds_approval(data, rule, pick):
    electorate, ballots = data
    silent = [
        i
        for i, voter in enumerate(electorate.voters)
        if voter.owner_ids and all(b.voter != voter.key for b in ballots)
    ]
    if not silent:
        return
    index = pick.draw(st.sampled_from(silent))
    before = tally(electorate, ballots, rule)
    after = tally(electorate, switch_to(ballots, electorate, index, Choice.ABSTAIN), rule)
    assert (after.counts.area_yes, after.counts.headcount_yes) == (
        before.counts.area_yes,
        before.counts.headcount_yes,
    )
    if before.strict.quorum_met and not before.strict.passed:
        assert not after.strict.passed


@given(rosters_and_ballots(), RULES, st.data())
def test_turning_yes_into_abstention_never_turns_a_fail_into_a_pass(data, rule, pick):
    electorate, ballots = data
    yes = [
        i
        for i, voter in enumerate(electorate.voters)
        if {b.choice for b in ballots if b.voter == voter.key} == {Choice.YES}
    ]
    if not yes:
        return
    index = pick.draw(st.sampled_from(yes))
    before = tally(electorate, ballots, rule)
    after = tally(electorate, switch_to(ballots, electorate, index, Choice.ABSTAIN), rule)
    if not before.passed:
        assert not after.passed


@given(rosters_and_ballots(), RULES)
def test_result_totals_add_up(data, rule):
    electorate, ballots = data
    result = tally(electorate, ballots, rule)
    b, c = result.breakdown, result.counts
    assert c.area_total == electorate.area_total
    assert c.headcount_total == electorate.headcount_total
    assert (
        b.headcount_yes
        + b.headcount_no
        + b.headcount_abstain
        + b.headcount_follow_majority
        + b.headcount_conflict
        == len({ballot.voter for ballot in ballots})
    )
    assert c.headcount_participating == len({ballot.voter for ballot in ballots}) - len(
        result.conflicts
    )
    # An enabled clause can only ever rescue a failure, and is then named.
    if result.strict.passed:
        assert result.decision == result.strict
