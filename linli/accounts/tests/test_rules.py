"""django-rules predicates and permissions per community."""

from __future__ import annotations

import pytest

from linli.accounts import rules as predicates
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_full_person_data_is_for_staff_of_that_community(world):
    person = world.a.owner_person

    assert world.a.users["worker"].has_perm("registry.view_person_full", person)
    assert world.a.users["admin"].has_perm("registry.view_person_full", person)
    assert not world.b.users["worker"].has_perm("registry.view_person_full", person)
    for role in ("owner", "resident", "committee", "property", "partner", "volunteer", "street"):
        assert not world.a.users[role].has_perm("registry.view_person_full", person), role
    assert not world.a.users["worker"].has_perm("registry.view_person_full")


def test_superuser_is_staff_everywhere(world):
    root = f.UserFactory(is_superuser=True)

    assert root.has_perm("registry.view_person_full", world.b.owner_person)
    assert predicates.is_admin_of(root, world.b.community)


def test_role_predicates_follow_the_roles_of_the_objects_community(world):
    a, b = world.a, world.b
    assert predicates.is_owner_of(a.users["owner"], a.unit)
    assert predicates.is_resident_of(a.users["owner"], a.unit)
    assert predicates.is_resident_of(a.users["resident"], a.unit)
    assert not predicates.is_owner_of(a.users["resident"], a.unit)
    assert predicates.is_committee_of(a.users["committee"], a.estate)
    assert predicates.is_property_of(a.users["property"], a.building)
    assert predicates.is_partner_of(a.users["partner"], a.community)
    assert predicates.is_volunteer_of(a.users["volunteer"], a.community.pk)
    assert predicates.is_street_of(a.users["street"], a.entrance)
    assert predicates.is_worker_of(a.users["worker"], a.owner_person)
    assert not predicates.is_worker_of(a.users["worker"], b.owner_person)
    assert predicates.is_member_of(a.users["partner"], a.unit)
    assert not predicates.is_member_of(a.users["partner"], b.unit)
    assert not predicates.is_staff_of(a.users["worker"], None)


def test_anonymous_visitors_hold_no_role(world):
    from django.contrib.auth.models import AnonymousUser

    assert not predicates.is_member_of(AnonymousUser(), world.a.unit)
    assert not AnonymousUser().has_perm("registry.view_person_full", world.a.owner_person)
