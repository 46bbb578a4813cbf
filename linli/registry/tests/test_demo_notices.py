"""The demo board has current notices, an archived one and a draft; the demo owner has mail."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.notices.models import Notice
from linli.notices.selectors import local_today
from linli.notifications.models import Notification
from linli.registry.demo.load import demo_load

pytestmark = pytest.mark.django_db


def test_demo_notices_are_current_archived_and_draft():
    demo_load()
    today = local_today()
    rows = list(Notice.objects.order_by("id").values_list("kind", "status", "starts_on", "ends_on"))

    assert [(kind, status) for kind, status, _s, _e in rows] == [
        ("general", "published"),
        ("committee_details", "published"),
        ("elevator_plan", "published"),
        ("common_income", "published"),
        ("fee_adjustment", "draft"),
    ]
    current = [r for r in rows if r[1] == "published" and r[2] <= today <= r[3]]
    assert len(current) == 3
    # Every published window meets its kind's legal minimum (15 days for these kinds).
    assert [(r[3] - r[2] + dt.timedelta(days=1)).days for r in rows] == [14, 15, 15, 15, 30]


def test_demo_owner_has_two_unread_messages_linking_to_notices():
    demo_load()
    messages = list(
        Notification.objects.filter(recipient__phone="13900000002", read_at__isnull=True).order_by(
            "id"
        )
    )
    assert [m.url.startswith("/notices/n/") for m in messages] == [True, True]
    assert messages[0].title == "新公示：金狮苑24幢1单元加装电梯方案公示"
