"""Reads of the registry, scoped to what the user may see.

Who may browse what, per community (from `linli.accounts.selectors.roles_in`):
- workers, administrators, owners' committee members, property staff and street staff see the
  whole structure of the community (estates, buildings, entrances, units and who owns or lives
  in them, masked);
- residents and owners see the structure of the estates they own or live in, and the detail of
  their own units only;
- partner representatives and volunteers see nothing of the registry.
Person records are for staff (workers and administrators) only, except that everyone may see
their own. Everything outside these answers `NotFound`, exactly like an object that does not
exist, so that ids in other communities cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from linli.accounts.models import Role
from linli.accounts.selectors import community_ids_for, is_staff_in, roles_in
from linli.core.errors import NotFound
from linli.registry.models import (
    Building,
    Community,
    Entrance,
    Estate,
    Membership,
    Occupancy,
    Ownership,
    Person,
    Unit,
)

# Roles that see the whole structure of their community.
STRUCTURE_ROLES = frozenset({Role.WORKER, Role.ADMIN, Role.COMMITTEE, Role.PROPERTY, Role.STREET})
# Roles that see their own estate's structure and their own units.
HOUSEHOLD_ROLES = frozenset({Role.RESIDENT, Role.OWNER})

_HOME_CACHE_ATTR = "_linli_registry_homes"


@dataclass(frozen=True)
class Home:
    """One unit the user currently owns or lives in."""

    unit_id: int
    estate_id: int
    community_id: int


# ---------------------------------------------------------------------------
# Who may see what


def _homes(user: Any) -> tuple[Home, ...]:
    """The units this user currently owns or lives in, in any community.

    One query, cached on the user object for the rest of the request.
    """
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, _HOME_CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    rows = _current_units_of(user).order_by().values_list("id", "estate_id", "community_id")
    homes = tuple(Home(unit_id=u, estate_id=e, community_id=c) for u, e, c in rows)
    setattr(user, _HOME_CACHE_ATTR, homes)
    return homes


def _current_units_of(user: Any) -> QuerySet[Unit]:
    owned = Ownership.objects.filter(person__user=user, until__isnull=True).values("unit_id")
    lived = Occupancy.objects.filter(person__user=user, until__isnull=True).values("unit_id")
    return Unit.objects.filter(Q(pk__in=owned) | Q(pk__in=lived))


def sees_structure(user: Any, community_id: int) -> bool:
    """Whether the user sees the whole registry structure of this community."""
    return bool(roles_in(user, community_id) & STRUCTURE_ROLES)


def _own_estate_ids(user: Any, community_id: int) -> set[int]:
    if not roles_in(user, community_id) & HOUSEHOLD_ROLES:
        return set()
    return {h.estate_id for h in _homes(user) if h.community_id == community_id}


def own_unit_ids(user: Any) -> frozenset[int]:
    """Ids of the units the user currently owns or lives in (any community)."""
    return frozenset(h.unit_id for h in _homes(user))


def may_see_estate(user: Any, estate: Estate) -> bool:
    if estate.community_id not in community_ids_for(user):
        return False
    if sees_structure(user, estate.community_id):
        return True
    return estate.pk in _own_estate_ids(user, estate.community_id)


def may_see_unit(user: Any, unit: Unit) -> bool:
    """Unit detail: the whole community for structure roles, otherwise only one's own units."""
    if unit.community_id not in community_ids_for(user):
        return False
    if sees_structure(user, unit.community_id):
        return True
    return bool(roles_in(user, unit.community_id) & HOUSEHOLD_ROLES) and unit.pk in own_unit_ids(
        user
    )


def browsable_community_ids(user: Any) -> set[int]:
    """Communities in which the user may browse at least part of the registry."""
    result = set()
    for community_id in community_ids_for(user):
        if sees_structure(user, community_id) or _own_estate_ids(user, community_id):
            result.add(community_id)
    return result


def communities_for(user: Any) -> QuerySet[Community]:
    """The communities the user may browse, for a picker."""
    return Community.objects.filter(pk__in=browsable_community_ids(user)).order_by("id")


def _not_found(what: str) -> NotFound:
    messages = {
        "estate": _("This estate was not found."),
        "building": _("This building was not found."),
        "entrance": _("This entrance was not found."),
        "unit": _("This unit was not found."),
        "person": _("This person was not found."),
    }
    return NotFound(messages[what], code="not_found")


# ---------------------------------------------------------------------------
# Counts, aggregated in SQL


def _count_of(model: type[Any], fk: str, **filters: Any) -> Coalesce:
    """A correlated COUNT(*) of `model` rows whose `fk` is the outer row: one subquery per
    annotation, so that several counts never multiply each other's joins."""
    counted = (
        model.objects.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# ---------------------------------------------------------------------------
# Lists


def estates_for(user: Any, community_id: int | None = None) -> QuerySet[Estate]:
    """Estates the user may browse, with `building_count` and `unit_count` annotated.

    Structure roles get every estate of their communities; residents and owners get the
    estates they own or live in. `community_id` narrows the list to one community (an
    inaccessible community simply gives an empty list).
    """
    visible = Q()
    any_visible = False
    for cid in browsable_community_ids(user):
        if community_id is not None and cid != community_id:
            continue
        any_visible = True
        if sees_structure(user, cid):
            visible |= Q(community_id=cid)
        else:
            visible |= Q(pk__in=_own_estate_ids(user, cid))
    if not any_visible:
        return Estate.objects.none()
    return (
        Estate.objects.filter(visible)
        .select_related("community")
        .annotate(
            building_count=_count_of(Building, "estate"), unit_count=_count_of(Unit, "estate")
        )
        .order_by("community_id", "name", "id")
    )


def buildings_of_estate(estate: Estate) -> QuerySet[Building]:
    """Buildings of an estate (already passed through `access_estate_by_id`), in natural order,
    with `entrance_count` and `unit_count` annotated."""
    return Building.objects.filter(estate=estate).annotate(
        entrance_count=_count_of(Entrance, "building"), unit_count=_count_of(Unit, "building")
    )


def loose_units_of_estate(estate: Estate) -> QuerySet[Unit]:
    """Units of an estate outside any building: ground parking spaces, kiosks."""
    return Unit.objects.filter(estate=estate, building__isnull=True).order_by(
        "kind", "sort_key", "number"
    )


def entrances_of_building(building: Building) -> QuerySet[Entrance]:
    """Entrances of a building (already passed through `access_building_by_id`), with
    `unit_count` annotated."""
    return (
        Entrance.objects.filter(building=building)
        .annotate(unit_count=_count_of(Unit, "entrance"))
        .order_by("building_id", "number")
    )


def loose_units_of_building(building: Building) -> QuerySet[Unit]:
    """Units of a building outside any entrance: its parking spaces and shops."""
    return Unit.objects.filter(building=building, entrance__isnull=True).order_by(
        "kind", "sort_key", "number"
    )


def units_of_entrance(entrance: Entrance) -> QuerySet[Unit]:
    """Units of an entrance (already passed through `access_entrance_by_id`), top floor first,
    then by number. One query whatever the number of units."""
    return Unit.objects.filter(entrance=entrance).order_by("-floor", "sort_key", "number", "id")


def units_by_floor(units: QuerySet[Unit] | list[Unit]) -> list[tuple[int, list[Unit]]]:
    """Group units already ordered top floor first into [(floor, [units…]), …]."""
    floors: list[tuple[int, list[Unit]]] = []
    for unit in units:
        if not floors or floors[-1][0] != unit.floor:
            floors.append((unit.floor, []))
        floors[-1][1].append(unit)
    return floors


def units_of_user(user: Any) -> QuerySet[Unit]:
    """The units this user currently owns or lives in, with their place loaded for labels."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    return (
        _current_units_of(user)
        .select_related("estate", "building", "entrance")
        .order_by(
            "community_id",
            "estate_id",
            "building__sort_key",
            "entrance__number",
            "sort_key",
            "number",
        )
    )


def owners_of_unit(unit: Unit) -> QuerySet[Ownership]:
    """Current owners of a unit, the representative first."""
    return (
        Ownership.objects.filter(unit=unit, until__isnull=True)
        .select_related("person")
        .order_by("-is_representative", "id")
    )


def occupants_of_unit(unit: Unit) -> QuerySet[Occupancy]:
    """Who currently lives in a unit."""
    return (
        Occupancy.objects.filter(unit=unit, until__isnull=True)
        .select_related("person")
        .order_by("id")
    )


def ownerships_of_person(person: Person) -> QuerySet[Ownership]:
    return (
        Ownership.objects.filter(person=person)
        .select_related("unit__estate", "unit__building", "unit__entrance")
        .order_by("until", "unit__estate_id", "unit__sort_key", "id")
    )


def occupancies_of_person(person: Person) -> QuerySet[Occupancy]:
    return (
        Occupancy.objects.filter(person=person)
        .select_related("unit__estate", "unit__building", "unit__entrance")
        .order_by("until", "unit__estate_id", "unit__sort_key", "id")
    )


def memberships_of_person(person: Person) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(person=person)
        .select_related("organisation")
        .order_by("until", "id")
    )


# ---------------------------------------------------------------------------
# Gates: the object, or NotFound


def access_estate_by_id(user: Any, estate_id: int) -> Estate:
    """The estate if the user may browse it; otherwise NotFound."""
    estate = (
        Estate.objects.select_related("community")
        .filter(pk=estate_id, community_id__in=community_ids_for(user))
        .first()
    )
    if estate is None or not may_see_estate(user, estate):
        raise _not_found("estate")
    return estate


def access_building_by_id(user: Any, building_id: int) -> Building:
    """The building if the user may browse its estate; otherwise NotFound."""
    building = (
        Building.objects.select_related("estate__community")
        .filter(pk=building_id, community_id__in=community_ids_for(user))
        .first()
    )
    if building is None or not may_see_estate(user, building.estate):
        raise _not_found("building")
    return building


def access_entrance_by_id(user: Any, entrance_id: int) -> Entrance:
    """The entrance if the user may browse its estate; otherwise NotFound."""
    entrance = (
        Entrance.objects.select_related("building__estate__community")
        .filter(pk=entrance_id, community_id__in=community_ids_for(user))
        .first()
    )
    if entrance is None or not may_see_estate(user, entrance.building.estate):
        raise _not_found("entrance")
    return entrance


def access_unit_by_id(user: Any, unit_id: int) -> Unit:
    """The unit's detail if the user sees the community's structure or owns or lives in it;
    otherwise NotFound (a neighbour's flat is as invisible as another community's)."""
    unit = (
        Unit.objects.select_related("estate__community", "building", "entrance")
        .filter(pk=unit_id, community_id__in=community_ids_for(user))
        .first()
    )
    if unit is None or not may_see_unit(user, unit):
        raise _not_found("unit")
    return unit


def may_see_person(user: Any, person: Person) -> bool:
    if person.community_id not in community_ids_for(user):
        return False
    if is_staff_in(user, person.community_id):
        return True
    return person.user_id is not None and person.user_id == getattr(user, "pk", None)


def access_person_by_id(user: Any, person_id: int) -> Person:
    """The person if the user is staff of the person's community or is that person;
    otherwise NotFound. Callers show the record masked."""
    person = (
        Person.objects.select_related("community")
        .filter(pk=person_id, community_id__in=community_ids_for(user))
        .first()
    )
    if person is None or not may_see_person(user, person):
        raise _not_found("person")
    return person
