"""The database itself keeps a vote honest (migration votes/0002_guards, linli.core.dbguard).

Raw SQL through the application's own connection, on the run's database vendor (SQLite or
PostgreSQL): ballots, checks, results and the roll are append-only; once voting opens, the
motion's question, rule, scope and totals and its options are frozen, while the close date (an
extension) and the status still move. Both vendors raise django.db.utils.IntegrityError (SQLite
RAISE(ABORT) is a constraint error; the PostgreSQL functions raise SQLSTATE 23000).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError

from linli.core.errors import NotFound
from linli.registry.models import Ownership
from linli.votes import counting, services
from linli.votes.models import (
    Ballot,
    BallotCheck,
    Motion,
    MotionOption,
    MotionResult,
    RollOwner,
    RollUnit,
    RollVoter,
)
from linli.votes.tests import builders
from linli.votes.tests.test_services import V12_BALLOTS, Building, second_worker, v12_building
from tests import factories as f


@pytest.fixture
def v12(world: Any) -> Building:
    return v12_building(world.a)


def row(table: str, pk: int) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        found = cursor.fetchone()
    assert found is not None
    return tuple(found)


def refused_sql(sql: str, params: list[Any]) -> IntegrityError:
    """Run `sql` in a savepoint; it must fail with exactly IntegrityError."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    assert type(caught.value) is IntegrityError
    return caught.value


def run_sql(sql: str, params: list[Any]) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def counted(v12: Building) -> Motion:
    """A tallied V12 motion with online ballots, one accepted paper ballot and its check."""
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    checker = second_worker(v12.side)
    for name, choice in V12_BALLOTS.items():
        if name != "赵":
            v12.cast(motion, name, choice)
    paper = v12.paper(motion, "赵", choice="no")
    services.ballot_check(actor=checker, ballot_id=paper.id, accepted=True)
    builders.closed(v12.worker, motion)
    with builders.after_close():
        services.motion_tally(actor=v12.worker, motion_id=motion.id)
    return motion


APPEND_ONLY = [
    ("votes_ballot", Ballot, "choice = 'no'", "motion_id"),
    ("votes_rollvoter", RollVoter, "area = area + 100", "motion_id"),
    ("votes_rollunit", RollUnit, "area = area + 100", "motion_id"),
    ("votes_rollowner", RollOwner, "is_representative = NOT is_representative", "motion_id"),
    ("votes_ballotcheck", BallotCheck, "note = 'changed'", "ballot__motion_id"),
    ("votes_motionresult", MotionResult, "roll_digest = 'forged'", "motion_id"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "model", "change", "motion_field"), APPEND_ONLY)
def test_append_only_tables_refuse_raw_update_and_delete(
    counted, table, model, change, motion_field
):
    pk = (
        model.objects.filter(**{motion_field: counted.id})
        .order_by("id")
        .values_list("id", flat=True)[0]
    )
    total = model.objects.count()
    before = row(table, pk)
    refused_sql(f"UPDATE {table} SET {change} WHERE id = %s", [pk])  # noqa: S608
    refused_sql(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
    refused_sql(f"DELETE FROM {table}", [])  # noqa: S608
    assert row(table, pk) == before
    assert model.objects.count() == total


@pytest.mark.django_db
def test_append_only_rows_also_resist_the_orm(counted):
    ballot = Ballot.objects.filter(motion=counted).first()
    assert ballot is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.filter(pk=ballot.pk).update(choice="abstain")
    with pytest.raises(IntegrityError), transaction.atomic():
        MotionResult.objects.filter(motion=counted).update(passed=False)
    assert Ballot.objects.get(pk=ballot.pk).choice == ballot.choice
    assert MotionResult.objects.get(motion=counted).passed is True


FROZEN_CHANGES = [
    ("rule_kind", "special"),
    ("title", "偷换的议题"),
    ("area_total", 1),
    ("opens_on", date(2020, 1, 1)),
    ("headcount_total", 99),
    ("scope", "estate"),
    ("quorum_numerator", 1),
    ("allow_revote", True),
    ("opened_at", None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "value"), FROZEN_CHANGES)
def test_opened_motion_refuses_changes_to_question_rule_and_totals(v12, column, value):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    before = row("votes_motion", motion.id)
    refused_sql(f"UPDATE votes_motion SET {column} = %s WHERE id = %s", [value, motion.id])  # noqa: S608
    assert row("votes_motion", motion.id) == before
    with pytest.raises(IntegrityError), transaction.atomic():
        Motion.objects.filter(pk=motion.pk).update(**{column: value})
    assert row("votes_motion", motion.id) == before


@pytest.mark.django_db
def test_opened_motion_cannot_be_deleted(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    refused_sql("DELETE FROM votes_motion WHERE id = %s", [motion.id])
    assert Motion.objects.filter(pk=motion.pk).exists()


@pytest.mark.django_db
def test_opened_motion_still_extends_and_moves_status(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    later = date(2099, 12, 31)
    assert run_sql("UPDATE votes_motion SET closes_on = %s WHERE id = %s", [later, motion.id]) == 1
    assert run_sql("UPDATE votes_motion SET status = %s WHERE id = %s", ["closed", motion.id]) == 1
    motion.refresh_from_db()
    assert (motion.closes_on, motion.status) == (later, "closed")
    assert (motion.rule_kind, motion.area_total) == ("ordinary", 64000)


@pytest.mark.django_db
def test_a_draft_motion_is_not_frozen(world):
    motion = builders.draft(world.a.users["worker"], world.a.estate)
    assert (
        run_sql(
            "UPDATE votes_motion SET rule_kind = %s, title = %s WHERE id = %s",
            ["special", "改过的议题", motion.id],
        )
        == 1
    )
    motion.refresh_from_db()
    assert (motion.rule_kind, motion.title) == ("special", "改过的议题")


def _option_sql(motion: Motion) -> dict[str, tuple[str, list[Any]]]:
    option = motion.options.order_by("position").first()
    assert option is not None
    return {
        "insert": (
            "INSERT INTO votes_motionoption "
            "(community_id, motion_id, position, label, description) VALUES (%s, %s, %s, %s, %s)",
            [motion.community_id, motion.id, 9, "新增选项", ""],
        ),
        "update": ("UPDATE votes_motionoption SET label = %s WHERE id = %s", ["改名", option.id]),
        "delete": ("DELETE FROM votes_motionoption WHERE id = %s", [option.id]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("op", ["insert", "update", "delete"])
def test_options_are_frozen_after_opening(v12, op):
    motion = v12.motion(kind="choose_one", matter="other_major", options=["甲", "乙"])
    before = list(motion.options.values_list("id", "position", "label"))
    sql, params = _option_sql(motion)[op]
    refused_sql(sql, params)
    assert list(motion.options.values_list("id", "position", "label")) == before


@pytest.mark.django_db
@pytest.mark.parametrize("op", ["insert", "update", "delete"])
def test_options_change_freely_in_draft(world, op):
    motion = builders.draft(
        world.a.users["worker"],
        world.a.estate,
        kind="choose_one",
        matter="other_major",
        options=["甲", "乙"],
    )
    sql, params = _option_sql(motion)[op]
    assert run_sql(sql, params) == 1
    labels = list(motion.options.values_list("label", flat=True))
    assert (
        labels
        == {"insert": ["甲", "乙", "新增选项"], "update": ["改名", "乙"], "delete": ["乙"]}[op]
    )


@pytest.mark.django_db
def test_registry_changes_after_opening_leave_roll_and_tally_alone(v12):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    roll_before = list(
        RollVoter.objects.filter(motion=motion).values_list("number", "key", "area", "label")
    )
    units_before = list(RollUnit.objects.filter(motion=motion).values_list("unit_id", "area"))
    # 周 joins 赵 as co-owner of 202 (and represents it); 101 is re-surveyed; a new flat 501
    # appears with its owner.
    zhou: Any = f.PersonFactory(community=v12.side.community, name="周某", user=f.UserFactory())
    Ownership.objects.filter(unit=v12.units["202"]).update(is_representative=False)
    f.OwnershipFactory(unit=v12.units["202"], person=zhou, is_representative=True)
    v12.units["101"].area = 7000
    v12.units["101"].save(update_fields=["area"])
    entrance = v12.units["101"].entrance
    f.OwnershipFactory(unit=f.UnitFactory(entrance=entrance, number="501", area=9900))
    assert (
        list(RollVoter.objects.filter(motion=motion).values_list("number", "key", "area", "label"))
        == roll_before
    )
    assert list(RollUnit.objects.filter(motion=motion).values_list("unit_id", "area")) == (
        units_before
    )
    # The frozen roll decides who votes: 周 is not on it.
    voter = v12.voter(motion, "赵")
    with pytest.raises(NotFound):
        services.ballot_cast(user=zhou.user, motion_id=motion.id, voter_id=voter.id, choice="yes")
    for name, choice in V12_BALLOTS.items():
        v12.cast(motion, name, choice)
    d = counting.result_data(motion)
    assert (d["area_total"], d["headcount_total"]) == (64000, 6)
    assert (d["area_yes"], d["headcount_yes"], d["area_participating"]) == (29000, 3, 46000)
    assert not RollOwner.objects.filter(motion=motion, person=zhou).exists()
    motion.refresh_from_db()
    assert (motion.area_total, motion.headcount_total) == (64000, 6)


# --- the roll must not grow after opening either ------------------------------------------------
# Migration 0002 guarded only UPDATE and DELETE of the roll, so a raw INSERT could add a voter
# (or an owner who may cast a home's ballot) to an opened motion; 0004 refuses it too.


def _roll_inserts(motion: Motion, v12: Building) -> dict[str, tuple[str, list[Any]]]:
    voter = RollVoter.objects.filter(motion=motion).order_by("number").first()
    assert voter is not None
    unit: Any = f.UnitFactory(entrance=v12.units["101"].entrance, number="601", area=5000)
    outsider: Any = f.PersonFactory(community=v12.side.community, name="外人")
    return {
        "votes_rollvoter": (
            "INSERT INTO votes_rollvoter (community_id, motion_id, number, key, area, "
            "is_developer, label) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [motion.community_id, motion.id, 7, "p999999", 100000, False, "伪造"],
        ),
        "votes_rollowner": (
            "INSERT INTO votes_rollowner (community_id, motion_id, voter_id, person_id, "
            "is_representative) VALUES (%s, %s, %s, %s, %s)",
            [motion.community_id, motion.id, voter.id, outsider.id, False],
        ),
        "votes_rollunit": (
            "INSERT INTO votes_rollunit (community_id, motion_id, voter_id, unit_id, area, kind, "
            "counted, individual_consent) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [motion.community_id, motion.id, voter.id, unit.id, 5000, "flat", True, False],
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["votes_rollvoter", "votes_rollowner", "votes_rollunit"])
def test_roll_refuses_raw_insert_after_opening(v12, table):
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    sql, params = _roll_inserts(motion, v12)[table]
    sizes = (
        RollVoter.objects.filter(motion=motion).count(),
        RollOwner.objects.filter(motion=motion).count(),
        RollUnit.objects.filter(motion=motion).count(),
    )
    refused_sql(sql, params)
    assert sizes == (
        RollVoter.objects.filter(motion=motion).count(),
        RollOwner.objects.filter(motion=motion).count(),
        RollUnit.objects.filter(motion=motion).count(),
    )
    assert counting.result_data(motion)["area_total"] == 64000


@pytest.mark.django_db
def test_option_rows_and_motion_guards_name_the_vendor_error(v12):
    """Both vendors report the same class: IntegrityError, never a bare DatabaseError."""
    motion = v12.motion(kind="choose_one", matter="other_major", options=["甲", "乙"])
    exc = refused_sql(
        "UPDATE votes_motion SET rule_kind = %s WHERE id = %s", ["special", motion.id]
    )
    assert "frozen" in str(exc)
    exc = refused_sql("DELETE FROM votes_motionoption WHERE motion_id = %s", [motion.id])
    assert "frozen" in str(exc)
    assert MotionOption.objects.filter(motion=motion).count() == 2
