"""What anyone sees without an account: login, a community's public board, a notice, the privacy
page; and the header's language menu, which switches the whole page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from linli.notices import services as notice_services
from linli.notices.models import Notice
from linli.notices.selectors import local_today
from tests import factories as f
from tests.e2e.helpers import leaked, run_axe, shot, url

pytestmark = pytest.mark.browser

NOTICE_TITLE = "关于2025年度公共收益的公示"
OWNER_PHONE = "13812345678"


@pytest.fixture
def public_notice(transactional_db) -> Notice:
    community = f.CommunityFactory(name="金狮社区", code="jinshi")
    today = local_today()
    return notice_services.notice_publish_system(
        community=community,
        kind=Notice.Kind.GENERAL,
        title=NOTICE_TITLE,
        body=f"详情请联系业委会：{OWNER_PHONE}",
        starts_on=today,
        ends_on=today + timedelta(days=14),
        issuer="金狮苑业主委员会",
    )


def login_button(page):
    return page.locator("form", has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    )


def choose_language(page, code: str) -> None:
    """Open the header's language menu and pick one; the page reloads in that language."""
    page.locator(".lang-menu summary").click()
    with page.expect_navigation():
        page.locator(f".lang-menu button[value='{code}']").click()


def test_anonymous_pages_are_accessible_and_mask_personal_numbers(
    page, live_server, page_log, public_notice
):
    page.goto(url(live_server, "accounts:login"))
    assert login_button(page).inner_text().strip() == "登录"
    run_axe(page)

    page.goto(url(live_server, "notices:public_board", community_code="jinshi"))
    assert page.locator(".topbar__title").inner_text() == "金狮社区 · 公示"
    assert page.locator(".tabbar").count() == 0
    shot(page, "public-board")
    run_axe(page)

    with page.expect_navigation():
        page.locator("#notice-list").get_by_role("link", name=NOTICE_TITLE).click()
    assert page.url == url(live_server, "notices:detail", public_notice.public_id)
    assert page.locator(".notice-title").inner_text() == NOTICE_TITLE
    assert page.locator(".notice-body").inner_text() == "详情请联系业委会：138****5678"
    assert leaked(page, [OWNER_PHONE]) == []
    shot(page, "public-notice")
    run_axe(page)

    page.goto(url(live_server, "accounts:privacy"))
    shot(page, "public-privacy")
    run_axe(page)

    assert page_log.errors == []
    assert page_log.bad_responses == []


def test_language_menu_switches_the_login_page_to_english_and_traditional_chinese(
    page, live_server, page_log
):
    login_url = url(live_server, "accounts:login")
    page.goto(login_url)
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    choose_language(page, "en")
    assert page.url == login_url
    assert page.locator("html").get_attribute("lang") == "en"
    assert login_button(page).inner_text().strip() == "Log in"
    assert page.locator(".lang-menu summary").inner_text().strip() == "Language"
    run_axe(page)

    choose_language(page, "zh-hant")
    assert page.url == login_url
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert login_button(page).inner_text().strip() == "登入"
    assert page.locator(".lang-menu summary").inner_text().strip() == "語言"
    shot(page, "login-zh-hant")
    run_axe(page)

    # The choice is remembered from page to page.
    page.goto(url(live_server, "accounts:privacy"))
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page_log.errors == []
