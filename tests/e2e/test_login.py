"""The login page in a phone-sized browser: standard and elder mode, accessible, CSP-clean."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.e2e.helpers import computed_px, login_as, run_axe, shot, small_targets, url

pytestmark = pytest.mark.browser

ELDER_BODY_PX = 18
ELDER_TARGET_PX = 48


def elder_switch(page):
    # The top bar's elder-mode button; aria-pressed tells its state in any language.
    return page.locator(".topbar__tools button[aria-pressed]")


def test_login_page_in_standard_mode_is_accessible_and_csp_clean(page, live_server, page_log):
    page.goto(url(live_server, "accounts:login"))

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("html").get_attribute("class") == ""
    assert elder_switch(page).get_attribute("aria-pressed") == "false"
    assert page.locator("input[name=phone]").is_visible()
    assert page.locator("input[name=password]").is_visible()
    shot(page, "login-standard")
    run_axe(page)
    assert page_log.csp_violations == []
    assert page_log.errors == []


def test_elder_mode_switched_on_the_login_page_enlarges_text_and_buttons(
    page, live_server, page_log
):
    page.goto(url(live_server, "accounts:login"))
    standard_body_px = computed_px(page, "body", "font-size")

    with page.expect_navigation():
        elder_switch(page).click()

    assert page.url == url(live_server, "accounts:login")
    assert page.locator("html").get_attribute("class") == "elder"
    assert elder_switch(page).get_attribute("aria-pressed") == "true"
    assert computed_px(page, "body", "font-size") >= ELDER_BODY_PX > standard_body_px
    assert small_targets(page, ELDER_TARGET_PX) == []
    shot(page, "login-elder")
    run_axe(page)
    assert page_log.csp_violations == []
    assert page_log.errors == []


def test_login_with_phone_and_password_leaves_the_login_page(page, live_server):
    user = f.UserFactory()

    login_as(page, live_server, user)

    assert page.url == url(live_server, "accounts:my_home")
