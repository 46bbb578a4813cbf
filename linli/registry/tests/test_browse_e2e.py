"""Registry pages in a phone-sized browser: browsing down to a unit and revealing with htmx."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linli.core.models import AuditLog
from tests.e2e.helpers import login_as, run_axe, shot, small_targets, url

pytestmark = pytest.mark.browser

FULL_PHONE = "13812345678"


def test_worker_browses_to_a_unit_and_reveals_the_owner_in_place(
    page, live_server, page_log, world
):
    a = world.a
    login_as(page, live_server, a.users["worker"])

    page.goto(url(live_server, "registry:estates"))
    page.get_by_role("link", name="甲苑").click()
    page.locator(f"a[href$='/registry/buildings/{a.building.pk}/']").click()
    page.locator(f"a[href$='/registry/entrances/{a.entrance.pk}/']").click()
    page.locator(f"a[href$='/registry/units/{a.unit.pk}/']").click()
    pii = page.locator(f"#pii-{a.owner_person.pk}")
    assert "138****5678" in pii.inner_text()
    assert FULL_PHONE not in page.content()
    run_axe(page)
    assert small_targets(page, 44, selector="main button, main .btn, main .chip") == []

    pii.locator("button[type=submit]").click()
    expect(page.locator(f"#pii-{a.owner_person.pk}")).to_contain_text(FULL_PHONE)

    assert page.url.endswith(f"/registry/units/{a.unit.pk}/")
    assert a.owner_person.id_number in page.locator(f"#pii-{a.owner_person.pk}").inner_text()
    assert AuditLog.objects.filter(action="person.reveal", actor=a.users["worker"]).count() == 1
    shot(page, "registry-unit-revealed")
    assert page_log.errors == []
    assert page_log.csp_violations == []


def test_resident_sees_the_entrance_with_only_their_own_flat_linked(
    page, live_server, page_log, world
):
    a = world.a
    login_as(page, live_server, a.users["owner"])

    page.goto(url(live_server, "registry:entrance", a.entrance.pk))

    assert page.locator(f"a[href$='/registry/units/{a.unit.pk}/']").count() == 1
    assert page.locator(f"a[href$='/registry/units/{a.other_unit.pk}/']").count() == 0
    assert "75.20" in page.locator("main").inner_text()
    run_axe(page)
    shot(page, "registry-entrance-resident")
    assert page_log.csp_violations == []
