"""The demo data: the designed numbers exactly, the story's fixed points, valid identifiers,
determinism (same seed, same data) and idempotence (a second load changes nothing)."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from linli.accounts.models import Role, RoleAssignment, User
from linli.accounts.selectors import roles_by_community
from linli.core.models import AuditLog
from linli.domain.idcard import is_valid_id_number, validate_credit_code
from linli.registry.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from linli.registry.demo.build import DEMO_SEED, REFERENCE_DATE, build_plan
from linli.registry.demo.load import demo_load
from linli.registry.models import (
    Building,
    Community,
    DirectoryCompany,
    Entrance,
    Estate,
    Membership,
    Occupancy,
    Organisation,
    Ownership,
    Person,
    Street,
    Unit,
)
from linli.spaces.models import Space

# The numbers the seed 20261125 produces. A change to the generator that moves them is a
# change to the demo: update them on purpose.
DESIGNED = {
    Street: 1,
    Community: 2,
    Estate: 4,
    Building: 50,
    Entrance: 126,
    Unit: 1922,
    Person: 4363,
    Ownership: 2120,
    Occupancy: 3818,
    Organisation: 325,
    Membership: 153,
    DirectoryCompany: 15,
    Space: 5,
    User: 12,
    RoleAssignment: 10,
}
PLAN_DIGEST = "60994e20de91a870fe51d39a271459398d91b035ff8823e2fff3b118ef722bb2"
MOBILE = re.compile(r"^1(3\d|5[0-35-9]|8\d)\d{8}$")


def table_counts() -> dict[type, int]:
    return {model: model.objects.count() for model in DESIGNED}


def test_plan_is_identical_for_the_same_seed_and_differs_for_another():
    first, second = build_plan(DEMO_SEED), build_plan(DEMO_SEED)

    assert first.digest() == second.digest() == PLAN_DIGEST
    assert [(p.name, p.phone, p.id_number) for p in first.persons] == [
        (p.name, p.phone, p.id_number) for p in second.persons
    ]
    assert build_plan(DEMO_SEED + 1).digest() != PLAN_DIGEST


def test_plan_dates_never_pass_the_demo_reference_date():
    plan = build_plan()
    dates = [
        row.since for rows in (plan.ownerships, plan.occupancies, plan.memberships) for row in rows
    ]
    dates += [p.birth for p in plan.persons if p.birth]

    assert max(dates) <= REFERENCE_DATE


@pytest.mark.django_db
def test_load_refuses_when_a_demo_phone_is_taken_and_writes_nothing():
    User.objects.create_user("13900000005", "some-other-password", name="别人")

    with pytest.raises(CommandError, match="13900000005"):
        call_command("load_demo", stdout=io.StringIO())

    assert Community.objects.count() == 0
    assert Person.objects.count() == 0
    assert AuditLog.objects.filter(action="demo.load").count() == 0


@pytest.mark.django_db
def test_demo_logins_warns_when_the_demo_is_not_loaded():
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert "run `manage.py load_demo` first" in out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the class and rolled back after it."""
    with (
        translation.override(settings.LANGUAGE_CODE),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestLoadedDemo:
    def test_load_creates_exactly_the_designed_rows(self, demo):
        assert table_counts() == DESIGNED
        assert "Demo data loaded in" in demo
        assert "1,922  units" in demo

    def test_the_issue_minimums_hold(self):
        main = Community.objects.get(code="shangyangshi")

        assert main.name == "上羊市街社区"
        assert main.street.name == "小营街道"
        assert main.street.district == "上城区"
        assert Estate.objects.filter(community=main).count() == 3
        assert Building.objects.count() >= 40
        assert Unit.objects.filter(kind=Unit.Kind.FLAT).count() >= 1500
        assert Unit.objects.filter(community=main, kind=Unit.Kind.FLAT).count() == 1803
        assert Unit.objects.filter(kind=Unit.Kind.SHOP).count() == 6
        assert list(Community.objects.order_by("id").values_list("name", flat=True)) == [
            "上羊市街社区",
            "始版桥社区",
        ]

    def test_jinshiyuan_has_buildings_7_8_and_a_seven_floor_walk_up_24(self):
        estate = Estate.objects.get(name="金狮苑")
        numbers = set(Building.objects.filter(estate=estate).values_list("number", flat=True))
        building_24 = Building.objects.get(estate=estate, number="24")
        entrance_1 = Entrance.objects.get(building=building_24, number="1")

        assert {"7", "8", "24"} <= numbers
        assert (building_24.floors, building_24.has_elevator) == (7, False)
        assert list(
            Unit.objects.filter(entrance=entrance_1)
            .order_by("floor", "sort_key")
            .values_list("number", flat=True)
        ) == [f"{floor}0{flat}" for floor in range(1, 8) for flat in (1, 2)]

    def test_45_garage_spaces_lie_under_jinshiyuan_building_24(self):
        spaces = Unit.objects.filter(kind=Unit.Kind.PARKING)

        assert spaces.count() == 45
        assert (
            spaces.filter(
                estate__name="金狮苑", building__number="24", entrance__isnull=True, floor=-1
            ).count()
            == 45
        )
        assert all(1200 <= area <= 1500 for area in spaces.values_list("area", flat=True))
        assert spaces.filter(ownerships__isnull=True).count() == 0
        assert spaces.order_by("sort_key").first().number == "B-01"

    def test_flats_have_realistic_floors_numbers_and_areas(self):
        flats = Unit.objects.filter(kind=Unit.Kind.FLAT).select_related("building")

        for flat in flats:
            assert 1 <= flat.floor <= flat.building.floors
            assert flat.number.startswith(str(flat.floor))
            assert 4500 <= flat.area <= 13000
        assert set(Building.objects.values_list("floors", flat=True)) == {5, 6, 7, 12, 16, 18}
        assert list(
            Building.objects.filter(has_elevator=True).values_list("floors", flat=True)
        ) == [12, 16, 18]
        assert Counter(Unit.objects.values_list("area_source", flat=True)) == {
            "register": 1647,
            "surveyed": 172,
            "contract": 103,
        }

    def test_owners_include_co_owners_multi_unit_owners_and_the_developer(self):
        units_per_owner = Counter(Ownership.objects.values_list("person_id", flat=True))
        owners_per_unit = Counter(Ownership.objects.values_list("unit_id", flat=True))
        developer = Person.objects.get(is_developer=True)
        developer_units = Ownership.objects.filter(person=developer)

        assert len(owners_per_unit) == Unit.objects.count()
        assert sum(1 for n in owners_per_unit.values() if n == 2) == 198
        assert max(owners_per_unit.values()) == 2
        assert Ownership.objects.filter(is_representative=True).count() == Unit.objects.count()
        assert (len(units_per_owner), sum(1 for n in units_per_owner.values() if n >= 2)) == (
            2039,
            56,
        )
        assert (developer.kind, developer.name) == (
            Person.Kind.ORGANISATION,
            "杭州金狮房地产开发有限公司",
        )
        assert Counter(developer_units.values_list("developer_status", flat=True)) == {
            "unsold": 17,
            "undelivered": 3,
        }
        assert Counter(developer_units.values_list("unit__kind", flat=True)) == {
            "flat": 12,
            "parking": 8,
        }
        assert Ownership.objects.exclude(person=developer).exclude(developer_status="").count() == 0

    def test_tenants_and_family_members_live_in_flats(self):
        relations = Counter(Occupancy.objects.values_list("relation", flat=True))

        assert relations == {"family": 1777, "owner": 1525, "tenant": 516}
        assert Occupancy.objects.exclude(unit__kind=Unit.Kind.FLAT).count() == 0
        assert Person.objects.filter(note="独居老人").count() == 110

    def test_every_id_number_and_credit_code_passes_its_checksum(self):
        people = Person.objects.filter(kind=Person.Kind.INDIVIDUAL).values_list(
            "id_number", flat=True
        )
        developer = Person.objects.get(is_developer=True)

        assert len(people) == 4362
        assert all(is_valid_id_number(number, today=REFERENCE_DATE) for number in people)
        assert all(number.startswith("3301") for number in people)
        assert validate_credit_code(developer.id_number) == developer.id_number

    def test_phones_are_unique_mobiles_in_each_community(self):
        for community in Community.objects.all():
            phones = [
                p
                for p in Person.objects.filter(community=community).values_list("phone", flat=True)
                if p
            ]
            assert len(phones) == len(set(phones))
            assert all(MOBILE.match(phone) for phone in phones)
        assert Person.objects.filter(kind=Person.Kind.INDIVIDUAL, phone="").count() == 64

    def test_five_spaces_have_the_story_names(self):
        spaces = Space.objects.order_by("id").values_list("code", "name", "community__code")

        assert list(spaces) == [
            ("service", "邻里服务", "shangyangshi"),
            ("stage", "邻里舞台", "shangyangshi"),
            ("academy", "邻里学苑", "shangyangshi"),
            ("corner", "邻里天地", "shangyangshi"),
            ("council", "邻里议事", "shangyangshi"),
        ]

    def test_300_partners_have_unique_names_in_every_category(self):
        partners = Organisation.objects.filter(kind=Organisation.Kind.PARTNER)
        names = list(partners.values_list("name", flat=True))

        assert len(names) == len(set(names)) == 300
        assert Counter(partners.values_list("category", flat=True)) == {
            "government": 30,
            "public_institution": 25,
            "school": 25,
            "hospital": 25,
            "bank": 30,
            "state_enterprise": 30,
            "enterprise": 60,
            "shop": 60,
            "social": 15,
        }
        assert {"上城区人民法院", "杭州市第十四中学", "中国工商银行杭州上羊市街支行"} <= set(names)
        assert Organisation.objects.filter(kind=Organisation.Kind.SOCIAL).count() == 8

    def test_directory_lists_property_companies_with_valid_credit_codes(self):
        directory = DirectoryCompany.objects.filter(street__code="xiaoying")

        assert directory.count() >= 12
        assert all(
            validate_credit_code(code) == code
            for code in directory.values_list("credit_code", flat=True)
        )
        assert directory.filter(suited_to_old_estates=True, rating__in=["AAA", "AA"]).count() == 6
        serving = set(
            Organisation.objects.filter(kind=Organisation.Kind.PROPERTY_COMPANY).values_list(
                "name", flat=True
            )
        )
        assert serving <= set(directory.values_list("name", flat=True))

    def test_fourth_party_branch_is_led_by_the_demo_secretary(self):
        branch = Organisation.objects.get(
            community__code="shangyangshi", kind=Organisation.Kind.PARTY_BRANCH, name="第四党支部"
        )
        secretary = Membership.objects.get(organisation=branch, title="书记")

        assert branch.parent.name == "中共上羊市街社区委员会"
        assert list(
            Organisation.objects.filter(
                community=branch.community, kind=Organisation.Kind.PARTY_BRANCH
            ).values_list("name", flat=True)
        ) == ["第一党支部", "第二党支部", "第三党支部", "第四党支部", "第五党支部", "第六党支部"]
        assert (secretary.person.name, secretary.person.user.phone) == ("方桂英", "13900000009")
        assert Membership.objects.filter(
            organisation=branch, person__user__phone="13900000005"
        ).exists()

    def test_owners_committees_seat_owners_of_their_estate(self):
        committees = Organisation.objects.filter(
            kind=Organisation.Kind.OWNERS_COMMITTEE
        ).select_related("estate")

        assert committees.count() == Estate.objects.count()
        for committee in committees:
            seats = Membership.objects.filter(organisation=committee)
            assert Counter(seats.values_list("title", flat=True))["主任"] == 1
            assert Counter(seats.values_list("title", flat=True))["副主任"] == 1
            for seat in seats:
                assert Ownership.objects.filter(
                    person=seat.person, unit__estate=committee.estate
                ).exists()
        chair = Membership.objects.get(organisation__name="金狮苑业主委员会", title="主任")
        assert chair.person.user.phone == "13900000005"

    def test_every_role_has_a_demo_account(self):
        held = set()
        for user in User.objects.all():
            for roles in roles_by_community(user).values():
                held |= roles

        assert held == set(Role.values)
        assert list(User.objects.filter(is_superuser=True).values_list("phone", "is_staff")) == [
            ("13900000012", True)
        ]

    def test_demo_accounts_log_in_with_the_published_password(self):
        for phone in ("13900000002", "13900000012"):
            assert authenticate(None, phone=phone, password=DEMO_PASSWORD).phone == phone
        assert authenticate(None, phone="13900000002", password="wrong-password") is None

    def test_owner_and_resident_accounts_are_their_registry_persons(self):
        owner = Person.objects.get(user__phone="13900000002")
        multi = Person.objects.filter(user__phone="13900000003")
        tenant = Person.objects.get(user__phone="13900000004")

        assert [
            o.unit.label
            for o in Ownership.objects.filter(person=owner).select_related(
                "unit__estate", "unit__building", "unit__entrance"
            )
        ] == ["金狮苑24幢1单元601"]
        assert (
            Ownership.objects.filter(
                unit__ownerships__person=owner, is_representative=False
            ).count()
            == 1
        )
        assert sorted(multi.values_list("community__code", flat=True)) == [
            "shangyangshi",
            "shibanqiao",
        ]
        assert Ownership.objects.filter(person__in=multi).count() == 4
        assert Occupancy.objects.get(person=tenant).relation == Occupancy.Relation.TENANT
        grants = RoleAssignment.objects.filter(user__phone="13900000006").select_related(
            "organisation"
        )
        assert [(g.role, g.organisation.name) for g in grants] == [
            ("property", "杭州和睦物业服务有限公司")
        ]

    def test_one_audit_row_records_the_load(self):
        rows = AuditLog.objects.filter(action="demo.load")

        assert rows.count() == 1
        assert rows.get().community.code == "shangyangshi"
        assert rows.get().summary.startswith("Demo data loaded (seed 20261125): 2 communities")

    def test_second_load_does_nothing_in_one_query(self, django_assert_num_queries):
        before = table_counts()
        out = io.StringIO()

        with django_assert_num_queries(1):
            result = demo_load()
        call_command("load_demo", stdout=out)

        assert result.created is False
        assert out.getvalue() == "Demo data is already loaded; nothing to do.\n"
        assert table_counts() == before
        assert AuditLog.objects.filter(action="demo.load").count() == 1

    def test_database_holds_exactly_the_generated_plan(self):
        plan = build_plan()

        assert list(Person.objects.order_by("id").values_list("name", "phone", "id_number")) == [
            (p.name, p.phone, p.id_number) for p in plan.persons
        ]
        assert list(
            Unit.objects.order_by("id").values_list("number", "floor", "area", "area_source")
        ) == [(u.number, u.floor, u.area, u.area_source) for u in plan.units]
        unit_numbers = {u.key: u.number for u in plan.units}
        assert list(
            Ownership.objects.order_by("id").values_list(
                "unit__number", "person__name", "is_representative"
            )
        ) == [
            (unit_numbers[o.unit], plan.persons[o.person].name, o.is_representative)
            for o in plan.ownerships
        ]
        assert list(Organisation.objects.order_by("id").values_list("name", flat=True)) == [
            *[o.name for o in plan.organisations if o.parent is None],
            *[o.name for o in plan.organisations if o.parent is not None],
        ]

    def test_demo_logins_lists_every_account(self):
        out = io.StringIO()

        call_command("demo_logins", stdout=out)

        text = out.getvalue()
        assert "load_demo" not in text
        for account in ACCOUNTS:
            line = next(line for line in text.splitlines() if account.phone in line)
            assert account.title in line
            assert account.name in line
            assert DEMO_PASSWORD in line
            assert account.hint in line
