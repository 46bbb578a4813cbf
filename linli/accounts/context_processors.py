"""Navigation context: whether the person works in the staff console of any community."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from linli.accounts.selectors import staff_community_ids


def nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_worker": False}
    return {"is_worker": bool(staff_community_ids(user))}
