"""The landing pages: "My home" for everyone, the staff console, and the audit log.

They gather what other apps own (notices, inbox, registry) through those apps' selectors.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from linli.accounts import selectors
from linli.accounts.models import Role
from linli.notices import selectors as notice_selectors
from linli.notifications import selectors as inbox_selectors

HOME_NOTICES = 3
HOME_MESSAGES = 3
AUDIT_PAGE_SIZE = 50


@login_required
def my_home(request: HttpRequest) -> HttpResponse:
    """My units, my community's current notices and my unread messages, on one screen."""
    user = request.user
    community = notice_selectors.home_community_for(user)
    notices = []
    if community is not None:
        today = notice_selectors.local_today()
        notices = list(
            notice_selectors.public_notices(community, today)
            .filter(Q(ends_on__gte=today), status="published")
            .order_by("-starts_on", "-id")[:HOME_NOTICES]
        )
    context = {
        "nav": "home",
        "units": selectors.my_units(user),
        "community": community,
        "notices": notices,
        "messages_unread": list(inbox_selectors.inbox_for(user, unread_only=True)[:HOME_MESSAGES]),
        "is_staff_somewhere": bool(selectors.staff_community_ids(user)),
        # Owners' committee members convene votes of their estate (linli.votes.services.can_manage).
        "convenes_votes": any(
            Role.COMMITTEE in roles or Role.WORKER in roles or Role.ADMIN in roles
            for roles in selectors.roles_by_community(user).values()
        ),
        # Who may open the finance console (linli.finance.services.can_view_staff, by role).
        "handles_finance": any(
            roles & FINANCE_ROLES for roles in selectors.roles_by_community(user).values()
        ),
    }
    return render(request, "accounts/my_home.html", context)


FINANCE_ROLES = frozenset({Role.WORKER, Role.ADMIN, Role.COMMITTEE, Role.PROPERTY, Role.STREET})


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """The communities I work in, with the size of each registry and recent activity. Staff
    only (else 404)."""
    communities = list(selectors.console_communities(request.user))
    if not communities:
        raise Http404(_("This page was not found."))
    context = {
        "nav": "console",
        "communities": communities,
        "recent": list(selectors.audit_rows_for(request.user)[:5]),
    }
    return render(request, "accounts/console.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every write in the communities I work in, newest first, 50 a page. Staff only."""
    if not selectors.staff_community_ids(request.user):
        raise Http404(_("This page was not found."))
    action = request.GET.get("action", "").strip()[:64]
    rows = selectors.audit_rows_for(request.user, action=action)
    page = Paginator(rows, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "console", "page": page, "action": action}
    return render(request, "accounts/audit.html", context)
