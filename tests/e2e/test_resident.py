"""A resident's journey on a phone, in elder mode: home, notices, inbox, profile and own flat.

The owner of flat 101 in community 甲 (tests/world.py) logs in through the real form, switches
to the elder mode with the header button, and reads a current notice and the message that
announced it. Every main page is checked for the elder-mode sizes, for axe (no serious or
critical violation), and for full phone or ID numbers, which must never reach a resident.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from linli.accounts.models import User
from linli.notices import services as notice_services
from linli.notices.models import Notice
from linli.notices.selectors import local_today
from linli.notifications.models import Notification
from linli.registry.models import Person
from tests.e2e.helpers import assert_elder_page, leaked, login_as, run_axe, shot, url

pytestmark = pytest.mark.browser

NOTICE_TITLE = "关于24幢加装电梯方案的公示"


def personal_numbers() -> list[str]:
    """Every full phone and ID number in the database: none may appear on a resident's page."""
    persons = Person.objects.values_list("phone", "id_number")
    numbers = [value for row in persons for value in row if value]
    numbers += [phone for phone in User.objects.values_list("phone", flat=True) if phone]
    return numbers


def publish_notice_to_residents(world) -> Notice:
    """A community worker of 甲 publishes a notice up from today and sends it to the inboxes."""
    worker = world.a.users["worker"]
    today = local_today()
    draft = notice_services.notice_create(
        actor=worker,
        community=world.a.community,
        kind=Notice.Kind.GENERAL,
        title=NOTICE_TITLE,
        body="经24幢1单元业主协商，拟在北侧加装电梯一部。\n联系电话：13812345678",
        starts_on=today,
        ends_on=today + timedelta(days=6),
        issuer="甲社区居委会",
    )
    return notice_services.notice_publish(actor=worker, notice_id=draft.pk, notify_residents=True)


def check_page(page, name: str, numbers: list[str]) -> None:
    """One main page in elder mode: sizes, no full personal number, a screenshot, axe."""
    assert_elder_page(page)
    assert leaked(page, numbers) == [], f"{name} shows full personal numbers"
    shot(page, f"resident-{name}-elder")
    run_axe(page)


def test_owner_in_elder_mode_reads_home_notice_inbox_profile_and_own_flat(
    page, live_server, page_log, world
):
    owner = world.a.users["owner"]
    notice = publish_notice_to_residents(world)
    message = Notification.objects.get(recipient=owner)
    with translation.override("zh-hans"):
        unit_label = world.a.unit.label
    numbers = personal_numbers()

    # Log in through the form: "My home" with the flat, the notice and the unread message.
    login_as(page, live_server, owner)
    assert page.url == url(live_server, "accounts:my_home")
    main = page.locator("main")
    new_messages = page.locator("section[aria-labelledby=home-inbox]")
    message_link = f"a[href='{reverse('notifications:open', args=[message.pk])}']"
    assert main.get_by_role("link", name=unit_label).count() == 1
    notices = page.locator("section[aria-labelledby=home-notices]")
    assert notices.get_by_role("link", name=NOTICE_TITLE).count() == 1
    assert message.read_at is None
    assert new_messages.locator(message_link).inner_text().startswith(NOTICE_TITLE)

    # The header button switches the elder mode on and comes back to the same page.
    elder_button = page.locator(".topbar__tools button[aria-pressed]")
    assert elder_button.inner_text().strip() == "长辈版"
    with page.expect_navigation():
        elder_button.click()
    assert page.url == url(live_server, "accounts:my_home")
    assert elder_button.get_attribute("aria-pressed") == "true"
    check_page(page, "home", numbers)

    # The notice board, then the notice: the mode stays on from page to page.
    with page.expect_navigation():
        page.locator(f".tabbar a[href='{reverse('notices:board')}']").click()
    assert page.url.startswith(url(live_server, "notices:board"))
    check_page(page, "notices", numbers)
    with page.expect_navigation():
        page.locator("#notice-list").get_by_role("link", name=NOTICE_TITLE).click()
    assert page.url == url(live_server, "notices:detail", notice.public_id)
    assert page.locator(".notice-title").inner_text() == NOTICE_TITLE
    # The phone number written in the text is masked on the way out.
    assert "138****5678" in page.locator(".notice-body").inner_text()
    check_page(page, "notice-detail", numbers)

    # The inbox lists the message as unread; opening it leads to the notice and marks it read.
    with page.expect_navigation():
        page.locator(f".tabbar a[href='{reverse('notifications:inbox')}']").click()
    assert page.locator(".inbox-item--unread").count() == 1
    check_page(page, "inbox", numbers)
    with page.expect_navigation():
        page.locator(".inbox-item--unread").click()
    assert page.url == url(live_server, "notices:detail", notice.public_id)
    message.refresh_from_db()
    assert message.read_at is not None

    # "Me": the owner's own phone number is masked too.
    with page.expect_navigation():
        page.locator(f".tabbar a[href='{reverse('accounts:profile')}']").click()
    assert page.url == url(live_server, "accounts:profile")
    assert f"{owner.phone[:3]}****{owner.phone[-4:]}" in page.locator("main").inner_text()
    check_page(page, "profile", numbers)

    # Home again, then the owner's own flat in the registry.
    with page.expect_navigation():
        page.locator(f".tabbar a[href='{reverse('accounts:my_home')}']").click()
    assert new_messages.locator(message_link).count() == 0
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=unit_label).click()
    assert page.url == url(live_server, "registry:unit", world.a.unit.pk)
    assert page.locator(".topbar__title").inner_text() == unit_label
    check_page(page, "unit", numbers)

    assert page_log.errors == []
    assert page_log.bad_responses == []
