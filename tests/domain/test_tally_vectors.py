"""DOMAIN-RULES §9.1 and §9.2 vectors for the Art. 278 tally, plus vectors built from the
same rules (electorate edge cases, the optional clauses, custom and simple-majority rules).

Pure unit tests: no database. Areas are integer hundredths of m².
"""

from __future__ import annotations

import pytest

from linli.domain.electorate import (
    DEVELOPER_KEY,
    ElectorateRules,
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
    Ballot,
    Base,
    Basis,
    Choice,
    Counts,
    InvalidReason,
    Reason,
    Rule,
    RuleKind,
    Threshold,
    evaluate,
    tally,
)


def m2(value: str) -> int:
    """'10,000.00' → 1000000 hundredths of m²."""
    whole, _, frac = value.replace(",", "").partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def aggregate(a_t: str, n_t: int, a_p: str, n_p: int, a_y: str, n_y: int) -> Counts:
    return Counts(
        area_total=m2(a_t),
        headcount_total=n_t,
        area_participating=m2(a_p),
        headcount_participating=n_p,
        area_yes=m2(a_y),
        headcount_yes=n_y,
    )


# §9.1: (id, rule, A_T, N_T, A_P, N_P, A_Y, N_Y, passed, quorum met, reason)
AGGREGATE_VECTORS = [
    ("V1", ORDINARY, "10,000.00", 120, "7,000.00", 85, "3,600.00", 43, True, True, Reason.PASSED),
    (
        "V2",
        ORDINARY,
        "10,000.00",
        120,
        "7,000.00",
        85,
        "3,600.00",
        42,
        False,
        True,
        Reason.APPROVAL_HEADCOUNT_NOT_MET,
    ),
    ("V3", ORDINARY, "9,000.00", 90, "6,000.00", 60, "3,000.01", 31, True, True, Reason.PASSED),
    (
        "V4",
        ORDINARY,
        "9,000.00",
        90,
        "6,000.00",
        60,
        "3,000.00",
        31,
        False,
        True,
        Reason.APPROVAL_AREA_NOT_MET,
    ),
    (
        "V5",
        ORDINARY,
        "10,000.00",
        100,
        "6,666.66",
        80,
        "6,666.66",
        80,
        False,
        False,
        Reason.QUORUM_AREA_NOT_MET,
    ),
    ("V5b", ORDINARY, "10,000.00", 100, "6,666.67", 80, "6,666.67", 80, True, True, Reason.PASSED),
    (
        "V6",
        ORDINARY,
        "10,000.00",
        100,
        "9,000.00",
        66,
        "9,000.00",
        66,
        False,
        False,
        Reason.QUORUM_HEADCOUNT_NOT_MET,
    ),
    ("V7", SPECIAL, "12,000.00", 150, "9,000.00", 110, "6,750.00", 83, True, True, Reason.PASSED),
    (
        "V8",
        SPECIAL,
        "12,000.00",
        150,
        "9,000.00",
        110,
        "6,750.00",
        82,
        False,
        True,
        Reason.APPROVAL_HEADCOUNT_NOT_MET,
    ),
    ("V9", ORDINARY, "12,000.00", 150, "9,000.00", 110, "5,000.00", 60, True, True, Reason.PASSED),
    (
        "V10",
        SPECIAL,
        "12,000.00",
        150,
        "9,000.00",
        110,
        "7,000.00",
        80,
        False,
        True,
        Reason.APPROVAL_HEADCOUNT_NOT_MET,
    ),
    ("V11", ORDINARY, "6,000.00", 60, "4,500.00", 45, "2,300.00", 23, True, True, Reason.PASSED),
    (
        "V11b",
        ORDINARY,
        "6,000.00",
        60,
        "4,500.00",
        45,
        "2,260.00",
        22,
        False,
        True,
        Reason.APPROVAL_HEADCOUNT_NOT_MET,
    ),
    (
        "VS",
        ORDINARY,
        "10,000.00",
        100,
        "6,000.00",
        60,
        "6,000.00",
        60,
        False,
        False,
        Reason.QUORUM_NOT_MET,
    ),
    (
        "VF-off",
        ORDINARY,
        "10,000.00",
        100,
        "7,500.00",
        75,
        "3,000.00",
        30,
        False,
        True,
        Reason.APPROVAL_NOT_MET,
    ),
]


@pytest.mark.parametrize(
    ("vid", "rule", "a_t", "n_t", "a_p", "n_p", "a_y", "n_y", "passed", "quorum", "reason"),
    AGGREGATE_VECTORS,
    ids=[v[0] for v in AGGREGATE_VECTORS],
)
def test_art_278_aggregate_vector(vid, rule, a_t, n_t, a_p, n_p, a_y, n_y, passed, quorum, reason):
    decision = evaluate(rule, aggregate(a_t, n_t, a_p, n_p, a_y, n_y))
    assert (decision.passed, decision.quorum_met, decision.reason) == (passed, quorum, reason)


def test_v5_failed_quorum_leaves_approval_unevaluated():
    decision = evaluate(ORDINARY, aggregate("10,000.00", 100, "6,666.66", 80, "6,666.66", 80))
    assert decision.quorum_area_met is False
    assert decision.quorum_headcount_met is True
    assert decision.approval_area_met is None
    assert decision.approval_headcount_met is None
    assert decision.explanation == (
        "Not passed: the quorum was not met. 6666.66 of 10000.00 m² took part; "
        "at least 2/3 is needed."
    )


def test_v9_using_maintenance_funds_is_ordinary_so_special_would_fail():
    counts = aggregate("12,000.00", 150, "9,000.00", 110, "5,000.00", 60)
    assert evaluate(ORDINARY, counts).passed is True
    assert evaluate(SPECIAL, counts).passed is False


def test_v1_explanation_states_both_measures():
    decision = evaluate(ORDINARY, aggregate("10,000.00", 120, "7,000.00", 85, "3,600.00", 43))
    assert decision.explanation == (
        "Passed. 7000.00 of 10000.00 m² and 85 of 120 owners took part (at least 2/3 of each "
        "is needed). 3600.00 m² and 43 owners voted yes, out of 7000.00 m² and 85 owners "
        "taking part (more than 1/2 of each is needed)."
    )


def test_v2_explanation_names_the_failed_headcount():
    decision = evaluate(ORDINARY, aggregate("10,000.00", 120, "7,000.00", 85, "3,600.00", 42))
    assert decision.approval_area_met is True
    assert decision.approval_headcount_met is False
    assert decision.explanation == (
        "Not passed: the approval was not met. 42 of 85 owners voted yes; more than 1/2 is needed."
    )


def flat(unit_id: int, area: str, *owners: int, rep: int | None = None, dev: bool = False):
    representative = owners[0] if rep is None and owners else rep
    return ScopeUnit(
        id=unit_id,
        kind=UnitKind.FLAT,
        area=m2(area),
        owners=tuple(Owner(p, is_representative=p == representative) for p in owners),
        developer_held=dev,
    )


ZHANG, LI, WANG, ZHAO, QIAN, SUN, DEVELOPER = 1, 2, 3, 4, 5, 6, 99


def v12_roster() -> list[ScopeUnit]:
    return [
        flat(101, "60.00", ZHANG),
        flat(102, "60.00", ZHANG),
        flat(201, "80.00", LI, WANG, rep=LI),
        flat(202, "80.00", ZHAO),
        flat(301, "90.00", QIAN),
        flat(302, "90.00", DEVELOPER, dev=True),
        flat(401, "90.00", DEVELOPER, dev=True),
        flat(402, "90.00", SUN),
    ]


def v12_ballots() -> list[Ballot]:
    return [
        Ballot(voter=owner_key([ZHANG]), owner_id=ZHANG, choice=Choice.YES),
        Ballot(voter=owner_key([LI, WANG]), owner_id=LI, choice=Choice.YES),
        Ballot(voter=owner_key([ZHAO]), owner_id=ZHAO, choice=Choice.NO),
        Ballot(voter=owner_key([QIAN]), owner_id=QIAN, choice=Choice.YES),
        Ballot(voter=owner_key([SUN]), owner_id=SUN, choice=Choice.NO),
    ]


def test_v12_electorate_counts_multi_unit_owner_co_owners_and_developer_once():
    electorate = build_electorate(v12_roster())
    assert electorate.area_total == 64000
    assert electorate.headcount_total == 6
    keys = {voter.key: voter for voter in electorate.voters}
    assert keys[owner_key([ZHANG])].unit_ids == (101, 102)
    assert keys[owner_key([ZHANG])].area == 12000
    assert keys[owner_key([LI, WANG])].owner_ids == (LI, WANG)
    assert keys[owner_key([LI, WANG])].representative_id == LI
    assert keys[DEVELOPER_KEY].unit_ids == (302, 401)
    assert keys[DEVELOPER_KEY].area == 18000
    assert keys[DEVELOPER_KEY].is_developer is True


def test_v12a_ordinary_matter_passes_from_the_roster():
    result = tally(build_electorate(v12_roster()), v12_ballots(), ORDINARY)
    counts = result.counts
    assert (counts.area_total, counts.headcount_total) == (64000, 6)
    assert (counts.area_participating, counts.headcount_participating) == (46000, 5)
    assert (counts.area_yes, counts.headcount_yes) == (29000, 3)
    assert (counts.area_no, counts.headcount_no) == (17000, 2)
    assert result.quorum_met is True
    assert result.passed is True
    assert result.reason is Reason.PASSED
    assert result.basis is Basis.STRICT


def test_v12b_same_ballots_on_a_special_matter_fail_on_area():
    result = tally(build_electorate(v12_roster()), v12_ballots(), SPECIAL)
    assert result.passed is False
    # 4 × 290.00 < 3 × 460.00; headcount 3 of 5 also misses 3/4.
    assert result.reason is Reason.APPROVAL_NOT_MET
    assert result.decision.approval_area_met is False
    assert result.decision.approval_headcount_met is False


def elevator_entrance() -> list[ScopeUnit]:
    return [
        flat(floor * 100 + door, "60.00", floor * 10 + door)
        for floor in range(1, 7)
        for door in (1, 2)
    ]


def elevator_ballots(yes_units: list[int]) -> list[Ballot]:
    ballots = []
    for floor in range(1, 7):
        for door in (1, 2):
            person = floor * 10 + door
            choice = Choice.YES if floor * 100 + door in yes_units else Choice.NO
            ballots.append(Ballot(voter=owner_key([person]), owner_id=person, choice=choice))
    return ballots


def test_e1_elevator_exactly_three_quarters_passes():
    yes = [301, 302, 401, 402, 501, 502, 601, 602, 201]
    result = tally(build_electorate(elevator_entrance()), elevator_ballots(yes), SPECIAL)
    assert (result.counts.area_total, result.counts.headcount_total) == (72000, 12)
    assert (result.counts.area_yes, result.counts.headcount_yes) == (54000, 9)
    assert result.passed is True


def test_e2_elevator_eight_of_twelve_fails():
    yes = [301, 302, 401, 402, 501, 502, 601, 602]
    result = tally(build_electorate(elevator_entrance()), elevator_ballots(yes), SPECIAL)
    assert result.passed is False
    assert result.reason is Reason.APPROVAL_NOT_MET


# Roster forms of the §9.1 ballot vectors (all units 100 m², one owner each).


def hundred_square_metre_roster(count: int) -> list[ScopeUnit]:
    return [flat(unit_id, "100.00", unit_id) for unit_id in range(1, count + 1)]


def ballots_in_order(*groups: tuple[Choice, int]) -> list[Ballot]:
    ballots = []
    person = 1
    for choice, how_many in groups:
        for _ in range(how_many):
            ballots.append(Ballot(voter=owner_key([person]), owner_id=person, choice=choice))
            person += 1
    return ballots


def test_v11_abstentions_count_as_participation():
    electorate = build_electorate(hundred_square_metre_roster(60))
    ballots = ballots_in_order((Choice.YES, 23), (Choice.NO, 12), (Choice.ABSTAIN, 10))
    result = tally(electorate, ballots, ORDINARY)
    assert (result.counts.area_participating, result.counts.headcount_participating) == (
        450000,
        45,
    )
    assert (result.breakdown.area_abstain, result.breakdown.headcount_abstain) == (100000, 10)
    assert result.passed is True


def test_vs_silent_owners_clause_off_by_default_fails_the_quorum():
    electorate = build_electorate(hundred_square_metre_roster(100))
    result = tally(electorate, ballots_in_order((Choice.YES, 60)), ORDINARY)
    assert result.passed is False
    assert result.reason is Reason.QUORUM_NOT_MET
    assert result.relies_on_silent_majority is False


def test_vs_silent_owners_clause_on_passes_but_is_labelled():
    electorate = build_electorate(hundred_square_metre_roster(100))
    rule = Rule.ordinary(silent_owners_follow_majority=True)
    result = tally(electorate, ballots_in_order((Choice.YES, 60)), rule)
    assert result.passed is True
    assert result.basis is Basis.SILENT_MAJORITY
    assert result.relies_on_silent_majority is True
    assert result.strict.passed is False
    assert result.strict.reason is Reason.QUORUM_NOT_MET
    assert (result.decision.counts.area_yes, result.decision.counts.headcount_yes) == (
        1000000,
        100,
    )
    assert "silent owners" in result.explanation


def vf_ballots() -> list[Ballot]:
    return ballots_in_order(
        (Choice.YES, 30), (Choice.NO, 25), (Choice.FOLLOW_MAJORITY, 10), (Choice.ABSTAIN, 10)
    )


def test_vf_off_follow_majority_counts_as_abstention():
    electorate = build_electorate(hundred_square_metre_roster(100))
    result = tally(electorate, vf_ballots(), ORDINARY)
    assert (result.counts.area_participating, result.counts.headcount_participating) == (
        750000,
        75,
    )
    assert (result.counts.area_yes, result.counts.headcount_yes) == (300000, 30)
    assert result.passed is False
    assert result.reason is Reason.APPROVAL_NOT_MET
    assert result.follow_majority_side is None
    assert result.relies_on_follow_majority is False


def test_vf_on_follow_majority_joins_the_winning_side_and_is_labelled():
    electorate = build_electorate(hundred_square_metre_roster(100))
    rule = Rule.ordinary(follow_majority_option=True)
    result = tally(electorate, vf_ballots(), rule)
    # 30 yes beat 25 no on both measures, so the 10 随多数 ballots join yes: 40 > 37.5.
    assert result.follow_majority_side is Choice.YES
    assert (result.decision.counts.area_yes, result.decision.counts.headcount_yes) == (
        400000,
        40,
    )
    assert result.passed is True
    assert result.basis is Basis.FOLLOW_MAJORITY
    assert result.relies_on_follow_majority is True


def test_follow_majority_is_an_abstention_when_area_and_headcount_disagree():
    units = [flat(1, "300.00", 1)] + [flat(i, "100.00", i) for i in range(2, 7)]
    ballots = [
        Ballot(voter=owner_key([1]), owner_id=1, choice=Choice.YES),
        Ballot(voter=owner_key([2]), owner_id=2, choice=Choice.NO),
        Ballot(voter=owner_key([3]), owner_id=3, choice=Choice.NO),
        Ballot(voter=owner_key([4]), owner_id=4, choice=Choice.FOLLOW_MAJORITY),
        Ballot(voter=owner_key([5]), owner_id=5, choice=Choice.FOLLOW_MAJORITY),
    ]
    rule = Rule.ordinary(follow_majority_option=True)
    result = tally(build_electorate(units), ballots, rule)
    assert result.follow_majority_side is None
    assert result.basis is Basis.STRICT


def test_strict_pass_does_not_rely_on_enabled_clauses():
    electorate = build_electorate(hundred_square_metre_roster(10))
    rule = Rule.ordinary(follow_majority_option=True, silent_owners_follow_majority=True)
    ballots = ballots_in_order((Choice.YES, 6), (Choice.NO, 1), (Choice.FOLLOW_MAJORITY, 1))
    result = tally(electorate, ballots, rule)
    assert result.passed is True
    assert result.basis is Basis.STRICT
    assert result.relies_on_follow_majority is False
    assert result.relies_on_silent_majority is False


# Co-owners, invalid ballots and scope options.


def test_conflicting_co_owner_ballots_surface_and_do_not_count():
    units = [flat(201, "80.00", LI, WANG, rep=LI), flat(202, "80.00", ZHAO)]
    ballots = [
        Ballot(voter=owner_key([LI, WANG]), owner_id=LI, choice=Choice.YES),
        Ballot(voter=owner_key([LI, WANG]), owner_id=WANG, choice=Choice.NO),
        Ballot(voter=owner_key([ZHAO]), owner_id=ZHAO, choice=Choice.YES),
    ]
    result = tally(build_electorate(units), ballots, ORDINARY)
    assert result.conflicts == (owner_key([LI, WANG]),)
    assert (result.breakdown.area_conflict, result.breakdown.headcount_conflict) == (8000, 1)
    assert (result.counts.area_participating, result.counts.headcount_participating) == (8000, 1)
    assert result.reason is Reason.QUORUM_NOT_MET


def test_agreeing_co_owner_ballots_count_once():
    units = [flat(201, "80.00", LI, WANG, rep=LI)]
    ballots = [
        Ballot(voter=owner_key([LI, WANG]), owner_id=LI, choice=Choice.YES),
        Ballot(voter=owner_key([LI, WANG]), owner_id=WANG, choice=Choice.YES),
    ]
    result = tally(build_electorate(units), ballots, ORDINARY)
    assert result.conflicts == ()
    assert (result.counts.area_yes, result.counts.headcount_yes) == (8000, 1)


def test_ballots_from_outside_the_electorate_are_listed_and_ignored():
    units = [flat(201, "80.00", LI), flat(202, "80.00", ZHAO)]
    stranger = Ballot(voter=owner_key([SUN]), owner_id=SUN, choice=Choice.YES)
    impostor = Ballot(voter=owner_key([LI]), owner_id=ZHAO, choice=Choice.YES)
    result = tally(build_electorate(units), [stranger, impostor], ORDINARY)
    assert [(bad.ballot, bad.reason) for bad in result.invalid_ballots] == [
        (impostor, InvalidReason.NOT_AN_OWNER),
        (stranger, InvalidReason.UNKNOWN_VOTER),
    ]
    assert result.counts.headcount_participating == 0


def test_parking_area_excluded_by_default_but_its_only_owner_still_counts():
    units = [
        flat(101, "90.00", 1),
        ScopeUnit(id=900, kind=UnitKind.PARKING, area=m2("12.50"), owners=(Owner(1),)),
        ScopeUnit(id=901, kind=UnitKind.PARKING, area=m2("12.50"), owners=(Owner(2),)),
    ]
    electorate = build_electorate(units)
    assert (electorate.area_total, electorate.headcount_total) == (9000, 2)
    counted = build_electorate(units, ElectorateRules(count_parking_area=True))
    assert (counted.area_total, counted.headcount_total) == (11500, 2)
    strict = build_electorate(units, ElectorateRules(count_owners_of_uncounted_parts=False))
    assert (strict.area_total, strict.headcount_total) == (9000, 1)


def test_shop_area_follows_the_community_rule():
    units = [
        flat(101, "90.00", 1),
        ScopeUnit(id=1, kind=UnitKind.SHOP, area=m2("45.00"), owners=(Owner(2),)),
    ]
    assert build_electorate(units).area_total == 13500
    excluded = build_electorate(units, ElectorateRules(count_shop_area=False))
    assert excluded.area_total == 9000


def test_units_needing_individual_consent_are_kept_apart():
    units = [*elevator_entrance(), flat(900, "20.00", 77)]
    electorate = build_electorate(units, individual_consent=frozenset({101, 900}))
    assert electorate.consent_unit_ids == (101, 900)
    assert (electorate.area_total, electorate.headcount_total) == (66000, 11)
    assert owner_key([77]) not in {voter.key for voter in electorate.voters}


def test_unit_without_a_known_owner_still_counts_one_person():
    electorate = build_electorate([flat(101, "60.00"), flat(102, "60.00", 1)])
    assert (electorate.area_total, electorate.headcount_total) == (12000, 2)
    assert electorate.unowned_unit_ids == (101,)


def test_duplicate_units_are_rejected():
    with pytest.raises(ValueError, match="duplicate unit"):
        build_electorate([flat(101, "60.00", 1), flat(101, "60.00", 2)])


# Other rules.


def test_custom_rule_relative_to_total_like_jinan_written_consent():
    # 2/3 of the entrance's total area and headcount must agree (JN-Elev Art. 6).
    rule = Rule.custom(approval=Threshold(2, 3, inclusive=True), base=Base.TOTAL, quorum=None)
    yes = [101, 102, 201, 202, 301, 302, 401, 402]
    result = tally(build_electorate(elevator_entrance()), elevator_ballots(yes), rule)
    assert result.rule.kind is RuleKind.CUSTOM
    assert result.passed is True
    fewer = tally(build_electorate(elevator_entrance()), elevator_ballots(yes[:-1]), rule)
    assert fewer.reason is Reason.APPROVAL_NOT_MET


def test_ordinary_and_special_cannot_be_built_with_other_thresholds():
    with pytest.raises(ValueError, match="ordinary"):
        Rule(
            kind=RuleKind.ORDINARY,
            quorum=Threshold(1, 2, inclusive=False),
            approval=Threshold(1, 2, inclusive=False),
            base=Base.PARTICIPATING,
        )


def test_threshold_rejects_fractions_outside_zero_to_one():
    with pytest.raises(ValueError, match="threshold"):
        Threshold(4, 3, inclusive=True)
    with pytest.raises(ValueError, match="threshold"):
        Threshold(1, 0, inclusive=True)


def test_simple_majority_counts_heads_among_yes_and_no_without_quorum():
    electorate = build_electorate(hundred_square_metre_roster(100))
    ballots = ballots_in_order((Choice.YES, 3), (Choice.NO, 2), (Choice.ABSTAIN, 10))
    result = tally(electorate, ballots, SIMPLE_MAJORITY)
    assert result.passed is True
    assert result.decision.quorum_area_met is None
    assert result.decision.approval_area_met is None
    tie = tally(electorate, ballots_in_order((Choice.YES, 2), (Choice.NO, 2)), SIMPLE_MAJORITY)
    assert tie.reason is Reason.APPROVAL_HEADCOUNT_NOT_MET


def test_empty_electorate_never_passes():
    result = tally(build_electorate([]), [], ORDINARY)
    assert result.passed is False
    assert result.reason is Reason.NO_ELECTORATE


def test_counts_reject_impossible_totals():
    with pytest.raises(ValueError, match="counts"):
        Counts(
            area_total=100,
            headcount_total=1,
            area_participating=200,
            headcount_participating=1,
            area_yes=0,
            headcount_yes=0,
        )
