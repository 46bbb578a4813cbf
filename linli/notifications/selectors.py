"""Reads of the inbox. A person only ever sees their own notifications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from linli.notifications.models import Notification, Preference
from linli.notifications.topics import ALL_TOPICS, TOPIC_LABELS

INBOX_READ_LIMIT = 50


def inbox_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (the index `inbox_recent` serves this)."""
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


@dataclass(frozen=True)
class Inbox:
    unread: list[Notification]
    read: list[Notification]


def inbox_page(user: Any, *, read_limit: int = INBOX_READ_LIMIT) -> Inbox:
    """Every unread notification and the most recent read ones: two queries."""
    mine = Notification.objects.filter(recipient_id=user.pk)
    unread = list(mine.filter(read_at__isnull=True).order_by("-id"))
    read = list(mine.filter(read_at__isnull=False).order_by("-id")[:read_limit])
    return Inbox(unread=unread, read=read)


@dataclass(frozen=True)
class TopicChoice:
    topic: str
    label: str
    sms: bool
    email: bool
    explicit: bool


def preferences_for(user: Any) -> list[TopicChoice]:
    """Every listed topic with the user's channels: its own row, else the "*" row, else off."""
    rows = {p.topic: p for p in Preference.objects.filter(user_id=user.pk)}
    default = rows.get(ALL_TOPICS)
    result = []
    for topic, label in TOPIC_LABELS.items():
        row = rows.get(topic) or default
        result.append(
            TopicChoice(
                topic=topic,
                label=str(label),
                sms=bool(row and row.sms),
                email=bool(row and row.email),
                explicit=topic in rows,
            )
        )
    return result
