"""Notice pages: boards, a notice, attachments, and the writers' pages, with query budgets."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.notices import services
from linli.notices.models import Notice, NoticeAttachment
from linli.notices.tests.helpers import DAY, PDF, PNG, draft, published
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db

# --- boards ------------------------------------------------------------------------------------


def test_public_board_shows_only_published_current_notices_to_anonymous_visitors(
    client, world, board_notices, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("notices:public_board", args=[world.a.community.code]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "当前公示" in text
    assert "今天结束" in text
    assert "已撤回公示" in text
    for hidden in ("已结束公示", "尚未开始", "草稿公示", "乙社区公示"):
        assert hidden not in text


def test_public_board_lists_withdrawn_notice_with_its_reason(client, world, board_notices):
    text = client.get(
        reverse("notices:public_board", args=[world.a.community.code])
    ).content.decode()

    assert "已撤回公示" in text
    assert "内容有误" in text


def test_public_board_shows_days_left(client, world, board_notices, settings):
    settings.LANGUAGE_CODE = "en"
    text = client.get(
        reverse("notices:public_board", args=[world.a.community.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "5 days left" in text
    assert "Last day" in text


def test_public_board_archive_lists_ended_notices(
    client, world, board_notices, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(
            reverse("notices:public_board", args=[world.a.community.code]) + "?tab=archive"
        )

    text = response.content.decode()
    assert "已结束公示" in text
    assert "草稿公示" not in text
    assert "尚未开始" not in text


def test_public_board_of_an_unknown_community_is_404(client, db):
    assert client.get(reverse("notices:public_board", args=["nowhere"])).status_code == 404


def test_public_board_htmx_tab_returns_only_the_list(client, world, board_notices):
    response = client.get(
        reverse("notices:public_board", args=[world.a.community.code]) + "?tab=archive",
        HTTP_HX_REQUEST="true",
    )

    text = response.content.decode()
    assert text.lstrip().startswith('<div id="notice-list">')
    assert "已结束公示" in text
    assert "<html" not in text


def test_member_board_shows_the_users_community(
    client, world, board_notices, django_assert_max_num_queries
):
    client.force_login(world.a.users["resident"])

    with django_assert_max_num_queries(9):
        response = client.get(reverse("notices:board"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "当前公示" in text
    assert "乙社区公示" not in text
    assert "草稿公示" not in text
    assert reverse("notices:manage") not in text


def test_member_board_offers_management_to_staff(client, world, board_notices):
    client.force_login(world.a.users["worker"])

    text = client.get(reverse("notices:board")).content.decode()

    assert reverse("notices:manage") in text


def test_member_board_for_an_account_without_community(client, world):
    client.force_login(world.outsider)

    response = client.get(reverse("notices:board"))

    assert response.status_code == 200
    assert "notice-list" not in response.content.decode()


def test_member_board_requires_login(client, db):
    response = client.get(reverse("notices:board"))
    assert response.status_code == 302


# --- a notice ------------------------------------------------------------------------------------


def test_detail_of_a_published_notice_is_public(
    client, world, today, django_assert_max_num_queries
):
    notice = published(world, today)
    services_attach(world, today, notice=None)

    with django_assert_max_num_queries(2):
        response = client.get(reverse("notices:detail", args=[notice.public_id]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "关于电梯加装的公示" in text
    assert "甲社区居委会" in text
    assert today.strftime("%Y-%m-%d") in text


def services_attach(world, today, notice):
    """A draft with an attachment, then published (attachments go on drafts only)."""
    target = notice or draft(world, today, title="带附件的公示")
    services.notice_attach(
        actor=world.a.users["worker"],
        notice_id=target.pk,
        uploaded_file=SimpleUploadedFile("方案.pdf", PDF),
    )
    return services.notice_publish(actor=world.a.users["worker"], notice_id=target.pk)


def test_detail_masks_phone_and_id_numbers_in_public_text(client, world, today):
    notice = services.notice_create(
        actor=world.a.users["worker"],
        community=world.a.community,
        kind="general",
        title="联系13812345678",
        body="联系人电话13812345678，身份证330102199001011234。物业电话0571-87654321。",
        starts_on=today,
        ends_on=today,
    )
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    text = client.get(reverse("notices:detail", args=[notice.public_id])).content.decode()

    assert "13812345678" not in text
    assert "330102199001011234" not in text
    assert "138****5678" in text
    assert "3*************1234" in text
    assert "0571-87654321" in text


def test_detail_shows_attachments_with_download_links(client, world, today):
    notice = services_attach(world, today, notice=None)
    attachment = NoticeAttachment.objects.get(notice=notice)

    text = client.get(reverse("notices:detail", args=[notice.public_id])).content.decode()

    assert "方案.pdf" in text
    assert reverse("notices:attachment", args=[notice.public_id, attachment.pk]) in text


def test_detail_of_a_withdrawn_notice_shows_the_banner_and_reason(client, world, today):
    notice = published(world, today)
    services.notice_withdraw(actor=world.a.users["worker"], notice_id=notice.pk, reason="日期有误")

    response = client.get(reverse("notices:detail", args=[notice.public_id]))

    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="section notice-banner"' in text
    assert "日期有误" in text


def test_detail_of_a_draft_is_404_for_anonymous_residents_and_the_other_community(
    client, world, today
):
    notice = draft(world, today)
    url = reverse("notices:detail", args=[notice.public_id])

    assert client.get(url).status_code == 404
    client.force_login(world.a.users["resident"])
    assert client.get(url).status_code == 404
    client.force_login(world.b.users["worker"])
    assert client.get(url).status_code == 404
    client.force_login(world.b.users["admin"])
    assert client.get(url).status_code == 404


def test_detail_of_a_draft_is_shown_to_its_community_staff(
    client, world, today, django_assert_max_num_queries
):
    notice = draft(world, today)
    client.force_login(world.a.users["worker"])

    with django_assert_max_num_queries(8):
        response = client.get(reverse("notices:detail", args=[notice.public_id]))

    assert response.status_code == 200
    assert reverse("notices:publish", args=[notice.pk]) in response.content.decode()


def test_detail_of_a_scheduled_notice_is_404_for_the_public(client, world, today):
    notice = draft(world, today)
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)
    Notice.objects.filter(pk=notice.pk).update(starts_on=today + DAY, ends_on=today + 20 * DAY)

    assert client.get(reverse("notices:detail", args=[notice.public_id])).status_code == 404


# --- attachments ---------------------------------------------------------------------------------


def test_attachment_download_of_a_published_notice(
    client, world, today, django_assert_max_num_queries
):
    notice = services_attach(world, today, notice=None)
    attachment = NoticeAttachment.objects.get(notice=notice)

    with django_assert_max_num_queries(2):
        response = client.get(reverse("notices:attachment", args=[notice.public_id, attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%96%B9%E6%A1%88.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_attachment_of_a_draft_is_404_for_others(client, world, today):
    notice = draft(world, today)
    attachment = services.notice_attach(
        actor=world.a.users["worker"],
        notice_id=notice.pk,
        uploaded_file=SimpleUploadedFile("a.png", PNG),
    )
    url = reverse("notices:attachment", args=[notice.public_id, attachment.pk])

    assert client.get(url).status_code == 404
    client.force_login(world.b.users["worker"])
    assert client.get(url).status_code == 404
    client.force_login(world.a.users["worker"])
    assert client.get(url).status_code == 200


def test_attachment_of_another_notice_is_404(client, world, today):
    first = services_attach(world, today, notice=None)
    second = published(world, today)
    attachment = NoticeAttachment.objects.get(notice=first)

    assert (
        client.get(
            reverse("notices:attachment", args=[second.public_id, attachment.pk])
        ).status_code
        == 404
    )


# --- writers' pages -----------------------------------------------------------------


def test_manage_lists_drafts_for_staff(client, world, board_notices, django_assert_max_num_queries):
    client.force_login(world.a.users["worker"])

    with django_assert_max_num_queries(10):
        response = client.get(reverse("notices:manage"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "草稿公示" in text
    assert "乙社区公示" not in text


@pytest.mark.parametrize(
    "role", ["resident", "owner", "property", "partner", "volunteer", "street", "committee"]
)
def test_manage_pages_are_404_for_non_writers(client, world, today, role):
    notice = draft(world, today)
    client.force_login(world.a.users[role])

    assert client.get(reverse("notices:manage")).status_code == 404
    assert client.get(reverse("notices:create")).status_code == 404
    assert client.get(reverse("notices:edit", args=[notice.pk])).status_code == 404
    assert client.get(reverse("notices:publish", args=[notice.pk])).status_code == 404


def test_other_community_staff_get_404_for_drafts_and_management_pages(client, world, today):
    notice = draft(world, today)
    client.force_login(world.b.users["worker"])

    assert (
        client.get(reverse("notices:manage") + f"?community={world.a.community.pk}").status_code
        == 404
    )
    assert (
        client.get(reverse("notices:create") + f"?community={world.a.community.pk}").status_code
        == 404
    )
    assert client.get(reverse("notices:edit", args=[notice.pk])).status_code == 404
    assert client.post(reverse("notices:publish", args=[notice.pk])).status_code == 404
    assert client.get(reverse("notices:withdraw", args=[notice.pk])).status_code == 404
    assert (
        client.post(
            reverse("notices:attach", args=[notice.pk]), {"file": SimpleUploadedFile("a.pdf", PDF)}
        ).status_code
        == 404
    )
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT
    assert NoticeAttachment.objects.count() == 0


def test_create_page_saves_a_draft(client, world, today, django_assert_max_num_queries):
    client.force_login(world.a.users["worker"])
    assert client.get(reverse("notices:create")).status_code == 200
    data = {
        "kind": "fee_adjustment",
        "estate": world.a.estate.pk,
        "title": "物业费调整方案公示",
        "body": "方案详见附件。",
        "starts_on": today.isoformat(),
        "ends_on": (today + 29 * DAY).isoformat(),
        "issuer": "甲苑业主委员会",
        "community": world.a.community.pk,
    }

    with django_assert_max_num_queries(16):
        response = client.post(reverse("notices:create"), data)

    notice = Notice.objects.get(title="物业费调整方案公示")
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:edit", args=[notice.pk])
    assert (notice.status, notice.estate, notice.kind) == (
        Notice.Status.DRAFT,
        world.a.estate,
        "fee_adjustment",
    )


def test_create_page_shows_errors_on_the_page(client, world, today):
    client.force_login(world.a.users["worker"])

    response = client.post(
        reverse("notices:create"),
        {
            "kind": "general",
            "title": "",
            "body": "x",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
        },
    )

    assert response.status_code == 400
    assert Notice.objects.count() == 0


def test_edit_page_updates_a_draft_and_redirects_published_ones(
    client, world, today, django_assert_max_num_queries
):
    notice = draft(world, today)
    client.force_login(world.a.users["worker"])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("notices:edit", args=[notice.pk])).status_code == 200

    response = client.post(
        reverse("notices:edit", args=[notice.pk]),
        {
            "kind": "general",
            "title": "改后的标题",
            "body": "改后的正文",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "issuer": "",
        },
    )

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "改后的标题"
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)
    response = client.get(reverse("notices:edit", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:detail", args=[notice.public_id])


def test_attach_page_rejects_a_disguised_file_with_a_message(client, world, today):
    notice = draft(world, today)
    client.force_login(world.a.users["worker"])

    response = client.post(
        reverse("notices:attach", args=[notice.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00binary")},
    )

    assert response.status_code == 400
    assert NoticeAttachment.objects.count() == 0
    assert 'class="errorlist' in response.content.decode()


def test_attach_and_detach_pages(client, world, today):
    notice = draft(world, today)
    client.force_login(world.a.users["worker"])

    response = client.post(
        reverse("notices:attach", args=[notice.pk]), {"file": SimpleUploadedFile("a.png", PNG)}
    )
    assert response.status_code == 302
    attachment = NoticeAttachment.objects.get()
    response = client.post(reverse("notices:detach", args=[notice.pk, attachment.pk]))
    assert response.status_code == 302
    assert NoticeAttachment.objects.count() == 0


def test_publish_page_confirms_then_publishes(client, world, today, django_assert_max_num_queries):
    notice = draft(world, today, kind="fee_adjustment", days=30)
    client.force_login(world.a.users["worker"])

    with django_assert_max_num_queries(8):
        confirm = client.get(reverse("notices:publish", args=[notice.pk]))
    assert confirm.status_code == 200
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT

    with django_assert_max_num_queries(16):
        response = client.post(
            reverse("notices:publish", args=[notice.pk]), {"notify_residents": "on"}
        )

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    assert Notification.objects.filter(community=world.a.community).count() == 2


def test_publish_page_shows_the_period_error_on_the_page(client, world, today, settings):
    notice = draft(world, today, kind="fee_adjustment", days=29)
    client.force_login(world.a.users["worker"])

    response = client.post(reverse("notices:publish", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "30 days" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_publish_requires_post(client, world, today):
    notice = draft(world, today)
    client.force_login(world.a.users["worker"])
    client.get(reverse("notices:publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_withdraw_page_needs_a_reason_and_keeps_the_notice_listed(
    client, world, today, django_assert_max_num_queries
):
    notice = published(world, today)
    client.force_login(world.a.users["worker"])
    url = reverse("notices:withdraw", args=[notice.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    with django_assert_max_num_queries(14):
        response = client.post(url, {"reason": "内容需更正"})

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.WITHDRAWN
    board = client.get(
        reverse("notices:public_board", args=[world.a.community.code])
    ).content.decode()
    assert "关于电梯加装的公示" in board
    assert "内容需更正" in board


def test_committee_member_manages_their_estate_notices(client, world, today, committee_a):
    client.force_login(committee_a)
    response = client.get(reverse("notices:manage"))
    assert response.status_code == 200

    response = client.post(
        reverse("notices:create"),
        {
            "kind": "decision",
            "estate": world.a.estate.pk,
            "title": "业委会决定公示",
            "body": "决定如下",
            "starts_on": today.isoformat(),
            "ends_on": (today + 14 * DAY).isoformat(),
            "issuer": "甲苑业主委员会",
        },
    )

    assert response.status_code == 302
    assert Notice.objects.get(title="业委会决定公示").estate == world.a.estate


def test_member_board_switches_between_the_users_communities(client, world, board_notices):
    from tests import factories as f

    worker = world.a.users["worker"]
    f.RoleFactory(user=worker, community=world.b.community, role="worker")
    client.force_login(worker)

    other = client.get(
        reverse("notices:board") + f"?community={world.b.community.pk}"
    ).content.decode()
    default = client.get(reverse("notices:board")).content.decode()

    assert "乙社区公示" in other
    assert "当前公示" not in other
    assert f"?community={world.a.community.pk}" in other
    assert "当前公示" in default


def test_member_board_ignores_a_community_the_user_does_not_belong_to(client, world, board_notices):
    client.force_login(world.a.users["resident"])

    text = client.get(
        reverse("notices:board") + f"?community={world.b.community.pk}"
    ).content.decode()

    assert "乙社区公示" not in text
    assert "当前公示" in text


def test_writer_form_pages_stay_within_query_budgets(
    client, world, today, django_assert_max_num_queries
):
    notice = draft(world, today)
    client.force_login(world.a.users["worker"])

    with django_assert_max_num_queries(8):
        assert client.get(reverse("notices:create")).status_code == 200
    with django_assert_max_num_queries(14):
        response = client.post(
            reverse("notices:attach", args=[notice.pk]), {"file": SimpleUploadedFile("a.png", PNG)}
        )
    assert response.status_code == 302
    attachment = NoticeAttachment.objects.get()
    with django_assert_max_num_queries(14):
        response = client.post(reverse("notices:detach", args=[notice.pk, attachment.pk]))
    assert response.status_code == 302
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("notices:withdraw", args=[notice.pk])).status_code == 200
