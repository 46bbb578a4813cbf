"""The votes API: a motion's whole life through /api/v1/votes/, who sees what, and refusals
that change nothing (a motion's rule and roll stay as they were when voting opened)."""

from __future__ import annotations

import hashlib
import re
import typing
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from linli.accounts.services import api_token_create
from linli.core import clock
from linli.core.models import AuditLog
from linli.notices.models import Notice
from linli.votes import counting, schemas, services
from linli.votes.models import Ballot, Motion, MotionResult, RollOwner, RollUnit, RollVoter
from linli.votes.tests import builders
from tests import factories as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1/votes/"
MANAGE = f"{BASE}manage/motions"
TRACKER = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")
OPEN_DAY = timedelta(days=builders.OPEN_AFTER)
AFTER_CLOSE = timedelta(days=builders.OPEN_AFTER + builders.VOTING_DAYS)


class Api:
    """A client of the API as one user, by browser session or by bearer token (or nobody)."""

    def __init__(self, user: Any = None, how: str = "session") -> None:
        self.client = Client()
        self.headers: dict[str, str] = {"HTTP_ACCEPT_LANGUAGE": "en"}
        if user is not None and how == "session":
            self.client.force_login(user)
        elif user is not None:
            _token, secret = api_token_create(user=user, name="手机")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

    def get(self, url: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.get(url, data or {}, **self.headers)

    def post(self, url: str, body: Any = None) -> Any:
        return self.client.post(url, body or {}, content_type="application/json", **self.headers)

    def patch(self, url: str, body: Any) -> Any:
        return self.client.patch(url, body, content_type="application/json", **self.headers)


@pytest.fixture
def homes(world):
    """甲苑's three flats and their owners: 101 (89.50 m², the world's owner), 102 (75.20 m²)
    and 201 (100.30 m²), each with an account."""
    a = world.a
    neighbour = f.PersonFactory(community=a.community, name="王五", user=f.UserFactory())
    f.OwnershipFactory(unit=a.other_unit, person=neighbour)
    flat_201 = f.UnitFactory(entrance=a.entrance, number="201", floor=2, area=10030)
    upstairs = f.PersonFactory(community=a.community, name="赵六", user=f.UserFactory())
    f.OwnershipFactory(unit=flat_201, person=upstairs)
    return SimpleNamespace(
        worker=a.users["worker"],
        owner=a.users["owner"],
        neighbour=neighbour.user,
        upstairs=upstairs.user,
    )


def frozen_state(motion: Motion) -> dict[str, Any]:
    """Everything about a motion that opening freezes, plus its wording and its trail."""
    return {
        "motion": model_to_dict(Motion.objects.get(pk=motion.pk)),
        "options": list(motion.options.values_list("position", "label")),
        "roll": list(
            RollVoter.objects.filter(motion=motion).values_list("number", "key", "area", "label")
        ),
        "owners": RollOwner.objects.filter(motion=motion).count(),
        "units": list(RollUnit.objects.filter(motion=motion).values_list("unit_id", "area")),
        "audit": AuditLog.objects.count(),
    }


# --- the whole lifecycle ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_motion_from_draft_to_published_result_through_the_api(how, homes, world):
    worker = Api(homes.worker, how)
    today = clock.today()

    created = worker.post(
        MANAGE,
        {"estate_id": world.a.estate.pk, "title": "是否续聘物业", "matter": "property_company"},
    )
    assert created.status_code == 201, created.content
    motion = created.json()
    assert (motion["status"], motion["rule_kind"], motion["kind"]) == (
        "draft",
        "ordinary",
        "yes_no",
    )
    assert motion["rule"] == {
        "kind": "ordinary",
        "quorum": {"numerator": 2, "denominator": 3, "inclusive": True},
        "approval": {"numerator": 1, "denominator": 2, "inclusive": False},
        "base": "participating",
        "follow_majority_option": False,
        "silent_owners_follow_majority": False,
    }
    url = f"{MANAGE}/{motion['id']}"

    edited = worker.patch(url, {"title": "是否续聘现物业公司", "body": "合同于年底到期。"})
    assert edited.status_code == 200
    assert (edited.json()["title"], edited.json()["body"]) == (
        "是否续聘现物业公司",
        "合同于年底到期。",
    )

    announced = worker.post(
        f"{url}/announce",
        {"opens_on": str(today + OPEN_DAY), "closes_on": str(today + timedelta(days=24))},
    )
    assert announced.status_code == 200
    assert announced.json()["status"] == "announced"
    assert announced.json()["announced_on"] == str(today)
    assert Notice.objects.get(pk=Motion.objects.get(pk=motion["id"]).announce_notice_id).kind == (
        "assembly"
    )

    with clock.travel(OPEN_DAY):
        opened = worker.post(f"{url}/open")
        assert opened.status_code == 200
        assert opened.json()["status"] == "open"
        assert (opened.json()["area_total"], opened.json()["area_total_m2"]) == (26500, "265.00")
        assert opened.json()["headcount_total"] == 3

        receipts = {}
        for name, answer in (("owner", "yes"), ("neighbour", "yes"), ("upstairs", "no")):
            voter = Api(getattr(homes, name), how)
            detail = voter.get(f"{BASE}{motion['public_id']}").json()
            (mine,) = detail["my_voters"]
            assert (mine["voted"], mine["may_vote"]) == (False, True)
            cast = voter.post(
                f"{BASE}{motion['public_id']}/ballots",
                {"voter_id": mine["voter_id"], "choice": answer},
            )
            assert cast.status_code == 201, cast.content
            receipt = cast.json()
            assert TRACKER.match(receipt["tracker"])
            assert (receipt["revision"], receipt["channel"], receipt["choice"]) == (
                1,
                "online",
                answer,
            )
            receipts[mine["area"]] = (receipt["tracker"], answer)
            after = voter.get(f"{BASE}{motion['public_id']}").json()["my_voters"][0]
            assert (after["voted"], after["may_vote"]) == (True, False)
            if name == "neighbour":
                turnout = worker.get(f"{url}/turnout").json()
                assert turnout == {
                    "total": {"area": 26500, "area_m2": "265.00", "headcount": 3},
                    "voted": {"area": 16470, "area_m2": "164.70", "headcount": 2},
                    "area_percent": "62.2",
                    "headcount_percent": "66.7",
                    "pending_checks": 0,
                }
        assert Api().get(f"{BASE}{motion['public_id']}/result").status_code == 404

    with clock.travel(AFTER_CLOSE):
        assert worker.post(f"{url}/close").json()["status"] == "closed"
        tallied = worker.post(f"{url}/tally")
        assert tallied.status_code == 200
        assert tallied.json()["status"] == "tallied"
        assert Api().get(f"{BASE}{motion['public_id']}/result").status_code == 404
        published = worker.post(f"{url}/publish")
        assert published.json()["status"] == "published"

    result = Api().get(f"{BASE}{motion['public_id']}/result")
    assert result.status_code == 200
    body = result.json()
    assert body["total"] == {"area": 26500, "area_m2": "265.00", "headcount": 3}
    assert body["participating"] == {"area": 26500, "area_m2": "265.00", "headcount": 3}
    assert body["yes"] == {"area": 16470, "area_m2": "164.70", "headcount": 2}
    assert body["no"] == {"area": 10030, "area_m2": "100.30", "headcount": 1}
    assert body["abstain"] == {"area": 0, "area_m2": "0.00", "headcount": 0}
    assert (body["quorum_met"], body["passed"], body["outcome"], body["reason"]) == (
        True,
        True,
        "passed",
        "passed",
    )
    assert (body["options"], body["conflicts"], body["invalid"]) == ([], 0, 0)
    saved = Motion.objects.get(pk=motion["id"])
    csv_text = counting.public_roll_csv(saved)
    assert body["roll_digest"] == hashlib.sha256(csv_text.encode()).hexdigest()

    roll = Api().get(body["roll_url"]).json()
    assert roll["roll_digest"] == body["roll_digest"]
    assert roll["count"] == 3
    assert sorted((line["area"], line["area_m2"], line["answer"]) for line in roll["lines"]) == [
        (7520, "75.20", "yes"),
        (8950, "89.50", "yes"),
        (10030, "100.30", "no"),
    ]
    assert {line["area"]: (line["trackers"][0], line["answer"]) for line in roll["lines"]} == (
        receipts
    )
    # Anyone can recompute the published totals from the public roll.
    yes = [line["area"] for line in roll["lines"] if line["answer"] == "yes"]
    assert (sum(yes), len(yes)) == (body["yes"]["area"], body["yes"]["headcount"])
    assert Ballot.objects.filter(motion=saved).count() == 3
    assert MotionResult.objects.get(motion=saved).passed is True


def test_a_choice_is_cast_as_option_positions(homes, world):
    motion = builders.opened(
        homes.worker,
        world.a.estate,
        kind=Motion.Kind.CHOOSE_ONE,
        matter=Motion.Matter.PROPERTY_COMPANY,
        options=["甲物业", "乙物业", "丙物业"],
    )
    owner = Api(homes.owner)
    detail = owner.get(f"{BASE}{motion.public_id}").json()
    assert [(o["position"], o["label"]) for o in detail["options"]] == [
        (1, "甲物业"),
        (2, "乙物业"),
        (3, "丙物业"),
    ]
    voter_id = detail["my_voters"][0]["voter_id"]

    too_many = owner.post(
        f"{BASE}{motion.public_id}/ballots", {"voter_id": voter_id, "options": [1, 2]}
    )
    cast = owner.post(f"{BASE}{motion.public_id}/ballots", {"voter_id": voter_id, "options": [2]})
    again = owner.post(f"{BASE}{motion.public_id}/ballots", {"voter_id": voter_id, "options": [3]})

    assert too_many.status_code == 400
    assert too_many.json() == {"code": "too_many_choices", "message": "Choose at most 1."}
    assert cast.status_code == 201
    assert (cast.json()["choice"], cast.json()["options"]) == ("", [2])
    assert again.status_code == 409
    assert again.json()["code"] == "already_voted"
    assert list(Ballot.objects.filter(motion=motion).values_list("options", flat=True)) == [[2]]


def test_re_voting_when_the_motion_allows_it_keeps_the_history(homes, world):
    motion = builders.opened(homes.worker, world.a.estate, allow_revote=True)
    owner = Api(homes.owner, "token")
    url = f"{BASE}{motion.public_id}"
    voter_id = owner.get(url).json()["my_voters"][0]["voter_id"]

    first = owner.post(f"{url}/ballots", {"voter_id": voter_id, "choice": "no"})
    mine = owner.get(url).json()["my_voters"][0]
    second = owner.post(f"{url}/ballots", {"voter_id": voter_id, "choice": "yes"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert (mine["voted"], mine["may_vote"]) == (True, True)
    assert second.json()["revision"] == 2
    assert list(
        Ballot.objects.filter(motion=motion).order_by("revision").values_list("revision", "choice")
    ) == [(1, "no"), (2, "yes")]


# --- the rule and the roll stay as they were when voting opened ---------------------------------


def test_patching_the_wording_after_opening_answers_409_and_changes_nothing(homes, world):
    motion = builders.opened(homes.worker, world.a.estate, title="是否续聘现物业公司")
    before = frozen_state(motion)
    worker = Api(homes.worker)
    url = f"{MANAGE}/{motion.pk}"

    title = worker.patch(url, {"title": "是否解聘现物业公司"})
    revote = worker.patch(url, {"allow_revote": True})
    empty = worker.patch(url, {"title": ""})

    for response in (title, revote, empty):
        assert response.status_code == 409
        assert response.json() == {
            "code": "not_draft",
            "message": "Only a draft can be changed; once announced, the question and rule "
            "are fixed.",
        }
    assert frozen_state(motion) == before


@pytest.mark.parametrize(
    "change",
    [
        {"rule_kind": "special"},
        {"matter": "raise_fund"},
        {"approval_numerator": 3, "approval_denominator": 4},
        {"scope": "building", "building_id": 1},
        {"title": "新标题", "rule_kind": "simple_majority"},
    ],
)
def test_the_rule_and_scope_are_no_fields_of_a_patch_before_or_after_opening(change, homes, world):
    draft = builders.draft(homes.worker, world.a.estate, title="草稿")
    opened = builders.opened(homes.worker, world.a.estate, title="进行中")
    before = {m.pk: frozen_state(m) for m in (draft, opened)}
    worker = Api(homes.worker)

    for motion in (draft, opened):
        response = worker.patch(f"{MANAGE}/{motion.pk}", change)

        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "invalid"
        unknown = sorted(set(change) - {"title"})
        assert sorted(e["loc"][-1] for e in body["errors"]) == unknown
        assert frozen_state(motion) == before[motion.pk]


def test_announcing_or_opening_again_answers_409_and_leaves_the_roll_alone(homes, world):
    motion = builders.opened(homes.worker, world.a.estate)
    before = frozen_state(motion)
    # A flat registered after opening changes the registry, never the frozen roll.
    f.OwnershipFactory(unit=f.UnitFactory(entrance=world.a.entrance, number="202", area=6000))
    worker = Api(homes.worker)
    today = clock.today()

    with clock.travel(OPEN_DAY):
        reopened = worker.post(f"{MANAGE}/{motion.pk}/open")
        reannounced = worker.post(
            f"{MANAGE}/{motion.pk}/announce",
            {
                "opens_on": str(today + OPEN_DAY + OPEN_DAY),
                "closes_on": str(today + 40 * OPEN_DAY // 15),
            },
        )

    assert (reopened.status_code, reopened.json()["code"]) == (409, "wrong_status")
    assert (reannounced.status_code, reannounced.json()["code"]) == (409, "wrong_status")
    assert frozen_state(motion) == before
    assert Api(homes.owner).get(f"{BASE}{motion.public_id}").json()["area_total"] == 26500


# --- who may do what ----------------------------------------------------------------------------


def test_another_communitys_motion_answers_404_and_nothing_is_written(homes, world):
    a, b = world.a, world.b
    draft = builders.draft(homes.worker, a.estate)
    motion = builders.opened(homes.worker, a.estate)
    voter = RollVoter.objects.get(motion=motion, owners__person=a.owner_person)
    before = (
        frozen_state(draft),
        frozen_state(motion),
        Ballot.objects.count(),
        Motion.objects.count(),
    )
    today = clock.today()

    for role in ("owner", "worker", "admin"):
        other = Api(b.users[role])
        answers = [
            other.get(f"{BASE}{motion.public_id}"),
            other.post(f"{BASE}{motion.public_id}/ballots", {"voter_id": voter.pk, "choice": "no"}),
            other.patch(f"{MANAGE}/{draft.pk}", {"title": "乙社区改的"}),
            other.post(
                f"{MANAGE}/{draft.pk}/announce",
                {"opens_on": str(today + OPEN_DAY), "closes_on": str(today + 2 * OPEN_DAY)},
            ),
            other.post(f"{MANAGE}/{motion.pk}/close"),
            other.get(f"{MANAGE}/{motion.pk}/turnout"),
            other.post(MANAGE, {"estate_id": a.estate.pk, "title": "x", "matter": "poll"}),
        ]
        assert [r.status_code for r in answers] == [404] * 7, role
        assert {r.json()["code"] for r in answers} == {"not_found"}
        assert other.get(BASE).json()["count"] == 0

    assert before == (
        frozen_state(draft),
        frozen_state(motion),
        Ballot.objects.count(),
        Motion.objects.count(),
    )


def test_casting_without_logging_in_answers_401(homes, world):
    motion = builders.opened(homes.worker, world.a.estate)
    voter = RollVoter.objects.get(motion=motion, owners__person=world.a.owner_person)

    response = Api().post(
        f"{BASE}{motion.public_id}/ballots", {"voter_id": voter.pk, "choice": "yes"}
    )

    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "Please log in."}
    assert Ballot.objects.count() == 0


def test_casting_for_a_home_that_is_not_mine_answers_404(homes, world):
    motion = builders.opened(homes.worker, world.a.estate)
    theirs = RollVoter.objects.get(motion=motion, owners__person__user=homes.neighbour)

    for user in (homes.owner, homes.worker, world.a.users["resident"]):
        response = Api(user).post(
            f"{BASE}{motion.public_id}/ballots", {"voter_id": theirs.pk, "choice": "yes"}
        )
        assert response.status_code == 404
        assert response.json()["message"] == "This voter is not on the roll."
    assert Ballot.objects.count() == 0


def test_the_result_and_roll_are_404_until_published(homes, world):
    motion = builders.opened(homes.worker, world.a.estate)
    builders.closed(homes.worker, motion)
    with builders.after_close():
        services.motion_tally(actor=homes.worker, motion_id=motion.pk)

    for user in (None, homes.worker, homes.owner):
        for tail in ("result", "roll"):
            response = Api(user).get(f"{BASE}{motion.public_id}/{tail}")
            assert response.status_code == 404
            assert response.json() == {
                "code": "not_found",
                "message": "This result has not been published.",
            }


def test_who_sees_which_motions(homes, world):
    a = world.a
    draft = builders.draft(homes.worker, a.estate, title="草稿")
    cancelled = builders.announced(homes.worker, a.estate, title="已取消")
    services.motion_cancel(actor=homes.worker, motion_id=cancelled.pk, reason="议题有误")
    announced = builders.announced(homes.worker, a.estate, title="已公告")
    opened = builders.opened(homes.worker, a.estate, title="进行中")
    builders.opened(world.b.users["worker"], world.b.estate, title="乙社区表决")
    expected_for_residents = ["进行中", "已公告"]

    def titles(user: Any, **query: str) -> list[str]:
        body = Api(user).get(BASE, query).json()
        assert body["count"] == len(body["items"])
        return [item["title"] for item in body["items"]]

    assert titles(homes.owner) == expected_for_residents
    assert titles(a.users["resident"]) == expected_for_residents
    assert titles(homes.worker) == ["进行中", "已公告", "已取消", "草稿"]
    assert titles(a.users["admin"], status="draft") == ["草稿"]
    assert titles(homes.owner, status="cancelled") == []
    assert Api(homes.owner).get(f"{BASE}{cancelled.public_id}").status_code == 404
    assert titles(homes.owner, status="open") == ["进行中"]
    for role in ("property", "partner", "volunteer", "street", "committee"):
        assert titles(a.users[role]) == [], role
    assert titles(world.outsider) == []

    items = {i["title"]: i for i in Api(homes.worker).get(BASE).json()["items"]}
    assert items["草稿"]["id"] == draft.pk
    assert items["已公告"]["id"] == announced.pk
    assert [i["id"] for i in Api(homes.owner).get(BASE).json()["items"]] == [None, None]
    assert Api(homes.owner).get(f"{BASE}{draft.public_id}").status_code == 404
    assert Api(homes.worker).get(f"{BASE}{draft.public_id}").json()["id"] == draft.pk
    tenant_view = Api(a.users["resident"]).get(f"{BASE}{opened.public_id}").json()
    assert tenant_view["my_voters"] == []
    owner_view = Api(homes.owner).get(f"{BASE}{opened.public_id}").json()
    assert [(v["homes"], v["area"], v["area_m2"]) for v in owner_view["my_voters"]] == [
        ("24幢1单元101", 8950, "89.50")
    ]


def test_a_committee_member_manages_the_motions_of_their_estate_only(homes, world):
    from linli.accounts.models import Role, RoleAssignment
    from linli.registry.models import Organisation

    a = world.a
    committee = f.OrganisationFactory(
        community=a.community,
        kind=Organisation.Kind.OWNERS_COMMITTEE,
        name="甲苑业主委员会",
        estate=a.estate,
    )
    member = a.users["committee"]
    RoleAssignment.objects.filter(user=member, role=Role.COMMITTEE).update(organisation=committee)
    elsewhere = f.EstateFactory(community=a.community, name="别苑")
    foreign = builders.draft(homes.worker, elsewhere, title="别苑草稿")
    api = Api(member)

    created = api.post(MANAGE, {"estate_id": a.estate.pk, "title": "业委会发起", "matter": "poll"})
    refused = api.post(MANAGE, {"estate_id": elsewhere.pk, "title": "越权", "matter": "poll"})

    assert created.status_code == 201
    assert created.json()["rule_kind"] == "simple_majority"
    assert refused.status_code == 404
    assert api.patch(f"{MANAGE}/{foreign.pk}", {"title": "改"}).status_code == 404
    assert [i["title"] for i in api.get(BASE).json()["items"]] == ["业委会发起"]
    assert Motion.objects.filter(estate=elsewhere).count() == 1


# --- bad input: a clear error and nothing written -----------------------------------------------


def test_ballot_validation_errors_write_nothing(homes, world):
    motion = builders.opened(homes.worker, world.a.estate)
    owner = Api(homes.owner)
    url = f"{BASE}{motion.public_id}/ballots"
    voter_id = owner.get(f"{BASE}{motion.public_id}").json()["my_voters"][0]["voter_id"]

    maybe = owner.post(url, {"voter_id": voter_id, "choice": "maybe"})
    missing = owner.post(url, {"voter_id": voter_id})
    follow = owner.post(url, {"voter_id": voter_id, "choice": "follow_majority"})
    no_voter = owner.post(url, {"choice": "yes"})
    extra = owner.post(url, {"voter_id": voter_id, "choice": "yes", "channel": "paper"})
    garbage = owner.client.post(url, "{not json", content_type="application/json", **owner.headers)

    assert maybe.status_code == 422
    assert maybe.json() == {
        "code": "invalid",
        "message": "The request is not valid.",
        "errors": [
            {"loc": ["body", "payload", "choice"], "message": "Choose one of the allowed values."}
        ],
    }
    # No answer, or 随多数 on a motion that does not offer it: the service refuses (400).
    for response in (missing, follow):
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid_choice",
            "message": "Choose yes, no or abstain.",
        }
    assert no_voter.status_code == 422
    assert no_voter.json()["errors"] == [
        {"loc": ["body", "payload", "voter_id"], "message": "This field is required."}
    ]
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["loc"] == ["body", "payload", "channel"]
    assert garbage.status_code == 400
    assert garbage.json()["code"] == "error"
    assert Ballot.objects.count() == 0


def test_motion_validation_errors_write_nothing(homes, world):
    worker = Api(homes.worker)
    draft = builders.draft(homes.worker, world.a.estate)
    before = (Motion.objects.count(), frozen_state(draft), Notice.objects.count())
    today = clock.today()
    estate = world.a.estate.pk

    no_matter = worker.post(MANAGE, {"estate_id": estate, "title": "缺事项"})
    bad_kind = worker.post(
        MANAGE, {"estate_id": estate, "title": "x", "matter": "poll", "kind": "rank"}
    )
    no_title = worker.post(MANAGE, {"estate_id": estate, "title": "  ", "matter": "poll"})
    long_title = worker.post(MANAGE, {"estate_id": estate, "title": "长" * 201, "matter": "poll"})
    no_seats = worker.post(
        MANAGE, {"estate_id": estate, "title": "选举", "matter": "committee", "kind": "elect"}
    )
    backwards = worker.post(
        f"{MANAGE}/{draft.pk}/announce",
        {"opens_on": str(today + OPEN_DAY), "closes_on": str(today + timedelta(days=10))},
    )
    too_soon = worker.post(
        f"{MANAGE}/{draft.pk}/announce",
        {"opens_on": str(today + timedelta(days=3)), "closes_on": str(today + OPEN_DAY)},
    )
    not_a_date = worker.post(
        f"{MANAGE}/{draft.pk}/announce", {"opens_on": "明天", "closes_on": str(today)}
    )
    early = worker.post(f"{MANAGE}/{draft.pk}/open")

    assert (no_matter.status_code, no_matter.json()["errors"]) == (
        422,
        [{"loc": ["body", "payload", "matter"], "message": "This field is required."}],
    )
    assert bad_kind.status_code == 422
    assert no_title.status_code == 400
    assert no_title.json() == {"code": "required", "message": "The title is required."}
    assert long_title.status_code == 400
    assert long_title.json()["code"] == "too_long"
    assert (no_seats.status_code, no_seats.json()["code"]) == (400, "invalid_seats")
    assert (backwards.status_code, backwards.json()["code"]) == (400, "period_invalid")
    assert (too_soon.status_code, too_soon.json()["code"]) == (400, "notice_too_short")
    assert not_a_date.status_code == 422
    assert not_a_date.json()["errors"][0] == {
        "loc": ["body", "payload", "opens_on"],
        "message": "Enter a valid date.",
    }
    assert (early.status_code, early.json()["code"]) == (409, "wrong_status")
    assert (Motion.objects.count(), frozen_state(draft), Notice.objects.count()) == before


def test_text_with_a_nul_character_is_refused_before_it_reaches_the_database(homes, world):
    draft = builders.draft(homes.worker, world.a.estate)
    before = (Motion.objects.count(), frozen_state(draft))
    worker = Api(homes.worker)

    created = worker.post(
        MANAGE, {"estate_id": world.a.estate.pk, "title": "a\x00b", "matter": "poll"}
    )
    option = worker.post(
        MANAGE,
        {"estate_id": world.a.estate.pk, "title": "选", "matter": "poll", "options": ["\x00"]},
    )
    patched = worker.patch(f"{MANAGE}/{draft.pk}", {"body": "\x00"})

    assert [r.status_code for r in (created, option, patched)] == [422, 422, 422]
    assert patched.json()["errors"] == [
        {"loc": ["body", "payload", "body"], "message": "This value is not valid."}
    ]
    assert (Motion.objects.count(), frozen_state(draft)) == before


def test_steps_out_of_order_answer_409(homes, world):
    announced = builders.announced(homes.worker, world.a.estate)
    opened = builders.opened(homes.worker, world.a.estate)
    worker = Api(homes.worker)

    answers = {
        "open too early": worker.post(f"{MANAGE}/{announced.pk}/open"),
        "close while open": worker.post(f"{MANAGE}/{opened.pk}/close"),
        "tally while open": worker.post(f"{MANAGE}/{opened.pk}/tally"),
        "publish while open": worker.post(f"{MANAGE}/{opened.pk}/publish"),
    }

    assert {k: (r.status_code, r.json()["code"]) for k, r in answers.items()} == {
        "open too early": (409, "too_early"),
        "close while open": (409, "too_early"),
        "tally while open": (409, "wrong_status"),
        "publish while open": (409, "wrong_status"),
    }
    assert Motion.objects.get(pk=announced.pk).status == "announced"
    assert Motion.objects.get(pk=opened.pk).status == "open"
    assert MotionResult.objects.count() == 0


def test_the_schema_literals_are_the_models_choices():
    assert list(typing.get_args(schemas.KindValue)) == Motion.Kind.values
    assert list(typing.get_args(schemas.MatterValue)) == Motion.Matter.values
    assert list(typing.get_args(schemas.MeetingKindValue)) == Motion.MeetingKindChoices.values
    assert list(typing.get_args(schemas.ScopeValue)) == Motion.Scope.values
    assert list(typing.get_args(schemas.StatusValue)) == Motion.StatusChoices.values
    assert list(typing.get_args(schemas.ChoiceValue)) == Ballot.ChoiceValue.values


# --- bounded queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("motions", [1, 6])
def test_the_list_costs_the_same_queries_however_many_motions(
    motions, homes, world, django_assert_max_num_queries
):
    for n in range(motions):
        builders.opened(homes.worker, world.a.estate, title=f"表决{n}")
    for user in (homes.owner, homes.worker):
        api = Api(user)
        with django_assert_max_num_queries(6):
            body = api.get(BASE).json()
        assert body["count"] == motions


def test_the_detail_costs_a_bounded_number_of_queries(homes, world, django_assert_max_num_queries):
    motion = builders.opened(
        homes.worker,
        world.a.estate,
        kind=Motion.Kind.CHOOSE_ONE,
        matter=Motion.Matter.OTHER_MAJOR,
        options=["方案一", "方案二", "方案三"],
    )
    owner = Api(homes.owner)

    with django_assert_max_num_queries(7):
        body = owner.get(f"{BASE}{motion.public_id}").json()

    assert len(body["options"]) == 3
    assert len(body["my_voters"]) == 1
