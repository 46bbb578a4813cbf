"""Who may see what: a user's communities and roles, computed once per request."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q

from linli.accounts.models import STAFF_ROLES, Role, RoleAssignment

_CACHE_ATTR = "_linli_roles"


def roles_by_community(user: Any) -> dict[int, frozenset[str]]:
    """{community_id: roles} for this user: assigned roles plus owner/resident from the registry.

    Two queries, cached on the user object for the rest of the request.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from linli.registry.models import Person

    roles: dict[int, set[str]] = defaultdict(set)
    for community_id, role in RoleAssignment.objects.filter(user=user).values_list("community_id", "role"):
        roles[community_id].add(role)
    people = (
        Person.objects.filter(user=user)
        .filter(Q(ownerships__until__isnull=True) | Q(occupancies__until__isnull=True))
        .values_list("community_id", "ownerships__id", "ownerships__until", "occupancies__id")
        .distinct()
    )
    for community_id, ownership_id, ownership_until, occupancy_id in people:
        if ownership_id is not None and ownership_until is None:
            roles[community_id].update({Role.OWNER, Role.RESIDENT})
        if occupancy_id is not None:
            roles[community_id].add(Role.RESIDENT)
    result = {cid: frozenset(r) for cid, r in roles.items()}
    setattr(user, _CACHE_ATTR, result)
    return result


def community_ids_for(user: Any) -> set[int]:
    """Communities whose data this user may read at all."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_authenticated", False):
        from linli.registry.models import Community

        return set(Community.objects.values_list("id", flat=True))
    return set(roles_by_community(user))


def roles_in(user: Any, community_id: int) -> frozenset[str]:
    if getattr(user, "is_superuser", False) and getattr(user, "is_authenticated", False):
        return frozenset({Role.ADMIN})
    return roles_by_community(user).get(community_id, frozenset())


def has_role(user: Any, community_id: int, *roles: str) -> bool:
    return bool(roles_in(user, community_id) & set(roles))


def is_staff_in(user: Any, community_id: int) -> bool:
    """Community workers and administrators: the staff console, full personal data on reveal."""
    return bool(roles_in(user, community_id) & STAFF_ROLES)


def staff_community_ids(user: Any) -> set[int]:
    if getattr(user, "is_superuser", False) and getattr(user, "is_authenticated", False):
        return community_ids_for(user)
    return {cid for cid, roles in roles_by_community(user).items() if roles & STAFF_ROLES}


def forget_roles(user: Any) -> None:
    """Drop the per-request cache after a role changes."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
