"""API endpoints of the inbox (thin: parse, call a selector or service, return a schema)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from linli.core.api_schemas import error_responses
from linli.notifications import selectors, services
from linli.notifications.models import Notification
from linli.notifications.schemas import NotificationOut, NotificationPageOut

router = Router(tags=["notifications"])

ERRORS: dict[int, Any] = error_responses(401, 403, 404, 422)
MAX_PAGE_SIZE = 100
# Far beyond any real list; a larger page number would overflow the database's OFFSET (a 500).
MAX_PAGE_NUMBER = 100_000


class InboxListParams(Schema):
    unread_only: bool = False
    page: int = Field(1, le=MAX_PAGE_NUMBER, description="Page number; below 1 means 1.")
    page_size: int = Field(20, description="Items per page; clamped to 1–100.")


@router.get(
    "/",
    response={200: NotificationPageOut, **ERRORS},
    summary="My notifications",
    operation_id="inbox_list",
)
def list_notifications(request: HttpRequest, params: Query[InboxListParams]) -> dict[str, Any]:
    """The caller's own notifications, newest first."""
    page_size = min(max(params.page_size, 1), MAX_PAGE_SIZE)
    page = max(params.page, 1)
    qs = selectors.inbox_for(request.user, unread_only=params.unread_only)
    start = (page - 1) * page_size
    return {
        "items": list(qs[start : start + page_size]),
        "count": qs.count(),
        "unread": Notification.objects.filter(
            recipient_id=request.user.pk, read_at__isnull=True
        ).count(),
        "page": page,
        "page_size": page_size,
    }


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark one read",
    operation_id="inbox_read",
)
def read_notification(request: HttpRequest, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read; someone else's answers 404."""
    return services.notification_mark_read(user=request.user, notification_id=notification_id)
