"""Registry reads: who sees which estates, buildings, entrances, units and persons."""

from __future__ import annotations

import datetime

import pytest

from linli.core.errors import NotFound
from linli.registry import selectors
from linli.registry.models import Ownership, Unit
from tests import factories as f

pytestmark = pytest.mark.django_db


STRUCTURE = ["worker", "admin", "committee", "property", "street"]
HOUSEHOLD = ["owner", "resident"]
NOTHING = ["partner", "volunteer"]


def _fresh(user):
    """The same account as a new request would see it (no per-request caches)."""
    return type(user).objects.get(pk=user.pk)


# --- estates_for -------------------------------------------------------------------------


def test_estates_for_counts_buildings_and_units_without_multiplying(world):
    a = world.a
    second = f.BuildingFactory(estate=a.estate, community=a.community, number="25")
    entrance = f.EntranceFactory(building=second, community=a.community, number="1")
    f.EntranceFactory(building=second, community=a.community, number="2")
    for number in ("101", "201", "301"):
        f.UnitFactory(entrance=entrance, number=number)
    f.UnitFactory(
        entrance=None,
        building=None,
        estate=a.estate,
        community=a.community,
        kind=Unit.Kind.PARKING,
        number="P1",
    )
    empty = f.EstateFactory(community=a.community, name="甲新苑")

    rows = {
        e.name: (e.building_count, e.unit_count) for e in selectors.estates_for(a.users["worker"])
    }

    assert rows == {"甲苑": (2, 6), empty.name: (0, 0)}


@pytest.mark.parametrize("role", STRUCTURE)
def test_estates_for_structure_roles_lists_every_estate_of_the_community(world, role):
    a = world.a
    other = f.EstateFactory(community=a.community, name="甲北苑")

    names = [e.name for e in selectors.estates_for(a.users[role])]

    assert sorted(names) == sorted(["甲苑", other.name])


@pytest.mark.parametrize("role", HOUSEHOLD)
def test_estates_for_residents_lists_only_the_estate_they_live_in(world, role):
    a = world.a
    f.EstateFactory(community=a.community, name="甲北苑")

    assert [e.name for e in selectors.estates_for(a.users[role])] == ["甲苑"]


@pytest.mark.parametrize("role", NOTHING)
def test_estates_for_partners_and_volunteers_is_empty(world, role):
    assert list(selectors.estates_for(world.a.users[role])) == []


def test_estates_for_outsider_is_empty(world):
    assert list(selectors.estates_for(world.outsider)) == []


def test_estates_for_filters_by_community_and_ignores_foreign_ones(world):
    worker = world.a.users["worker"]
    f.RoleFactory(user=worker, community=world.b.community, role="worker")
    worker = _fresh(worker)

    assert [e.name for e in selectors.estates_for(worker)] == ["甲苑", "乙苑"]
    assert [e.name for e in selectors.estates_for(worker, community_id=world.b.community.pk)] == [
        "乙苑"
    ]
    assert (
        list(selectors.estates_for(world.a.users["committee"], community_id=world.b.community.pk))
        == []
    )


def test_estates_for_uses_one_query_for_counts(world, django_assert_num_queries):
    worker = world.a.users["worker"]
    selectors.browsable_community_ids(worker)
    with django_assert_num_queries(1):
        list(selectors.estates_for(worker))


# --- structure lists ---------------------------------------------------------------------


def test_buildings_of_estate_in_natural_order_with_counts(world):
    a = world.a
    ten = f.BuildingFactory(estate=a.estate, community=a.community, number="10")
    f.EntranceFactory(building=ten, community=a.community, number="1")
    f.EntranceFactory(building=ten, community=a.community, number="2")
    f.BuildingFactory(estate=a.estate, community=a.community, number="3")

    rows = [
        (b.number, b.entrance_count, b.unit_count) for b in selectors.buildings_of_estate(a.estate)
    ]

    assert rows == [("3", 0, 0), ("10", 2, 0), ("24", 1, 2)]


def test_units_of_entrance_lists_top_floor_first_then_number(world):
    a = world.a
    for number, floor in (("201", 2), ("1201", 12), ("202", 2), ("B1", -1)):
        f.UnitFactory(entrance=a.entrance, number=number, floor=floor)

    rows = [(u.floor, u.number) for u in selectors.units_of_entrance(a.entrance)]

    assert rows == [(12, "1201"), (2, "201"), (2, "202"), (1, "101"), (1, "102"), (-1, "B1")]


def test_units_by_floor_groups_consecutive_floors(world):
    a = world.a
    f.UnitFactory(entrance=a.entrance, number="201", floor=2)

    grouped = [
        (floor, [u.number for u in units])
        for floor, units in selectors.units_by_floor(selectors.units_of_entrance(a.entrance))
    ]

    assert grouped == [(2, ["201"]), (1, ["101", "102"])]


def test_loose_units_of_building_are_its_parking_spaces_and_shops(world):
    a = world.a
    f.UnitFactory(
        entrance=None,
        building=a.building,
        estate=a.estate,
        community=a.community,
        kind=Unit.Kind.PARKING,
        number="B-12",
        floor=-1,
        area=1250,
    )

    assert [u.number for u in selectors.loose_units_of_building(a.building)] == ["B-12"]
    assert [e.unit_count for e in selectors.entrances_of_building(a.building)] == [2]


def test_units_of_user_returns_current_homes_only(world):
    a = world.a
    owner = a.users["owner"]
    past = f.UnitFactory(entrance=a.entrance, number="301", floor=3)
    f.OwnershipFactory(
        unit=past, person=a.owner_person, is_representative=False, until=datetime.date(2020, 1, 1)
    )

    assert [u.number for u in selectors.units_of_user(owner)] == ["101"]
    assert [u.number for u in selectors.units_of_user(a.users["resident"])] == ["102"]
    assert list(selectors.units_of_user(a.users["worker"])) == []


# --- gates -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STRUCTURE + HOUSEHOLD)
def test_structure_gates_open_the_own_estate(world, role):
    a = world.a
    user = a.users[role]

    assert selectors.access_estate_by_id(user, a.estate.pk) == a.estate
    assert selectors.access_building_by_id(user, a.building.pk) == a.building
    assert selectors.access_entrance_by_id(user, a.entrance.pk) == a.entrance


@pytest.mark.parametrize("role", STRUCTURE + HOUSEHOLD + NOTHING)
def test_every_gate_answers_404_for_another_community(world, role):
    a, b = world.a, world.b
    user = a.users[role]
    gates = [
        (selectors.access_estate_by_id, b.estate.pk),
        (selectors.access_building_by_id, b.building.pk),
        (selectors.access_entrance_by_id, b.entrance.pk),
        (selectors.access_unit_by_id, b.unit.pk),
        (selectors.access_person_by_id, b.owner_person.pk),
    ]
    for gate, object_id in gates:
        with pytest.raises(NotFound):
            gate(user, object_id)


@pytest.mark.parametrize("role", NOTHING)
def test_partners_and_volunteers_see_nothing_of_their_own_registry(world, role):
    a = world.a
    user = a.users[role]
    gates = [
        (selectors.access_estate_by_id, a.estate.pk),
        (selectors.access_building_by_id, a.building.pk),
        (selectors.access_entrance_by_id, a.entrance.pk),
        (selectors.access_unit_by_id, a.unit.pk),
        (selectors.access_person_by_id, a.owner_person.pk),
    ]
    for gate, object_id in gates:
        with pytest.raises(NotFound):
            gate(user, object_id)


def test_gates_answer_404_for_ids_that_do_not_exist(world):
    worker = world.a.users["worker"]
    with pytest.raises(NotFound) as caught:
        selectors.access_unit_by_id(worker, 999_999)
    assert caught.value.status == 404
    assert caught.value.code == "not_found"


def test_resident_gets_structure_of_own_estate_but_not_of_another_estate_in_the_community(world):
    a = world.a
    other_estate = f.EstateFactory(community=a.community, name="甲北苑")
    other_building = f.BuildingFactory(estate=other_estate, community=a.community, number="1")
    resident = a.users["resident"]

    with pytest.raises(NotFound):
        selectors.access_estate_by_id(resident, other_estate.pk)
    with pytest.raises(NotFound):
        selectors.access_building_by_id(resident, other_building.pk)


@pytest.mark.parametrize("role", STRUCTURE)
def test_structure_roles_open_any_unit_of_the_community(world, role):
    a = world.a
    assert selectors.access_unit_by_id(a.users[role], a.unit.pk) == a.unit
    assert selectors.access_unit_by_id(a.users[role], a.other_unit.pk) == a.other_unit


def test_owner_opens_own_unit_and_gets_404_on_the_neighbours(world):
    a = world.a
    owner = a.users["owner"]

    assert selectors.access_unit_by_id(owner, a.unit.pk) == a.unit
    with pytest.raises(NotFound):
        selectors.access_unit_by_id(owner, a.other_unit.pk)


def test_tenant_opens_the_flat_they_rent_and_not_the_neighbours(world):
    a = world.a
    tenant = a.users["resident"]

    assert selectors.access_unit_by_id(tenant, a.other_unit.pk) == a.other_unit
    with pytest.raises(NotFound):
        selectors.access_unit_by_id(tenant, a.unit.pk)


def test_former_owner_loses_the_unit_and_the_estate(world):
    a = world.a
    Ownership.objects.filter(person=a.owner_person).update(until=datetime.date(2025, 1, 1))
    owner = _fresh(a.users["owner"])

    with pytest.raises(NotFound):
        selectors.access_unit_by_id(owner, a.unit.pk)
    with pytest.raises(NotFound):
        selectors.access_estate_by_id(owner, a.estate.pk)


@pytest.mark.parametrize("role", ["worker", "admin"])
def test_staff_open_any_person_of_their_community(world, role):
    a = world.a
    assert selectors.access_person_by_id(a.users[role], a.owner_person.pk) == a.owner_person


@pytest.mark.parametrize(
    "role", ["committee", "property", "street", "resident", "partner", "volunteer"]
)
def test_non_staff_get_404_on_other_persons(world, role):
    a = world.a
    with pytest.raises(NotFound):
        selectors.access_person_by_id(a.users[role], a.owner_person.pk)


def test_a_person_sees_their_own_record(world):
    a = world.a
    assert selectors.access_person_by_id(a.users["owner"], a.owner_person.pk) == a.owner_person
    assert selectors.access_person_by_id(a.users["resident"], a.tenant_person.pk) == a.tenant_person


def test_superuser_sees_every_community(world):
    root = f.UserFactory(is_superuser=True, is_staff=True)

    assert selectors.access_unit_by_id(root, world.b.unit.pk) == world.b.unit
    assert selectors.access_person_by_id(root, world.b.owner_person.pk) == world.b.owner_person
    assert sorted(e.name for e in selectors.estates_for(root)) == ["乙苑", "甲苑"]
