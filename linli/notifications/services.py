"""Writes of the inbox: notifying people, reading notifications, channel preferences, and
sending one SMS or email delivery.

Every person notified gets an in-app notification. SMS and email are opt-in per topic (a
`Preference` row for the topic, else the person's "*" row; without either, both are off).
Outside deliveries are sent by one background task each, queued when the transaction commits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import LinliError, NotFound
from linli.core.sms import send_sms
from linli.notifications.models import Channel, Delivery, Notification, Preference
from linli.notifications.topics import ALL_TOPICS
from linli.registry.models import Community

logger = logging.getLogger("linli.notifications")

SMS_TEMPLATE = "NOTICE"
# Chinese SMS and WeChat templates cap a parameter at 20 characters.
SMS_TITLE_CHARS = 20
_TOPIC = re.compile(r"^(\*|[a-z][a-z0-9_.-]{0,39})$")


@dataclass(frozen=True)
class _Recipient:
    user_id: int
    phone: str
    email: str


def is_safe_internal_url(url: str) -> bool:
    """A path on this site ("/notices/n/…"), never another host or a scheme."""
    if not url:
        return True
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def _recipients(recipients: QuerySet[Any] | Iterable[Any]) -> list[_Recipient]:
    """One query for a queryset of users; none for users already loaded. Duplicates dropped."""
    rows: Iterable[tuple[Any, Any, Any]]
    if isinstance(recipients, QuerySet):
        rows = (
            recipients.filter(is_active=True)
            .order_by()
            .values_list("id", "phone", "email")
            .distinct()
        )
    else:
        rows = [(u.pk, u.phone, u.email) for u in recipients if getattr(u, "is_active", True)]
    seen: set[int] = set()
    result = []
    for user_id, phone, email in rows:
        if user_id not in seen:
            seen.add(user_id)
            result.append(_Recipient(user_id, phone or "", email or ""))
    return result


def _channel_choices(user_ids: list[int], topic: str) -> dict[int, tuple[bool, bool]]:
    """{user_id: (sms, email)}: the topic's own row wins over the "*" row; default off."""
    found: dict[int, dict[str, tuple[bool, bool]]] = {}
    rows = Preference.objects.filter(
        user_id__in=user_ids, topic__in={topic, ALL_TOPICS}
    ).values_list("user_id", "topic", "sms", "email")
    for user_id, row_topic, sms, email in rows:
        found.setdefault(user_id, {})[row_topic] = (sms, email)
    return {
        uid: rows_by_topic.get(topic, rows_by_topic.get(ALL_TOPICS, (False, False)))
        for uid, rows_by_topic in found.items()
    }


def notify(
    *,
    community: Community,
    recipients: QuerySet[Any] | Iterable[Any],
    topic: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put one notification in each recipient's inbox and queue their chosen SMS/email.

    `recipients` is a queryset of users (evaluated in one query, in SQL) or loaded users.
    The inbox insert is one bulk query whatever the number of recipients; each outside
    delivery is one task, queued on commit. A person with no phone/email for a chosen
    channel gets a `skipped` delivery, so the gap is visible.
    """
    if not _TOPIC.match(topic) or topic == ALL_TOPICS:
        raise LinliError(_("This notification topic is not valid."), code="invalid_topic")
    title = title.strip()[:200]
    if not title:
        raise LinliError(_("A notification needs a title."), code="invalid")
    if len(url) > 300 or not is_safe_internal_url(url):
        raise LinliError(
            _("A notification can only link to a page of this site."), code="invalid_url"
        )
    with transaction.atomic():
        people = _recipients(recipients)
        if not people:
            return []
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    community=community,
                    recipient_id=p.user_id,
                    topic=topic,
                    title=title,
                    body=body,
                    url=url,
                )
                for p in people
            ]
        )
        choices = _channel_choices([p.user_id for p in people], topic)
        deliveries = []
        for person, notification in zip(people, notifications, strict=True):
            sms, email = choices.get(person.user_id, (False, False))
            if sms:
                status = Delivery.Status.QUEUED if person.phone else Delivery.Status.SKIPPED
                error = "" if person.phone else "no phone number"
                deliveries.append(
                    Delivery(
                        notification=notification, channel=Channel.SMS, status=status, error=error
                    )
                )
            if email:
                status = Delivery.Status.QUEUED if person.email else Delivery.Status.SKIPPED
                error = "" if person.email else "no email address"
                deliveries.append(
                    Delivery(
                        notification=notification, channel=Channel.EMAIL, status=status, error=error
                    )
                )
        if deliveries:
            Delivery.objects.bulk_create(deliveries)
        audit_record(
            actor=None,
            action="notification.notify",
            community=community,
            object_type="notifications.notification",
            summary=f"{topic}: {len(notifications)} to inbox, {len(deliveries)} outside: {title}",
        )
        queued = [d.pk for d in deliveries if d.status == Delivery.Status.QUEUED]
        if queued:
            transaction.on_commit(lambda: _enqueue_deliveries(queued))
    return notifications


def _enqueue_deliveries(delivery_ids: list[int]) -> None:
    from linli.notifications.tasks import send_delivery

    for delivery_id in delivery_ids:
        send_delivery.enqueue(delivery_id)


def delivery_send(*, delivery_id: int) -> str:
    """Send one queued (or previously failed) delivery and record the outcome; returns its status.

    Idempotent: the delivery is claimed with one conditional UPDATE, so a second run — or a
    concurrent one — of a delivery that is sent, skipped or being sent does nothing.
    """
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.FAILED]
    ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        current = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return current or "missing"
    delivery = Delivery.objects.select_related(
        "notification__recipient", "notification__community"
    ).get(pk=delivery_id)
    notification = delivery.notification
    recipient = notification.recipient
    # The network call happens outside any transaction; only the outcome is written.
    try:
        if delivery.channel == Channel.SMS:
            result = send_sms(
                phone=recipient.phone,
                template=SMS_TEMPLATE,
                params={"title": notification.title[:SMS_TITLE_CHARS]},
            )
            ok, error = result.ok, result.error
        elif delivery.channel == Channel.EMAIL:
            send_mail(
                subject=notification.title,
                message=_email_text(notification),
                from_email=None,
                recipient_list=[recipient.email],
                fail_silently=False,
            )
            ok, error = True, ""
        else:
            ok, error = False, f"unknown channel {delivery.channel}"
    except Exception as exc:
        logger.exception("delivery %s failed", delivery_id)
        ok, error = False, f"{type(exc).__name__}: {exc}"
    status = Delivery.Status.SENT if ok else Delivery.Status.FAILED
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING).update(
            status=status, sent_at=timezone.now() if ok else None, error=error[:300]
        )
        audit_record(
            actor=None,
            action=f"delivery.{status}",
            community=notification.community,
            object_type="notifications.delivery",
            object_id=str(delivery_id),
            summary=f"{delivery.channel} for notification {notification.pk}: {status}",
        )
    return str(status)


def _email_text(notification: Notification) -> str:
    parts = [notification.body.strip()] if notification.body.strip() else []
    if notification.url:
        parts.append(settings.LINLI_PUBLIC_URL.rstrip("/") + notification.url)
    return "\n\n".join(parts) or notification.title


def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; anyone else's answers NotFound."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_related("community")
            .select_for_update(of=("self",))
            .filter(pk=notification_id, recipient_id=user.pk)
            .first()
        )
        if notification is None:
            raise NotFound(_("This notification does not exist."), code="not_found")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            audit_record(
                actor=user, action="notification.read", obj=notification, summary=notification.title
            )
    return notification


def notification_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user read; returns how many were unread."""
    with transaction.atomic():
        count = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if count:
            audit_record(
                actor=user,
                action="notification.read_all",
                object_type="notifications.notification",
                summary=f"{count} notifications marked read",
            )
    return count


def preference_set(*, user: Any, topic: str, sms: bool, email: bool) -> Preference:
    """Choose whether this user also gets SMS and/or email for a topic ("*": every topic)."""
    if not _TOPIC.match(topic):
        raise LinliError(_("This notification topic is not valid."), code="invalid_topic")
    with transaction.atomic():
        preference, _created = Preference.objects.update_or_create(
            user=user, topic=topic, defaults={"sms": bool(sms), "email": bool(email)}
        )
        audit_record(
            actor=user,
            action="notification.preference",
            obj=preference,
            object_type="notifications.preference",
            summary=f"{topic}: sms={'on' if sms else 'off'}, email={'on' if email else 'off'}",
        )
    return preference
