"""Choose-one and elect-k motions (linli.domain.choices): hand-built vectors on a 12-owner
roster, then hypothesis properties, including a cross-check against the yes/no tally.

Pure unit tests: no database. Areas are integer hundredths of m².
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.domain.choices import (
    ChoiceOutcome,
    ChooseOneResult,
    ElectionResult,
    InvalidOptionReason,
    OptionBallot,
    Seat,
    tally_choose_one,
    tally_elect,
)
from linli.domain.electorate import (
    Electorate,
    Owner,
    ScopeUnit,
    UnitKind,
    build_electorate,
    owner_key,
)
from linli.domain.tally import (
    ORDINARY,
    SIMPLE_MAJORITY,
    SPECIAL,
    TWO_THIRDS_OR_MORE,
    Ballot,
    Base,
    Choice,
    InvalidReason,
    Reason,
    Rule,
    Threshold,
    tally,
)

# The roster: owners p1..p12, one flat each. A_T = 1,120.00 m², N_T = 12.
AREAS = {1: 80, 2: 90, 3: 100, 4: 110, 5: 120, 6: 70, 7: 85, 8: 95, 9: 105, 10: 60, 11: 75, 12: 130}


def roster() -> Electorate:
    return build_electorate(
        ScopeUnit(id=100 + p, kind=UnitKind.FLAT, area=m2 * 100, owners=(Owner(p),))
        for p, m2 in AREAS.items()
    )


def vote(person: int, *options: int) -> OptionBallot:
    return OptionBallot(voter=owner_key([person]), owner_id=person, options=tuple(sorted(options)))


def ballots(picks: dict[int, tuple[int, ...]]) -> list[OptionBallot]:
    return [vote(person, *options) for person, options in picks.items()]


def test_roster_totals():
    electorate = roster()
    assert (electorate.area_total, electorate.headcount_total) == (112000, 12)


def by_option(result: ChooseOneResult) -> dict[int, tuple[int, int, bool]]:
    return {o.option: (o.headcount, o.area, o.passed) for o in result.options}


# Choose one of N.


def test_choose_one_winner_with_more_than_half_of_both_measures():
    picks = dict.fromkeys(range(1, 8), (1,)) | {8: (2,), 9: (2,), 10: (2,), 11: (3,), 12: ()}
    result = tally_choose_one(roster(), ballots(picks), [1, 2, 3], ORDINARY)
    assert result.outcome is ChoiceOutcome.WINNER
    assert result.winner == 1
    assert result.runoff == ()
    assert result.quorum_met is True
    assert (result.area_participating, result.headcount_participating) == (112000, 12)
    assert (result.area_abstain, result.headcount_abstain) == (13000, 1)
    assert [o.option for o in result.options] == [1, 2, 3]
    assert by_option(result) == {1: (7, 65500, True), 2: (3, 26000, False), 3: (1, 7500, False)}
    winner = result.options[0].decision
    assert (winner.counts.area_yes, winner.counts.headcount_yes) == (65500, 7)
    assert (winner.counts.area_participating, winner.counts.area_total) == (112000, 112000)
    assert winner.reason is Reason.PASSED


def test_choose_one_without_a_majority_names_the_run_off_with_ties_for_second_place():
    # Options 2 and 3 tie for second place on both measures (2 owners, 145.00 m²).
    picks = dict.fromkeys(range(1, 6), (1,)) | {
        6: (2,),
        11: (2,),
        7: (3,),
        10: (3,),
        8: (4,),
        9: (1, 2),
        12: (),
    }
    result = tally_choose_one(roster(), ballots(picks), [1, 2, 3, 4], ORDINARY)
    assert result.outcome is ChoiceOutcome.NO_OPTION_PASSED
    assert result.winner is None
    assert result.runoff == (1, 2, 3)
    assert result.spoiled == (owner_key([9]),)
    assert by_option(result) == {
        1: (5, 50000, False),
        2: (2, 14500, False),
        3: (2, 14500, False),
        4: (1, 9500, False),
    }
    # The spoiled ballot took part: 12 participants, 10 chose one option, 1 spoiled, 1 abstained.
    assert (result.area_participating, result.headcount_participating) == (112000, 12)
    assert result.options[0].decision.reason is Reason.APPROVAL_NOT_MET


def test_choose_one_run_off_is_the_top_two_when_second_place_is_clear():
    picks = dict.fromkeys(range(1, 6), (1,)) | {6: (2,), 7: (2,), 8: (2,), 9: (3,), 10: (3,)}
    picks |= {11: (3,), 12: ()}
    result = tally_choose_one(roster(), ballots(picks), [3, 2, 1], ORDINARY)
    # Options 2 (3 owners, 250.00 m²) and 3 (3 owners, 240.00 m²) differ on area.
    assert by_option(result)[2][:2] == (3, 25000)
    assert by_option(result)[3][:2] == (3, 24000)
    assert result.runoff == (1, 2)


def test_choose_one_quorum_failure_reports_votes_but_no_winner():
    picks = dict.fromkeys(range(1, 8), (1,))
    result = tally_choose_one(roster(), ballots(picks), [1, 2], ORDINARY)
    assert result.outcome is ChoiceOutcome.NO_QUORUM
    assert result.quorum_met is False
    assert (result.winner, result.runoff) == (None, ())
    assert by_option(result) == {1: (7, 65500, False), 2: (0, 0, False)}
    assert result.options[0].decision.reason is Reason.QUORUM_NOT_MET


def test_choose_one_exact_tie_of_two_passing_options_under_a_low_custom_threshold():
    low = Rule.custom(quorum=TWO_THIRDS_OR_MORE, approval=Threshold(1, 3, inclusive=False))
    picks = dict.fromkeys((1, 2, 6, 9, 12), (1,)) | dict.fromkeys((3, 4, 5, 7, 10), (2,))
    picks |= {8: (3,), 11: (3,)}
    result = tally_choose_one(roster(), ballots(picks), [1, 2, 3], low)
    assert by_option(result) == {1: (5, 47500, True), 2: (5, 47500, True), 3: (2, 17000, False)}
    assert result.outcome is ChoiceOutcome.TIE
    assert (result.winner, result.runoff) == (None, (1, 2))


def test_choose_one_with_no_electorate():
    result = tally_choose_one(build_electorate([]), [vote(1, 1)], [1, 2], ORDINARY)
    assert result.outcome is ChoiceOutcome.NO_ELECTORATE
    assert result.quorum_met is False
    assert [bad.reason for bad in result.invalid_ballots] == [InvalidOptionReason.UNKNOWN_VOTER]


def test_choose_one_sets_aside_unknown_voters_impostors_and_unknown_options():
    stranger = OptionBallot(voter=owner_key([99]), owner_id=99, options=(1,))
    impostor = OptionBallot(voter=owner_key([1]), owner_id=2, options=(1,))
    off_ballot = vote(3, 7)
    result = tally_choose_one(
        roster(), [off_ballot, stranger, impostor, vote(4, 2)], [1, 2], ORDINARY
    )
    assert [(bad.ballot, bad.reason) for bad in result.invalid_ballots] == [
        (impostor, InvalidOptionReason.NOT_AN_OWNER),
        (off_ballot, InvalidOptionReason.UNKNOWN_OPTION),
        (stranger, InvalidOptionReason.UNKNOWN_VOTER),
    ]
    assert InvalidOptionReason.NOT_AN_OWNER == InvalidReason.NOT_AN_OWNER
    assert result.headcount_participating == 1


def co_owned() -> Electorate:
    return build_electorate(
        [
            ScopeUnit(201, UnitKind.FLAT, 8000, owners=(Owner(1), Owner(2, False))),
            ScopeUnit(202, UnitKind.FLAT, 9000, owners=(Owner(3),)),
        ]
    )


def test_co_owners_agreeing_count_once_and_disagreeing_take_no_part():
    couple = owner_key([1, 2])
    agree = [OptionBallot(couple, 1, (2,)), OptionBallot(couple, 2, (2,)), vote(3, 1)]
    result = tally_choose_one(co_owned(), agree, [1, 2], ORDINARY)
    assert by_option(result) == {2: (1, 8000, False), 1: (1, 9000, False)}
    assert result.conflicts == ()
    disagree = [OptionBallot(couple, 1, (2,)), OptionBallot(couple, 2, ()), vote(3, 1)]
    result = tally_choose_one(co_owned(), disagree, [1, 2], ORDINARY)
    assert result.conflicts == (couple,)
    assert (result.area_participating, result.headcount_participating) == (9000, 1)
    assert result.headcount_abstain == 0


def test_option_ballot_must_list_options_sorted_and_once():
    with pytest.raises(ValueError, match="sorted and unique"):
        OptionBallot("p1", 1, (2, 1))
    with pytest.raises(ValueError, match="sorted and unique"):
        OptionBallot("p1", 1, (1, 1))


def test_options_must_be_unique_and_not_empty():
    with pytest.raises(ValueError, match="options"):
        tally_choose_one(roster(), [], [1, 1], ORDINARY)
    with pytest.raises(ValueError, match="options"):
        tally_choose_one(roster(), [], [], ORDINARY)


def test_follow_majority_clauses_do_not_apply_to_choose_one():
    picks = dict.fromkeys(range(1, 7), (1,)) | dict.fromkeys(range(7, 13), (2,))
    plain = tally_choose_one(roster(), ballots(picks), [1, 2], ORDINARY)
    lenient = Rule.ordinary(follow_majority_option=True, silent_owners_follow_majority=True)
    clauses = tally_choose_one(roster(), ballots(picks), [1, 2], lenient)
    assert plain.outcome is clauses.outcome is ChoiceOutcome.NO_OPTION_PASSED
    # 6 owners each; option 1 has 570.00 m², option 2 has 550.00 m².
    assert [o.option for o in plain.options] == [o.option for o in clauses.options] == [1, 2]


def test_simple_majority_poll_leaves_abstentions_and_spoiled_ballots_out():
    # 3 for option 1, 2 for option 2, 4 abstain, 3 spoil: 3 of the 5 who decided.
    picks = {1: (1,), 2: (1,), 3: (1,), 4: (2,), 5: (2,)}
    picks |= dict.fromkeys((6, 7, 8, 9), ()) | dict.fromkeys((10, 11, 12), (1, 2))
    result = tally_choose_one(roster(), ballots(picks), [1, 2], SIMPLE_MAJORITY)
    assert (result.outcome, result.winner) == (ChoiceOutcome.WINNER, 1)
    counts = result.options[0].decision.counts
    assert (counts.headcount_yes, counts.headcount_no) == (3, 2)


# Elect k of N: 5 seats, candidates 101..107.

CANDIDATES = [101, 102, 103, 104, 105, 106, 107]
CONTESTED = {
    1: (101, 102, 103, 104, 107),
    2: (101, 102, 103, 104, 107),
    3: (101, 102, 103, 105, 107),
    4: (101, 102, 103, 105, 107),
    5: (101, 102, 104, 105, 106),
    6: (101, 102, 104, 105, 106),
    7: (101, 102, 104, 105, 106),
    8: (101, 102, 103, 105, 106),
    9: (101, 102, 103, 106, 107),
    10: (103, 104, 105, 106, 107),
    11: (101, 103, 104, 106),
    # Six ticks for five seats: spoiled, counted for nobody.
    12: (101, 102, 103, 104, 105, 106),
}


def by_candidate(result: ElectionResult) -> dict[int, tuple[int, int, int, bool]]:
    return {c.candidate: (c.rank, c.headcount, c.area, c.passed) for c in result.candidates}


def test_election_seats_five_keeps_an_alternate_and_spoils_an_over_ticked_ballot():
    result = tally_elect(roster(), ballots(CONTESTED), CANDIDATES, ORDINARY, seats=5)
    assert result.quorum_met is True
    assert (result.area_participating, result.headcount_participating) == (112000, 12)
    assert result.spoiled == (owner_key([12]),)
    # Passing needs more than 6 of 12 owners and more than 560.00 m².
    assert by_candidate(result) == {
        101: (1, 10, 93000, True),
        102: (2, 9, 85500, True),
        103: (3, 8, 71500, True),
        105: (4, 7, 64000, True),
        106: (5, 7, 61000, True),
        104: (6, 7, 58000, True),
        107: (7, 6, 54500, False),
    }
    assert result.elected == (101, 102, 103, 105, 106)
    assert result.alternates == (104,)
    assert result.tied == ()
    assert [result.seat_of(c) for c in (101, 104, 107)] == [
        Seat.ELECTED,
        Seat.ALTERNATE,
        Seat.NOT_ELECTED,
    ]
    # 107: 6 owners is not more than half of 12, and 545.00 m² not more than half of 1,120.00.
    assert result.candidates[-1].decision.reason is Reason.APPROVAL_NOT_MET


def test_election_exact_tie_across_the_last_seat_seats_neither():
    # Owners 1 (80.00 m²) and 8 (95.00 m²) swap 104 and 106: both end at 7 owners, 595.00 m².
    tied_picks = CONTESTED | {1: (101, 102, 103, 106, 107), 8: (101, 102, 103, 104, 105)}
    result = tally_elect(roster(), ballots(tied_picks), CANDIDATES, ORDINARY, seats=5)
    ranks = by_candidate(result)
    assert ranks[104] == (5, 7, 59500, True)
    assert ranks[106] == (6, 7, 59500, True)
    assert result.elected == (101, 102, 103, 105)
    assert result.tied == (104, 106)
    assert result.alternates == ()
    assert result.seat_of(104) is result.seat_of(106) is Seat.TIED


def test_election_tie_inside_the_seats_is_no_tie():
    # 104 and 106 tie, but a sixth seat seats both.
    tied_picks = CONTESTED | {1: (101, 102, 103, 106, 107), 8: (101, 102, 103, 104, 105)}
    result = tally_elect(roster(), ballots(tied_picks), CANDIDATES, ORDINARY, seats=6)
    assert result.elected == (101, 102, 103, 105, 104, 106)
    assert (result.tied, result.alternates) == ((), ())


def test_election_quorum_failure_elects_nobody():
    # 7 of 12 owners (655.00 of 1,120.00 m²) is below 2/3 on both measures.
    few = {p: picks for p, picks in CONTESTED.items() if p <= 7}
    result = tally_elect(roster(), ballots(few), CANDIDATES, ORDINARY, seats=5)
    assert result.quorum_met is False
    assert (result.elected, result.alternates, result.tied) == ((), (), ())
    assert by_candidate(result)[101] == (1, 7, 65500, False)
    assert {c.decision.reason for c in result.candidates} == {Reason.QUORUM_NOT_MET}
    assert all(result.seat_of(c) is Seat.NOT_ELECTED for c in CANDIDATES)


def test_election_seat_of_a_stranger_is_an_error():
    result = tally_elect(roster(), ballots(CONTESTED), CANDIDATES, ORDINARY, seats=5)
    with pytest.raises(ValueError, match="not a candidate"):
        result.seat_of(999)


def test_election_needs_a_seat():
    with pytest.raises(ValueError, match="seat"):
        tally_elect(roster(), [], CANDIDATES, ORDINARY, seats=0)


def test_election_fewer_passing_than_seats_leaves_seats_empty():
    # A majority for 101 and 102 only; everyone else ticks nobody else.
    picks = dict.fromkeys(range(1, 10), (101, 102)) | dict.fromkeys((10, 11, 12), ())
    result = tally_elect(roster(), ballots(picks), CANDIDATES, ORDINARY, seats=5)
    assert result.elected == (101, 102)
    assert result.alternates == ()


# Properties.

OPTIONS = (1, 2, 3)
# Round areas make exact ties (same headcount and area) common enough to be explored.
AREA = st.sampled_from([6000, 8000, 9000]) | st.integers(min_value=1, max_value=5_000_000)
# Most owners vote, so that the quorum usually holds.
VOTES = st.sampled_from((True,) * 9 + (False,))
FOLLOWS_SLATE = st.sampled_from((True,) * 4 + (False,))
CHOICE_RULES = st.sampled_from(
    [
        ORDINARY,
        SPECIAL,
        SIMPLE_MAJORITY,
        Rule.custom(quorum=TWO_THIRDS_OR_MORE, approval=Threshold(1, 3, inclusive=False)),
        Rule.custom(quorum=None, approval=Threshold(1, 4, inclusive=True), base=Base.TOTAL),
    ]
)

# Low thresholds let more candidates pass than there are seats; "at least 0/1" passes all.
ELECTION_RULES = st.sampled_from(
    [
        ORDINARY,
        Rule.custom(quorum=TWO_THIRDS_OR_MORE, approval=Threshold(1, 3, inclusive=False)),
        Rule.custom(quorum=None, approval=Threshold(1, 4, inclusive=True)),
        Rule.custom(quorum=None, approval=Threshold(0, 1, inclusive=True)),
    ]
)


@st.composite
def rosters(draw: st.DrawFn) -> Electorate:
    units = []
    for unit_id in range(1, draw(st.integers(min_value=1, max_value=16)) + 1):
        owner = draw(st.integers(min_value=1, max_value=12))
        co_owner = draw(st.none() | st.integers(min_value=13, max_value=14))
        owners = (Owner(owner),) + (() if co_owner is None else (Owner(co_owner, False),))
        units.append(
            ScopeUnit(
                id=unit_id,
                kind=draw(st.sampled_from(list(UnitKind))),
                area=draw(AREA),
                owners=owners,
                developer_held=owner == 12 and draw(st.booleans()),
            )
        )
    return build_electorate(units)


def picks(options: tuple[int, ...], most: int) -> st.SearchStrategy[tuple[int, ...]]:
    """Ballot contents: up to `most` options, or now and then too many (a spoiled ballot)."""
    within = st.lists(st.sampled_from(options), unique=True, max_size=most)
    spoiling = st.lists(st.sampled_from(options), unique=True, min_size=min(most + 1, len(options)))
    return st.one_of(within, within, within, spoiling).map(lambda xs: tuple(sorted(xs)))


@st.composite
def option_ballots(
    draw: st.DrawFn,
    options: tuple[int, ...] = OPTIONS,
    most: int = 1,
    slates: tuple[tuple[int, ...], ...] = (),
) -> tuple[Electorate, list[OptionBallot]]:
    """An electorate and ballots; with `slates`, most voters tick one, taking turns."""
    electorate = draw(rosters())
    pick = picks(options, most)
    cast = []
    for index, voter in enumerate(electorate.voters):
        if draw(VOTES):
            on_slate = bool(slates) and draw(FOLLOWS_SLATE)
            first = slates[index % len(slates)] if on_slate else draw(pick)
            cast.append(OptionBallot(voter.key, voter.owner_ids[0], first))
            # Now and then a second co-owner votes too, agreeing or not.
            if len(voter.owner_ids) > 1 and not draw(st.integers(min_value=0, max_value=3)):
                second = first if draw(st.booleans()) else draw(pick)
                cast.append(OptionBallot(voter.key, voter.owner_ids[-1], second))
    if draw(st.booleans()):
        cast.append(OptionBallot("p77", 77, (options[0],)))
    if draw(st.booleans()):
        voter = electorate.voters[0]
        cast.append(OptionBallot(voter.key, voter.owner_ids[0], (options[0], 99)))
    return electorate, cast


CANDIDATES_4 = (1, 2, 3, 4)


@st.composite
def elections(draw: st.DrawFn) -> tuple[Electorate, list[OptionBallot], int]:
    seats = draw(st.integers(min_value=1, max_value=3))
    # Two popular slates make more candidates pass than there are seats, some of them with
    # identical votes (exact ties).
    order = draw(st.permutations(CANDIDATES_4))
    slates = (tuple(sorted(order[:seats])), tuple(sorted(order[1 : seats + 1])))
    electorate, cast = draw(option_ballots(CANDIDATES_4, seats, slates))
    return electorate, cast, seats


@given(option_ballots(), CHOICE_RULES, st.randoms())
def test_choose_one_does_not_depend_on_ballot_order(data, rule, rnd):
    electorate, cast = data
    shuffled = list(cast)
    rnd.shuffle(shuffled)
    assert tally_choose_one(electorate, shuffled, OPTIONS, rule) == tally_choose_one(
        electorate, cast, OPTIONS, rule
    )


@given(option_ballots(), CHOICE_RULES)
def test_choose_one_shares_add_up_to_participation(data, rule):
    electorate, cast = data
    result = tally_choose_one(electorate, cast, OPTIONS, rule)
    areas = {voter.key: voter.area for voter in electorate.voters}
    assert (
        sum(o.headcount for o in result.options) + result.headcount_abstain + len(result.spoiled)
        == result.headcount_participating
    )
    assert (
        sum(o.area for o in result.options)
        + result.area_abstain
        + sum(areas[key] for key in result.spoiled)
        == result.area_participating
    )
    set_aside = {bad.ballot for bad in result.invalid_ballots}
    counted = {b.voter for b in cast if b not in set_aside}
    assert result.headcount_participating + len(result.conflicts) == len(counted)


@given(option_ballots(), CHOICE_RULES)
def test_choose_one_winner_is_the_top_ranked_passing_option(data, rule):
    electorate, cast = data
    result = tally_choose_one(electorate, cast, OPTIONS, rule)
    assert sorted(o.option for o in result.options) == list(OPTIONS)
    keys = [(-o.headcount, -o.area, o.option) for o in result.options]
    assert keys == sorted(keys)
    passing = [o.option for o in result.options if o.passed]
    if result.outcome is ChoiceOutcome.WINNER:
        assert result.winner == passing[0]
    else:
        assert result.winner is None
    if rule is ORDINARY:
        assert len(passing) <= 1
    if not result.quorum_met:
        assert passing == []


@given(option_ballots(), CHOICE_RULES, st.data())
def test_a_ballot_for_the_winner_never_makes_another_option_win(data, rule, pick):
    electorate, cast = data
    before = tally_choose_one(electorate, cast, OPTIONS, rule)
    silent = [v for v in electorate.voters if all(b.voter != v.key for b in cast)]
    if before.winner is None or not silent:
        return
    voter = pick.draw(st.sampled_from(silent))
    more = [*cast, OptionBallot(voter.key, voter.owner_ids[0], (before.winner,))]
    after = tally_choose_one(electorate, more, OPTIONS, rule)
    assert (after.outcome, after.winner) == (ChoiceOutcome.WINNER, before.winner)


YES_NO = {Choice.YES: (1,), Choice.NO: (2,), Choice.ABSTAIN: ()}


@st.composite
def yes_no_ballots(draw: st.DrawFn) -> tuple[Electorate, list[Ballot]]:
    electorate = draw(rosters())
    cast = []
    choice = st.sampled_from(list(YES_NO))
    for voter in electorate.voters:
        if draw(VOTES):
            cast.append(Ballot(voter.key, voter.owner_ids[0], draw(choice)))
            if len(voter.owner_ids) > 1 and draw(st.booleans()):
                cast.append(Ballot(voter.key, voter.owner_ids[-1], draw(choice)))
    return electorate, cast


@given(yes_no_ballots(), st.sampled_from([ORDINARY, SPECIAL, SIMPLE_MAJORITY]))
def test_yes_no_as_choose_one_agrees_with_the_tally(data, rule):
    electorate, cast = data
    motion = tally(electorate, cast, rule)
    encoded = [OptionBallot(b.voter, b.owner_id, YES_NO[b.choice]) for b in cast]
    choice = tally_choose_one(electorate, encoded, (1, 2), rule)
    assert motion.passed is (choice.winner == 1)
    assert choice.quorum_met is motion.quorum_met
    assert choice.conflicts == motion.conflicts
    yes = next(o for o in choice.options if o.option == 1)
    assert (yes.area, yes.headcount) == (motion.counts.area_yes, motion.counts.headcount_yes)
    assert (choice.area_participating, choice.headcount_participating) == (
        motion.counts.area_participating,
        motion.counts.headcount_participating,
    )
    assert yes.decision.reason is motion.reason


@given(elections(), ELECTION_RULES, st.randoms())
def test_election_does_not_depend_on_ballot_order(data, rule, rnd):
    electorate, cast, seats = data
    shuffled = list(cast)
    rnd.shuffle(shuffled)
    assert tally_elect(electorate, shuffled, CANDIDATES_4, rule, seats) == tally_elect(
        electorate, cast, CANDIDATES_4, rule, seats
    )


@given(elections(), ELECTION_RULES)
def test_election_seats_partition_the_passing_candidates(data, rule):
    electorate, cast, seats = data
    result = tally_elect(electorate, cast, CANDIDATES_4, rule, seats)
    passing = [c.candidate for c in result.candidates if c.passed]
    assert [c.rank for c in result.candidates] == [1, 2, 3, 4]
    assert len(result.elected) <= seats
    assert sorted(result.elected + result.tied + result.alternates) == sorted(passing)
    # Seated, tied and alternate candidates come in rank order, in that order.
    assert [*result.elected, *result.tied, *result.alternates] == passing
    assert len(result.tied) != 1
    if result.tied:
        assert (
            len({(c.headcount, c.area) for c in result.candidates if c.candidate in result.tied})
            == 1
        )
        assert len(result.elected) < seats < len(result.elected) + len(result.tied)
    else:
        assert result.elected == tuple(passing[:seats])
    if not result.quorum_met:
        assert result.elected == ()
    for c in result.candidates:
        expected = (
            Seat.ELECTED
            if c.candidate in result.elected
            else Seat.TIED
            if c.candidate in result.tied
            else Seat.ALTERNATE
            if c.candidate in result.alternates
            else Seat.NOT_ELECTED
        )
        assert result.seat_of(c.candidate) is expected
    over = {b.voter for b in cast if len(b.options) > seats and max(b.options) <= 4}
    assert set(result.spoiled) <= over
