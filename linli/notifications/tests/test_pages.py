"""Inbox pages and API: the list, opening one, marking all read, preferences."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.notifications import services
from linli.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db


def notify(world, users, **kwargs):
    params = {"topic": "notices", "title": "新公示", "body": "请查看", "url": "/notices/"}
    params.update(kwargs)
    return services.notify(community=world.a.community, recipients=users, **params)


def test_inbox_lists_unread_before_read(client, world, django_assert_max_num_queries):
    owner = world.a.users["owner"]
    (old,) = notify(world, [owner], title="已读的通知")
    services.notification_mark_read(user=owner, notification_id=old.pk)
    for n in range(5):
        notify(world, [owner], title=f"未读通知{n}")
    notify(world, [world.a.users["resident"]], title="别人的通知")
    client.force_login(owner)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("notifications:inbox"))

    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("未读通知4") < text.index("未读通知0") < text.index("已读的通知")
    assert "别人的通知" not in text
    assert reverse("notifications:mark_all_read") in text


def test_inbox_query_count_does_not_grow_with_notifications(
    client, world, django_assert_max_num_queries
):
    owner = world.a.users["owner"]
    for n in range(30):
        notify(world, [owner], title=f"通知{n}")
    client.force_login(owner)

    with django_assert_max_num_queries(7):
        assert client.get(reverse("notifications:inbox")).status_code == 200


def test_inbox_requires_login(client, db):
    assert client.get(reverse("notifications:inbox")).status_code == 302


def test_open_marks_read_and_goes_to_its_page(client, world, django_assert_max_num_queries):
    owner = world.a.users["owner"]
    (notification,) = notify(world, [owner], url="/notices/n/0b1c/")
    client.force_login(owner)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/notices/n/0b1c/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_with_an_unsafe_stored_link_goes_to_the_inbox(client, world):
    owner = world.a.users["owner"]
    (notification,) = notify(world, [owner])
    Notification.objects.filter(pk=notification.pk).update(url="https://evil.example/")
    client.force_login(owner)

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == reverse("notifications:inbox")


def test_open_someone_elses_notification_is_404(client, world):
    (notification,) = notify(world, [world.a.users["owner"]])
    client.force_login(world.b.users["owner"])

    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_page(client, world, django_assert_max_num_queries):
    owner = world.a.users["owner"]
    notify(world, [owner])
    notify(world, [owner])
    client.force_login(owner)

    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    with django_assert_max_num_queries(8):
        response = client.post(reverse("notifications:mark_all_read"))

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=owner, read_at__isnull=True).count() == 0


def test_preferences_page_shows_and_saves_channels(client, world, django_assert_max_num_queries):
    owner = world.a.users["owner"]
    client.force_login(owner)

    with django_assert_max_num_queries(6):
        page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert 'name="topic" value="*"' in page.content.decode()
    assert "139****" in page.content.decode()
    assert owner.phone not in page.content.decode()

    with django_assert_max_num_queries(11):
        response = client.post(reverse("notifications:preferences"), {"topic": "*", "sms": "on"})

    assert response.status_code == 302
    assert list(Preference.objects.filter(user=owner).values_list("topic", "sms", "email")) == [
        ("*", True, False)
    ]


def test_preferences_page_refuses_an_invalid_topic(client, world):
    client.force_login(world.a.users["owner"])

    response = client.post(
        reverse("notifications:preferences"), {"topic": "Not valid!", "sms": "on"}
    )

    assert response.status_code == 400
    assert Preference.objects.count() == 0


# --- API ----------------------------------------------------------------------------


def test_api_lists_own_notifications(client, world, django_assert_max_num_queries):
    owner = world.a.users["owner"]
    for n in range(3):
        notify(world, [owner], title=f"通知{n}")
    notify(world, [world.a.users["resident"]], title="别人的")
    client.force_login(owner)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/inbox/", {"page_size": 2})

    body = response.json()
    assert response.status_code == 200
    assert [item["title"] for item in body["items"]] == ["通知2", "通知1"]
    assert (body["count"], body["unread"], body["page"], body["page_size"]) == (3, 3, 1, 2)


def test_api_marks_one_read(client, world, django_assert_max_num_queries):
    owner = world.a.users["owner"]
    (notification,) = notify(world, [owner])
    client.force_login(owner)

    with django_assert_max_num_queries(7):
        response = client.post(f"/api/v1/inbox/{notification.pk}/read")

    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert client.get("/api/v1/inbox/", {"unread_only": True}).json()["count"] == 0


def test_api_mark_read_of_someone_elses_notification_is_404(client, world):
    (notification,) = notify(world, [world.a.users["owner"]])
    client.force_login(world.a.users["resident"])

    response = client.post(f"/api/v1/inbox/{notification.pk}/read")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_requires_login(client, db):
    assert client.get("/api/v1/inbox/").status_code == 401
    assert client.post("/api/v1/inbox/1/read").status_code == 401


def test_api_declares_error_responses(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, method in (
        ("/api/v1/inbox/", "get"),
        ("/api/v1/inbox/{notification_id}/read", "post"),
    ):
        assert {"200", "401", "403", "404", "422"} <= set(paths[path][method]["responses"])
