"""Admin for notices. Read-only once published; drafts change only through the services, so
the admin, the pages and the API share one path (and one audit trail)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.core.errors import LinliError
from linli.notices.models import Notice, NoticeAttachment
from linli.notices.services import notice_update

DRAFT_FIELDS = ("kind", "estate", "title", "body", "starts_on", "ends_on", "issuer")
ALWAYS_READONLY = (
    "community",
    "public_id",
    "status",
    "created_by",
    "created_at",
    "published_at",
    "withdrawn_at",
    "withdraw_reason",
)


class NoticeAdminForm(forms.ModelForm):
    """Runs the draft through `notice_update` while validating, so a refusal shows on the form."""

    request: HttpRequest | None = None

    class Meta:
        model = Notice
        fields = DRAFT_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or self.instance.pk is None or self.request is None:
            return cleaned
        try:
            notice_update(
                actor=self.request.user,
                notice_id=self.instance.pk,
                kind=cleaned["kind"],
                title=cleaned["title"],
                body=cleaned["body"],
                starts_on=cleaned["starts_on"],
                ends_on=cleaned["ends_on"],
                estate=cleaned.get("estate"),
                issuer=cleaned.get("issuer") or "",
            )
        except LinliError as exc:
            raise forms.ValidationError(exc.message) from exc
        return cleaned


class AttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    extra = 0
    fields = ("name", "size", "content_type", "file")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    form = NoticeAdminForm
    list_display = (
        "title",
        "community",
        "estate",
        "kind",
        "status",
        "starts_on",
        "ends_on",
        "published_at",
    )
    list_filter = ("status", "kind", "community")
    search_fields = ("title", "issuer")
    date_hierarchy = "starts_on"
    list_select_related = ("community", "estate")
    inlines = [AttachmentInline]
    fields = (*ALWAYS_READONLY, *DRAFT_FIELDS)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"request": request})

    def get_readonly_fields(
        self, request: HttpRequest, obj: Notice | None = None
    ) -> tuple[str, ...]:
        if obj is not None and obj.status == Notice.Status.DRAFT:
            return ALWAYS_READONLY
        return (*ALWAYS_READONLY, *DRAFT_FIELDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New notices are drafted on the notice pages, where the writer's community is known.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published notice is never deleted; drafts are not deleted here either, so the audit
        # log always points at a row.
        return False

    def save_model(self, request: HttpRequest, obj: Notice, form: Any, change: bool) -> None:
        # The form's clean() already saved the draft through notice_update.
        return None


@admin.register(NoticeAttachment)
class NoticeAttachmentAdmin(admin.ModelAdmin):
    list_display = ("name", "notice", "community", "size", "content_type")
    list_select_related = ("notice", "community")
    search_fields = ("name", "notice__title")
    readonly_fields = ("community", "notice", "file", "name", "size", "content_type")
    verbose_name = _("attachment")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
