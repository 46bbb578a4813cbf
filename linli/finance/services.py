"""Every write of sunshine finance: accounts, income, expenses and their approval, reversals,
cost plans and shares, payments, checkpoints and statements.

Each service is keyword-only, runs in one transaction, appends to the ledger through
linli.finance.ledger (which locks the account row) and writes an audit row. Who may do what:
- record income, expenses and payments: the community's workers, and staff of the property
  company that serves the account's estate;
- approve expenses: workers and members of the estate's owners' committee, never the person
  who recorded the expense (checked here with a clear message, and by a database constraint);
- open accounts, reverse entries, publish checkpoints: workers; issue cost plans and publish
  statements: workers and the estate's owners' committee.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment
from linli.accounts.selectors import community_ids_for, has_role, is_staff_in
from linli.core import clock
from linli.core.audit import audit_record
from linli.core.errors import Conflict, LinliError, NotFound
from linli.domain import cost_plans as plans
from linli.domain import fund_rules
from linli.domain import ledger as chain_rules
from linli.finance import ledger
from linli.finance.ledger import NewEntry, line_code, memo_of
from linli.finance.models import (
    CASH,
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Account,
    Approval,
    Category,
    Checkpoint,
    CostPlan,
    EmergencyConfirmation,
    Expense,
    FinancePolicy,
    Payment,
    Receipt,
    Share,
)
from linli.notices.selectors import committee_estate_ids
from linli.registry.models import Community, Estate, Unit

DESCRIPTION_MAX = 200
COUNTERPARTY_MAX = 100
# Amounts above this are refused as typing errors (100 million yuan).
AMOUNT_MAX = 10_000_000_000


# --- who may do what -----------------------------------------------------------------------


# Cached on the user object for one request, like notices.selectors.committee_estate_ids.
_PROPERTY_ESTATES_ATTR = "_linli_property_estates"


def property_estate_ids(user: Any, community_id: int) -> frozenset[int]:
    """Estates served by the property company this user works for (role tied to it)."""
    if not has_role(user, community_id, Role.PROPERTY):
        return frozenset()
    cache: dict[int, frozenset[int]] = user.__dict__.setdefault(_PROPERTY_ESTATES_ATTR, {})
    if community_id not in cache:
        cache[community_id] = frozenset(
            RoleAssignment.objects.filter(
                user=user,
                community_id=community_id,
                role=Role.PROPERTY,
                organisation__estate__isnull=False,
            ).values_list("organisation__estate_id", flat=True)
        )
    return cache[community_id]


def can_record(user: Any, account: Account) -> bool:
    """Workers of the community; property staff of the estate's company."""
    if is_staff_in(user, account.community_id):
        return True
    return account.estate_id is not None and account.estate_id in property_estate_ids(
        user, account.community_id
    )


def can_approve(user: Any, account: Account) -> bool:
    """Workers of the community; members of the estate's owners' committee."""
    if is_staff_in(user, account.community_id):
        return True
    return account.estate_id is not None and account.estate_id in committee_estate_ids(
        user, account.community_id
    )


def is_committee_for(user: Any, account: Account) -> bool:
    return account.estate_id is not None and account.estate_id in committee_estate_ids(
        user, account.community_id
    )


def can_view_staff(user: Any, account: Account) -> bool:
    """The staff pages of an account: recorders, approvers and street staff."""
    return (
        can_record(user, account)
        or can_approve(user, account)
        or has_role(user, account.community_id, Role.STREET)
    )


def _not_found() -> NotFound:
    return NotFound(_("This account does not exist."), code="not_found")


def _lock_account(actor: Any, account_id: int, allowed: Any) -> Account:
    """The account, locked for this transaction; NotFound unless `allowed(actor, account)`."""
    account = (
        Account.objects.select_for_update()
        .filter(pk=account_id, community_id__in=community_ids_for(actor))
        .first()
    )
    if account is None or not allowed(actor, account):
        raise _not_found()
    if account.closed_at is not None:
        raise Conflict(_("This account is closed."), code="account_closed")
    return account


def _lock_expense(actor: Any, expense_id: int, allowed: Any) -> Expense:
    expense = (
        Expense.objects.select_for_update(of=("self",))
        .select_related("account")
        .filter(pk=expense_id, community_id__in=community_ids_for(actor))
        .first()
    )
    if expense is None or not allowed(actor, expense.account):
        raise NotFound(_("This expense does not exist."), code="not_found")
    return expense


# --- checking input ------------------------------------------------------------------------


def _text(value: Any, *, limit: int, label: str, required: bool = True) -> str:
    if value is not None and not isinstance(value, str):
        raise LinliError(_("%(field)s must be text.") % {"field": label}, code="invalid_text")
    text = " ".join((value or "").split())
    if required and not text:
        raise LinliError(_("%(field)s is required.") % {"field": label}, code="required")
    if len(text) > limit:
        raise LinliError(
            _("%(field)s is too long (at most %(limit)d characters).")
            % {"field": label, "limit": limit},
            code="too_long",
        )
    return text


def _amount(value: Any, *, label: str, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LinliError(
            _("%(field)s must be a whole number of fen.") % {"field": label}, code="invalid_amount"
        )
    if value < 0 or (value == 0 and not allow_zero) or value > AMOUNT_MAX:
        raise LinliError(
            _("%(field)s must be more than 0 and at most 100,000,000 yuan.") % {"field": label},
            code="invalid_amount",
        )
    return value


def _category(value: str, allowed: frozenset[str]) -> str:
    if value not in allowed:
        raise LinliError(_("Choose a category from the list."), code="invalid_category")
    return value


def _moment(day: date | None) -> datetime:
    """The booking time of something dated `day` (Beijing): now if today or unset, else noon."""
    now = clock.now()
    if day is None or day == clock.today():
        return now
    if day > clock.today():
        raise LinliError(_("The date cannot be in the future."), code="future_date")
    return datetime(day.year, day.month, day.day, 12, tzinfo=ledger.SHANGHAI)


def _closed_period(account: Account, day: date) -> bool:
    """Whether a statement already published for this account covers `day`."""
    from linli.finance.models import Statement

    return Statement.objects.filter(account=account, starts_on__lte=day, ends_on__gte=day).exists()


def _check_open_period(account: Account, day: date | None) -> None:
    """Money cannot be booked into a period whose statement is published: that would change a
    published statement. Book it today instead (it appears in the current period)."""
    if day is not None and day != clock.today() and _closed_period(account, day):
        raise Conflict(
            _("The statement for %(day)s has already been published; book this with today's date.")
            % {"day": day.isoformat()},
            code="period_published",
        )


def yuan(fen: int) -> str:
    """1234567 → "12,345.67"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


# --- accounts ------------------------------------------------------------------------------


def policy_for(community_id: int) -> FinancePolicy:
    policy = FinancePolicy.objects.filter(community_id=community_id).first()
    return policy or FinancePolicy(community_id=community_id)


def policy_set(
    *, actor: Any, community_id: int, committee_threshold: int, motion_threshold: int
) -> FinancePolicy:
    """Workers set the community's approval thresholds (fen)."""
    if community_id not in community_ids_for(actor) or not is_staff_in(actor, community_id):
        raise NotFound(_("This community does not exist."), code="not_found")
    committee_threshold = _amount(
        committee_threshold, label=_("The committee threshold"), allow_zero=True
    )
    motion_threshold = _amount(motion_threshold, label=_("The owners' vote threshold"))
    if motion_threshold < committee_threshold:
        raise LinliError(
            _("The owners' vote threshold cannot be below the committee threshold."),
            code="thresholds_order",
        )
    with transaction.atomic():
        policy, _created = FinancePolicy.objects.update_or_create(
            community_id=community_id,
            defaults={
                "committee_threshold": committee_threshold,
                "motion_threshold": motion_threshold,
            },
        )
        audit_record(
            actor=actor,
            action="finance.policy_set",
            obj=policy,
            summary=f"committee above {yuan(committee_threshold)}, "
            f"vote above {yuan(motion_threshold)}",
        )
    return policy


def account_open(
    *,
    actor: Any,
    community: Community,
    kind: str,
    name: str,
    estate: Estate | None = None,
    first_deposit: int = 0,
) -> Account:
    """A worker opens an account (and its ledger)."""
    if community.pk not in community_ids_for(actor) or not is_staff_in(actor, community.pk):
        raise NotFound(_("This community does not exist."), code="not_found")
    if estate is not None and estate.community_id != community.pk:
        raise NotFound(_("This estate does not exist."), code="not_found")
    if kind not in Account.Kind.values:
        raise LinliError(_("Choose a kind of account from the list."), code="invalid_kind")
    if kind == Account.Kind.MAINTENANCE_FUND and estate is None:
        raise LinliError(_("A maintenance fund belongs to an estate."), code="estate_required")
    name = _text(name, limit=100, label=_("The name"))
    first_deposit = _amount(first_deposit, label=_("The first deposit"), allow_zero=True)
    with transaction.atomic():
        account = Account(
            community=community,
            estate=estate,
            kind=kind,
            name=name,
            first_deposit=first_deposit,
        )
        account.ledger_key = f"{community.code}/{account.public_id.hex}"
        account.save()
        audit_record(actor=actor, action="finance.account_open", obj=account, summary=name)
    return account


# --- income --------------------------------------------------------------------------------


def _estate_units(estate_id: int, building_id: int | None = None) -> list[plans.Unit]:
    units = Unit.objects.filter(estate_id=estate_id)
    if building_id is not None:
        units = units.filter(building_id=building_id)
    return [
        plans.Unit(key=pk, floor=floor, area=area)
        for pk, floor, area in units.order_by("sort_key", "pk").values_list("pk", "floor", "area")
    ]


def _by_area_lines(
    account: Account, category: str, amount: int, building_id: int | None, *, debit: bool
) -> list[tuple[str, int, int]]:
    """`amount` spread over the units of the estate (or one building) by exclusive area, as
    unit sub-ledger lines (HZ-PMR Art. 72; CC Art. 283)."""
    assert account.estate_id is not None
    units = _estate_units(account.estate_id, building_id)
    if not units:
        raise LinliError(_("There are no units to charge this to."), code="no_units")
    plan = plans.plan_by_area(units, amount)
    return [
        (line_code(category, int(share.key)), share.fen, 0)
        if debit
        else (line_code(category, int(share.key)), 0, share.fen)
        for share in plan.shares
        if share.fen
    ]


def income_record(
    *,
    actor: Any,
    account_id: int,
    category: str,
    amount: int,
    description: str,
    counterparty: str = "",
    received_on: date | None = None,
    unit_id: int | None = None,
) -> Any:
    """Record money received. On the maintenance fund it goes to one unit's sub-ledger (a
    deposit or top-up for that unit) or, without a unit, to every unit of the estate by area
    (interest, a transfer of common income)."""
    category = _category(category, INCOME_CATEGORIES)
    amount = _amount(amount, label=_("The amount"))
    description = _text(description, limit=DESCRIPTION_MAX, label=_("The description"))
    counterparty = _text(counterparty, limit=COUNTERPARTY_MAX, label=_("The payer"), required=False)
    booked_at = _moment(received_on)
    with transaction.atomic():
        account = _lock_account(actor, account_id, can_record)
        _check_open_period(account, received_on)
        if account.kind == Account.Kind.MAINTENANCE_FUND:
            if unit_id is not None:
                if not Unit.objects.filter(pk=unit_id, estate_id=account.estate_id or 0).exists():
                    raise NotFound(_("This unit does not exist."), code="not_found")
                credit_lines = [(line_code(category, unit_id), 0, amount)]
            else:
                credit_lines = _by_area_lines(account, category, amount, None, debit=False)
        else:
            if unit_id is not None:
                raise LinliError(
                    _("Only the maintenance fund keeps money per unit."), code="unit_not_allowed"
                )
            credit_lines = [(line_code(category), 0, amount)]
        (entry,) = ledger.append(
            account,
            [
                NewEntry(
                    lines=[(CASH, amount, 0), *credit_lines],
                    memo=memo_of(description, counterparty),
                    booked_at=booked_at,
                )
            ],
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="finance.income",
            obj=entry,
            summary=f"{account.name} #{entry.sequence}: +{yuan(amount)} {description}",
        )
    return entry


# --- expenses ------------------------------------------------------------------------------


@dataclass
class Requirements:
    """What an expense needs before it may be posted, with the reasons in words."""

    needs_committee: bool = False
    needs_motion: bool = False
    emergency_missing: tuple[str, ...] = ()
    audit_required: bool = False
    audit_waivable: bool = False
    overrun: int = 0
    # Messages for what is still missing; empty when the expense may be posted.
    blockers: list[str] = field(default_factory=list)


def _motion_passed(motion: Any) -> bool:
    result = getattr(motion, "result", None) if motion is not None else None
    return bool(result is not None and result.passed and motion.status == "published")


def expense_requirements(expense: Expense, *, approvals: Sequence[Approval] = ()) -> Requirements:
    """The Hangzhou checks and the community's thresholds for one expense.

    - above the committee threshold: a committee member's approval;
    - above the vote threshold, or any use of the maintenance fund: a passed, published owners'
      vote linked, unless it is an HZ-PMR Art. 73 emergency with the committee's check and the
      street office's confirmation recorded;
    - maintenance fund: an audit report attached, except that a settlement of 30,000 yuan or
      less may skip it when a committee member waives it (M2);
    - a settlement 10% or more over its budget: the excess re-applied for by an owners' vote
      (M3): the linked vote must be for the settlement, so a budget overrun needs a new vote.
    """
    account = expense.account
    policy = policy_for(expense.community_id)
    needs = Requirements()
    maintenance = account.kind == Account.Kind.MAINTENANCE_FUND
    # A community-wide account has no owners' committee: workers approve alone.
    needs.needs_committee = account.estate_id is not None and (
        expense.amount > policy.committee_threshold or maintenance
    )
    needs.needs_motion = expense.amount > policy.motion_threshold or maintenance
    if needs.needs_committee and not any(
        a.approved and a.acting_as == Approval.As.COMMITTEE for a in approvals
    ):
        needs.blockers.append(
            _("An owners' committee member must approve an expense of more than %(limit)s yuan.")
            % {"limit": yuan(policy.committee_threshold)}
            if not maintenance
            else _("An owners' committee member must approve any use of the maintenance fund.")
        )
    if expense.emergency:
        recorded = {
            fund_rules.Confirmation(step)
            for step in expense.confirmations.values_list("step", flat=True)
        }
        missing = fund_rules.missing_confirmations(
            fund_rules.EmergencyKind(expense.emergency), recorded
        )
        needs.emergency_missing = tuple(missing)
        for step in missing:
            needs.blockers.append(CONFIRMATION_MISSING[step]())
    elif needs.needs_motion and not _motion_passed(expense.motion):
        needs.blockers.append(
            _("Link the owners' vote that approved this use of the maintenance fund.")
            if maintenance
            else _("An expense of more than %(limit)s yuan needs a passed owners' vote: link it.")
            % {"limit": yuan(policy.motion_threshold)}
        )
    if maintenance:
        needs.audit_waivable = fund_rules.audit_waivable(expense.amount)
        has_report = expense.receipts.filter(kind=Receipt.Kind.AUDIT_REPORT).exists()
        waived = expense.audit_waived or any(
            a.approved and a.acting_as == Approval.As.COMMITTEE and a.waives_audit
            for a in approvals
        )
        needs.audit_required = (
            fund_rules.audit_required(expense.amount, committee_waived=waived) and not has_report
        )
        if needs.audit_required:
            needs.blockers.append(
                _(
                    "Attach the audit report of the settlement: only 30,000 yuan or less may "
                    "skip the audit, and only with the owners' committee's approval "
                    "(Hangzhou Property Management Regulations, Art. 72)."
                )
            )
    if expense.budget is not None:
        needs.overrun = fund_rules.overrun_to_reapply(expense.budget, expense.amount)
        if needs.overrun and not expense.emergency:
            needs.blockers.append(
                _(
                    "The settlement is %(overrun)s yuan (10%% or more) over the budget of "
                    "%(budget)s yuan: the excess must be applied for again "
                    "(Hangzhou Property Management Regulations, Art. 72). Record the excess "
                    "as a separate expense with its own approval, or lower the amount."
                )
                % {"overrun": yuan(needs.overrun), "budget": yuan(expense.budget)}
            )
    return needs


CONFIRMATION_MISSING = {
    fund_rules.Confirmation.COMMITTEE_CHECK: lambda: _(
        "Emergency repair: the owners' committee must check the repair plan first "
        "(Hangzhou Property Management Regulations, Art. 73)."
    ),
    fund_rules.Confirmation.STREET_OFFICE_CONFIRMATION: lambda: _(
        "Emergency repair: the street office (or the residents' committee on its behalf) "
        "must confirm the repair plan first (Hangzhou Property Management Regulations, Art. 73)."
    ),
}


def expense_record(
    *,
    actor: Any,
    account_id: int,
    category: str,
    description: str,
    counterparty: str,
    amount: int,
    spent_on: date | None = None,
    budget: int | None = None,
    building_id: int | None = None,
    emergency: str = "",
    receipts: Sequence[Any] = (),
) -> Expense:
    """Property staff (or a worker) record an expense with its receipts; it waits for approval."""
    category = _category(category, EXPENSE_CATEGORIES)
    description = _text(description, limit=DESCRIPTION_MAX, label=_("The description"))
    counterparty = _text(counterparty, limit=COUNTERPARTY_MAX, label=_("The payee"))
    amount = _amount(amount, label=_("The amount"))
    if budget is not None:
        budget = _amount(budget, label=_("The budget"))
    if emergency and emergency not in fund_rules.EmergencyKind.__members__.values():
        raise LinliError(_("Choose an emergency from the list."), code="invalid_emergency")
    spent_on = spent_on or clock.today()
    if spent_on > clock.today():
        raise LinliError(_("The date cannot be in the future."), code="future_date")
    from linli.finance import receipts as receipt_files

    cleaned = [receipt_files.clean(upload) for upload in receipts]
    with transaction.atomic():
        account = _lock_account(actor, account_id, can_record)
        if emergency and account.kind != Account.Kind.MAINTENANCE_FUND:
            raise LinliError(
                _("The emergency path is for the maintenance fund only."), code="not_fund"
            )
        if building_id is not None:
            if account.kind != Account.Kind.MAINTENANCE_FUND:
                raise LinliError(
                    _("Only maintenance-fund expenses are charged to one building."),
                    code="building_not_allowed",
                )
            from linli.registry.models import Building

            if not Building.objects.filter(
                pk=building_id, estate_id=account.estate_id or 0
            ).exists():
                raise NotFound(_("This building does not exist."), code="not_found")
        expense = Expense.objects.create(
            community_id=account.community_id,
            account=account,
            category=category,
            description=description,
            counterparty=counterparty,
            amount=amount,
            budget=budget,
            spent_on=spent_on,
            building_id=building_id,
            emergency=emergency,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        for item in cleaned:
            _save_receipt(expense, item, actor, Receipt.Kind.RECEIPT)
        audit_record(
            actor=actor,
            action="finance.expense_record",
            obj=expense,
            summary=f"{account.name}: {yuan(amount)} {description} → {counterparty}, "
            f"{len(cleaned)} receipt(s)",
        )
    return expense


def _save_receipt(expense: Expense, item: Any, actor: Any, kind: str) -> Receipt:
    receipt = Receipt(
        community_id=expense.community_id,
        expense=expense,
        kind=kind,
        name=item.name,
        content_type=item.content_type,
        size=len(item.data),
        sha256=hashlib.sha256(item.data).hexdigest(),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    receipt.file.save(item.name, ContentFile(item.data), save=False)
    receipt.save()
    return receipt


def receipt_add(
    *, actor: Any, expense_id: int, uploaded_file: Any, kind: str = Receipt.Kind.RECEIPT
) -> Receipt:
    """Attach a receipt or the audit report to an expense still waiting for approval."""
    if kind not in Receipt.Kind.values:
        raise LinliError(_("Choose a kind of document from the list."), code="invalid_kind")
    from linli.finance import receipts as receipt_files

    item = receipt_files.clean(uploaded_file)
    with transaction.atomic():
        expense = _lock_expense(actor, expense_id, can_record)
        if expense.status != Expense.Status.RECORDED:
            raise Conflict(
                _("Documents can only be added while the expense awaits approval."),
                code="not_pending",
            )
        receipt = _save_receipt(expense, item, actor, kind)
        audit_record(
            actor=actor,
            action="finance.receipt_add",
            obj=receipt,
            summary=f"{expense.description}: {receipt.name} ({receipt.get_kind_display()})",
        )
    return receipt


# Votes that can authorise a use of the maintenance fund (CC Art. 278 ¶1 items 5 and 7).
FUND_USE_MATTERS = frozenset({"use_fund", "rebuild"})


def expense_link_motion(*, actor: Any, expense_id: int, motion_id: int) -> Expense:
    """Link the passed owners' vote that approved an expense (workers, the committee)."""
    from linli.votes.models import Motion

    with transaction.atomic():
        expense = _lock_expense(actor, expense_id, can_approve)
        if expense.status != Expense.Status.RECORDED:
            raise Conflict(_("This expense has already been decided."), code="not_pending")
        motion = (
            Motion.objects.select_related("result")
            .filter(pk=motion_id, community_id=expense.community_id)
            .first()
        )
        if motion is None or (
            expense.account.estate_id is not None and motion.estate_id != expense.account.estate_id
        ):
            raise NotFound(_("This vote does not exist."), code="not_found")
        if not _motion_passed(motion):
            raise Conflict(
                _("Only a vote whose result was published as passed can be linked."),
                code="motion_not_passed",
            )
        if motion.matter == Motion.Matter.POLL or (
            expense.account.kind == Account.Kind.MAINTENANCE_FUND
            and motion.matter not in FUND_USE_MATTERS
        ):
            raise Conflict(
                _(
                    "This vote was not about this use of the money: link the owners' vote "
                    "that approved it."
                ),
                code="motion_wrong_matter",
            )
        Expense.objects.filter(pk=expense.pk).update(motion=motion)
        expense.motion = motion
        audit_record(
            actor=actor,
            action="finance.expense_link_motion",
            obj=expense,
            summary=f"{expense.description} ← {motion.title}",
        )
    return expense


def emergency_confirm(*, actor: Any, expense_id: int, step: str, document_ref: str) -> Any:
    """Record an Art. 73 confirmation: the committee's check (a committee member) or the street
    office's confirmation (a worker, for the residents' committee on its behalf, or street
    staff)."""
    document_ref = _text(document_ref, limit=100, label=_("The document reference"))
    if step not in fund_rules.Confirmation.__members__.values():
        raise LinliError(_("Choose a confirmation from the list."), code="invalid_step")
    with transaction.atomic():
        expense = _lock_expense(actor, expense_id, can_view_staff)
        account = expense.account
        if not expense.emergency:
            raise Conflict(_("This expense is not an emergency repair."), code="not_emergency")
        if expense.status != Expense.Status.RECORDED:
            raise Conflict(_("This expense has already been decided."), code="not_pending")
        if step == fund_rules.Confirmation.COMMITTEE_CHECK:
            allowed = is_committee_for(actor, account)
        else:
            allowed = is_staff_in(actor, account.community_id) or has_role(
                actor, account.community_id, Role.STREET
            )
        if not allowed or actor.pk == expense.recorded_by_id:
            raise LinliError(
                _("You cannot give this confirmation."), code="not_allowed", status=403
            )
        try:
            with transaction.atomic():
                confirmation = EmergencyConfirmation.objects.create(
                    community_id=expense.community_id,
                    expense=expense,
                    step=step,
                    confirmed_by=actor,
                    document_ref=document_ref,
                    confirmed_at=timezone.now(),
                )
        except IntegrityError:
            raise Conflict(
                _("This confirmation has already been recorded."), code="already_confirmed"
            ) from None
        audit_record(
            actor=actor,
            action="finance.emergency_confirm",
            obj=expense,
            summary=f"{expense.description}: {step} ({document_ref})",
        )
    return confirmation


def _acting_as(actor: Any, account: Account) -> str:
    return Approval.As.COMMITTEE if is_committee_for(actor, account) else Approval.As.WORKER


def expense_decide(
    *,
    actor: Any,
    expense_id: int,
    approve: bool,
    note: str = "",
    waive_audit: bool = False,
) -> Expense:
    """Approve or reject an expense. The recorder can never decide their own expense. A
    rejection ends it; an approval is recorded, and when every requirement holds (see
    `expense_requirements`) the expense is posted to the ledger. An approval that cannot
    satisfy the rules is refused with the reasons and changes nothing."""
    note = _text(note, limit=200, label=_("The note"), required=not approve)
    with transaction.atomic():
        expense = _lock_expense(actor, expense_id, can_view_staff)
        account = ledger.lock_account(expense.account_id)
        expense.account = account
        if expense.status != Expense.Status.RECORDED:
            raise Conflict(_("This expense has already been decided."), code="not_pending")
        if actor.pk == expense.recorded_by_id:
            raise LinliError(
                _("You recorded this expense, so someone else must approve it."),
                code="own_expense",
                status=403,
            )
        if not can_approve(actor, account):
            raise LinliError(
                _("Only community workers and owners' committee members approve expenses."),
                code="not_approver",
                status=403,
            )
        if Approval.objects.filter(expense=expense, approver=actor).exists():
            raise Conflict(_("You have already decided on this expense."), code="already_decided")
        acting_as = _acting_as(actor, account)
        if waive_audit:
            if acting_as != Approval.As.COMMITTEE:
                raise LinliError(
                    _("Only an owners' committee member can waive the audit."),
                    code="not_committee",
                    status=403,
                )
            if not fund_rules.audit_waivable(expense.amount):
                raise LinliError(
                    _("Only a settlement of 30,000 yuan or less may skip the audit."),
                    code="audit_not_waivable",
                )
        approval = Approval(
            community_id=expense.community_id,
            expense=expense,
            approver=actor,
            recorded_by_id=expense.recorded_by_id,
            acting_as=acting_as,
            approved=approve,
            waives_audit=waive_audit,
            note=note,
            decided_at=timezone.now(),
        )
        now = timezone.now()
        if not approve:
            approval.save()
            Expense.objects.filter(pk=expense.pk).update(
                status=Expense.Status.REJECTED, decided_at=now
            )
            expense.status = Expense.Status.REJECTED
            audit_record(
                actor=actor,
                action="finance.expense_reject",
                obj=expense,
                summary=f"{expense.description}: {note}",
            )
            return expense
        if waive_audit:
            expense.audit_waived = True
        approvals = [*expense.approvals.all(), approval]
        needs = expense_requirements(expense, approvals=approvals)
        blockers = [
            message
            for message in needs.blockers
            # A worker's approval may wait for the committee's; nothing else may wait.
            if not (
                needs.needs_committee
                and message == _committee_message(expense)
                and acting_as == Approval.As.WORKER
            )
        ]
        if blockers:
            raise Conflict(" ".join(blockers), code="requirements", details=blockers)
        approval.save()
        if waive_audit:
            Expense.objects.filter(pk=expense.pk).update(audit_waived=True)
        if needs.blockers:
            # Approved by a worker; the committee's approval is still to come.
            audit_record(
                actor=actor,
                action="finance.expense_approve",
                obj=expense,
                summary=f"{expense.description}: approved, awaiting the committee",
            )
            return expense
        _post_expense(expense, account, actor)
        Expense.objects.filter(pk=expense.pk).update(status=Expense.Status.POSTED, decided_at=now)
        expense.status = Expense.Status.POSTED
        audit_record(
            actor=actor,
            action="finance.expense_approve",
            obj=expense,
            summary=f"{expense.description}: approved and posted, {yuan(expense.amount)}",
        )
    return expense


def _committee_message(expense: Expense) -> str:
    if expense.account.kind == Account.Kind.MAINTENANCE_FUND:
        return _("An owners' committee member must approve any use of the maintenance fund.")
    return _("An owners' committee member must approve an expense of more than %(limit)s yuan.") % {
        "limit": yuan(policy_for(expense.community_id).committee_threshold)
    }


def cash_balance(account_id: int) -> int:
    from linli.finance.models import EntryLine

    totals = EntryLine.objects.filter(account_id=account_id, category=CASH).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    return (totals["debit"] or 0) - (totals["credit"] or 0)


def _post_expense(expense: Expense, account: Account, actor: Any) -> None:
    balance = cash_balance(account.pk)
    if balance < expense.amount:
        raise Conflict(
            _("The account holds %(balance)s yuan, less than the %(amount)s yuan of this expense.")
            % {"balance": yuan(balance), "amount": yuan(expense.amount)},
            code="insufficient_funds",
        )
    if account.kind == Account.Kind.MAINTENANCE_FUND:
        debit_lines = _by_area_lines(
            account, expense.category, expense.amount, expense.building_id, debit=True
        )
    else:
        debit_lines = [(line_code(expense.category), expense.amount, 0)]
    ledger.append(
        account,
        [
            NewEntry(
                lines=[*debit_lines, (CASH, 0, expense.amount)],
                memo=memo_of(expense.description, expense.counterparty),
                # Into a published period it would change a published statement: book it
                # on the day of approval instead.
                booked_at=clock.now()
                if _closed_period(account, expense.spent_on)
                else _moment(expense.spent_on),
            )
        ],
        actor=actor,
        expense_id=expense.pk,
    )


# --- reversals -----------------------------------------------------------------------------


def entry_reverse(*, actor: Any, account_id: int, sequence: int, reason: str) -> Any:
    """A worker corrects an entry by reversing it (a new entry, debit and credit swapped). A
    reversed payment no longer counts towards its share."""
    from linli.finance.models import Entry

    reason = _text(reason, limit=150, label=_("The reason"))
    with transaction.atomic():
        account = _lock_account(actor, account_id, lambda u, a: is_staff_in(u, a.community_id))
        original = Entry.objects.filter(account=account, sequence=sequence).first()
        if original is None:
            raise NotFound(_("This entry does not exist."), code="not_found")
        if original.reverses is not None:
            raise Conflict(_("A reversal cannot itself be reversed."), code="is_reversal")
        if Entry.objects.filter(account=account, reverses=sequence).exists():
            raise Conflict(_("This entry has already been reversed."), code="already_reversed")
        stored = chain_rules.SealedEntry(
            account.ledger_key,
            original.sequence,
            original.booked_at,
            tuple(chain_rules.Line(*line) for line in _loads(original.lines)),
            original.memo,
            original.reverses,
            original.previous_hash,
            original.hash,
        )
        mirror = chain_rules.reversal(stored, account.head_sequence + 1, clock.now(), "")
        (entry,) = ledger.append(
            account,
            [
                NewEntry(
                    lines=mirror.lines,
                    memo=memo_of(
                        _("Reversal of entry %(sequence)d: %(reason)s")
                        % {"sequence": sequence, "reason": reason}
                    ),
                    booked_at=clock.now(),
                    reverses=sequence,
                )
            ],
            actor=actor,
        )
        payment = Payment.objects.filter(entry=original).first()
        if payment is not None:
            Share.objects.filter(pk=payment.share_id).update(paid=F("paid") - payment.amount)
        audit_record(
            actor=actor,
            action="finance.entry_reverse",
            obj=entry,
            summary=f"{account.name} #{entry.sequence} reverses #{sequence}: {reason}",
        )
    return entry


def _loads(text: str) -> list[list[Any]]:
    import json

    lines: list[list[Any]] = json.loads(text)
    return lines


# --- cost plans and payments ---------------------------------------------------------------


def _plan_units(roster: Sequence[int], account: Account) -> list[plans.Unit]:
    """The roster's units, in roster order: of the account's estate, or of its community."""
    scope = (
        Unit.objects.filter(estate_id=account.estate_id)
        if account.estate_id is not None
        else Unit.objects.filter(community_id=account.community_id)
    )
    rows = {
        pk: (floor, area)
        for pk, floor, area in scope.filter(pk__in=roster).values_list("pk", "floor", "area")
    }
    missing = [pk for pk in roster if pk not in rows]
    if missing:
        raise NotFound(_("A unit of this plan does not exist."), code="not_found")
    return [plans.Unit(key=pk, floor=rows[pk][0], area=rows[pk][1]) for pk in roster]


PLAN_MESSAGES = {
    plans.PlanCode.NEGATIVE_COST: lambda: _("Amounts cannot be negative."),
    plans.PlanCode.NEGATIVE_WEIGHT: lambda: _("Percentages and coefficients cannot be negative."),
    plans.PlanCode.INEXACT_NUMBER: lambda: _(
        "Write percentages and coefficients as exact numbers (e.g. 0.7 or 15)."
    ),
    plans.PlanCode.DUPLICATE_UNIT: lambda: _("A unit is listed twice."),
    plans.PlanCode.UNKNOWN_UNIT: lambda: _("A unit named in the plan is not on its roster."),
    plans.PlanCode.PERCENT_TOTAL_NOT_100: lambda: _(
        "The percentages by floor must add up to exactly 100%."
    ),
    plans.PlanCode.FLOOR_NOT_IN_TABLE: lambda: _(
        "Every floor of the roster needs a percentage (write 0 for a floor that pays nothing)."
    ),
    plans.PlanCode.FLOOR_WITHOUT_PAYERS: lambda: _("A floor with a percentage has no flats."),
    plans.PlanCode.AMOUNTS_NOT_NET: lambda: _(
        "The agreed amounts must add up exactly to the net cost."
    ),
    plans.PlanCode.NO_PAYERS: lambda: _("Nobody is left to pay: every unit has opted out."),
}


def _exact_number(value: Any) -> Fraction | int:
    if isinstance(value, bool):
        raise plans.PlanError(plans.PlanCode.INEXACT_NUMBER, repr(value))
    if isinstance(value, int):
        return value
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise plans.PlanError(plans.PlanCode.INEXACT_NUMBER, repr(value)) from None


def plan_compute(
    *,
    scheme: str,
    units: Sequence[plans.Unit],
    net: int,
    parameters: Mapping[str, Any],
    opt_outs: Sequence[int] = (),
) -> plans.Plan:
    """The domain plan for stored parameters; LinliError with a translated reason if invalid."""
    try:
        if scheme == CostPlan.Scheme.FLOOR_PERCENT:
            table = {int(k): _exact_number(v) for k, v in dict(parameters.get("pct", {})).items()}
            split = plans.Split(parameters.get("split", "equal"))
            return plans.plan_floor_percent(units, table, net, split=split, opted_out=opt_outs)
        if scheme == CostPlan.Scheme.COEFFICIENT_AREA:
            table = {int(k): _exact_number(v) for k, v in dict(parameters.get("k", {})).items()}
            return plans.plan_coefficient_area(units, table, net, opted_out=opt_outs)
        if scheme == CostPlan.Scheme.EXPLICIT:
            amounts: dict[int | str, int] = {
                int(k): int(v) for k, v in dict(parameters.get("amounts", {})).items()
            }
            return plans.plan_explicit(units, amounts, net, opted_out=opt_outs)
        if scheme == CostPlan.Scheme.BY_AREA:
            return plans.plan_by_area(units, net, opted_out=opt_outs)
    except plans.PlanError as error:
        raise LinliError(PLAN_MESSAGES[error.code](), code=str(error.code)) from error
    except (TypeError, ValueError, AttributeError):
        raise LinliError(_("The plan's table is not valid."), code="invalid_parameters") from None
    raise LinliError(_("Choose a scheme from the list."), code="invalid_scheme")


def plan_create(
    *,
    actor: Any,
    account_id: int,
    title: str,
    scheme: str,
    gross: int,
    subsidy: int = 0,
    roster: Sequence[int],
    parameters: Mapping[str, Any] | None = None,
    opt_outs: Sequence[int] = (),
    purpose: str = CostPlan.Purpose.CONSTRUCTION,
    motion_id: int | None = None,
) -> CostPlan:
    """A draft cost plan over a roster of units (in roster order), checked by computing it."""
    title = _text(title, limit=150, label=_("The title"))
    gross = _amount(gross, label=_("The gross cost"))
    subsidy = _amount(subsidy, label=_("The subsidy"), allow_zero=True)
    if purpose not in CostPlan.Purpose.values:
        raise LinliError(_("Choose a purpose from the list."), code="invalid_purpose")
    try:
        roster = list(dict.fromkeys(int(pk) for pk in roster))
        opt_outs = [int(pk) for pk in opt_outs]
    except (TypeError, ValueError):
        raise LinliError(_("Choose the units from the list."), code="invalid_units") from None
    if not roster:
        raise LinliError(_("Choose the units that share the cost."), code="no_units")
    parameters = dict(parameters or {})
    cost = plans.net_cost(gross, subsidy if purpose == CostPlan.Purpose.CONSTRUCTION else 0)
    with transaction.atomic():
        account = _lock_account(actor, account_id, can_approve)
        if account.kind != Account.Kind.PROJECT_FUND:
            raise LinliError(
                _("Owners pay shares into a project fund: choose one."), code="not_project_fund"
            )
        units = _plan_units(roster, account)
        plan_compute(
            scheme=scheme,
            units=units,
            net=cost.net_fen,
            parameters=parameters,
            opt_outs=list(opt_outs),
        )
        if motion_id is not None:
            from linli.votes.models import Motion

            motion = (
                Motion.objects.select_related("result")
                .filter(pk=motion_id, community_id=account.community_id)
                .first()
            )
            if motion is None or (
                account.estate_id is not None and motion.estate_id != account.estate_id
            ):
                raise NotFound(_("This vote does not exist."), code="not_found")
            if not _motion_passed(motion):
                raise Conflict(
                    _("Only a vote whose result was published as passed can be linked."),
                    code="motion_not_passed",
                )
        plan = CostPlan.objects.create(
            community_id=account.community_id,
            account=account,
            title=title,
            scheme=scheme,
            purpose=purpose,
            gross=gross,
            subsidy=subsidy,
            net=cost.net_fen,
            # An operation plan applies no construction subsidy: all of it stays unused.
            unused_subsidy=(
                cost.unused_subsidy_fen if purpose == CostPlan.Purpose.CONSTRUCTION else subsidy
            ),
            parameters=parameters,
            roster=roster,
            opt_outs=list(opt_outs),
            motion_id=motion_id,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="finance.plan_create",
            obj=plan,
            summary=f"{title}: {scheme}, net {yuan(cost.net_fen)} over {len(roster)} units",
        )
    return plan


def plan_of(plan: CostPlan) -> plans.Plan:
    """The computed shares of a stored plan."""
    return plan_compute(
        scheme=plan.scheme,
        units=_plan_units(plan.roster, plan.account),
        net=plan.net,
        parameters=plan.parameters,
        opt_outs=plan.opt_outs,
    )


def plan_issue(*, actor: Any, plan_id: int) -> CostPlan:
    """Issue a draft plan: one Share (a receivable) per unit of the roster, in roster order."""
    with transaction.atomic():
        plan = (
            CostPlan.objects.select_for_update(of=("self",))
            .select_related("account")
            .filter(pk=plan_id, community_id__in=community_ids_for(actor))
            .first()
        )
        if plan is None or not can_approve(actor, plan.account):
            raise NotFound(_("This cost plan does not exist."), code="not_found")
        if plan.status != CostPlan.Status.DRAFT:
            raise Conflict(_("This cost plan has already been issued."), code="already_issued")
        computed = plan_of(plan)
        Share.objects.bulk_create(
            [
                Share(
                    community_id=plan.community_id,
                    plan=plan,
                    unit_id=share.key,
                    position=position,
                    amount=share.fen,
                )
                for position, share in enumerate(computed.shares, start=1)
            ]
        )
        now = timezone.now()
        CostPlan.objects.filter(pk=plan.pk).update(status=CostPlan.Status.ISSUED, issued_at=now)
        plan.status, plan.issued_at = CostPlan.Status.ISSUED, now
        audit_record(
            actor=actor,
            action="finance.plan_issue",
            obj=plan,
            summary=f"{plan.title}: {len(computed.shares)} shares, {yuan(plan.net)}",
        )
    return plan


def payment_record(
    *,
    actor: Any,
    share_id: int,
    amount: int,
    channel: str,
    reference: str = "",
    paid_on: date | None = None,
) -> Payment:
    """Record a payment of a share (in full or in part) and post it to the plan's account.
    Paying more than is outstanding is refused; concurrent payments are serialised by the
    account's lock and the share's paid ≤ amount constraint."""
    amount = _amount(amount, label=_("The amount"))
    if channel not in Payment.Channel.values:
        raise LinliError(_("Choose how it was paid from the list."), code="invalid_channel")
    reference = _text(reference, limit=64, label=_("The reference"), required=False)
    booked_at = _moment(paid_on)
    share = (
        Share.objects.select_related("plan", "unit__estate", "unit__building", "unit__entrance")
        .filter(pk=share_id, community_id__in=community_ids_for(actor))
        .first()
    )
    if share is None:
        raise NotFound(_("This share does not exist."), code="not_found")
    with transaction.atomic():
        account = _lock_account(actor, share.plan.account_id, can_record)
        _check_open_period(account, paid_on)
        updated = Share.objects.filter(pk=share.pk, paid__lte=F("amount") - amount).update(
            paid=F("paid") + amount
        )
        if not updated:
            outstanding = Share.objects.filter(pk=share.pk).values_list("amount", "paid").get()
            raise Conflict(
                _("Only %(left)s yuan of this share is still to pay.")
                % {"left": yuan(outstanding[0] - outstanding[1])},
                code="overpaid",
            )
        (entry,) = ledger.append(
            account,
            [
                NewEntry(
                    lines=[
                        (CASH, amount, 0),
                        (line_code(Category.CONTRIBUTION, share.unit_id), 0, amount),
                    ],
                    memo=memo_of(
                        _("Share of “%(plan)s”") % {"plan": share.plan.title}, share.unit.label
                    ),
                    booked_at=booked_at,
                )
            ],
            actor=actor,
        )
        payment = Payment.objects.create(
            community_id=share.community_id,
            share=share,
            amount=amount,
            channel=channel,
            reference=reference,
            entry=entry,
            recorded_by=actor,
            paid_at=booked_at,
        )
        audit_record(
            actor=actor,
            action="finance.payment",
            obj=payment,
            summary=f"{share.unit.label}: {yuan(amount)} of {yuan(share.amount)} "
            f"({share.plan.title})",
        )
    return payment


# --- checkpoints ---------------------------------------------------------------------------


def checkpoints_publish(*, community_id: int | None = None, actor: Any = None) -> int:
    """Publish the head of every ledger that moved since its last checkpoint: one Checkpoint
    per ledger and one public Notice per community listing them. Returns how many ledgers were
    checkpointed. Run daily by huey (tasks.py); workers can run it at once."""
    from linli.notices.models import Notice
    from linli.notices.services import notice_publish_system

    accounts = Account.objects.select_related("community", "estate").filter(head_sequence__gt=0)
    if community_id is not None:
        accounts = accounts.filter(community_id=community_id)
    latest = dict(
        Checkpoint.objects.values("account_id")
        .annotate(last=Max("sequence"))
        .order_by()
        .values_list("account_id", "last")
    )
    due: dict[int, list[Account]] = {}
    for account in accounts:
        if account.head_sequence > latest.get(account.pk, 0):
            due.setdefault(account.community_id, []).append(account)
    count = 0
    today = clock.today()
    for accounts_of in due.values():
        community = accounts_of[0].community
        with transaction.atomic():
            locked = [ledger.lock_account(account.pk) for account in accounts_of]
            lines = [
                _("%(name)s: entry %(sequence)d, hash %(hash)s")
                % {
                    "name": account.name,
                    "sequence": account.head_sequence,
                    "hash": account.head_hash,
                }
                for account in locked
            ]
            notice = notice_publish_system(
                community=community,
                kind=Notice.Kind.LEDGER_CHECKPOINT,
                title=_("Ledger checkpoints of %(day)s") % {"day": today.isoformat()},
                body="\n".join(
                    [
                        _(
                            "The last entry of each ledger today, with its hash. Keep a copy: "
                            "anyone can check later that the ledger still leads to these "
                            "hashes, so no entry up to here can be changed unnoticed."
                        ),
                        "",
                        *lines,
                    ]
                ),
                starts_on=today,
                ends_on=today + timedelta(days=365),
                issuer=_("Linli sunshine finance"),
            )
            now = timezone.now()
            Checkpoint.objects.bulk_create(
                [
                    Checkpoint(
                        community_id=account.community_id,
                        account=account,
                        sequence=account.head_sequence,
                        hash=account.head_hash,
                        published_at=now,
                        notice=notice,
                    )
                    for account in locked
                ]
            )
            audit_record(
                actor=actor,
                action="finance.checkpoints",
                obj=notice,
                summary=f"{len(locked)} ledger head(s) published",
            )
        count += len(accounts_of)
    return count


# --- statements (documents in linli.finance.documents, figures in selectors) ---------------


def statement_publish(*, actor: Any, account_id: int, period: str, starts_on: date) -> Any:
    """Publish the statement of one account for a month or half-year that has ended: figures
    by category, opening and closing balance, the ledger head at the end, a PDF and an Excel
    file, and a public Notice for at least 15 days (HZ-PMR Art. 30)."""
    from linli.domain.notice_periods import NoticeKind, earliest_end
    from linli.finance import documents, selectors
    from linli.finance.models import Statement
    from linli.notices.models import Notice
    from linli.notices.services import notice_publish_system

    if period not in Statement.Period.values:
        raise LinliError(_("Choose a period from the list."), code="invalid_period")
    try:
        window = selectors.period_window(period, starts_on)
    except ValueError:
        raise LinliError(
            _("A period starts on the first day of a month (January or July for half-years)."),
            code="invalid_period",
        ) from None
    if window[1] >= clock.today():
        raise Conflict(_("Only a period that has ended can be published."), code="not_ended")
    with transaction.atomic():
        account = _lock_account(actor, account_id, can_approve)
        if Statement.objects.filter(account=account, period=period, starts_on=window[0]).exists():
            raise Conflict(
                _("This statement has already been published."), code="already_published"
            )
        figures = selectors.statement_figures(account, *window)
        today = clock.today()
        statement = Statement(
            community_id=account.community_id,
            account=account,
            period=period,
            starts_on=window[0],
            ends_on=window[1],
            opening=figures.opening,
            income=figures.income_total,
            expense=figures.expense_total,
            closing=figures.closing,
            data=figures.as_data(),
            # The whole chain as it stands when the statement is made: every entry counted
            # in it is at or before this head, back-dated ones included.
            head_sequence=account.head_sequence,
            head_hash=account.head_hash,
            created_by=actor,
        )
        title = documents.statement_title(statement)
        notice = notice_publish_system(
            community=account.community,
            estate=account.estate,
            kind=Notice.Kind.FINANCE_STATEMENT,
            title=title,
            body=documents.statement_text(statement),
            starts_on=today,
            ends_on=earliest_end(NoticeKind.FINANCE_STATEMENT, today),
            issuer=_("Owners' committee") if is_committee_for(actor, account) else _("Community"),
            notify_residents=True,
        )
        statement.notice = notice
        if figures.entries <= DOCUMENTS_AT_ONCE_MAX_ENTRIES:
            _attach_documents(statement)
        statement.save()
        if not statement.pdf:
            statement_id = statement.pk
            transaction.on_commit(lambda: _enqueue_documents(statement_id))
        audit_record(
            actor=actor,
            action="finance.statement_publish",
            obj=statement,
            summary=f"{title}: closing {yuan(statement.closing)}",
        )
    return statement


# A statement of up to this many entries gets its PDF and Excel file at once; a longer one
# (a year of a busy account) is published at once and its files follow from the task runner
# within seconds, so nobody waits on WeasyPrint and openpyxl.
DOCUMENTS_AT_ONCE_MAX_ENTRIES = 500


def _attach_documents(statement: Any) -> None:
    from linli.finance import documents

    pdf = documents.statement_pdf(statement)
    xlsx = documents.statement_xlsx(statement)
    statement.pdf.save(f"{statement.public_id.hex}.pdf", ContentFile(pdf), save=False)
    statement.xlsx.save(f"{statement.public_id.hex}.xlsx", ContentFile(xlsx), save=False)


def _enqueue_documents(statement_id: int) -> None:
    from linli.finance.tasks import make_statement_documents

    make_statement_documents.enqueue(statement_id)


def statement_documents_make(*, statement_id: int) -> bool:
    """Make the PDF and Excel file of a published statement that has none yet (the task
    runner's job for long statements). Returns whether it made them; running it again does
    nothing."""
    from linli.finance.models import Statement

    with transaction.atomic():
        statement = (
            Statement.objects.select_for_update(of=("self",))
            .select_related("account__community", "account__estate", "notice")
            .filter(pk=statement_id)
            .first()
        )
        if statement is None or statement.pdf:
            return False
        _attach_documents(statement)
        statement.save(update_fields=["pdf", "xlsx"])
        audit_record(
            actor=None,
            action="finance.statement_documents",
            obj=statement,
            summary=f"PDF and Excel of statement {statement.public_id}",
        )
    return True
