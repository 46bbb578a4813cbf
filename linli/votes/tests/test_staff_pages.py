"""The staff console of owners' votes: the whole staff flow through the pages, the second-worker
check, scans, who may do what, and query budgets.

Pages are read in English (the language cookie) so messages can be compared exactly.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.accounts.models import Role, RoleAssignment
from linli.core import clock
from linli.core.models import AuditLog
from linli.notices.models import Notice
from linli.notifications.models import Notification
from linli.registry.models import Organisation
from linli.votes import counting, services
from linli.votes.models import Ballot, BallotCheck, Motion, MotionOption, RollVoter
from linli.votes.tests import builders
from linli.votes.tests.authz_extra import PDF, scan
from linli.votes.views_staff import turnouts
from tests import factories as f

pytestmark = pytest.mark.django_db


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["linli_language"] = "en"
    return client


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def neighbour(world):
    """A second owner in 甲苑: flat 102 (75.20 m²), so the roll has two voters."""
    person = f.PersonFactory(community=world.a.community, name="王小明", user=f.UserFactory())
    f.OwnershipFactory(unit=world.a.other_unit, person=person)
    return person


@pytest.fixture
def second_worker(world):
    user = f.UserFactory(name="第二社工")
    f.RoleFactory(user=user, community=world.a.community, role=Role.WORKER)
    return user


@pytest.fixture
def committee_member(world):
    """甲's committee user, seated on the owners' committee of 甲苑."""
    committee = f.OrganisationFactory(
        community=world.a.community,
        kind=Organisation.Kind.OWNERS_COMMITTEE,
        name="甲苑业主委员会",
        estate=world.a.estate,
    )
    user = world.a.users["committee"]
    RoleAssignment.objects.filter(
        user=user, community=world.a.community, role=Role.COMMITTEE
    ).update(organisation=committee)
    return user


@pytest.fixture
def open_motion(world, neighbour):
    return builders.opened(world.a.users["worker"], world.a.estate)


def _voter(motion: Motion, person) -> RollVoter:
    return RollVoter.objects.get(motion=motion, owners__person=person)


def _enter_paper(actor, motion: Motion, person, **answer) -> Ballot:
    answer = answer or {"choice": "yes"}
    return services.ballot_enter(
        actor=actor,
        motion_id=motion.id,
        voter_id=_voter(motion, person).id,
        owner_id=person.id,
        document=scan(),
        **answer,
    )


# --- the whole flow ------------------------------------------------------------------------------


def test_full_staff_flow_from_draft_to_published_result(world, neighbour, second_worker):
    a = world.a
    worker_a, worker_b = english(a.users["worker"]), english(second_worker)
    today = clock.today()

    response = worker_a.post(
        reverse("votes:create"),
        {
            "estate": a.estate.id,
            "title": "选聘物业服务企业",
            "body": "三家候选企业。",
            "kind": "choose_one",
            "matter": "property_company",
            "meeting_kind": "regular",
            "scope": "estate",
            "options": "绿城物业\n\n  万科物业  \n",
        },
    )
    motion = Motion.objects.get(title="选聘物业服务企业")
    assert response.status_code == 302
    assert response["Location"] == reverse("votes:edit", args=[motion.id])
    assert (motion.status, motion.kind, motion.rule_kind) == ("draft", "choose_one", "ordinary")
    assert list(motion.options.values_list("position", "label")) == [
        (1, "绿城物业"),
        (2, "万科物业"),
    ]
    assert flashes(worker_a.get(response["Location"])) == [
        "Draft saved. Check the options, then announce the vote."
    ]

    # Options: add one, remove another, while the motion is a draft.
    response = worker_a.post(
        reverse("votes:option_add", args=[motion.id]), {"label": "滨江物业"}, follow=True
    )
    assert flashes(response) == ["Option 3 added."]
    removed = MotionOption.objects.get(motion=motion, label="万科物业")
    response = worker_a.post(
        reverse("votes:option_remove", args=[motion.id, removed.id]), follow=True
    )
    assert flashes(response) == ["Option removed."]
    assert list(motion.options.values_list("position", "label")) == [
        (1, "绿城物业"),
        (3, "滨江物业"),
    ]

    # The console shows the earliest allowed opening date; announce for exactly that day.
    earliest = today + timedelta(days=15)
    page = worker_a.get(reverse("votes:edit", args=[motion.id]))
    assert page.context["earliest_opening"] == earliest
    assert earliest.isoformat() in page.content.decode()
    response = worker_a.post(
        reverse("votes:announce", args=[motion.id]),
        {"opens_on": earliest.isoformat(), "closes_on": (earliest + timedelta(days=9)).isoformat()},
        follow=True,
    )
    assert flashes(response) == [
        f"Announced: the notice is published and voting opens on {earliest.isoformat()}."
    ]
    motion.refresh_from_db()
    assert motion.status == "announced"
    assert motion.announce_notice is not None
    assert motion.announce_notice.kind == Notice.Kind.ASSEMBLY

    with clock.travel(timedelta(days=15)):
        response = worker_a.post(reverse("votes:open", args=[motion.id]), follow=True)
        assert flashes(response) == ["Voting is open. The roll is frozen: 2 owners."]
        motion.refresh_from_db()
        assert (motion.status, motion.area_total, motion.headcount_total) == ("open", 16470, 2)

        # Worker A enters 张三丰's paper ballot for option 1; the neighbour votes online.
        voter = _voter(motion, a.owner_person)
        form = worker_a.get(reverse("votes:paper", args=[motion.id]), {"voter": voter.id})
        assert form.status_code == 200
        assert [c[1] for c in form.context["form"].fields["owner"].choices] == ["张*丰"]
        response = worker_a.post(
            reverse("votes:paper", args=[motion.id]),
            {
                "voter": voter.id,
                "owner": a.owner_person.id,
                "choice": "1",
                "scan": SimpleUploadedFile("ballot.pdf", PDF, content_type="application/pdf"),
            },
        )
        assert response.status_code == 302
        paper = Ballot.objects.get(motion=motion, voter=voter)
        assert (paper.channel, paper.options, paper.cast_by) == ("paper", [1], a.users["worker"])
        assert paper.document_type == "application/pdf"
        services.ballot_cast(
            user=neighbour.user,
            motion_id=motion.id,
            voter_id=_voter(motion, neighbour).id,
            options=[1],
        )

        # Before the check only the online ballot counts: 75.20 of 164.70 m², 1 of 2 owners.
        turnout = worker_a.get(reverse("votes:turnout", args=[motion.id])).context["turnout"]
        assert (turnout.area_percent, turnout.headcount_percent) == ("45.7", "50.0")
        assert (turnout.area_voted, turnout.headcount_voted, turnout.pending_checks) == (
            7520,
            1,
            1,
        )
        roll = worker_a.get(reverse("votes:roll", args=[motion.id]))
        assert [(r.voter.number, r.state) for r in roll.context["rows"]] == sorted(
            [(voter.number, "pending"), (_voter(motion, neighbour).number, "online")]
        )

        # Worker B checks it against the scan.
        queue = worker_b.get(reverse("votes:checks", args=[motion.id]))
        assert [(r["ballot"].id, r["answer"], r["own"]) for r in queue.context["rows"]] == [
            (paper.id, "1. 绿城物业", False)
        ]
        response = worker_b.post(
            reverse("votes:check", args=[paper.id]), {"decision": "accept"}, follow=True
        )
        assert flashes(response) == [f"Ballot {paper.tracker} accepted: it now counts."]
        assert BallotCheck.objects.get(ballot=paper).checked_by == second_worker

        page = worker_a.get(reverse("votes:edit", args=[motion.id]))
        turnout = page.context["turnout"]
        assert (turnout.area_voted, turnout.headcount_voted, turnout.pending_checks) == (
            16470,
            2,
            0,
        )
        assert (turnout.area_percent, turnout.headcount_percent) == ("100.0", "100.0")
        assert 'hx-get="{}"'.format(reverse("votes:turnout", args=[motion.id])) in (
            page.content.decode()
        )

    with clock.travel(timedelta(days=25)):
        response = worker_a.post(reverse("votes:close", args=[motion.id]), follow=True)
        assert flashes(response) == ["Voting is closed."]
        response = worker_a.post(reverse("votes:tally", args=[motion.id]), follow=True)
        assert flashes(response) == ["Counted. Check the result, then publish it."]
        summary = response.context["summary"]
        assert summary["result"].passed is True
        assert summary["data"]["winner"] == 1
        assert summary["reason"] == "One option reached the threshold."
        rows = [(o["position"], o["area"], o["headcount"]) for o in summary["data"]["options"]]
        assert rows == [(1, 16470, 2), (3, 0, 0)]
        response = worker_a.post(reverse("votes:publish", args=[motion.id]), follow=True)
        assert flashes(response) == ["The result is published for at least 15 days."]

    motion.refresh_from_db()
    assert motion.status == "published"
    assert motion.result_notice is not None
    assert motion.result_notice.kind == Notice.Kind.VOTE_RESULT
    assert motion.result.data["area_participating"] == 16470
    assert motion.result.data["headcount_participating"] == 2


def test_yes_no_motion_with_contested_clause_shows_warning_and_custom_rule(world):
    client = english(world.a.users["worker"])
    response = client.post(
        reverse("votes:create"),
        {
            "estate": world.a.estate.id,
            "title": "按本地规则表决",
            "kind": "yes_no",
            "matter": "custom",
            "meeting_kind": "extraordinary",
            "scope": "entrance",
            "entrance": world.a.entrance.id,
            "quorum": "1/2",
            "approval": "2/3",
            "approval_inclusive": "on",
            "follow_majority_option": "on",
        },
    )
    assert response.status_code == 302
    motion = Motion.objects.get(title="按本地规则表决")
    assert (
        motion.rule_kind,
        motion.quorum_numerator,
        motion.quorum_denominator,
        motion.approval_numerator,
        motion.approval_denominator,
        motion.approval_inclusive,
        motion.follow_majority_option,
        motion.scope,
        motion.entrance_id,
    ) == ("custom", 1, 2, 2, 3, True, True, "entrance", world.a.entrance.id)
    page = client.get(reverse("votes:edit", args=[motion.id]))
    assert page.context["rule_lines"][1:3] == [
        "Quorum: at least 1/2 of the area and of the owners take part.",
        "Approval: at least 2/3 of the participating area and of the participating owners.",
    ]
    assert len(page.context["clause_warnings"]) == 1
    assert "legally contested" in page.context["clause_warnings"][0]
    # Extraordinary meeting: 7 days' notice.
    assert page.context["earliest_opening"] == clock.today() + timedelta(days=7)


def test_create_refuses_clauses_on_a_choice_and_a_custom_rule_without_thresholds(world):
    client = english(world.a.users["worker"])
    response = client.post(
        reverse("votes:create"),
        {
            "estate": world.a.estate.id,
            "title": "选方案",
            "kind": "choose_one",
            "matter": "custom",
            "meeting_kind": "regular",
            "scope": "estate",
            "silent_owners_follow_majority": "on",
            "options": "一\n二",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "quorum": ["A local rule needs this threshold."],
        "approval": ["A local rule needs this threshold."],
        "__all__": ["'Follow the majority' clauses apply only to yes-or-no votes."],
    }
    assert Motion.objects.count() == 0


def test_announce_too_early_shows_the_earliest_date_and_changes_nothing(world):
    motion = builders.draft(world.a.users["worker"], world.a.estate)
    client = english(world.a.users["worker"])
    opens_on = clock.today() + timedelta(days=10)
    response = client.post(
        reverse("votes:announce", args=[motion.id]),
        {"opens_on": opens_on.isoformat(), "closes_on": (opens_on + timedelta(days=9)).isoformat()},
        follow=True,
    )
    earliest = (clock.today() + timedelta(days=15)).isoformat()
    assert flashes(response) == [
        f"Voting can open on {earliest} at the earliest: owners get 15 days' notice."
    ]
    motion.refresh_from_db()
    assert (motion.status, motion.opens_on, motion.announce_notice) == ("draft", None, None)


def test_option_cannot_be_added_once_announced(world):
    worker = world.a.users["worker"]
    motion = builders.announced(
        worker, world.a.estate, kind="choose_one", matter="other_major", options=["甲", "乙"]
    )
    response = english(worker).post(
        reverse("votes:option_add", args=[motion.id]), {"label": "丙"}, follow=True
    )
    assert flashes(response) == [
        "Only a draft can be changed; once announced, the question and rule are fixed."
    ]
    assert motion.options.count() == 2


def test_remind_tells_owners_who_have_not_voted(world, open_motion):
    before = Notification.objects.filter(topic="votes").count()
    response = english(world.a.users["worker"]).post(
        reverse("votes:remind", args=[open_motion.id]), follow=True
    )
    # The owner of 101 has a user; the neighbour of 102 too: both have not voted.
    assert flashes(response) == ["Reminders were sent to 2 owners."]
    assert Notification.objects.filter(topic="votes").count() - before == 2


def test_draft_question_can_change_until_announced(world):
    worker = world.a.users["worker"]
    motion = builders.draft(worker, world.a.estate)
    client = english(worker)
    response = client.post(
        reverse("votes:edit", args=[motion.id]),
        {"title": "是否改聘物业公司", "body": "说明", "allow_revote": "on"},
        follow=True,
    )
    assert flashes(response) == ["Draft saved."]
    motion.refresh_from_db()
    assert (motion.title, motion.body, motion.allow_revote) == ("是否改聘物业公司", "说明", True)

    announced = builders.announced(worker, world.a.estate, title="已公告")
    response = client.post(
        reverse("votes:edit", args=[announced.id]), {"title": "偷偷改题"}, follow=True
    )
    assert flashes(response) == [
        "Only a draft can be changed; once announced, the question and rule are fixed."
    ]
    announced.refresh_from_db()
    assert announced.title == "已公告"


def test_extend_and_cancel(world, open_motion):
    worker = world.a.users["worker"]
    client = english(worker)
    new_close = open_motion.closes_on + timedelta(days=5)
    response = client.post(
        reverse("votes:extend", args=[open_motion.id]),
        {"closes_on": new_close.isoformat()},
        follow=True,
    )
    assert flashes(response) == [f"Voting now closes on {new_close.isoformat()} 24:00."]
    open_motion.refresh_from_db()
    assert open_motion.closes_on == new_close

    response = client.post(reverse("votes:cancel", args=[open_motion.id]), {}, follow=True)
    assert flashes(response) == ["Reason for cancelling: This field is required."]
    response = client.post(
        reverse("votes:cancel", args=[open_motion.id]), {"reason": "议题有误"}, follow=True
    )
    assert flashes(response) == ["This cannot be done while the vote is “Voting open”."]

    announced = builders.announced(worker, world.a.estate, title="待取消")
    response = client.post(
        reverse("votes:cancel", args=[announced.id]), {"reason": "议题有误"}, follow=True
    )
    assert flashes(response) == ["The vote is cancelled."]
    announced.refresh_from_db()
    assert announced.status == "cancelled"


def test_runoff_between_the_two_leading_options(world, neighbour):
    worker = world.a.users["worker"]
    motion = builders.opened(
        worker,
        world.a.estate,
        kind="choose_one",
        matter="property_company",
        options=["绿城物业", "万科物业", "滨江物业"],
    )
    for person, option in ((world.a.owner_person, 1), (neighbour, 2)):
        services.ballot_cast(
            user=person.user,
            motion_id=motion.id,
            voter_id=_voter(motion, person).id,
            options=[option],
        )
    builders.closed(worker, motion)
    client = english(worker)
    with builders.after_close():
        client.post(reverse("votes:tally", args=[motion.id]))
    page = client.get(reverse("votes:edit", args=[motion.id]))
    assert page.context["summary"]["runoff"] == [1, 2]
    assert page.context["summary"]["reason"] == (
        "No option reached the threshold; a run-off may be held."
    )
    assert page.context["can_runoff"] is True
    assert page.context["summary"]["data"]["headcount_abstain"] == 0

    response = client.post(reverse("votes:runoff", args=[motion.id]))
    runoff = Motion.objects.get(runoff_of=motion)
    assert response["Location"] == reverse("votes:edit", args=[runoff.id])
    assert (runoff.status, list(runoff.options.values_list("label", flat=True))) == (
        "draft",
        ["绿城物业", "万科物业"],
    )
    assert client.get(reverse("votes:edit", args=[motion.id])).context["can_runoff"] is False


# --- the second check, scans and paper entry -----------------------------------------------------


def test_worker_cannot_check_their_own_entry(world, open_motion):
    worker = world.a.users["worker"]
    paper = _enter_paper(worker, open_motion, world.a.owner_person)
    client = english(worker)

    queue = client.get(reverse("votes:checks", args=[open_motion.id]))
    assert [(r["ballot"].id, r["own"]) for r in queue.context["rows"]] == [(paper.id, True)]
    assert reverse("votes:check", args=[paper.id]) not in queue.content.decode()

    response = client.post(
        reverse("votes:check", args=[paper.id]), {"decision": "accept"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("votes:checks", args=[open_motion.id])
    assert flashes(response) == [
        "A second worker must check this ballot, not the one who entered it."
    ]
    assert not BallotCheck.objects.filter(ballot=paper).exists()


def test_rejecting_needs_a_note_and_frees_the_home_for_a_new_entry(
    world, open_motion, second_worker
):
    paper = _enter_paper(second_worker, open_motion, world.a.owner_person)
    client = english(world.a.users["worker"])
    response = client.post(
        reverse("votes:check", args=[paper.id]), {"decision": "reject"}, follow=True
    )
    assert flashes(response) == ["The note is required."]
    response = client.post(
        reverse("votes:check", args=[paper.id]),
        {"decision": "reject", "note": "签名与业主不符"},
        follow=True,
    )
    assert flashes(response) == [f"Ballot {paper.tracker} rejected: the owner may vote again."]
    roll = client.get(reverse("votes:roll", args=[open_motion.id]), {"show": "not_voted"})
    voter = _voter(open_motion, world.a.owner_person)
    row = next(r for r in roll.context["rows"] if r.voter.id == voter.id)
    assert (row.state, row.can_enter) == ("rejected", True)


def test_bad_scan_type_is_rejected_with_a_message_and_nothing_written(world, open_motion, settings):
    voter = _voter(open_motion, world.a.owner_person)
    response = english(world.a.users["worker"]).post(
        reverse("votes:paper", args=[open_motion.id]),
        {
            "voter": voter.id,
            "owner": world.a.owner_person.id,
            "choice": "yes",
            "scan": SimpleUploadedFile("ballot.pdf", b"MZ\x90\x00 not a scan", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "The scan must be a PDF, JPEG or PNG file."
    ]
    assert "The scan must be a PDF, JPEG or PNG file." in response.content.decode()
    assert Ballot.objects.filter(motion=open_motion).count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "ballots").exists()


def test_proxy_ballot_is_recorded_with_the_proxy_name(world, open_motion):
    voter = _voter(open_motion, world.a.owner_person)
    response = english(world.a.users["worker"]).post(
        reverse("votes:paper", args=[open_motion.id]),
        {
            "voter": voter.id,
            "owner": world.a.owner_person.id,
            "choice": "no",
            "proxy_name": "张小丰",
            "scan": SimpleUploadedFile("auth.png", b"\x89PNG\r\n\x1a\n0000", "image/png"),
        },
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get(motion=open_motion)
    assert (ballot.channel, ballot.choice, ballot.proxy_name, ballot.document_type) == (
        "proxy",
        "no",
        "张小丰",
        "image/png",
    )


def test_scan_downloads_as_attachment_for_staff_of_its_community_only(
    world, open_motion, second_worker
):
    paper = _enter_paper(second_worker, open_motion, world.a.owner_person)
    url = reverse("votes:scan", args=[paper.id])

    response = english(world.a.users["worker"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="ballot-{paper.tracker}.pdf"'
    assert response.getvalue() == PDF
    opened = AuditLog.objects.filter(action="ballot.scan_view", object_id=str(paper.id))
    assert list(opened.values_list("actor_id", "summary")) == [
        (world.a.users["worker"].id, paper.tracker)
    ]

    for user in (world.b.users["worker"], world.a.users["owner"], world.a.users["committee"]):
        assert english(user).get(url).status_code == 404
    assert opened.count() == 1


# --- who may do what -----------------------------------------------------------------------------


def test_committee_member_of_the_estate_manages_but_cannot_enter_paper_ballots(
    world, committee_member, open_motion, second_worker
):
    client = english(committee_member)
    assert client.get(reverse("votes:manage")).status_code == 200
    assert client.get(reverse("votes:edit", args=[open_motion.id])).status_code == 200
    assert client.get(reverse("votes:turnout", args=[open_motion.id])).status_code == 200

    response = client.post(
        reverse("votes:create"),
        {
            "estate": world.a.estate.id,
            "title": "业委会提议",
            "kind": "yes_no",
            "matter": "common_income",
            "meeting_kind": "regular",
            "scope": "estate",
        },
    )
    assert response.status_code == 302
    assert Motion.objects.get(title="业委会提议").created_by == committee_member

    paper = _enter_paper(second_worker, open_motion, world.a.owner_person)
    voter = _voter(open_motion, world.a.owner_person)
    for url in (
        reverse("votes:roll", args=[open_motion.id]),
        reverse("votes:paper", args=[open_motion.id]) + f"?voter={voter.id}",
        reverse("votes:checks", args=[open_motion.id]),
        reverse("votes:scan", args=[paper.id]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("votes:paper", args=[open_motion.id]),
        {"voter": voter.id, "owner": world.a.owner_person.id, "choice": "yes", "scan": scan()},
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("votes:check", args=[paper.id]), {"decision": "accept"}).status_code
        == 404
    )
    assert Ballot.objects.filter(motion=open_motion).count() == 1
    assert not BallotCheck.objects.exists()
    # The console does not offer the staff links either.
    page = client.get(reverse("votes:edit", args=[open_motion.id]))
    assert page.context["is_staff"] is False
    assert reverse("votes:roll", args=[open_motion.id]) not in page.content.decode()


def test_committee_member_of_another_estate_sees_nothing(world, open_motion):
    other_estate = f.EstateFactory(community=world.a.community, name="乙苑")
    committee = f.OrganisationFactory(
        community=world.a.community,
        kind=Organisation.Kind.OWNERS_COMMITTEE,
        name="乙苑业主委员会",
        estate=other_estate,
    )
    user = world.a.users["committee"]
    RoleAssignment.objects.filter(user=user, role=Role.COMMITTEE).update(organisation=committee)
    client = english(user)
    manage = client.get(reverse("votes:manage"))
    assert manage.status_code == 200
    assert manage.context["groups"] == []
    assert client.get(reverse("votes:edit", args=[open_motion.id])).status_code == 404
    assert client.post(reverse("votes:close", args=[open_motion.id])).status_code == 404


def test_another_communitys_motion_answers_404(world, open_motion, second_worker):
    paper = _enter_paper(second_worker, open_motion, world.a.owner_person)
    voter = _voter(open_motion, world.a.owner_person)
    for role in ("worker", "admin"):
        client = english(world.b.users[role])
        for name in ("edit", "turnout", "roll", "checks"):
            url = reverse(f"votes:{name}", args=[open_motion.id])
            assert client.get(url).status_code == 404, (role, name)
        assert (
            client.get(
                reverse("votes:paper", args=[open_motion.id]), {"voter": voter.id}
            ).status_code
            == 404
        )
        for name in ("close", "remind", "extend"):
            url = reverse(f"votes:{name}", args=[open_motion.id])
            assert client.post(url).status_code == 404, (role, name)
        assert (
            client.post(reverse("votes:check", args=[paper.id]), {"decision": "accept"}).status_code
            == 404
        )
        assert client.get(reverse("votes:scan", args=[paper.id])).status_code == 404
    assert not BallotCheck.objects.exists()
    assert Notification.objects.filter(title__startswith="Please vote").count() == 0


def test_residents_and_outsiders_have_no_console(world, open_motion):
    for user in (world.a.users["owner"], world.a.users["resident"], world.outsider):
        client = english(user)
        assert client.get(reverse("votes:manage")).status_code == 404
        assert client.get(reverse("votes:create")).status_code == 404
        assert client.get(reverse("votes:edit", args=[open_motion.id])).status_code == 404
    assert Client().get(reverse("votes:manage")).status_code == 302


# --- lists, roll and query budgets ---------------------------------------------------------------


def test_manage_lists_motions_by_status_with_turnout_of_open_ones(
    world, open_motion, second_worker, django_assert_max_num_queries
):
    worker = world.a.users["worker"]
    builders.draft(worker, world.a.estate, title="草稿一")
    builders.announced(worker, world.a.estate, title="公告一")
    paper = _enter_paper(second_worker, open_motion, world.a.owner_person)
    services.ballot_check(actor=worker, ballot_id=paper.id, accepted=True)
    builders.draft(world.b.users["worker"], world.b.estate, title="乙社区草稿")
    client = english(worker)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("votes:manage"))

    groups = response.context["groups"]
    assert [(g["status"], [r["motion"].title for r in g["rows"]]) for g in groups] == [
        ("open", ["是否续聘现物业公司"]),
        ("announced", ["公告一"]),
        ("draft", ["草稿一"]),
    ]
    live = groups[0]["rows"][0]["turnout"]
    assert live == counting.turnout(open_motion)
    assert (live.area_voted, live.headcount_voted, live.area_percent) == (8950, 1, "54.3")


def test_turnouts_of_several_open_motions_take_two_queries(
    world, neighbour, django_assert_num_queries
):
    worker = world.a.users["worker"]
    motions = [builders.opened(worker, world.a.estate, title=f"表决{i}") for i in range(3)]
    with django_assert_num_queries(2):
        found = turnouts(motions)
    assert [found[m.pk] for m in motions] == [counting.turnout(m) for m in motions]


def test_console_page_has_a_bounded_number_of_queries(
    world, open_motion, django_assert_max_num_queries
):
    client = english(world.a.users["worker"])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("votes:edit", args=[open_motion.id]))
    assert response.status_code == 200


def _estate_with_owners(community, count: int):
    estate = f.EstateFactory(community=community, name=f"{count}户小区")
    building = f.BuildingFactory(estate=estate, community=community, number="7")
    entrance = f.EntranceFactory(building=building, community=community, number="1")
    for i in range(count):
        unit = f.UnitFactory(entrance=entrance, number=f"{101 + i}", area=8000 + i)
        f.OwnershipFactory(unit=unit, person=f.PersonFactory(community=community))
    return estate


def _roll_queries(client: Client, motion: Motion) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("votes:roll", args=[motion.id]))
    assert response.status_code == 200
    assert len(response.context["rows"]) == motion.headcount_total
    return len(queries)


def test_roll_query_count_does_not_grow_with_the_number_of_voters(
    world, django_assert_max_num_queries
):
    worker = world.a.users["worker"]
    small = builders.opened(worker, _estate_with_owners(world.a.community, 2))
    large = builders.opened(worker, _estate_with_owners(world.a.community, 40))
    for motion in (small, large):
        voter = RollVoter.objects.filter(motion=motion).earliest("number")
        person = voter.owners.get().person
        services.ballot_enter(
            actor=worker,
            motion_id=motion.id,
            voter_id=voter.id,
            owner_id=person.id,
            document=scan(),
            choice="yes",
        )
    client = english(worker)
    assert _roll_queries(client, small) == _roll_queries(client, large)
    with django_assert_max_num_queries(10):
        client.get(reverse("votes:roll", args=[large.id]))


def test_roll_shows_masked_names_labels_and_filters(world, open_motion, neighbour):
    client = english(world.a.users["worker"])
    services.ballot_cast(
        user=neighbour.user,
        motion_id=open_motion.id,
        voter_id=_voter(open_motion, neighbour).id,
        choice="no",
    )
    response = client.get(reverse("votes:roll", args=[open_motion.id]))
    text = response.content.decode()
    assert {(r.voter.label, r.state) for r in response.context["rows"]} == {
        ("24幢1单元101", "none"),
        ("24幢1单元102", "online"),
    }
    assert "张*丰" in text and "王*明" in text
    assert "张三丰" not in text and "王小明" not in text

    not_voted = client.get(reverse("votes:roll", args=[open_motion.id]), {"show": "not_voted"})
    assert [r.voter.label for r in not_voted.context["rows"]] == ["24幢1单元101"]
    assert [r.can_enter for r in not_voted.context["rows"]] == [True]
    found = client.get(reverse("votes:roll", args=[open_motion.id]), {"q": "102"})
    assert [r.voter.label for r in found.context["rows"]] == ["24幢1单元102"]


def test_paper_page_without_a_voter_goes_to_the_roll(world, open_motion):
    response = english(world.a.users["worker"]).get(reverse("votes:paper", args=[open_motion.id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("votes:roll", args=[open_motion.id]) + "?show=not_voted"
