"""Sunshine finance (阳光财务): accounts, the hash-chained ledger, checkpoints, expenses with
receipts and approvals, cost plans with per-unit shares and payments, and statements.

Every account is one ledger: its entries are numbered 1, 2, 3, … and chained by SHA-256
(linli.domain.ledger). An entry's `lines` column holds its double-entry lines as the canonical
JSON the hash is taken over; `EntryLine` repeats them one row per line so that statements and
balances aggregate in SQL. Both tables, checkpoints, approvals, confirmations and payments are
append-only: database triggers refuse UPDATE and DELETE (migration 0002). Corrections are
reversing entries.

Line accounts inside a ledger (`Entry.lines`):
- ``cash`` — the account's money (its bank balance);
- ``<category>`` — an income or expense category (``Category``): credits are income, debits
  are expense, a reversal nets out;
- ``<category>/u<unit id>`` — the same category on one unit's sub-ledger: the maintenance fund
  keeps each unit's deposits and charges this way (HZ-PMR Art. 72).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TenantModel
from linli.domain.fund_rules import Confirmation, EmergencyKind


class Category(models.TextChoices):
    """What money came in for or went out on. Income categories first, then expenses."""

    # income
    DEPOSIT = "deposit", _("Fund deposit")
    TOP_UP = "top_up", _("Fund top-up")
    INTEREST = "interest", _("Interest")
    PARKING = "parking", _("Parking income")
    ADVERTISING = "advertising", _("Advertising income")
    VENUE = "venue", _("Venue rent")
    CONTRIBUTION = "contribution", _("Owners' contributions")
    SUBSIDY = "subsidy", _("Government subsidy")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    OTHER_INCOME = "other_income", _("Other income")
    # expense
    REPAIR = "repair", _("Repairs")
    ELEVATOR = "elevator", _("Elevators")
    FIRE_SAFETY = "fire_safety", _("Fire safety")
    GREENING = "greening", _("Greening")
    CLEANING = "cleaning", _("Cleaning")
    SECURITY = "security", _("Security")
    UTILITIES = "utilities", _("Utilities of common parts")
    CONSTRUCTION = "construction", _("Construction")
    AUDIT = "audit", _("Audit fees")
    OFFICE = "office", _("Committee running costs")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    OTHER_EXPENSE = "other_expense", _("Other expense")


INCOME_CATEGORIES = frozenset(
    {
        Category.DEPOSIT,
        Category.TOP_UP,
        Category.INTEREST,
        Category.PARKING,
        Category.ADVERTISING,
        Category.VENUE,
        Category.CONTRIBUTION,
        Category.SUBSIDY,
        Category.TRANSFER_IN,
        Category.OTHER_INCOME,
    }
)
EXPENSE_CATEGORIES = frozenset(set(Category) - INCOME_CATEGORIES)
CASH = "cash"


class FinancePolicy(TenantModel):
    """The community's approval thresholds (set by the community, in fen)."""

    committee_threshold = models.BigIntegerField(
        _("owners' committee approval above (fen)"), default=500_000
    )
    motion_threshold = models.BigIntegerField(
        _("a passed owners' vote needed above (fen)"), default=5_000_000
    )

    class Meta:
        verbose_name = _("finance policy")
        verbose_name_plural = _("finance policies")
        constraints = [
            models.UniqueConstraint(fields=["community"], name="finance_policy_one_per_community"),
            models.CheckConstraint(
                condition=Q(committee_threshold__gte=0)
                & Q(motion_threshold__gte=F("committee_threshold")),
                name="finance_policy_thresholds_ordered",
            ),
        ]


class Account(TenantModel):
    """One account book and its ledger: an estate's maintenance fund, common income, a project
    fund or the owners' committee's running costs (or a community-wide account: no estate).

    `head_sequence`/`head_hash` are the last entry's; appending locks this row, so a ledger's
    entries are written one after another.
    """

    class Kind(models.TextChoices):
        MAINTENANCE_FUND = "maintenance_fund", _("Maintenance fund")
        COMMON_INCOME = "common_income", _("Common income")
        PROJECT_FUND = "project_fund", _("Project fund")
        COMMITTEE_COSTS = "committee_costs", _("Owners' committee running costs")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estate = models.ForeignKey(
        "registry.Estate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("estate"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    # The key inside every entry's hash (linli.domain.ledger): fixed at creation.
    ledger_key = models.CharField(max_length=64, unique=True, editable=False)
    # Maintenance fund: the first deposit (HZ-PMR Art. 70), for the top-up check (Art. 71).
    first_deposit = models.BigIntegerField(_("first deposit (fen)"), default=0)
    head_sequence = models.PositiveBigIntegerField(default=0, editable=False)
    head_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["community_id", "estate_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(first_deposit__gte=0), name="account_deposit_ge_0"),
        ]

    def __str__(self) -> str:
        return self.name


class Entry(TenantModel):
    """One ledger entry, sealed into its account's hash chain. Append-only.

    The hashed fields (linli.domain.ledger.canonical) are the ledger key, `sequence`,
    `booked_at` (canonical UTC text), `lines` (canonical JSON), `memo`, `reverses` and
    `previous_hash`. `memo` is the description, then a line break and the counterparty if
    there is one, so the counterparty is inside the hash too.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveBigIntegerField()
    booked_at = models.CharField(max_length=27)
    # The Beijing date of booked_at, for statements.
    booked_on = models.DateField()
    lines = models.TextField()
    memo = models.CharField(max_length=400, blank=True)
    reverses = models.PositiveBigIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    expense = models.ForeignKey(
        "finance.Expense", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["account_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sequence"], name="entry_one_per_sequence"),
        ]
        indexes = [models.Index(fields=["account", "booked_on"], name="entry_account_day")]

    def __str__(self) -> str:
        return f"{self.account_id}#{self.sequence}"


class EntryLine(TenantModel):
    """One line of an entry, for aggregation in SQL (the entry's `lines` is what is hashed).
    `category` is ``cash`` or a Category; `unit` is set on a unit's sub-ledger line."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="line_rows")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    booked_on = models.DateField()
    category = models.CharField(max_length=20)
    unit = models.ForeignKey(
        "registry.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["account", "booked_on", "category"], name="line_account_day"),
            models.Index(fields=["unit", "account"], name="line_unit"),
        ]


class Checkpoint(TenantModel):
    """A published head of a ledger (sequence and hash), posted in a public Notice. Append-only."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="checkpoints")
    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    notice = models.ForeignKey(
        "notices.Notice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["account_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "sequence"], name="checkpoint_one_per_sequence"
            ),
        ]


class Expense(TenantModel):
    """An expense recorded by property staff (or a worker), approved, then posted to the ledger.

    Who must approve (services.expense_requirements): anyone but the recorder among the
    community's workers and the estate's owners' committee; the committee above the
    community's threshold; a passed owners' vote (motion) above the higher threshold or for any
    use of the maintenance fund, unless the HZ-PMR Art. 73 emergency path is taken with its
    confirmations recorded.
    """

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Awaiting approval")
        POSTED = "posted", _("Approved and posted")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="expenses")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200)
    counterparty = models.CharField(_("paid to"), max_length=100)
    amount = models.BigIntegerField(_("amount (fen)"))
    # The approved budget this settlement is measured against (HZ-PMR Art. 72), if any.
    budget = models.BigIntegerField(_("budget (fen)"), null=True, blank=True)
    spent_on = models.DateField(_("date"))
    # Maintenance fund: charged to one building's units, or to the whole estate (null).
    building = models.ForeignKey(
        "registry.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("charged to building"),
    )
    motion = models.ForeignKey(
        "votes.Motion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owners' vote"),
    )
    emergency = models.CharField(
        _("emergency (HZ-PMR Art. 73)"),
        max_length=30,
        choices=[(kind.value, kind.value) for kind in EmergencyKind],
        blank=True,
    )
    audit_waived = models.BooleanField(_("audit waived by the committee"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gt=0), name="expense_budget_gt_0"
            ),
        ]
        indexes = [models.Index(fields=["account", "status"], name="expense_account_status")]

    def __str__(self) -> str:
        return self.description


def receipt_path(instance: Receipt, filename: str) -> str:
    return f"finance/{instance.community_id}/receipts/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot >= 0 else ""


class Receipt(TenantModel):
    """A receipt or invoice attached to an expense: a PDF, or an image re-encoded without EXIF."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt or invoice")
        AUDIT_REPORT = "audit_report", _("Audit report of the settlement")
        OTHER = "other", _("Other document")

    expense = models.ForeignKey(Expense, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.RECEIPT)
    file = models.FileField(upload_to=receipt_path)
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class Approval(TenantModel):
    """One person's decision on an expense. Append-only. The database refuses an approval by
    the person who recorded the expense (`recorded_by` is copied here for that check)."""

    class As(models.TextChoices):
        WORKER = "worker", _("Community worker")
        COMMITTEE = "committee", _("Owners' committee member")

    expense = models.ForeignKey(Expense, on_delete=models.PROTECT, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acting_as = models.CharField(max_length=10, choices=As.choices)
    approved = models.BooleanField()
    # A committee member's approval may waive the audit of a settlement ≤ 30,000 yuan (M2).
    waives_audit = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["expense", "approver"], name="approval_one_per_person"),
            models.CheckConstraint(
                condition=~Q(approver=F("recorded_by")), name="approval_not_by_recorder"
            ),
        ]


class EmergencyConfirmation(TenantModel):
    """A confirmation the Art. 73 emergency path needs (committee check, street office). Append-only."""

    expense = models.ForeignKey(Expense, on_delete=models.PROTECT, related_name="confirmations")
    step = models.CharField(
        max_length=30, choices=[(step.value, step.value) for step in Confirmation]
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    document_ref = models.CharField(_("document reference"), max_length=100)
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["expense", "step"], name="confirmation_one_per_step"),
        ]


class CostPlan(TenantModel):
    """分摊方案: a cost apportioned over units (linli.domain.cost_plans). Issuing it writes one
    Share per unit; owners pay shares into `account` (a project fund)."""

    class Scheme(models.TextChoices):
        FLOOR_PERCENT = "floor_percent", _("Percentage by floor")
        COEFFICIENT_AREA = "coefficient_area", _("Floor coefficient × area")
        EXPLICIT = "explicit", _("Agreed amounts")
        BY_AREA = "by_area", _("By exclusive area (Civil Code Art. 283)")

    class Purpose(models.TextChoices):
        CONSTRUCTION = "construction", _("Construction")
        OPERATION = "operation", _("Operation and maintenance (yearly)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="cost_plans")
    title = models.CharField(_("title"), max_length=150)
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.CONSTRUCTION
    )
    gross = models.BigIntegerField(_("gross cost (fen)"))
    subsidy = models.BigIntegerField(_("construction subsidy (fen)"), default=0)
    net = models.BigIntegerField(_("net cost (fen)"), default=0)
    unused_subsidy = models.BigIntegerField(_("unused subsidy (fen)"), default=0)
    # The scheme's table: {"pct": {floor: percent}} / {"k": {floor: "0.7"}} / {"amounts":
    # {unit_id: fen}} / {}; and {"split": "equal"|"area"} for the floor table.
    parameters = models.JSONField(default=dict, blank=True)
    # The units it covers, in roster order (ties in rounding go to the earlier unit).
    roster = models.JSONField(default=list, blank=True)
    opt_outs = models.JSONField(default=list, blank=True)
    motion = models.ForeignKey(
        "votes.Motion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cost plan")
        verbose_name_plural = _("cost plans")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gross__gte=0) & Q(subsidy__gte=0), name="costplan_amounts_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Share(TenantModel):
    """One unit's share of an issued cost plan: a receivable, paid by Payments."""

    plan = models.ForeignKey(CostPlan, on_delete=models.PROTECT, related_name="shares")
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    amount = models.BigIntegerField()
    paid = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="share_one_per_unit"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(paid__gte=0) & Q(paid__lte=F("amount")),
                name="share_paid_within_amount",
            ),
        ]


class Payment(TenantModel):
    """A payment of a share (or part of one), posted to the plan's account. Append-only."""

    class Channel(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        CASH = "cash", _("Cash")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    reference = models.CharField(max_length=64, blank=True)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="payment")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0"),
        ]


def statement_path(instance: Statement, filename: str) -> str:
    return f"finance/{instance.community_id}/statements/{uuid.uuid4().hex}{_suffix(filename)}"


class Statement(TenantModel):
    """A monthly or half-yearly statement of one account, published as a Notice with PDF and
    Excel. `data` holds the figures: {"income": {category: fen}, "expense": {...}} ."""

    class Period(models.TextChoices):
        MONTH = "month", _("Monthly")
        HALF_YEAR = "half_year", _("Half-yearly")
        YEAR = "year", _("Yearly")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="statements")
    period = models.CharField(max_length=10, choices=Period.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    opening = models.BigIntegerField()
    income = models.BigIntegerField()
    expense = models.BigIntegerField()
    closing = models.BigIntegerField()
    data = models.JSONField(default=dict)
    head_sequence = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to=statement_path, blank=True)
    xlsx = models.FileField(upload_to=statement_path, blank=True)
    notice = models.ForeignKey(
        "notices.Notice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["account_id", "-starts_on", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period", "starts_on"], name="statement_one_per_period"
            ),
        ]
