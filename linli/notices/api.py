"""API endpoints of the notices app (thin: parse, call a selector or service, return a schema)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from linli.accounts.selectors import community_ids_for
from linli.core.api_auth import ApiTokenAuth, SessionAuth
from linli.core.api_schemas import error_responses
from linli.core.errors import NotFound
from linli.domain.notice_periods import days_left
from linli.notices import selectors
from linli.notices.models import Notice
from linli.notices.schemas import AttachmentOut, NoticeDetailOut, NoticePageOut
from linli.notices.text import mask_personal_numbers

router = Router(tags=["notices"])

ERRORS: dict[int, Any] = error_responses(401, 403, 404, 422)
MAX_PAGE_SIZE = 100
# Far beyond any real list; a larger page number would overflow the database's OFFSET (a 500).
MAX_PAGE_NUMBER = 100_000


def anonymous_allowed(request: HttpRequest) -> Any:
    """Lets a request through without credentials (public notices), after the real schemes
    have had their chance to identify the caller."""
    return request.user or True


class NoticeListParams(Schema):
    community_id: int
    page: int = Field(1, le=MAX_PAGE_NUMBER, description="Page number; below 1 means 1.")
    page_size: int = Field(20, description="Items per page; clamped to 1–100.")


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


@router.get(
    "/",
    response={200: NoticePageOut, **ERRORS},
    summary="Public notices of a community",
    operation_id="notices_list",
)
def list_notices(request: HttpRequest, params: Query[NoticeListParams]) -> dict[str, Any]:
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
    # `anonymous_allowed` has no OpenAPI security scheme; the empty requirement says the same.
    openapi_extra={"security": [{}]},
    summary="One notice (public once published)",
    operation_id="notices_get",
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
