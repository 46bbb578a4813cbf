"""The unread count shown on the inbox tab."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from linli.notifications.models import Notification


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_count": 0}
    return {
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    }
