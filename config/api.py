"""The one API object: django-ninja at /api/v1/. Each app adds its router here."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from linli.core.api_auth import ApiTokenAuth, SessionAuth
from linli.core.errors import LinliError


class LocalSwagger(Swagger):
    """Swagger UI from ninja's own static files (no CDN), every <script> carrying the CSP nonce.

    Ours (templates/api/docs.html) rather than ninja's template, whose settings block has no
    nonce. The settings go out as JSON with `<`, `>` and `&` escaped, so they cannot end the
    script element. The online validator badge is off: it would load from validator.swagger.io.
    """

    template = "api/docs.html"

    def __init__(self) -> None:
        super().__init__(settings={"validatorUrl": None})

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        text = json.dumps(settings, sort_keys=True)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return render(request, self.template, {"api": api, "swagger_settings": text})


api = NinjaAPI(
    title="Linli API",
    version="1",
    urls_namespace="api-v1",
    auth=[SessionAuth(), ApiTokenAuth()],
    description="Linli (邻里) neighbourhood co-governance platform. Errors answer {code, message}.",
    docs=LocalSwagger(),
)


@api.exception_handler(LinliError)
def _linli_error(request: HttpRequest, exc: LinliError) -> HttpResponse:
    body: dict[str, object] = {"code": exc.code, "message": exc.message}
    if exc.details is not None:
        body["details"] = exc.details
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(p) for p in err.get("loc", [])], "message": _translate_pydantic(err)}
        for err in exc.errors
    ]
    return api.create_response(
        request,
        {"code": "invalid", "message": _("The request is not valid."), "errors": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"code": "unauthorized", "message": _("Please log in.")}, status=401
    )


# The codes services use (linli.core.errors), so a client switches on one vocabulary.
HTTP_ERROR_CODES = {403: "forbidden", 404: "not_found", 405: "method_not_allowed", 429: "throttled"}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {
        404: _("Not found."),
        403: _("You are not allowed to do this."),
        405: _("Method not allowed."),
    }
    message = messages.get(exc.status_code, str(exc.message))
    code = HTTP_ERROR_CODES.get(exc.status_code, "error")
    return api.create_response(request, {"code": code, "message": message}, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Django's own 404 (e.g. get_object_or_404) in the shared shape, not ninja's {"detail": ...}.
    body = {"code": "not_found", "message": _("Not found.")}
    return api.create_response(request, body, status=404)


def _translate_pydantic(err: dict[str, object]) -> str:
    kind = str(err.get("type", ""))
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int") or kind.startswith("float"):
        return _("Enter a whole number.")
    if kind.startswith("string_too_long"):
        return _("This text is too long.")
    if kind.startswith("string"):
        return _("Enter text.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("date"):
        return _("Enter a valid date.")
    if kind.startswith("enum") or kind.startswith("literal"):
        return _("Choose one of the allowed values.")
    if kind.startswith("json"):
        return _("The request body is not valid JSON.")
    return _("This value is not valid.")


def _mount_routers() -> None:
    from linli.accounts.api import router as accounts_router
    from linli.finance.api import router as finance_router
    from linli.notices.api import router as notices_router
    from linli.notifications.api import router as notifications_router
    from linli.registry.api import router as registry_router
    from linli.votes.api import router as votes_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/registry", registry_router)
    api.add_router("/notices", notices_router)
    api.add_router("/inbox", notifications_router)
    api.add_router("/votes", votes_router)
    api.add_router("/finance", finance_router)


_mount_routers()
