"""A community worker's day on a phone, in elder mode: registry, roster, and a public notice.

The worker of community 甲 (tests/world.py) browses from the console down to flat 101, reveals
its owner's phone number (audited), downloads the roster template, and drafts and publishes a
notice, which an anonymous visitor then finds on the community's public board.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.models import AuditLog
from linli.notices.models import Notice
from linli.notices.selectors import local_today
from tests.e2e.helpers import (
    CSP_REPORTER,
    PageLog,
    assert_elder_page,
    leaked,
    login_as,
    run_axe,
    shot,
    url,
)

pytestmark = pytest.mark.browser

NOTICE_TITLE = "关于甲苑停车位调整的公示"
NOTICE_BODY = "甲苑东侧新增临时停车位十个，试行一个月。"


def check_page(page, name: str, *, axe: bool = True) -> None:
    """One main page in elder mode: sizes, a screenshot, and (on the main ones) axe."""
    assert_elder_page(page)
    shot(page, f"worker-{name}-elder")
    if axe:
        run_axe(page)


def click_to(page, locator) -> None:
    """Follow a link (or submit) and wait for the next page."""
    with page.expect_navigation():
        locator.click()


def test_worker_browses_registry_to_a_flat_and_reveals_the_owner_phone_once_audited(
    page, live_server, page_log, world
):
    worker = world.a.users["worker"]
    owner = world.a.owner_person
    login_as(page, live_server, worker)
    page.goto(url(live_server, "accounts:console"))
    click_to(page, page.locator(".topbar__tools button[aria-pressed]"))
    assert page.url == url(live_server, "accounts:console")
    check_page(page, "console")

    # Console → estates → estate → building → entrance → flat 101, each a click away.
    click_to(page, page.locator(f"main a[href^='{reverse('registry:estates')}']"))
    assert page.locator("main").get_by_role("link", name=world.a.estate.name).count() == 1
    check_page(page, "estates", axe=False)
    click_to(page, page.locator("main").get_by_role("link", name=world.a.estate.name))
    assert page.url == url(live_server, "registry:estate", world.a.estate.pk)
    check_page(page, "estate")
    click_to(
        page, page.locator(f"a[href='{reverse('registry:building', args=[world.a.building.pk])}']")
    )
    check_page(page, "building", axe=False)
    click_to(
        page, page.locator(f"a[href='{reverse('registry:entrance', args=[world.a.entrance.pk])}']")
    )
    assert page.url == url(live_server, "registry:entrance", world.a.entrance.pk)
    check_page(page, "entrance")
    click_to(page, page.locator(f"a[href='{reverse('registry:unit', args=[world.a.unit.pk])}']"))
    assert page.url == url(live_server, "registry:unit", world.a.unit.pk)

    # Masked until the worker asks; the reveal shows the full number and leaves an audit row.
    pii = page.locator(f"#pii-{owner.pk}")
    assert leaked(page, [owner.phone, owner.id_number]) == []
    assert "138****5678" in pii.inner_text()
    check_page(page, "unit")
    assert AuditLog.objects.filter(action="person.reveal").count() == 0
    pii.get_by_role("button").click()
    page.locator(f"#pii-{owner.pk}").get_by_text(owner.phone, exact=True).wait_for()
    assert leaked(page, [owner.phone, owner.id_number]) == [owner.phone, owner.id_number]
    reveal = AuditLog.objects.get(action="person.reveal")
    assert (reveal.actor_id, reveal.object_id, reveal.community_id) == (
        worker.pk,
        str(owner.pk),
        world.a.community.pk,
    )
    # Only that person: the tenant of flat 102 and everyone else stay masked.
    assert leaked(page, [world.a.tenant_person.phone]) == []
    shot(page, "worker-unit-revealed-elder")

    assert page_log.errors == []
    assert page_log.bad_responses == []


def test_worker_downloads_the_roster_template_as_a_real_workbook(
    page, live_server, page_log, world, tmp_path
):
    login_as(page, live_server, world.a.users["worker"])
    click_to(page, page.locator(".topbar__tools button[aria-pressed]"))
    page.goto(url(live_server, "accounts:console"))
    roster_url = reverse("registry:roster", args=[world.a.community.pk])
    click_to(page, page.locator(f"main a[href='{roster_url}']"))
    check_page(page, "roster")

    template_url = reverse("registry:roster_template", args=[world.a.community.pk])
    with page.expect_download() as info:
        page.locator(f"a[href='{template_url}']").click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert saved.suffix == ".xlsx"
    workbook = load_workbook(saved, read_only=True)
    assert workbook.worksheets[0]["A1"].value == "小区"
    assert page_log.errors == []


def test_worker_drafts_and_publishes_a_notice_that_anonymous_visitors_see(
    page, live_server, page_log, world, new_context
):
    login_as(page, live_server, world.a.users["worker"])
    click_to(page, page.locator(".topbar__tools button[aria-pressed]"))
    page.goto(url(live_server, "accounts:console"))
    click_to(page, page.locator(f"main a[href^='{reverse('notices:manage')}']"))
    check_page(page, "notices-manage", axe=False)
    click_to(page, page.locator(f"main a[href^='{reverse('notices:create')}']"))
    check_page(page, "notice-form")

    # The draft, through the form.
    today = local_today()
    page.locator("#id_kind").select_option(Notice.Kind.GENERAL.value)
    page.locator("#id_title").fill(NOTICE_TITLE)
    page.locator("#id_body").fill(NOTICE_BODY)
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_ends_on").fill((today + timedelta(days=6)).isoformat())
    page.locator("#id_issuer").fill("甲社区居委会")
    click_to(page, page.locator("main form button[type=submit]").first)
    notice = Notice.objects.get(title=NOTICE_TITLE)
    assert page.url == url(live_server, "notices:edit", notice.pk)
    assert (notice.status, notice.community_id, notice.body) == (
        Notice.Status.DRAFT,
        world.a.community.pk,
        NOTICE_BODY,
    )

    # Publishing asks first (a confirm() dialog), then shows the published notice.
    click_to(page, page.locator(f"main a[href='{reverse('notices:publish', args=[notice.pk])}']"))
    check_page(page, "notice-publish", axe=False)
    dialogs: list[str] = []

    def accept(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    click_to(page, page.locator("main form[data-confirm] button[type=submit]"))
    assert dialogs == ["confirm"]
    assert page.url == url(live_server, "notices:detail", notice.public_id)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    check_page(page, "notice-published", axe=False)

    # Anyone, logged in or not, finds it on the community's public board.
    anonymous_log = PageLog()
    anonymous = new_context().new_page()
    anonymous.add_init_script(CSP_REPORTER)
    anonymous_log.watch(anonymous)
    anonymous.goto(url(live_server, "notices:public_board", community_code=world.a.community.code))
    assert anonymous.locator("#notice-list").get_by_role("link", name=NOTICE_TITLE).count() == 1
    assert anonymous.locator(".tabbar").count() == 0
    assert anonymous_log.csp_violations == []
    assert page_log.errors == []
    assert page_log.bad_responses == []
