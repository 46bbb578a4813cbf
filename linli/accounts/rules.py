"""django-rules predicates for roles per community, and the permissions built from them.

Every predicate takes (user, obj) where `obj` is a tenant-owned object (anything with a
`community_id`), a `Community`, or a bare community id. The roles come from
`linli.accounts.selectors` (assigned roles plus owner/resident from the registry, cached per
request), so a predicate costs no query after the first. Superusers hold the administrator
role everywhere. Use: `user.has_perm("registry.view_person_full", person)`.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.models import Role
from linli.accounts.selectors import community_ids_for, has_role, is_staff_in


def community_id_of(obj: Any) -> int | None:
    """The community an object belongs to: its `community_id`, a Community's pk, or an int."""
    if obj is None:
        return None
    if isinstance(obj, int) and not isinstance(obj, bool):
        return obj
    community_id = getattr(obj, "community_id", None)
    if community_id is not None:
        return int(community_id)
    if getattr(getattr(obj, "_meta", None), "label_lower", "") == "registry.community":
        return int(obj.pk)
    return None


def _role_predicate(name: str, *roles: str) -> rules.Predicate:
    def check(user: Any, obj: Any = None) -> bool:
        community_id = community_id_of(obj)
        return community_id is not None and has_role(user, community_id, *roles)

    check.__name__ = name
    return rules.predicate(check, name=name)


@rules.predicate
def is_member_of(user: Any, obj: Any = None) -> bool:
    """Holds any role in the object's community (or is a superuser)."""
    community_id = community_id_of(obj)
    return community_id is not None and community_id in community_ids_for(user)


@rules.predicate
def is_staff_of(user: Any, obj: Any = None) -> bool:
    """A community worker or administrator of the object's community (the staff console)."""
    community_id = community_id_of(obj)
    return community_id is not None and is_staff_in(user, community_id)


is_worker_of = _role_predicate("is_worker_of", Role.WORKER)
is_admin_of = _role_predicate("is_admin_of", Role.ADMIN)
is_owner_of = _role_predicate("is_owner_of", Role.OWNER)
# Owners live in (or let) their units too; both count as residents.
is_resident_of = _role_predicate("is_resident_of", Role.RESIDENT, Role.OWNER)
is_committee_of = _role_predicate("is_committee_of", Role.COMMITTEE)
is_property_of = _role_predicate("is_property_of", Role.PROPERTY)
is_partner_of = _role_predicate("is_partner_of", Role.PARTNER)
is_volunteer_of = _role_predicate("is_volunteer_of", Role.VOLUNTEER)
is_street_of = _role_predicate("is_street_of", Role.STREET)


# Full (unmasked) personal data of a registry person: staff of the person's community only.
rules.add_perm("registry.view_person_full", is_staff_of)
# The staff console of a community, and recording paper consent there.
rules.add_perm("accounts.use_console", is_staff_of)
rules.add_perm("accounts.record_paper_consent", is_staff_of)
# Granting and revoking roles in a community (the administrator role needs more; see services).
rules.add_perm("accounts.manage_roles", is_staff_of)
