"""API endpoints of the registry (thin: parse, call a selector, return a schema).

Read-only, through the same selectors and gates as the pages: anything the user may not see
answers 404 exactly like something that does not exist. Personal data leaves masked.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router
from ninja.pagination import LimitOffsetPagination, paginate

from linli.core.api_schemas import error_responses
from linli.domain.masking import mask_id_number, mask_name, mask_phone
from linli.registry import selectors
from linli.registry.models import Estate, Person, Unit
from linli.registry.schemas import (
    BuildingDetailOut,
    EstateDetailOut,
    EstateOut,
    PersonOut,
    UnitBriefOut,
    UnitOut,
)

router = Router(tags=["registry"])

MAX_PAGE = 200
# Far beyond any real list; a larger offset would overflow the database's OFFSET (a 500).
MAX_OFFSET = 100_000_000

ERRORS: dict[int, Any] = error_responses(401, 403, 404, 422)


class RegistryPageParams(LimitOffsetPagination.Input):
    limit: int = Field(50, ge=1, le=MAX_PAGE, description="Items per page (1–200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class Page(LimitOffsetPagination):
    """limit/offset pagination; at most 200 items a page (a larger limit is a 422)."""

    # Named apart from ninja's default `Input`, so the OpenAPI component name is unambiguous.
    Input = RegistryPageParams


@router.get("/estates", response={200: list[EstateOut], **ERRORS}, operation_id="registry_estates")
@paginate(Page, max_limit=MAX_PAGE)
def list_estates(request: HttpRequest, community_id: int | None = None) -> QuerySet[Estate]:
    """Estates the caller may browse, with building and unit counts."""
    return selectors.estates_for(request.user, community_id=community_id)


@router.get(
    "/estates/{estate_id}",
    response={200: EstateDetailOut, **ERRORS},
    operation_id="registry_estate",
)
def get_estate(request: HttpRequest, estate_id: int) -> dict[str, Any]:
    """One estate and its buildings, with entrance and unit counts."""
    estate = selectors.access_estate_by_id(request.user, estate_id)
    return {
        "id": estate.pk,
        "community_id": estate.community_id,
        "name": estate.name,
        "address": estate.address,
        "built_year": estate.built_year,
        "buildings": list(selectors.buildings_of_estate(estate)),
    }


@router.get(
    "/buildings/{building_id}",
    response={200: BuildingDetailOut, **ERRORS},
    operation_id="registry_building",
)
def get_building(request: HttpRequest, building_id: int) -> dict[str, Any]:
    """One building: its entrances (with unit counts) and its parking spaces and shops."""
    building = selectors.access_building_by_id(request.user, building_id)
    return {
        "id": building.pk,
        "estate_id": building.estate_id,
        "estate_name": building.estate.name,
        "number": building.number,
        "floors": building.floors,
        "has_elevator": building.has_elevator,
        "entrances": list(selectors.entrances_of_building(building)),
        "loose_units": [_unit_brief(u) for u in selectors.loose_units_of_building(building)],
    }


@router.get(
    "/entrances/{entrance_id}/units",
    response={200: list[UnitBriefOut], **ERRORS},
    operation_id="registry_entrance_units",
)
@paginate(Page, max_limit=MAX_PAGE)
def list_entrance_units(request: HttpRequest, entrance_id: int) -> QuerySet[Unit]:
    """Units of one entrance, top floor first."""
    entrance = selectors.access_entrance_by_id(request.user, entrance_id)
    return selectors.units_of_entrance(entrance)


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, operation_id="registry_unit")
def get_unit(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """One unit with its current owners and occupants (names masked). Residents may open only
    their own units."""
    unit = selectors.access_unit_by_id(request.user, unit_id)
    return {
        **_unit_brief(unit),
        "community_id": unit.community_id,
        "estate_id": unit.estate_id,
        "building_id": unit.building_id,
        "entrance_id": unit.entrance_id,
        "label": unit.label,
        "area_source": unit.area_source,
        "owners": [
            {
                "person_id": o.person_id,
                "name_masked": mask_name(o.person.name),
                "is_representative": o.is_representative,
                "developer_status": o.developer_status,
            }
            for o in selectors.owners_of_unit(unit)
        ],
        "occupants": [
            {
                "person_id": o.person_id,
                "name_masked": mask_name(o.person.name),
                "relation": o.relation,
            }
            for o in selectors.occupants_of_unit(unit)
        ],
    }


@router.get(
    "/persons/{person_id}", response={200: PersonOut, **ERRORS}, operation_id="registry_person"
)
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """A person's record, masked: staff of the person's community, or the person themself."""
    person: Person = selectors.access_person_by_id(request.user, person_id)
    return {
        "id": person.pk,
        "community_id": person.community_id,
        "kind": person.kind,
        "name_masked": mask_name(person.name),
        "phone_masked": mask_phone(person.phone),
        "id_number_masked": mask_id_number(person.id_number),
        "is_developer": person.is_developer,
    }


def _unit_brief(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "kind": unit.kind,
        "number": unit.number,
        "floor": unit.floor,
        "area": unit.area,
        "area_m2": unit.area_m2,
    }
