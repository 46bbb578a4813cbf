"""The two landing pages: "My home" for everyone and the staff console's front page.

Kept apart from the other account pages so that they can grow (or move) on their own.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts import selectors
from linli.accounts.views import optional_url


@login_required
def my_home(request: HttpRequest) -> HttpResponse:
    """The units I own or live in, and where to go from here."""
    links = [
        (_("Public notices"), optional_url("notices:board")),
        (_("My inbox"), optional_url("notifications:inbox")),
        (_("Me and my settings"), reverse("accounts:profile")),
        (_("How we use your information"), reverse("accounts:privacy")),
    ]
    context = {
        "nav": "home",
        "units": selectors.my_units(request.user),
        "links": [(label, url) for label, url in links if url],
    }
    return render(request, "accounts/my_home.html", context)


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """The communities I work in, with the size of each registry. Staff only (else 404)."""
    communities = list(selectors.console_communities(request.user))
    if not communities:
        raise Http404(_("This page was not found."))
    links = [
        (_("Estates, buildings and units"), optional_url("registry:estates")),
        (_("Public notices"), optional_url("notices:manage")),
    ]
    context = {
        "nav": "console",
        "communities": [
            (community, optional_url("registry:roster", community.pk)) for community in communities
        ],
        "links": [(label, url) for label, url in links if url],
    }
    return render(request, "accounts/console.html", context)
