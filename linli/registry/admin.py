"""Django admin for the registry (superusers and site staff only).

Lists mask personal data (a list is easily shoulder-surfed or screenshotted); the change form
of a person shows the full values, since editing them needs them. Foreign keys to tables that
grow large (units, persons, organisations) use autocomplete or raw id widgets, and every list
loads its related rows in the same query.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from linli.domain.masking import mask_id_number, mask_name, mask_phone
from linli.registry.models import (
    Building,
    Community,
    DirectoryCompany,
    Entrance,
    Estate,
    Membership,
    Occupancy,
    Organisation,
    Ownership,
    Person,
    Street,
    Unit,
)


class _RowLabel:
    """Stands in for a row in the action checkbox: its primary key and a masked label."""

    def __init__(self, pk: object, text: str) -> None:
        self.pk = pk
        self._text = text

    def __str__(self) -> str:
        return self._text


class _MaskedRowsAdmin(admin.ModelAdmin):
    """Lists whose rows name a person: the row's accessible label (the action checkbox's
    aria-label, which Django builds from str(obj)) carries the masked name, not the full one."""

    def masked_label(self, obj: Any) -> str:
        raise NotImplementedError

    def action_checkbox(self, obj: Any) -> SafeString:
        return super().action_checkbox(_RowLabel(obj.pk, self.masked_label(obj)))


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "district", "city"]
    search_fields = ["name", "code", "district"]
    list_filter = ["city", "district"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "street", "phone", "count_parking_area", "count_shop_area"]
    search_fields = ["name", "code", "street__name"]
    list_filter = ["street", "count_parking_area", "count_shop_area"]
    list_select_related = ["street"]


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "address", "built_year"]
    search_fields = ["name", "address", "community__name"]
    list_filter = ["community"]
    list_select_related = ["community"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "estate", "community", "floors", "has_elevator"]
    search_fields = ["number", "estate__name"]
    list_filter = ["community", "has_elevator"]
    list_select_related = ["estate", "community"]
    autocomplete_fields = ["estate"]


@admin.register(Entrance)
class EntranceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "building", "estate_name", "community"]
    search_fields = ["number", "building__number", "building__estate__name"]
    list_filter = ["community"]
    list_select_related = ["building__estate", "community"]
    autocomplete_fields = ["building"]

    @admin.display(description=_("estate"), ordering="building__estate__name")
    def estate_name(self, obj: Entrance) -> str:
        return obj.building.estate.name


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "floor", "area_display", "area_source", "community"]
    search_fields = ["number", "estate__name", "building__number"]
    list_filter = ["community", "kind", "area_source"]
    list_select_related = ["estate", "building", "entrance", "community"]
    autocomplete_fields = ["estate", "building", "entrance"]

    @admin.display(description=_("exclusive area (m²)"), ordering="area")
    def area_display(self, obj: Unit) -> str:
        return obj.area_m2


@admin.register(Person)
class PersonAdmin(_MaskedRowsAdmin):
    list_display = [
        "masked_name",
        "kind",
        "masked_phone",
        "masked_id_number",
        "is_developer",
        "community",
    ]
    # Exact matches on phone and ID number: finding someone needs the whole number.
    search_fields = ["name", "=phone", "=id_number"]
    list_filter = ["community", "kind", "is_developer"]
    list_select_related = ["community"]
    raw_id_fields = ["user"]

    def masked_label(self, obj: Person) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("name"), ordering="name")
    def masked_name(self, obj: Person) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, obj: Person) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj: Person) -> str:
        return mask_id_number(obj.id_number)


class _HeldByPersonAdmin(_MaskedRowsAdmin):
    """Ownership, occupancy and membership: a person's link to something; the name masked."""

    def masked_label(self, obj: Ownership | Occupancy | Membership) -> str:
        return f"{mask_name(obj.person.name)} #{obj.pk}"

    @admin.display(description=_("person"), ordering="person__name")
    def person_masked(self, obj: Ownership | Occupancy | Membership) -> str:
        return mask_name(obj.person.name)


@admin.register(Ownership)
class OwnershipAdmin(_HeldByPersonAdmin):
    list_display = [
        "unit",
        "person_masked",
        "is_representative",
        "developer_status",
        "since",
        "until",
    ]
    search_fields = ["unit__number", "unit__estate__name", "=person__phone", "person__name"]
    list_filter = ["community", "is_representative", "developer_status"]
    list_select_related = ["unit__estate", "unit__building", "unit__entrance", "person"]
    autocomplete_fields = ["unit", "person"]
    date_hierarchy = "since"


@admin.register(Occupancy)
class OccupancyAdmin(_HeldByPersonAdmin):
    list_display = ["unit", "person_masked", "relation", "since", "until"]
    search_fields = ["unit__number", "unit__estate__name", "=person__phone", "person__name"]
    list_filter = ["community", "relation"]
    list_select_related = ["unit__estate", "unit__building", "unit__entrance", "person"]
    autocomplete_fields = ["unit", "person"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "category", "estate", "community", "is_active"]
    search_fields = ["name", "address"]
    list_filter = ["community", "kind", "category", "is_active"]
    list_select_related = ["estate", "community"]
    autocomplete_fields = ["estate", "parent"]


@admin.register(Membership)
class MembershipAdmin(_HeldByPersonAdmin):
    list_display = ["organisation", "person_masked", "title", "since", "until"]
    search_fields = ["organisation__name", "title", "person__name"]
    list_filter = ["community", "organisation__kind"]
    list_select_related = ["organisation", "person"]
    autocomplete_fields = ["organisation", "person"]


@admin.register(DirectoryCompany)
class DirectoryCompanyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "street",
        "credit_code",
        "qualification",
        "rating",
        "suited_to_old_estates",
    ]
    search_fields = ["name", "credit_code"]
    list_filter = ["street", "rating", "suited_to_old_estates"]
    list_select_related = ["street"]
