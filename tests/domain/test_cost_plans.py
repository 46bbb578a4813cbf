"""DOMAIN-RULES §9.3 vectors C1–C9 and properties of cost sharing (§3.4, CC Art. 283).

Pure unit tests: no database. Amounts in fen, areas in hundredths of m².
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.domain.cost_plans import (
    NetCost,
    PlanCode,
    PlanError,
    Scheme,
    Share,
    Split,
    Unit,
    apportion,
    net_cost,
    plan_by_area,
    plan_coefficient_area,
    plan_explicit,
    plan_floor_percent,
)

# Building 24, unit 1: 6 floors, flats x01 and x02; 60.00 m² each except 601 = 75.00 m².
ROSTER = tuple(
    Unit(f"{floor}0{flat}", floor, 7500 if (floor, flat) == (6, 1) else 6000)
    for floor in range(1, 7)
    for flat in (1, 2)
)
C1_PERCENTS = {1: 0, 2: 10, 3: 15, 4: 20, 5: 25, 6: 30}
C3_COEFFICIENTS = {3: Fraction(7, 10), 4: Fraction(8, 10), 5: Fraction(9, 10), 6: 1}


def by_key(plan_shares: tuple[Share, ...]) -> dict[str, int]:
    return {str(share.key): share.fen for share in plan_shares}


def test_common_setup_net_cost_is_gross_less_subsidy():
    assert net_cost(600_000_00, 200_000_00) == NetCost(600_000_00, 200_000_00, 400_000_00, 0)


def test_c1_floor_percent_table_equal_split_within_floor():
    plan = plan_floor_percent(ROSTER, C1_PERCENTS, net_cost(600_000_00, 200_000_00).net_fen)
    assert plan.scheme is Scheme.FLOOR_PERCENT
    assert by_key(plan.shares) == {
        "101": 0,
        "102": 0,
        "201": 20_000_00,
        "202": 20_000_00,
        "301": 30_000_00,
        "302": 30_000_00,
        "401": 40_000_00,
        "402": 40_000_00,
        "501": 50_000_00,
        "502": 50_000_00,
        "601": 60_000_00,
        "602": 60_000_00,
    }
    assert sum(share.fen for share in plan.shares) == 400_000_00


def test_c2_floor_percent_table_summing_to_95_is_rejected():
    percents = {**C1_PERCENTS, 6: 25}
    with pytest.raises(PlanError) as caught:
        plan_floor_percent(ROSTER, percents, 400_000_00)
    assert caught.value.code is PlanCode.PERCENT_TOTAL_NOT_100


def test_c2_floor_percent_table_over_100_is_rejected_and_exact_100_with_fractions_passes():
    with pytest.raises(PlanError) as caught:
        plan_floor_percent(ROSTER, {**C1_PERCENTS, 1: Fraction(1, 100)}, 400_000_00)
    assert caught.value.code is PlanCode.PERCENT_TOTAL_NOT_100
    thirds = {1: 0, 2: 0, 3: 0, 4: Fraction(100, 3), 5: Fraction(100, 3), 6: Fraction(100, 3)}
    plan = plan_floor_percent(ROSTER, thirds, 100_00)
    assert [share.fen for share in plan.shares[6:]] == [1667, 1667, 1667, 1667, 1666, 1666]


def test_c3_coefficient_times_area_floors_one_and_two_exempt():
    plan = plan_coefficient_area(ROSTER, C3_COEFFICIENTS, 400_000_00)
    assert [weight for _, weight in plan.weights] == [
        0,
        0,
        0,
        0,
        4200,
        4200,
        4800,
        4800,
        5400,
        5400,
        7500,
        6000,
    ]
    assert by_key(plan.shares) == {
        "101": 0,
        "102": 0,
        "201": 0,
        "202": 0,
        "301": 39_716_31,
        "302": 39_716_31,
        "401": 45_390_07,
        "402": 45_390_07,
        "501": 51_063_83,
        "502": 51_063_83,
        "601": 70_921_99,
        "602": 56_737_59,
    }
    assert sum(share.fen for share in plan.shares) == 400_000_00


def test_c5_yearly_operation_and_maintenance_uses_the_c1_weights():
    construction = plan_floor_percent(ROSTER, C1_PERCENTS, 400_000_00)
    upkeep = construction.for_cost(15_000_00)
    assert upkeep.weights == construction.weights
    assert by_key(upkeep.shares) == {
        "101": 0,
        "102": 0,
        "201": 750_00,
        "202": 750_00,
        "301": 1_125_00,
        "302": 1_125_00,
        "401": 1_500_00,
        "402": 1_500_00,
        "501": 1_875_00,
        "502": 1_875_00,
        "601": 2_250_00,
        "602": 2_250_00,
    }


def test_c7_hundred_thousand_yuan_split_equally_among_three():
    shares = apportion(100_000_00, [("a", 1), ("b", 1), ("c", 1)])
    assert [share.fen for share in shares] == [33_333_34, 33_333_33, 33_333_33]
    assert shares[0].quota == Fraction(100_000_00, 3)


def test_c8_hundred_yuan_split_equally_among_three():
    shares = apportion(100_00, [("a", 1), ("b", 1), ("c", 1)])
    assert [share.fen for share in shares] == [33_34, 33_33, 33_33]


def test_c7_tie_goes_to_the_earlier_unit_in_roster_order():
    shares = apportion(100_00, [("c", 1), ("a", 1), ("b", 1)])
    assert [(share.key, share.fen) for share in shares] == [("c", 3334), ("a", 3333), ("b", 3333)]


def test_c9_art_283_default_by_exclusive_area():
    building = [Unit("1", 1, 6000), Unit("2", 1, 6000), Unit("3", 2, 9000), Unit("4", 2, 9000)]
    plan = plan_by_area(building, 30_000_00)
    assert plan.scheme is Scheme.BY_AREA
    assert [share.fen for share in plan.shares] == [6_000_00, 6_000_00, 9_000_00, 9_000_00]


def test_subsidy_above_gross_gives_zero_net_and_records_the_unused_part():
    cost = net_cost(150_000_00, 200_000_00)
    assert cost == NetCost(150_000_00, 200_000_00, 0, 50_000_00)
    assert cost.applied_subsidy_fen == 150_000_00
    plan = plan_floor_percent(ROSTER, C1_PERCENTS, cost.net_fen)
    assert all(share.fen == 0 for share in plan.shares)


def test_subsidy_equal_to_gross_and_no_subsidy():
    assert net_cost(100, 100) == NetCost(100, 100, 0, 0)
    assert net_cost(100, 0) == NetCost(100, 0, 100, 0)


def test_negative_gross_or_subsidy_is_rejected():
    for gross, subsidy in ((-1, 0), (0, -1)):
        with pytest.raises(PlanError) as caught:
            net_cost(gross, subsidy)
        assert caught.value.code is PlanCode.NEGATIVE_COST


def test_opt_out_in_c1_is_spread_over_everyone_by_the_same_weights():
    plan = plan_floor_percent(ROSTER, C1_PERCENTS, 400_000_00, opted_out={"602"})
    shares = by_key(plan.shares)
    assert plan.opted_out == ("602",)
    assert shares["602"] == 0
    # 60,000.00 over the remaining 85% of the weight: each share × 100/85.
    assert shares["601"] == 70_588_24
    assert shares["201"] == 23_529_41
    assert sum(shares.values()) == 400_000_00
    assert plan.for_cost(15_000_00).share_of("602") == 0


def test_floor_percent_split_by_area_within_floor():
    plan = plan_floor_percent(ROSTER, C1_PERCENTS, 400_000_00, split=Split.AREA)
    shares = by_key(plan.shares)
    # Floor 6 holds 60,000.00 × 2 = 120,000.00, split 75 : 60.
    assert shares["601"] == 66_666_67
    assert shares["602"] == 53_333_33
    assert shares["501"] == 50_000_00


def test_floor_percent_rejects_a_unit_on_a_floor_missing_from_the_table():
    with pytest.raises(PlanError) as caught:
        plan_floor_percent(ROSTER, {2: 10, 3: 15, 4: 20, 5: 25, 6: 30}, 400_000_00)
    assert caught.value.code is PlanCode.FLOOR_NOT_IN_TABLE


def test_floor_percent_rejects_a_paying_floor_with_no_flats():
    with pytest.raises(PlanError) as caught:
        plan_floor_percent(ROSTER, {**C1_PERCENTS, 6: 20, 7: 10}, 400_000_00)
    assert caught.value.code is PlanCode.FLOOR_WITHOUT_PAYERS


def test_coefficients_must_be_exact_and_non_negative():
    with pytest.raises(PlanError) as caught:
        plan_coefficient_area(ROSTER, {3: 0.7}, 400_000_00)  # type: ignore[dict-item]
    assert caught.value.code is PlanCode.INEXACT_NUMBER
    with pytest.raises(PlanError) as caught:
        plan_coefficient_area(ROSTER, {3: Fraction(-1, 2), 4: 1}, 400_000_00)
    assert caught.value.code is PlanCode.NEGATIVE_WEIGHT


def test_explicit_amounts_are_kept_when_they_sum_to_net():
    amounts = {"1": 10_000_00, "2": 20_000_01, "3": 29_999_99}
    building = [Unit("1", 1, 6000), Unit("2", 1, 6000), Unit("3", 2, 9000), Unit("4", 2, 9000)]
    plan = plan_explicit(building, amounts, 60_000_00)
    assert [share.fen for share in plan.shares] == [10_000_00, 20_000_01, 29_999_99, 0]


def test_explicit_amounts_not_summing_to_net_or_naming_strangers_are_rejected():
    building = [Unit("1", 1, 6000), Unit("2", 1, 6000)]
    with pytest.raises(PlanError) as caught:
        plan_explicit(building, {"1": 100, "2": 99}, 200)
    assert caught.value.code is PlanCode.AMOUNTS_NOT_NET
    with pytest.raises(PlanError) as caught:
        plan_explicit(building, {"1": 100, "9": 100}, 200)
    assert caught.value.code is PlanCode.UNKNOWN_UNIT


def test_explicit_opt_out_is_spread_in_proportion_to_the_other_amounts():
    building = [Unit("1", 1, 6000), Unit("2", 1, 6000), Unit("3", 2, 9000)]
    plan = plan_explicit(building, {"1": 100, "2": 200, "3": 300}, 600, opted_out=["3"])
    assert [share.fen for share in plan.shares] == [200, 400, 0]


def test_everyone_opting_out_of_a_positive_cost_is_rejected():
    building = [Unit("1", 1, 6000), Unit("2", 1, 6000)]
    with pytest.raises(PlanError) as caught:
        plan_by_area(building, 100, opted_out={"1", "2"})
    assert caught.value.code is PlanCode.NO_PAYERS
    assert [share.fen for share in plan_by_area(building, 0, opted_out={"1", "2"}).shares] == [
        0,
        0,
    ]


def test_unknown_opt_out_and_duplicate_units_are_rejected():
    with pytest.raises(PlanError) as caught:
        plan_by_area([Unit("1", 1, 6000)], 100, opted_out={"9"})
    assert caught.value.code is PlanCode.UNKNOWN_UNIT
    with pytest.raises(PlanError) as caught:
        plan_by_area([Unit("1", 1, 6000), Unit("1", 2, 6000)], 100)
    assert caught.value.code is PlanCode.DUPLICATE_UNIT


def test_negative_area_or_net_is_rejected():
    with pytest.raises(PlanError) as caught:
        Unit("1", 1, -1)
    assert caught.value.code is PlanCode.NEGATIVE_WEIGHT
    with pytest.raises(PlanError) as caught:
        apportion(-1, [("a", 1)])
    assert caught.value.code is PlanCode.NEGATIVE_COST


# Properties.

NET = st.integers(min_value=0, max_value=10**12)
WEIGHT = st.one_of(
    st.integers(min_value=0, max_value=10**7),
    st.fractions(min_value=0, max_value=10**4, max_denominator=1000),
)
WEIGHTS = st.lists(WEIGHT, min_size=1, max_size=40).filter(lambda ws: sum(ws) > 0)


def keyed(weights: list[Fraction | int]) -> list[tuple[int, Fraction | int]]:
    return list(enumerate(weights))


@given(NET, WEIGHTS)
def test_shares_always_sum_exactly_to_the_net_cost(net, weights):
    shares = apportion(net, keyed(weights))
    assert sum(share.fen for share in shares) == net
    assert [share.key for share in shares] == list(range(len(weights)))


@given(NET, WEIGHTS)
def test_each_share_is_within_one_fen_of_its_exact_quota(net, weights):
    total = sum(weights, Fraction(0))
    for share, weight in zip(apportion(net, keyed(weights)), weights, strict=True):
        exact = net * Fraction(weight) / total
        assert share.quota == exact
        assert exact - 1 < share.fen < exact + 1
        if weight == 0:
            assert share.fen == 0


@given(NET, WEIGHTS)
def test_equal_weights_never_pay_more_later_in_the_roster(net, weights):
    shares = apportion(net, keyed(weights))
    for i in range(len(weights)):
        for j in range(i + 1, len(weights)):
            if weights[i] == weights[j]:
                assert shares[i].fen in (shares[j].fen, shares[j].fen + 1)


@given(NET, WEIGHTS, st.data())
def test_opting_out_pays_zero_the_rest_still_sum_to_net_and_lose_at_most_a_rounding_fen(
    net, weights, data
):
    # Explicit amounts are the weights here: any apportioned split of the net.
    units = [Unit(i, 1, 0) for i in range(len(weights))]
    amounts = {share.key: share.fen for share in apportion(net, keyed(weights))}
    out = data.draw(st.sets(st.sampled_from(range(len(weights))), max_size=len(weights)))
    if net and not any(fen for key, fen in amounts.items() if key not in out):
        return
    before = plan_explicit(units, amounts, net)
    after = plan_explicit(units, amounts, net, opted_out=out)
    assert sum(share.fen for share in after.shares) == net
    for share_before, share_after in zip(before.shares, after.shares, strict=True):
        if share_after.key in out:
            assert share_after.fen == 0
        else:
            # The exact quota never falls; rounding may cost at most one fen.
            assert share_after.quota >= share_before.quota
            assert share_after.fen >= share_before.fen - 1


@given(NET, WEIGHTS, st.integers(min_value=1, max_value=10**6))
def test_scaling_every_weight_gives_the_same_shares(net, weights, factor):
    plain = [share.fen for share in apportion(net, keyed(weights))]
    scaled = [share.fen for share in apportion(net, keyed([w * factor for w in weights]))]
    assert plain == scaled


@given(
    st.lists(st.integers(min_value=0, max_value=5_000_000), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=10**10),
    st.integers(min_value=0, max_value=10**10),
)
def test_any_plan_by_area_sums_to_the_net_of_any_gross_and_subsidy(areas, gross, subsidy):
    units = [Unit(i, 1, area) for i, area in enumerate(areas)]
    cost = net_cost(gross, subsidy)
    assert cost.net_fen >= 0
    assert cost.net_fen + cost.applied_subsidy_fen == gross
    assert cost.unused_subsidy_fen >= 0
    if cost.net_fen and not sum(areas):
        return
    plan = plan_by_area(units, cost.net_fen)
    assert sum(share.fen for share in plan.shares) == cost.net_fen
