"""The public result pages: who may see them, what they say, the roll file, the PDF, lookups."""

from __future__ import annotations

import hashlib
import itertools
import shutil
import subprocess
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.votes import counting, pdf, services, views_public
from linli.votes.models import Ballot, Motion, RollVoter
from linli.votes.tests import builders
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = ("votes:result", "votes:result_csv", "votes:result_pdf")
ESTATES = itertools.count(1)


def estate_with(world: Any, areas: list[int]) -> tuple[Any, Any, list[Any]]:
    """A new estate of world A with one flat per area, each owned by one person with a login."""
    side = world.a
    estate = f.EstateFactory(community=side.community, name=f"银杏苑{next(ESTATES)}期")
    building = f.BuildingFactory(estate=estate, community=side.community, number="3")
    entrance = f.EntranceFactory(building=building, community=side.community, number="2")
    people = []
    for i, area in enumerate(areas, start=1):
        unit = f.UnitFactory(entrance=entrance, number=f"{i:04d}", floor=i // 4 + 1, area=area)
        person = f.PersonFactory(community=side.community, user=f.UserFactory())
        f.OwnershipFactory(unit=unit, person=person)
        people.append(person)
    return side.users["worker"], estate, people


def vote(motion: Motion, person: Any, **answer: Any) -> Ballot:
    voter = RollVoter.objects.get(motion=motion, owners__person=person)
    return services.ballot_cast(user=person.user, motion_id=motion.id, voter_id=voter.id, **answer)


def publish(worker: Any, motion: Motion) -> Motion:
    builders.closed(worker, motion)
    with builders.after_close():
        services.motion_tally(actor=worker, motion_id=motion.id)
        services.motion_publish(actor=worker, motion_id=motion.id)
    motion.refresh_from_db()
    return motion


def published_yes_no(world: Any, answers: list[str], **fields: Any) -> Motion:
    """A yes/no motion over owners with 90 m² each; '' in `answers` is an owner who stays home."""
    worker, estate, people = estate_with(world, [9000] * len(answers))
    motion = builders.opened(worker, estate, **fields)
    for person, answer in zip(people, answers, strict=True):
        if answer:
            vote(motion, person, choice=answer)
    return publish(worker, motion)


def result_page(client: Any, motion: Motion, **params: Any) -> Any:
    response = client.get(
        reverse("votes:result", args=[motion.public_id]), params, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response


def pdf_text(content: bytes) -> str:
    binary = shutil.which("pdftotext")
    assert binary is not None, "pdftotext is missing: apt-get install poppler-utils"
    return subprocess.run(
        [binary, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


# --- who may see it --------------------------------------------------------------------------


def test_results_are_404_in_every_status_but_published(client, world):
    worker = world.a.users["worker"]
    estate = world.a.estate
    cancelled = builders.announced(worker, estate, title="取消的表决")
    services.motion_cancel(actor=worker, motion_id=cancelled.id, reason="议题撤回")
    tallied = builders.opened(worker, estate, title="已计票")
    builders.closed(worker, tallied)
    with builders.after_close():
        services.motion_tally(actor=worker, motion_id=tallied.id)
    closed = builders.opened(worker, estate, title="已截止")
    builders.closed(worker, closed)
    motions = [
        builders.draft(worker, estate),
        builders.announced(worker, estate),
        builders.opened(worker, estate),
        closed,
        tallied,
        cancelled,
    ]
    staff = f.UserFactory()
    f.RoleFactory(user=staff, community=world.a.community)
    for motion in motions:
        motion.refresh_from_db()
        for user in (None, staff):
            client.logout()
            if user is not None:
                client.force_login(user)
            for name in PAGES:
                response = client.get(reverse(name, args=[motion.public_id]))
                assert response.status_code == 404, (motion.status, name, user)
    assert {m.status for m in motions} == {
        "draft",
        "announced",
        "open",
        "closed",
        "tallied",
        "cancelled",
    }


def test_published_result_is_public_to_anyone_from_any_community(client, world):
    motion = published_yes_no(world, ["yes", "yes", "no"])
    visitors = [None, world.outsider, world.b.users["owner"], world.a.users["resident"]]
    for user in visitors:
        client.logout()
        if user is not None:
            client.force_login(user)
        for name in ("votes:result", "votes:result_csv"):
            assert client.get(reverse(name, args=[motion.public_id])).status_code == 200


def test_result_page_shows_no_names_and_no_home_numbers(client, world):
    motion = published_yes_no(world, ["yes", "no", ""])
    html = result_page(client, motion).content.decode()
    for voter in RollVoter.objects.filter(motion=motion).prefetch_related("owners__person"):
        assert voter.label and voter.label not in html
        for owner in voter.owners.all():
            assert owner.person.name not in html
            assert owner.person.phone not in html


# --- what it says ----------------------------------------------------------------------------


def test_quorum_failure_is_explained_with_each_test(client, world):
    # 1 of 3 owners (90 of 270 m²) took part: neither count reaches 2/3.
    motion = published_yes_no(world, ["yes", "", ""])
    summary = result_page(client, motion).context["summary"]

    assert summary.passed is False
    assert summary.headline == "Not passed"
    assert [(c.share, c.met) for c in summary.checks] == [
        ("33.33", False),
        ("33.33", False),
        ("100.00", None),
        ("100.00", None),
    ]
    assert (
        "The quorum (at least 2/3 of the owners and of the area) was not met on either count."
        in summary.reasons
    )
    assert summary.relies_on == ""


def test_approval_failure_is_explained_with_figures(client, world):
    # Everyone took part; 2 of 4 owners is not more than half.
    motion = published_yes_no(world, ["yes", "yes", "no", "abstain"])
    summary = result_page(client, motion).context["summary"]

    assert motion.result.data["reason"] == "approval_not_met"
    assert (summary.passed, summary.headline) == (False, "Not passed")
    assert [c.met for c in summary.checks] == [True, True, False, False]
    assert summary.reasons[-2:] == [
        "2 owners with 180.00 m² voted yes: 50.00% of the owners taking part by headcount and "
        "50.00% by area; more than 1/2 of each is needed.",
        "Neither count reaches it.",
    ]


def test_pass_is_explained_with_figures(client, world):
    motion = published_yes_no(world, ["yes", "yes", "yes", "no", "abstain", ""])
    summary = result_page(client, motion).context["summary"]

    assert motion.result.data["reason"] == "passed"
    assert (summary.passed, summary.headline) == (True, "Passed")
    assert [c.met for c in summary.checks] == [True, True, True, True]
    assert summary.reasons == [
        "6 owners with 540.00 m² of exclusive area are in the scope of the vote.",
        "5 owners (83.33% of them) with 450.00 m² (83.33% of the area) took part, abstentions "
        "included.",
        "The quorum (at least 2/3 of the owners and of the area) was met.",
        "3 owners with 270.00 m² voted yes: 60.00% of the owners taking part by headcount and "
        "60.00% by area; more than 1/2 of each is needed.",
        "Both counts reach it.",
    ]


def test_pass_relying_on_follow_the_majority_says_so(client, world):
    # Strictly 2 yes of 6 taking part fails; the two 随多数 ballots join the yes side: 4 of 6.
    motion = published_yes_no(
        world,
        ["yes", "yes", "no", "follow_majority", "follow_majority", "abstain"],
        follow_majority_option=True,
    )
    response = result_page(client, motion)
    summary = response.context["summary"]

    assert motion.result.data["basis"] == "follow_majority" and motion.result.passed
    assert summary.passed is True
    assert summary.relies_on == "follow_majority"
    assert summary.headline == "Passed, relying on the “follow the majority” (随多数) clause"
    assert summary.reasons[-1].startswith(
        "This pass relies on the “follow the majority” (随多数) clause of the community's "
        "rules: the 2 owners with 180.00 m² who chose it were counted as voting yes"
    )
    assert summary.checks_title == "The tests of the rule, on the strict count"
    assert 'data-relies-on="follow_majority"' in response.content.decode()


def test_pass_relying_on_silent_owners_says_so(client, world):
    # 3 of 6 took part (quorum fails); the 3 silent owners are counted with the yes majority.
    motion = published_yes_no(
        world, ["yes", "yes", "no", "", "", ""], silent_owners_follow_majority=True
    )
    summary = result_page(client, motion).context["summary"]

    assert motion.result.data["basis"] == "silent_majority" and motion.result.passed
    assert summary.relies_on == "silent_majority"
    assert (
        "the 3 owners with 270.00 m² who did not vote were counted as voting yes"
        in (summary.reasons[-1])
    )
    assert [c.met for c in summary.checks][:2] == [False, False]


def test_poll_is_explained_by_headcount_of_those_who_decided(client, world):
    # A non-legal poll: no quorum, more yes than no by headcount, abstentions left out.
    motion = published_yes_no(
        world, ["yes", "yes", "no", "abstain", "", ""], matter=Motion.Matter.POLL
    )
    summary = result_page(client, motion).context["summary"]

    assert motion.result.passed is True
    assert [(c.label, c.share, c.met) for c in summary.checks] == [
        ("Approval by headcount (N_Y of the owners who voted yes or no)", "66.67", True)
    ]
    assert summary.reasons[2:] == [
        "2 owners voted yes: 66.67% of the owners who voted yes or no; more than 1/2 is needed.",
        "That is enough.",
    ]


def test_choose_one_without_a_passing_option_names_the_runoff(client, world):
    worker, estate, people = estate_with(world, [9000] * 6)
    motion = builders.opened(
        worker, estate, kind=Motion.Kind.CHOOSE_ONE, options=["方案甲", "方案乙", "方案丙"]
    )
    for person, option in zip(people, [1, 1, 2, 2, 3], strict=False):
        vote(motion, person, options=[option])
    motion = publish(worker, motion)
    summary = result_page(client, motion).context["summary"]

    assert motion.result.data["outcome"] == "no_option_passed"
    assert summary.headline == "No option passed"
    assert "A run-off between 1. 方案甲, 2. 方案乙 is proposed." in summary.reasons
    assert [(o.position, o.headcount, o.status_code) for o in summary.options] == [
        (1, 2, "runoff"),
        (2, 2, "runoff"),
        (3, 1, "not_chosen"),
    ]


def test_election_lists_elected_and_alternates(client, world):
    worker, estate, people = estate_with(world, [9000] * 4)
    motion = builders.opened(
        worker,
        estate,
        kind=Motion.Kind.ELECT,
        matter=Motion.Matter.COMMITTEE,
        seats=1,
        options=["候选人甲", "候选人乙"],
    )
    for person, picks in zip(people, [[1], [1], [1], [2]], strict=True):
        vote(motion, person, options=picks)
    motion = publish(worker, motion)
    summary = result_page(client, motion).context["summary"]

    assert summary.headline == "1 of 1 seat filled"
    assert "Elected: 1. 候选人甲." in summary.reasons
    assert [(o.position, o.status_code) for o in summary.options] == [
        (1, "elected"),
        (2, "not_elected"),
    ]


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(2, 3, "66.67"), (1, 3, "33.33"), (1, 8, "12.50"), (1, 200000, "0.00"), (5, 0, "0.00")],
)
def test_percent_rounds_half_up_in_integers(part, whole, shown):
    assert views_public.percent(part, whole) == shown


# --- the roll, its file and lookups ----------------------------------------------------------


def test_roll_csv_is_the_file_whose_digest_was_published(client, world):
    motion = published_yes_no(world, ["yes", "no", "", "abstain"])
    response = client.get(reverse("votes:result_csv", args=[motion.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="roll-{motion.public_id}.csv"'
    )
    assert hashlib.sha256(response.content).hexdigest() == motion.result.roll_digest
    assert response.content.decode("utf-8") == counting.public_roll_csv(motion)
    assert response.content.startswith(b"number,area_m2,answer,trackers\n")
    html = result_page(client, motion).content.decode()
    assert f'data-digest="{motion.result.roll_digest}"' in html


def test_tracker_lookup_highlights_the_line_and_forgives_typing(client, world):
    motion = published_yes_no(world, ["yes", "no", ""])
    ballot = Ballot.objects.filter(motion=motion, choice="no").get()
    typed = ballot.tracker.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    response = result_page(client, motion, tracker=typed)

    lookup = response.context["lookup"]
    assert (lookup.status, lookup.code) == ("found", ballot.tracker)
    assert lookup.line.number == ballot.voter.number
    assert [r.number for r in response.context["rows"] if r.highlighted] == [ballot.voter.number]
    assert (
        f'id="line-{ballot.voter.number}" data-line="{ballot.voter.number}" aria-current="true"'
        in (response.content.decode())
    )


def test_tracker_lookup_says_not_found_and_not_a_code(client, world):
    motion = published_yes_no(world, ["yes", "no"])
    other = published_yes_no(world, ["yes"])
    elsewhere = Ballot.objects.get(motion=other).tracker

    assert result_page(client, motion, tracker=elsewhere).context["lookup"].status == "not_found"
    assert result_page(client, motion, tracker="ABC").context["lookup"].status == "invalid"
    assert result_page(client, motion, tracker="UUUUU-UUUUU").context["lookup"].status == (
        "invalid"
    )
    assert result_page(client, motion).context["lookup"] is None


def test_long_roll_is_paginated_and_a_lookup_opens_its_page(client, world, monkeypatch):
    monkeypatch.setattr(views_public, "ROLL_PAGE_SIZE", 2)
    motion = published_yes_no(world, ["yes", "yes", "no", "abstain", "yes"])

    first = result_page(client, motion)
    third = result_page(client, motion, page="3")

    assert [r.number for r in first.context["rows"]] == [1, 2]
    assert [r.number for r in third.context["rows"]] == [5]
    assert first.context["page"].paginator.num_pages == 3
    assert 'href="?page=2#roll-title"' in first.content.decode()
    last = next(line for line in counting.public_roll(motion) if line.number == 5)
    found = result_page(client, motion, tracker=last.trackers[0])
    assert found.context["page"].number == 3
    assert [r.highlighted for r in found.context["rows"]] == [True]


def test_result_page_queries_do_not_grow_with_the_roll(client, world):
    small = published_yes_no(world, ["yes"] * 3 + [""] * 2)
    large = published_yes_no(world, ["yes"] * 40 + ["no"] * 10 + [""] * 10)
    counts = []
    for motion in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("votes:result", args=[motion.public_id]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4
    assert len(result_page(client, large).context["rows"]) == 60


def test_result_page_query_budget(client, world, django_assert_max_num_queries):
    motion = published_yes_no(world, ["yes", "no", "abstain", ""])
    url = reverse("votes:result", args=[motion.public_id])
    # The motion with its result, then the roll in three queries; a lookup of a receipt code
    # that is not on the roll adds one.
    with django_assert_max_num_queries(5):
        assert client.get(url, {"tracker": "00000-00000"}).status_code == 200


# --- the PDF ---------------------------------------------------------------------------------


def test_result_pdf_is_a_real_pdf_with_the_totals(client, world):
    motion = published_yes_no(world, ["yes", "yes", "no", ""], title="关于加装电梯的表决")
    response = client.get(reverse("votes:result_pdf", args=[motion.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'inline; filename="result-{motion.public_id}.pdf"')
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "关于加装电梯的表决" in text
    assert "银杏苑" in text
    data = motion.result.data
    assert (data["area_total"], data["area_participating"], data["area_yes"]) == (
        36000,
        27000,
        18000,
    )
    for figure in ("360.00", "270.00", "180.00", "90.00"):
        assert figure in text
    assert motion.result.roll_digest in text.replace("\n", "")
    # A short roll is printed with its receipt codes.
    for ballot in Ballot.objects.filter(motion=motion):
        assert ballot.tracker in text


def test_result_pdf_qr_code_links_to_the_result_page(world, settings):
    settings.LINLI_PUBLIC_URL = "https://linli.example.cn/"
    motion = published_yes_no(world, ["yes"])
    expected = f"https://linli.example.cn/votes/{motion.public_id}/result/"

    with mock.patch("linli.votes.pdf.qr_data_uri", wraps=pdf.qr_data_uri) as spy:
        from django.test import Client

        assert Client().get(reverse("votes:result_pdf", args=[motion.public_id])).status_code == 200

    assert views_public.result_public_url(motion) == expected
    spy.assert_called_once_with(expected)


def test_result_pdf_is_cached(client, world):
    motion = published_yes_no(world, ["yes"])
    url = reverse("votes:result_pdf", args=[motion.public_id])
    with mock.patch("linli.votes.pdf.render_result_pdf", return_value=b"%PDF-1.7 cached") as render:
        first = client.get(url)
        second = client.get(url)

    assert first.content == second.content == b"%PDF-1.7 cached"
    assert render.call_count == 1
