"""Browser-test fixtures, registered for the whole suite by the root conftest.py (`pytest_plugins`).

Playwright's sync API drives Debian's /usr/bin/chromium (never `playwright install`) against
pytest-django's `live_server`, in a phone-sized, touch-enabled, zh-CN context. The root
conftest.py skips browser tests when chromium is missing (a failure under LINLI_STRICT=1).
A browser test anywhere (tests/e2e/ or an app's tests/) marks itself
`pytestmark = pytest.mark.browser` and requests `page`, `live_server` (which implies a
transactional database) and `page_log`; helpers are in tests/e2e/helpers.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Page, Playwright

from tests.e2e import helpers

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No sandbox (CI runs as root); nothing fetched from Google; no first-run dialogs.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Chromium's own widgets (date pickers, file inputs) in Chinese, like the page.
    "--lang=zh-CN",
]
# Generous for a slow CI machine, short enough that a wrong selector fails fast.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def playwright(django_db_setup: None, playwright: Playwright) -> Iterator[Playwright]:
    """pytest-playwright's Playwright, which closes the database connections it caused.

    While Playwright's sync API runs, its event loop counts as running in this thread, so
    Django keeps the main thread's connections in a separate, context-local slot. Those are
    closed here, before the loop stops, and before the test database is destroyed (hence the
    dependency on `django_db_setup`); otherwise the SQLite file is deleted under an open
    connection (leaving -wal/-shm files) and PostgreSQL refuses to drop the test database.
    """
    yield playwright
    connections.close_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    }


@pytest.fixture
def page_log() -> helpers.PageLog:
    return helpers.PageLog()


@pytest.fixture
def page(page: Page, page_log: helpers.PageLog) -> Iterator[Page]:
    """pytest-playwright's page, watched: a CSP violation anywhere fails the test."""
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(helpers.CSP_REPORTER)
    page_log.watch(page)
    yield page
    assert not page_log.csp_violations, "CSP violations:\n" + "\n".join(page_log.csp_violations)


@pytest.fixture
def login_as() -> Callable[..., None]:
    return helpers.login_as


@pytest.fixture
def shot() -> Callable[[Page, str], Any]:
    return helpers.shot


@pytest.fixture
def run_axe() -> Callable[[Page], list[dict[str, Any]]]:
    return helpers.run_axe
