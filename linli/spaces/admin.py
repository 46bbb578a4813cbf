"""The five neighbourhood spaces in the admin."""

from __future__ import annotations

from django.contrib import admin

from linli.spaces.models import Space


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "code", "capacity", "location", "is_active")
    list_filter = ("community", "is_active")
    list_select_related = ("community",)
    search_fields = ("name", "code", "location")
