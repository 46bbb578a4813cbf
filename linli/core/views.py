"""Front door: the home page sends each person to their own home, and a health check; and the
decorator every app's pages use to turn a service's refusal into the right HTTP answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from linli.core.errors import Forbidden, NotFound


def translate_errors[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    """NotFound answers 404 and Forbidden 403, each with the service's message."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect("accounts:my_home")


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
