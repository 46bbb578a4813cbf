"""A small two-community world with one user per role, for authorization and integration tests.

Community A has an estate with one building, one entrance and two flats; the resident owns
flat 101, a tenant rents flat 102. Community B mirrors it. Every role has a user in A.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linli.accounts.models import Role
from linli.registry.models import Occupancy
from tests import factories as f


@dataclass
class Side:
    community: Any
    estate: Any
    building: Any
    entrance: Any
    unit: Any
    other_unit: Any
    owner_person: Any
    tenant_person: Any
    users: dict[str, Any] = field(default_factory=dict)


def build_side(label: str) -> Side:
    community = f.CommunityFactory(name=f"{label}社区", code=f"c-{label.lower()}")
    estate = f.EstateFactory(community=community, name=f"{label}苑")
    building = f.BuildingFactory(estate=estate, community=community, number="24")
    entrance = f.EntranceFactory(building=building, community=community, number="1")
    unit = f.UnitFactory(entrance=entrance, number="101", floor=1, area=8950)
    other_unit = f.UnitFactory(entrance=entrance, number="102", floor=1, area=7520)
    owner_user = f.UserFactory(name=f"{label}业主")
    owner_person = f.PersonFactory(
        community=community, name="张三丰", phone="13812345678", user=owner_user
    )
    f.OwnershipFactory(unit=unit, person=owner_person)
    tenant_user = f.UserFactory(name=f"{label}租户")
    tenant_person = f.PersonFactory(
        community=community, name="李四", phone="13987654321", user=tenant_user
    )
    f.OccupancyFactory(unit=other_unit, person=tenant_person, relation=Occupancy.Relation.TENANT)
    side = Side(
        community, estate, building, entrance, unit, other_unit, owner_person, tenant_person
    )
    side.users["owner"] = owner_user
    side.users["resident"] = tenant_user
    for role in (
        Role.WORKER,
        Role.COMMITTEE,
        Role.PROPERTY,
        Role.PARTNER,
        Role.VOLUNTEER,
        Role.STREET,
        Role.ADMIN,
    ):
        user = f.UserFactory(name=f"{label}{role.label}")
        f.RoleFactory(user=user, community=community, role=role)
        side.users[str(role)] = user
    return side


@dataclass
class World:
    a: Side
    b: Side
    outsider: Any


def build_world() -> World:
    return World(a=build_side("甲"), b=build_side("乙"), outsider=f.UserFactory(name="路人"))
