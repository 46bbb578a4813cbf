"""The current request's client address, for audit rows written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("linli_client_ip", default=None)


def set_current_ip(ip: str | None) -> None:
    _ip.set(ip)


def current_ip() -> str | None:
    return _ip.get()


def client_ip(meta: dict[str, str]) -> str | None:
    """REMOTE_ADDR; behind a trusted proxy (LINLI_HTTPS deployments) the first X-Forwarded-For."""
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER and meta.get("HTTP_X_FORWARDED_FOR"):
        return meta["HTTP_X_FORWARDED_FOR"].split(",")[0].strip() or None
    return meta.get("REMOTE_ADDR") or None
