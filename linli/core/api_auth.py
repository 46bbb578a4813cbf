"""API authentication: the browser session (with CSRF) or a bearer token."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        # Without a logged-in session there is nothing a forged request could ride on, so the
        # CSRF check (which would answer 403) is skipped and the next scheme gets its turn:
        # a bearer-token client may POST, and an anonymous caller gets 401, not 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; revoked tokens and inactive users are refused."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        digest = hashlib.sha256(token.encode()).hexdigest()
        model = apps.get_model("accounts", "ApiToken")
        found = (
            model.objects.select_related("user")
            .filter(key_hash=digest, revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        # "Last used" to the minute: a write (and, on SQLite, a disk sync) per request would
        # cost more than the answer itself on a busy token.
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            model.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
