"""The audit log in the admin: read-only, because the log is append-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from linli.core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "community",
        "actor",
        "action",
        "object_type",
        "object_id",
        "summary",
    )
    list_filter = ("action", "community")
    list_select_related = ("community", "actor")
    search_fields = ("action", "summary", "object_id")
    date_hierarchy = "created_at"
    readonly_fields = (*list_display, "ip")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
