"""Demo data of sunshine finance: a year of 金狮苑's money (issue 4), run after the registry demo.

Four accounts of 金狮苑, opened by the community worker (陈晓燕):
1. the maintenance fund (first deposit 1,900,000.00 yuan): its balance moved from the district's
   fund centre into the estate's own account, spread over every unit by area; quarterly
   interest; a top-up from common income; and an HZ-PMR Art. 73 emergency repair of building
   7's leaking roof, recorded by the property manager (王海涛), checked by the owners'
   committee and confirmed by the residents' committee, approved by the committee chair
   (徐国平) with the audit waived (a settlement of 30,000 yuan or less), charged to building 7;
2. common income: parking fees every month, advertising, venue rent and express-locker fees,
   expenses recorded by the property manager with their receipts and approved by the chair,
   one of them still waiting for the committee, and last month's statement published;
3. the project fund "24幢1单元加装电梯": a cost plan over the entrance's fourteen flats, issued
   and partly paid (沈建华's 601 in full, 钱美娟's 102 in half, two ground-floor flats not at
   all), and the design fee paid out of it;
4. the owners' committee's running costs, funded from common income.
Ledger checkpoints are published in the middle of the year and at the end.

The building has seven floors, so the floor-percentage table of DOMAIN-RULES §9.3 C1 (six
floors) does not fit its flats; the plan shares the C1 costs (600,000.00 yuan less a 200,000.00
yuan subsidy) by area instead (Civil Code Art. 283).

Dates: the year is the twelve whole months before the current one ("month 1" began a year before
this month, "month 12" is last month), each event on a fixed day of its month, so the figures do
not depend on the day the demo is loaded. Money is booked through the services with those
explicit past dates (at noon, Beijing time); only the mid-year checkpoint is published with the
platform clock moved to its day. `load` is idempotent: once the maintenance fund exists it writes
nothing.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from linli.accounts.models import Role, RoleAssignment, User
from linli.core import clock
from linli.domain.fund_rules import Confirmation, EmergencyKind
from linli.finance import services
from linli.finance.models import Account, Category, CostPlan, Payment, Share
from linli.registry.demo.accounts import ACCOUNTS_BY_KEY
from linli.registry.models import Building, Community, Estate, Organisation, Unit

ESTATE = "金狮苑"
FUND = "金狮苑专项维修资金"
INCOME = "金狮苑公共收益"
PROJECT = "24幢1单元加装电梯"
RUNNING = "金狮苑业委会工作经费"
FIRST_DEPOSIT = 190_000_000
PLAN_TITLE = "24幢1单元加装电梯费用分摊方案"
# DOMAIN-RULES §9.3: gross construction cost and subsidy (fen).
PLAN_GROSS, PLAN_SUBSIDY = 60_000_000, 20_000_000

FUND_CENTRE = "上城区住房维修资金管理中心"
BANK = "杭州银行清泰支行"
# (month, day, fen) of the transfer into the estate's account and of the quarterly interest.
FUND_TRANSFER = (1, 8, 112_745_036)
INTEREST = ((3, 21, 98_650), (6, 21, 98_910), (9, 21, 103_240), (12, 21, 102_180))
# The emergency repair: (month, day, fen), within the 30,000 yuan audit exemption (M2).
EMERGENCY = (9, 3, 2_860_000)
EMERGENCY_BUILDING = "7"
ROOFER = "杭州东新防水工程有限公司"

# Common income: parking (every month, the property company remits it), then the rest.
PARKING = (
    1_836_000,
    1_902_500,
    1_958_000,
    1_871_500,
    1_926_000,
    2_013_500,
    2_087_000,
    2_064_500,
    1_948_000,
    1_912_500,
    1_987_000,
    2_035_500,
)
ADVERTISING = ((3, 600_000), (6, 600_000), (9, 600_000), (12, 600_000))
ADVERTISER = "浙江华数广告有限公司"
VENUE = ((2, 80_000), (4, 80_000), (6, 80_000), (8, 80_000), (10, 80_000), (12, 80_000))
VENUE_TENANT = "上羊市街社区老年大学"
LOCKERS = ((1, 150_000), (4, 150_000), (7, 150_000), (10, 150_000))
LOCKERS_BY = "深圳市丰巢网络技术有限公司"


AUDITOR = "浙江天平会计师事务所有限公司"
CAMERAS = "杭州海视安防工程有限公司"
GARDENER = "杭州绿源园林工程有限公司"
ELECTRICIAN = "杭州明光电气安装有限公司"
CHARGERS = "杭州安行新能源科技有限公司"
CLEANER = "杭州清源环境服务有限公司"
PRINTER = "杭州金印图文设计有限公司"
SHOP = "杭州联华华商集团有限公司"
PUBLISHER = "浙江人民出版社有限公司"
DESIGNER = "浙江省建筑设计研究院"


# Expenses the community worker records (the rest are recorded by the property manager).
BY_WORKER = "worker"


@dataclass(frozen=True)
class Spend:
    """An expense on day `day` of demo month `month`, recorded by `recorder` with one receipt
    ("pdf" or "png") and approved by the owners' committee chair."""

    month: int
    day: int
    account: str
    category: str
    description: str
    payee: str
    fen: int
    receipt: str
    recorder: str = "property"


SPENDING = (
    Spend(2, 18, INCOME, Category.AUDIT, "上年度公共收益专项审计费", AUDITOR, 480_000, "pdf"),
    Spend(4, 12, INCOME, Category.SECURITY, "小区出入口监控摄像头更换", CAMERAS, 1_260_000, "png"),
    Spend(6, 20, INCOME, Category.GREENING, "中心绿地补种及行道树修剪", GARDENER, 890_000, "pdf"),
    Spend(7, 10, INCOME, Category.TRANSFER_OUT, "公共收益补充专项维修资金", FUND, 5_000_000, "pdf"),
    Spend(8, 14, INCOME, Category.REPAIR, "1至6幢楼道照明LED改造", ELECTRICIAN, 1_520_000, "png"),
    Spend(10, 9, INCOME, Category.TRANSFER_OUT, "划拨业委会工作经费", RUNNING, 1_000_000, "pdf"),
    Spend(11, 16, INCOME, Category.REPAIR, "非机动车棚充电桩维修", CHARGERS, 365_000, "png"),
    Spend(12, 15, INCOME, Category.CLEANING, "化粪池清掏及管道疏通", CLEANER, 420_000, "pdf"),
    # Recorded by the community worker: the committee's own costs and the elevator project's.
    Spend(
        10,
        22,
        RUNNING,
        Category.OFFICE,
        "业主大会通知及表决票印刷",
        PRINTER,
        68_000,
        "pdf",
        BY_WORKER,
    ),
    Spend(11, 5, RUNNING, Category.OFFICE, "业委会办公用品", SHOP, 35_650, "png", BY_WORKER),
    Spend(
        12, 8, RUNNING, Category.OFFICE, "业委会委员培训资料费", PUBLISHER, 42_000, "pdf", BY_WORKER
    ),
    Spend(
        11,
        20,
        PROJECT,
        Category.CONSTRUCTION,
        "加装电梯设计及勘察",
        DESIGNER,
        1_800_000,
        "pdf",
        BY_WORKER,
    ),
)
# Money moved between the estate's accounts arrives the same day: (from spend, to, category).
TRANSFERS_IN = {
    "公共收益补充专项维修资金": (FUND, Category.TOP_UP),
    "划拨业委会工作经费": (RUNNING, Category.TRANSFER_IN),
}
# Recorded three days ago and still waiting for the owners' committee: (description, fen).
PENDING = ("地下车库照明灯具更换", 680_000)

# Payments of the elevator plan's shares: (flat, month, day, part paid: 1 or 2 for half, channel).
PAYMENTS = (
    ("601", 9, 2, 1, Payment.Channel.BANK),
    ("701", 9, 2, 1, Payment.Channel.BANK),
    ("702", 9, 3, 1, Payment.Channel.BANK),
    ("102", 9, 6, 2, Payment.Channel.WECHAT),
    ("602", 9, 8, 1, Payment.Channel.ALIPAY),
    ("502", 9, 10, 1, Payment.Channel.BANK),
    ("501", 9, 12, 1, Payment.Channel.BANK),
    ("402", 10, 5, 1, Payment.Channel.WECHAT),
    ("401", 10, 11, 1, Payment.Channel.BANK),
    ("302", 10, 20, 1, Payment.Channel.BANK),
    ("301", 11, 3, 2, Payment.Channel.CASH),
    ("202", 11, 15, 1, Payment.Channel.BANK),
)
PLAN_ISSUED = (8, 6)
CHECKPOINT_MONTH = 7


class Income(NamedTuple):
    """Money received on day `day` of demo month `month`."""

    account: str
    month: int
    day: int
    category: str
    fen: int
    description: str
    payer: str


@dataclass(frozen=True)
class DemoFinanceResult:
    """Whether `load` wrote the demo year (False: it was already there)."""

    loaded: bool


def load(community: Community) -> DemoFinanceResult:
    """Write 金狮苑's year of sunshine finance into `community` (the demo's main one), once."""
    estate = Estate.objects.get(community=community, name=ESTATE)
    with transaction.atomic():
        if Account.objects.filter(estate=estate, kind=Account.Kind.MAINTENANCE_FUND).exists():
            return DemoFinanceResult(loaded=False)
        _Year(community, estate).run()
    return DemoFinanceResult(loaded=True)


def _account(key: str) -> User:
    return User.objects.get(phone=ACCOUNTS_BY_KEY[key].phone)


def demo_month(today: date, month: int, day: int = 1) -> date:
    """Day `day` of demo month `month` (1: the month a year before this one; 12: last month)."""
    index = today.year * 12 + today.month - 1 - 13 + month
    return date(index // 12, index % 12 + 1, day)


class _Year:
    def __init__(self, community: Community, estate: Estate) -> None:
        self.community = community
        self.estate = estate
        self.worker = _account("worker")
        self.committee = _account("committee")
        self.property = _account("property")
        self.today = clock.today()
        self.company = Organisation.objects.get(
            community=community, estate=estate, kind=Organisation.Kind.PROPERTY_COMPANY
        ).name
        self.accounts: dict[str, Account] = {}

    def day(self, month: int, day: int) -> date:
        return demo_month(self.today, month, day)

    def run(self) -> None:
        self._tie_staff()
        self._open_accounts()
        # The mid-year checkpoint goes first among the events of its day (the sort is stable).
        events = [(self.day(CHECKPOINT_MONTH, 1), self._midyear_checkpoint), *self._events()]
        events.sort(key=lambda event: event[0])
        for _on, action in events:
            action()
        self._pending()
        services.checkpoints_publish(community_id=self.community.pk, actor=self.worker)
        services.statement_publish(
            actor=self.committee,
            account_id=self.accounts[INCOME].pk,
            period="month",
            starts_on=self.day(12, 1),
        )

    def _midyear_checkpoint(self) -> None:
        """The heads of the ledgers as the daily job published them on the first of month 7."""
        with clock.travel(self.day(CHECKPOINT_MONTH, 1) - self.today):
            services.checkpoints_publish(community_id=self.community.pk, actor=self.worker)

    def _tie_staff(self) -> None:
        """The chair sits for 金狮苑's owners' committee and the manager works for its property
        company; the registry demo ties both roles already, this makes sure."""
        for user, role, kind in (
            (self.committee, Role.COMMITTEE, Organisation.Kind.OWNERS_COMMITTEE),
            (self.property, Role.PROPERTY, Organisation.Kind.PROPERTY_COMPANY),
        ):
            organisation = Organisation.objects.get(
                community=self.community, estate=self.estate, kind=kind
            )
            RoleAssignment.objects.filter(
                user=user, community=self.community, role=role, organisation__isnull=True
            ).update(organisation=organisation)

    def _open_accounts(self) -> None:
        for kind, name, deposit in (
            (Account.Kind.MAINTENANCE_FUND, FUND, FIRST_DEPOSIT),
            (Account.Kind.COMMON_INCOME, INCOME, 0),
            (Account.Kind.PROJECT_FUND, PROJECT, 0),
            (Account.Kind.COMMITTEE_COSTS, RUNNING, 0),
        ):
            self.accounts[name] = services.account_open(
                actor=self.worker,
                community=self.community,
                estate=self.estate,
                kind=kind,
                name=name,
                first_deposit=deposit,
            )

    # -- the year's events, each (date, action) ------------------------------------------

    def _events(self) -> list[tuple[date, Callable[[], Any]]]:
        events = [
            (self.day(item.month, item.day), self._income_action(item)) for item in self._incomes()
        ]
        for spend in SPENDING:
            on = self.day(spend.month, spend.day)
            events.append((on, self._spend_action(spend, on)))
        events.append((self.day(*EMERGENCY[:2]), self._emergency))
        events.append((self.day(*PLAN_ISSUED), self._plan))
        for flat, month, day, part, channel in PAYMENTS:
            events.append(
                (self.day(month, day), self._payment_action(flat, month, day, part, channel))
            )
        return events

    def _incomes(self) -> list[Income]:
        month, day, fen = FUND_TRANSFER
        moved = "专项维修资金余额由区维修资金管理中心划入小区专户"
        rows = [Income(FUND, month, day, Category.TRANSFER_IN, fen, moved, FUND_CENTRE)]
        rows += [
            Income(FUND, month, day, Category.INTEREST, fen, f"专户活期利息（第{n}次结息）", BANK)
            for n, (month, day, fen) in enumerate(INTEREST, start=1)
        ]
        for month, fen in enumerate(PARKING, start=1):
            on = self.day(month, 5)
            what = f"{on.year}年{on.month}月地面停车费（固定车位及临时停车）"
            rows.append(Income(INCOME, month, 5, Category.PARKING, fen, what, self.company))
        ads = "小区道闸及宣传栏广告位租金（季度）"
        rows += [
            Income(INCOME, month, 10, Category.ADVERTISING, fen, ads, ADVERTISER)
            for month, fen in ADVERTISING
        ]
        rows += [
            Income(INCOME, month, 12, Category.VENUE, fen, "社区活动室场地租金", VENUE_TENANT)
            for month, fen in VENUE
        ]
        rows += [
            Income(INCOME, month, 15, Category.OTHER_INCOME, fen, "快递柜场地使用费", LOCKERS_BY)
            for month, fen in LOCKERS
        ]
        return rows

    def _income_action(self, item: Income) -> Callable[[], Any]:
        """Common income is remitted by the property company and recorded by its manager; the
        fund's bank credits are recorded by the community worker."""
        actor = self.property if item.account == INCOME else self.worker

        def record() -> Any:
            return services.income_record(
                actor=actor,
                account_id=self.accounts[item.account].pk,
                category=item.category,
                amount=item.fen,
                description=item.description,
                counterparty=item.payer,
                received_on=self.day(item.month, item.day),
            )

        return record

    def _spend_action(self, spend: Spend, on: date) -> Callable[[], None]:
        def spend_now() -> None:
            expense = self._record(spend, on)
            services.expense_decide(
                actor=self.committee,
                expense_id=expense.pk,
                approve=True,
                note="经业委会会议审核同意",
            )
            if spend.description in TRANSFERS_IN:
                target, category = TRANSFERS_IN[spend.description]
                services.income_record(
                    actor=self.worker,
                    account_id=self.accounts[target].pk,
                    category=category,
                    amount=spend.fen,
                    description=spend.description,
                    counterparty=INCOME,
                    received_on=on,
                )

        return spend_now

    def _record(self, spend: Spend, on: date, **extra: Any) -> Any:
        recorder = self.property if spend.recorder == "property" else self.worker
        return services.expense_record(
            actor=recorder,
            account_id=self.accounts[spend.account].pk,
            category=spend.category,
            description=spend.description,
            counterparty=spend.payee,
            amount=spend.fen,
            spent_on=on,
            receipts=[_receipt(spend.receipt, f"发票-{spend.description}", spend.fen, on)],
            **extra,
        )

    def _emergency(self) -> None:
        """Building 7's roof leaks into the top floor: an Art. 73 emergency repair."""
        month, day, fen = EMERGENCY
        on = self.day(month, day)
        building = Building.objects.get(estate=self.estate, number=EMERGENCY_BUILDING)
        spend = Spend(
            month,
            day,
            FUND,
            Category.REPAIR,
            "7幢屋面渗漏应急维修（防水层局部翻新）",
            ROOFER,
            fen,
            "pdf",
        )
        expense = self._record(
            spend, on, building_id=building.pk, emergency=EmergencyKind.ROOF_OR_WALL_LEAK
        )
        services.receipt_add(
            actor=self.property,
            expense_id=expense.pk,
            uploaded_file=_receipt("png", "屋面渗漏现场照片", fen, on),
        )
        services.emergency_confirm(
            actor=self.committee,
            expense_id=expense.pk,
            step=Confirmation.COMMITTEE_CHECK,
            document_ref=f"金狮苑业委会〔{on.year}〕7号",
        )
        services.emergency_confirm(
            actor=self.worker,
            expense_id=expense.pk,
            step=Confirmation.STREET_OFFICE_CONFIRMATION,
            document_ref=f"上羊市街社区居委会确认单（{on.year}）第12号",
        )
        services.expense_decide(
            actor=self.committee,
            expense_id=expense.pk,
            approve=True,
            note="应急维修，结算3万元以下，经业委会同意免于审计",
            waive_audit=True,
        )

    def _entrance_flats(self) -> list[Unit]:
        return list(
            Unit.objects.filter(
                estate=self.estate,
                building__number="24",
                entrance__number="1",
                kind=Unit.Kind.FLAT,
            ).order_by("sort_key", "pk")
        )

    def _plan(self) -> None:
        plan = services.plan_create(
            actor=self.worker,
            account_id=self.accounts[PROJECT].pk,
            title=PLAN_TITLE,
            scheme=CostPlan.Scheme.BY_AREA,
            gross=PLAN_GROSS,
            subsidy=PLAN_SUBSIDY,
            roster=[unit.pk for unit in self._entrance_flats()],
        )
        services.plan_issue(actor=self.worker, plan_id=plan.pk)

    def _payment_action(
        self, flat: str, month: int, day: int, part: int, channel: str
    ) -> Callable[[], None]:
        def pay() -> None:
            share = Share.objects.get(
                plan__title=PLAN_TITLE,
                plan__account=self.accounts[PROJECT],
                unit__building__number="24",
                unit__entrance__number="1",
                unit__number=flat,
            )
            on = self.day(month, day)
            services.payment_record(
                actor=self.worker,
                share_id=share.pk,
                amount=share.amount // part,
                channel=channel,
                reference=f"JSY24-1-{flat}-{on:%m%d}",
                paid_on=on,
            )

        return pay

    def _pending(self) -> None:
        on = self.today - timedelta(days=3)
        what, fen = PENDING
        self._record(
            Spend(on.month, on.day, INCOME, Category.REPAIR, what, ELECTRICIAN, fen, "png"), on
        )


# --- receipts -----------------------------------------------------------------------------


def _receipt(kind: str, name: str, fen: int, on: date) -> SimpleUploadedFile:
    """A small receipt: a one-page PDF or a PNG, showing the amount and the date."""
    amount = f"{fen // 100:,}.{fen % 100:02d} CNY"
    if kind == "pdf":
        return SimpleUploadedFile(f"{name}.pdf", _pdf(amount, on), "application/pdf")
    return SimpleUploadedFile(f"{name}.png", _png(fen), "image/png")


def _pdf(amount: str, on: date) -> bytes:
    """A valid one-page PDF (Helvetica, ASCII text) with a cross-reference table."""
    text = f"BT /F1 14 Tf 40 110 Td (Invoice / Receipt) Tj 0 -26 Td (Amount: {amount}) Tj "
    text += f"0 -26 Td (Date: {on.isoformat()}) Tj ET"
    stream = zlib.compress(text.encode("ascii"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 360 160] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _png(fen: int) -> bytes:
    """A small PNG: a receipt slip whose ruled lines vary with the amount."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 231, 151), outline=(190, 30, 30), width=3)
    for row in range(6):
        width = 60 + (fen // (row + 1)) % 140
        draw.line((20, 30 + row * 20, 20 + width, 30 + row * 20), fill=(60, 60, 60), width=2)
    draw.ellipse((170, 100, 220, 146), outline=(200, 0, 0), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
