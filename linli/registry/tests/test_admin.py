"""Registry admin: every list loads, in a bounded number of queries, with personal data masked."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.registry.models import DirectoryCompany, Membership, Occupancy, Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db

FULL_PHONE = "13812345678"
MODELS = [
    "street",
    "community",
    "estate",
    "building",
    "entrance",
    "unit",
    "person",
    "ownership",
    "occupancy",
    "organisation",
    "membership",
    "directorycompany",
]


@pytest.fixture
def root(client, world):
    user = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def _more_rows(side, n):
    """n more of everything linked, so that an N+1 in a list shows as a growing count."""
    org = f.OrganisationFactory(
        community=side.community, kind=Organisation.Kind.OWNERS_COMMITTEE, estate=side.estate
    )
    for i in range(n):
        building = f.BuildingFactory(
            estate=side.estate, community=side.community, number=f"{100 + i}"
        )
        entrance = f.EntranceFactory(building=building, community=side.community, number="1")
        unit = f.UnitFactory(entrance=entrance, number="101")
        owner = f.OwnershipFactory(unit=unit)
        Occupancy.objects.create(
            community=side.community,
            unit=unit,
            person=owner.person,
            relation=Occupancy.Relation.OWNER,
        )
        Membership.objects.create(
            community=side.community, organisation=org, person=owner.person, title="委员"
        )
        DirectoryCompany.objects.create(street=side.community.street, name=f"杭州物业{i}有限公司")


@pytest.mark.parametrize("model", MODELS)
def test_changelist_query_count_does_not_grow_with_rows(client, world, root, model):
    url = reverse(f"admin:registry_{model}_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    _more_rows(world.a, 5)

    with CaptureQueriesContext(connection) as after:
        response = client.get(url)

    assert response.status_code == 200
    assert len(after) == len(before) <= 12


@pytest.mark.parametrize("model", MODELS)
def test_change_form_opens(client, world, root, model):
    _more_rows(world.a, 1)
    obj = response_model(model).objects.order_by("pk").first()

    response = client.get(reverse(f"admin:registry_{model}_change", args=[obj.pk]))

    assert response.status_code == 200


def response_model(model):
    from django.apps import apps

    return apps.get_model("registry", model)


def test_person_list_masks_phone_id_number_and_name(client, world, root):
    response = client.get(reverse("admin:registry_person_changelist"))

    html = response.content.decode()
    assert "138****5678" in html and "张*丰" in html
    assert FULL_PHONE not in html
    assert world.a.owner_person.id_number not in html
    assert "张三丰" not in html


def test_person_change_form_shows_full_values(client, world, root):
    person = world.a.owner_person

    response = client.get(reverse("admin:registry_person_change", args=[person.pk]))

    html = response.content.decode()
    assert FULL_PHONE in html and person.id_number in html


def test_person_search_by_exact_phone(client, world, root):
    response = client.get(reverse("admin:registry_person_changelist"), {"q": "13987654321"})

    assert [p.pk for p in response.context["cl"].result_list] == [
        world.a.tenant_person.pk,
        world.b.tenant_person.pk,
    ]


def test_ownership_list_masks_the_owner(client, world, root):
    response = client.get(reverse("admin:registry_ownership_changelist"))

    html = response.content.decode()
    assert "张*丰" in html and "张三丰" not in html


def test_admin_is_closed_to_community_workers(client, world):
    client.force_login(world.a.users["worker"])

    response = client.get(reverse("admin:registry_person_changelist"))

    assert response.status_code == 302
