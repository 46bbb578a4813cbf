"""Shared pieces of the authorization matrix: the roles, role sets and the policy Row.

Capabilities keep their own rows next to their code (e.g. linli/votes/tests/authz_rows.py) and
tests/test_authz_matrix.py merges them; a row says who may call one endpoint at home.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.world import Side

ROLES = (
    "anonymous",
    "outsider",
    "resident",
    "owner",
    "worker",
    "committee",
    "property",
    "partner",
    "volunteer",
    "street",
    "admin",
)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
MEMBERS = SIGNED_IN - {"outsider"}
STAFF = frozenset({"worker", "admin"})
REGISTRY_READERS = STAFF | {"committee", "property", "street"}


@dataclass(frozen=True)
class Row:
    """Who may call one endpoint on an object of their own community."""

    allowed: frozenset[str]
    kwargs: Callable[[Side], dict[str, Any]] = lambda side: {}
    method: str = "GET"
    data: Callable[[Side], dict[str, Any]] = lambda side: {}
    # Whether the endpoint addresses one community's object (then another community's users
    # must be denied); pages about "my own things" have no such object.
    scoped: bool = True
    # The owner of the object of the row: "a" is the side whose users are "at home".
    note: str = ""
    allowed_elsewhere: frozenset[str] = field(default_factory=frozenset)
