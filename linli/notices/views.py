"""Pages of public notices: the boards (a member's and the anonymous public one), a notice,
its PDF and attachments, and the writers' pages (list, draft, publish, withdraw)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.selectors import is_staff_in
from linli.core.errors import Forbidden, LinliError, NotFound
from linli.core.views import translate_errors
from linli.notices import selectors, services
from linli.notices.forms import AttachmentForm, NoticeForm, PublishForm, WithdrawForm
from linli.notices.models import Notice
from linli.notices.periods import period_problem

ARCHIVE_PAGE_SIZE = 20
MANAGE_PAGE_SIZE = 30
PDF_CACHE_SECONDS = 600


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


# --- public and member pages ---------------------------------------------------------------------


def _render_board(request: HttpRequest, community: Any, *, public: bool) -> HttpResponse:
    board = selectors.board_for_community(community)
    # htmx asks for the list alone when a tab is switched (django-htmx sets request.htmx).
    partial = bool(getattr(request, "htmx", False))
    tab = "archive" if request.GET.get("tab") == "archive" else "current"
    archive_page = None
    if tab == "archive" and board.archive is not None:
        archive_page = Paginator(board.archive, ARCHIVE_PAGE_SIZE).get_page(_page_number(request))
    context = {
        "board": board,
        "community": community,
        "tab": tab,
        "archive_page": archive_page,
        "public": public,
        "can_manage": not public and community.pk in selectors.writable_community_ids(request.user),
        # Members may belong to several communities; the scope keeps tab links on this one.
        "scope": "" if public else f"community={community.pk}&",
        "communities": [] if public or partial else selectors.member_communities(request.user),
        "nav": "notices",
    }
    template = "notices/board.html#notice-list" if partial else "notices/board.html"
    return render(request, template, context)


@login_required
@translate_errors
def board(request: HttpRequest) -> HttpResponse:
    """The board of the signed-in person's community: current notices, and the archive."""
    community = selectors.home_community_for(request.user, _requested_community_id(request))
    if community is None:
        return render(request, "notices/no_community.html", {"nav": "notices"})
    return _render_board(request, community, public=False)


@translate_errors
def public_board(request: HttpRequest, community_code: str) -> HttpResponse:
    """A community's board for anyone, no login: what is posted at the estate gates."""
    return _render_board(request, selectors.community_by_code(community_code), public=True)


@translate_errors
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One notice: period, issuer, text, attachments, and a banner when it was withdrawn."""
    notice = selectors.access_notice_by_public_id(request.user, public_id)
    user = request.user
    can_write = user.is_authenticated and selectors.can_write_notice(
        user, notice.community_id, notice.estate_id
    )
    context = {
        "notice": notice,
        "is_public": selectors.is_public(notice),
        "can_write": can_write,
        "today": selectors.local_today(),
        "nav": "notices",
    }
    return render(request, "notices/detail.html", context)


@translate_errors
def pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The notice as a printable A4 PDF with a QR code back to its page."""
    # WeasyPrint and its fonts stay out of every worker until the first PDF is asked for.
    from linli.notices.pdf import render_notice_pdf

    notice = selectors.access_notice_by_public_id(request.user, public_id)
    today = selectors.local_today()
    key = f"notice-pdf:{notice.public_id}:{notice.status}:{today.isoformat()}:{get_language()}"
    # Drafts change between two previews, so only public notices are cached.
    content = cache.get(key) if selectors.is_public(notice) else None
    if content is None:
        content = render_notice_pdf(notice, printed_on=today)
        if selectors.is_public(notice):
            cache.set(key, content, PDF_CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.public_id}.pdf"'
    return response


@translate_errors
def attachment(request: HttpRequest, public_id: uuid.UUID, attachment_id: int) -> FileResponse:
    """Download one attachment of a notice the visitor may read."""
    found = selectors.attachment_for_download(request.user, public_id, attachment_id)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This file does not exist.")) from exc
    return FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )


# --- writers' pages ------------------------------------------------------------------------------


def _writable_notice(request: HttpRequest, pk: int) -> Notice:
    """A notice the user may write; 404 for everything else, published or not."""
    notice = selectors.access_notice_by_id(request.user, pk)
    if not selectors.can_write_notice(request.user, notice.community_id, notice.estate_id):
        raise NotFound(_("This page does not exist."), code="not_found")
    return notice


def _requested_community_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("community") or request.POST.get("community")
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _notice_form(
    request: HttpRequest, community: Any, data: Any = None, initial: Any = None
) -> NoticeForm:
    return NoticeForm(
        data,
        initial=initial,
        estates=selectors.writable_estates(request.user, community),
        estate_required=not is_staff_in(request.user, community.pk),
    )


@login_required
@translate_errors
def manage(request: HttpRequest) -> HttpResponse:
    """Every notice the user may write in one community, drafts included."""
    community = selectors.management_community_for(request.user, _requested_community_id(request))
    page = Paginator(
        selectors.notices_for_management(request.user, community), MANAGE_PAGE_SIZE
    ).get_page(_page_number(request))
    context = {
        "community": community,
        "page": page,
        "today": selectors.local_today(),
        "communities": selectors.writable_communities(request.user),
        "nav": "console",
    }
    return render(request, "notices/manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def create(request: HttpRequest) -> HttpResponse:
    """Draft a new notice."""
    community = selectors.management_community_for(request.user, _requested_community_id(request))
    form = _notice_form(request, community, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notice = services.notice_create(
                    actor=request.user, community=community, **form.cleaned_data
                )
            except (NotFound, Forbidden):
                raise
            except LinliError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Draft saved. Attach files if needed, then publish it.")
                )
                return redirect("notices:edit", pk=notice.pk)
        status = 400
    context = {"form": form, "community": community, "notice": None, "nav": "console"}
    return render(request, "notices/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft and its attachments. A published notice is shown instead."""
    notice = _writable_notice(request, pk)
    if notice.status != Notice.Status.DRAFT:
        messages.info(
            request,
            _("This notice has been published: it can no longer be changed, only withdrawn."),
        )
        return redirect("notices:detail", public_id=notice.public_id)
    data = request.POST if request.method == "POST" else None
    form = _notice_form(request, notice.community, data, initial=NoticeForm.initial_from(notice))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.notice_update(actor=request.user, notice_id=notice.pk, **form.cleaned_data)
            except (NotFound, Forbidden):
                raise
            except LinliError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("notices:edit", pk=notice.pk)
        status = 400
    return _render_edit(request, notice, form, AttachmentForm(), status=status)


def _render_edit(
    request: HttpRequest,
    notice: Notice,
    form: NoticeForm,
    attach_form: AttachmentForm,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "attach_form": attach_form,
        "community": notice.community,
        "notice": notice,
        "attachments": list(notice.attachments.all()),
        "nav": "console",
    }
    return render(request, "notices/form.html", context, status=status)


@login_required
@require_POST
@translate_errors
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one attachment to a draft."""
    notice = _writable_notice(request, pk)
    attach_form = AttachmentForm(request.POST, request.FILES)
    if attach_form.is_valid():
        try:
            services.notice_attach(
                actor=request.user,
                notice_id=notice.pk,
                uploaded_file=attach_form.cleaned_data["file"],
            )
        except (NotFound, Forbidden):
            raise
        except LinliError as exc:
            attach_form.add_error("file", exc.message)
        else:
            messages.success(request, _("File attached."))
            return redirect("notices:edit", pk=notice.pk)
    form = _notice_form(request, notice.community, initial=NoticeForm.initial_from(notice))
    return _render_edit(request, notice, form, attach_form, status=400)


@login_required
@require_POST
@translate_errors
def detach(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """Remove an attachment from a draft."""
    notice = _writable_notice(request, pk)
    if not notice.attachments.filter(pk=attachment_id).exists():
        raise Http404(_("This file does not exist."))
    try:
        services.notice_attachment_remove(actor=request.user, attachment_id=attachment_id)
    except (NotFound, Forbidden):
        raise
    except LinliError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("File removed."))
    return redirect("notices:edit", pk=notice.pk)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then publish a draft (optionally telling the residents through their inbox)."""
    notice = _writable_notice(request, pk)
    form = PublishForm(request.POST if request.method == "POST" else None)
    problem = None
    if notice.status == Notice.Status.DRAFT:
        problem = period_problem(
            notice.kind, notice.starts_on, notice.ends_on, today=selectors.local_today()
        )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_publish(
                actor=request.user,
                notice_id=notice.pk,
                notify_residents=form.cleaned_data["notify_residents"],
            )
        except (NotFound, Forbidden):
            raise
        except LinliError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("The notice is published."))
            return redirect("notices:detail", public_id=notice.public_id)
    context = {"notice": notice, "form": form, "problem": problem, "nav": "console"}
    return render(request, "notices/publish.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a published notice with a reason that stays public."""
    notice = _writable_notice(request, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.notice_withdraw(
                    actor=request.user, notice_id=notice.pk, reason=form.cleaned_data["reason"]
                )
            except (NotFound, Forbidden):
                raise
            except LinliError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, _("The notice is withdrawn; it stays on the board with your reason.")
                )
                return redirect("notices:detail", public_id=notice.public_id)
    context = {"notice": notice, "form": form, "nav": "console"}
    return render(request, "notices/withdraw.html", context, status=status)
