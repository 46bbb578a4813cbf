"""API endpoints of sunshine finance (thin: parse, call a service or a read, return a schema).

Staff of an account (services.can_view_staff: the community's workers, property staff of the
estate's company, the estate's owners' committee, street staff) read its ledger, expenses and
plans; services decide who may write what (recording is not approving: the person who recorded
an expense never decides it). Anyone reads the public ledger: accounts, entries with masked
counterparties and published statements, found by public ids. An owner reads their own units'
fund balances, shares and payments. Services raise LinliError, which config/api.py answers in
the shared {code, message} shape; anything the caller may not see answers 404, exactly like
something that does not exist. Money is whole fen throughout.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.errors import ValidationError

from linli.core.api_auth import ApiTokenAuth, SessionAuth
from linli.core.api_schemas import error_responses
from linli.core.errors import NotFound
from linli.domain.ledger import Reason, Verification
from linli.finance import ledger, selectors, services
from linli.finance.ledger import parse_code, split_memo
from linli.finance.models import (
    CASH,
    Account,
    Checkpoint,
    CostPlan,
    Entry,
    Expense,
    Payment,
    Receipt,
    Share,
    Statement,
)
from linli.finance.schemas import (
    AccountDetailOut,
    AccountPageOut,
    ConfirmationIn,
    ConfirmationOut,
    DecisionIn,
    EntryOut,
    EntryPageOut,
    ExpenseIn,
    ExpenseOut,
    IncomeIn,
    MineOut,
    MotionLinkIn,
    PaymentIn,
    PaymentOut,
    PlanIn,
    PlanOut,
    PlanParametersIn,
    PublicAccountOut,
    PublicEntryPageOut,
    ReceiptKindValue,
    ReceiptOut,
    StatementIn,
    StatementOut,
    VerifyOut,
)
from linli.notices.api import anonymous_allowed
from linli.registry.models import Unit

router = Router(tags=["finance"])

PUBLIC: dict[str, Any] = {
    "auth": [SessionAuth(), ApiTokenAuth(), anonymous_allowed],
    # `anonymous_allowed` has no OpenAPI security scheme; the empty requirement says the same.
    "openapi_extra": {"security": [{}]},
}
READ_ERRORS: dict[int, Any] = error_responses(401, 404, 422)
WRITE_ERRORS: dict[int, Any] = error_responses(400, 401, 403, 404, 409, 422)
PUBLIC_ERRORS: dict[int, Any] = error_responses(404, 422)
MAX_PAGE_SIZE = 100
MAX_PAGE_NUMBER = 100_000
RECENT_EXPENSES = 50
# Optional in the schema although required: the file is checked after access (add_receipt).
RECEIPT_FILE = File(None, description="The document (required).")
RECEIPT_KIND = Form("receipt", description="What the document is.")


class AccountListParams(Schema):
    page: int = Field(1, le=MAX_PAGE_NUMBER, description="Page number; below 1 means 1.")
    page_size: int = Field(20, description="Items per page; clamped to 1–100.")


class EntryListParams(Schema):
    before: int | None = Field(
        None, description="Only entries with a smaller sequence (the previous page's next_before)."
    )
    limit: int = Field(50, description="Entries per page; clamped to 1–100.")


# --- shapes ---------------------------------------------------------------------------------


def _fund_health(account: Account, balance: int) -> dict[str, Any] | None:
    health = selectors.fund_health(account, balance)
    if health is None:
        return None
    return {
        "balance": health.balance,
        "first_deposit": health.first_deposit,
        "percent": health.percent,
        "needs_top_up": health.needs_top_up,
    }


def _account_out(account: Account, balance: int) -> dict[str, Any]:
    return {
        "id": account.pk,
        "public_id": account.public_id,
        "community_id": account.community_id,
        "estate_id": account.estate_id,
        "estate_name": account.estate.name if account.estate is not None else None,
        "kind": account.kind,
        "kind_label": str(account.get_kind_display()),
        "name": account.name,
        "balance": balance,
        "first_deposit": account.first_deposit,
        "head_sequence": account.head_sequence,
        "head_hash": account.head_hash,
        "closed": account.closed_at is not None,
        "fund_health": _fund_health(account, balance),
    }


def _last_checkpoint(account: Account) -> dict[str, Any] | None:
    point = Checkpoint.objects.filter(account=account).order_by("-sequence").first()
    if point is None:
        return None
    return {"sequence": point.sequence, "hash": point.hash, "published_at": point.published_at}


def _statement_summary(statement: Statement) -> dict[str, Any]:
    return {
        "public_id": statement.public_id,
        "period": statement.period,
        "period_label": str(statement.get_period_display()),
        "starts_on": statement.starts_on,
        "ends_on": statement.ends_on,
        "income": statement.income,
        "expense": statement.expense,
        "closing": statement.closing,
    }


def _by_category(amounts: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"category": code, "label": selectors.category_label(code), "amount": amount}
        for code, amount in amounts.items()
    ]


def _statement_out(statement: Statement) -> dict[str, Any]:
    account = statement.account
    return {
        **_statement_summary(statement),
        "account_public_id": account.public_id,
        "account_name": account.name,
        "estate_name": account.estate.name if account.estate is not None else None,
        "opening": statement.opening,
        "income_by_category": _by_category(statement.data.get("income", {})),
        "expense_by_category": _by_category(statement.data.get("expense", {})),
        "entries": statement.data.get("entries", 0),
        "head_sequence": statement.head_sequence,
        "head_hash": statement.head_hash,
        "notice_public_id": statement.notice.public_id if statement.notice is not None else None,
        "created_at": statement.created_at,
    }


def _line_label(category: str) -> str:
    return _("Cash") if category == CASH else selectors.category_label(category)


def _entry_out(entry: Entry) -> dict[str, Any]:
    description, counterparty = split_memo(entry.memo)
    lines = []
    cash_in = cash_out = 0
    for code, debit, credit in json.loads(entry.lines):
        category, unit_id = parse_code(code)
        if category == CASH:
            cash_in += debit
            cash_out += credit
        lines.append(
            {
                "code": code,
                "category": category,
                "category_label": _line_label(category),
                "unit_id": unit_id,
                "debit": debit,
                "credit": credit,
            }
        )
    return {
        "sequence": entry.sequence,
        "booked_at": entry.booked_at,
        "booked_on": entry.booked_on,
        "description": description,
        "counterparty": counterparty,
        "lines": lines,
        "amount_in": cash_in,
        "amount_out": cash_out,
        "reverses": entry.reverses,
        "previous_hash": entry.previous_hash,
        "hash": entry.hash,
        "expense_id": entry.expense_id,
    }


def _next_before(sequences: list[int], limit: int) -> int | None:
    """Keyset pagination: sequences are 1, 2, 3, … so a full page ending above 1 has more."""
    if len(sequences) < limit or not sequences or sequences[-1] <= 1:
        return None
    return sequences[-1]


def _limit(value: int) -> int:
    return min(max(value, 1), MAX_PAGE_SIZE)


def _expense_summary(expense: Expense) -> dict[str, Any]:
    return {
        "id": expense.pk,
        "public_id": expense.public_id,
        "category": expense.category,
        "category_label": str(expense.get_category_display()),
        "description": expense.description,
        "counterparty": expense.counterparty,
        "amount": expense.amount,
        "spent_on": expense.spent_on,
        "status": expense.status,
        "status_label": str(expense.get_status_display()),
        "recorded_at": expense.recorded_at,
    }


def _requirements_out(needs: services.Requirements) -> dict[str, Any]:
    return {
        "blockers": [str(message) for message in needs.blockers],
        "needs_committee": needs.needs_committee,
        "needs_motion": needs.needs_motion,
        "emergency_missing": [str(step) for step in needs.emergency_missing],
        "audit_required": needs.audit_required,
        "audit_waivable": needs.audit_waivable,
        "overrun": needs.overrun,
    }


def _receipt_out(receipt: Receipt) -> dict[str, Any]:
    return {
        "id": receipt.pk,
        "kind": receipt.kind,
        "kind_label": str(receipt.get_kind_display()),
        "name": receipt.name,
        "content_type": receipt.content_type,
        "size": receipt.size,
        "sha256": receipt.sha256,
        "uploaded_at": receipt.uploaded_at,
    }


def _expense_out(expense: Expense) -> dict[str, Any]:
    """An expense with its documents, decisions and, while it waits, what it still needs."""
    approvals = list(expense.approvals.select_related("approver"))
    pending = expense.status == Expense.Status.RECORDED
    entry = (
        Entry.objects.filter(expense=expense).values_list("sequence", flat=True).first()
        if expense.status == Expense.Status.POSTED
        else None
    )
    return {
        **_expense_summary(expense),
        "account_id": expense.account_id,
        "account_name": expense.account.name,
        "budget": expense.budget,
        "building_id": expense.building_id,
        "motion_id": expense.motion_id,
        "motion_title": expense.motion.title if expense.motion is not None else None,
        "emergency": expense.emergency,
        "audit_waived": expense.audit_waived,
        "recorded_by": expense.recorded_by.name,
        "decided_at": expense.decided_at,
        "entry_sequence": entry,
        "receipts": [_receipt_out(receipt) for receipt in expense.receipts.all()],
        "approvals": [
            {
                "approver": approval.approver.name,
                "acting_as": approval.acting_as,
                "approved": approval.approved,
                "note": approval.note,
                "decided_at": approval.decided_at,
            }
            for approval in approvals
        ],
        "confirmations": [
            {
                "step": confirmation.step,
                "document_ref": confirmation.document_ref,
                "confirmed_by": confirmation.confirmed_by.name,
                "confirmed_at": confirmation.confirmed_at,
            }
            for confirmation in expense.confirmations.select_related("confirmed_by")
        ],
        "requirements": _requirements_out(
            services.expense_requirements(expense, approvals=approvals)
        )
        if pending
        else None,
    }


def _access_expense(request: HttpRequest, expense_id: int) -> Expense:
    return selectors.access_expense_by_id(request.user, expense_id)


def _plan_summary(plan: CostPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "public_id": plan.public_id,
        "title": plan.title,
        "scheme": plan.scheme,
        "scheme_label": str(plan.get_scheme_display()),
        "purpose": plan.purpose,
        "status": plan.status,
        "gross": plan.gross,
        "subsidy": plan.subsidy,
        "net": plan.net,
        "issued_at": plan.issued_at,
    }


def _unit_labels(unit_ids: list[int]) -> dict[int, str]:
    units = Unit.objects.filter(pk__in=unit_ids).select_related("estate", "building", "entrance")
    return {unit.pk: unit.label for unit in units}


def _plan_out(plan: CostPlan) -> dict[str, Any]:
    """A plan with its shares: the issued receivables, or on a draft the shares it would issue."""
    rows: list[tuple[int | None, int, int, int, int]]
    if plan.status == CostPlan.Status.ISSUED:
        rows = [
            (share.pk, share.unit_id, share.position, share.amount, share.paid)
            for share in Share.objects.filter(plan=plan).order_by("position")
        ]
    else:
        computed = services.plan_of(plan)
        rows = [
            (None, int(share.key), position, share.fen, 0)
            for position, share in enumerate(computed.shares, start=1)
        ]
    labels = _unit_labels([row[1] for row in rows])
    return {
        **_plan_summary(plan),
        "account_id": plan.account_id,
        "unused_subsidy": plan.unused_subsidy,
        "parameters": plan.parameters,
        "roster": plan.roster,
        "opt_outs": plan.opt_outs,
        "motion_id": plan.motion_id,
        "created_at": plan.created_at,
        "shares": [
            {
                "id": share_id,
                "unit_id": unit_id,
                "unit_label": labels.get(unit_id, ""),
                "position": position,
                "amount": amount,
                "paid": paid,
                "outstanding": amount - paid,
            }
            for share_id, unit_id, position, amount, paid in rows
        ],
    }


def _exact(value: Decimal) -> int | str:
    """A percentage or coefficient as stored in a plan's JSON: an int, or exact decimal text."""
    return int(value) if value == value.to_integral_value() else format(value.normalize(), "f")


def _parameters(parameters: PlanParametersIn | None) -> dict[str, Any]:
    if parameters is None:
        return {}
    table: dict[str, Any] = {}
    if parameters.pct is not None:
        table["pct"] = {str(floor): _exact(value) for floor, value in parameters.pct.items()}
    if parameters.split is not None:
        table["split"] = parameters.split
    if parameters.k is not None:
        table["k"] = {str(floor): _exact(value) for floor, value in parameters.k.items()}
    if parameters.amounts is not None:
        table["amounts"] = {str(unit): fen for unit, fen in parameters.amounts.items()}
    return table


def _verify_message(result: Verification) -> str:
    """The outcome in words, translated (linli.domain.ledger explains in English only)."""
    if result.ok:
        return _("The ledger is intact: %(checked)d entries checked.") % {"checked": result.checked}
    messages = {
        Reason.GAP_OR_REORDER: _(
            "Entry %(sequence)d is missing or out of order: an entry was deleted, inserted or "
            "moved."
        ),
        Reason.WRONG_LEDGER: _("Entry %(sequence)d belongs to another ledger."),
        Reason.UNBALANCED: _("Entry %(sequence)d does not balance: its debits and credits differ."),
        Reason.BAD_REVERSAL: _("Entry %(sequence)d is not a valid reversal of the entry it names."),
        Reason.BAD_HASH: _("Entry %(sequence)d does not match its hash: it was edited."),
        Reason.BROKEN_LINK: _("Entry %(sequence)d does not carry the hash of the entry before it."),
        Reason.CHECKPOINT_MISMATCH: _(
            "Entry %(sequence)d differs from the published checkpoint: the ledger was rewritten."
        ),
        Reason.MISSING_AFTER_CHECKPOINT: _(
            "Entry %(sequence)d was published in a checkpoint but is missing: the end of the "
            "ledger was cut off."
        ),
    }
    return messages[result.reason] % {"sequence": result.sequence}


def _head(point: Any) -> dict[str, Any] | None:
    return None if point is None else {"sequence": point.sequence, "hash": point.hash}


# --- accounts and the ledger (staff) --------------------------------------------------------


@router.get(
    "/accounts",
    response={200: AccountPageOut, **error_responses(401, 422)},
    summary="Accounts I keep or oversee",
    operation_id="finance_accounts",
)
def list_accounts(request: HttpRequest, params: Query[AccountListParams]) -> dict[str, Any]:
    """Every account whose books I may read as staff, with its balance, ledger head and, for a
    maintenance fund, whether owners must top it up."""
    accounts = selectors.staff_accounts(request.user)
    page_size = _limit(params.page_size)
    page = max(params.page, 1)
    start = (page - 1) * page_size
    shown = accounts[start : start + page_size]
    balances = selectors.balances([account.pk for account in shown])
    return {
        "items": [_account_out(account, balances[account.pk]) for account in shown],
        "count": len(accounts),
        "page": page,
        "page_size": page_size,
    }


@router.get(
    "/accounts/{account_id}",
    response={200: AccountDetailOut, **READ_ERRORS},
    summary="One account: balance, recent expenses, cost plans and statements",
    operation_id="finance_account",
)
def get_account(request: HttpRequest, account_id: int) -> dict[str, Any]:
    account = selectors.access_account_by_id(request.user, account_id)
    balance = selectors.balances([account.pk])[account.pk]
    return {
        **_account_out(account, balance),
        "last_checkpoint": _last_checkpoint(account),
        "expenses": [_expense_summary(e) for e in selectors.expenses_of(account)[:RECENT_EXPENSES]],
        "plans": [_plan_summary(plan) for plan in CostPlan.objects.filter(account=account)],
        "statements": [_statement_summary(s) for s in selectors.published_statements(account)],
    }


@router.get(
    "/accounts/{account_id}/entries",
    response={200: EntryPageOut, **READ_ERRORS},
    summary="The ledger's entries, newest first",
    operation_id="finance_entries",
)
def list_entries(
    request: HttpRequest, account_id: int, params: Query[EntryListParams]
) -> dict[str, Any]:
    """Every hashed field of each entry, counterparties in full; page back with `before`."""
    account = selectors.access_account_by_id(request.user, account_id)
    limit = _limit(params.limit)
    entries = selectors.entries_page(account, before=params.before, size=limit)
    return {
        "items": [_entry_out(entry) for entry in entries],
        "next_before": _next_before([entry.sequence for entry in entries], limit),
    }


@router.get(
    "/accounts/{account_id}/verify",
    response={200: VerifyOut, **READ_ERRORS},
    summary="Verify the ledger's hash chain against its published checkpoints",
    operation_id="finance_verify",
)
def verify_account(request: HttpRequest, account_id: int) -> dict[str, Any]:
    """Recomputes every entry's hash in order; names the first entry that was edited, deleted,
    inserted or moved, and a rewrite or a cut-off tail that disagrees with a published head."""
    account = selectors.access_account_by_id(request.user, account_id)
    checkpoints = ledger.published_checkpoints(account)
    result = ledger.verify_account(account)
    return {
        "ok": result.ok,
        "reason": result.reason.value,
        "message": _verify_message(result),
        "sequence": result.sequence,
        "found": result.found,
        "checked": result.checked,
        "head": _head(result.head),
        "confirmed": _head(result.confirmed),
        "checkpoints": len(checkpoints),
    }


@router.post(
    "/accounts/{account_id}/income",
    response={201: EntryOut, **WRITE_ERRORS},
    summary="Record money received",
    operation_id="finance_income",
)
def record_income(
    request: HttpRequest, account_id: int, payload: IncomeIn
) -> tuple[int, dict[str, Any]]:
    """Posts one entry at once (income needs no approval); workers and the estate's property
    staff record it."""
    entry = services.income_record(
        actor=request.user,
        account_id=account_id,
        category=payload.category,
        amount=payload.amount,
        description=payload.description,
        counterparty=payload.counterparty,
        received_on=payload.received_on,
        unit_id=payload.unit_id,
    )
    return 201, _entry_out(entry)


# --- expenses -------------------------------------------------------------------------------


@router.post(
    "/accounts/{account_id}/expenses",
    response={201: ExpenseOut, **WRITE_ERRORS},
    summary="Record an expense for approval",
    operation_id="finance_expense_record",
)
def record_expense(
    request: HttpRequest, account_id: int, payload: ExpenseIn
) -> tuple[int, dict[str, Any]]:
    """It waits for someone else's approval; its `requirements` say whose, and what else the
    Hangzhou rules need (an owners' vote, an audit report, emergency confirmations)."""
    expense = services.expense_record(
        actor=request.user,
        account_id=account_id,
        category=payload.category,
        description=payload.description,
        counterparty=payload.counterparty,
        amount=payload.amount,
        spent_on=payload.spent_on,
        budget=payload.budget,
        building_id=payload.building_id,
        emergency=payload.emergency,
    )
    return 201, _expense_out(_access_expense(request, expense.pk))


@router.post(
    "/expenses/{expense_id}/receipts",
    response={201: ReceiptOut, **WRITE_ERRORS},
    summary="Attach a receipt or the audit report (PDF, JPEG or PNG, at most 10 MB)",
    operation_id="finance_receipt_add",
)
def add_receipt(
    request: HttpRequest,
    expense_id: int,
    file: UploadedFile = RECEIPT_FILE,
    kind: ReceiptKindValue = RECEIPT_KIND,
) -> tuple[int, dict[str, Any]]:
    """Multipart upload while the expense awaits approval. Images are re-encoded without their
    EXIF data. The file is required; it is checked after access, so that a caller who may not
    record on this account learns nothing from the answer."""
    expense = _access_expense(request, expense_id)
    if not services.can_record(request.user, expense.account):
        raise NotFound(_("This expense does not exist."), code="not_found")
    if file is None:
        raise ValidationError([{"loc": ("body", "file"), "type": "missing"}])
    receipt = services.receipt_add(
        actor=request.user, expense_id=expense.pk, uploaded_file=file, kind=kind
    )
    return 201, _receipt_out(receipt)


@router.get(
    "/expenses/{expense_id}",
    response={200: ExpenseOut, **READ_ERRORS},
    summary="One expense, and what it still needs before it may be posted",
    operation_id="finance_expense",
)
def get_expense(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _expense_out(_access_expense(request, expense_id))


@router.post(
    "/expenses/{expense_id}/decision",
    response={200: ExpenseOut, **WRITE_ERRORS},
    summary="Approve or reject an expense",
    operation_id="finance_expense_decide",
)
def decide_expense(request: HttpRequest, expense_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Workers and the estate's owners' committee decide; never the person who recorded it
    (403). An approval that leaves a requirement unmet answers 409 with the reasons and
    changes nothing; once every requirement holds the expense is posted to the ledger."""
    services.expense_decide(
        actor=request.user,
        expense_id=expense_id,
        approve=payload.approve,
        note=payload.note,
        waive_audit=payload.waive_audit,
    )
    return _expense_out(_access_expense(request, expense_id))


@router.post(
    "/expenses/{expense_id}/motion",
    response={200: ExpenseOut, **WRITE_ERRORS},
    summary="Link the owners' vote that approved an expense",
    operation_id="finance_expense_motion",
)
def link_motion(request: HttpRequest, expense_id: int, payload: MotionLinkIn) -> dict[str, Any]:
    """Only a vote of the account's estate whose result was published as passed (else 409)."""
    services.expense_link_motion(
        actor=request.user, expense_id=expense_id, motion_id=payload.motion_id
    )
    return _expense_out(_access_expense(request, expense_id))


@router.post(
    "/expenses/{expense_id}/confirmations",
    response={201: ConfirmationOut, **WRITE_ERRORS},
    summary="Record an emergency confirmation (HZ-PMR Art. 73)",
    operation_id="finance_expense_confirm",
)
def confirm_emergency(
    request: HttpRequest, expense_id: int, payload: ConfirmationIn
) -> tuple[int, dict[str, Any]]:
    """The committee's check (a committee member) or the street office's confirmation (a
    worker or street staff), with the reference of the signed document."""
    confirmation = services.emergency_confirm(
        actor=request.user,
        expense_id=expense_id,
        step=payload.step,
        document_ref=payload.document_ref,
    )
    return 201, {
        "step": confirmation.step,
        "document_ref": confirmation.document_ref,
        "confirmed_by": confirmation.confirmed_by.name,
        "confirmed_at": confirmation.confirmed_at,
    }


# --- cost plans and payments ----------------------------------------------------------------


@router.post(
    "/accounts/{account_id}/plans",
    response={201: PlanOut, **WRITE_ERRORS},
    summary="Draft a cost plan (分摊方案) on a project fund",
    operation_id="finance_plan_create",
)
def create_plan(
    request: HttpRequest, account_id: int, payload: PlanIn
) -> tuple[int, dict[str, Any]]:
    """Checked by computing it: the answer lists the share each unit would pay."""
    plan = services.plan_create(
        actor=request.user,
        account_id=account_id,
        title=payload.title,
        scheme=payload.scheme,
        gross=payload.gross,
        subsidy=payload.subsidy,
        roster=payload.roster,
        parameters=_parameters(payload.parameters),
        opt_outs=payload.opt_outs,
        purpose=payload.purpose,
        motion_id=payload.motion_id,
    )
    return 201, _plan_out(selectors.access_plan_by_id(request.user, plan.pk))


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, **READ_ERRORS},
    summary="One cost plan with its shares",
    operation_id="finance_plan",
)
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    return _plan_out(selectors.access_plan_by_id(request.user, plan_id))


@router.post(
    "/plans/{plan_id}/issue",
    response={200: PlanOut, **WRITE_ERRORS},
    summary="Issue a draft plan: one receivable share per unit",
    operation_id="finance_plan_issue",
)
def issue_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    services.plan_issue(actor=request.user, plan_id=plan_id)
    return _plan_out(selectors.access_plan_by_id(request.user, plan_id))


@router.post(
    "/shares/{share_id}/payments",
    response={201: PaymentOut, **WRITE_ERRORS},
    summary="Record a payment of a share",
    operation_id="finance_payment",
)
def record_payment(
    request: HttpRequest, share_id: int, payload: PaymentIn
) -> tuple[int, dict[str, Any]]:
    """In full or in part, posted to the plan's account; more than is outstanding is 409."""
    payment = services.payment_record(
        actor=request.user,
        share_id=share_id,
        amount=payload.amount,
        channel=payload.channel,
        reference=payload.reference,
        paid_on=payload.paid_on,
    )
    amount, paid = Share.objects.values_list("amount", "paid").get(pk=payment.share_id)
    return 201, {
        "id": payment.pk,
        "share_id": payment.share_id,
        "unit_id": payment.share.unit_id,
        "amount": payment.amount,
        "channel": payment.channel,
        "channel_label": str(payment.get_channel_display()),
        "reference": payment.reference,
        "paid_at": payment.paid_at,
        "entry_sequence": payment.entry.sequence,
        "entry_hash": payment.entry.hash,
        "share_paid": paid,
        "share_outstanding": amount - paid,
    }


# --- statements -----------------------------------------------------------------------------


@router.post(
    "/accounts/{account_id}/statements",
    response={201: StatementOut, **WRITE_ERRORS},
    summary="Publish the statement of a month, half-year or year that has ended",
    operation_id="finance_statement_publish",
)
def publish_statement(
    request: HttpRequest, account_id: int, payload: StatementIn
) -> tuple[int, dict[str, Any]]:
    """Figures by category, opening and closing balance and the ledger head at the end, with a
    PDF and an Excel file, in a public notice for at least 15 days."""
    statement = services.statement_publish(
        actor=request.user,
        account_id=account_id,
        period=payload.period,
        starts_on=payload.starts_on,
    )
    return 201, _statement_out(statement)


# --- the public ledger ----------------------------------------------------------------------


@router.get(
    "/public/accounts/{public_id}",
    response={200: PublicAccountOut, **PUBLIC_ERRORS},
    summary="An account of the public ledger (public)",
    operation_id="finance_public_account",
    **PUBLIC,
)
def get_public_account(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Balance, ledger head, the last published checkpoint and the published statements."""
    account = selectors.public_account(public_id)
    balance = selectors.balances([account.pk])[account.pk]
    return {
        "public_id": account.public_id,
        "community_name": account.community.name,
        "estate_name": account.estate.name if account.estate is not None else None,
        "kind": account.kind,
        "kind_label": str(account.get_kind_display()),
        "name": account.name,
        "balance": balance,
        "head_sequence": account.head_sequence,
        "head_hash": account.head_hash,
        "fund_health": _fund_health(account, balance),
        "last_checkpoint": _last_checkpoint(account),
        "statements": [_statement_summary(s) for s in selectors.published_statements(account)],
    }


@router.get(
    "/public/accounts/{public_id}/entries",
    response={200: PublicEntryPageOut, **PUBLIC_ERRORS},
    summary="The public ledger's entries, counterparties masked (public)",
    operation_id="finance_public_entries",
    **PUBLIC,
)
def list_public_entries(
    request: HttpRequest, public_id: uuid.UUID, params: Query[EntryListParams]
) -> dict[str, Any]:
    account = selectors.public_account(public_id)
    limit = _limit(params.limit)
    entries = selectors.entries_page(account, before=params.before, size=limit)
    return {
        "items": [
            {
                "sequence": e.sequence,
                "booked_on": e.booked_on,
                "description": e.description,
                "counterparty": e.counterparty,
                "categories": list(e.categories),
                "amount_in": e.amount_in,
                "amount_out": e.amount_out,
                "reverses": e.reverses,
                "hash": e.hash,
            }
            for e in selectors.public_entries(entries)
        ],
        "next_before": _next_before([entry.sequence for entry in entries], limit),
    }


@router.get(
    "/public/statements/{public_id}",
    response={200: StatementOut, **PUBLIC_ERRORS},
    summary="A published statement (public)",
    operation_id="finance_public_statement",
    **PUBLIC,
)
def get_public_statement(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    statement = (
        Statement.objects.select_related("account__estate", "notice")
        .filter(public_id=public_id)
        .first()
    )
    if statement is None:
        raise NotFound(_("This statement does not exist."), code="not_found")
    return _statement_out(statement)


# --- an owner's own money -------------------------------------------------------------------


@router.get(
    "/mine",
    response={200: MineOut, **error_responses(401, 422)},
    summary="My homes' fund balances, shares and payments",
    operation_id="finance_mine",
)
def get_mine(request: HttpRequest) -> dict[str, Any]:
    """For each flat I own now: its maintenance-fund balance, its shares of issued cost plans
    and the payments made on them, newest first."""
    user = request.user
    payments: list[Payment] = list(
        selectors.my_payments(user).select_related("share__unit__building", "share__unit__entrance")
    )
    return {
        "funds": [
            {
                "unit_id": unit.pk,
                "unit_label": unit.label,
                "account_public_id": account.public_id,
                "account_name": account.name,
                "balance": balance,
            }
            for unit, account, balance in selectors.my_fund_balances(user)
        ],
        "shares": [
            {
                "share_id": share.pk,
                "plan_public_id": share.plan.public_id,
                "plan_title": share.plan.title,
                "account_public_id": share.plan.account.public_id,
                "unit_id": share.unit_id,
                "unit_label": share.unit.label,
                "amount": share.amount,
                "paid": share.paid,
                "outstanding": share.amount - share.paid,
                "issued_at": share.plan.issued_at,
            }
            for share in selectors.my_shares(user)
        ],
        "payments": [
            {
                "share_id": payment.share_id,
                "plan_title": payment.share.plan.title,
                "unit_label": payment.share.unit.label,
                "amount": payment.amount,
                "channel": payment.channel,
                "channel_label": str(payment.get_channel_display()),
                "reference": payment.reference,
                "paid_at": payment.paid_at,
                "entry_sequence": payment.entry.sequence,
                "entry_hash": payment.entry.hash,
            }
            for payment in payments
        ],
    }
