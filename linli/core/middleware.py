"""Request-wide middleware: client address for auditing, and the elder-mode flag."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from linli.core.request_context import client_ip, set_current_ip

ELDER_COOKIE = "linli_elder"


class ElderModeMiddleware:
    """Sets `request.elder_mode` from the user's setting, or a cookie for anonymous visitors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        set_current_ip(client_ip(request.META))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.elder_mode = bool(getattr(user, "elder_mode", False))  # type: ignore[attr-defined]
        else:
            request.elder_mode = request.COOKIES.get(ELDER_COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)
