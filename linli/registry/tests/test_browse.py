"""Registry pages: estates → estate → building → entrance → unit, and person records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.registry.models import Occupancy, Unit
from tests import factories as f

pytestmark = pytest.mark.django_db

FULL_PHONE = "13812345678"
MASKED_PHONE = "138****5678"


def _pages(side):
    return {
        "estate": reverse("registry:estate", args=[side.estate.pk]),
        "building": reverse("registry:building", args=[side.building.pk]),
        "entrance": reverse("registry:entrance", args=[side.entrance.pk]),
        "unit": reverse("registry:unit", args=[side.unit.pk]),
        "person": reverse("registry:person", args=[side.owner_person.pk]),
    }


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- who gets in -------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(reverse("registry:estate", args=[world.a.estate.pk]))

    assert response.status_code == 302
    assert "next=/registry/estates/" in response["Location"]


@pytest.mark.parametrize("page", ["estate", "building", "entrance", "unit", "person"])
@pytest.mark.parametrize("role", ["worker", "admin", "committee", "street", "owner", "resident"])
def test_pages_of_another_community_answer_404(client, world, role, page):
    response = _get(client, world.a.users[role], _pages(world.b)[page])

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["estate", "building", "entrance", "unit", "person"])
@pytest.mark.parametrize("role", ["partner", "volunteer"])
def test_partners_and_volunteers_get_404_on_every_registry_page(client, world, role, page):
    response = _get(client, world.a.users[role], _pages(world.a)[page])

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["partner", "volunteer"])
def test_estate_list_answers_404_without_any_registry_access(client, world, role):
    response = _get(client, world.a.users[role], reverse("registry:estates"))

    assert response.status_code == 404
    assert "registry/error.html" in [t.name for t in response.templates]


def test_refusal_page_explains_instead_of_failing(client, world):
    response = _get(client, world.a.users["worker"], _pages(world.b)["unit"])

    assert response.status_code == 404
    assert response.context["message"] == "未找到该房屋。"


def test_post_to_a_browsing_page_is_not_allowed(client, world):
    client.force_login(world.a.users["worker"])

    assert client.post(_pages(world.a)["estate"]).status_code == 405


# --- estates -------------------------------------------------------------------------------


def test_worker_sees_the_estates_of_the_community_with_counts(
    client, world, django_assert_max_num_queries
):
    a = world.a
    f.EstateFactory(community=a.community, name="甲北苑")
    client.force_login(a.users["worker"])

    with django_assert_max_num_queries(7):
        response = client.get(reverse("registry:estates"))

    assert response.status_code == 200
    estates = {e.name: (e.building_count, e.unit_count) for e in response.context["estates"]}
    assert estates == {"甲苑": (1, 2), "甲北苑": (0, 0)}
    assert response.context["nav"] == "console"
    assert reverse("registry:estate", args=[a.estate.pk]) in response.content.decode()


def test_resident_sees_own_estate_and_home(client, world, django_assert_max_num_queries):
    a = world.a
    f.EstateFactory(community=a.community, name="甲北苑")
    client.force_login(a.users["owner"])

    with django_assert_max_num_queries(8):
        response = client.get(reverse("registry:estates"))

    assert [e.name for e in response.context["estates"]] == ["甲苑"]
    assert [u.pk for u in response.context["homes"]] == [a.unit.pk]
    assert response.context["nav"] == "home"
    assert reverse("registry:unit", args=[a.unit.pk]) in response.content.decode()


def test_user_of_two_communities_chooses_one(client, world):
    worker = world.a.users["worker"]
    f.RoleFactory(user=worker, community=world.b.community, role="worker")
    client.force_login(worker)

    picker = client.get(reverse("registry:estates"))
    chosen = client.get(reverse("registry:estates"), {"community": world.b.community.pk})

    assert [c.name for c in picker.context["communities"]] == ["甲社区", "乙社区"]
    assert [e.name for e in chosen.context["estates"]] == ["乙苑"]


def test_current_community_is_shown_without_asking(client, world):
    worker = world.a.users["worker"]
    f.RoleFactory(user=worker, community=world.b.community, role="worker")
    worker.current_community = world.b.community
    worker.save(update_fields=["current_community"])
    client.force_login(worker)

    response = client.get(reverse("registry:estates"))

    assert [e.name for e in response.context["estates"]] == ["乙苑"]


def test_asking_for_a_foreign_community_shows_ones_own(client, world):
    client.force_login(world.a.users["worker"])

    response = client.get(reverse("registry:estates"), {"community": world.b.community.pk})

    assert [e.name for e in response.context["estates"]] == ["甲苑"]


# --- estate, building, entrance ------------------------------------------------------------


def test_estate_page_shows_buildings_with_counts(client, world, django_assert_max_num_queries):
    a = world.a
    f.BuildingFactory(estate=a.estate, community=a.community, number="3")
    client.force_login(a.users["committee"])

    with django_assert_max_num_queries(8):
        response = client.get(_pages(a)["estate"])

    assert response.status_code == 200
    assert [(b.number, b.unit_count) for b in response.context["buildings"]] == [
        ("3", 0),
        ("24", 2),
    ]
    assert reverse("registry:building", args=[a.building.pk]) in response.content.decode()


def test_building_page_lists_entrances_and_parking(client, world, django_assert_max_num_queries):
    a = world.a
    f.EntranceFactory(building=a.building, community=a.community, number="2")
    space = f.UnitFactory(
        entrance=None,
        building=a.building,
        estate=a.estate,
        community=a.community,
        kind=Unit.Kind.PARKING,
        number="B-12",
        floor=-1,
        area=1250,
    )
    client.force_login(a.users["property"])

    with django_assert_max_num_queries(8):
        response = client.get(_pages(a)["building"])

    assert response.status_code == 200
    assert [(e.number, e.unit_count) for e in response.context["entrances"]] == [("1", 2), ("2", 0)]
    assert [u.number for u in response.context["loose_units"]] == ["B-12"]
    html = response.content.decode()
    assert reverse("registry:unit", args=[space.pk]) in html
    assert "12.50" in html


def _entrance_with_units(side, count):
    entrance = f.EntranceFactory(
        building=side.building, community=side.community, number=f"E{count}"
    )
    for i in range(count):
        f.UnitFactory(
            entrance=entrance, number=f"{i // 2 + 1}0{i % 2 + 1}", floor=i // 2 + 1, area=8000 + i
        )
    return entrance


@pytest.mark.parametrize("role", ["worker", "owner"])
def test_entrance_page_query_count_does_not_grow_with_units(client, world, role):
    a = world.a
    small = _entrance_with_units(a, 3)
    large = _entrance_with_units(a, 30)
    client.force_login(a.users[role])
    client.get(reverse("registry:entrance", args=[small.pk]))

    with CaptureQueriesContext(connection) as with_3:
        client.get(reverse("registry:entrance", args=[small.pk]))
    with CaptureQueriesContext(connection) as with_30:
        response = client.get(reverse("registry:entrance", args=[large.pk]))

    assert len(with_3) == len(with_30)
    assert len(with_30) <= 8
    assert len(response.context["floors"]) == 15


def test_entrance_page_groups_units_top_floor_first_with_areas(client, world):
    a = world.a
    f.UnitFactory(entrance=a.entrance, number="201", floor=2, area=10025)

    response = _get(client, a.users["worker"], _pages(a)["entrance"])

    floors = [
        (floor, [(u.number, u.area) for u in units]) for floor, units in response.context["floors"]
    ]
    assert floors == [(2, [("201", 10025)]), (1, [("101", 8950), ("102", 7520)])]
    html = response.content.decode()
    assert "100.25" in html and "89.50" in html and "75.20" in html
    assert html.index("201") < html.index("101")


def test_resident_sees_the_entrance_but_only_their_own_unit_is_a_link(client, world):
    a = world.a

    response = _get(client, a.users["owner"], _pages(a)["entrance"])

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("registry:unit", args=[a.unit.pk]) in html
    assert reverse("registry:unit", args=[a.other_unit.pk]) not in html
    assert "102" in html


def test_resident_gets_404_on_the_neighbours_unit(client, world):
    a = world.a

    assert (
        _get(client, a.users["owner"], reverse("registry:unit", args=[a.other_unit.pk])).status_code
        == 404
    )
    assert (
        _get(client, a.users["resident"], reverse("registry:unit", args=[a.unit.pk])).status_code
        == 404
    )


# --- unit ----------------------------------------------------------------------------------


def test_owner_sees_own_unit_with_owners_masked(client, world, django_assert_max_num_queries):
    a = world.a
    client.force_login(a.users["owner"])

    with django_assert_max_num_queries(9):
        response = client.get(_pages(a)["unit"])

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav"] == "home"
    assert "89.50" in html
    assert "张*丰" in html
    assert "张三丰" not in html
    assert FULL_PHONE not in html
    assert a.owner_person.id_number not in html
    assert reverse("registry:person_reveal", args=[a.owner_person.pk]) not in html


@pytest.mark.parametrize("role", ["committee", "property", "street"])
def test_structure_roles_see_unit_parties_masked_without_contact_data(client, world, role):
    a = world.a

    response = _get(client, a.users[role], _pages(a)["unit"])

    html = response.content.decode()
    assert response.status_code == 200
    assert "张*丰" in html
    for secret in ("张三丰", FULL_PHONE, MASKED_PHONE, a.owner_person.id_number):
        assert secret not in html
    assert "reveal" not in html


def test_worker_sees_unit_with_masked_contact_data_and_reveal_buttons(client, world):
    a = world.a
    f.OccupancyFactory(unit=a.unit, person=a.owner_person, relation=Occupancy.Relation.OWNER)

    response = _get(client, a.users["worker"], _pages(a)["unit"])

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav"] == "console"
    assert MASKED_PHONE in html
    assert FULL_PHONE not in html
    assert a.owner_person.id_number not in html
    assert reverse("registry:person_reveal", args=[a.owner_person.pk]) in html
    assert reverse("registry:person", args=[a.owner_person.pk]) in html


def test_unit_page_query_count_does_not_grow_with_occupants(client, world):
    a = world.a
    client.force_login(a.users["worker"])
    client.get(_pages(a)["unit"])
    with CaptureQueriesContext(connection) as one_owner:
        client.get(_pages(a)["unit"])
    for _ in range(5):
        f.OccupancyFactory(unit=a.unit, relation=Occupancy.Relation.FAMILY)

    with CaptureQueriesContext(connection) as six_people:
        response = client.get(_pages(a)["unit"])

    assert len(response.context["occupants"]) == 5
    assert len(one_owner) == len(six_people) <= 8


# --- person --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["worker", "admin"])
def test_staff_see_a_person_masked_with_a_reveal_button(
    client, world, role, django_assert_max_num_queries
):
    a = world.a
    client.force_login(a.users[role])

    with django_assert_max_num_queries(9):
        response = client.get(_pages(a)["person"])

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav"] == "console"
    assert "张*丰" in html and MASKED_PHONE in html
    assert "张三丰" not in html and FULL_PHONE not in html
    assert a.owner_person.id_number not in html
    assert a.owner_person.id_number[-4:] in html
    assert reverse("registry:person_reveal", args=[a.owner_person.pk]) in html
    assert reverse("registry:unit", args=[a.unit.pk]) in html


@pytest.mark.parametrize("role", ["committee", "property", "street", "resident"])
def test_non_staff_get_404_on_a_person(client, world, role):
    assert _get(client, world.a.users[role], _pages(world.a)["person"]).status_code == 404


def test_a_person_sees_their_own_record_masked_without_reveal(client, world):
    a = world.a

    response = _get(client, a.users["owner"], _pages(a)["person"])

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav"] == "me"
    assert MASKED_PHONE in html
    assert FULL_PHONE not in html
    assert a.owner_person.id_number not in html
    assert reverse("registry:person_reveal", args=[a.owner_person.pk]) not in html
