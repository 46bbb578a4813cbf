"""Authentication by mobile phone + password. Throttling lives in the login service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class PhonePasswordBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        phone = kwargs.get("phone") or username
        return super().authenticate(request, username=phone, password=password)
