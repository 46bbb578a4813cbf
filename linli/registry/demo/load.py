"""Writing the demo plan into the database: once, in one transaction, with one audit row."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment, User
from linli.core.audit import audit_record
from linli.core.errors import Conflict
from linli.notices.models import Notice
from linli.notifications.models import Notification
from linli.registry.demo.accounts import DEMO_PASSWORD
from linli.registry.demo.build import DEMO_SEED, DemoPlan, build_plan
from linli.registry.demo.places import MAIN
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
    natural_key,
)
from linli.spaces.models import Space

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PARKING = (
    "为缓解金狮苑小区停车难，经社区、业委会、物业三方协商，并与辖区单位杭州市第十四中学等商定，"
    "自下月起提供30个错时停车车位：工作日18:00至次日7:30、节假日全天向本小区居民开放。\n\n"
    "申请办法：在“邻里”平台提交申请，按登记顺序分配；每户限一个车位。\n"
    "公示期内如有意见，请向社区居委会反映。"
)
DEMO_COMMITTEE = (
    "经业主大会选举，金狮苑第三届业主委员会由以下委员组成（姓名、职务依法公示）：\n"
    "主任 徐国平；副主任 2名；委员 4名。\n任期五年。委员联系方式可向社区居委会查询。"
)
DEMO_ELEVATOR = (
    "金狮苑24幢1单元加装电梯方案（地下车库架空层上加装），经8次议事协商会讨论形成：\n"
    "1. 费用由本单元住户按楼层分摊，出资比例10%至40%；\n"
    "2. 申请政府补贴20万元，作为后续维保经费；\n"
    "3. 制定《电梯管理公约》。\n\n公示期15日，如有异议请于公示期内书面提出。"
)
DEMO_INCOME = (
    "2026年1月至6月，金狮苑公共收益（广告位、公共车位租金等）合计人民币伍万贰仟叁佰元整，"
    "支出明细见附件。公共收益归全体业主所有。"
)

BATCH = 500
# Fixed, so that two loads give identical accounts.
ACCOUNTS_JOINED = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass(frozen=True)
class DemoLoadResult:
    """What `demo_load` did: `created` is False when the demo was already there."""

    created: bool
    counts: dict[str, int]
    seconds: float


def demo_is_loaded() -> bool:
    return Community.objects.filter(code=MAIN).exists()


def demo_load(*, seed: int = DEMO_SEED) -> DemoLoadResult:
    """Load the demo street, communities, registry, organisations, spaces and accounts.

    Idempotent: if the demo community exists it does nothing (one query). Otherwise it writes
    everything in one transaction with one "demo.load" audit row, or nothing at all.
    """
    started = time.perf_counter()
    if demo_is_loaded():
        return DemoLoadResult(created=False, counts={}, seconds=time.perf_counter() - started)
    plan = build_plan(seed)
    with transaction.atomic():
        _check_free(plan)
        counts = _Writer(plan).write()
    return DemoLoadResult(created=True, counts=counts, seconds=time.perf_counter() - started)


def _check_free(plan: DemoPlan) -> None:
    """Refuse, before writing, when another community or account already uses a demo name."""
    codes = [c.key for c in plan.communities]
    if taken := list(Community.objects.filter(code__in=codes).values_list("code", flat=True)):
        raise Conflict(
            _("Community codes needed by the demo are already in use: %(codes)s")
            % {"codes": ", ".join(taken)},
            code="demo_conflict",
        )
    phones = [a.phone for a in plan.accounts]
    if taken := list(
        User.objects.filter(phone__in=phones).order_by("phone").values_list("phone", flat=True)
    ):
        raise Conflict(
            _("Phone numbers needed by the demo accounts are already in use: %(phones)s")
            % {"phones": ", ".join(taken)},
            code="demo_conflict",
        )


def _bulk(model: type[models.Model], objects: list[Any]) -> list[Any]:
    return model._default_manager.bulk_create(objects, batch_size=BATCH)


class _Writer:
    """Turns plan keys into saved rows, table by table, in dependency order."""

    def __init__(self, plan: DemoPlan) -> None:
        self.plan = plan
        self.communities: dict[str, Community] = {}
        self.estates: dict[str, Estate] = {}
        self.buildings: dict[str, Building] = {}
        self.entrances: dict[str, Entrance] = {}
        self.units: dict[str, Unit] = {}
        self.users: dict[str, User] = {}
        self.persons: list[Person] = []
        self.organisations: dict[str, Organisation] = {}

    def write(self) -> dict[str, int]:
        self._places()
        self._users()
        self._people()
        self._organisations()
        self._directory_and_spaces()
        self._roles()
        self._notices_and_messages()
        counts = self._counts()
        main = self.communities[MAIN]
        audit_record(
            actor=None,
            action="demo.load",
            obj=main,
            community=main,
            summary=f"Demo data loaded (seed {self.plan.seed}): "
            + ", ".join(f"{n} {name}" for name, n in counts.items()),
        )
        return counts

    def _places(self) -> None:
        plan = self.plan
        street, _created = Street.objects.get_or_create(
            code=plan.street["code"],
            defaults={k: plan.street[k] for k in ("name", "district", "city")},
        )
        self.street = street
        for row in plan.communities:
            self.communities[row.key] = Community(
                street=street, name=row.name, code=row.key, address=row.address, phone=row.phone
            )
        _bulk(Community, list(self.communities.values()))
        for e in plan.estates:
            self.estates[e.key] = Estate(
                community=self.communities[e.community],
                name=e.name,
                address=e.address,
                built_year=e.built_year,
            )
        _bulk(Estate, list(self.estates.values()))
        for b in plan.buildings:
            estate = self.estates[b.estate]
            self.buildings[b.key] = Building(
                community=estate.community,
                estate=estate,
                number=b.number,
                floors=b.floors,
                has_elevator=b.has_elevator,
                # bulk_create skips save(), which computes the sort key.
                sort_key=natural_key(b.number),
            )
        _bulk(Building, list(self.buildings.values()))
        for en in plan.entrances:
            building = self.buildings[en.building]
            self.entrances[en.key] = Entrance(
                community=building.community, building=building, number=en.number
            )
        _bulk(Entrance, list(self.entrances.values()))
        for u in plan.units:
            estate = self.estates[u.estate]
            self.units[u.key] = Unit(
                community=estate.community,
                estate=estate,
                building=self.buildings[u.building] if u.building else None,
                entrance=self.entrances[u.entrance] if u.entrance else None,
                kind=u.kind,
                number=u.number,
                floor=u.floor,
                area=u.area,
                area_source=u.area_source,
                sort_key=natural_key(u.number),
            )
        _bulk(Unit, list(self.units.values()))

    def _users(self) -> None:
        # One hash for the one published password: hashing twelve times would only cost time.
        password = make_password(DEMO_PASSWORD)
        home = {a.key: a.grants[0].community if a.grants else MAIN for a in self.plan.accounts}
        for account in self.plan.accounts:
            self.users[account.key] = User(
                phone=account.phone,
                name=account.name,
                password=password,
                is_staff=account.superuser,
                is_superuser=account.superuser,
                current_community=self.communities[home[account.key]],
                date_joined=ACCOUNTS_JOINED,
            )
        _bulk(User, list(self.users.values()))

    def _people(self) -> None:
        plan = self.plan
        self.persons = [
            Person(
                community=self.communities[p.community],
                kind=p.kind,
                name=p.name,
                phone=p.phone,
                id_number=p.id_number,
                is_developer=p.is_developer,
                note=p.note,
                user=self.users[p.account] if p.account else None,
            )
            for p in plan.persons
        ]
        _bulk(Person, self.persons)
        _bulk(
            Ownership,
            [
                Ownership(
                    community=self.units[o.unit].community,
                    unit=self.units[o.unit],
                    person=self.persons[o.person],
                    is_representative=o.is_representative,
                    developer_status=o.developer_status,
                    since=o.since,
                )
                for o in plan.ownerships
            ],
        )
        _bulk(
            Occupancy,
            [
                Occupancy(
                    community=self.units[o.unit].community,
                    unit=self.units[o.unit],
                    person=self.persons[o.person],
                    relation=o.relation,
                    since=o.since,
                )
                for o in plan.occupancies
            ],
        )

    def _organisations(self) -> None:
        rows = self.plan.organisations
        # Parents (Party committees) first, so their children can point at saved rows.
        for wave in (
            [r for r in rows if r.parent is None],
            [r for r in rows if r.parent is not None],
        ):
            batch = []
            for r in wave:
                organisation = Organisation(
                    community=self.communities[r.community],
                    kind=r.kind,
                    category=r.category,
                    name=r.name,
                    estate=self.estates[r.estate] if r.estate else None,
                    parent=self.organisations[r.parent] if r.parent else None,
                    address=r.address,
                    contact_phone=r.contact_phone,
                    description=r.description,
                )
                self.organisations[r.key] = organisation
                batch.append(organisation)
            _bulk(Organisation, batch)
        _bulk(
            Membership,
            [
                Membership(
                    community=self.organisations[m.organisation].community,
                    organisation=self.organisations[m.organisation],
                    person=self.persons[m.person],
                    title=m.title,
                    since=m.since,
                )
                for m in self.plan.memberships
            ],
        )

    def _directory_and_spaces(self) -> None:
        existing = set(
            DirectoryCompany.objects.filter(street=self.street).values_list("name", flat=True)
        )
        _bulk(
            DirectoryCompany,
            [
                DirectoryCompany(
                    street=self.street,
                    name=d.name,
                    credit_code=d.credit_code,
                    qualification=d.qualification,
                    rating=d.rating,
                    suited_to_old_estates=d.suited_to_old_estates,
                    contact_phone=d.contact_phone,
                )
                for d in self.plan.directory
                if d.name not in existing
            ],
        )
        _bulk(
            Space,
            [
                Space(
                    community=self.communities[s.community],
                    code=s.code,
                    name=s.name,
                    capacity=s.capacity,
                    location=s.location,
                    description=s.description,
                )
                for s in self.plan.spaces
            ],
        )

    def _roles(self) -> None:
        grants = []
        for account in self.plan.accounts:
            for grant in account.grants:
                grants.append(
                    RoleAssignment(
                        user=self.users[account.key],
                        community=self.communities[grant.community],
                        role=Role(grant.role),
                        organisation=self.organisations[grant.organisation]
                        if grant.organisation
                        else None,
                    )
                )
        _bulk(RoleAssignment, grants)

    def _notices_and_messages(self) -> None:
        """A few notices on the board (dated from the day of loading) and two inbox messages."""
        main = self.communities[MAIN]
        jinshiyuan = self.estates["jinshiyuan"]
        worker = self.users["worker"]
        today = datetime.now(SHANGHAI).date()
        published_at = datetime.now(SHANGHAI)
        rows = [
            (
                Notice.Kind.GENERAL,
                None,
                "关于金狮苑小区“停车新政”（错时停车）的公示",
                DEMO_PARKING,
                -3,
                14,
            ),
            (
                Notice.Kind.COMMITTEE_DETAILS,
                jinshiyuan,
                "金狮苑业主委员会委员名单公示",
                DEMO_COMMITTEE,
                -5,
                15,
            ),
            (
                Notice.Kind.ELEVATOR_PLAN,
                jinshiyuan,
                "金狮苑24幢1单元加装电梯方案公示",
                DEMO_ELEVATOR,
                -1,
                15,
            ),
            (
                Notice.Kind.COMMON_INCOME,
                jinshiyuan,
                "金狮苑2026年上半年公共收益公示",
                DEMO_INCOME,
                -40,
                15,
            ),
        ]
        notices = [
            Notice(
                community=main,
                estate=estate,
                kind=kind,
                title=title,
                body=body,
                starts_on=today + timedelta(days=offset),
                ends_on=today + timedelta(days=offset + days - 1),
                status=Notice.Status.PUBLISHED,
                issuer="上羊市街社区居民委员会" if estate is None else "金狮苑业主委员会",
                created_by=worker,
                published_at=published_at,
            )
            for kind, estate, title, body, offset, days in rows
        ]
        notices.append(
            Notice(
                community=main,
                estate=jinshiyuan,
                kind=Notice.Kind.FEE_ADJUSTMENT,
                title="关于金狮苑物业服务费调整的公示（草稿）",
                body="物业服务费调整方案及审计报告，待业委会审议后发布，公示期不少于30日。",
                starts_on=today + timedelta(days=7),
                ends_on=today + timedelta(days=36),
                issuer="金狮苑业主委员会",
                created_by=worker,
            )
        )
        _bulk(Notice, notices)
        elevator = notices[2]
        owner = self.users["owner"]
        _bulk(
            Notification,
            [
                Notification(
                    community=main,
                    recipient=owner,
                    topic="notice",
                    title=f"新公示：{elevator.title}",
                    body="公示期内如有异议，请联系第四党支部或社区居委会。",
                    url=f"/notices/n/{elevator.public_id}/",
                ),
                Notification(
                    community=main,
                    recipient=owner,
                    topic="notice",
                    title=f"新公示：{notices[0].title}",
                    url=f"/notices/n/{notices[0].public_id}/",
                ),
            ],
        )

    def _counts(self) -> dict[str, int]:
        plan = self.plan
        return {
            "communities": len(plan.communities),
            "estates": len(plan.estates),
            "buildings": len(plan.buildings),
            "entrances": len(plan.entrances),
            "units": len(plan.units),
            "persons": len(plan.persons),
            "ownerships": len(plan.ownerships),
            "occupancies": len(plan.occupancies),
            "organisations": len(plan.organisations),
            "memberships": len(plan.memberships),
            "directory companies": len(plan.directory),
            "spaces": len(plan.spaces),
            "accounts": len(plan.accounts),
        }
