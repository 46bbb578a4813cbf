"""API endpoints of the inbox (thin: parse, call a selector or service, return a schema)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from linli.notifications import selectors, services
from linli.notifications.models import Notification
from linli.notifications.schemas import ErrorOut, NotificationOut, NotificationPageOut

router = Router(tags=["notifications"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_PAGE_SIZE = 100


class ListParams(Schema):
    unread_only: bool = False
    page: int = 1
    page_size: int = 20


@router.get("/", response={200: NotificationPageOut, **ERRORS}, summary="My notifications")
def list_notifications(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
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
    "/{notification_id}/read", response={200: NotificationOut, **ERRORS}, summary="Mark one read"
)
def read_notification(request: HttpRequest, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read; someone else's answers 404."""
    return services.notification_mark_read(user=request.user, notification_id=notification_id)
