"""Admin for owners' votes: a window onto the records, never a way around the services.

A draft motion's question and explanation change only through `motion_update` (so the admin
shares the pages' checks and audit trail); once announced — and above all once voting has
opened — a motion is entirely read-only here, as are its options. The voter roll, ballots,
checks and results are never editable or deletable (the database refuses it too, migration
votes/0002_guards). Motions are created on the staff pages, where the estate is known.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from linli.core.errors import LinliError
from linli.votes.models import (
    Ballot,
    BallotCheck,
    Motion,
    MotionOption,
    MotionResult,
    RollVoter,
)
from linli.votes.services import motion_update

DRAFT_FIELDS = ("title", "body", "allow_revote")
MOTION_READONLY = (
    "public_id",
    "community",
    "estate",
    "scope",
    "building",
    "entrance",
    "kind",
    "matter",
    "meeting_kind",
    "rule_kind",
    "quorum_numerator",
    "quorum_denominator",
    "approval_numerator",
    "approval_denominator",
    "approval_inclusive",
    "count_parking_area",
    "count_shop_area",
    "count_owners_of_uncounted_parts",
    "follow_majority_option",
    "silent_owners_follow_majority",
    "seats",
    "status",
    "opens_on",
    "closes_on",
    "announced_on",
    "opened_at",
    "closed_at",
    "tallied_at",
    "published_at",
    "cancelled_at",
    "area_total",
    "headcount_total",
    "announce_notice",
    "result_notice",
    "runoff_of",
    "created_by",
    "created_at",
)


def is_editable(motion: Motion | None) -> bool:
    """Only a draft that has never opened may change (and then only through the service)."""
    return (
        motion is not None
        and motion.status == Motion.StatusChoices.DRAFT
        and motion.opened_at is None
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: no add, change or delete, whoever asks."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MotionAdminForm(forms.ModelForm):
    """Runs a draft's change through `motion_update`, so a refusal shows on the form."""

    request: HttpRequest | None = None

    class Meta:
        model = Motion
        fields = DRAFT_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or self.instance.pk is None or self.request is None:
            return cleaned
        try:
            motion_update(
                actor=self.request.user,
                motion_id=self.instance.pk,
                title=cleaned.get("title") or "",
                body=cleaned.get("body") or "",
                allow_revote=bool(cleaned.get("allow_revote")),
            )
        except LinliError as exc:
            raise forms.ValidationError(exc.message) from exc
        return cleaned


class OptionInline(admin.TabularInline):
    model = MotionOption
    extra = 0
    fields = ("position", "label", "description", "company", "candidate")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Motion)
class MotionAdmin(admin.ModelAdmin):
    form = MotionAdminForm
    list_display = (
        "title",
        "community",
        "estate",
        "kind",
        "rule_kind",
        "status",
        "opens_on",
        "closes_on",
        "headcount_total",
    )
    list_filter = ("status", "kind", "rule_kind", "community")
    search_fields = ("title",)
    list_select_related = ("community", "estate")
    date_hierarchy = "opens_on"
    inlines = [OptionInline]
    fields = (*DRAFT_FIELDS, *MOTION_READONLY)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"request": request})

    def get_readonly_fields(
        self, request: HttpRequest, obj: Motion | None = None
    ) -> tuple[str, ...]:
        if is_editable(obj):
            return MOTION_READONLY
        return (*DRAFT_FIELDS, *MOTION_READONLY)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Motion | None = None) -> bool:
        if obj is not None and not is_editable(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Motion, form: Any, change: bool) -> None:
        # The form's clean() already saved the draft through motion_update.
        return None


@admin.register(RollVoter)
class RollVoterAdmin(ReadOnlyAdmin):
    list_display = ("motion", "number", "area", "is_developer", "label")
    list_filter = ("is_developer",)
    list_select_related = ("motion",)
    search_fields = ("motion__title", "label")
    fields = ("community", "motion", "number", "key", "area", "is_developer", "label")
    readonly_fields = fields


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = (
        "tracker",
        "motion",
        "voter",
        "revision",
        "channel",
        "choice",
        "options",
        "cast_at",
    )
    list_filter = ("channel", "choice")
    list_select_related = ("motion", "voter")
    search_fields = ("tracker", "motion__title")
    fields = (
        "community",
        "motion",
        "voter",
        "owner",
        "revision",
        "channel",
        "choice",
        "options",
        "tracker",
        "cast_by",
        "cast_at",
        "proxy_name",
        "document",
        "document_type",
    )
    readonly_fields = fields


@admin.register(BallotCheck)
class BallotCheckAdmin(ReadOnlyAdmin):
    list_display = ("ballot", "accepted", "checked_by", "checked_at", "note")
    list_filter = ("accepted",)
    list_select_related = ("ballot", "checked_by")
    fields = ("community", "ballot", "accepted", "note", "checked_by", "checked_at")
    readonly_fields = fields


@admin.register(MotionResult)
class MotionResultAdmin(ReadOnlyAdmin):
    list_display = ("motion", "passed", "tallied_at", "roll_digest")
    list_filter = ("passed",)
    list_select_related = ("motion",)
    fields = ("community", "motion", "passed", "data", "roll_digest", "tallied_by", "tallied_at")
    readonly_fields = fields
