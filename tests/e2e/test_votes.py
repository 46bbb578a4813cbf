"""An owners' vote from the worker's draft to the public result, in phone-sized browsers.

Building 9 of 甲苑 (community 甲, tests/world.py) has five flats of distinct areas, each with
one owner: three owners with accounts vote on their phones (one in elder mode), a fourth signs
a paper ballot that one worker enters with its scan and a second worker accepts, the fifth
never votes. The worker drafts a yes/no motion (dismissing the property company) through the
console form, announces it with the earliest dates the page offers, opens, closes, counts and
publishes it, moving through time with `linli.core.clock.travel` (the live server runs in this
process, so it sees the shifted clock). An anonymous visitor then reads the public result,
downloads the roll file, recomputes A_T, N_T, A_P, N_P, A_Y, N_Y from it and finds an owner's
receipt code on the roll.

Expected figures, by hand, in 0.01 m² (flat: area, answer):
  101 90.12 yes (online) · 201 110.34 no (online) · 301 75.68 yes (online, elder mode)
  401 102.50 yes (paper) · 501 63.86 did not vote
  A_T = 442.50, N_T = 5; A_P = 442.50 − 63.86 = 378.64, N_P = 4;
  A_Y = 90.12 + 75.68 + 102.50 = 268.30, N_Y = 3; A_N = 110.34, N_N = 1.
  Turnout once the paper ballot is checked: 378.64 / 442.50 = 85.568…% → "85.6", 4/5 → "80.0";
  before its check: 276.14 / 442.50 = 62.404…% → "62.4", 3/5 → "60.0".
  Ordinary rule: quorum 4/5 ≥ 2/3 and 85.57% ≥ 2/3; approval 3/4 > 1/2 and
  268.30 / 378.64 = 70.86% > 1/2: passed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from linli.accounts.models import Role, User
from linli.core import clock
from linli.registry.models import Person
from linli.votes.models import Ballot, Motion, RollVoter
from tests import factories as f
from tests.e2e.fixtures import TIMEOUT_MS
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

TITLE = "关于解聘甲苑9幢现物业服务企业的表决"
BODY = "现物业服务企业服务质量长期不达标，业主委员会提议解聘，另行选聘。"
# Flat number in building 9 → its area in 0.01 m²; all distinct.
FLATS = {
    "101": 9012,
    "201": 11034,
    "301": 7568,
    "401": 10250,
    "501": 6386,
}
TRACKER = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# The hand-computed figures of the module docstring.
EXPECTED = {"A_T": 44250, "N_T": 5, "A_P": 37864, "N_P": 4, "A_Y": 26830, "N_Y": 3}
EXPECTED_NO = {"A_N": 11034, "N_N": 1}
TURNOUT_BEFORE_CHECK = ("62.4%", "60.0%")
TURNOUT_AFTER_CHECK = ("85.6%", "80.0%")


# --- data and browser plumbing -------------------------------------------------------------------


def build_building(world) -> dict[str, Any]:
    """Building 9 of 甲苑 with five owned flats; three owners have accounts. A second worker."""
    a = world.a
    building = f.BuildingFactory(estate=a.estate, community=a.community, number="9")
    entrance = f.EntranceFactory(building=building, community=a.community, number="1")
    units = {
        number: f.UnitFactory(entrance=entrance, number=number, floor=int(number[0]), area=area)
        for number, area in FLATS.items()
    }
    qian = f.PersonFactory(
        community=a.community,
        name="钱玉兰",
        phone="13800000201",
        user=f.UserFactory(name="钱玉兰", phone="13900000201"),
    )
    sun = f.PersonFactory(
        community=a.community,
        name="孙建国",
        phone="13800000301",
        user=f.UserFactory(name="孙建国", phone="13900000301"),
    )
    li = f.PersonFactory(community=a.community, name="李秀英", phone="13800000401")
    zhou = f.PersonFactory(community=a.community, name="周文华", phone="13800000501")
    owners = {"101": a.owner_person, "201": qian, "301": sun, "401": li, "501": zhou}
    for number, person in owners.items():
        f.OwnershipFactory(unit=units[number], person=person)
    checker = f.UserFactory(name="甲复核员")
    f.RoleFactory(user=checker, community=a.community, role=Role.WORKER)
    return {"building": building, "units": units, "owners": owners, "checker": checker}


def personal_numbers() -> list[str]:
    """Every full phone and ID number in the database: no page here may show one."""
    numbers = [v for row in Person.objects.values_list("phone", "id_number") for v in row if v]
    return numbers + [p for p in User.objects.values_list("phone", flat=True) if p]


def watched(page: Page) -> PageLog:
    """A page of a new context, set up like the `page` fixture: timeout and CSP reports."""
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(CSP_REPORTER)
    log = PageLog()
    log.watch(page)
    return log


def click_to(page: Page, locator) -> None:
    """Follow a link or submit a form, and wait for the next page."""
    with page.expect_navigation():
        locator.click()


def accept_dialogs(page: Page) -> list[str]:
    """Accept every confirm() (the console's data-confirm forms); returns their texts."""
    texts: list[str] = []

    def accept(dialog) -> None:
        texts.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return texts


def status_of(page: Page) -> str | None:
    return page.locator("main [data-status]").first.get_attribute("data-status")


def console_button(page: Page, section: str) -> None:
    """Press the one button of a console section (announce, open, running, tally, …)."""
    click_to(page, page.locator(f"section[aria-labelledby={section}-title] form button").last)


def turnout_shown(page: Page) -> tuple[str, str]:
    block = page.locator("#turnout")
    return (
        block.locator("[data-turnout=area]").inner_text().strip(),
        block.locator("[data-turnout=headcount]").inner_text().strip(),
    )


def hundredths(text: str) -> int:
    """'442.50' → 44250, exactly (no floats)."""
    whole, _dot, fraction = text.strip().partition(".")
    assert len(fraction) == 2 and whole.isdigit() and fraction.isdigit(), text
    return int(whole) * 100 + int(fraction)


def recompute(csv_text: str) -> dict[str, int]:
    """A_T, N_T, A_P, N_P, A_Y, N_Y (and A_N, N_N) from the published roll file, as the page's
    "How to recompute the result" says: every line is an owner; "" and "conflict" did not take
    part; abstentions did."""
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    taking_part = [r for r in rows if r["answer"] not in ("", "conflict")]
    yes = [r for r in taking_part if r["answer"] == "yes"]
    no = [r for r in taking_part if r["answer"] == "no"]
    return {
        "A_T": sum(hundredths(r["area_m2"]) for r in rows),
        "N_T": len(rows),
        "A_P": sum(hundredths(r["area_m2"]) for r in taking_part),
        "N_P": len(taking_part),
        "A_Y": sum(hundredths(r["area_m2"]) for r in yes),
        "N_Y": len(yes),
        "A_N": sum(hundredths(r["area_m2"]) for r in no),
        "N_N": len(no),
    }


def figures_shown(page: Page) -> dict[str, int]:
    """The totals the result page shows, by their data-figure names."""
    shown: dict[str, int] = {}
    for symbol in ("T", "P", "Y", "N"):
        heads = page.locator(f"[data-figure=N_{symbol}]").inner_text()
        area = page.locator(f"[data-figure=A_{symbol}]").inner_text()
        shown[f"N_{symbol}"] = int(heads.strip())
        shown[f"A_{symbol}"] = hundredths(area)
    return shown


# --- the journeys ----------------------------------------------------------------------------------


def worker_drafts_and_announces(page: Page, live_server, world, building) -> Motion:
    """Console → owners' votes → new vote → the form → the draft's console → announce."""
    click_to(page, page.locator(f"main a[href^='{reverse('votes:manage')}']"))
    assert page.url.startswith(url(live_server, "votes:manage"))
    click_to(page, page.locator(f"main a[href='{reverse('votes:create')}']"))
    form = page.locator("main form[method=post]")
    form.locator("#id_estate").select_option(str(world.a.estate.pk))
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_body").fill(BODY)
    form.locator("#id_kind").select_option(Motion.Kind.YES_NO.value)
    form.locator("#id_matter").select_option(Motion.Matter.PROPERTY_COMPANY.value)
    form.locator("#id_meeting_kind").select_option("regular")
    form.locator("#id_scope").select_option(Motion.Scope.BUILDING.value)
    form.locator("#id_building").select_option(str(building.pk))
    shot(page, "votes-worker-new-motion")
    click_to(page, form.locator("button[type=submit]"))
    motion = Motion.objects.get(title=TITLE)
    assert page.url == url(live_server, "votes:edit", motion.pk)
    assert (motion.status, motion.kind, motion.rule_kind) == ("draft", "yes_no", "ordinary")
    assert (motion.scope, motion.building_id, motion.body) == ("building", building.pk, BODY)
    assert status_of(page) == "draft"

    # The page offers the earliest dates the law allows (15 days' notice, 10 days of voting).
    announce = page.locator("section[aria-labelledby=announce-title]")
    earliest = DATE.search(announce.locator("p").first.inner_text())
    assert earliest is not None
    today = clock.today()
    assert earliest.group() == (today + timedelta(days=15)).isoformat()
    assert announce.locator("input[name=opens_on]").input_value() == earliest.group()
    closes_on = announce.locator("input[name=closes_on]").input_value()
    assert closes_on == (today + timedelta(days=24)).isoformat()
    console_button(page, "announce")
    motion.refresh_from_db()
    assert (motion.status, motion.opens_on, motion.closes_on) == (
        "announced",
        today + timedelta(days=15),
        today + timedelta(days=24),
    )
    assert status_of(page) == "announced"
    shot(page, "votes-worker-announced")
    return motion


def owner_votes(
    new_page: Callable[[], Page],
    live_server,
    user,
    motion: Motion,
    choice: str,
    *,
    elder: bool,
    numbers: list[str],
) -> str:
    """Log in on a phone, open "My votes", then three screens: answer, confirm, receipt."""
    page = new_page()
    login_as(page, live_server, user)
    assert page.url == url(live_server, "accounts:my_home")
    if elder:
        switch = page.locator(".topbar__tools button[aria-pressed]")
        click_to(page, switch)
        assert page.url == url(live_server, "accounts:my_home")
        assert switch.get_attribute("aria-pressed") == "true"
    click_to(page, page.locator(f"main a[href='{reverse('votes:mine')}']"))
    assert page.url == url(live_server, "votes:mine")
    card = page.locator("section[aria-labelledby=votes-open] a.list__link", has_text=TITLE)
    assert card.count() == 1

    screens = []
    click_to(page, card)
    screens.append(page.url)
    assert page.url == url(live_server, "votes:detail", public_id=motion.public_id)
    voter = RollVoter.objects.get(motion=motion, owners__person__user=user)
    home = page.locator(f"#voter-{voter.pk}")
    assert home.locator("form.vote-form").count() == 1
    if elder:
        assert_elder_page(page)
        shot(page, "votes-owner-vote-elder")
        run_axe(page)
    else:
        shot(page, f"votes-owner-{voter.number}-vote")
    assert leaked(page, numbers) == []
    home.locator(f"input[name=choice][value={choice}]").check()
    click_to(page, home.locator("button.vote-next"))
    screens.append(page.url)
    assert page.url == url(live_server, "votes:confirm", public_id=motion.public_id)
    if elder:
        assert_elder_page(page)
        shot(page, "votes-owner-confirm-elder")
    cast_form = page.locator(
        f"main form[action='{reverse('votes:cast', args=[motion.public_id])}']"
    )
    assert cast_form.locator("input[name=choice]").input_value() == choice
    click_to(page, cast_form.locator("button[type=submit]"))
    screens.append(page.url)
    tracker = page.locator("#tracker").inner_text().strip()
    assert TRACKER.fullmatch(tracker), tracker
    assert page.url == url(
        live_server, "votes:receipt", public_id=motion.public_id, tracker=tracker
    )
    # Three screens after the list, no more.
    assert len(screens) == 3
    if elder:
        assert_elder_page(page)
        shot(page, "votes-owner-receipt-elder")
    assert leaked(page, numbers) == []
    ballot = Ballot.objects.get(tracker=tracker)
    assert (ballot.voter_id, ballot.channel, ballot.choice) == (voter.pk, "online", choice)
    page.context.close()
    return tracker


def worker_enters_paper_ballot(page: Page, live_server, motion: Motion, scan) -> str:
    """Console → enter a paper ballot → the roll of non-voters → flat 401's form, with a scan."""
    click_to(
        page,
        page.locator(f"main a[href='{reverse('votes:roll', args=[motion.pk])}?show=not_voted']"),
    )
    rows = page.locator("li.vc-voter")
    assert sorted(rows.locator(".vc-title").all_inner_texts()) == ["9幢1单元401", "9幢1单元501"]
    row = rows.filter(has_text="9幢1单元401")
    click_to(page, row.locator("a.chip"))
    assert page.url.startswith(url(live_server, "votes:paper", motion.pk))
    form = page.locator("main form[enctype='multipart/form-data']")
    owner = form.locator("select[name=owner]")
    assert owner.locator("option").count() == 1
    form.locator("input[name=scan]").set_input_files(str(scan))
    form.locator("input[name=choice][value=yes]").check()
    shot(page, "votes-worker-paper-ballot")
    click_to(page, form.locator("button[type=submit]"))
    assert page.url == url(live_server, "votes:roll", motion.pk) + "?show=not_voted"
    found = TRACKER.search(page.locator(".flash").inner_text())
    assert found is not None, page.locator(".flash").inner_text()
    # Entered, it stands for the home: only flat 501 still has not voted.
    assert page.locator("li.vc-voter .vc-title").all_inner_texts() == ["9幢1单元501"]
    return found.group()


def test_owners_vote_on_phones_and_the_public_result_recomputes_to_the_same_totals(
    page, live_server, page_log, world, new_context, tmp_path
):
    data = build_building(world)
    owners = data["owners"]
    worker = world.a.users["worker"]
    numbers = personal_numbers()
    logs = [page_log]

    def new_page() -> Page:
        """A phone in a context of its own (its own cookies), watched like `page`."""
        other = new_context().new_page()
        logs.append(watched(other))
        return other

    # 2. The worker drafts the motion through the form and announces it.
    dialogs = accept_dialogs(page)
    login_as(page, live_server, worker)
    page.goto(url(live_server, "accounts:console"))
    motion = worker_drafts_and_announces(page, live_server, world, data["building"])
    assert len(dialogs) == 1

    # 3. Fifteen days later voting may open; the roll freezes the five owners.
    with clock.travel(timedelta(days=15)):
        page.reload()
        console_button(page, "open")
        motion.refresh_from_db()
        assert (motion.status, motion.headcount_total, motion.area_total) == (
            "open",
            EXPECTED["N_T"],
            EXPECTED["A_T"],
        )
        assert turnout_shown(page) == ("0.0%", "0.0%")
        assert leaked(page, numbers) == []

        # 4. Three owners vote on their phones; 孙建国 first switches to elder mode.
        trackers = {}
        for flat, user, choice, elder in (
            ("101", world.a.users["owner"], "yes", False),
            ("201", owners["201"].user, "no", False),
            ("301", owners["301"].user, "yes", True),
        ):
            trackers[flat] = owner_votes(
                new_page, live_server, user, motion, choice, elder=elder, numbers=numbers
            )
        assert len(set(trackers.values())) == 3

        # 5. The worker enters flat 401's paper ballot with its scan …
        scan = tmp_path / "ballot-401.pdf"
        scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        page.goto(url(live_server, "votes:edit", motion.pk))
        trackers["401"] = worker_enters_paper_ballot(page, live_server, motion, scan)
        paper = Ballot.objects.get(tracker=trackers["401"])
        assert (paper.channel, paper.choice, paper.owner_id, paper.cast_by_id) == (
            "paper",
            "yes",
            owners["401"].pk,
            worker.pk,
        )
        assert paper.document.read().startswith(b"%PDF")
        # … which does not count yet, and which they may not check themselves.
        page.goto(url(live_server, "votes:edit", motion.pk))
        assert turnout_shown(page) == TURNOUT_BEFORE_CHECK
        assert page.locator("#turnout [data-pending]").get_attribute("data-pending") == "1"
        click_to(page, page.locator(f"main a[href='{reverse('votes:checks', args=[motion.pk])}']"))
        own = page.locator(f"article[data-ballot='{paper.pk}']")
        assert own.locator("form").count() == 0
        assert own.locator("[role=note]").count() == 1

        # The second worker accepts it on the checks page.
        checker = new_page()
        login_as(checker, live_server, data["checker"])
        checker.goto(url(live_server, "votes:manage"))
        click_to(checker, checker.locator("main a.list__link", has_text=TITLE))
        click_to(
            checker,
            checker.locator(f"main a[href='{reverse('votes:checks', args=[motion.pk])}']"),
        )
        card = checker.locator(f"article[data-ballot='{paper.pk}']")
        assert card.locator(f"a[href='{reverse('votes:scan', args=[paper.pk])}']").count() == 1
        shot(checker, "votes-checker-checks")
        assert leaked(checker, numbers) == []
        click_to(checker, card.locator("button[name=decision][value=accept]"))
        assert checker.locator("article[data-ballot]").count() == 0
        assert paper.review.accepted is True
        assert paper.review.checked_by_id == data["checker"].pk
        checker.context.close()

        # 6. The staff turnout block: exact shares of the area and of the owners.
        page.goto(url(live_server, "votes:edit", motion.pk))
        assert turnout_shown(page) == TURNOUT_AFTER_CHECK
        assert page.locator("#turnout [data-pending]").get_attribute("data-pending") == "0"
        shot(page, "votes-worker-turnout")

        # 7. After the last day: close, count, publish, each with the console's button.
        with clock.travel(timedelta(days=10)):
            page.reload()
            console_button(page, "running")
            assert status_of(page) == "closed"
            console_button(page, "tally")
            assert status_of(page) == "tallied"
            assert page.locator("[data-passed]").get_attribute("data-passed") == "1"
            console_button(page, "result")
            assert status_of(page) == "published"
            shot(page, "votes-worker-published")
            assert len(dialogs) == 5
            result_url = url(live_server, "votes:result", public_id=motion.public_id)
            result_link = page.locator(
                f"main a[href='{reverse('votes:result', args=[motion.public_id])}']"
            )
            assert result_link.count() == 1

            # 8. Anyone opens the public result: its figures, the roll file, a receipt code.
            visitor = new_page()
            visitor.goto(result_url)
            assert visitor.locator(".tabbar").count() == 0
            assert visitor.locator("[data-outcome]").get_attribute("data-outcome") == "passed"
            shown = figures_shown(visitor)
            with visitor.expect_download() as info:
                visitor.locator(
                    f"a[href='{reverse('votes:result_csv', args=[motion.public_id])}']"
                ).click()
            saved = tmp_path / "roll.csv"
            info.value.save_as(saved)
            roll_bytes = saved.read_bytes()
            recomputed = recompute(roll_bytes.decode("utf-8"))
            assert recomputed == shown == {**EXPECTED, **EXPECTED_NO}
            digest = visitor.locator("[data-digest]").get_attribute("data-digest")
            assert hashlib.sha256(roll_bytes).hexdigest() == digest
            rows = list(csv.DictReader(io.StringIO(roll_bytes.decode("utf-8"))))
            assert sorted(t for r in rows for t in r["trackers"].split()) == sorted(
                trackers.values()
            )
            assert sorted((hundredths(r["area_m2"]), r["answer"]) for r in rows) == sorted(
                [(9012, "yes"), (11034, "no"), (7568, "yes"), (10250, "yes"), (6386, "")]
            )
            shot(visitor, "votes-public-result")
            run_axe(visitor)
            assert leaked(visitor, numbers) == []

            # The elder owner's receipt code, typed in lower case, lights up their line.
            elder_line = next(r["number"] for r in rows if trackers["301"] in r["trackers"])
            lookup = visitor.locator("main form[role=search]")
            lookup.locator("#tracker").fill(trackers["301"].lower())
            click_to(visitor, lookup.locator("button[type=submit]"))
            assert visitor.locator("[data-lookup]").get_attribute("data-lookup") == "found"
            line = visitor.locator("tr[aria-current=true]")
            assert line.count() == 1
            assert line.get_attribute("data-line") == elder_line
            assert trackers["301"] in line.locator("mark").last.inner_text()
            shot(visitor, "votes-public-lookup")

    for log in logs:
        assert log.csp_violations == []
        assert log.errors == []
        assert log.bad_responses == []
