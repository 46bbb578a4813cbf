"""The votes services, rule by rule, with exact values (DOMAIN-RULES §1–2, vectors §9.2, §9.4).

Most tests use the V12 building of §9.2, built from factories in community A of the test world:
张 owns 101 and 102, 李 and 王 co-own 201 (李 represents), 赵 202, 钱 301, the developer's
unsold 302 and 401, 孙 402. A_T = 640.00 m², N_T = 6.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.core import clock
from linli.core.errors import Conflict, Forbidden, LinliError, NotFound
from linli.domain.notice_periods import period_days
from linli.notices.models import Notice
from linli.notifications.models import Notification
from linli.registry.models import Ownership, Person, Unit
from linli.votes import counting, services
from linli.votes.models import Ballot, BallotCheck, Motion, MotionResult, RollUnit, RollVoter
from linli.votes.tests import builders
from linli.votes.tests.authz_extra import scan
from tests import factories as f

V12_AREAS = {
    "101": 6000,
    "102": 6000,
    "201": 8000,
    "202": 8000,
    "301": 9000,
    "302": 9000,
    "401": 9000,
    "402": 9000,
}
V12_OWNERS = {"101": "张", "102": "张", "202": "赵", "301": "钱", "402": "孙"}
V12_BALLOTS = {"张": "yes", "李": "yes", "赵": "no", "钱": "yes", "孙": "no"}


@dataclass
class Building:
    """A building of community A with its units, owners (persons) and their accounts."""

    side: Any
    building: Any
    units: dict[str, Any]
    people: dict[str, Any]
    users: dict[str, Any] = field(default_factory=dict)

    @property
    def worker(self) -> Any:
        return self.side.users["worker"]

    def motion(self, builder: Any = None, **fields: Any) -> Motion:
        """A motion scoped to this building, walked through `builder` (default: opened)."""
        fields.setdefault("scope", Motion.Scope.BUILDING)
        fields.setdefault("building_id", self.building.id)
        return (builder or builders.opened)(self.worker, self.side.estate, **fields)

    def voter(self, motion: Motion, name: str) -> RollVoter:
        return RollVoter.objects.get(motion=motion, owners__person=self.people[name])

    def cast(self, motion: Motion, name: str, choice: str | None = None, **kw: Any) -> Ballot:
        return services.ballot_cast(
            user=self.users[name],
            motion_id=motion.id,
            voter_id=self.voter(motion, name).id,
            choice=choice,
            **kw,
        )

    def paper(self, motion: Motion, name: str, actor: Any = None, **kw: Any) -> Ballot:
        return services.ballot_enter(
            actor=actor or self.worker,
            motion_id=motion.id,
            voter_id=self.voter(motion, name).id,
            owner_id=self.people[name].id,
            document=scan(),
            **kw,
        )


def _person(side: Any, name: str, *, with_user: bool = True) -> tuple[Any, Any]:
    user = f.UserFactory(name=f"{name}业主") if with_user else None
    return f.PersonFactory(community=side.community, name=f"{name}某", user=user), user


def v12_building(side: Any) -> Building:
    """The §9.2 V12 roster as registry rows: 8 flats, 6 voting persons, A_T 640.00 m²."""
    building = f.BuildingFactory(estate=side.estate, community=side.community, number="12")
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    units = {
        number: f.UnitFactory(entrance=entrance, number=number, floor=int(number[0]), area=area)
        for number, area in V12_AREAS.items()
    }
    b = Building(side, building, units, {})
    for name in ("张", "李", "王", "赵", "钱", "孙"):
        b.people[name], b.users[name] = _person(side, name)
    developer = f.PersonFactory(
        community=side.community, name="杭州某房地产开发有限公司", kind=Person.Kind.ORGANISATION
    )
    b.people["开发商"] = developer
    for number, name in V12_OWNERS.items():
        f.OwnershipFactory(unit=units[number], person=b.people[name])
    f.OwnershipFactory(unit=units["201"], person=b.people["李"], is_representative=True)
    f.OwnershipFactory(unit=units["201"], person=b.people["王"], is_representative=False)
    for number in ("302", "401"):
        f.OwnershipFactory(
            unit=units[number],
            person=developer,
            developer_status=Ownership.DeveloperStatus.UNSOLD,
        )
    return b


def elevator_building(side: Any) -> Building:
    """§9.2 E1/E2: 12 flats of 60.00 m² on floors 1–6, two per floor, one owner each."""
    building = f.BuildingFactory(estate=side.estate, community=side.community, number="24E")
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    b = Building(side, building, {}, {})
    for floor in range(1, 7):
        for flat in (1, 2):
            number = f"{floor}0{flat}"
            b.units[number] = f.UnitFactory(
                entrance=entrance, number=number, floor=floor, area=6000
            )
            b.people[number], b.users[number] = _person(side, number)
            f.OwnershipFactory(unit=b.units[number], person=b.people[number])
    return b


def second_worker(side: Any) -> Any:
    user = f.UserFactory(name="复核社工")
    f.RoleFactory(user=user, community=side.community, role=Role.WORKER)
    return user


def tally(b: Building, motion: Motion) -> MotionResult:
    builders.closed(b.worker, motion)
    with builders.after_close():
        return services.motion_tally(actor=b.worker, motion_id=motion.id)


@contextmanager
def on(day: date) -> Iterator[None]:
    """The platform's clock on `day`."""
    with clock.travel(timedelta(days=(day - clock.today()).days)):
        assert clock.today() == day
        yield


def refused(call: Any, exc: type[LinliError], code: str) -> LinliError:
    with pytest.raises(exc) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    return caught.value


@pytest.fixture
def v12(world: Any) -> Building:
    return v12_building(world.a)


# --- announcing: notice (D1–D3) and voting period (P1) ------------------------------------------


@pytest.mark.django_db
def test_d1_d2_regular_meeting_needs_15_days_notice(world):
    worker = world.a.users["worker"]
    with on(date(2025, 3, 1)):
        motion = builders.draft(worker, world.a.estate)
        refused(
            lambda: services.motion_announce(
                actor=worker,
                motion_id=motion.id,
                opens_on=date(2025, 3, 15),
                closes_on=date(2025, 3, 24),
            ),
            LinliError,
            "notice_too_short",
        )
        motion.refresh_from_db()
        assert (motion.status, motion.opens_on, motion.announce_notice_id) == ("draft", None, None)
        services.motion_announce(
            actor=worker,
            motion_id=motion.id,
            opens_on=date(2025, 3, 16),
            closes_on=date(2025, 3, 25),
        )
    motion.refresh_from_db()
    assert motion.status == "announced"
    assert (motion.announced_on, motion.opens_on, motion.closes_on) == (
        date(2025, 3, 1),
        date(2025, 3, 16),
        date(2025, 3, 25),
    )


@pytest.mark.django_db
def test_d3_extraordinary_meeting_needs_7_days_notice(world):
    worker = world.a.users["worker"]
    with on(date(2025, 3, 1)):
        motion = builders.draft(worker, world.a.estate, meeting_kind="extraordinary")
        refused(
            lambda: services.motion_announce(
                actor=worker,
                motion_id=motion.id,
                opens_on=date(2025, 3, 7),
                closes_on=date(2025, 3, 16),
            ),
            LinliError,
            "notice_too_short",
        )
        services.motion_announce(
            actor=worker,
            motion_id=motion.id,
            opens_on=date(2025, 3, 8),
            closes_on=date(2025, 3, 17),
        )
    motion.refresh_from_db()
    assert (motion.status, motion.opens_on) == ("announced", date(2025, 3, 8))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "code"),
    [(4, "period_too_short"), (5, None), (60, None), (61, "period_too_long")],
)
def test_p1_voting_lasts_5_to_60_days(world, days, code):
    worker = world.a.users["worker"]
    motion = builders.draft(worker, world.a.estate)
    opens_on = clock.today() + timedelta(days=15)
    closes_on = opens_on + timedelta(days=days - 1)

    def announce() -> Motion:
        return services.motion_announce(
            actor=worker, motion_id=motion.id, opens_on=opens_on, closes_on=closes_on
        )

    if code is None:
        assert announce().status == "announced"
        assert period_days(opens_on, closes_on) == days
    else:
        refused(announce, LinliError, code)
        assert Motion.objects.get(pk=motion.pk).status == "draft"


@pytest.mark.django_db
def test_announce_refuses_a_window_that_closes_before_it_opens(world):
    worker = world.a.users["worker"]
    motion = builders.draft(worker, world.a.estate)
    opens_on = clock.today() + timedelta(days=20)
    refused(
        lambda: services.motion_announce(
            actor=worker,
            motion_id=motion.id,
            opens_on=opens_on,
            closes_on=opens_on - timedelta(days=1),
        ),
        LinliError,
        "period_invalid",
    )


@pytest.mark.django_db
def test_announce_publishes_an_assembly_notice_and_notifies_the_estate(world):
    a = world.a
    motion = builders.announced(a.users["worker"], a.estate, title="是否续聘现物业公司")
    today = clock.today()
    notice = motion.announce_notice
    assert notice is not None
    assert notice.kind == Notice.Kind.ASSEMBLY == "assembly"
    assert notice.status == Notice.Status.PUBLISHED
    assert notice.estate_id == a.estate.id
    assert (notice.starts_on, notice.ends_on) == (today, today + timedelta(days=24))
    assert "是否续聘现物业公司" in notice.title
    rows = Notification.objects.filter(topic="votes", url=f"/votes/{motion.public_id}/")
    # The estate's residents: the owner of 101 and the tenant of 102.
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
        [a.users["owner"].id, a.users["resident"].id]
    )


@pytest.mark.django_db
def test_a_choice_needs_two_options_before_it_is_announced(world):
    worker = world.a.users["worker"]
    motion = builders.draft(
        worker, world.a.estate, kind="choose_one", matter="other_major", options=["甲方案"]
    )
    refused(
        lambda: services.motion_announce(
            actor=worker,
            motion_id=motion.id,
            opens_on=clock.today() + timedelta(days=15),
            closes_on=clock.today() + timedelta(days=24),
        ),
        LinliError,
        "too_few_options",
    )


# --- opening -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_unannounced_can_open_or_be_voted_on(world):
    worker = world.a.users["worker"]
    motion = builders.draft(worker, world.a.estate)
    with clock.travel(timedelta(days=30)):
        refused(
            lambda: services.motion_open(actor=worker, motion_id=motion.id),
            Conflict,
            "wrong_status",
        )
    cancelled = builders.announced(worker, world.a.estate)
    services.motion_cancel(actor=worker, motion_id=cancelled.id, reason="议题有误")
    with clock.travel(timedelta(days=15)):
        refused(
            lambda: services.motion_open(actor=worker, motion_id=cancelled.id),
            Conflict,
            "wrong_status",
        )
    assert not RollVoter.objects.filter(motion__in=[motion, cancelled]).exists()
    assert Motion.objects.get(pk=motion.pk).opened_at is None


@pytest.mark.django_db
def test_voting_opens_only_on_or_after_its_first_day(world):
    worker = world.a.users["worker"]
    motion = builders.announced(worker, world.a.estate)
    with clock.travel(timedelta(days=14)):
        refused(
            lambda: services.motion_open(actor=worker, motion_id=motion.id), Conflict, "too_early"
        )
    assert not RollVoter.objects.filter(motion=motion).exists()
    with clock.travel(timedelta(days=15)):
        opened = services.motion_open(actor=worker, motion_id=motion.id)
    assert opened.status == "open"
    late = builders.announced(worker, world.a.estate)
    with clock.travel(timedelta(days=25)):
        refused(lambda: services.motion_open(actor=worker, motion_id=late.id), Conflict, "too_late")


@pytest.mark.django_db
def test_v12_roll_is_frozen_with_the_spc_boi_counting_rules(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    assert motion.rule_kind == "ordinary"
    assert (motion.area_total, motion.headcount_total) == (64000, 6)
    roll = {
        voter.label: (voter.area, voter.is_developer)
        for voter in RollVoter.objects.filter(motion=motion)
    }
    assert roll == {
        "12幢1单元101、12幢1单元102": (12000, False),
        "12幢1单元201": (8000, False),
        "12幢1单元202": (8000, False),
        "12幢1单元301": (9000, False),
        "12幢1单元302、12幢1单元401": (18000, True),
        "12幢1单元402": (9000, False),
    }
    couple = v12.voter(motion, "李")
    assert couple == v12.voter(motion, "王")
    assert {(o.person_id, o.is_representative) for o in couple.owners.all()} == {
        (v12.people["李"].id, True),
        (v12.people["王"].id, False),
    }
    units = RollUnit.objects.filter(motion=motion)
    assert units.count() == 8
    assert sum(u.area for u in units if u.counted) == 64000
    assert sorted(RollVoter.objects.filter(motion=motion).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


# --- V12: counting the ballots --------------------------------------------------------------------


@pytest.mark.django_db
def test_v12a_ordinary_matter_passes(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    for name, choice in V12_BALLOTS.items():
        v12.cast(motion, name, choice)
    result = tally(v12, motion)
    d = result.data
    assert (d["area_total"], d["headcount_total"]) == (64000, 6)
    assert (d["area_participating"], d["headcount_participating"]) == (46000, 5)
    assert (d["area_yes"], d["headcount_yes"]) == (29000, 3)
    assert (d["area_no"], d["headcount_no"]) == (17000, 2)
    assert (d["area_abstain"], d["headcount_abstain"], d["conflicts"]) == (0, 0, 0)
    assert d["quorum_met"] is True
    assert (d["passed"], d["reason"], d["basis"]) == (True, "passed", "strict")
    assert result.passed is True
    assert d["rule"]["kind"] == "ordinary"
    assert Motion.objects.get(pk=motion.pk).status == "tallied"


@pytest.mark.django_db
def test_v12b_special_matter_fails(v12):
    motion = v12.motion(matter=Motion.Matter.COMMON_PARTS)
    assert motion.rule_kind == "special"
    for name, choice in V12_BALLOTS.items():
        v12.cast(motion, name, choice)
    d = tally(v12, motion).data
    assert (d["area_participating"], d["headcount_participating"]) == (46000, 5)
    assert (d["area_yes"], d["headcount_yes"]) == (29000, 3)
    assert d["quorum_met"] is True
    # 290 < 345 (3/4 of 460) and 3 < 3.75: both approval measures fail.
    assert (d["passed"], d["reason"]) == (False, "approval_not_met")


@pytest.mark.django_db
@pytest.mark.parametrize(("yes", "passed"), [(9, True), (8, False)])
def test_e1_e2_elevator_vectors_on_a_building_scope(world, yes, passed):
    b = elevator_building(world.a)
    motion = b.motion(matter=Motion.Matter.REBUILD)
    assert (motion.rule_kind, motion.area_total, motion.headcount_total) == ("special", 72000, 12)
    # E1: floors 3–6 and 201 say yes; E2: floors 3–6 only.
    yes_flats = {n for n in b.units if int(n[0]) >= 3} | ({"201"} if yes == 9 else set())
    assert len(yes_flats) == yes
    for number in b.units:
        b.cast(motion, number, "yes" if number in yes_flats else "no")
    d = tally(b, motion).data
    assert (d["area_participating"], d["headcount_participating"]) == (72000, 12)
    assert (d["area_yes"], d["headcount_yes"]) == (6000 * yes, yes)
    assert d["passed"] is passed
    assert d["reason"] == ("passed" if passed else "approval_not_met")


@pytest.mark.django_db
def test_parking_areas_follow_the_community_rule(world):
    side = world.a
    building = f.BuildingFactory(estate=side.estate, community=side.community, number="P")
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    flat = f.UnitFactory(entrance=entrance, number="101", area=8000)
    space = f.UnitFactory(entrance=entrance, number="P-01", area=1250, kind=Unit.Kind.PARKING)
    only_space = f.UnitFactory(entrance=entrance, number="P-02", area=1300, kind=Unit.Kind.PARKING)
    owner, _user = _person(side, "吴")
    parker, _user = _person(side, "郑")
    f.OwnershipFactory(unit=flat, person=owner)
    f.OwnershipFactory(unit=space, person=owner)
    f.OwnershipFactory(unit=only_space, person=parker)
    b = Building(side, building, {}, {})
    assert side.community.count_parking_area is False
    excluded = b.motion()
    assert excluded.count_parking_area is False
    # Parking is not in A_T; the owner of only a space still counts as a person (SPC-BOI Art. 9).
    assert (excluded.area_total, excluded.headcount_total) == (8000, 2)
    assert dict(
        RollUnit.objects.filter(motion=excluded).values_list("unit__number", "counted")
    ) == {"101": True, "P-01": False, "P-02": False}
    side.community.count_parking_area = True
    side.community.save(update_fields=["count_parking_area"])
    included = b.motion()
    assert (included.area_total, included.headcount_total) == (8000 + 1250 + 1300, 2)


@pytest.mark.django_db
def test_follow_majority_ballots_are_labelled_when_they_decide(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT, follow_majority_option=True)
    for name, choice in {
        "张": "yes",
        "李": "yes",
        "赵": "no",
        "钱": "follow_majority",
        "孙": "abstain",
    }.items():
        v12.cast(motion, name, choice)
    d = tally(v12, motion).data
    # Strictly 2 of 5 say yes; 钱's 随多数 joins the yes side, which leads on both measures.
    assert (d["area_yes"], d["headcount_yes"]) == (20000, 2)
    assert (d["area_follow_majority"], d["headcount_follow_majority"]) == (9000, 1)
    assert (d["area_abstain"], d["headcount_abstain"]) == (9000, 1)
    assert (d["area_participating"], d["headcount_participating"]) == (46000, 5)
    assert (d["passed"], d["basis"]) == (True, "follow_majority")
    assert d["explanation"].endswith("This relies on the 'follow the majority' ballot option.")
    assert d["rule"]["follow_majority_option"] is True


@pytest.mark.django_db
def test_follow_majority_is_refused_unless_the_motion_offers_it(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    refused(lambda: v12.cast(motion, "钱", "follow_majority"), LinliError, "invalid_choice")
    assert not Ballot.objects.filter(motion=motion).exists()


# --- ballots -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revote_keeps_history_and_counts_the_last(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT, allow_revote=True)
    first = v12.cast(motion, "张", "yes")
    second = v12.cast(motion, "张", "no")
    assert (first.revision, second.revision) == (1, 2)
    assert first.tracker != second.tracker
    rows = Ballot.objects.filter(motion=motion).order_by("revision")
    assert list(rows.values_list("revision", "choice")) == [(1, "yes"), (2, "no")]
    current = counting.current_ballots(motion)
    assert [(c.owner_id, c.choice, c.tracker) for c in current] == [
        (v12.people["张"].id, "no", second.tracker)
    ]
    d = counting.result_data(motion)
    assert (d["area_no"], d["headcount_no"], d["area_yes"]) == (12000, 1, 0)


@pytest.mark.django_db
def test_without_revote_a_second_ballot_is_refused(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    v12.cast(motion, "张", "yes")
    refused(lambda: v12.cast(motion, "张", "no"), Conflict, "already_voted")
    assert list(Ballot.objects.filter(motion=motion).values_list("choice", flat=True)) == ["yes"]


@pytest.mark.django_db
def test_co_owner_cannot_cast_a_second_online_ballot(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    ballot = v12.cast(motion, "李", "yes")
    assert ballot.owner_id == v12.people["李"].id
    refused(lambda: v12.cast(motion, "王", "no"), Conflict, "already_voted")
    assert Ballot.objects.filter(motion=motion).count() == 1


@pytest.mark.django_db
def test_someone_not_on_the_roll_cannot_cast(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    voter = v12.voter(motion, "张")
    refused(
        lambda: services.ballot_cast(
            user=v12.users["赵"], motion_id=motion.id, voter_id=voter.id, choice="yes"
        ),
        NotFound,
        "not_found",
    )
    refused(
        lambda: services.ballot_cast(
            user=v12.side.users["resident"], motion_id=motion.id, voter_id=voter.id, choice="yes"
        ),
        NotFound,
        "not_found",
    )


@pytest.mark.django_db
def test_paper_ballot_counts_only_once_a_second_worker_accepts_it(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    checker = second_worker(v12.side)
    ballot = v12.paper(motion, "赵", choice="no")
    assert (ballot.channel, ballot.revision, ballot.document_type) == (
        "paper",
        1,
        "application/pdf",
    )
    assert counting.current_ballots(motion) == []
    refused(
        lambda: services.ballot_check(actor=v12.worker, ballot_id=ballot.id, accepted=True),
        Forbidden,
        "same_worker",
    )
    # While it waits, it still blocks an online ballot for the same home.
    refused(lambda: v12.cast(motion, "赵", "yes"), Conflict, "already_voted")
    services.ballot_check(actor=checker, ballot_id=ballot.id, accepted=True)
    refused(
        lambda: services.ballot_check(actor=checker, ballot_id=ballot.id, accepted=True),
        Conflict,
        "checked",
    )
    d = counting.result_data(motion)
    assert (d["area_no"], d["headcount_no"], d["headcount_participating"]) == (8000, 1, 1)


@pytest.mark.django_db
def test_a_rejected_paper_ballot_lets_the_owner_vote_again(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    checker = second_worker(v12.side)
    ballot = v12.paper(motion, "赵", choice="no")
    refused(
        lambda: services.ballot_check(actor=checker, ballot_id=ballot.id, accepted=False),
        LinliError,
        "required",
    )
    services.ballot_check(actor=checker, ballot_id=ballot.id, accepted=False, note="签名不符")
    again = v12.paper(motion, "赵", choice="yes")
    assert again.revision == 2
    services.ballot_check(actor=checker, ballot_id=again.id, accepted=True)
    current = counting.current_ballots(motion)
    assert [(c.choice, c.tracker) for c in current] == [("yes", again.tracker)]
    assert BallotCheck.objects.filter(ballot__motion=motion).count() == 2


@pytest.mark.django_db
def test_a_rejected_paper_ballot_lets_the_owner_vote_online(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    checker = second_worker(v12.side)
    ballot = v12.paper(motion, "钱", choice="no")
    services.ballot_check(actor=checker, ballot_id=ballot.id, accepted=False, note="无签名")
    online = v12.cast(motion, "钱", "yes")
    assert (online.revision, online.channel) == (2, "online")
    d = counting.result_data(motion)
    assert (d["area_yes"], d["headcount_yes"], d["headcount_no"]) == (9000, 1, 0)


@pytest.mark.django_db
def test_proxy_ballot_records_the_proxy(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    ballot = v12.paper(motion, "孙", choice="abstain", proxy_name="孙小明")
    assert (ballot.channel, ballot.proxy_name, ballot.owner_id) == (
        "proxy",
        "孙小明",
        v12.people["孙"].id,
    )


@pytest.mark.django_db
def test_tally_is_refused_while_paper_ballots_wait_for_a_check(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    checker = second_worker(v12.side)
    v12.cast(motion, "张", "yes")
    ballot = v12.paper(motion, "赵", choice="no")
    builders.closed(v12.worker, motion)
    with builders.after_close():
        refused(
            lambda: services.motion_tally(actor=v12.worker, motion_id=motion.id),
            Conflict,
            "checks_pending",
        )
        assert not MotionResult.objects.filter(motion=motion).exists()
        services.ballot_check(actor=checker, ballot_id=ballot.id, accepted=True)
        result = services.motion_tally(actor=v12.worker, motion_id=motion.id)
    assert (result.data["headcount_participating"], result.data["area_participating"]) == (
        2,
        20000,
    )
    assert Motion.objects.get(pk=motion.pk).status == "tallied"


@pytest.mark.django_db
def test_voting_cannot_close_early_and_ballots_stop_after_the_last_day(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    with clock.travel(timedelta(days=builders.OPEN_AFTER + builders.VOTING_DAYS - 1)):
        refused(
            lambda: services.motion_close(actor=v12.worker, motion_id=motion.id),
            Conflict,
            "too_early",
        )
    with clock.travel(timedelta(days=builders.OPEN_AFTER + builders.VOTING_DAYS)):
        refused(lambda: v12.cast(motion, "张", "yes"), Conflict, "not_open")


@pytest.mark.django_db
def test_extension_moves_the_close_within_60_days(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    assert motion.opens_on is not None and motion.closes_on is not None
    extended = services.motion_extend(
        actor=v12.worker, motion_id=motion.id, closes_on=motion.closes_on + timedelta(days=5)
    )
    assert extended.closes_on == motion.closes_on + timedelta(days=5)
    refused(
        lambda: services.motion_extend(
            actor=v12.worker, motion_id=motion.id, closes_on=motion.opens_on + timedelta(days=60)
        ),
        LinliError,
        "period_too_long",
    )


@pytest.mark.django_db
def test_rule_and_question_cannot_change_through_the_services_after_announcing(v12):
    motion = v12.motion(kind="choose_one", matter="other_major", options=["甲", "乙"])
    refused(
        lambda: services.motion_update(actor=v12.worker, motion_id=motion.id, title="新标题"),
        Conflict,
        "not_draft",
    )
    refused(
        lambda: services.option_add(actor=v12.worker, motion_id=motion.id, label="丙"),
        Conflict,
        "not_draft",
    )
    option = motion.options.get(position=1)
    refused(
        lambda: services.option_remove(actor=v12.worker, motion_id=motion.id, option_id=option.id),
        Conflict,
        "not_draft",
    )
    refused(
        lambda: services.motion_cancel(actor=v12.worker, motion_id=motion.id, reason="改主意"),
        Conflict,
        "wrong_status",
    )
    motion.refresh_from_db()
    assert (motion.title, motion.options.count(), motion.status) == (
        "是否续聘现物业公司",
        2,
        "open",
    )


# --- results -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_publish_creates_a_vote_result_notice_of_15_days(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    for name, choice in V12_BALLOTS.items():
        v12.cast(motion, name, choice)
    result = tally(v12, motion)
    with builders.after_close():
        today = clock.today()
        published = services.motion_publish(actor=v12.worker, motion_id=motion.id)
    notice = published.result_notice
    assert notice is not None
    assert (notice.kind, notice.status) == ("vote_result", "published")
    assert (notice.starts_on, notice.ends_on) == (today, today + timedelta(days=14))
    assert period_days(notice.starts_on, notice.ends_on) == 15
    assert result.roll_digest in notice.body
    assert published.status == "published"
    rows = Notification.objects.filter(topic="votes", url=f"/votes/{motion.public_id}/result/")
    # Everyone who owns or lives in the estate: A's two households and V12's six accounts.
    assert rows.count() == 8
    refused(
        lambda: services.motion_publish(actor=v12.worker, motion_id=motion.id),
        Conflict,
        "wrong_status",
    )


@pytest.mark.django_db
def test_runoff_from_a_choice_where_no_option_passed(v12):
    motion = v12.motion(
        kind="choose_one", matter="property_company", options=["甲物业", "乙物业", "丙物业"]
    )
    for name, option in {"张": 1, "李": 2, "赵": 2, "钱": 3, "孙": 1}.items():
        v12.cast(motion, name, options=[option])
    result = tally(v12, motion)
    d = result.data
    assert [(o["position"], o["area"], o["headcount"], o["passed"]) for o in d["options"]] == [
        (1, 21000, 2, False),
        (2, 16000, 2, False),
        (3, 9000, 1, False),
    ]
    assert (d["passed"], d["outcome"], d["winner"], d["runoff"]) == (
        False,
        "no_option_passed",
        None,
        [1, 2],
    )
    with builders.after_close():
        runoff = services.runoff_create(actor=v12.worker, motion_id=motion.id)
    assert (runoff.status, runoff.kind, runoff.runoff_of_id) == ("draft", "choose_one", motion.id)
    assert (runoff.scope, runoff.building_id, runoff.rule_kind) == (
        "building",
        v12.building.id,
        "ordinary",
    )
    assert list(runoff.options.values_list("position", "label")) == [(1, "甲物业"), (2, "乙物业")]
    refused(
        lambda: services.runoff_create(actor=v12.worker, motion_id=motion.id), Conflict, "exists"
    )


@pytest.mark.django_db
def test_no_runoff_when_an_option_won(v12):
    motion = v12.motion(kind="choose_one", matter="property_company", options=["甲物业", "乙物业"])
    for name, option in {"张": 1, "李": 1, "赵": 2, "钱": 1, "孙": 2}.items():
        v12.cast(motion, name, options=[option])
    d = tally(v12, motion).data
    assert (d["passed"], d["outcome"], d["winner"], d["runoff"]) == (True, "winner", 1, [])
    refused(
        lambda: services.runoff_create(actor=v12.worker, motion_id=motion.id),
        Conflict,
        "no_runoff",
    )


@pytest.mark.django_db
def test_remind_non_voters_notifies_exactly_the_owners_without_a_standing_ballot(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    checker = second_worker(v12.side)
    v12.cast(motion, "张", "yes")
    v12.cast(motion, "李", "yes")  # also covers co-owner 王
    v12.paper(motion, "赵", choice="no")  # waiting for its check: standing
    rejected = v12.paper(motion, "钱", choice="no")
    services.ballot_check(actor=checker, ballot_id=rejected.id, accepted=False, note="无签名")
    before = Notification.objects.count()
    sent = services.remind_non_voters(actor=v12.worker, motion_id=motion.id)
    assert sent == 2
    rows = Notification.objects.order_by("id")[before:]
    assert Notification.objects.count() == before + 2
    assert sorted(r.recipient_id for r in rows) == sorted([v12.users["钱"].id, v12.users["孙"].id])
    assert {(r.topic, r.url) for r in rows} == {("votes", f"/votes/{motion.public_id}/")}


@pytest.mark.django_db
def test_another_communitys_worker_cannot_manage_or_see_the_motion(world, v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    stranger = world.b.users["worker"]
    refused(
        lambda: services.motion_extend(
            actor=stranger, motion_id=motion.id, closes_on=date(2099, 1, 1)
        ),
        NotFound,
        "not_found",
    )
    refused(
        lambda: services.remind_non_voters(actor=stranger, motion_id=motion.id),
        NotFound,
        "not_found",
    )


@pytest.mark.django_db
def test_announce_answers_not_found_to_another_community_before_checking_dates(world):
    """A stranger (or a made-up id) gets 404, never 400 notice_too_short: the dates are
    checked only after `_lock_motion` has scoped the motion, so 404 vs 400 cannot tell a
    stranger that the motion exists or what its meeting kind is."""
    motion = builders.draft(world.a.users["worker"], world.a.estate)
    stranger = world.b.users["worker"]
    today = clock.today()
    for motion_id in (motion.id, motion.id + 10_000):
        refused(
            lambda motion_id=motion_id: services.motion_announce(
                actor=stranger,
                motion_id=motion_id,
                opens_on=today + timedelta(days=10),
                closes_on=today + timedelta(days=19),
            ),
            NotFound,
            "not_found",
        )
    assert Motion.objects.get(pk=motion.pk).status == "draft"
