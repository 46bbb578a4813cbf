"""What browser tests share: logging in through the real form, screenshots, axe, page probes.

Import them (`from tests.e2e.helpers import login_as`) or request the fixtures of the same
name from tests/e2e/conftest.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page

# tests/factories.py gives every user this password.
TEST_PASSWORD = "linli-test-pass"
# The repository root; no Django settings needed at import time (this loads as a plugin).
BASE_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = BASE_DIR / "test-artifacts" / "screenshots"
AXE_SOURCE = BASE_DIR / "static" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")

# Reports CSP violations on the console too, with the directive, whatever the browser says.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("Content Security Policy violation: " + event.effectiveDirective
    + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@dataclass
class PageLog:
    """Everything a page said while the test ran: console lines, script errors, bad responses."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]

    def watch(self, page: Page) -> None:
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "response",
            lambda response: (
                self.bad_responses.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )


def url(live_server: Any, name: str, *args: Any, **kwargs: Any) -> str:
    """The live server's absolute URL for a named route."""
    return live_server.url + reverse(name, args=args or None, kwargs=kwargs or None)


def login_as(page: Page, live_server: Any, user: Any, password: str = TEST_PASSWORD) -> None:
    """Logs `user` in through the real login form (phone + password) and waits to leave it."""
    login_url = url(live_server, "accounts:login")
    page.goto(login_url)
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("input[name=phone]").fill(user.phone)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").first.click()
    if page.url.split("?")[0] == login_url:
        raise AssertionError(
            f"Login as {user.phone} failed; the page says: {page.inner_text('main')}"
        )


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot at test-artifacts/screenshots/<name>.png (for people, not asserts)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Runs the vendored axe-core on the page; fails on any serious or critical violation.

    axe is injected with `evaluate`, which the page's CSP does not govern (a script tag would
    be blocked). Returns every violation, minor ones included, for tests that want more.
    """
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ["violations"]});
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
          }));
        }"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, "axe found accessibility problems:\n" + json.dumps(
        blocking, ensure_ascii=False, indent=2
    )
    return violations


def computed_px(page: Page, selector: str, prop: str) -> float:
    """A computed CSS length of the first element matching `selector`, in pixels."""
    value = page.eval_on_selector(
        selector, "(el, p) => getComputedStyle(el).getPropertyValue(p)", prop
    )
    return float(str(value).removesuffix("px"))


def small_targets(
    page: Page, minimum: float, selector: str = "button, .btn, input[type=submit]"
) -> list[str]:
    """Visible tap targets shorter than `minimum` px, described for the failure message."""
    found: list[str] = page.eval_on_selector_all(
        selector,
        """(elements, minimum) => elements
          .filter((el) => el.offsetParent !== null || getComputedStyle(el).position === "fixed")
          .map((el) => [el, el.getBoundingClientRect()])
          .filter(([el, box]) => box.width > 0 && box.height < minimum)
          .map(([el, box]) => `${el.outerHTML.slice(0, 80)} is ${box.height}px tall`)""",
        minimum,
    )
    return found


# ---- elder mode and personal data, shared by the resident, worker and public journeys (e2e) ----

# 长辈版: body text and tap targets, as in the design (ARCHITECTURE §4).
ELDER_BODY_PX = 18
ELDER_TARGET_PX = 48
# What a finger presses: the tab bar, buttons, button-like links, list rows, chips, tools.
TAP_TARGETS = (
    ".tabbar a, button, .btn, input[type=submit], .chip, .list__link, .tool-btn, .back-link"
)


def assert_elder_page(page: Page) -> None:
    """The page is in elder mode: `html.elder`, body text ≥ 18 px, every tap target ≥ 48 px."""
    assert page.locator("html").get_attribute("class") == "elder", page.url
    assert computed_px(page, "body", "font-size") >= ELDER_BODY_PX, page.url
    assert small_targets(page, ELDER_TARGET_PX, TAP_TARGETS) == [], page.url


def leaked(page: Page, secrets: list[str]) -> list[str]:
    """Which of `secrets` (full phone or ID numbers) appear anywhere in the page's HTML."""
    html = page.content()
    return [secret for secret in secrets if secret and secret in html]
