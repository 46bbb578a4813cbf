"""Pages of the accounts app: log in (password or SMS code) and out, elder mode and language,
"Me", the privacy rules and paper consent. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts import selectors, services
from linli.accounts.forms import (
    ApiTokenForm,
    ElderModeForm,
    PaperConsentForm,
    PasswordLoginForm,
    SmsLoginForm,
    SmsSendForm,
)
from linli.accounts.models import Consent
from linli.core.errors import LinliError, NotFound, Throttled
from linli.core.middleware import ELDER_COOKIE
from linli.core.request_context import client_ip
from linli.registry.selectors import access_person_by_id

ELDER_COOKIE_AGE = 365 * 24 * 3600


# ---------------------------------------------------------------------------
# Helpers


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` if it points back into this site, else "" (no open redirects)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def redirect_next(
    request: HttpRequest, candidate: str | None, default: str = "home"
) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, candidate) or reverse(default))


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


# ---------------------------------------------------------------------------
# Logging in and out


def _login_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "method": "password",
        "next": "",
        "password_form": PasswordLoginForm(),
        "sms_form": SmsLoginForm(),
        "error": "",
        "throttled": False,
        "sms_sent": False,
        "sms_error": "",
        "resend_after": 0,
    }
    context.update(extra)
    return context


@sensitive_post_parameters("password", "code")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Log in with a password or an SMS code; then go to `next` (if it is ours) or home."""
    method = (
        "sms" if (request.POST.get("method") or request.GET.get("method")) == "sms" else "password"
    )
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST" and request.user.is_authenticated:
        return HttpResponseRedirect(next_url or reverse("home"))
    posted = request.POST if request.method == "POST" else None
    password_form = PasswordLoginForm(posted if method == "password" else None)
    sms_form = SmsLoginForm(posted if method == "sms" else None)
    context = _login_context(
        request, method=method, next=next_url, password_form=password_form, sms_form=sms_form
    )
    status = 200
    retry_after = 0
    if request.method == "POST":
        form = password_form if method == "password" else sms_form
        if form.is_valid():
            try:
                if method == "password":
                    user = services.login_with_password(
                        request=request,
                        phone=form.cleaned_data["phone"],
                        password=form.cleaned_data["password"],
                    )
                else:
                    user = services.login_with_sms_code(
                        request=request,
                        phone=form.cleaned_data["phone"],
                        code=form.cleaned_data["code"],
                    )
            except LinliError as exc:
                context["error"] = exc.message
                status = exc.status
                if isinstance(exc, Throttled):
                    context["throttled"] = True
                    retry_after = exc.retry_after
            else:
                done = HttpResponseRedirect(next_url or reverse("home"))
                if user.language in dict(settings.LANGUAGES):
                    _set_language_cookie(done, user.language)
                return done
        else:
            status = 400
    response = render(request, "accounts/login.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_POST
def sms_send(request: HttpRequest) -> HttpResponse:
    """Ask for a login code. Works as a plain form post; htmx swaps in just the status line."""
    form = SmsSendForm(request.POST)
    next_url = safe_next(request, request.POST.get("next"))
    status = 200
    retry_after = 0
    extra: dict[str, Any] = {}
    if form.is_valid():
        try:
            sent = services.sms_code_send(
                phone=form.cleaned_data["phone"], ip=client_ip(request.META)
            )
        except LinliError as exc:
            status = exc.status
            extra["sms_error"] = exc.message
            if isinstance(exc, Throttled):
                retry_after = exc.retry_after
                # Count down on the button only for the short resend wait, not a day's limit.
                if retry_after <= services.SMS_RESEND_AFTER.total_seconds():
                    extra["resend_after"] = retry_after
        else:
            extra["sms_sent"] = True
            extra["resend_after"] = sent.resend_after
    else:
        status = 400
        extra["sms_error"] = str(form.errors["phone"][0])
    if request.htmx:  # type: ignore[attr-defined]
        # 200 so that htmx swaps the message in; the message itself says what went wrong.
        return render(request, "accounts/login.html#sms_status", _login_context(request, **extra))
    context = _login_context(
        request,
        method="sms",
        next=next_url,
        sms_form=SmsLoginForm(initial={"phone": request.POST.get("phone", "")}),
        **extra,
    )
    response = render(request, "accounts/login.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.logout(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


# ---------------------------------------------------------------------------
# Display preferences


@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch the elder mode: kept on the account when logged in, and in a cookie either way
    (so that the login page after logging out keeps the large print)."""
    form = ElderModeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("The request is not valid."), status=400, content_type="text/plain")
    enabled = form.cleaned_data["elder"] == "1"
    if request.user.is_authenticated:
        services.user_set_elder_mode(user=request.user, enabled=enabled)
    response = redirect_next(request, request.POST.get("next"))
    if enabled:
        response.set_cookie(
            ELDER_COOKIE,
            "1",
            max_age=ELDER_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Choose the language: remembered on the account (when logged in) and in the cookie."""
    code = request.POST.get("language", "")
    response = redirect_next(request, request.POST.get("next"), default="accounts:profile")
    try:
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=code)
        elif code not in dict(settings.LANGUAGES):
            raise LinliError(_("This language is not available."), code="invalid_language")
    except LinliError as exc:
        messages.error(request, exc.message)
        return response
    _set_language_cookie(response, code)
    return response


# ---------------------------------------------------------------------------
# Me


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """ "Me": who I am, my roles, display settings, my consents, API tokens, log out."""
    user = request.user
    consents = list(selectors.consents_of(user))
    active = selectors.active_consent_purposes(consents)
    context = {
        "nav": "me",
        "roles": selectors.roles_for_display(user),
        "consents": consents,
        "missing_purposes": [
            (value, label) for value, label in Consent.Purpose.choices if value not in active
        ],
        "tokens": list(selectors.api_tokens_of(user)),
        "token_form": ApiTokenForm(),
        "preferences_url": reverse("notifications:preferences"),
        "policy_version": settings.LINLI_PRIVACY_POLICY_VERSION,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def consent_give(request: HttpRequest) -> HttpResponse:
    try:
        services.consent_record_online(user=request.user, purpose=request.POST.get("purpose", ""))  # type: ignore[arg-type]
    except LinliError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you. Your consent is recorded."))
    return HttpResponseRedirect(reverse("accounts:profile") + "#consents")


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    try:
        services.consent_withdraw(actor=request.user, consent_id=consent_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except LinliError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Your consent is withdrawn. We stop this use of your information from now on."),
        )
    return redirect_next(request, request.POST.get("next"), default="accounts:profile")


@never_cache
@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show its secret exactly once (never stored, never redirected with)."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["name"][0]))
        return HttpResponseRedirect(reverse("accounts:profile") + "#tokens")
    try:
        token, secret = services.api_token_create(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
    except LinliError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("accounts:profile") + "#tokens")
    return render(
        request, "accounts/token_created.html", {"nav": "me", "token": token, "secret": secret}
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(actor=request.user, token_id=token_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except LinliError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return HttpResponseRedirect(reverse("accounts:profile") + "#tokens")


# ---------------------------------------------------------------------------
# Privacy and consent on paper


def privacy(request: HttpRequest) -> HttpResponse:
    """How Linli processes personal information (PIPL Art. 17), in one place."""
    context = {
        "nav": "me",
        "policy_version": settings.LINLI_PRIVACY_POLICY_VERSION,
        "operator_name": getattr(settings, "LINLI_OPERATOR_NAME", ""),
        "operator_contact": getattr(settings, "LINLI_OPERATOR_CONTACT", ""),
        "offices": selectors.community_offices_of(request.user),
    }
    return render(request, "accounts/privacy.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consent_paper(request: HttpRequest, person_id: int) -> HttpResponse:
    """A worker records a consent a person signed on paper (persons of his community only)."""
    try:
        person = access_person_by_id(request.user, person_id)
        if not selectors.is_staff_in(request.user, person.community_id):
            raise NotFound(_("This person was not found."))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = PaperConsentForm(request.POST if request.method == "POST" else None)
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                services.consent_record_paper(
                    actor=request.user,
                    person=person,
                    purpose=form.cleaned_data["purpose"],
                    paper_reference=form.cleaned_data["paper_reference"],
                    given_at=_signed_at(form.cleaned_data["given_on"]),
                )
            except LinliError as exc:
                error = exc.message
                status = exc.status
            else:
                messages.success(request, _("The paper consent is recorded."))
                return redirect("accounts:consent_paper", person_id=person.pk)
        else:
            status = 400
    context = {
        "nav": "console",
        "person": person,
        "form": form,
        "error": error,
        "consents": list(selectors.consents_of_person(person)),
    }
    return render(request, "accounts/consent_paper.html", context, status=status)


def _signed_at(day: date) -> datetime:
    """A signing date as a moment: now for today, noon (local time) for any other day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))
