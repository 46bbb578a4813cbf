"""The API docs page rendered by chromium: Swagger UI works under our CSP, from this host only."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import login_as

pytestmark = pytest.mark.browser

OPERATIONS = 44


def test_docs_page_renders_every_operation_without_csp_violations(page, live_server, page_log):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary")

    assert page.locator(".opblock").count() == OPERATIONS
    assert page.locator(".info .title").inner_text().startswith("Linli API")
    assert page_log.csp_violations == []
    assert page_log.errors == []
    assert page_log.bad_responses == []
    foreign = [url for url in requested if not url.startswith((live_server.url, "data:"))]
    assert foreign == []


def test_try_it_out_calls_the_api_with_the_browser_session(page, live_server, page_log, world):
    login_as(page, live_server, world.a.users["worker"])
    page.goto(live_server.url + "/api/v1/docs#/accounts/accounts_me")
    operation = page.locator("#operations-accounts-accounts_me")

    operation.locator(".try-out__btn").click()
    with page.expect_response(live_server.url + "/api/v1/accounts/me") as answer:
        operation.locator(".execute").click()

    assert answer.value.status == 200
    assert answer.value.json()["name"] == world.a.users["worker"].name
    assert page_log.csp_violations == []
    assert page_log.errors == []
