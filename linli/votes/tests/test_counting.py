"""Counting reads (linli.votes.counting) against hand-computed values on the V12 building.

V12 (DOMAIN-RULES §9.2): A_T 640.00 m², N_T 6 — 张 120 (101+102), 李王 80, 赵 80, 钱 90,
developer 180 (302+401), 孙 90. Paper ballots count only once a second worker accepted them.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.core import clock
from linli.votes import counting, services
from linli.votes.models import Ballot, Motion, RollVoter
from linli.votes.services import new_tracker
from linli.votes.tests.test_services import Building, second_worker, v12_building
from tests import factories as f


@pytest.fixture
def v12(world: Any) -> Building:
    return v12_building(world.a)


def summary(motion: Motion) -> list[tuple[str, str, int]]:
    """(owner name, choice, revision) of each current ballot, sorted."""
    rows = []
    for current in counting.current_ballots(motion):
        ballot = Ballot.objects.select_related("owner").get(tracker=current.tracker, motion=motion)
        rows.append((ballot.owner.name[0], current.choice, ballot.revision))
    return sorted(rows)


@pytest.mark.django_db
def test_pending_and_rejected_paper_ballots_do_not_count(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    checker = second_worker(v12.side)
    v12.cast(motion, "张", "yes")
    v12.cast(motion, "李", "yes")
    pending = v12.paper(motion, "赵", choice="no")
    rejected = v12.paper(motion, "钱", choice="yes")
    services.ballot_check(actor=checker, ballot_id=rejected.id, accepted=False, note="无签名")
    accepted = v12.paper(motion, "孙", choice="abstain")
    services.ballot_check(actor=checker, ballot_id=accepted.id, accepted=True)

    assert summary(motion) == sorted([("张", "yes", 1), ("李", "yes", 1), ("孙", "abstain", 1)])
    d = counting.result_data(motion)
    assert (d["area_total"], d["headcount_total"]) == (64000, 6)
    assert (d["area_participating"], d["headcount_participating"]) == (29000, 3)
    assert (d["area_yes"], d["headcount_yes"]) == (20000, 2)
    assert (d["area_no"], d["headcount_no"]) == (0, 0)
    assert (d["area_abstain"], d["headcount_abstain"]) == (9000, 1)
    # 3 × 290 < 2 × 640 and 3 × 3 < 2 × 6: both quorum measures fail.
    assert (d["quorum_met"], d["passed"], d["reason"]) == (False, False, "quorum_not_met")
    t = counting.turnout(motion)
    assert (t.area_total, t.headcount_total) == (64000, 6)
    assert (t.area_voted, t.headcount_voted, t.pending_checks) == (29000, 3, 1)
    assert (t.area_percent, t.headcount_percent) == ("45.3", "50.0")
    assert list(counting.pending_checks(motion)) == [pending]

    services.ballot_check(actor=checker, ballot_id=pending.id, accepted=True)
    d = counting.result_data(motion)
    assert (d["area_participating"], d["headcount_participating"]) == (37000, 4)
    assert (d["area_no"], d["headcount_no"]) == (8000, 1)
    # 3 × 370 < 2 × 640, but 3 × 4 = 2 × 6: only the area quorum fails.
    assert (d["quorum_met"], d["reason"]) == (False, "quorum_area_not_met")
    t = counting.turnout(motion)
    assert (t.area_voted, t.headcount_voted, t.pending_checks) == (37000, 4, 0)
    assert (t.area_percent, t.headcount_percent) == ("57.8", "66.7")


@pytest.mark.django_db
def test_current_ballot_is_the_highest_valid_revision(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT, allow_revote=True)
    checker = second_worker(v12.side)
    first = v12.cast(motion, "张", "yes")
    paper = v12.paper(motion, "张", choice="no")
    assert paper.revision == 2
    # Revision 2 waits for its check: revision 1 still counts.
    assert [(c.choice, c.tracker) for c in counting.current_ballots(motion)] == [
        ("yes", first.tracker)
    ]
    services.ballot_check(actor=checker, ballot_id=paper.id, accepted=True)
    assert [(c.choice, c.tracker) for c in counting.current_ballots(motion)] == [
        ("no", paper.tracker)
    ]
    third = v12.paper(motion, "张", choice="abstain")
    services.ballot_check(actor=checker, ballot_id=third.id, accepted=False, note="涂改")
    # A rejected later revision leaves the accepted one in force.
    assert [(c.choice, c.tracker) for c in counting.current_ballots(motion)] == [
        ("no", paper.tracker)
    ]
    assert Ballot.objects.filter(motion=motion).count() == 3


@pytest.mark.django_db
def test_disagreeing_co_owners_are_a_conflict(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT, allow_revote=True)
    v12.cast(motion, "张", "yes")
    v12.cast(motion, "李", "yes")
    v12.cast(motion, "王", "no")
    current = counting.current_ballots(motion)
    assert sorted((c.owner_id, c.choice) for c in current) == sorted(
        [
            (v12.people["张"].id, "yes"),
            (v12.people["李"].id, "yes"),
            (v12.people["王"].id, "no"),
        ]
    )
    d = counting.result_data(motion)
    assert (d["conflicts"], d["area_conflict"], d["headcount_conflict"]) == (1, 8000, 1)
    assert (d["area_participating"], d["headcount_participating"]) == (12000, 1)
    assert (d["area_yes"], d["headcount_yes"]) == (12000, 1)
    # Turnout counts every home with a valid ballot, conflicting ones included.
    t = counting.turnout(motion)
    assert (t.area_voted, t.headcount_voted) == (20000, 2)
    rows = list(csv.DictReader(io.StringIO(counting.public_roll_csv(motion))))
    assert sorted((r["area_m2"], r["answer"], len(r["trackers"].split())) for r in rows) == [
        ("120.00", "yes", 1),
        ("180.00", "", 0),
        ("80.00", "", 0),
        ("80.00", "conflict", 2),
        ("90.00", "", 0),
        ("90.00", "", 0),
    ]


@pytest.mark.django_db
def test_public_roll_lists_every_voter_with_area_answer_and_trackers(v12):
    motion = v12.motion(kind="choose_one", matter="property_company", options=["甲", "乙", "丙"])
    trackers = {}
    for name, option in {"张": 2, "赵": 3}.items():
        trackers[name] = v12.cast(motion, name, options=[option]).tracker
    lines = list(counting.public_roll(motion))
    assert [line.number for line in lines] == [1, 2, 3, 4, 5, 6]
    by_area_answer = sorted((line.area, line.answer, line.trackers) for line in lines)
    assert by_area_answer == sorted(
        [
            (12000, "2", (trackers["张"],)),
            (8000, "", ()),
            (8000, "3", (trackers["赵"],)),
            (9000, "", ()),
            (9000, "", ()),
            (18000, "", ()),
        ]
    )
    assert sum(line.area for line in lines) == motion.area_total == 64000


def _bulk_ballots(motion: Motion, choices: list[str]) -> None:
    """Online ballots written directly, one per voter in roll order (counting reads only)."""
    voters = list(
        RollVoter.objects.filter(motion=motion).order_by("number").prefetch_related("owners")
    )
    Ballot.objects.bulk_create(
        [
            Ballot(
                community_id=motion.community_id,
                motion=motion,
                voter=voter,
                owner_id=voter.owners.all()[0].person_id,
                channel=Ballot.Channel.ONLINE,
                choice=choice,
                tracker=new_tracker(),
                cast_at=clock.now(),
            )
            for voter, choice in zip(voters, choices, strict=False)
        ]
    )


def _flats(side: Any, count: int, number: str) -> Building:
    building = f.BuildingFactory(estate=side.estate, community=side.community, number=number)
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    b = Building(side, building, {}, {})
    for i in range(count):
        unit = f.UnitFactory(entrance=entrance, number=f"{i + 101}", area=8000 + i)
        f.OwnershipFactory(unit=unit, person=f.PersonFactory(community=side.community))
    return b


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["yes_no", "choose_one"])
def test_result_data_runs_a_constant_number_of_queries(world, kind):
    counts = []
    for size, number in ((5, "Q5"), (80, "Q80")):
        b = _flats(world.a, size, number)
        fields: dict[str, Any] = {"matter": Motion.Matter.COVENANT}
        if kind == "choose_one":
            fields = {"kind": kind, "matter": "other_major", "options": ["甲", "乙"]}
        motion = b.motion(**fields)
        assert motion.headcount_total == size
        if kind == "yes_no":
            _bulk_ballots(motion, ["yes", "no", "abstain"] * size)
        with CaptureQueriesContext(connection) as ctx:
            data = counting.result_data(motion)
        assert data["headcount_total"] == size
        counts.append(len(ctx.captured_queries))
    # The answers aggregated in SQL, option labels (+ option positions for a choice).
    assert counts == ([2, 2] if kind == "yes_no" else [3, 3])


@pytest.mark.django_db
def test_result_data_matches_hand_counts_on_a_larger_roll(world):
    b = _flats(world.a, 30, "R30")
    motion = b.motion(matter=Motion.Matter.COVENANT)
    # Areas 8000..8029; voters numbered in key order, choices cycle yes, no, abstain over 24.
    _bulk_ballots(motion, ["yes", "no", "abstain"] * 8)
    voters = list(RollVoter.objects.filter(motion=motion).order_by("number"))
    areas = [v.area for v in voters]
    yes = sum(areas[i] for i in range(0, 24, 3))
    no = sum(areas[i] for i in range(1, 24, 3))
    abstain = sum(areas[i] for i in range(2, 24, 3))
    d = counting.result_data(motion)
    assert d["area_total"] == sum(range(8000, 8030)) == 240435
    assert (d["area_yes"], d["headcount_yes"]) == (yes, 8)
    assert (d["area_no"], d["headcount_no"]) == (no, 8)
    assert (d["area_abstain"], d["headcount_abstain"]) == (abstain, 8)
    assert (d["area_participating"], d["headcount_participating"]) == (yes + no + abstain, 24)
    # Quorum 24/30 and 80% of area; yes 8 of 24 is not more than half.
    assert (d["quorum_met"], d["passed"], d["reason"]) == (True, False, "approval_not_met")
