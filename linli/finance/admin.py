"""Admin for sunshine finance: a window onto the books, never a way around the services.

The ledger and everything that feeds or proves it — entries, their lines, checkpoints,
approvals, emergency confirmations and payments — is append-only (the database refuses UPDATE
and DELETE too, migration finance/0002), so here it can be read and never added, changed or
deleted. Expenses, receipts, cost plans, shares and statements change only through the
services, with their checks and audit rows, so they are read-only here as well.

Two things may be edited: an account's name, first deposit and closing date (never its kind,
estate or chain fields: the ledger key is inside every entry's hash, and the head is the chain's
own record), with an audit row; and a community's approval thresholds, through `policy_set`
so that the ordering check and the audit trail are the staff pages' own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from linli.core.audit import audit_record
from linli.core.errors import LinliError
from linli.finance.models import (
    Account,
    Approval,
    Checkpoint,
    CostPlan,
    EmergencyConfirmation,
    Entry,
    EntryLine,
    Expense,
    FinancePolicy,
    Payment,
    Receipt,
    Share,
    Statement,
)
from linli.finance.services import policy_set

ACCOUNT_EDITABLE = ("name", "first_deposit", "closed_at")
ACCOUNT_READONLY = (
    "public_id",
    "community",
    "estate",
    "kind",
    "ledger_key",
    "head_sequence",
    "head_hash",
    "created_at",
)
POLICY_EDITABLE = ("committee_threshold", "motion_threshold")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: no add, change or delete, whoever asks. Every field is shown read-only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(name for name in self.fields or () if isinstance(name, str))


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "estate", "kind", "head_sequence", "closed_at")
    list_filter = ("kind", "community")
    search_fields = ("name", "ledger_key")
    list_select_related = ("community", "estate")
    fields = (*ACCOUNT_EDITABLE, *ACCOUNT_READONLY)
    readonly_fields = ACCOUNT_READONLY

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An account is opened by `account_open`, which fixes its ledger key.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Account, form: Any, change: bool) -> None:
        # Only the editable columns are written, so a stale head can never be saved back.
        changed = [name for name in ACCOUNT_EDITABLE if name in form.changed_data]
        if not changed:
            return
        obj.save(update_fields=changed)
        audit_record(
            actor=request.user,
            action="finance.account_admin_change",
            obj=obj,
            summary=f"{obj.name}: {', '.join(changed)} changed in the admin",
        )


class PolicyAdminForm(forms.ModelForm):
    """Runs a change through `policy_set`, so a refusal shows on the form."""

    request: HttpRequest | None = None

    class Meta:
        model = FinancePolicy
        fields = POLICY_EDITABLE

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or self.instance.pk is None or self.request is None:
            return cleaned
        try:
            policy_set(
                actor=self.request.user,
                community_id=self.instance.community_id,
                committee_threshold=cleaned["committee_threshold"],
                motion_threshold=cleaned["motion_threshold"],
            )
        except LinliError as exc:
            raise forms.ValidationError(exc.message) from exc
        return cleaned


@admin.register(FinancePolicy)
class FinancePolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = ("community", "committee_threshold", "motion_threshold")
    list_select_related = ("community",)
    fields = ("community", *POLICY_EDITABLE)
    readonly_fields = ("community",)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"request": request})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FinancePolicy, form: Any, change: bool) -> None:
        # The form's clean() already saved the thresholds through policy_set.
        return None


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("account", "sequence", "booked_on", "memo", "reverses", "hash")
    list_filter = ("community",)
    search_fields = ("memo", "hash", "account__name")
    list_select_related = ("account",)
    fields = (
        "community",
        "account",
        "sequence",
        "booked_at",
        "booked_on",
        "lines",
        "memo",
        "reverses",
        "previous_hash",
        "hash",
        "recorded_by",
        "expense",
    )


@admin.register(EntryLine)
class EntryLineAdmin(ReadOnlyAdmin):
    list_display = ("entry", "account", "booked_on", "category", "unit", "debit", "credit")
    list_filter = ("category",)
    list_select_related = ("entry", "account", "unit__estate", "unit__building", "unit__entrance")
    fields = ("community", "entry", "account", "booked_on", "category", "unit", "debit", "credit")


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("account", "sequence", "hash", "published_at", "notice")
    list_select_related = ("account", "notice")
    fields = ("community", "account", "sequence", "hash", "published_at", "notice")


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyAdmin):
    list_display = ("description", "account", "amount", "status", "recorded_by", "recorded_at")
    list_filter = ("status", "category", "community")
    search_fields = ("description", "counterparty")
    list_select_related = ("account", "recorded_by")
    fields = (
        "public_id",
        "community",
        "account",
        "category",
        "description",
        "counterparty",
        "amount",
        "budget",
        "spent_on",
        "building",
        "motion",
        "emergency",
        "audit_waived",
        "status",
        "recorded_by",
        "recorded_at",
        "decided_at",
    )


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    # The file itself is served only by the staff pages, as an attachment, to those who may
    # see the expense; the admin shows what identifies it.
    list_display = ("name", "expense", "kind", "content_type", "size", "uploaded_at")
    list_filter = ("kind", "content_type")
    list_select_related = ("expense",)
    fields = (
        "community",
        "expense",
        "kind",
        "name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ("expense", "approver", "acting_as", "approved", "decided_at")
    list_filter = ("acting_as", "approved")
    list_select_related = ("expense", "approver")
    fields = (
        "community",
        "expense",
        "approver",
        "recorded_by",
        "acting_as",
        "approved",
        "note",
        "decided_at",
    )


@admin.register(EmergencyConfirmation)
class EmergencyConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("expense", "step", "confirmed_by", "document_ref", "confirmed_at")
    list_filter = ("step",)
    list_select_related = ("expense", "confirmed_by")
    fields = ("community", "expense", "step", "confirmed_by", "document_ref", "confirmed_at")


@admin.register(CostPlan)
class CostPlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "account", "scheme", "purpose", "net", "status", "issued_at")
    list_filter = ("scheme", "purpose", "status")
    search_fields = ("title",)
    list_select_related = ("account",)
    fields = (
        "public_id",
        "community",
        "account",
        "title",
        "scheme",
        "purpose",
        "gross",
        "subsidy",
        "net",
        "unused_subsidy",
        "parameters",
        "roster",
        "opt_outs",
        "motion",
        "status",
        "created_by",
        "created_at",
        "issued_at",
    )


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    list_display = ("plan", "position", "unit", "amount", "paid")
    list_select_related = ("plan", "unit__estate", "unit__building", "unit__entrance")
    fields = ("community", "plan", "unit", "position", "amount", "paid")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("share", "amount", "channel", "reference", "paid_at")
    list_filter = ("channel",)
    list_select_related = ("share__plan",)
    fields = (
        "community",
        "share",
        "amount",
        "channel",
        "reference",
        "entry",
        "recorded_by",
        "paid_at",
    )


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ("account", "period", "starts_on", "ends_on", "closing", "head_sequence")
    list_filter = ("period",)
    list_select_related = ("account",)
    fields = (
        "public_id",
        "community",
        "account",
        "period",
        "starts_on",
        "ends_on",
        "opening",
        "income",
        "expense",
        "closing",
        "data",
        "head_sequence",
        "head_hash",
        "notice",
        "created_by",
        "created_at",
    )
