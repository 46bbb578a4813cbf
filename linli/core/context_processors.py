"""Template context every page needs: elder mode and the language list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def ui(request: HttpRequest) -> dict[str, Any]:
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "LINLI_LANGUAGES": settings.LANGUAGES,
    }
