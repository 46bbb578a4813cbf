"""Notice writes: drafting, publishing against the legal minimum, withdrawing, attaching."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from linli.core.errors import Conflict, Forbidden, LinliError, NotFound
from linli.core.models import AuditLog
from linli.notices import services
from linli.notices.models import Notice, NoticeAttachment
from linli.notices.tests.conftest import fresh
from linli.notices.tests.helpers import DAY, PDF, PNG, draft, office_file
from linli.notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db

# --- create and update -----------------------------------------------------------------------


def test_notice_create_makes_an_audited_draft(world, today):
    notice = draft(world, today)

    assert notice.status == Notice.Status.DRAFT
    assert notice.published_at is None
    assert notice.created_by == world.a.users["worker"]
    assert AuditLog.objects.filter(action="notice.create", object_id=str(notice.pk)).count() == 1


def test_notice_create_by_a_resident_is_forbidden(world, today):
    with pytest.raises(Forbidden):
        draft(world, today, actor=world.a.users["resident"])
    assert Notice.objects.count() == 0


def test_notice_create_in_another_community_is_not_found(world, today):
    with pytest.raises(NotFound):
        draft(world, today, actor=world.b.users["worker"])


def test_notice_create_refuses_an_estate_of_another_community(world, today):
    with pytest.raises(NotFound):
        draft(world, today, estate=world.b.estate)


def test_notice_create_refuses_a_window_ending_before_it_starts(world, today):
    with pytest.raises(LinliError) as caught:
        services.notice_create(
            actor=world.a.users["worker"],
            community=world.a.community,
            kind="general",
            title="t",
            body="b",
            starts_on=today,
            ends_on=today - DAY,
        )
    assert caught.value.code == "invalid_period"


def test_notice_create_requires_a_title(world, today):
    with pytest.raises(LinliError):
        draft(world, today, title="   ")


def test_committee_member_writes_notices_of_their_estate_only(world, today, committee_a):
    notice = draft(world, today, actor=committee_a, estate=world.a.estate)
    assert notice.estate == world.a.estate

    with pytest.raises(Forbidden):
        draft(world, today, actor=fresh(committee_a))
    other = f.EstateFactory(community=world.a.community, name="甲北苑")
    with pytest.raises(Forbidden):
        draft(world, today, actor=fresh(committee_a), estate=other)


def test_committee_member_without_a_seat_cannot_write(world, today):
    with pytest.raises(Forbidden):
        draft(world, today, actor=world.a.users["committee"], estate=world.a.estate)


def test_notice_update_changes_a_draft(world, today):
    notice = draft(world, today)

    services.notice_update(
        actor=world.a.users["worker"],
        notice_id=notice.pk,
        kind="decision",
        title="新标题",
        body="新正文",
        starts_on=today,
        ends_on=today + 20 * DAY,
        issuer="甲社区",
    )

    notice.refresh_from_db()
    assert (notice.kind, notice.title, notice.body, notice.issuer) == (
        "decision",
        "新标题",
        "新正文",
        "甲社区",
    )
    assert AuditLog.objects.filter(action="notice.update", object_id=str(notice.pk)).count() == 1


def test_notice_update_of_a_published_notice_is_refused(world, today):
    notice = draft(world, today)
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    with pytest.raises(Conflict):
        services.notice_update(
            actor=world.a.users["worker"],
            notice_id=notice.pk,
            kind="general",
            title="改",
            body="改",
            starts_on=today,
            ends_on=today,
        )
    notice.refresh_from_db()
    assert notice.title == "关于电梯加装的公示"


def test_notice_update_of_a_draft_by_another_community_is_not_found(world, today):
    notice = draft(world, today)
    with pytest.raises(NotFound):
        services.notice_update(
            actor=world.b.users["worker"],
            notice_id=notice.pk,
            kind="general",
            title="x",
            body="x",
            starts_on=today,
            ends_on=today,
        )


# --- publish -----------------------------------------------------------------------------------


def test_notice_publish_sets_status_and_time(world, today):
    notice = draft(world, today, kind="fee_adjustment", days=30)

    published = services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    assert published.status == Notice.Status.PUBLISHED
    assert published.published_at is not None
    assert AuditLog.objects.filter(action="notice.publish", object_id=str(notice.pk)).count() == 1


def test_notice_publish_refuses_fee_adjustment_of_29_days_naming_30_days_and_the_law(world, today):
    notice = draft(world, today, kind="fee_adjustment", days=29)

    with translation.override("en"), pytest.raises(LinliError) as caught:
        services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    assert caught.value.code == "invalid_period"
    assert "at least 30 days" in caught.value.message
    assert "Hangzhou Property Management Regulations, Art. 53" in caught.value.message
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_notice_publish_refuses_a_window_that_started_yesterday(world, today):
    notice = draft(world, today)
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - DAY)

    with pytest.raises(LinliError) as caught:
        services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)
    assert caught.value.code == "invalid_period"


def test_notice_publish_by_a_resident_is_refused(world, today):
    notice = draft(world, today)

    with pytest.raises(NotFound):
        services.notice_publish(actor=world.a.users["resident"], notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_notice_publish_twice_is_a_conflict(world, today):
    notice = draft(world, today)
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    with pytest.raises(Conflict):
        services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)


def test_committee_member_publishes_their_estate_notice(world, today, committee_a):
    notice = draft(world, today, actor=committee_a, estate=world.a.estate)

    services.notice_publish(actor=fresh(committee_a), notice_id=notice.pk)

    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED


def test_notice_publish_without_notify_sends_nothing(world, today):
    notice = draft(world, today)
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)
    assert Notification.objects.count() == 0


def test_notice_publish_with_notify_reaches_owners_and_residents_of_the_community(world, today):
    notice = draft(world, today)

    services.notice_publish(
        actor=world.a.users["worker"], notice_id=notice.pk, notify_residents=True
    )

    recipients = set(Notification.objects.values_list("recipient__name", flat=True))
    assert recipients == {"甲业主", "甲租户"}
    row = Notification.objects.get(recipient=world.a.users["owner"])
    assert row.topic == "notices"
    assert row.url == f"/notices/n/{notice.public_id}/"
    assert row.community == world.a.community


def test_notice_publish_with_notify_for_an_estate_reaches_only_that_estate(world, today):
    other_estate = f.EstateFactory(community=world.a.community, name="甲北苑")
    building = f.BuildingFactory(estate=other_estate, community=world.a.community, number="3")
    entrance = f.EntranceFactory(building=building, community=world.a.community)
    unit = f.UnitFactory(entrance=entrance, number="501")
    north_user = f.UserFactory(name="北苑业主")
    person = f.PersonFactory(community=world.a.community, user=north_user)
    f.OwnershipFactory(unit=unit, person=person)
    notice = draft(world, today, estate=other_estate)

    services.notice_publish(
        actor=world.a.users["worker"], notice_id=notice.pk, notify_residents=True
    )

    assert list(Notification.objects.values_list("recipient__name", flat=True)) == ["北苑业主"]


def test_resident_recipients_leave_out_past_owners_and_inactive_accounts(world):
    from linli.registry.models import Ownership

    Ownership.objects.filter(person=world.a.owner_person).update(until=datetime.date(2024, 1, 1))
    world.a.users["resident"].is_active = False
    world.a.users["resident"].save()

    assert list(services.resident_recipients(world.a.community)) == []


# --- system publishing ------------------------------------------------------------------------


def test_notice_publish_system_creates_and_publishes_in_one_step(world, today):
    notice = services.notice_publish_system(
        community=world.a.community,
        kind="vote_result",
        title="表决结果公示",
        body="通过",
        starts_on=today,
        ends_on=today + 14 * DAY,
        issuer="甲苑业主大会",
    )

    assert notice.status == Notice.Status.PUBLISHED
    assert notice.created_by is None
    assert AuditLog.objects.get(action="notice.publish_system").actor is None


def test_notice_publish_system_still_checks_the_minimum(world, today):
    with pytest.raises(LinliError):
        services.notice_publish_system(
            community=world.a.community,
            kind="vote_result",
            title="表决结果公示",
            body="通过",
            starts_on=today,
            ends_on=today + 13 * DAY,
            issuer="甲苑业主大会",
        )
    assert Notice.objects.count() == 0


def test_notice_publish_system_requires_an_issuer(world, today):
    with pytest.raises(LinliError):
        services.notice_publish_system(
            community=world.a.community,
            kind="general",
            title="t",
            body="b",
            starts_on=today,
            ends_on=today,
            issuer="  ",
        )


# --- withdraw ---------------------------------------------------------------------------------


def test_notice_withdraw_keeps_the_notice_with_its_reason(world, today):
    notice = draft(world, today)
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    services.notice_withdraw(
        actor=world.a.users["worker"], notice_id=notice.pk, reason="日期有误，另行公示"
    )

    notice.refresh_from_db()
    assert notice.status == Notice.Status.WITHDRAWN
    assert notice.withdraw_reason == "日期有误，另行公示"
    assert notice.withdrawn_at is not None
    assert AuditLog.objects.filter(action="notice.withdraw", object_id=str(notice.pk)).count() == 1


def test_notice_withdraw_needs_a_reason(world, today):
    notice = draft(world, today)
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    with pytest.raises(LinliError):
        services.notice_withdraw(actor=world.a.users["worker"], notice_id=notice.pk, reason="  ")


def test_notice_withdraw_of_a_draft_or_twice_is_a_conflict(world, today):
    notice = draft(world, today)
    with pytest.raises(Conflict):
        services.notice_withdraw(actor=world.a.users["worker"], notice_id=notice.pk, reason="x")
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)
    services.notice_withdraw(actor=world.a.users["worker"], notice_id=notice.pk, reason="x")
    with pytest.raises(Conflict):
        services.notice_withdraw(actor=world.a.users["worker"], notice_id=notice.pk, reason="y")


def test_notice_withdraw_by_a_resident_of_a_published_notice_is_forbidden(world, today):
    notice = draft(world, today)
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    with pytest.raises(Forbidden):
        services.notice_withdraw(actor=world.a.users["resident"], notice_id=notice.pk, reason="x")


# --- attachments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("公示附件.pdf", PDF, "application/pdf"),
        ("照片.PNG", PNG, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        ("名单.xlsx", office_file("xl/workbook.xml"), services.FILE_TYPES["xlsx"].content_type),
        ("方案.docx", office_file("word/document.xml"), services.FILE_TYPES["docx"].content_type),
    ],
)
def test_notice_attach_accepts_each_allowed_type_by_content(
    world, today, name, content, content_type
):
    notice = draft(world, today)

    attachment = services.notice_attach(
        actor=world.a.users["worker"],
        notice_id=notice.pk,
        uploaded_file=SimpleUploadedFile(name, content),
    )

    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.community == world.a.community
    with attachment.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.pdf", b"MZ\x90\x00 this is an executable"),
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("renamed.pdf", PNG),
        ("table.xlsx", office_file("word/document.xml")),
        ("archive.docx", b"PK\x03\x04 not really a zip"),
        ("plain.zip", office_file("xl/workbook.xml")),
        ("script.svg", b"<svg onload='alert(1)'/>"),
    ],
)
def test_notice_attach_rejects_files_whose_bytes_do_not_match(world, today, name, content):
    notice = draft(world, today)

    with pytest.raises(LinliError) as caught:
        services.notice_attach(
            actor=world.a.users["worker"],
            notice_id=notice.pk,
            uploaded_file=SimpleUploadedFile(name, content),
        )
    assert caught.value.code == "invalid_file"
    assert NoticeAttachment.objects.count() == 0


def test_notice_attach_rejects_a_file_over_the_size_limit(world, today, settings):
    settings.LINLI_MAX_UPLOAD_BYTES = 100
    notice = draft(world, today)

    with pytest.raises(LinliError) as caught:
        services.notice_attach(
            actor=world.a.users["worker"],
            notice_id=notice.pk,
            uploaded_file=SimpleUploadedFile("a.pdf", PDF * 5),
        )
    assert caught.value.code == "file_too_large"


def test_notice_attach_to_a_published_notice_is_refused(world, today):
    notice = draft(world, today)
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    with pytest.raises(Conflict):
        services.notice_attach(
            actor=world.a.users["worker"],
            notice_id=notice.pk,
            uploaded_file=SimpleUploadedFile("a.pdf", PDF),
        )


def test_notice_attach_sanitises_the_file_name(world, today):
    notice = draft(world, today)

    attachment = services.notice_attach(
        actor=world.a.users["worker"],
        notice_id=notice.pk,
        uploaded_file=SimpleUploadedFile("../../etc/电梯 方案(终稿);rm -rf.PDF", PDF),
    )

    assert attachment.name == "电梯_方案_终稿_rm_-rf.pdf"
    assert "/etc/" not in attachment.file.name
    assert attachment.file.name.startswith(f"notices/{notice.public_id}/")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\王\\公示.PDF", "公示.pdf"),
        ("\x00\x1f.pdf", "attachment.pdf"),
        ("no-extension", "no-extension"),
        ("a" * 200 + ".png", "a" * 80 + ".png"),
    ],
)
def test_safe_filename(raw, clean):
    assert services.safe_filename(raw) == clean


def test_notice_attachment_remove_deletes_a_draft_file(world, today):
    notice = draft(world, today)
    attachment = services.notice_attach(
        actor=world.a.users["worker"],
        notice_id=notice.pk,
        uploaded_file=SimpleUploadedFile("a.pdf", PDF),
    )

    services.notice_attachment_remove(actor=world.a.users["worker"], attachment_id=attachment.pk)

    assert NoticeAttachment.objects.count() == 0
    assert AuditLog.objects.filter(action="notice.detach").count() == 1
