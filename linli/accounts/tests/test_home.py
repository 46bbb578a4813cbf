"""My home (units, current notices, unread messages), the console and the audit log page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from linli.core.audit import audit_record
from linli.notices.models import Notice
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notice(side, title, *, starts, ends, status=Notice.Status.PUBLISHED):
    return Notice.objects.create(
        community=side.community,
        title=title,
        body="正文",
        starts_on=starts,
        ends_on=ends,
        status=status,
    )


def test_my_home_shows_my_unit_current_notices_and_unread_messages(
    client, world, django_assert_max_num_queries
):
    from linli.notices.selectors import local_today

    today = local_today()
    a = world.a
    _notice(a, "停车新政公示", starts=today, ends=today + dt.timedelta(days=14))
    _notice(
        a, "已结束的公示", starts=today - dt.timedelta(days=30), ends=today - dt.timedelta(days=1)
    )
    _notice(a, "草稿", starts=today, ends=today, status=Notice.Status.DRAFT)
    _notice(world.b, "乙社区的公示", starts=today, ends=today + dt.timedelta(days=14))
    Notification.objects.create(
        community=a.community, recipient=a.users["owner"], topic="notice", title="新消息一"
    )
    Notification.objects.create(
        community=a.community,
        recipient=a.users["owner"],
        topic="notice",
        title="已读消息",
        read_at=dt.datetime.now(dt.UTC),
    )
    client.force_login(a.users["owner"])

    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:my_home"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("registry:unit", args=[a.unit.pk]) in html
    assert "停车新政公示" in html
    assert "已结束的公示" not in html
    assert "草稿" not in html
    assert "乙社区的公示" not in html
    assert "新消息一" in html
    assert "已读消息" not in html
    assert "Go to the work console" not in html


def test_my_home_query_count_does_not_grow_with_notices_and_messages(
    client, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.notices.selectors import local_today

    today = local_today()
    a = world.a
    client.force_login(a.users["owner"])
    client.get(reverse("accounts:my_home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("accounts:my_home"))
    for i in range(6):
        _notice(a, f"公示{i}", starts=today, ends=today + dt.timedelta(days=7))
        Notification.objects.create(
            community=a.community, recipient=a.users["owner"], topic="notice", title=f"消息{i}"
        )
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(reverse("accounts:my_home"))
    assert response.content.decode().count('href="/notices/n/') == 3


def test_worker_home_links_to_the_console_and_console_links_every_tool(client, world):
    a = world.a
    client.force_login(a.users["worker"])
    assert reverse("accounts:console") in client.get(reverse("accounts:my_home")).content.decode()
    html = client.get(reverse("accounts:console")).content.decode()
    for url in (
        reverse("registry:roster", args=[a.community.pk]),
        reverse("accounts:audit"),
        reverse("notices:public_board", args=[a.community.code]),
    ):
        assert url in html


def _write_audit(side, action, summary):
    with transaction.atomic():
        audit_record(
            actor=side.users["worker"], action=action, community=side.community, summary=summary
        )


def test_audit_log_lists_only_my_communities_and_filters_by_action(
    client, world, django_assert_max_num_queries
):
    _write_audit(world.a, "notice.publish", "发布公示 甲-1")
    _write_audit(world.a, "roster.import", "导入名册 甲-2")
    _write_audit(world.b, "notice.publish", "发布公示 乙-1")
    client.force_login(world.a.users["worker"])

    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:audit"))
    html = response.content.decode()
    assert "甲-1" in html and "甲-2" in html
    assert "乙-1" not in html

    filtered = client.get(reverse("accounts:audit"), {"action": "roster."}).content.decode()
    assert "甲-2" in filtered and "甲-1" not in filtered


@pytest.mark.parametrize(
    "role", ["owner", "resident", "committee", "property", "partner", "volunteer", "street"]
)
def test_audit_log_is_not_found_for_non_staff(client, world, role):
    client.force_login(world.a.users[role])
    assert client.get(reverse("accounts:audit")).status_code == 404
