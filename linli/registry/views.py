"""Registry pages: browse estate → building → entrance → unit, and person records for staff.

Views are thin: every read goes through `linli.registry.selectors`, the one write (revealing
personal data, which is audited) through `linli.registry.services.person_reveal`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from linli.accounts.selectors import is_staff_in
from linli.core.errors import LinliError, NotFound
from linli.registry import selectors, services
from linli.registry.models import Person

View = Callable[..., HttpResponse]


def _registry_page(view: View) -> View:
    """Log-in required; a refused action (LinliError) becomes a clear page with its status,
    or a fragment for htmx requests."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except LinliError as exc:
            template = "registry/error.html"
            if getattr(request, "htmx", False):
                template += "#error"
            return render(
                request, template, {"message": exc.message, "nav": "home"}, status=exc.status
            )

    return wrapper


def _nav(user: Any, community_id: int) -> str:
    return "console" if is_staff_in(user, community_id) else "home"


def _community_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("community", "")
    return int(raw) if raw.isdigit() else None


@require_GET
@_registry_page
def estates(request: HttpRequest) -> HttpResponse:
    """The estates of the user's community (the one asked for, the current one or the only one);
    with several and none chosen, a list of communities to choose from."""
    user = request.user
    allowed = selectors.browsable_community_ids(user)
    if not allowed:
        raise NotFound(_("You have no access to the registry."), code="not_found")
    community_id: int | None = None
    if "pick" not in request.GET:
        for candidate in (_community_param(request), getattr(user, "current_community_id", None)):
            if candidate in allowed:
                community_id = candidate
                break
        else:
            community_id = next(iter(allowed)) if len(allowed) == 1 else None
    if community_id is None:
        picker = {"communities": selectors.communities_for(user), "nav": "home"}
        return render(request, "registry/communities.html", picker)
    estate_list = list(selectors.estates_for(user, community_id=community_id))
    context: dict[str, Any] = {
        "community": estate_list[0].community if estate_list else None,
        "estates": estate_list,
        "homes": list(selectors.units_of_user(user).filter(community_id=community_id)),
        "several_communities": len(allowed) > 1,
        "nav": _nav(user, community_id),
    }
    return render(request, "registry/estates.html", context)


@require_GET
@_registry_page
def estate(request: HttpRequest, estate_id: int) -> HttpResponse:
    user = request.user
    obj = selectors.access_estate_by_id(user, estate_id)
    context = {
        "estate": obj,
        "buildings": list(selectors.buildings_of_estate(obj)),
        "loose_units": list(selectors.loose_units_of_estate(obj)),
        "openable": _openable(user, obj.community_id),
        "nav": _nav(user, obj.community_id),
    }
    return render(request, "registry/estate.html", context)


@require_GET
@_registry_page
def building(request: HttpRequest, building_id: int) -> HttpResponse:
    user = request.user
    obj = selectors.access_building_by_id(user, building_id)
    context = {
        "building": obj,
        "estate": obj.estate,
        "entrances": list(selectors.entrances_of_building(obj)),
        "loose_units": list(selectors.loose_units_of_building(obj)),
        "openable": _openable(user, obj.community_id),
        "nav": _nav(user, obj.community_id),
    }
    return render(request, "registry/building.html", context)


@require_GET
@_registry_page
def entrance(request: HttpRequest, entrance_id: int) -> HttpResponse:
    user = request.user
    obj = selectors.access_entrance_by_id(user, entrance_id)
    context = {
        "entrance": obj,
        "building": obj.building,
        "estate": obj.building.estate,
        "floors": selectors.units_by_floor(selectors.units_of_entrance(obj)),
        "openable": _openable(user, obj.community_id),
        "nav": _nav(user, obj.community_id),
    }
    return render(request, "registry/entrance.html", context)


@require_GET
@_registry_page
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    obj = selectors.access_unit_by_id(user, unit_id)
    context = {
        "unit": obj,
        "owners": list(selectors.owners_of_unit(obj)),
        "occupants": list(selectors.occupants_of_unit(obj)),
        "is_staff": is_staff_in(user, obj.community_id),
        "nav": _nav(user, obj.community_id),
    }
    return render(request, "registry/unit.html", context)


@require_GET
@_registry_page
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """Staff see a person's record masked, with a button to reveal it (audited); a person may
    see their own record, masked."""
    obj = selectors.access_person_by_id(request.user, person_id)
    return _render_person(request, obj, revealed=None)


@never_cache
@require_POST
@_registry_page
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """Reveal the full name, mobile and ID number once: an htmx fragment, or the whole page."""
    revealed = services.person_reveal(actor=request.user, person_id=person_id)
    if getattr(request, "htmx", False):
        context = {"pid": person_id, "revealed": revealed, "can_reveal": False}
        return render(request, "registry/_pii.html", context)
    obj = selectors.access_person_by_id(request.user, person_id)
    return _render_person(request, obj, revealed=revealed)


def _render_person(
    request: HttpRequest, obj: Person, *, revealed: dict[str, Any] | None
) -> HttpResponse:
    user = request.user
    staff = is_staff_in(user, obj.community_id)
    context = {
        "person": obj,
        "revealed": revealed,
        "can_reveal": staff,
        "ownerships": list(selectors.ownerships_of_person(obj)),
        "occupancies": list(selectors.occupancies_of_person(obj)),
        "memberships": list(selectors.memberships_of_person(obj)) if staff else [],
        "is_staff": staff,
        "nav": "console" if staff else "me",
    }
    return render(request, "registry/person.html", context)


def _openable(user: Any, community_id: int) -> frozenset[int] | None:
    """Which unit chips link to a detail page: None means all of them (structure roles)."""
    if selectors.sees_structure(user, community_id):
        return None
    return selectors.own_unit_ids(user)
