"""The demo generator: a pure function from a seed to a plan of plain rows (no database).

Every random choice comes from one `random.Random(seed)`, drawn in a fixed order, and nothing
reads the clock: the same seed gives the same plan, byte for byte (see `DemoPlan.digest`).
Rows refer to each other by keys; `load.py` turns the plan into database rows.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import accumulate

from linli.domain.idcard import credit_check_char, id_check_char
from linli.registry.demo import names, partners, places
from linli.registry.demo.accounts import (
    ACCOUNTS,
    ACCOUNTS_BY_KEY,
    FOURTH_BRANCH,
    JINSHIYUAN_PROPERTY,
    PARTNER_SCHOOL,
    PARTY_COMMITTEE,
    DemoAccount,
)
from linli.registry.demo.codes import org_code_check_char
from linli.registry.demo.places import MAIN, SECOND

DEMO_SEED = 20261125
# The demo's "today": no date in the data is later than this.
REFERENCE_DATE = date(2026, 11, 25)

DEVELOPER_NAME = "杭州金狮房地产开发有限公司"
DEVELOPER_FLATS = 12
DEVELOPER_SPACES = 8
SECOND_HOMES = 28

FLAT, PARKING, SHOP = "flat", "parking", "shop"
INDIVIDUAL, ORGANISATION = "individual", "organisation"
OWNER, FAMILY, TENANT = "owner", "family", "tenant"
LIVES_ALONE = "独居老人"


@dataclass(frozen=True)
class CommunityRow:
    key: str
    name: str
    address: str
    phone: str


@dataclass(frozen=True)
class EstateRow:
    key: str
    community: str
    name: str
    address: str
    built_year: int


@dataclass(frozen=True)
class BuildingRow:
    key: str
    estate: str
    number: str
    floors: int
    has_elevator: bool


@dataclass(frozen=True)
class EntranceRow:
    key: str
    building: str
    number: str


@dataclass(frozen=True)
class UnitRow:
    key: str
    estate: str
    building: str | None
    entrance: str | None
    kind: str
    number: str
    floor: int
    area: int
    area_source: str


@dataclass
class PersonRow:
    key: int
    community: str
    kind: str
    name: str
    phone: str
    id_number: str
    birth: date | None = None
    is_developer: bool = False
    note: str = ""
    # The demo account (by key) this person belongs to.
    account: str | None = None


@dataclass(frozen=True)
class OwnershipRow:
    unit: str
    person: int
    is_representative: bool
    developer_status: str
    since: date


@dataclass(frozen=True)
class OccupancyRow:
    unit: str
    person: int
    relation: str
    since: date


@dataclass(frozen=True)
class OrganisationRow:
    key: str
    community: str
    kind: str
    name: str
    category: str = ""
    estate: str | None = None
    parent: str | None = None
    address: str = ""
    contact_phone: str = ""
    description: str = ""


@dataclass(frozen=True)
class MembershipRow:
    organisation: str
    person: int
    title: str
    since: date


@dataclass(frozen=True)
class DirectoryRow:
    name: str
    credit_code: str
    qualification: str
    rating: str
    suited_to_old_estates: bool
    contact_phone: str


@dataclass(frozen=True)
class SpaceRow:
    community: str
    code: str
    name: str
    capacity: int
    location: str
    description: str


@dataclass
class DemoPlan:
    """Everything the demo loads, in load order."""

    seed: int
    street: dict[str, str]
    communities: list[CommunityRow] = field(default_factory=list)
    estates: list[EstateRow] = field(default_factory=list)
    buildings: list[BuildingRow] = field(default_factory=list)
    entrances: list[EntranceRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    persons: list[PersonRow] = field(default_factory=list)
    ownerships: list[OwnershipRow] = field(default_factory=list)
    occupancies: list[OccupancyRow] = field(default_factory=list)
    organisations: list[OrganisationRow] = field(default_factory=list)
    memberships: list[MembershipRow] = field(default_factory=list)
    directory: list[DirectoryRow] = field(default_factory=list)
    spaces: list[SpaceRow] = field(default_factory=list)
    accounts: tuple[DemoAccount, ...] = ACCOUNTS

    def community_of_estate(self, estate_key: str) -> str:
        return next(e.community for e in self.estates if e.key == estate_key)

    def digest(self) -> str:
        """SHA-256 over every row: equal digests mean identical demo data."""
        body = {name: [asdict(row) for row in getattr(self, name)] for name in _PLAN_LISTS}
        body["street"] = self.street  # type: ignore[assignment]
        body["seed"] = self.seed  # type: ignore[assignment]
        text = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


_PLAN_LISTS = (
    "communities",
    "estates",
    "buildings",
    "entrances",
    "units",
    "persons",
    "ownerships",
    "occupancies",
    "organisations",
    "memberships",
    "directory",
    "spaces",
    "accounts",
)


def build_plan(seed: int = DEMO_SEED) -> DemoPlan:
    """The whole demo as plain rows. Deterministic: the same seed gives the same plan."""
    return _Generator(seed).run()


def flat_key(estate: str, building: str, entrance: str, number: str) -> str:
    return f"{estate}/{building}/{entrance}/{number}"


def place_key(estate: str, building: str, number: str) -> str:
    """Key of a parking space or shop: it belongs to a building, not to an entrance."""
    return f"{estate}/{building}/{number}"


# Where the demo accounts live and work (unit keys follow `flat_key` / `place_key`).
OWNER_FLAT = flat_key(places.JINSHIYUAN, "24", "1", "601")
MULTI_HOME = flat_key(places.JINSHIYUAN, "24", "1", "102")
MULTI_SPACE = place_key(places.JINSHIYUAN, "24", "B-07")
MULTI_LET = flat_key(places.SHANGYANGSHIJIE, "5", "1", "302")
MULTI_LET_SECOND = flat_key(places.SHIBANQIAO, "2", "1", "201")
TENANT_FLAT = flat_key(places.JINSHIYUAN, "8", "2", "302")
COMMITTEE_FLAT = flat_key(places.JINSHIYUAN, "7", "1", "401")
SECRETARY_FLAT = flat_key(places.JINSHIYUAN, "24", "2", "501")
VOLUNTEER_FLAT = flat_key(places.SHANGYANGSHIJIE, "3", "1", "201")

# Party branches of the main community and whom each gathers.
MAIN_BRANCHES = (
    (1, "社区机关党支部：社区党委班子与社区工作者"),
    (2, "上羊市街小区党支部"),
    (3, "城头巷小区党支部"),
    (4, "金狮苑小区党支部，业委会党员在此过组织生活"),
    (5, "离退休党员党支部"),
    (6, "流动党员与两新组织党支部"),
)
BRANCH_ESTATE = {2: places.SHANGYANGSHIJIE, 3: places.CHENGTOUXIANG, 4: places.JINSHIYUAN}
NUMERALS = "一二三四五六七八九十"

COMMITTEE_ELECTED = {
    places.JINSHIYUAN: date(2025, 6, 28),
    places.SHANGYANGSHIJIE: date(2023, 4, 16),
    places.CHENGTOUXIANG: date(2024, 9, 22),
    places.SHIBANQIAO: date(2022, 11, 6),
}
PROPERTY_COMPANY = {
    places.JINSHIYUAN: "杭州和睦物业服务有限公司",
    places.SHANGYANGSHIJIE: "杭州清泰物业管理有限公司",
    places.CHENGTOUXIANG: "杭州吴山物业管理有限公司",
    places.SHIBANQIAO: "杭州望江物业服务有限公司",
}
PARTY_ELECTED = date(2024, 1, 15)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.plan = DemoPlan(seed=seed, street=dict(places.STREET))
        self._phones = {account.phone for account in ACCOUNTS}
        self._ids: set[str] = set()
        self._surnames = [s for s, _ in names.SURNAMES]
        self._surname_cum = list(accumulate(w for _, w in names.SURNAMES))
        self._areas = [a for a, _ in names.ID_AREAS]
        self._area_cum = list(accumulate(w for _, w in names.ID_AREAS))
        self._units: dict[str, UnitRow] = {}
        self._owned: dict[str, list[int]] = {}
        # Representative owners of flats they live in or let, per estate: the pool for seats.
        self._estate_owners: dict[str, list[int]] = {}
        self._residents: dict[str, list[int]] = {MAIN: [], SECOND: []}
        self._tenants: dict[str, list[int]] = {MAIN: [], SECOND: []}
        self._account_person: dict[str, int] = {}
        self._surname_of: dict[int, str] = {}
        self._developer_status: dict[str, str] = {}

    def run(self) -> DemoPlan:
        self._places()
        self._directory()
        self._organisations()
        self._people()
        self._memberships()
        self._spaces()
        return self.plan

    # -- small draws -----------------------------------------------------------------------

    def _date(self, first_year: int, last_year: int) -> date:
        year = self.rng.randint(first_year, last_year)
        day = date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return min(day, REFERENCE_DATE)

    def _surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._surname_cum)[0]

    def _phone(self) -> str:
        while True:
            phone = self.rng.choice(names.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def _address(self) -> str:
        street = self.rng.choice(partners.ADDRESS_STREETS)
        return f"杭州市上城区{street}{self.rng.randint(1, 300)}号"

    def _landline(self) -> str:
        return f"0571-8{self.rng.randrange(10**7):07d}"

    def _id_number(self, sex: str, birth: date) -> str:
        while True:
            area = self.rng.choices(self._areas, cum_weights=self._area_cum)[0]
            # The 17th digit is odd for men and even for women.
            sequence = self.rng.randrange(500) * 2 + (1 if sex == "M" else 0)
            first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_char(first17)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def _credit_code(self, area: str) -> str:
        body = f"{self.rng.randrange(10**8):08d}"
        first17 = f"91{area}{body}{org_code_check_char(body)}"
        return first17 + credit_check_char(first17)

    def _person(
        self,
        community: str,
        *,
        born: tuple[int, int],
        sex: str | None = None,
        surname: str | None = None,
        account: DemoAccount | None = None,
    ) -> PersonRow:
        sex = sex or self.rng.choice("MF")
        birth = self._date(*born)
        if account is not None:
            # Every demo account has a one-character surname.
            surname, name, phone = account.name[0], account.name, account.phone
        else:
            surname = surname or self._surname()
            name = surname + self.rng.choice(names.GIVEN_NAMES[names.generation(birth.year), sex])
            # Children under 16 have no phone of their own.
            phone = self._phone() if birth.year <= REFERENCE_DATE.year - 16 else ""
        person = PersonRow(
            key=len(self.plan.persons),
            community=community,
            kind=INDIVIDUAL,
            name=name,
            phone=phone,
            id_number=self._id_number(sex, birth),
            birth=birth,
            account=account.key if account else None,
        )
        self.plan.persons.append(person)
        self._surname_of[person.key] = surname
        return person

    def _owner_born(self) -> tuple[int, int]:
        year = int(self.rng.triangular(1935, 1993, 1958))
        return (year, year)

    # -- places ----------------------------------------------------------------------------

    def _places(self) -> None:
        plan = self.plan
        for community in places.COMMUNITIES:
            plan.communities.append(
                CommunityRow(community.key, community.name, community.address, community.phone)
            )
        for estate in places.ESTATES:
            plan.estates.append(
                EstateRow(
                    estate.key, estate.community, estate.name, estate.address, estate.built_year
                )
            )
            fixed = {b.number: b for b in estate.fixed}
            for n in range(1, estate.buildings + 1):
                spec = fixed.get(str(n)) or places.BuildingSpec(
                    str(n),
                    entrances=self.rng.choice(estate.entrance_choices),
                    floors=self.rng.choice(estate.floor_choices),
                    flats_per_floor=self.rng.choice(estate.flat_choices),
                )
                self._building(estate, spec)
        for estate_key, number, count in places.SHOPS:
            for i in range(1, count + 1):
                area = self.rng.randint(2500, 8000)
                source = "contract" if self.rng.random() < 0.3 else "register"
                self._unit(estate_key, number, None, SHOP, f"S-{i:02d}", 1, area, source)
        estate_key, number, count = places.GARAGE
        low, high = places.PARKING_AREA_RANGE
        for i in range(1, count + 1):
            source = "contract" if self.rng.random() < 0.3 else "register"
            area = self.rng.randint(low, high)
            self._unit(estate_key, number, None, PARKING, f"B-{i:02d}", -1, area, source)

    def _building(self, estate: places.EstateSpec, spec: places.BuildingSpec) -> None:
        key = f"{estate.key}/{spec.number}"
        self.plan.buildings.append(
            BuildingRow(key, estate.key, spec.number, spec.floors, spec.elevator)
        )
        # One set of flat plans per building; odd and even entrances are mirror images, and
        # flats stacked above each other share a plan (and so an area on the register).
        low, high = places.AREA_RANGES[spec.flats_per_floor]
        layout = [self.rng.randint(low, high) for _ in range(spec.flats_per_floor)]
        for e in range(1, spec.entrances + 1):
            entrance = str(e)
            self.plan.entrances.append(EntranceRow(f"{key}/{entrance}", key, entrance))
            plans = layout if e % 2 else layout[::-1]
            for floor in range(1, spec.floors + 1):
                for position, register_area in enumerate(plans, start=1):
                    area, source = self._area(register_area)
                    number = f"{floor}{position:02d}"
                    self._unit(estate.key, spec.number, entrance, FLAT, number, floor, area, source)

    def _area(self, register_area: int) -> tuple[int, str]:
        """Mostly the register's figure; some flats were re-surveyed or only have a contract."""
        draw = self.rng.random()
        if draw < 0.86:
            return register_area, "register"
        source = "surveyed" if draw < 0.95 else "contract"
        area = register_area + self.rng.choice((-1, 1)) * self.rng.randint(10, 150)
        return max(4500, min(13000, area)), source

    def _unit(
        self,
        estate: str,
        building: str,
        entrance: str | None,
        kind: str,
        number: str,
        floor: int,
        area: int,
        area_source: str,
    ) -> None:
        building_key = f"{estate}/{building}"
        if entrance is None:
            key, entrance_key = place_key(estate, building, number), None
        else:
            key, entrance_key = (
                flat_key(estate, building, entrance, number),
                f"{building_key}/{entrance}",
            )
        unit = UnitRow(
            key, estate, building_key, entrance_key, kind, number, floor, area, area_source
        )
        self.plan.units.append(unit)
        self._units[key] = unit

    # -- directory and organisations ------------------------------------------------------

    def _directory(self) -> None:
        for name, qualification, rating, suited in partners.DIRECTORY:
            area = self.rng.choice(("330102", "330102", "330103", "330104", "330106"))
            self.plan.directory.append(
                DirectoryRow(
                    name, self._credit_code(area), qualification, rating, suited, self._landline()
                )
            )

    def _org(self, row: OrganisationRow) -> None:
        self.plan.organisations.append(row)

    def _organisations(self) -> None:
        for community in self.plan.communities:
            short = community.name.removesuffix("社区")
            party = f"party:{community.key}"
            self._org(
                OrganisationRow(
                    party,
                    community.key,
                    "party_committee",
                    f"中共{community.name}委员会",
                    address=community.address,
                    contact_phone=community.phone,
                    description=f"{short}社区党组织，领、统、带。",
                )
            )
            branches = MAIN_BRANCHES if community.key == MAIN else ((1, f"{short}小区党支部"),)
            for number, description in branches:
                self._org(
                    OrganisationRow(
                        f"branch:{community.key}:{number}",
                        community.key,
                        "party_branch",
                        f"第{NUMERALS[number - 1]}党支部",
                        parent=party,
                        description=description,
                    )
                )
        directory_phone = {row.name: row.contact_phone for row in self.plan.directory}
        for estate in self.plan.estates:
            self._org(
                OrganisationRow(
                    f"committee:{estate.key}",
                    estate.community,
                    "owners_committee",
                    f"{estate.name}业主委员会",
                    estate=estate.key,
                    address=estate.address,
                    description=f"{estate.name}业主大会的执行机构。",
                )
            )
            company = PROPERTY_COMPANY[estate.key]
            self._org(
                OrganisationRow(
                    f"property:{estate.key}",
                    estate.community,
                    "property_company",
                    company,
                    estate=estate.key,
                    address=estate.address,
                    contact_phone=directory_phone[company],
                    description=f"{estate.name}的物业服务企业。",
                )
            )
        for name in self._partner_names():
            category, title = name
            self._org(
                OrganisationRow(
                    f"partner:{title}",
                    MAIN,
                    "partner",
                    title,
                    category=category,
                    address=self._address(),
                    contact_phone=self._landline(),
                    description="可提供："
                    + "、".join(self.rng.sample(partners.RESOURCES[category], 2)),
                )
            )
        for title, description in partners.SOCIAL_ORGANISATIONS:
            self._org(
                OrganisationRow(
                    f"social:{title}",
                    MAIN,
                    "social",
                    title,
                    category="social",
                    description=description,
                )
            )

    def _partner_names(self) -> list[tuple[str, str]]:
        """300 unique partner names: the story's anchors first, then drawn per category."""
        seen: set[str] = set()
        chosen: list[tuple[str, str]] = []
        for category, quota in partners.PARTNER_QUOTAS:
            anchors = partners.ANCHOR_PARTNERS.get(category, ())
            picked = list(anchors)
            for pool, share in self._partner_pools(category, quota - len(anchors)):
                fresh = [n for n in dict.fromkeys(pool) if n not in seen and n not in picked]
                picked += self.rng.sample(fresh, share)
            seen.update(picked)
            chosen += [(category, name) for name in picked]
        return chosen

    def _partner_pools(self, category: str, count: int) -> list[tuple[list[str], int]]:
        p = partners
        if category == "government":
            return [(list(p.GOVERNMENT), count)]
        if category == "public_institution":
            return [(list(p.PUBLIC_INSTITUTIONS), count)]
        if category == "school":
            kindergartens = [f"杭州市上城区{place}幼儿园" for place in p.PLACES]
            training = [f"杭州{word}培训学校" for word in p.TRADE_WORDS]
            return [(list(p.SCHOOLS), 14), (kindergartens, 6), (training, count - 20)]
        if category == "hospital":
            clinics = [f"杭州{place}口腔门诊部" for place in p.PLACES]
            clinics += [f"上城{place}中医诊所" for place in p.PLACES]
            return [(list(p.HOSPITALS), 9), (clinics, count - 9)]
        if category == "bank":
            branches = [f"{bank}杭州{place}支行" for bank in p.BANKS for place in p.PLACES]
            branches += [f"{bank}{place}支行" for bank in p.LOCAL_BANKS for place in p.PLACES]
            return [(branches, count)]
        if category == "state_enterprise":
            outlets = [f"{outlet}{place}营业厅" for outlet in p.STATE_OUTLETS for place in p.PLACES]
            return [(list(p.STATE_ENTERPRISES), 18), (outlets, count - 18)]
        if category == "enterprise":
            companies = [
                f"杭州{w}{industry}有限公司" for w in p.TRADE_WORDS for industry in p.INDUSTRIES
            ]
            firms = [f"浙江{w}{firm}" for w in p.TRADE_WORDS for firm in p.PROFESSIONAL_FIRMS]
            return [(companies, count - 10), (firms, 10)]
        if category == "shop":
            local = [f"{place}{trade}" for place in p.PLACES for trade in p.SHOP_TRADES]
            family = [f"{s}记{trade}" for s in self._surnames[:30] for trade in p.SHOP_TRADES]
            chains = [f"{chain}（{place}店）" for chain in p.SHOP_CHAINS for place in p.PLACES]
            return [(local, 24), (family, 18), (chains, count - 42)]
        forms = [form.format(w=w) for form in p.SOCIAL_FORMS for w in p.SOCIAL_WORDS]
        return [(forms, count)]

    # -- people, ownership and occupancy --------------------------------------------------

    def _own(self, unit: str, person: int, *, since: date, representative: bool = True) -> None:
        if unit not in self._units:
            raise ValueError(f"the demo has no unit {unit!r}")
        status = self._developer_status.get(unit, "")
        self.plan.ownerships.append(OwnershipRow(unit, person, representative, status, since))
        self._owned.setdefault(unit, []).append(person)

    def _occupy(self, unit: str, person: int, relation: str, since: date) -> None:
        self.plan.occupancies.append(OccupancyRow(unit, person, relation, since))
        community = self.plan.community_of_estate(self._units[unit].estate)
        if relation == TENANT:
            self._tenants[community].append(person)
        if self.plan.persons[person].phone:
            self._residents[community].append(person)

    def _account(self, key: str, community: str = MAIN) -> PersonRow:
        account = ACCOUNTS_BY_KEY[key]
        assert account.birth_year is not None
        born = (account.birth_year, account.birth_year)
        person = self._person(community, born=born, sex=account.sex, account=account)
        self._account_person.setdefault(key, person.key)
        return person

    def _spouse(self, community: str, partner: PersonRow) -> PersonRow:
        assert partner.birth is not None
        year = partner.birth.year + self.rng.randint(-4, 4)
        return self._person(community, born=(year, year), sex="F" if _is_male(partner) else "M")

    def _people(self) -> None:
        flats = [u for u in self.plan.units if u.kind == FLAT]
        self._account_people()
        developer = self._developer(flats)
        reserved = set(self._owned) | {TENANT_FLAT, VOLUNTEER_FLAT, MULTI_LET, MULTI_LET_SECOND}
        candidates = [u for u in flats if u.key not in reserved and u.estate != places.SHIBANQIAO]
        second_homes = {u.key for u in self.rng.sample(candidates, SECOND_HOMES)}
        for unit in flats:
            if unit.key not in self._owned and unit.key not in second_homes:
                self._primary_owner(unit)
        self._second_homes(flats, second_homes)
        self._garage(developer)
        self._shops()

    def _account_people(self) -> None:
        """The demo accounts' own people, flats and tenancies (their neighbours come later)."""
        self._account("worker")
        owner = self._account("owner")
        spouse = self._spouse(MAIN, owner)
        bought = date(1997, 5, 18)
        self._own(OWNER_FLAT, owner.key, since=bought)
        self._own(OWNER_FLAT, spouse.key, since=bought, representative=False)
        self._occupy(OWNER_FLAT, owner.key, OWNER, bought)
        self._occupy(OWNER_FLAT, spouse.key, OWNER, bought)

        multi = self._account("multi_owner")
        self._own(MULTI_HOME, multi.key, since=date(1996, 9, 2))
        self._occupy(MULTI_HOME, multi.key, OWNER, date(1996, 9, 2))
        self._own(MULTI_SPACE, multi.key, since=date(2003, 3, 10))
        self._own(MULTI_LET, multi.key, since=date(2009, 7, 21))
        self._let(MULTI_LET)
        multi_second = self._account("multi_owner", SECOND)
        self._own(MULTI_LET_SECOND, multi_second.key, since=date(2012, 10, 8))
        self._let(MULTI_LET_SECOND)

        committee = self._account("committee")
        self._own(COMMITTEE_FLAT, committee.key, since=date(1996, 4, 12))
        self._occupy(COMMITTEE_FLAT, committee.key, OWNER, date(1996, 4, 12))
        self._occupy(COMMITTEE_FLAT, self._spouse(MAIN, committee).key, FAMILY, date(1996, 4, 12))

        secretary = self._account("secretary")
        self._own(SECRETARY_FLAT, secretary.key, since=date(1996, 6, 30))
        self._occupy(SECRETARY_FLAT, secretary.key, OWNER, date(1996, 6, 30))

        self._account("tenant")
        self._account("property")
        self._account("partner")
        self._account("volunteer")
        self._account("second_worker", SECOND)

    def _developer(self, flats: list[UnitRow]) -> PersonRow:
        """The developer keeps unsold or undelivered flats and garage spaces in 金狮苑."""
        developer = PersonRow(
            key=len(self.plan.persons),
            community=MAIN,
            kind=ORGANISATION,
            name=DEVELOPER_NAME,
            phone="",
            id_number=self._credit_code("330102"),
            is_developer=True,
            note="金狮苑开发建设单位",
        )
        self.plan.persons.append(developer)
        own = [
            u
            for u in flats
            if u.estate == places.JINSHIYUAN and u.key not in self._owned and u.key != TENANT_FLAT
        ]
        spaces = [u for u in self.plan.units if u.kind == PARKING and u.key != MULTI_SPACE]
        picked = self.rng.sample(own, DEVELOPER_FLATS) + self.rng.sample(spaces, DEVELOPER_SPACES)
        completed = date(places.ESTATES[0].built_year, 12, 28)
        for unit in sorted(picked, key=self.plan.units.index):
            status = "unsold" if self.rng.random() < 0.7 else "undelivered"
            self._developer_status[unit.key] = status
            self._own(unit.key, developer.key, since=completed)
        return developer

    def _primary_owner(self, unit: UnitRow) -> None:
        """A flat's owner, perhaps with a co-owning spouse, and whoever lives there."""
        community = self.plan.community_of_estate(unit.estate)
        built = next(e.built_year for e in self.plan.estates if e.key == unit.estate)
        owner = self._person(community, born=self._owner_born())
        assert owner.birth is not None
        first = min(max(built + 1, owner.birth.year + 24), 2025)
        since = self._date(first, 2025)
        self._own(unit.key, owner.key, since=since)
        self._estate_owners.setdefault(unit.estate, []).append(owner.key)
        co_owner = None
        if self.rng.random() < 0.10:
            co_owner = self._spouse(community, owner)
            self._own(unit.key, co_owner.key, since=since, representative=False)
        if unit.key == TENANT_FLAT:
            self._occupy(unit.key, self._account_person["tenant"], TENANT, date(2024, 3, 1))
            return
        draw = self.rng.random()
        if unit.key == VOLUNTEER_FLAT:
            self._household(
                unit, owner, co_owner, since, joined_by=self._account_person["volunteer"]
            )
        elif draw < 0.76:
            self._household(unit, owner, co_owner, since)
        elif draw < 0.90:
            self._let(unit.key)

    def _household(
        self,
        unit: UnitRow,
        owner: PersonRow,
        co_owner: PersonRow | None,
        since: date,
        *,
        joined_by: int | None = None,
    ) -> None:
        """The owners live in the flat, with family drawn at random (and `joined_by`, if any)."""
        community = owner.community
        self._occupy(unit.key, owner.key, OWNER, since)
        if co_owner is not None:
            self._occupy(unit.key, co_owner.key, OWNER, since)
        family = self.rng.choice((0, 0, 1, 1, 1, 2, 2, 3))
        assert owner.birth is not None
        spouse = co_owner
        if family and co_owner is None and self.rng.random() < 0.6:
            spouse = self._spouse(community, owner)
            self._occupy(unit.key, spouse.key, FAMILY, since)
            family -= 1
        # Children usually take their father's surname.
        father = owner if _is_male(owner) else spouse
        surname = self._surname_of[father.key] if father else self._surname()
        for _ in range(family):
            year = min(owner.birth.year + self.rng.randint(24, 34), 2016)
            child = self._person(community, born=(year, year), surname=surname)
            assert child.birth is not None
            self._occupy(unit.key, child.key, FAMILY, max(since, child.birth))
        if joined_by is not None:
            self._occupy(unit.key, joined_by, FAMILY, since)
        elif family == 0 and co_owner is None and owner.birth.year <= 1950:
            owner.note = LIVES_ALONE

    def _let(self, unit: str) -> None:
        community = self.plan.community_of_estate(self._units[unit].estate)
        since = self._date(2018, 2026)
        for _ in range(self.rng.choice((1, 1, 2, 2, 3))):
            tenant = self._person(community, born=(1975, 2003))
            self._occupy(unit, tenant.key, TENANT, since)

    def _second_homes(self, flats: list[UnitRow], second_homes: set[str]) -> None:
        """Owners with a second flat in the community: let or left empty."""
        pool = [
            p for e, owners in self._estate_owners.items() if e != places.SHIBANQIAO for p in owners
        ]
        for unit in flats:
            if unit.key not in second_homes:
                continue
            owner = self.rng.choice(pool)
            self._own(unit.key, owner, since=self._date(2000, 2024))
            if self.rng.random() < 0.65:
                self._let(unit.key)

    def _garage(self, developer: PersonRow) -> None:
        """The 45 spaces under building 24: the developer's, neighbours' and outsiders'."""
        estate_owners = self._estate_owners[places.JINSHIYUAN]
        building_24 = [
            p
            for unit, people in self._owned.items()
            if unit.startswith(f"{places.JINSHIYUAN}/24/") and self._units[unit].kind == FLAT
            for p in people[:1]
            if not self.plan.persons[p].account and p != developer.key
        ]
        for unit in self.plan.units:
            if unit.kind != PARKING or unit.key in self._owned:
                continue
            since = self._date(1997, 2024)
            draw = self.rng.random()
            if draw < 0.8:
                pool = building_24 if self.rng.random() < 0.6 else estate_owners
                owner = self.rng.choice(pool)
            else:
                owner = self._person(MAIN, born=(1955, 1990)).key
            self._own(unit.key, owner, since=since)

    def _shops(self) -> None:
        for unit in self.plan.units:
            if unit.kind != SHOP:
                continue
            community = self.plan.community_of_estate(unit.estate)
            if self.rng.random() < 0.2:
                owner = self.rng.choice(self._estate_owners[unit.estate])
            else:
                owner = self._person(community, born=(1955, 1985)).key
            self._own(unit.key, owner, since=self._date(1998, 2022))

    # -- seats in organisations ----------------------------------------------------------

    def _seat(self, organisation: str, person: int, title: str, since: date) -> None:
        self.plan.memberships.append(MembershipRow(organisation, person, title, since))

    def _memberships(self) -> None:
        taken: set[int] = set()
        accounts = {p.key for p in self.plan.persons if p.account}
        self._party(taken)
        self._committees(taken, accounts)
        self._property_staff()
        self._seat(PARTNER_SCHOOL, self._account_person["partner"], "联络人", date(2023, 3, 1))
        for anchor in [name for names_ in partners.ANCHOR_PARTNERS.values() for name in names_]:
            key = f"partner:{anchor}"
            if key != PARTNER_SCHOOL:
                self._seat(
                    key, self._person(MAIN, born=(1970, 1995)).key, "联络人", self._date(2018, 2025)
                )
        team = "social:和合家园志愿服务队"
        volunteers = [p for p in self._residents[MAIN] if p not in accounts]
        for title, person in zip(("队长", "副队长"), self.rng.sample(volunteers, 2), strict=True):
            self._seat(team, person, title, date(2017, 5, 4))
        self._seat(team, self._account_person["volunteer"], "队员", date(2021, 3, 5))

    def _party(self, taken: set[int]) -> None:
        """Party committees and branches; the 4th branch's secretary is the demo secretary."""
        for community in (MAIN, SECOND):
            party = f"party:{community}"
            staff = [self._person(community, born=(1968, 1988), sex=s) for s in ("F", "M")]
            self._seat(party, staff[0].key, "书记", PARTY_ELECTED)
            self._seat(party, staff[1].key, "副书记", PARTY_ELECTED)
            worker = self._account_person["worker" if community == MAIN else "second_worker"]
            self._seat(party, worker, "委员", PARTY_ELECTED)
            for _ in range(2):
                self._seat(
                    party, self._person(community, born=(1975, 1992)).key, "委员", PARTY_ELECTED
                )
            taken.update((staff[0].key, staff[1].key, worker))
        office = f"branch:{MAIN}:1"
        office_staff = [
            m.person for m in self.plan.memberships if m.organisation == PARTY_COMMITTEE
        ]
        self._seat(office, office_staff[1], "书记", PARTY_ELECTED)
        for person in office_staff[:1] + office_staff[2:]:
            self._seat(office, person, "党员", PARTY_ELECTED)
        accounts = {p.key for p in self.plan.persons if p.account}
        main_people = [p for p in self.plan.persons if p.community == MAIN and p.kind == INDIVIDUAL]
        pools = {
            2: self._adults_of(places.SHANGYANGSHIJIE),
            3: self._adults_of(places.CHENGTOUXIANG),
            4: self._adults_of(places.JINSHIYUAN),
            5: [p.key for p in main_people if p.birth and p.birth.year <= 1958],
            6: [p for p in self._tenants[MAIN] if self.plan.persons[p].phone],
        }
        # The committee chair and the secretary are Party members of the 4th branch.
        fixed = {4: [self._account_person["secretary"], self._account_person["committee"]]}
        for number, pool in pools.items():
            branch = f"branch:{MAIN}:{number}"
            seats = fixed.get(number, [])
            free = [p for p in dict.fromkeys(pool) if p not in taken and p not in accounts]
            people = seats[:1] + self.rng.sample(free, 3 - len(seats[:1])) + seats[1:]
            people += self.rng.sample(
                [p for p in free if p not in people], self.rng.randint(10, 18)
            )
            for person, title in zip(people, ("书记", "组织委员", "宣传委员"), strict=False):
                self._seat(branch, person, title, self._date(2019, 2024))
            for person in people[3:]:
                self._seat(branch, person, "党员", self._date(1985, 2024))
            taken.update(people)
        second = [p for p in dict.fromkeys(self._adults_of(places.SHIBANQIAO)) if p not in accounts]
        for i, person in enumerate(self.rng.sample(second, 8)):
            title = "书记" if i == 0 else "党员"
            self._seat(f"branch:{SECOND}:1", person, title, self._date(2015, 2024))

    def _adults_of(self, estate: str) -> list[int]:
        """Residents of an estate with a phone (adults), in the order they were created."""
        people: list[int] = []
        for occupancy in self.plan.occupancies:
            if (
                self._units[occupancy.unit].estate == estate
                and self.plan.persons[occupancy.person].phone
            ):
                people.append(occupancy.person)
        return people

    def _committees(self, taken: set[int], accounts: set[int]) -> None:
        """Owners' committees: owners of the estate; in 金狮苑 the demo chair and Party members."""
        branch_four = [m.person for m in self.plan.memberships if m.organisation == FOURTH_BRANCH]
        for estate in self.plan.estates:
            organisation = f"committee:{estate.key}"
            elected = COMMITTEE_ELECTED[estate.key]
            owners = [
                p for p in dict.fromkeys(self._estate_owners[estate.key]) if p not in accounts
            ]
            if estate.key == places.JINSHIYUAN:
                party_members = [p for p in branch_four if p in owners][:2]
                rest = self.rng.sample([p for p in owners if p not in party_members], 4)
                seats = [
                    self._account_person["committee"],
                    party_members[0],
                    *party_members[1:],
                    *rest,
                ]
            else:
                seats = self.rng.sample(owners, 5)
            titles = ["主任", "副主任"] + ["委员"] * (len(seats) - 2)
            for person, title in zip(seats, titles, strict=True):
                self._seat(organisation, person, title, elected)

    def _property_staff(self) -> None:
        for estate in self.plan.estates:
            company = f"property:{estate.key}"
            community = estate.community
            if company == JINSHIYUAN_PROPERTY:
                manager = self._account_person["property"]
                since = date(2025, 9, 1)
            else:
                manager = self._person(community, born=(1970, 1990)).key
                since = self._date(2015, 2024)
            self._seat(company, manager, "项目经理", since)
            self._seat(company, self._person(community, born=(1980, 2000)).key, "客服主管", since)
            self._seat(
                company, self._person(community, born=(1965, 1985), sex="M").key, "维修工", since
            )

    # -- spaces ----------------------------------------------------------------------------

    def _spaces(self) -> None:
        for spec in places.SPACES:
            self.plan.spaces.append(
                SpaceRow(MAIN, spec.code, spec.name, spec.capacity, spec.location, spec.description)
            )


def _is_male(person: PersonRow) -> bool:
    """The 17th digit of an ID number is odd for men."""
    return person.id_number[16] in "13579"
