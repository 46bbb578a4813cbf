"""factory-boy factories with realistic Chinese data. No test depends on the demo data."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from linli.accounts.models import Role, RoleAssignment, User
from linli.registry.models import (
    Building,
    Community,
    Entrance,
    Estate,
    Occupancy,
    Organisation,
    Ownership,
    Person,
    Street,
    Unit,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
]


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试街道{n}")
    code = factory.Sequence(lambda n: f"street-{n}")
    district = "上城区"
    city = "杭州市"


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")
    code = factory.Sequence(lambda n: f"community-{n}")


class EstateFactory(DjangoModelFactory):
    class Meta:
        model = Estate

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试小区{n}")


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    community = factory.SelfAttribute("estate.community")
    number = factory.Sequence(lambda n: str(n + 1))
    floors = 6


class EntranceFactory(DjangoModelFactory):
    class Meta:
        model = Entrance

    building = factory.SubFactory(BuildingFactory)
    community = factory.SelfAttribute("building.community")
    number = "1"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    entrance = factory.SubFactory(EntranceFactory)
    building = factory.SelfAttribute("entrance.building")
    estate = factory.SelfAttribute("entrance.building.estate")
    community = factory.SelfAttribute("entrance.community")
    kind = Unit.Kind.FLAT
    floor = 3
    number = factory.Sequence(lambda n: f"{(n % 6) + 1}0{(n % 4) + 1}-{n}")
    area = 8950


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    name = factory.Sequence(lambda n: SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)])
    password = factory.PostGenerationMethodCall("set_password", "linli-test-pass")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)])
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_number = factory.Sequence(lambda n: f"33010219{n % 90 + 10}0101{n % 9000 + 1000}")


class OwnershipFactory(DjangoModelFactory):
    class Meta:
        model = Ownership

    unit = factory.SubFactory(UnitFactory)
    community = factory.SelfAttribute("unit.community")
    person = factory.SubFactory(PersonFactory, community=factory.SelfAttribute("..community"))


class OccupancyFactory(DjangoModelFactory):
    class Meta:
        model = Occupancy

    unit = factory.SubFactory(UnitFactory)
    community = factory.SelfAttribute("unit.community")
    person = factory.SubFactory(PersonFactory, community=factory.SelfAttribute("..community"))
    relation = Occupancy.Relation.TENANT


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    community = factory.SubFactory(CommunityFactory)
    kind = Organisation.Kind.PARTNER
    name = factory.Sequence(lambda n: f"测试单位{n}")


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = Role.WORKER
