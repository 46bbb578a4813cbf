"""Registry API: /api/v1/registry — the same gates as the pages, masked personal data."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import ApiToken
from linli.registry.models import Unit
from tests import factories as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1/registry"
FULL_PHONE = "13812345678"


def _endpoints(side):
    return {
        "estate": f"{BASE}/estates/{side.estate.pk}",
        "building": f"{BASE}/buildings/{side.building.pk}",
        "entrance_units": f"{BASE}/entrances/{side.entrance.pk}/units",
        "unit": f"{BASE}/units/{side.unit.pk}",
        "person": f"{BASE}/persons/{side.owner_person.pk}",
    }


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- authentication and refusals ----------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["estate", "building", "entrance_units", "unit", "person"])
def test_anonymous_caller_gets_401(client, world, endpoint):
    response = client.get(_endpoints(world.a)[endpoint])

    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "请先登录。"}


def test_bearer_token_authenticates(client, world):
    worker = world.a.users["worker"]
    ApiToken.objects.create(
        user=worker,
        name="script",
        prefix="abc",
        key_hash=hashlib.sha256(b"secret-token").hexdigest(),
    )

    response = client.get(f"{BASE}/estates", headers={"Authorization": "Bearer secret-token"})

    assert response.status_code == 200
    assert [e["name"] for e in response.json()["items"]] == ["甲苑"]


@pytest.mark.parametrize("endpoint", ["estate", "building", "entrance_units", "unit", "person"])
@pytest.mark.parametrize("role", ["worker", "admin", "committee", "street", "owner", "resident"])
def test_another_communitys_objects_answer_404(client, world, role, endpoint):
    response = _get(client, world.a.users[role], _endpoints(world.b)[endpoint])

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert set(body) == {"code", "message"}


def test_foreign_and_missing_units_answer_the_same(client, world):
    client.force_login(world.a.users["worker"])

    foreign = client.get(f"{BASE}/units/{world.b.unit.pk}")
    missing = client.get(f"{BASE}/units/999999")

    assert foreign.json() == missing.json() == {"code": "not_found", "message": "未找到该房屋。"}


@pytest.mark.parametrize("endpoint", ["estate", "building", "entrance_units", "unit", "person"])
@pytest.mark.parametrize("role", ["partner", "volunteer"])
def test_partners_and_volunteers_get_404_everywhere(client, world, role, endpoint):
    assert _get(client, world.a.users[role], _endpoints(world.a)[endpoint]).status_code == 404


def test_non_integer_id_is_422_with_field_errors(client, world):
    response = _get(client, world.a.users["worker"], f"{BASE}/units/abc")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert [e["loc"] for e in body["errors"]] == [["path", "unit_id"]]


# --- estates -------------------------------------------------------------------------------


def test_estates_are_paginated_with_counts(client, world, django_assert_max_num_queries):
    a = world.a
    for name in ("甲北苑", "甲南苑"):
        f.EstateFactory(community=a.community, name=name)
    client.force_login(a.users["worker"])

    with django_assert_max_num_queries(7):
        first = client.get(f"{BASE}/estates", {"limit": 2})
    second = client.get(f"{BASE}/estates", {"limit": 2, "offset": 2})

    assert first.status_code == 200
    assert first.json()["count"] == 3
    assert [e["name"] for e in first.json()["items"]] + [
        e["name"] for e in second.json()["items"]
    ] == [
        "甲北苑",
        "甲南苑",
        "甲苑",
    ]
    own = next(e for e in first.json()["items"] + second.json()["items"] if e["name"] == "甲苑")
    assert own == {
        "id": a.estate.pk,
        "community_id": a.community.pk,
        "name": "甲苑",
        "address": "",
        "built_year": None,
        "building_count": 1,
        "unit_count": 2,
    }


def test_page_size_above_200_is_refused(client, world):
    response = _get(client, world.a.users["worker"], f"{BASE}/estates", limit=201)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_page_size_of_200_is_accepted(client, world):
    assert _get(client, world.a.users["worker"], f"{BASE}/estates", limit=200).status_code == 200


@pytest.mark.parametrize("role", ["partner", "volunteer"])
def test_estate_list_is_empty_without_registry_access(client, world, role):
    assert _get(client, world.a.users[role], f"{BASE}/estates").json() == {"items": [], "count": 0}


def test_resident_lists_only_their_own_estate(client, world):
    f.EstateFactory(community=world.a.community, name="甲北苑")

    response = _get(client, world.a.users["resident"], f"{BASE}/estates")

    assert [e["name"] for e in response.json()["items"]] == ["甲苑"]


def test_estates_filter_by_community(client, world):
    worker = world.a.users["worker"]
    f.RoleFactory(user=worker, community=world.b.community, role="worker")

    response = _get(client, worker, f"{BASE}/estates", community_id=world.b.community.pk)

    assert [e["name"] for e in response.json()["items"]] == ["乙苑"]


def test_estate_detail_lists_buildings_with_counts(client, world, django_assert_max_num_queries):
    a = world.a
    f.BuildingFactory(estate=a.estate, community=a.community, number="3")
    client.force_login(a.users["committee"])

    with django_assert_max_num_queries(6):
        response = client.get(_endpoints(a)["estate"])

    body = response.json()
    assert body["name"] == "甲苑"
    assert [(b["number"], b["entrance_count"], b["unit_count"]) for b in body["buildings"]] == [
        ("3", 0, 0),
        ("24", 1, 2),
    ]


# --- buildings, entrances, units -----------------------------------------------------------


def test_building_detail_lists_entrances_and_parking(client, world, django_assert_max_num_queries):
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
    client.force_login(a.users["owner"])

    with django_assert_max_num_queries(8):
        response = client.get(_endpoints(a)["building"])

    body = response.json()
    assert response.status_code == 200
    assert body["entrances"] == [
        {"id": a.entrance.pk, "building_id": a.building.pk, "number": "1", "unit_count": 2}
    ]
    assert [(u["kind"], u["number"], u["area"], u["area_m2"]) for u in body["loose_units"]] == [
        ("parking", "B-12", 1250, "12.50")
    ]


def test_entrance_units_top_floor_first_and_query_count_flat(client, world):
    a = world.a
    small = f.EntranceFactory(building=a.building, community=a.community, number="2")
    large = f.EntranceFactory(building=a.building, community=a.community, number="3")
    for entrance, count in ((small, 3), (large, 30)):
        for i in range(count):
            f.UnitFactory(entrance=entrance, number=f"{i + 1}01", floor=i + 1, area=9000)
    client.force_login(a.users["worker"])
    client.get(f"{BASE}/entrances/{small.pk}/units")

    with CaptureQueriesContext(connection) as with_3:
        client.get(f"{BASE}/entrances/{small.pk}/units")
    with CaptureQueriesContext(connection) as with_30:
        response = client.get(f"{BASE}/entrances/{large.pk}/units", {"limit": 200})

    assert len(with_3) == len(with_30) <= 7
    body = response.json()
    assert body["count"] == 30
    assert [u["floor"] for u in body["items"]][:3] == [30, 29, 28]


@pytest.mark.parametrize("role", ["worker", "committee", "property", "street", "owner"])
def test_unit_detail_shows_parties_masked(client, world, role, django_assert_max_num_queries):
    a = world.a
    client.force_login(a.users[role])

    with django_assert_max_num_queries(8):
        response = client.get(_endpoints(a)["unit"])

    body = response.json()
    assert response.status_code == 200
    assert body["label"] == a.unit.label
    assert (body["area"], body["area_m2"], body["area_source"]) == (8950, "89.50", "register")
    assert body["owners"] == [
        {
            "person_id": a.owner_person.pk,
            "name_masked": "张*丰",
            "is_representative": True,
            "developer_status": "",
        }
    ]
    text = response.content.decode()
    assert FULL_PHONE not in text and "张三丰" not in text and a.owner_person.id_number not in text


def test_resident_opens_own_unit_but_not_the_neighbours(client, world):
    a = world.a
    client.force_login(a.users["resident"])

    own = client.get(f"{BASE}/units/{a.other_unit.pk}")
    neighbour = client.get(f"{BASE}/units/{a.unit.pk}")

    assert own.status_code == 200
    assert own.json()["occupants"] == [
        {"person_id": a.tenant_person.pk, "name_masked": "李*", "relation": "tenant"}
    ]
    assert neighbour.status_code == 404


# --- persons -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["worker", "admin", "owner"])
def test_person_is_masked_for_staff_and_for_themself(
    client, world, role, django_assert_max_num_queries
):
    a = world.a
    client.force_login(a.users[role])

    with django_assert_max_num_queries(5):
        response = client.get(_endpoints(a)["person"])

    assert response.status_code == 200
    masked_id = a.owner_person.id_number[0] + "*" * 13 + a.owner_person.id_number[-4:]
    assert response.json() == {
        "id": a.owner_person.pk,
        "community_id": a.community.pk,
        "kind": "individual",
        "name_masked": "张*丰",
        "phone_masked": "138****5678",
        "id_number_masked": masked_id,
        "is_developer": False,
    }
    text = response.content.decode()
    assert FULL_PHONE not in text and a.owner_person.id_number not in text


@pytest.mark.parametrize("role", ["committee", "property", "street", "resident"])
def test_person_answers_404_to_non_staff(client, world, role):
    assert _get(client, world.a.users[role], _endpoints(world.a)["person"]).status_code == 404


# --- schema --------------------------------------------------------------------------------


def test_every_registry_operation_declares_its_errors():
    from config.api import api

    schema = api.get_openapi_schema()
    operations = [
        (path, op)
        for path, ops in schema["paths"].items()
        if path.startswith("/api/v1/registry/")
        for op in ops.values()
    ]

    assert len(operations) == 6
    for path, op in operations:
        assert sorted(op["responses"]) == [200, 401, 403, 404, 422], path
        error_ref = op["responses"][404]["content"]["application/json"]["schema"]["$ref"]
        assert error_ref.endswith("/ErrorOut"), path


def test_list_operations_cap_the_page_size_at_200():
    from config.api import api

    schema = api.get_openapi_schema()
    for path in ("/api/v1/registry/estates", "/api/v1/registry/entrances/{entrance_id}/units"):
        params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert params["limit"]["schema"]["maximum"] == 200
        assert params["offset"]["schema"]["minimum"] == 0
