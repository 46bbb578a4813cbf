"""Cost plans through the database: the §9.3 vectors via plan_create and plan_issue over a real
roster, exact shares in roster order, subsidies, opt-outs and payments.

Building 24, entrance 1 of a new estate (金狮苑) in community A: 6 floors × 2 flats, x01 and
x02, 60.00 m² each unless a vector says otherwise. The plan's account is the estate's project
fund, opened by the community's worker. Amounts are fen.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.core.errors import Conflict, LinliError, NotFound
from linli.core.models import AuditLog
from linli.finance import selectors, services
from linli.finance.models import Account, CostPlan, Entry, Payment, Share
from linli.votes.models import Motion
from tests import factories as f

pytestmark = pytest.mark.django_db

NUMBERS = [f"{floor}0{flat}" for floor in range(1, 7) for flat in (1, 2)]
C1_PCT = {"1": 0, "2": 10, "3": 15, "4": 20, "5": 25, "6": 30}
GROSS, SUBSIDY, NET = 60_000_000, 20_000_000, 40_000_000


@dataclass
class Roster:
    side: Any
    worker: Any
    estate: Any
    account: Account
    units: dict[str, Any]

    def ids(self, *numbers: str) -> list[int]:
        return [self.units[number].pk for number in (numbers or NUMBERS)]


_buildings = itertools.count(100)


def flats(side: Any, estate: Any, areas: Mapping[str, int], number: str = "24") -> dict[str, Any]:
    """One entrance of a building of `estate`: flats named by number (floor = first digit)."""
    building = f.BuildingFactory(estate=estate, community=side.community, number=number)
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    return {
        flat: f.UnitFactory(entrance=entrance, number=flat, floor=int(flat[0]), area=area)
        for flat, area in areas.items()
    }


def roster(world: Any, **areas: int) -> Roster:
    """Building 24 with 60.00 m² flats; `areas` overrides some (e.g. u601=7500)."""
    side = world.a
    worker = side.users["worker"]
    estate = f.EstateFactory(community=side.community, name="金狮苑")
    sizes = {number: areas.get(f"u{number}", 6000) for number in NUMBERS}
    account = services.account_open(
        actor=worker,
        community=side.community,
        kind=Account.Kind.PROJECT_FUND,
        name="24幢加装电梯",
        estate=estate,
    )
    return Roster(side, worker, estate, account, flats(side, estate, sizes))


def create(r: Roster, **fields: Any) -> CostPlan:
    fields.setdefault("title", "24幢1单元加装电梯")
    fields.setdefault("gross", GROSS)
    fields.setdefault("subsidy", SUBSIDY)
    fields.setdefault("roster", r.ids())
    return services.plan_create(actor=r.worker, account_id=r.account.pk, **fields)


def issue(r: Roster, **fields: Any) -> list[int]:
    """Create and issue a plan; the issued shares in position order."""
    plan = create(r, **fields)
    services.plan_issue(actor=r.worker, plan_id=plan.pk)
    return shares_of(plan)


def shares_of(plan: CostPlan) -> list[int]:
    return list(
        Share.objects.filter(plan=plan).order_by("position").values_list("amount", flat=True)
    )


def table_rows() -> dict[str, int]:
    return {
        "plans": CostPlan.objects.count(),
        "shares": Share.objects.count(),
        "payments": Payment.objects.count(),
        "entries": Entry.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def refused(call: Callable[[], Any], exc: type[LinliError], code: str) -> LinliError:
    before = table_rows()
    with pytest.raises(exc) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert table_rows() == before
    return caught.value


@pytest.fixture
def c(world: Any) -> Roster:
    return roster(world)


# --- the §9.3 vectors ------------------------------------------------------------------------


def test_c1_floor_percentages_split_equally_within_a_floor(c):
    plan = create(c, scheme="floor_percent", parameters={"pct": C1_PCT, "split": "equal"})
    assert (plan.gross, plan.subsidy, plan.net, plan.unused_subsidy) == (
        GROSS,
        SUBSIDY,
        NET,
        0,
    )
    assert plan.status == "draft"
    assert not Share.objects.filter(plan=plan).exists()

    services.plan_issue(actor=c.worker, plan_id=plan.pk)

    shares = list(Share.objects.filter(plan=plan).order_by("position"))
    assert [(s.position, s.unit_id) for s in shares] == list(enumerate(c.ids(), start=1))
    assert [s.amount for s in shares] == [
        0,
        0,
        2_000_000,
        2_000_000,
        3_000_000,
        3_000_000,
        4_000_000,
        4_000_000,
        5_000_000,
        5_000_000,
        6_000_000,
        6_000_000,
    ]
    assert sum(s.amount for s in shares) == NET
    plan.refresh_from_db()
    assert (plan.status, plan.issued_at is not None) == ("issued", True)
    refused(
        lambda: services.plan_issue(actor=c.worker, plan_id=plan.pk), Conflict, "already_issued"
    )


def test_c2_a_table_that_sums_to_95_is_refused(c):
    error = refused(
        lambda: create(
            c,
            scheme="floor_percent",
            parameters={"pct": {"1": 0, "2": 10, "3": 15, "4": 20, "5": 25, "6": 25}},
        ),
        LinliError,
        "percent_total_not_100",
    )
    assert error.message == _("The percentages by floor must add up to exactly 100%.")


def test_c3_coefficient_times_area_with_601_at_75_m2(world):
    r = roster(world, u601=7500)
    shares = issue(
        r,
        scheme="coefficient_area",
        parameters={"k": {"3": "0.7", "4": "0.8", "5": "0.9", "6": "1.0"}},
    )
    assert shares == [
        0,
        0,
        0,
        0,
        3_971_631,
        3_971_631,
        4_539_007,
        4_539_007,
        5_106_383,
        5_106_383,
        7_092_199,
        5_673_759,
    ]
    assert sum(shares) == NET


def test_c5_yearly_operation_with_the_c1_table(c):
    plan = create(
        c,
        scheme="floor_percent",
        purpose="operation",
        gross=1_500_000,
        subsidy=0,
        parameters={"pct": C1_PCT},
    )
    services.plan_issue(actor=c.worker, plan_id=plan.pk)
    assert (plan.net, plan.purpose) == (1_500_000, "operation")
    assert shares_of(plan) == [
        0,
        0,
        75_000,
        75_000,
        112_500,
        112_500,
        150_000,
        150_000,
        187_500,
        187_500,
        225_000,
        225_000,
    ]


@pytest.mark.parametrize(
    ("gross", "expected"),
    [(10_000_000, [3_333_334, 3_333_333, 3_333_333]), (10_000, [3_334, 3_333, 3_333])],
)
def test_c7_c8_equal_splits_round_to_the_fen_in_roster_order(c, gross, expected):
    three = c.ids("101", "102", "201")
    assert issue(c, scheme="by_area", gross=gross, subsidy=0, roster=three) == expected
    assert issue(c, scheme="by_area", gross=gross, subsidy=0, roster=three[::-1]) == expected
    assert issue(
        c,
        scheme="floor_percent",
        gross=gross,
        subsidy=0,
        roster=c.ids("301", "302"),
        parameters={"pct": {"3": 100}},
    ) == [gross - gross // 2, gross // 2]


def test_c8_explicit_amounts_are_kept_exactly(c):
    three = c.ids("101", "102", "201")
    amounts = {str(three[0]): 3_333, str(three[1]): 3_334, str(three[2]): 3_333}
    shares = issue(
        c, scheme="explicit", gross=10_000, subsidy=0, roster=three, parameters={"amounts": amounts}
    )
    assert shares == [3_333, 3_334, 3_333]
    error = refused(
        lambda: create(
            c,
            scheme="explicit",
            gross=10_001,
            subsidy=0,
            roster=three,
            parameters={"amounts": amounts},
        ),
        LinliError,
        "amounts_not_net",
    )
    assert error.message == _("The agreed amounts must add up exactly to the net cost.")


def test_c9_by_area_60_60_90_90(c):
    c9 = flats(c.side, c.estate, {"101": 6000, "102": 6000, "201": 9000, "202": 9000}, number="25")
    shares = issue(
        c, scheme="by_area", gross=3_000_000, subsidy=0, roster=[u.pk for u in c9.values()]
    )
    assert shares == [600_000, 600_000, 900_000, 900_000]


# --- subsidies and opt-outs ------------------------------------------------------------------


def test_a_subsidy_larger_than_the_gross_leaves_nothing_to_pay_and_is_recorded(c):
    plan = create(c, scheme="by_area", gross=10_000_000, subsidy=15_000_000)
    assert (plan.net, plan.unused_subsidy) == (0, 5_000_000)
    services.plan_issue(actor=c.worker, plan_id=plan.pk)
    assert shares_of(plan) == [0] * 12


def test_an_operation_plan_records_its_subsidy_as_unused(c):
    """Regression (found in review, fixed): an operation plan ignores its subsidy (net = gross, right: subsidies are for
    construction) but stores unused_subsidy 0, so the record claims a subsidy was applied that
    was not: gross ≠ net + (subsidy − unused_subsidy)."""
    plan = create(c, scheme="by_area", purpose="operation", gross=1_500_000, subsidy=200_000)
    assert (plan.net, plan.subsidy, plan.unused_subsidy) == (1_500_000, 200_000, 200_000)
    assert plan.gross == plan.net + (plan.subsidy - plan.unused_subsidy)


def test_opted_out_units_pay_nothing_and_the_others_share_their_part(c):
    c9 = list(
        flats(
            c.side, c.estate, {"101": 6000, "102": 6000, "201": 9000, "202": 9000}, number="25"
        ).values()
    )
    plan = create(
        c,
        scheme="by_area",
        gross=3_000_000,
        subsidy=0,
        roster=[u.pk for u in c9],
        opt_outs=[c9[3].pk],
    )
    services.plan_issue(actor=c.worker, plan_id=plan.pk)
    # Weights 60, 60, 90 over 210: quotas …142.857, …142.857, …714.285; two fen go to the
    # two largest remainders.
    assert shares_of(plan) == [857_143, 857_143, 1_285_714, 0]
    assert plan.opt_outs == [c9[3].pk]


def test_c1_with_601_opted_out_spreads_its_part_over_everyone(c):
    shares = issue(
        c,
        scheme="floor_percent",
        parameters={"pct": C1_PCT},
        opt_outs=c.ids("601"),
    )
    assert shares[10] == 0
    assert sum(shares) == NET
    c1 = [0, 0, 2_000_000, 2_000_000, 3_000_000, 3_000_000, 4_000_000, 4_000_000]
    c1 += [5_000_000, 5_000_000, 6_000_000, 6_000_000]
    assert all(
        share > before
        for share, before, number in zip(shares, c1, NUMBERS, strict=True)
        if before and number != "601"
    )
    # 601 weighed 15 of 100: the others pay 100/85 of their C1 share (rounded).
    assert shares[2] == 2_352_941 and shares[11] == 7_058_824


# --- bad plans -------------------------------------------------------------------------------


def test_bad_plans_are_refused_with_their_reason(c, world):
    other_estate_unit = world.a.unit.pk
    cases: list[tuple[dict[str, Any], type[LinliError], str]] = [
        ({"scheme": "by_floor"}, LinliError, "invalid_scheme"),
        ({"scheme": "by_area", "purpose": "party"}, LinliError, "invalid_purpose"),
        ({"scheme": "by_area", "roster": []}, LinliError, "no_units"),
        ({"scheme": "by_area", "roster": [other_estate_unit]}, NotFound, "not_found"),
        ({"scheme": "by_area", "gross": -1}, LinliError, "invalid_amount"),
        ({"scheme": "by_area", "gross": 0}, LinliError, "invalid_amount"),
        ({"scheme": "by_area", "subsidy": -1}, LinliError, "invalid_amount"),
        ({"scheme": "by_area", "title": " "}, LinliError, "required"),
        ({"scheme": "by_area", "opt_outs": [other_estate_unit]}, LinliError, "unknown_unit"),
        ({"scheme": "by_area", "opt_outs": c.ids()}, LinliError, "no_payers"),
        (
            {"scheme": "floor_percent", "parameters": {"pct": {"1": 100}}},
            LinliError,
            "floor_not_in_table",
        ),
        (
            {"scheme": "floor_percent", "parameters": {"pct": {**C1_PCT, "7": 0, "6": 30.5}}},
            LinliError,
            "percent_total_not_100",
        ),
        (
            {"scheme": "coefficient_area", "parameters": {"k": {"3": "七成"}}},
            LinliError,
            "inexact_number",
        ),
        (
            {"scheme": "coefficient_area", "parameters": {"k": {"3": "-1"}}},
            LinliError,
            "negative_weight",
        ),
        (
            {"scheme": "coefficient_area", "parameters": {"k": {"三": "1"}}},
            LinliError,
            "invalid_parameters",
        ),
        ({"scheme": "floor_percent", "parameters": {"pct": 100}}, LinliError, "invalid_parameters"),
        (
            {"scheme": "explicit", "parameters": {"amounts": {str(other_estate_unit): NET}}},
            LinliError,
            "unknown_unit",
        ),
    ]
    for fields, exc, code in cases:
        refused(lambda fields=fields: create(c, **fields), exc, code)


def test_a_plan_needs_a_project_fund_and_someone_who_may_approve(c, world):
    fund = services.account_open(
        actor=c.worker,
        community=c.side.community,
        kind=Account.Kind.MAINTENANCE_FUND,
        name="金狮苑维修资金",
        estate=c.estate,
    )
    refused(
        lambda: services.plan_create(
            actor=c.worker,
            account_id=fund.pk,
            title="x",
            scheme="by_area",
            gross=100,
            roster=c.ids(),
        ),
        LinliError,
        "not_project_fund",
    )
    for user in (world.a.users["property"], world.a.users["owner"], world.b.users["worker"]):
        refused(
            lambda user=user: services.plan_create(
                actor=user,
                account_id=c.account.pk,
                title="x",
                scheme="by_area",
                gross=100,
                roster=c.ids(),
            ),
            NotFound,
            "not_found",
        )
    plan = create(c, scheme="by_area")
    refused(
        lambda: services.plan_issue(actor=world.b.users["worker"], plan_id=plan.pk),
        NotFound,
        "not_found",
    )


def test_a_roster_of_text_is_refused_cleanly(c):
    """Regression (found in review, fixed): plan_create runs int() over the roster outside any check, so a roster entry that
    is not a number raises ValueError (a 500) instead of a translated LinliError."""
    with pytest.raises(LinliError):
        create(c, scheme="by_area", roster=["301室"])


def test_a_plan_links_only_a_passed_vote_of_its_own_estate(c, world):
    """Regression (found in review, fixed): plan_create checks only that the motion is in the same community: a vote of
    another estate, or one that failed, is linked to the plan as its basis."""
    from linli.finance.tests.test_services import other_estate, passed_motion

    estate, unit, owner = other_estate(c.side)
    elsewhere = passed_motion(c.side, estate=estate, unit=unit, owner=owner)
    voter = f.UserFactory(name="金狮苑业主")
    person = f.PersonFactory(community=c.side.community, name="赵六", user=voter)
    f.OwnershipFactory(unit=c.units["101"], person=person)
    here = {"estate": c.estate, "unit": c.units["101"], "owner": voter}
    failed = passed_motion(c.side, choice="no", matter=Motion.Matter.REBUILD, **here)
    assert failed.result.passed is False
    refused(lambda: create(c, scheme="by_area", motion_id=elsewhere.pk), NotFound, "not_found")
    refused(lambda: create(c, scheme="by_area", motion_id=failed.pk), Conflict, "motion_not_passed")
    passed = passed_motion(c.side, matter=Motion.Matter.REBUILD, **here)
    assert create(c, scheme="by_area", motion_id=passed.pk).motion_id == passed.pk


# --- the property: shares always add up ------------------------------------------------------

_flat_numbers = itertools.count(1)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    units=st.lists(st.tuples(st.integers(1, 6), st.integers(1, 50_000)), min_size=1, max_size=8),
    gross=st.integers(1, 2_000_000_000),
    subsidy=st.integers(0, 500_000_000),
    scheme=st.sampled_from(["by_area", "coefficient_area"]),
    coefficients=st.lists(
        st.sampled_from(["0.5", "0.7", "1", "1.25", "2/3"]), min_size=6, max_size=6
    ),
    opt_out_mask=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_issued_shares_always_add_up_to_the_net(
    c, units, gross, subsidy, scheme, coefficients, opt_out_mask
):
    batch = next(_flat_numbers)
    made = flats(
        c.side,
        c.estate,
        {f"{floor}{index:02d}": area for index, (floor, area) in enumerate(units)},
        number=f"P{batch}",
    )
    ids = [unit.pk for unit in made.values()]
    opt_outs = [pk for pk, out in zip(ids, opt_out_mask[: len(ids)], strict=True) if out]
    if len(opt_outs) == len(ids):
        opt_outs = opt_outs[1:]
    parameters = (
        {"k": {str(floor): k for floor, k in enumerate(coefficients, start=1)}}
        if scheme == "coefficient_area"
        else {}
    )
    plan = create(
        c,
        scheme=scheme,
        gross=gross,
        subsidy=subsidy,
        roster=ids,
        parameters=parameters,
        opt_outs=opt_outs,
    )
    services.plan_issue(actor=c.worker, plan_id=plan.pk)

    shares = list(Share.objects.filter(plan=plan).order_by("position"))
    assert [s.unit_id for s in shares] == ids
    assert sum(s.amount for s in shares) == plan.net == max(gross - subsidy, 0)
    assert all(s.amount >= 0 and s.paid == 0 for s in shares)
    assert all(s.amount == 0 for s in shares if s.unit_id in opt_outs)
    assert plan.unused_subsidy == max(subsidy - gross, 0)


# --- payments --------------------------------------------------------------------------------


@pytest.fixture
def issued(c: Roster) -> CostPlan:
    plan = create(c, scheme="floor_percent", parameters={"pct": C1_PCT})
    services.plan_issue(actor=c.worker, plan_id=plan.pk)
    return plan


def pay(r: Roster, share: Share, amount: Any, actor: Any = None, **fields: Any) -> Payment:
    fields.setdefault("channel", "bank")
    return services.payment_record(
        actor=actor or r.worker, share_id=share.pk, amount=amount, **fields
    )


def test_partial_payments_add_up_to_the_share_and_never_beyond(c, issued):
    share = Share.objects.get(plan=issued, unit=c.units["201"])
    assert share.amount == 2_000_000

    first = pay(c, share, 500_000, reference="转账 0001")
    second = pay(c, share, 1_499_999, channel="wechat")
    share.refresh_from_db()
    assert share.paid == 1_999_999
    error = refused(lambda: pay(c, share, 2), Conflict, "overpaid")
    assert error.message == _("Only %(left)s yuan of this share is still to pay.") % {
        "left": "0.01"
    }
    last = pay(c, share, 1, channel="cash")
    share.refresh_from_db()
    assert (share.amount, share.paid) == (2_000_000, 2_000_000)
    refused(lambda: pay(c, share, 1), Conflict, "overpaid")

    assert [p.entry.sequence for p in (first, second, last)] == [1, 2, 3]
    assert (first.reference, first.channel, first.recorded_by) == ("转账 0001", "bank", c.worker)
    assert selectors.balances([c.account.pk]) == {c.account.pk: 2_000_000}
    assert selectors.unit_balances(c.account, c.ids("201", "202")) == {
        c.units["201"].pk: 2_000_000,
        c.units["202"].pk: 0,
    }


def test_an_overpayment_is_refused_whole(c, issued):
    share = Share.objects.get(plan=issued, unit=c.units["601"])
    error = refused(lambda: pay(c, share, 6_000_001), Conflict, "overpaid")
    assert error.message == _("Only %(left)s yuan of this share is still to pay.") % {
        "left": "60,000.00"
    }
    zero = Share.objects.get(plan=issued, unit=c.units["101"])
    refused(lambda: pay(c, zero, 1), Conflict, "overpaid")
    share.refresh_from_db()
    assert share.paid == 0


def test_the_database_keeps_paid_within_the_amount(c, issued):
    share = Share.objects.get(plan=issued, unit=c.units["301"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Share.objects.filter(pk=share.pk).update(paid=3_000_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        Share.objects.filter(pk=share.pk).update(paid=-1)


@pytest.mark.parametrize(
    ("amount", "fields", "code"),
    [
        (0, {}, "invalid_amount"),
        (-5, {}, "invalid_amount"),
        (1.5, {}, "invalid_amount"),
        (True, {}, "invalid_amount"),
        (100, {"channel": "bitcoin"}, "invalid_channel"),
        (100, {"reference": "长" * 65}, "too_long"),
    ],
)
def test_bad_payments_are_refused(c, issued, amount, fields, code):
    share = Share.objects.get(plan=issued, unit=c.units["301"])
    refused(lambda: pay(c, share, amount, **fields), LinliError, code)


def test_only_recorders_of_the_estate_record_payments(c, issued, world):
    share = Share.objects.get(plan=issued, unit=c.units["301"])
    for user in (
        world.a.users["committee"],
        world.a.users["owner"],
        world.a.users["property"],
        world.b.users["worker"],
    ):
        refused(lambda user=user: pay(c, share, 100, actor=user), NotFound, "not_found")
