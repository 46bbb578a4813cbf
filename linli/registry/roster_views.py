"""Roster import and export pages (.xlsx), for the staff of one community.

Thin views over `linli.registry.roster`: the page with the upload form and the explanation,
the report after an upload, the empty template and the export. Anyone who is not a worker or
administrator of the community gets 404, as if the community did not exist.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.errors import LinliError, NotFound
from linli.registry import roster
from linli.registry.models import Community


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster workbook (.xlsx)"),
        help_text=_(
            "Fill in the template and upload it here. Nothing is imported unless every row is "
            "valid."
        ),
    )


def _community(request: HttpRequest, community_id: int) -> Community:
    try:
        return roster.access_roster_community(request.user, community_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=roster.XLSX_CONTENT_TYPE)
    # An ASCII name for old clients, the real one (RFC 6266 / RFC 5987) for everyone else.
    response["Content-Disposition"] = (
        f"attachment; filename=\"linli-roster.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def roster_page(request: HttpRequest, community_id: int) -> HttpResponse:
    """GET: the upload form, the template and export buttons, and how the import works.
    POST: import the uploaded workbook and show the report (errors, or what was created)."""
    community = _community(request, community_id)
    report: roster.ImportReport | None = None
    file_error = ""
    status = 200
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = roster.roster_import(
                    actor=request.user, community=community, file=form.cleaned_data["file"]
                )
            except LinliError as exc:
                file_error = exc.message
                status = exc.status
            else:
                status = 200 if report.ok else 400
        else:
            status = 400
    else:
        form = RosterUploadForm()
    context: dict[str, Any] = {
        "community": community,
        "form": form,
        "report": report,
        "file_error": file_error,
        "columns": roster.COLUMNS,
        "rules": roster.RULES,
        "max_rows": roster.MAX_ROWS,
        "nav": "console",
    }
    return render(request, "registry/roster.html", context, status=status)


@login_required
@require_GET
def roster_template(request: HttpRequest, community_id: int) -> HttpResponse:
    """The empty workbook to fill in."""
    _community(request, community_id)
    filename = pgettext("file name", "roster-template") + ".xlsx"
    return _xlsx_response(roster.roster_template(), filename)


@never_cache
@login_required
@require_GET
def roster_export(request: HttpRequest, community_id: int) -> HttpResponse:
    """The community's whole roster with full personal data (audited)."""
    community = _community(request, community_id)
    content = roster.roster_export(community=community, actor=request.user)
    today = timezone.localdate().strftime("%Y%m%d")
    filename = f"{community.name}-{pgettext('file name', 'roster')}-{today}.xlsx"
    return _xlsx_response(content, filename)
