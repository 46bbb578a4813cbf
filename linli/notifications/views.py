"""Pages of the inbox: the list, opening one notification, and channel preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.errors import LinliError, NotFound
from linli.notifications import selectors, services
from linli.notifications.forms import PreferenceForm


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Unread notifications first, then the most recent read ones."""
    context = {"inbox": selectors.inbox_page(request.user), "nav": "inbox"}
    return render(request, "notifications/inbox.html", context)


@login_required
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the user's notifications read and go to the page it points to."""
    try:
        notification = services.notification_mark_read(
            user=request.user, notification_id=notification_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    url = notification.url
    if (
        url
        and services.is_safe_internal_url(url)
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Mark every unread notification read."""
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """SMS and email, per topic; the in-app inbox always receives everything."""
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.preference_set(
                    user=request.user,
                    topic=form.cleaned_data["topic"],
                    sms=form.cleaned_data["sms"],
                    email=form.cleaned_data["email"],
                )
            except LinliError as exc:
                messages.error(request, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your choice is saved."))
                return redirect("notifications:preferences")
        else:
            messages.error(request, _("This notification topic is not valid."))
            status = 400
    context = {
        "choices": selectors.preferences_for(request.user),
        "has_email": bool(getattr(request.user, "email", "")),
        "nav": "inbox",
    }
    return render(request, "notifications/preferences.html", context, status=status)
