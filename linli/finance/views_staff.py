"""The staff console of sunshine finance: accounts and their ledgers, income, expenses with
receipts and approvals, cost plans with shares and payments, statements, checkpoints and the
verification of a ledger's hash chain.

Who sees what is `services.can_view_staff` (recorders, approvers and street staff of the
account's community); recording income and expenses is `services.can_record` (workers and the
estate's property company), approving and issuing is `services.can_approve` (workers and the
estate's owners' committee). Every write goes through linli.finance.services: a refusal comes
back on the page with its message and the service's status (400, 403 or 409) and changes
nothing. Anything outside what the user may see answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.models import Role
from linli.accounts.selectors import community_ids_for, has_role, is_staff_in, staff_community_ids
from linli.core import clock
from linli.core.errors import LinliError, NotFound
from linli.core.views import translate_errors
from linli.domain import cost_plans, fund_rules
from linli.domain import ledger as chain_rules
from linli.finance import ledger, selectors, services, verification
from linli.finance.forms import (
    CONFIRMATION_LABELS,
    EMERGENCY_LABELS,
    ConfirmForm,
    DecideForm,
    DocumentForm,
    ExpenseForm,
    IncomeForm,
    LinkMotionForm,
    PaymentForm,
    PlanForm,
    ReverseForm,
    StatementForm,
)
from linli.finance.ledger import split_memo
from linli.finance.models import (
    Account,
    Approval,
    CostPlan,
    Entry,
    Expense,
    Share,
)
from linli.registry.models import Building, Community, Entrance, Unit

ENTRIES_PAGE = 50
UNITS_PAGE = 50
EXPENSES_SHOWN = 20


def _account(user: Any, pk: int, allowed: Callable[[Any, Account], bool] | None = None) -> Account:
    """An account whose staff pages the user may see (and, if given, `allowed` holds)."""
    account = selectors.access_account_by_id(user, pk)
    if allowed is not None and not allowed(user, account):
        raise NotFound(_("This account does not exist."), code="not_found")
    return account


def _form_errors(request: HttpRequest, form: Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _positive_int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


# --- the console: accounts and what waits for me -------------------------------------------


@login_required
@require_GET
@translate_errors
def manage(request: HttpRequest) -> HttpResponse:
    """The accounts the user may see, by estate, with balances, heads, the M1 top-up warning
    and the expenses awaiting approval; below, the expenses awaiting this user's decision."""
    user = request.user
    accounts = selectors.staff_accounts(user)
    worker_of = staff_community_ids(user)
    if not accounts and not worker_of:
        raise NotFound(_("This page does not exist."), code="not_found")
    ids = [account.pk for account in accounts]
    money = selectors.balances(ids)
    waiting = dict(
        Expense.objects.filter(account_id__in=ids, status=Expense.Status.RECORDED)
        .values("account_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("account_id", "n")
    )
    groups: dict[tuple[int, int | None], dict[str, Any]] = {}
    kinds = {kind: index for index, kind in enumerate(Account.Kind.values)}
    order = sorted(
        accounts,
        key=lambda a: (a.community_id, a.estate_id is not None, a.estate_id or 0, kinds[a.kind]),
    )
    for account in order:
        group = groups.setdefault(
            (account.community_id, account.estate_id),
            {"community": account.community, "estate": account.estate, "rows": []},
        )
        group["rows"].append(
            {
                "account": account,
                "balance": money[account.pk],
                "health": selectors.fund_health(account, money[account.pk]),
                "waiting": waiting.get(account.pk, 0),
                "can_record": services.can_record(user, account),
            }
        )
    context = {
        "groups": list(groups.values()),
        "many_communities": len({account.community_id for account in accounts}) > 1,
        "pending": selectors.pending_expenses(user),
        "checkpoint_communities": list(Community.objects.filter(pk__in=worker_of).order_by("name")),
        "nav": "console",
    }
    return render(request, "finance/staff/manage.html", context)


@login_required
@require_POST
@translate_errors
def checkpoints_publish(request: HttpRequest) -> HttpResponse:
    """A worker publishes the heads of the community's ledgers now (the daily job does it too)."""
    community_id = _positive_int(request.POST.get("community"))
    if community_id is None or community_id not in staff_community_ids(request.user):
        raise NotFound(_("This community does not exist."), code="not_found")
    count = services.checkpoints_publish(community_id=community_id, actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "The head of %(count)d ledger is published as a notice.",
                "The heads of %(count)d ledgers are published as a notice.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No ledger has moved since its last checkpoint."))
    return redirect("finance:manage")


# --- one account: its ledger, sub-ledger, statements and corrections ------------------------


@dataclass(frozen=True)
class EntryRow:
    """An entry as staff see it: the counterparty in full, the reversal marks both ways."""

    sequence: int
    booked_on: Any
    description: str
    counterparty: str
    categories: tuple[str, ...]
    amount_in: int
    amount_out: int
    reverses: int | None
    reversed_by: int | None
    hash: str


def entry_rows(account: Account, entries: list[Entry]) -> list[EntryRow]:
    """`entries` for the staff ledger table; one query for the reversals among them."""
    reversed_by = dict(
        Entry.objects.filter(account=account, reverses__in=[e.sequence for e in entries])
        .order_by()
        .values_list("reverses", "sequence")
    )
    return [
        EntryRow(
            sequence=shown.sequence,
            booked_on=shown.booked_on,
            description=shown.description,
            counterparty=split_memo(entry.memo)[1],
            categories=shown.categories,
            amount_in=shown.amount_in,
            amount_out=shown.amount_out,
            reverses=shown.reverses,
            reversed_by=reversed_by.get(shown.sequence),
            hash=shown.hash,
        )
        for entry, shown in zip(entries, selectors.public_entries(entries), strict=True)
    ]


def _units_of(account: Account) -> QuerySet[Unit]:
    """The units of the account's estate in roster order, ready for their labels."""
    return (
        Unit.objects.filter(estate_id=account.estate_id or 0)
        .select_related("estate", "building", "entrance")
        .order_by("building__sort_key", "entrance_id", "sort_key", "pk")
    )


def _last_month() -> date:
    return (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)


def _account_page(
    request: HttpRequest,
    account: Account,
    *,
    status: int = 200,
    statement_form: StatementForm | None = None,
    reverse_form: ReverseForm | None = None,
) -> HttpResponse:
    user = request.user
    before = _positive_int(request.GET.get("before"))
    entries = selectors.entries_page(account, before=before, size=ENTRIES_PAGE)
    balance = selectors.balances([account.pk])[account.pk]
    units_page, unit_money = None, {}
    if account.kind == Account.Kind.MAINTENANCE_FUND:
        units_page = Paginator(_units_of(account), UNITS_PAGE).get_page(request.GET.get("units"))
        unit_money = selectors.unit_balances(account, [unit.pk for unit in units_page])
    older = entries[-1].sequence if entries and entries[-1].sequence > 1 else None
    context = {
        "account": account,
        "balance": balance,
        "health": selectors.fund_health(account, balance),
        "rows": entry_rows(account, entries),
        "before": before,
        "older": older if len(entries) == ENTRIES_PAGE else None,
        "units_page": units_page,
        "unit_rows": [(unit, unit_money[unit.pk]) for unit in units_page or ()],
        "statements": list(selectors.published_statements(account)),
        "expenses": list(selectors.expenses_of(account)[:EXPENSES_SHOWN]),
        "can_record": services.can_record(user, account),
        "can_approve": services.can_approve(user, account),
        "is_worker": is_staff_in(user, account.community_id),
        "statement_form": statement_form
        or StatementForm(initial={"month": _last_month().strftime("%Y-%m")}),
        "reverse_form": reverse_form or ReverseForm(),
        "nav": "console",
    }
    return render(request, "finance/staff/account.html", context, status=status)


@login_required
@require_GET
@translate_errors
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: balance, fund health, the ledger newest first (keyset pages of 50), the
    per-unit sub-ledger of a maintenance fund, statements and recent expenses."""
    return _account_page(request, _account(request.user, pk))


@login_required
@require_POST
@translate_errors
def statement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the statement of a month, half-year or year that has ended."""
    account = _account(request.user, pk)
    form = StatementForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _account_page(request, account, status=400, statement_form=form)
    try:
        services.statement_publish(
            actor=request.user,
            account_id=account.pk,
            period=form.cleaned_data["period"],
            starts_on=form.cleaned_data["month"],
        )
    except NotFound:
        raise
    except LinliError as exc:
        messages.error(request, exc.message)
        return _account_page(request, account, status=exc.status, statement_form=form)
    messages.success(request, _("The statement is published as a notice for at least 15 days."))
    return redirect("finance:account", pk=account.pk)


@login_required
@require_POST
@translate_errors
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker corrects an entry by reversing it, with the reason."""
    account = _account(request.user, pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _account_page(request, account, status=400, reverse_form=form)
    try:
        entry = services.entry_reverse(
            actor=request.user, account_id=account.pk, **form.cleaned_data
        )
    except NotFound:
        raise
    except LinliError as exc:
        messages.error(request, exc.message)
        return _account_page(request, account, status=exc.status, reverse_form=form)
    messages.success(
        request,
        _("Entry %(original)d is reversed by entry %(sequence)d.")
        % {"original": form.cleaned_data["sequence"], "sequence": entry.sequence},
    )
    return redirect("finance:account", pk=account.pk)


# --- recording income and expenses ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def income(request: HttpRequest, pk: int) -> HttpResponse:
    """Record money received (workers, the estate's property company)."""
    account = _account(request.user, pk, services.can_record)
    data = request.POST if request.method == "POST" else None
    form = IncomeForm(data, account=account, units=_units_of(account))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                entry = services.income_record(
                    actor=request.user, account_id=account.pk, **form.service_arguments()
                )
            except NotFound:
                raise
            except LinliError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Recorded as entry %(sequence)d: %(amount)s yuan received.")
                    % {
                        "sequence": entry.sequence,
                        "amount": services.yuan(form.cleaned_data["amount"]),
                    },
                )
                return redirect("finance:account", pk=account.pk)
    context = {"account": account, "form": form, "nav": "console"}
    return render(request, "finance/staff/income.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def expense_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an expense with its receipts; someone else approves it."""
    account = _account(request.user, pk, services.can_record)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    buildings = Building.objects.filter(estate_id=account.estate_id or 0).order_by(
        "sort_key", "number"
    )
    form = ExpenseForm(*data, account=account, buildings=buildings)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                expense = services.expense_record(
                    actor=request.user, account_id=account.pk, **form.service_arguments()
                )
            except NotFound:
                raise
            except LinliError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, _("The expense is recorded. Someone else must now approve it.")
                )
                return redirect("finance:expense", expense_id=expense.pk)
    context = {"account": account, "form": form, "nav": "console"}
    return render(request, "finance/staff/expense_form.html", context, status=status)


# --- one expense: requirements, approvals and documents ------------------------------------


@dataclass(frozen=True)
class Check:
    done: bool
    text: str


def _motion_passed(motion: Any) -> bool:
    result = getattr(motion, "result", None) if motion is not None else None
    return bool(result is not None and result.passed and motion.status == "published")


def requirement_checks(
    expense: Expense, needs: services.Requirements, approvals: list[Approval]
) -> list[Check]:
    """What the expense needs before it is posted, each item done or not."""
    approved = [a for a in approvals if a.approved]
    checks = [Check(bool(approved), _("Approved by someone other than the person who recorded it"))]
    if needs.needs_committee:
        checks.append(
            Check(
                any(a.acting_as == Approval.As.COMMITTEE for a in approved),
                _("Approved by a member of the owners' committee"),
            )
        )
    if expense.emergency:
        for step in fund_rules.missing_confirmations(
            fund_rules.EmergencyKind(expense.emergency), ()
        ):
            checks.append(
                Check(step not in needs.emergency_missing, str(CONFIRMATION_LABELS[step]))
            )
    elif needs.needs_motion:
        checks.append(Check(_motion_passed(expense.motion), _("A passed owners' vote is linked")))
    if expense.account.kind == Account.Kind.MAINTENANCE_FUND:
        checks.append(
            Check(
                not needs.audit_required,
                _(
                    "The audit report is attached (a settlement of 30,000 yuan or less may "
                    "skip the audit with the owners' committee's approval)"
                ),
            )
        )
    if expense.budget is not None:
        checks.append(
            Check(
                not needs.overrun or bool(expense.emergency),
                _("Less than 10%% over the budget of %(budget)s yuan")
                % {"budget": services.yuan(expense.budget)},
            )
        )
    return checks


def _eligible_motions(expense: Expense) -> QuerySet[Any]:
    """Published, passed owners' votes of the expense's estate (or community)."""
    from linli.votes.models import Motion

    motions = Motion.objects.filter(
        community_id=expense.community_id,
        status=Motion.StatusChoices.PUBLISHED,
        result__passed=True,
    )
    if expense.account.estate_id is not None:
        motions = motions.filter(estate_id=expense.account.estate_id)
    # The same matters services.expense_link_motion accepts: never a poll; for the
    # maintenance fund, only a vote on using it.
    motions = motions.exclude(matter=Motion.Matter.POLL)
    if expense.account.kind == Account.Kind.MAINTENANCE_FUND:
        motions = motions.filter(matter__in=services.FUND_USE_MATTERS)
    return motions.order_by("-id")


def _confirmable_steps(user: Any, expense: Expense, missing: tuple[str, ...]) -> list[str]:
    """The missing Art. 73 confirmations this user may give."""
    account = expense.account
    if user.pk == expense.recorded_by_id:
        return []
    street = is_staff_in(user, account.community_id) or has_role(
        user, account.community_id, Role.STREET
    )
    allowed = {
        fund_rules.Confirmation.COMMITTEE_CHECK: services.is_committee_for(user, account),
        fund_rules.Confirmation.STREET_OFFICE_CONFIRMATION: street,
    }
    return [step for step in missing if allowed[fund_rules.Confirmation(step)]]


def _expense_page(
    request: HttpRequest, expense: Expense, *, status: int = 200, **forms: Form
) -> HttpResponse:
    user = request.user
    account = expense.account
    approvals = list(expense.approvals.select_related("approver"))
    needs = services.expense_requirements(expense, approvals=approvals)
    pending = expense.status == Expense.Status.RECORDED
    is_recorder = user.pk == expense.recorded_by_id
    decided = any(a.approver_id == user.pk for a in approvals)
    can_decide = pending and not is_recorder and not decided and services.can_approve(user, account)
    steps = _confirmable_steps(user, expense, needs.emergency_missing) if pending else []
    can_link = (
        pending
        and not expense.emergency
        and needs.needs_motion
        and services.can_approve(user, account)
    )
    context = {
        "expense": expense,
        "account": account,
        "emergency_label": EMERGENCY_LABELS.get(fund_rules.EmergencyKind(expense.emergency))
        if expense.emergency
        else "",
        "receipts": list(expense.receipts.all()),
        "approvals": [
            {
                "approval": a,
                "waived": a.waives_audit,
                "note": a.note,
            }
            for a in approvals
        ],
        "confirmations": list(expense.confirmations.select_related("confirmed_by")),
        "checks": requirement_checks(expense, needs, approvals) if pending else [],
        "blockers": needs.blockers if pending else [],
        "posted_as": list(expense.entries.values_list("sequence", flat=True))
        if expense.status == Expense.Status.POSTED
        else [],
        "recorded_by": expense.recorded_by,
        "is_recorder": is_recorder,
        "pending": pending,
        "decided": decided,
        "can_decide": can_decide,
        "can_waive": can_decide
        and account.kind == Account.Kind.MAINTENANCE_FUND
        and services.is_committee_for(user, account)
        and fund_rules.audit_waivable(expense.amount),
        "can_add": pending and services.can_record(user, account),
        "decide_form": forms.get("decide") or DecideForm(),
        "motion_form": forms.get("motion")
        or (LinkMotionForm(motions=_eligible_motions(expense)) if can_link else None),
        "confirm_form": forms.get("confirm") or (ConfirmForm(steps=steps) if steps else None),
        "document_form": forms.get("document") or DocumentForm(),
        "nav": "console",
    }
    return render(request, "finance/staff/expense.html", context, status=status)


@login_required
@require_GET
@translate_errors
def expense_detail(request: HttpRequest, expense_id: int) -> HttpResponse:
    """One expense: its facts, receipts, approvals, what it still needs, and the actions."""
    return _expense_page(request, selectors.access_expense_by_id(request.user, expense_id))


def _expense_post(
    request: HttpRequest,
    expense: Expense,
    key: str,
    form: Form,
    call: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
) -> HttpResponse:
    """Validate `form`, run one service call; a refusal re-renders the expense page."""
    if not form.is_valid():
        _form_errors(request, form)
        return _expense_page(request, expense, status=400, **{key: form})
    try:
        result = call(form.cleaned_data)
    except NotFound:
        raise
    except LinliError as exc:
        messages.error(request, exc.message)
        return _expense_page(request, expense, status=exc.status, **{key: form})
    messages.success(request, success(result))
    return redirect("finance:expense", expense_id=expense.pk)


def _decided(expense: Expense) -> str:
    if expense.status == Expense.Status.POSTED:
        return _("Approved: the expense is posted to the ledger.")
    if expense.status == Expense.Status.REJECTED:
        return _("The expense is rejected.")
    return _("Your approval is recorded; a member of the owners' committee must still approve.")


@login_required
@require_POST
@translate_errors
def expense_decide(request: HttpRequest, expense_id: int) -> HttpResponse:
    """Approve or reject an expense (never one's own: the service says so)."""
    expense = selectors.access_expense_by_id(request.user, expense_id)
    return _expense_post(
        request,
        expense,
        "decide",
        DecideForm(request.POST),
        lambda data: services.expense_decide(
            actor=request.user,
            expense_id=expense.pk,
            approve=data["decision"] == "approve",
            note=data["note"],
            waive_audit=data["waive_audit"],
        ),
        _decided,
    )


@login_required
@require_POST
@translate_errors
def expense_link_motion(request: HttpRequest, expense_id: int) -> HttpResponse:
    """Link the passed owners' vote that approved the expense (workers, the committee)."""
    expense = selectors.access_expense_by_id(request.user, expense_id)
    if not services.can_approve(request.user, expense.account):
        raise NotFound(_("This expense does not exist."), code="not_found")
    return _expense_post(
        request,
        expense,
        "motion",
        LinkMotionForm(request.POST, motions=_eligible_motions(expense)),
        lambda data: services.expense_link_motion(
            actor=request.user, expense_id=expense.pk, motion_id=data["motion"].pk
        ),
        lambda e: _("The owners' vote “%(title)s” is linked.") % {"title": e.motion.title},
    )


@login_required
@require_POST
@translate_errors
def emergency_confirm(request: HttpRequest, expense_id: int) -> HttpResponse:
    """Record an Art. 73 confirmation (the committee's check, the street office's)."""
    expense = selectors.access_expense_by_id(request.user, expense_id)
    return _expense_post(
        request,
        expense,
        "confirm",
        ConfirmForm(request.POST),
        lambda data: services.emergency_confirm(
            actor=request.user,
            expense_id=expense.pk,
            step=data["step"],
            document_ref=data["document_ref"],
        ),
        lambda confirmation: (
            _("Recorded: %(step)s.")
            % {"step": CONFIRMATION_LABELS[fund_rules.Confirmation(confirmation.step)]}
        ),
    )


@login_required
@require_POST
@translate_errors
def receipt_add(request: HttpRequest, expense_id: int) -> HttpResponse:
    """Attach a receipt or the audit report to an expense awaiting approval."""
    expense = selectors.access_expense_by_id(request.user, expense_id)
    if not services.can_record(request.user, expense.account):
        raise NotFound(_("This expense does not exist."), code="not_found")
    return _expense_post(
        request,
        expense,
        "document",
        DocumentForm(request.POST, request.FILES),
        lambda data: services.receipt_add(
            actor=request.user, expense_id=expense.pk, uploaded_file=data["file"], kind=data["kind"]
        ),
        lambda receipt: _("“%(name)s” is attached.") % {"name": receipt.name},
    )


@login_required
@require_GET
@translate_errors
def receipt_download(request: HttpRequest, receipt_id: int) -> FileResponse:
    """A receipt or audit report, always as a download (never shown inline)."""
    document = selectors.access_receipt_by_id(request.user, receipt_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This file does not exist.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- cost plans, shares and payments -------------------------------------------------------


def roster_groups(account: Account) -> list[tuple[str, str]]:
    """The buildings and entrances a plan's roster can be taken from: ("b12" or "e7", label)."""
    buildings = Building.objects.select_related("estate").order_by(
        "estate_id", "sort_key", "number"
    )
    entrances = Entrance.objects.select_related("building__estate").order_by(
        "building__estate_id", "building__sort_key", "building_id", "number"
    )
    if account.estate_id is not None:
        buildings = buildings.filter(estate_id=account.estate_id)
        entrances = entrances.filter(building__estate_id=account.estate_id)
    else:
        buildings = buildings.filter(community_id=account.community_id)
        entrances = entrances.filter(community_id=account.community_id)
    by_building: dict[int, list[Entrance]] = {}
    for entrance in entrances:
        by_building.setdefault(entrance.building_id, []).append(entrance)
    groups = []
    for building in buildings:
        prefix = f"{building.estate.name} {building}"
        groups.append(
            (f"b{building.pk}", str(_("%(building)s, every entrance") % {"building": prefix}))
        )
        groups.extend(
            (f"e{entrance.pk}", f"{prefix} {entrance}")
            for entrance in by_building.get(building.pk, [])
        )
    return groups


def roster_units(account: Account, group: str | None) -> list[Unit]:
    """The units of one building ("b12") or entrance ("e7") of the account's estate (or
    community), in roster order; empty for anything else."""
    kind, number = (group or "")[:1], _positive_int((group or "")[1:])
    if number is None or kind not in ("b", "e"):
        return []
    units = Unit.objects.select_related("estate", "building", "entrance")
    units = units.filter(building_id=number) if kind == "b" else units.filter(entrance_id=number)
    if account.estate_id is not None:
        units = units.filter(estate_id=account.estate_id)
    else:
        units = units.filter(community_id=account.community_id)
    return list(units.order_by("entrance_id", "floor", "sort_key", "pk"))


@dataclass(frozen=True)
class PreviewRow:
    unit: Unit
    fen: int
    opted_out: bool


def plan_preview_context(form: PlanForm) -> tuple[dict[str, Any], int]:
    """The shares the form's plan would give (no write), or the reasons it cannot."""
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
            for name, field_errors in form.errors.items()
            for error in field_errors
        ]
        return {"preview_errors": errors}, 400
    data = form.cleaned_data
    subsidy = (data["subsidy"] or 0) if data["purpose"] == CostPlan.Purpose.CONSTRUCTION else 0
    cost = cost_plans.net_cost(data["gross"], subsidy)
    if not form.units:
        return {"preview_errors": [_("Choose the units that share the cost.")]}, 400
    try:
        computed = services.plan_compute(
            scheme=data["scheme"],
            units=[cost_plans.Unit(key=u.pk, floor=u.floor, area=u.area) for u in form.units],
            net=cost.net_fen,
            parameters=form.parameters(),
            opt_outs=list(data["opt_outs"]),
        )
    except LinliError as exc:
        return {"preview_errors": [exc.message]}, exc.status
    out = set(computed.opted_out)
    rows = [
        PreviewRow(unit, share.fen, unit.pk in out)
        for unit, share in zip(form.units, computed.shares, strict=True)
    ]
    return {"preview": {"rows": rows, "cost": cost, "total": sum(r.fen for r in rows)}}, 200


def _plans_page(
    request: HttpRequest,
    account: Account,
    *,
    form: PlanForm | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    may_create = account.kind == Account.Kind.PROJECT_FUND and services.can_approve(
        request.user, account
    )
    group = request.POST.get("group") or request.GET.get("group") or ""
    if form is None:
        form = PlanForm(units=roster_units(account, group) if may_create else [])
    plans = (
        CostPlan.objects.filter(account=account)
        .annotate(shared=Sum("shares__amount"), paid=Sum("shares__paid"))
        .order_by("-created_at", "-id")
    )
    context = {
        "account": account,
        "plans": list(plans),
        "may_create": may_create,
        "groups": roster_groups(account) if may_create else [],
        "group": group,
        "form": form,
        "nav": "console",
        **(extra or {}),
    }
    return render(request, "finance/staff/plans.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def plans(request: HttpRequest, pk: int) -> HttpResponse:
    """An account's cost plans, and a new one over a building or entrance. POST with
    action=preview shows the shares without saving (the page's htmx does it live)."""
    account = _account(request.user, pk)
    if request.method == "GET":
        return _plans_page(request, account)
    if not (
        account.kind == Account.Kind.PROJECT_FUND and services.can_approve(request.user, account)
    ):
        raise NotFound(_("This account does not exist."), code="not_found")
    form = PlanForm(request.POST, units=roster_units(account, request.POST.get("group")))
    if request.POST.get("action") == "preview":
        extra, status = plan_preview_context(form)
        return _plans_page(request, account, form=form, status=status, extra=extra)
    if not form.is_valid():
        return _plans_page(request, account, form=form, status=400)
    try:
        plan = services.plan_create(
            actor=request.user, account_id=account.pk, **form.service_arguments()
        )
    except NotFound:
        raise
    except LinliError as exc:
        form.add_error(None, exc.message)
        return _plans_page(request, account, form=form, status=exc.status)
    messages.success(
        request, _("The cost plan is saved as a draft. Check the shares, then issue it.")
    )
    return redirect("finance:plan", plan_id=plan.pk)


@login_required
@require_POST
@translate_errors
def plan_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The shares table of the plan being written (htmx); nothing is saved."""
    account = _account(request.user, pk, services.can_approve)
    form = PlanForm(request.POST, units=roster_units(account, request.POST.get("group")))
    context, status = plan_preview_context(form)
    return render(request, "finance/staff/plans.html#preview", context, status=status)


@dataclass(frozen=True)
class ShareRow:
    unit: Unit
    amount: int
    paid: int
    share: Share | None

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid


def _plan_page(
    request: HttpRequest,
    plan: CostPlan,
    *,
    status: int = 200,
    payment_form: PaymentForm | None = None,
    share_id: int | None = None,
) -> HttpResponse:
    user = request.user
    account = plan.account
    if plan.status == CostPlan.Status.ISSUED:
        shares = Share.objects.filter(plan=plan).select_related(
            "unit__estate", "unit__building", "unit__entrance"
        )
        rows = [ShareRow(s.unit, s.amount, s.paid, s) for s in shares.order_by("position")]
    else:
        computed = services.plan_of(plan)
        units = {
            u.pk: u
            for u in Unit.objects.filter(pk__in=plan.roster).select_related(
                "estate", "building", "entrance"
            )
        }
        rows = [ShareRow(units[int(s.key)], s.fen, 0, None) for s in computed.shares]
    can_pay = plan.status == CostPlan.Status.ISSUED and services.can_record(user, account)
    payments = [
        (
            row,
            payment_form
            if payment_form is not None and row.share.pk == share_id
            else PaymentForm(auto_id=f"id_pay{row.share.pk}_%s"),
        )
        for row in rows
        if can_pay and row.share is not None and row.outstanding > 0
    ]
    context = {
        "plan": plan,
        "account": account,
        "rows": rows,
        "total": sum(r.amount for r in rows),
        "paid": sum(r.paid for r in rows),
        "opted_out": set(plan.opt_outs),
        "can_issue": plan.status == CostPlan.Status.DRAFT and services.can_approve(user, account),
        "payments": payments,
        "share_id": share_id,
        "nav": "console",
    }
    return render(request, "finance/staff/plan.html", context, status=status)


@login_required
@require_GET
@translate_errors
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A cost plan: its shares (paid and outstanding once issued), issue and payments."""
    return _plan_page(request, selectors.access_plan_by_id(request.user, plan_id))


@login_required
@require_POST
@translate_errors
def plan_issue(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Issue a draft plan: one receivable share per unit."""
    plan = selectors.access_plan_by_id(request.user, plan_id)
    try:
        services.plan_issue(actor=request.user, plan_id=plan.pk)
    except NotFound:
        raise
    except LinliError as exc:
        messages.error(request, exc.message)
        return _plan_page(request, plan, status=exc.status)
    messages.success(request, _("The plan is issued: each unit now owes its share."))
    return redirect("finance:plan", plan_id=plan.pk)


@login_required
@require_POST
@translate_errors
def payment_record(request: HttpRequest, share_id: int) -> HttpResponse:
    """Record a payment of one share; it is posted to the plan's account."""
    share = (
        Share.objects.filter(pk=share_id, community_id__in=community_ids_for(request.user))
        .values_list("plan_id", flat=True)
        .first()
    )
    if share is None:
        raise NotFound(_("This share does not exist."), code="not_found")
    plan = selectors.access_plan_by_id(request.user, share)
    form = PaymentForm(request.POST, auto_id=f"id_pay{share_id}_%s")
    if not form.is_valid():
        _form_errors(request, form)
        return _plan_page(request, plan, status=400, payment_form=form, share_id=share_id)
    try:
        payment = services.payment_record(
            actor=request.user, share_id=share_id, **form.cleaned_data
        )
    except NotFound:
        raise
    except LinliError as exc:
        messages.error(request, exc.message)
        return _plan_page(request, plan, status=exc.status, payment_form=form, share_id=share_id)
    messages.success(
        request,
        _("Payment of %(amount)s yuan recorded as entry %(sequence)d.")
        % {"amount": services.yuan(payment.amount), "sequence": payment.entry.sequence},
    )
    return redirect("finance:plan", plan_id=plan.pk)


# --- verification --------------------------------------------------------------------------


@login_required
@require_GET
@translate_errors
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the account's hash chain against its published checkpoints, and against a head
    the user pastes from a notice; name the first bad entry."""
    account = _account(request.user, pk)
    head_text = request.GET.get("head", "").strip()[:100]
    extra: list[chain_rules.Checkpoint] = []
    error, status = "", 200
    if head_text:
        try:
            extra.append(verification.parse_head(head_text))
        except ValueError:
            error, status = _("Paste a head as ENTRY:HASH, e.g. 42:3f5a… (64 hex digits)."), 400
    result = None if error else verification.check(account, extra)
    context = {
        "account": account,
        "result": result,
        "verdict": result.text if result else "",
        "published": ledger.published_checkpoints(account),
        "head_text": head_text,
        "error": error,
        "nav": "console",
    }
    return render(request, "finance/staff/verify.html", context, status=status)


urlpatterns = [
    path("manage/", manage, name="manage"),
    path("manage/checkpoints/publish/", checkpoints_publish, name="checkpoints_publish"),
    path("manage/accounts/<int:pk>/", account_detail, name="account"),
    path("manage/accounts/<int:pk>/income/", income, name="income"),
    path("manage/accounts/<int:pk>/expenses/new/", expense_new, name="expense_new"),
    path("manage/accounts/<int:pk>/statements/", statement_publish, name="statement_publish"),
    path("manage/accounts/<int:pk>/reverse/", entry_reverse, name="entry_reverse"),
    path("manage/accounts/<int:pk>/plans/", plans, name="plans"),
    path("manage/accounts/<int:pk>/plans/preview/", plan_preview, name="plan_preview"),
    path("manage/accounts/<int:pk>/verify/", verify, name="verify"),
    path("manage/expenses/<int:expense_id>/", expense_detail, name="expense"),
    path("manage/expenses/<int:expense_id>/decide/", expense_decide, name="expense_decide"),
    path(
        "manage/expenses/<int:expense_id>/motion/", expense_link_motion, name="expense_link_motion"
    ),
    path("manage/expenses/<int:expense_id>/confirm/", emergency_confirm, name="emergency_confirm"),
    path("manage/expenses/<int:expense_id>/documents/", receipt_add, name="receipt_add"),
    path("manage/receipts/<int:receipt_id>/", receipt_download, name="receipt"),
    path("manage/plans/<int:plan_id>/", plan_detail, name="plan"),
    path("manage/plans/<int:plan_id>/issue/", plan_issue, name="plan_issue"),
    path("manage/shares/<int:share_id>/pay/", payment_record, name="payment_record"),
]
