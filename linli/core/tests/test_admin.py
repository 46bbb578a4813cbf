"""The audit log in the admin: it can be read, never written."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from linli.core.audit import audit_record
from linli.core.models import AuditLog
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return f.UserFactory(is_staff=True, is_superuser=True)


def test_audit_log_is_listed_read_only_in_the_admin(
    client, superuser, django_assert_max_num_queries
):
    community = f.CommunityFactory()
    with transaction.atomic():
        row = audit_record(
            actor=superuser, action="notice.publish", community=community, summary="发布公示 甲"
        )
    client.force_login(superuser)

    with django_assert_max_num_queries(12):
        listing = client.get(reverse("admin:core_auditlog_changelist"))
    assert listing.status_code == 200
    assert "发布公示 甲" in listing.content.decode()
    assert client.get(reverse("admin:core_auditlog_add")).status_code == 403
    delete = client.post(reverse("admin:core_auditlog_delete", args=[row.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditLog.objects.filter(pk=row.pk).count() == 1


def test_admin_is_closed_to_a_community_worker(client, world):
    client.force_login(world.a.users["worker"])

    response = client.get(reverse("admin:core_auditlog_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
