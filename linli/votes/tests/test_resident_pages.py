"""The resident's voting screens: My votes, the question (1), confirm (2), the receipt (3).

Pages are read in English (Accept-Language: en) when a test checks their words, so the checks
hold whatever the Chinese catalogue says. Motions are opened with the builders on day 0; casting
needs only an open motion whose last day has not passed.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from linli.core import clock
from linli.core.errors import Conflict
from linli.votes import services
from linli.votes.models import Ballot, Motion, RollVoter
from linli.votes.tests import builders
from tests import factories as f

pytestmark = pytest.mark.django_db

CANDIDATES = ["王建国", "李秀英", "陈志强"]
COMPANIES = ["绿城物业", "滨江物业", "南都物业"]


def client_for(user, *, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def url(name: str, motion: Motion, **kwargs) -> str:
    return reverse(f"votes:{name}", kwargs={"public_id": motion.public_id, **kwargs})


def voter_of(motion: Motion, person) -> RollVoter:
    return RollVoter.objects.get(motion=motion, owners__person=person)


def text(response) -> str:
    return response.content.decode()


def tracker_of(response) -> str:
    """The tracker code of the receipt a cast redirected to."""
    match = re.search(r"/receipt/([0-9A-Z]{5}-[0-9A-Z]{5})/$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


@pytest.fixture
def worker(world):
    return world.a.users["worker"]


@pytest.fixture
def owner(world):
    return world.a.users["owner"]


@pytest.fixture
def neighbour(world):
    """The owner of flat 102 (where the tenant lives), with an account."""
    person = f.PersonFactory(community=world.a.community, name="周芳", user=f.UserFactory())
    f.OwnershipFactory(unit=world.a.other_unit, person=person)
    return person


# --- the three screens ------------------------------------------------------------------------


def test_yes_no_vote_in_three_screens(world, worker, owner, neighbour):
    motion = builders.opened(worker, world.a.estate, title="是否续聘现物业公司", body="合同到期")
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner)

    screen1 = client.get(url("detail", motion))
    assert screen1.status_code == 200
    page = text(screen1)
    assert "是否续聘现物业公司" in page and "合同到期" in page
    assert f'name="voter" value="{voter.pk}"' in page
    assert [v for v in ("yes", "no", "abstain") if f'value="{v}"' in page] == [
        "yes",
        "no",
        "abstain",
    ]
    assert 'value="follow_majority"' not in page
    assert "more than half of the participating area" in page
    assert url("confirm", motion) in page

    screen2 = client.post(url("confirm", motion), {"voter": voter.pk, "choice": "no"})
    assert screen2.status_code == 200
    page = text(screen2)
    assert "Please confirm your choice" in page
    assert '<p class="vote-answer">No</p>' in page
    assert 'name="choice" value="no"' in page and url("cast", motion) in page
    assert Ballot.objects.count() == 0

    screen3 = client.post(url("cast", motion), {"voter": voter.pk, "choice": "no"})
    assert screen3.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.voter_id, ballot.owner_id, ballot.choice, ballot.options) == (
        voter.pk,
        world.a.owner_person.pk,
        "no",
        [],
    )
    assert (ballot.channel, ballot.cast_by_id, ballot.revision) == ("online", owner.pk, 1)
    assert screen3["Location"] == url("receipt", motion, tracker=ballot.tracker)

    receipt = client.get(screen3["Location"])
    assert receipt.status_code == 200
    page = text(receipt)
    assert f'<p class="vote-tracker" id="tracker">{ballot.tracker}</p>' in page
    assert "<strong>No</strong>" in page
    assert clock.local(ballot.cast_at).strftime("%Y-%m-%d %H:%M") in page
    assert "you can find it in the public list" in page


def test_choose_one_vote_in_three_screens(world, worker, owner):
    motion = builders.opened(
        worker,
        world.a.estate,
        title="选聘物业服务企业",
        kind=Motion.Kind.CHOOSE_ONE,
        options=COMPANIES,
    )
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner)

    page = text(client.get(url("detail", motion)))
    assert [p for p in ("1", "2", "3", "abstain") if f'name="choice" value="{p}"' in page] == [
        "1",
        "2",
        "3",
        "abstain",
    ]
    assert all(name in page for name in COMPANIES)
    assert "The option chosen must itself meet the rule above" in page

    screen2 = client.post(url("confirm", motion), {"voter": voter.pk, "choice": "2"})
    assert screen2.status_code == 200
    assert '<p class="vote-answer">2. 滨江物业</p>' in text(screen2)
    assert "vote-answer-lines" not in text(screen2)

    screen3 = client.post(url("cast", motion), {"voter": voter.pk, "choice": "2"})
    ballot = Ballot.objects.get()
    assert screen3.status_code == 302 and tracker_of(screen3) == ballot.tracker
    assert (ballot.choice, ballot.options) == ("", [2])
    assert "2. 滨江物业" in text(client.get(screen3["Location"]))


def test_election_in_three_screens_ticks_up_to_the_seats(world, worker, owner):
    motion = builders.opened(
        worker,
        world.a.estate,
        title="第二届业主委员会选举",
        kind=Motion.Kind.ELECT,
        matter=Motion.Matter.COMMITTEE,
        seats=2,
        options=CANDIDATES,
    )
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner)

    page = text(client.get(url("detail", motion)))
    assert page.count('type="checkbox" name="options"') == 3
    assert "Tick up to 2 candidates" in page

    too_many = client.post(url("confirm", motion), {"voter": voter.pk, "options": [1, 2, 3]})
    assert too_many.status_code == 400
    assert "Choose at most 2." in text(too_many)

    screen2 = client.post(url("confirm", motion), {"voter": voter.pk, "options": [3, 1]})
    assert screen2.status_code == 200
    page = text(screen2)
    assert '<p class="vote-answer">2 candidates</p>' in page
    assert "<li>1. 王建国</li>" in page and "<li>3. 陈志强</li>" in page
    assert page.count('type="hidden" name="options"') == 2

    screen3 = client.post(url("cast", motion), {"voter": voter.pk, "options": [1, 3]})
    assert screen3.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.options) == ("", [1, 3])


def test_election_abstention_is_explicit(world, worker, owner):
    motion = builders.opened(
        worker,
        world.a.estate,
        kind=Motion.Kind.ELECT,
        matter=Motion.Matter.COMMITTEE,
        seats=1,
        options=CANDIDATES[:2],
    )
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner)

    nothing = client.post(url("confirm", motion), {"voter": voter.pk})
    assert nothing.status_code == 400
    assert "Tick up to 1 candidate, or abstain." in text(nothing)
    both = client.post(
        url("confirm", motion), {"voter": voter.pk, "options": [1], "choice": "abstain"}
    )
    assert both.status_code == 400
    assert "Either tick candidates or abstain, not both." in text(both)

    assert (
        client.post(url("cast", motion), {"voter": voter.pk, "choice": "abstain"}).status_code
        == 302
    )
    assert list(Ballot.objects.values_list("choice", "options")) == [("", [])]


def test_follow_majority_is_offered_only_when_the_motion_allows_it(world, worker, owner):
    motion = builders.opened(worker, world.a.estate, follow_majority_option=True)
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner)
    assert 'value="follow_majority"' in text(client.get(url("detail", motion)))
    response = client.post(url("cast", motion), {"voter": voter.pk, "choice": "follow_majority"})
    assert response.status_code == 302
    assert Ballot.objects.get().choice == "follow_majority"


def test_back_to_change_keeps_the_answer(world, worker, owner):
    motion = builders.opened(worker, world.a.estate, kind=Motion.Kind.CHOOSE_ONE, options=COMPANIES)
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner)
    screen2 = text(client.post(url("confirm", motion), {"voter": voter.pk, "choice": "3"}))
    back = f"{url('detail', motion)}?voter={voter.pk}&amp;choice=3#voter-{voter.pk}"
    assert f'href="{back}">Back to change' in screen2
    page = text(client.get(back.replace("&amp;", "&")))
    assert 'name="choice" value="3" required checked' in page
    assert 'name="choice" value="2" required>' in page


# --- who may vote -----------------------------------------------------------------------------


def test_owner_on_the_roll_twice_votes_for_each_home(world, worker, owner, neighbour):
    """Sole owner of 101 and co-owner of 102: two voters, two forms, each with its own ballot."""
    f.OwnershipFactory(
        unit=world.a.other_unit, person=world.a.owner_person, is_representative=False
    )
    motion = builders.opened(worker, world.a.estate)
    first, second = RollVoter.objects.filter(motion=motion, owners__person=world.a.owner_person)
    client = client_for(owner)

    page = text(client.get(url("detail", motion)))
    assert page.count('name="voter"') == 2
    response = client.post(url("cast", motion), {"voter": second.pk, "choice": "yes"})
    assert response.status_code == 302

    mine = text(client.get(reverse("votes:mine")))
    assert mine.count("You have voted") == 1 and mine.count("You haven't voted yet") == 1
    page = text(client.get(url("detail", motion)))
    assert page.count('name="voter"') == 1 and f'name="voter" value="{first.pk}"' in page
    assert Ballot.objects.get().voter_id == second.pk


def test_co_owner_cannot_cast_a_second_ballot_for_the_home(world, worker, owner):
    spouse_user = f.UserFactory()
    spouse = f.PersonFactory(community=world.a.community, name="张夫人", user=spouse_user)
    f.OwnershipFactory(unit=world.a.unit, person=spouse, is_representative=False)
    motion = builders.opened(worker, world.a.estate)
    voter = voter_of(motion, world.a.owner_person)
    assert voter_of(motion, spouse) == voter
    spouse_client = client_for(spouse_user)
    # The spouse opens the form before the owner votes, then confirms after.
    assert 'name="voter"' in text(spouse_client.get(url("detail", motion)))
    first = client_for(owner).post(url("cast", motion), {"voter": voter.pk, "choice": "yes"})
    tracker = tracker_of(first)

    second = spouse_client.post(url("cast", motion), {"voter": voter.pk, "choice": "no"})
    assert second.status_code == 409
    page = text(second)
    assert "A ballot has already been cast for this home." in page
    assert url("receipt", motion, tracker=tracker) in page
    assert 'name="voter"' not in page
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]
    # Co-owners share the home's receipt.
    assert spouse_client.get(url("receipt", motion, tracker=tracker)).status_code == 200


def test_a_lost_race_shows_the_services_message(world, worker, owner, monkeypatch):
    """When the service refuses (another ballot won the race), screen 1 says so: no 500."""
    motion = builders.opened(worker, world.a.estate)
    voter = voter_of(motion, world.a.owner_person)

    def refuse(**kwargs):
        raise Conflict(
            "Another ballot for this home arrived at the same moment; please reload.",
            code="already_voted",
        )

    monkeypatch.setattr(services, "ballot_cast", refuse)
    response = client_for(owner).post(url("cast", motion), {"voter": voter.pk, "choice": "yes"})
    assert response.status_code == 409
    assert "arrived at the same moment" in text(response)


def test_tenant_sees_the_vote_but_cannot_vote(world, worker, neighbour):
    motion = builders.opened(worker, world.a.estate, title="加装电梯")
    tenant = client_for(world.a.users["resident"])

    page = text(tenant.get(url("detail", motion)))
    assert "加装电梯" in page
    assert "You are not on the voter roll" in page
    assert "Tenants and family members can follow the vote here but cannot vote" in page
    assert 'name="voter"' not in page
    mine = text(tenant.get(reverse("votes:mine")))
    assert "加装电梯" in mine and "only owners on the roll vote" in mine

    landlord_voter = voter_of(motion, neighbour)
    response = tenant.post(url("cast", motion), {"voter": landlord_voter.pk, "choice": "yes"})
    assert response.status_code == 404
    assert (
        tenant.post(
            url("confirm", motion), {"voter": landlord_voter.pk, "choice": "yes"}
        ).status_code
        == 404
    )
    assert Ballot.objects.count() == 0


def test_another_communitys_motion_answers_404(world, worker):
    motion = builders.opened(worker, world.a.estate)
    voter = voter_of(motion, world.a.owner_person)
    for role in ("owner", "resident", "worker", "admin"):
        client = client_for(world.b.users[role])
        assert client.get(url("detail", motion)).status_code == 404, role
        answer = {"voter": voter.pk, "choice": "yes"}
        assert client.post(url("confirm", motion), answer).status_code == 404, role
        assert client.post(url("cast", motion), answer).status_code == 404, role
    assert Ballot.objects.count() == 0


def test_drafts_and_cancelled_motions_answer_404_to_residents(world, worker, owner):
    draft = builders.draft(worker, world.a.estate, title="草稿")
    cancelled = builders.announced(worker, world.a.estate, title="已取消")
    services.motion_cancel(actor=worker, motion_id=cancelled.pk, reason="议题撤回")
    for motion in (draft, cancelled):
        for role in ("owner", "resident"):
            assert client_for(world.a.users[role]).get(url("detail", motion)).status_code == 404
    # Those who manage it see what owners will see.
    preview = client_for(worker).get(url("detail", draft))
    assert preview.status_code == 200
    assert "Draft: owners cannot see this vote yet." in text(preview)
    assert "草稿" not in text(client_for(owner).get(reverse("votes:mine")))


def test_announced_motion_shows_when_voting_opens_and_takes_no_answer(world, worker, owner):
    motion = builders.announced(worker, world.a.estate, title="公告中的表决")
    client = client_for(owner)
    page = text(client.get(url("detail", motion)))
    assert f"Voting opens on {motion.opens_on:%Y-%m-%d}" in page
    assert 'name="voter"' not in page
    # No roll before opening: nobody has a voter to answer for.
    assert client.post(url("confirm", motion), {"voter": 1, "choice": "yes"}).status_code == 404


def test_voting_after_the_last_day_is_refused(world, worker, owner):
    motion = builders.opened(worker, world.a.estate)
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner)
    with clock.travel(timedelta(days=builders.OPEN_AFTER + builders.VOTING_DAYS)):
        page = text(client.get(url("detail", motion)))
        assert "Voting has ended" in page and 'name="voter"' not in page
        response = client.post(url("cast", motion), {"voter": voter.pk, "choice": "yes"})
    assert response.status_code == 409
    assert "Voting is not open." in text(response)
    assert Ballot.objects.count() == 0


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "answer", "message"),
    [
        (Motion.Kind.CHOOSE_ONE, {"choice": "9"}, "This option does not exist."),
        (Motion.Kind.CHOOSE_ONE, {"choice": "一"}, "Choose one option, or abstain."),
        (Motion.Kind.CHOOSE_ONE, {"choice": "1", "options": [2]}, "This option does not exist."),
        (Motion.Kind.ELECT, {"options": [1, 7]}, "This option does not exist."),
        (Motion.Kind.ELECT, {"options": ["x"]}, "This option does not exist."),
        (Motion.Kind.YES_NO, {"choice": "follow_majority"}, "Choose yes, no or abstain."),
        (Motion.Kind.YES_NO, {"choice": ""}, "Choose yes, no or abstain."),
    ],
)
def test_tampered_answer_is_refused_with_400_and_no_ballot(
    world, worker, owner, kind, answer, message
):
    fields = {"kind": kind}
    if kind != Motion.Kind.YES_NO:
        fields["options"] = COMPANIES
        fields["matter"] = Motion.Matter.OTHER_MAJOR
    if kind == Motion.Kind.ELECT:
        fields.update(seats=2, matter=Motion.Matter.COMMITTEE)
    motion = builders.opened(worker, world.a.estate, **fields)
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner)
    for step in ("confirm", "cast"):
        response = client.post(url(step, motion), {"voter": voter.pk, **answer})
        assert response.status_code == 400, step
        page = text(response)
        assert message in page, step
        # Screen 1 again, with the form to answer anew.
        assert f'name="voter" value="{voter.pk}"' in page
    assert Ballot.objects.count() == 0


def test_an_unknown_voter_answers_404(world, worker, owner):
    motion = builders.opened(worker, world.a.estate)
    client = client_for(owner)
    for voter in ("999999", "abc", ""):
        response = client.post(url("cast", motion), {"voter": voter, "choice": "yes"})
        assert response.status_code == 404, voter
    assert Ballot.objects.count() == 0


def test_pages_need_the_right_method_and_a_login(world, worker, client):
    motion = builders.opened(worker, world.a.estate)
    assert client.get(reverse("votes:mine")).status_code == 302
    assert client.get(url("detail", motion))["Location"].startswith("/accounts/login/")
    assert client_for(world.a.users["owner"]).get(url("cast", motion)).status_code == 405


# --- receipts ---------------------------------------------------------------------------------


def test_receipt_of_someone_elses_ballot_answers_404(world, worker, owner, neighbour):
    motion = builders.opened(worker, world.a.estate)
    theirs = services.ballot_cast(
        user=neighbour.user,
        motion_id=motion.pk,
        voter_id=voter_of(motion, neighbour).pk,
        choice="no",
    )
    receipt = url("receipt", motion, tracker=theirs.tracker)
    assert client_for(neighbour.user).get(receipt).status_code == 200
    for user in (
        owner,
        world.a.users["resident"],
        worker,
        world.a.users["admin"],
        world.b.users["owner"],
    ):
        assert client_for(user).get(receipt).status_code == 404, user
    assert (
        client_for(neighbour.user).get(url("receipt", motion, tracker="00000-00000")).status_code
        == 404
    )


def test_receipt_of_a_paper_ballot_says_it_waits_for_its_check(world, worker, owner):
    from linli.votes.tests.authz_extra import scan

    motion = builders.opened(worker, world.a.estate)
    second = f.UserFactory()
    f.RoleFactory(user=second, community=world.a.community, role="worker")
    paper = services.ballot_enter(
        actor=second,
        motion_id=motion.pk,
        voter_id=voter_of(motion, world.a.owner_person).pk,
        owner_id=world.a.owner_person.pk,
        document=scan(),
        choice="abstain",
    )
    client = client_for(owner)
    page = text(client.get(url("receipt", motion, tracker=paper.tracker.lower())))
    assert paper.tracker in page
    assert "Paper · waiting for a second worker's check" in page
    detail = text(client.get(url("detail", motion)))
    assert "A paper ballot was entered by the community office" in detail
    assert 'name="voter"' not in detail


# --- My votes ---------------------------------------------------------------------------------


def test_my_votes_lists_open_then_announced_then_results(world, worker, owner):
    announced = builders.announced(worker, world.a.estate, title="即将表决")
    open_motion = builders.opened(worker, world.a.estate, title="正在表决")
    published = builders.opened(worker, world.a.estate, title="已公布表决")
    builders.closed(worker, published)
    with builders.after_close():
        services.motion_tally(actor=worker, motion_id=published.pk)
        services.motion_publish(actor=worker, motion_id=published.pk)
    builders.opened(world.b.users["worker"], world.b.estate, title="乙社区表决")
    client = client_for(owner)

    with clock.travel(timedelta(days=builders.OPEN_AFTER)):
        page = text(client.get(reverse("votes:mine")))
    assert page.index("正在表决") < page.index("即将表决") < page.index("已公布表决")
    assert "乙社区表决" not in page
    assert "10 days left" in page
    assert "You haven't voted yet" in page
    assert f"Voting opens on {announced.opens_on:%Y-%m-%d}" in page
    assert url("detail", open_motion) in page
    assert f"/votes/{published.public_id}/result/" in page


def test_my_votes_for_someone_without_a_home_is_empty(world):
    page = text(client_for(world.outsider).get(reverse("votes:mine")))
    assert "There is no owners' vote for your home at the moment." in page


def test_last_day_is_called_the_last_day(world, worker, owner):
    motion = builders.opened(worker, world.a.estate)
    with clock.travel(timedelta(days=builders.OPEN_AFTER + builders.VOTING_DAYS - 1)):
        client = client_for(owner)
        assert "Last day: voting closes today at 24:00." in text(client.get(url("detail", motion)))
        assert "Last day: closes today at 24:00" in text(client.get(reverse("votes:mine")))


# --- elder mode and query budgets -------------------------------------------------------------


def test_elder_mode_renders_all_three_screens(world, worker, owner):
    owner.elder_mode = True
    owner.save(update_fields=["elder_mode"])
    motion = builders.opened(worker, world.a.estate, kind=Motion.Kind.CHOOSE_ONE, options=COMPANIES)
    voter = voter_of(motion, world.a.owner_person)
    client = client_for(owner, language="zh-hans")
    screen1 = client.get(url("detail", motion))
    screen2 = client.post(url("confirm", motion), {"voter": voter.pk, "choice": "1"})
    screen3 = client.get(
        client.post(url("cast", motion), {"voter": voter.pk, "choice": "1"})["Location"]
    )
    for response in (screen1, screen2, screen3):
        assert response.status_code == 200
        page = text(response)
        assert '<html lang="zh-hans" class="elder"' in page
        assert "/static/css/votes.css" in page and "/static/css/elder.css" in page
        assert " style=" not in page and "<style" not in page


def test_my_votes_query_count_is_bounded(world, worker, owner, django_assert_max_num_queries):
    for n in range(3):
        builders.opened(worker, world.a.estate, title=f"表决{n}")
        builders.announced(worker, world.a.estate, title=f"公告{n}")
    client = client_for(owner)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("votes:mine")).status_code == 200


def test_question_page_query_count_is_bounded(world, worker, owner, django_assert_max_num_queries):
    f.OwnershipFactory(
        unit=world.a.other_unit, person=world.a.owner_person, is_representative=False
    )
    motion = builders.opened(worker, world.a.estate, kind=Motion.Kind.CHOOSE_ONE, options=COMPANIES)
    client = client_for(owner)
    with django_assert_max_num_queries(10):
        assert client.get(url("detail", motion)).status_code == 200


# --- on a phone, in the browser ---------------------------------------------------------------


@pytest.mark.browser
def test_owner_votes_on_a_390px_phone_in_elder_mode(page, live_server, page_log, world):
    """The three screens in Chromium at 390 px, elder mode on: no sideways scrolling, answers
    and buttons at least 48 px tall, no serious axe finding, no CSP violation."""
    from tests.e2e.helpers import assert_elder_page, login_as, run_axe, shot, small_targets

    owner = world.a.users["owner"]
    owner.elder_mode = True
    owner.save(update_fields=["elder_mode"])
    motion = builders.opened(
        world.a.users["worker"],
        world.a.estate,
        title="选聘物业服务企业（2027—2029年度）",
        body="现物业服务合同将于2026年12月31日到期。经业主委员会考察，确定三家候选企业。",
        kind=Motion.Kind.CHOOSE_ONE,
        options=COMPANIES,
    )
    login_as(page, live_server, owner)

    def check(name: str) -> None:
        assert_elder_page(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        assert small_targets(page, 48, ".vote-choice, .btn, button") == [], name
        shot(page, f"votes-resident-{name}-elder")
        run_axe(page)

    page.goto(live_server.url + url("detail", motion))
    check("question")
    page.locator("label.vote-choice", has_text="滨江物业").click()
    with page.expect_navigation():
        page.locator("form.vote-form button[type=submit]").click()
    assert page.url == live_server.url + url("confirm", motion)
    assert page.locator(".vote-answer").inner_text().strip() == "2. 滨江物业"
    check("confirm")
    with page.expect_navigation():
        page.locator("form[action$='/cast/'] button[type=submit]").click()
    ballot = Ballot.objects.get()
    assert ballot.options == [2]
    assert page.url == live_server.url + url("receipt", motion, tracker=ballot.tracker)
    assert page.locator("#tracker").inner_text() == ballot.tracker
    check("receipt")
    assert page_log.errors == [] and page_log.csp_violations == []
