"""Suite-wide fixtures and the strict mode: with LINLI_STRICT=1 a skipped test fails the run."""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Browser-test fixtures (Playwright on Debian chromium), usable by any test in the suite.
pytest_plugins = ["tests.e2e.fixtures"]

CHROMIUM = "/usr/bin/chromium"
STRICT = os.environ.get("LINLI_STRICT") == "1"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Argon2 costs about a second per hash here; tests hash many passwords. The production
    # hasher list is asserted separately (linli/core/tests/test_settings.py).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.LINLI_SMS_BACKEND = "linli.core.sms.LocmemSmsBackend"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from huey.contrib.djhuey import HUEY

    from linli.core import sms

    # Tasks queued on commit run at once, in memory, instead of waiting for a consumer.
    HUEY.immediate = True
    sms.outbox.clear()
    # A request in another test (Accept-Language, the language cookie) leaves its language
    # active on the worker's thread; each test starts in the default language instead.
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


def _flush_past_guards() -> None:
    """Transactional tests end with a `flush`; on SQLite the append-only triggers would refuse it."""
    from django.test import TransactionTestCase

    from linli.core.dbguard import guard_disabled

    original = TransactionTestCase._fixture_teardown
    if getattr(original, "_linli_guarded", False):
        return

    def teardown(self):  # type: ignore[no-untyped-def]
        with guard_disabled():
            original(self)

    teardown._linli_guarded = True  # type: ignore[attr-defined]
    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]


_flush_past_guards()


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    skip = pytest.mark.skip(reason="Debian chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not STRICT:
        return
    skipped = terminalreporter.stats.get("skipped", [])
    xfailed = terminalreporter.stats.get("xfailed", [])
    if skipped or xfailed:
        terminalreporter.write_line(
            f"LINLI_STRICT=1: {len(skipped)} skipped and {len(xfailed)} xfailed tests; nothing may skip.",
            red=True,
        )


def pytest_sessionfinish(session, exitstatus):
    if not STRICT:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    if reporter.stats.get("skipped") or reporter.stats.get("xfailed"):
        session.exitstatus = 1
