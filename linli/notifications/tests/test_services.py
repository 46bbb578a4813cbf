"""Inbox writes: notifying many people cheaply, channel preferences, idempotent deliveries."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import User
from linli.core import sms
from linli.core.errors import LinliError, NotFound
from linli.core.models import AuditLog
from linli.notifications import services
from linli.notifications.models import Delivery, Notification, Preference
from linli.notifications.tasks import send_delivery
from tests import factories as f

pytestmark = pytest.mark.django_db


class FailingSmsBackend(sms.BaseSmsBackend):
    def send(self, message: sms.SmsMessage) -> sms.SmsResult:
        return sms.SmsResult(ok=False, error="gateway said no")


class CrashingSmsBackend(sms.BaseSmsBackend):
    def send(self, message: sms.SmsMessage) -> sms.SmsResult:
        raise ConnectionError("gateway unreachable")


def notify(world, recipients, **kwargs):
    params = {
        "topic": "notices",
        "title": "新公示：关于电梯加装的公示",
        "body": "请查看",
        "url": "/notices/",
    }
    params.update(kwargs)
    return services.notify(community=world.a.community, recipients=recipients, **params)


# --- notify ------------------------------------------------------------------------------------


def test_notify_puts_one_notification_in_each_inbox(world):
    people = [world.a.users["owner"], world.a.users["resident"], world.a.users["worker"]]

    created = notify(world, people)

    assert len(created) == 3
    rows = Notification.objects.order_by("recipient_id")
    assert [n.recipient_id for n in rows] == sorted(u.pk for u in people)
    assert {(n.topic, n.title, n.url, n.community_id) for n in rows} == {
        ("notices", "新公示：关于电梯加装的公示", "/notices/", world.a.community.pk)
    }
    assert Delivery.objects.count() == 0
    assert AuditLog.objects.filter(action="notification.notify").count() == 1


def _insert_count(world, n: int) -> tuple[int, int]:
    users = f.UserFactory.create_batch(n)
    with CaptureQueriesContext(connection) as ctx:
        notify(world, User.objects.filter(pk__in=[u.pk for u in users]))
    inserts = [
        q
        for q in ctx.captured_queries
        if q["sql"].startswith('INSERT INTO "notifications_notification"')
    ]
    return len(ctx.captured_queries), len(inserts)


def test_notify_query_count_does_not_grow_with_recipients(world):
    few_total, few_inserts = _insert_count(world, 3)
    many_total, many_inserts = _insert_count(world, 25)

    assert few_inserts == many_inserts == 1
    assert few_total == many_total
    assert Notification.objects.count() == 28


def test_notify_accepts_a_queryset_and_skips_inactive_and_duplicate_people(world):
    world.a.users["resident"].is_active = False
    world.a.users["resident"].save()
    owner = world.a.users["owner"]

    notify(world, User.objects.filter(name__startswith="甲"))
    notify(world, [owner, owner], title="第二条")

    assert not Notification.objects.filter(recipient=world.a.users["resident"]).exists()
    assert Notification.objects.filter(recipient=owner).count() == 2


def test_notify_with_nobody_creates_nothing(world):
    assert notify(world, User.objects.none()) == []
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil"]
)
def test_notify_refuses_a_link_outside_the_site(world, url):
    with pytest.raises(LinliError) as caught:
        notify(world, [world.a.users["owner"]], url=url)
    assert caught.value.code == "invalid_url"
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("topic", ["*", "", "Bad Topic", "x" * 41])
def test_notify_refuses_an_invalid_topic(world, topic):
    with pytest.raises(LinliError):
        notify(world, [world.a.users["owner"]], topic=topic)


# --- preferences and deliveries ---------------------------------------------------


def test_default_preferences_are_in_app_only(
    world, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(world, [world.a.users["owner"]])

    assert Delivery.objects.count() == 0
    assert sms.outbox == []
    assert mail.outbox == []


def test_sms_preference_sends_through_the_sms_backend_with_a_short_title(
    world, immediate_tasks, django_capture_on_commit_callbacks
):
    owner = world.a.users["owner"]
    services.preference_set(user=owner, topic="*", sms=True, email=False)

    with django_capture_on_commit_callbacks(execute=True):
        notify(world, [owner], title="关于二〇二六年度物业服务费调整方案的公示（第二次）")

    # 20 characters: the parameter limit of Chinese SMS templates.
    expected = {"title": "关于二〇二六年度物业服务费调整方案的公示"}
    assert sms.outbox == [sms.SmsMessage(phone=owner.phone, template="NOTICE", params=expected)]
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("sms", "sent", 1)
    assert delivery.sent_at is not None


def test_email_preference_sends_an_email_with_the_link(
    world, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    settings.LINLI_PUBLIC_URL = "https://linli.example.cn"
    owner = world.a.users["owner"]
    owner.email = "owner@example.cn"
    owner.save()
    services.preference_set(user=owner, topic="notices", sms=False, email=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(world, [owner])

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.cn"]
    assert mail.outbox[0].subject == "新公示：关于电梯加装的公示"
    assert mail.outbox[0].body == "请查看\n\nhttps://linli.example.cn/notices/"
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_topic_preference_overrides_the_catch_all(
    world, immediate_tasks, django_capture_on_commit_callbacks
):
    owner = world.a.users["owner"]
    services.preference_set(user=owner, topic="*", sms=True, email=False)
    services.preference_set(user=owner, topic="notices", sms=False, email=False)

    with django_capture_on_commit_callbacks(execute=True):
        notify(world, [owner])
        notify(world, [owner], topic="tickets")

    assert [d.notification.topic for d in Delivery.objects.select_related("notification")] == [
        "tickets"
    ]
    assert len(sms.outbox) == 1


def test_preference_is_per_person(world, immediate_tasks, django_capture_on_commit_callbacks):
    owner, tenant = world.a.users["owner"], world.a.users["resident"]
    services.preference_set(user=owner, topic="*", sms=True, email=False)

    with django_capture_on_commit_callbacks(execute=True):
        notify(world, [owner, tenant])

    assert [m.phone for m in sms.outbox] == [owner.phone]


def test_a_person_without_an_email_address_gets_a_skipped_delivery(
    world, immediate_tasks, django_capture_on_commit_callbacks
):
    owner = world.a.users["owner"]
    services.preference_set(user=owner, topic="*", sms=False, email=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(world, [owner])

    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts, delivery.error) == (
        "email",
        "skipped",
        0,
        "no email address",
    )
    assert mail.outbox == []


def test_deliveries_are_queued_only_when_the_transaction_commits(
    world, immediate_tasks, django_capture_on_commit_callbacks
):
    owner = world.a.users["owner"]
    services.preference_set(user=owner, topic="*", sms=True, email=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(world, [owner])

    assert sms.outbox == []
    assert Delivery.objects.get().status == Delivery.Status.QUEUED
    for callback in callbacks:
        callback()
    assert len(sms.outbox) == 1


def test_one_task_is_queued_per_delivery(world, django_capture_on_commit_callbacks, monkeypatch):
    task = mock.Mock()
    monkeypatch.setattr("linli.notifications.tasks.send_delivery", task)
    owner, tenant = world.a.users["owner"], world.a.users["resident"]
    owner.email = "owner@example.cn"
    owner.save()
    for user in (owner, tenant):
        services.preference_set(user=user, topic="*", sms=True, email=True)

    with django_capture_on_commit_callbacks(execute=True):
        notify(world, [owner, tenant])

    # owner: sms + email; tenant: sms (email skipped, no task).
    queued = sorted(call.args[0] for call in task.enqueue.call_args_list)
    assert queued == sorted(Delivery.objects.filter(status="queued").values_list("pk", flat=True))
    assert len(queued) == 3
    assert Delivery.objects.filter(status="skipped").count() == 1


def _queued_sms(world) -> Delivery:
    owner = world.a.users["owner"]
    services.preference_set(user=owner, topic="*", sms=True, email=False)
    notify(world, [owner])
    return Delivery.objects.get()


def test_delivery_task_run_twice_sends_once(world):
    delivery = _queued_sms(world)

    assert send_delivery.call(delivery.pk) == "sent"
    assert send_delivery.call(delivery.pk) == "sent"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert len(sms.outbox) == 1


def test_delivery_task_does_nothing_for_a_delivery_being_sent(world):
    delivery = _queued_sms(world)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENDING)

    assert send_delivery.call(delivery.pk) == "sending"
    assert sms.outbox == []


def test_failed_delivery_records_the_error_and_a_retry_sends_it(world, settings):
    delivery = _queued_sms(world)
    settings.LINLI_SMS_BACKEND = "linli.notifications.tests.test_services.FailingSmsBackend"

    assert send_delivery.call(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 1, "gateway said no")

    settings.LINLI_SMS_BACKEND = "linli.core.sms.LocmemSmsBackend"
    assert send_delivery.call(delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 2, "")


def test_a_crashing_gateway_marks_the_delivery_failed(world, settings):
    delivery = _queued_sms(world)
    settings.LINLI_SMS_BACKEND = "linli.notifications.tests.test_services.CrashingSmsBackend"

    assert send_delivery.call(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert delivery.error == "ConnectionError: gateway unreachable"
    assert AuditLog.objects.filter(action="delivery.failed").count() == 1


def test_delivery_task_for_a_missing_delivery_does_nothing(db):
    assert send_delivery.call(999_999) == "missing"


# --- reading ------------------------------------------------------------------------


def test_mark_read_of_own_notification(world):
    owner = world.a.users["owner"]
    (notification,) = notify(world, [owner])

    services.notification_mark_read(user=owner, notification_id=notification.pk)
    first_read = Notification.objects.get().read_at
    services.notification_mark_read(user=owner, notification_id=notification.pk)

    assert first_read is not None
    assert Notification.objects.get().read_at == first_read
    assert AuditLog.objects.filter(action="notification.read").count() == 1


def test_mark_read_of_someone_elses_notification_is_not_found(world):
    (notification,) = notify(world, [world.a.users["owner"]])

    with pytest.raises(NotFound):
        services.notification_mark_read(
            user=world.a.users["resident"], notification_id=notification.pk
        )
    assert Notification.objects.get().read_at is None


def test_mark_all_read_touches_only_the_users_unread(world):
    owner, tenant = world.a.users["owner"], world.a.users["resident"]
    notify(world, [owner, tenant])
    notify(world, [owner])

    assert services.notification_mark_all_read(user=owner) == 2
    assert services.notification_mark_all_read(user=owner) == 0

    assert Notification.objects.filter(recipient=owner, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=tenant, read_at__isnull=True).count() == 1


def test_preference_set_creates_then_updates_one_row(world):
    owner = world.a.users["owner"]

    services.preference_set(user=owner, topic="*", sms=True, email=False)
    services.preference_set(user=owner, topic="*", sms=False, email=True)

    assert list(Preference.objects.values_list("topic", "sms", "email")) == [("*", False, True)]
    assert AuditLog.objects.filter(action="notification.preference").count() == 2


def test_preference_set_refuses_an_invalid_topic(world):
    with pytest.raises(LinliError):
        services.preference_set(
            user=world.a.users["owner"], topic="no such topic!", sms=True, email=True
        )
