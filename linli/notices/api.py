"""API endpoints of the notices app (thin: parse, call a selector or service, return a schema)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from linli.accounts.selectors import community_ids_for
from linli.core.api_auth import ApiTokenAuth, SessionAuth
from linli.core.errors import NotFound
from linli.domain.notice_periods import days_left
from linli.notices import selectors
from linli.notices.models import Notice
from linli.notices.schemas import AttachmentOut, ErrorOut, NoticeDetailOut, NoticePageOut
from linli.notices.text import mask_personal_numbers

router = Router(tags=["notices"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_PAGE_SIZE = 100


def anonymous_allowed(request: HttpRequest) -> Any:
    """Lets a request through without credentials (public notices), after the real schemes
    have had their chance to identify the caller."""
    return request.user or True


class ListParams(Schema):
    community_id: int
    page: int = 1
    page_size: int = 20


def _out(notice: Notice, today: Any) -> dict[str, Any]:
    return {
        "public_id": notice.public_id,
        "community_id": notice.community_id,
        "estate_id": notice.estate_id,
        "estate_name": notice.estate.name if notice.estate is not None else None,
        "kind": notice.kind,
        "kind_label": str(notice.get_kind_display()),
        "status": notice.status,
        "title": mask_personal_numbers(notice.title),
        "issuer": mask_personal_numbers(notice.issuer),
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "days_left": days_left(notice.ends_on, today)
        if notice.status == Notice.Status.PUBLISHED
        else 0,
        "published_at": notice.published_at,
        "withdrawn_at": notice.withdrawn_at,
        "withdraw_reason": mask_personal_numbers(notice.withdraw_reason),
        "url": selectors.notice_detail_path(notice),
        "pdf_url": reverse("notices:pdf", kwargs={"public_id": notice.public_id}),
    }


@router.get("/", response={200: NoticePageOut, **ERRORS}, summary="Public notices of a community")
def list_notices(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """Published and withdrawn notices of one of the caller's communities, newest window first."""
    if params.community_id not in community_ids_for(request.user):
        raise NotFound(_("This community does not exist."), code="not_found")
    page_size = min(max(params.page_size, 1), MAX_PAGE_SIZE)
    page = max(params.page, 1)
    today = selectors.local_today()
    qs = (
        selectors.public_notices(params.community_id, today)
        .select_related("estate")
        .order_by("-starts_on", "-id")
    )
    start = (page - 1) * page_size
    return {
        "items": [_out(n, today) for n in qs[start : start + page_size]],
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
    }


@router.get(
    "/{public_id}",
    response={200: NoticeDetailOut, **ERRORS},
    auth=[SessionAuth(), ApiTokenAuth(), anonymous_allowed],
    summary="One notice (public once published)",
)
def get_notice(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """A published or withdrawn notice for anyone; a draft only for those who may write it."""
    notice = selectors.access_notice_by_public_id(request.user, public_id)
    data = _out(notice, selectors.local_today())
    data["body"] = mask_personal_numbers(notice.body)
    data["attachments"] = [
        AttachmentOut(
            name=a.name,
            size=a.size,
            content_type=a.content_type,
            url=reverse(
                "notices:attachment", kwargs={"public_id": notice.public_id, "attachment_id": a.pk}
            ),
        )
        for a in notice.attachments.all()
    ]
    return data
