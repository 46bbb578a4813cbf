"""Background tasks of the inbox (django.tasks, run by huey; queued on commit by services)."""

from __future__ import annotations

from django.tasks import task

from linli.notifications.services import delivery_send


@task()
def send_delivery(delivery_id: int) -> str:
    """Send one SMS or email delivery; running it again for a sent delivery does nothing."""
    return delivery_send(delivery_id=delivery_id)
