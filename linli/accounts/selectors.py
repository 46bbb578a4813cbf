"""Who may see what: a user's communities and roles, computed once per request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from linli.accounts.models import STAFF_ROLES, ApiToken, Consent, Role, RoleAssignment, Throttle
from linli.core.models import AuditLog
from linli.domain.throttle import ThrottlePolicy, ThrottleState, retry_after
from linli.registry.models import Building, Community, Estate, Occupancy, Ownership, Person, Unit

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
    roles: dict[int, set[str]] = defaultdict(set)
    for community_id, role in RoleAssignment.objects.filter(user=user).values_list(
        "community_id", "role"
    ):
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


# ---------------------------------------------------------------------------
# Login throttles


def throttle_wait(*, checks: Sequence[tuple[str, ThrottlePolicy]], now: datetime) -> int:
    """Seconds until an attempt guarded by every (key, policy) in `checks` is allowed; 0 = now.

    One query for all keys. Rows are written only by `services.throttle_record_failure`.
    """
    policies = dict(checks)
    if not policies:
        return 0
    rows = Throttle.objects.filter(key__in=list(policies)).values_list(
        "key", "failures", "last_failure_at"
    )
    wait = 0
    for key, failures, last_failure_at in rows:
        state = ThrottleState(
            failures=failures,
            last_failure_at=last_failure_at.timestamp() if last_failure_at is not None else None,
        )
        wait = max(wait, retry_after(policies[key], state, now.timestamp()))
    return wait


# ---------------------------------------------------------------------------
# The person's own account: roles, consents, tokens


@dataclass(frozen=True)
class CommunityRoles:
    """The roles one user holds in one community, as codes and translated labels."""

    community_id: int
    community_name: str
    roles: tuple[str, ...]
    labels: tuple[str, ...]


_ROLE_ORDER = {role.value: index for index, role in enumerate(Role)}


def roles_for_display(user: Any) -> list[CommunityRoles]:
    """The user's roles per community (assigned and from the registry), ordered by community.

    Three queries at most: two for the roles (cached per request) and one for the names.
    """
    by_community = roles_by_community(user)
    if not by_community:
        return []
    names = dict(Community.objects.filter(id__in=by_community).values_list("id", "name"))
    result = []
    for community_id in sorted(by_community):
        codes = tuple(
            sorted(by_community[community_id], key=lambda code: _ROLE_ORDER.get(code, 99))
        )
        result.append(
            CommunityRoles(
                community_id=community_id,
                community_name=names.get(community_id, ""),
                roles=codes,
                labels=tuple(str(Role(code).label) for code in codes),
            )
        )
    return result


def consents_of(user: Any) -> QuerySet[Consent]:
    """Every consent recorded for this account, newest first (withdrawn ones included)."""
    return Consent.objects.filter(user=user).order_by("-given_at", "-id")


def active_consent_purposes(consents: Sequence[Consent]) -> set[str]:
    """The purposes among `consents` that are in force for the current policy version."""
    version = settings.LINLI_PRIVACY_POLICY_VERSION
    return {c.purpose for c in consents if c.withdrawn_at is None and c.policy_version == version}


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's API tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )


# ---------------------------------------------------------------------------
# Access gates: another community's object answers 404


def consents_of_person(person: Person) -> QuerySet[Consent]:
    """Consents recorded for a registry person (on paper or through the linked account)."""
    query = Q(person=person)
    if person.user_id is not None:
        query |= Q(user_id=person.user_id)
    return Consent.objects.filter(query).select_related("recorded_by").order_by("-given_at", "-id")


# ---------------------------------------------------------------------------
# Home and console


@dataclass(frozen=True)
class MyUnit:
    """A unit the user owns or lives in now, with how they are related to it."""

    unit: Unit
    community_name: str
    relation: str


def my_units(user: Any) -> list[MyUnit]:
    """The units the user currently owns or lives in, through `Person.user`. Two queries."""
    if not getattr(user, "is_authenticated", False):
        return []
    related = ("unit__estate", "unit__building", "unit__entrance", "community")
    found: dict[int, MyUnit] = {}
    ownerships = (
        Ownership.objects.filter(person__user=user, until__isnull=True)
        .select_related(*related)
        .order_by("community_id", "unit__estate_id", "unit__sort_key", "unit_id")
    )
    for ownership in ownerships:
        found.setdefault(
            ownership.unit_id,
            MyUnit(
                unit=ownership.unit,
                community_name=ownership.community.name,
                relation=str(_("Owner")),
            ),
        )
    occupancies = (
        Occupancy.objects.filter(person__user=user, until__isnull=True)
        .select_related(*related)
        .order_by("community_id", "unit__estate_id", "unit__sort_key", "unit_id")
    )
    for occupancy in occupancies:
        found.setdefault(
            occupancy.unit_id,
            MyUnit(
                unit=occupancy.unit,
                community_name=occupancy.community.name,
                relation=str(occupancy.get_relation_display()),
            ),
        )
    return list(found.values())


def _count_in_community(model: type[models.Model]) -> Coalesce:
    counted = (
        model._default_manager.filter(community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def console_communities(user: Any) -> QuerySet[Community]:
    """The communities this user works in, each annotated with its registry counts.

    One query: estates, buildings, units and persons are correlated subqueries.
    """
    return (
        Community.objects.filter(id__in=staff_community_ids(user))
        .annotate(
            estate_count=_count_in_community(Estate),
            building_count=_count_in_community(Building),
            unit_count=_count_in_community(Unit),
            person_count=_count_in_community(Person),
        )
        .order_by("id")
    )


def community_offices_of(user: Any) -> list[dict[str, str]]:
    """Name, address and office phone of the communities the user belongs to (public data)."""
    community_ids = roles_by_community(user)
    if not community_ids:
        return []
    rows = (
        Community.objects.filter(id__in=community_ids)
        .order_by("id")
        .values_list("name", "address", "phone")
    )
    return [{"name": name, "address": address, "phone": phone} for name, address, phone in rows]


def audit_rows_for(
    user: Any, *, community_id: int | None = None, action: str = ""
) -> QuerySet[AuditLog]:
    """Audit rows of the communities this user works in (staff only), newest first."""
    allowed = staff_community_ids(user)
    rows = AuditLog.objects.filter(community_id__in=allowed).select_related("actor", "community")
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    if action:
        rows = rows.filter(action__startswith=action)
    return rows.order_by("-id")
