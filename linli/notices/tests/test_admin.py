"""The admin: drafts change only through notice_update; published notices are read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.core.models import AuditLog
from linli.notices import services
from linli.notices.models import Notice
from linli.notices.tests.helpers import draft
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return f.UserFactory(is_staff=True, is_superuser=True)


def test_admin_shows_a_published_notice_read_only(
    client, world, today, superuser, django_assert_max_num_queries
):
    notice = services.notice_publish(
        actor=world.a.users["worker"], notice_id=draft(world, today).pk
    )
    client.force_login(superuser)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:notices_notice_change", args=[notice.pk]))

    assert response.status_code == 200
    assert 'name="title"' not in response.content.decode()
    assert client.post(reverse("admin:notices_notice_delete", args=[notice.pk])).status_code == 403


def test_admin_edits_a_draft_through_the_service(client, world, today, superuser):
    notice = draft(world, today)
    client.force_login(superuser)
    url = reverse("admin:notices_notice_change", args=[notice.pk])
    assert 'name="title"' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "kind": "decision",
            "estate": "",
            "title": "管理后台改的标题",
            "body": "正文",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "issuer": "",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.title, notice.kind) == ("管理后台改的标题", "decision")
    assert AuditLog.objects.filter(action="notice.update", actor=superuser).count() == 1


def test_admin_cannot_add_notices(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:notices_notice_add")).status_code == 403
    assert Notice.objects.count() == 0
