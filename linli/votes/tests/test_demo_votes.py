"""The demo's two cases of owners' decisions in 金狮苑 (linli.votes.demo): the property company
selection open for voting, the 2025 committee election counted, published and filed, and a
second load that writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from linli.accounts.models import User
from linli.core import clock
from linli.core.models import AuditLog
from linli.notices.models import Notice
from linli.notifications.models import Notification
from linli.registry.demo.accounts import ACCOUNTS_BY_KEY
from linli.registry.demo.load import demo_load
from linli.registry.models import (
    Community,
    DirectoryCompany,
    Membership,
    Organisation,
    Ownership,
    Person,
)
from linli.votes import demo, services
from linli.votes import workflows as wf
from linli.votes.models import (
    Ballot,
    BallotCheck,
    Election,
    Motion,
    MotionResult,
    Nomination,
    Procurement,
    RollVoter,
)

# Demo owners with a home in buildings 7–8 vote on their company; the others are not on its roll.
DEMO_OWNERS = ("committee",)
OTHER_OWNERS = ("owner", "multi_owner", "secretary")


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The registry demo and the votes demo, loaded once for the class and rolled back."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        translation.override(settings.LANGUAGE_CODE),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        demo_load()
        community = Community.objects.get(code="shangyangshi")
        first = demo.load(community)
        yield community, first
        transaction.set_rollback(True)


def _user(key: str) -> User:
    return User.objects.get(phone=ACCOUNTS_BY_KEY[key].phone)


@pytest.mark.django_db
class TestDemoVotes:
    def test_first_load_writes_both_cases(self, loaded):
        _community, first = loaded
        assert first == demo.DemoVotesResult(procurement=True, election=True)

    def test_procurement_longlists_nine_directory_companies_and_shortlists_five(self, loaded):
        community, _first = loaded
        procurement = Procurement.objects.get(title=demo.PROCUREMENT_TITLE)
        assert procurement.estate.name == "金狮苑" and procurement.stage == "voting"
        candidates = list(procurement.candidates.select_related("company").order_by("id"))
        assert sorted(c.company.name for c in candidates) == sorted(demo.LONGLIST)
        assert len(candidates) == 9
        assert all(c.company.street_id == community.street_id for c in candidates)
        shortlisted = [c for c in candidates if c.shortlisted]
        assert sorted(c.company.name for c in shortlisted) == sorted(
            n for n, _d, _t in demo.SHORTLIST
        )
        committee = _user("committee")
        today = clock.today()
        for candidate in shortlisted:
            days = next(d for n, d, _t in demo.SHORTLIST if n == candidate.company.name)
            assert candidate.report and candidate.inspected_by == committee
            assert candidate.inspected_on == today - timedelta(days=days)
        assert DirectoryCompany.objects.filter(street=community.street).count() == 15

    def test_the_choose_one_vote_is_open_with_paper_ballots_entered(self, loaded):
        procurement = Procurement.objects.select_related("motion").get(title=demo.PROCUREMENT_TITLE)
        motion = procurement.motion
        today = clock.today()
        assert (motion.kind, motion.matter, motion.scope, motion.status) == (
            "choose_one",
            "property_company",
            "units",
            "open",
        )
        assert (motion.opens_on, motion.closes_on) == (
            today - timedelta(days=5),
            today + timedelta(days=9),
        )
        assert motion.announce_notice.kind == Notice.Kind.ASSEMBLY
        shortlisted = procurement.candidates.filter(shortlisted=True).order_by("id")
        assert list(motion.options.order_by("position").values_list("company_id", flat=True)) == [
            c.company_id for c in shortlisted
        ]
        ballots = Ballot.objects.filter(motion=motion)
        assert ballots.count() == len(demo.PAPER_CHOICES) == 24
        assert set(ballots.values_list("channel", flat=True)) == {"paper"}
        assert sorted(ballots.values_list("options", flat=True)) == sorted(
            [c] for c in demo.PAPER_CHOICES
        )
        assert BallotCheck.objects.filter(ballot__motion=motion, accepted=True).count() == 22
        labels = RollVoter.objects.filter(motion=motion).values_list("label", flat=True)
        assert labels and all(label[:2] in ("7幢", "8幢") for label in labels)
        assert set(motion.units.values_list("building__number", flat=True)) == {"7", "8"}
        assert _user("admin").pk == ballots.first().cast_by_id

    @pytest.mark.parametrize("key", DEMO_OWNERS)
    def test_each_demo_owner_can_vote_in_the_open_vote(self, loaded, key):
        motion = Procurement.objects.get(title=demo.PROCUREMENT_TITLE).motion
        user = _user(key)
        voter = RollVoter.objects.get(motion=motion, owners__person__user=user)
        assert not Ballot.objects.filter(voter=voter).exists()
        ballot = services.ballot_cast(
            user=user, motion_id=motion.id, voter_id=voter.id, options=[1]
        )
        assert ballot.channel == "online" and ballot.options == [1]

    @pytest.mark.parametrize("key", OTHER_OWNERS)
    def test_owners_outside_buildings_7_and_8_are_not_on_the_roll(self, loaded, key):
        motion = Procurement.objects.get(title=demo.PROCUREMENT_TITLE).motion
        assert not RollVoter.objects.filter(motion=motion, owners__person__user=_user(key)).exists()

    def test_the_committee_chair_owns_a_flat_in_building_7(self, loaded):
        chair = Person.objects.get(user=_user("committee"))
        homes = Ownership.objects.filter(person=chair, until__isnull=True).values_list(
            "unit__building__number", "unit__entrance__number", "unit__number"
        )
        assert list(homes) == [("7", "1", "401")]

    def test_election_has_three_kinds_of_nomination_and_one_ineligible(self, loaded):
        election = Election.objects.get(title=demo.ELECTION_TITLE)
        nominations = list(election.nominations.order_by("id"))
        assert len(nominations) == 10
        assert {n.method for n in nominations} == set(Nomination.Method.values)
        ineligible = [n for n in nominations if n.eligibility == "ineligible"]
        assert len(ineligible) == 1 and ineligible[0].check_note
        assert all(n.eligibility == "eligible" for n in nominations if n not in ineligible)
        notice = election.candidate_notice
        assert notice.kind == Notice.Kind.ELECTION_CANDIDATES
        assert (notice.starts_on, notice.ends_on) == (date(2025, 5, 16), date(2025, 5, 25))
        assert ineligible[0].person.name not in notice.body
        assert (
            wf.publicity_problem(notice.starts_on, notice.ends_on, election.motion.opens_on) is None
        )

    def test_election_result_is_published_with_the_committee_and_two_alternates(self, loaded):
        community, _first = loaded
        election = Election.objects.select_related("motion").get(title=demo.ELECTION_TITLE)
        motion = election.motion
        assert (motion.kind, motion.status, motion.seats) == ("elect", "published", 7)
        assert (motion.opens_on, motion.closes_on) == (date(2025, 6, 13), date(2025, 6, 27))
        assert motion.result_notice.kind == Notice.Kind.VOTE_RESULT
        result = MotionResult.objects.get(motion=motion)
        assert result.data["quorum_met"] is True
        # In rank order: the chair (ticked on every ballot) first, then the other members.
        assert result.data["elected"][0] == 1
        assert sorted(result.data["elected"]) == [1, 2, 3, 4, 5, 6, 7]
        assert sorted(result.data["alternates"]) == [8, 9] and result.data["tied"] == []
        assert result.data["headcount_participating"] * 3 >= result.data["headcount_total"] * 2
        assert result.data["area_participating"] * 3 >= result.data["area_total"] * 2
        committee = Organisation.objects.get(
            community=community, kind="owners_committee", estate=election.estate
        )
        seated = list(
            Membership.objects.filter(organisation=committee, until__isnull=True)
            .order_by("id")
            .values_list("person_id", flat=True)
        )
        elected = list(
            motion.options.filter(position__in=result.data["elected"])
            .order_by("position")
            .values_list("candidate_id", flat=True)
        )
        assert elected == seated and len(seated) == 7
        outcome = wf.election_outcome(election, result)
        assert outcome is not None and outcome.formed
        assert [s.headcount for s in outcome.alternates] == sorted(
            (s.headcount for s in outcome.alternates), reverse=True
        )
        assert election.stage == "formed" and election.households == 892
        assert (election.filed_on, election.filed_with) == (
            date(2025, 7, 8),
            demo.FILED_WITH_COMMITTEE,
        )
        assert wf.election_filed_late(election) is False

    def test_the_2025_elections_messages_are_dated_2025_and_read(self, loaded):
        motion = Election.objects.get(title=demo.ELECTION_TITLE).motion
        messages = Notification.objects.filter(url__startswith=f"/votes/{motion.public_id}/")
        assert messages.exists()
        dates = set(messages.values_list("created_at__date", flat=True))
        assert dates <= {demo.ANNOUNCED_ON, demo.COUNTED_ON}
        assert not messages.filter(read_at__isnull=True).exists()

    def test_a_second_load_writes_nothing(self, loaded):
        community, _first = loaded
        counts = [
            m.objects.count()
            for m in (Procurement, Election, Motion, Ballot, Nomination, Notice, AuditLog)
        ]
        assert demo.load(community) == demo.DemoVotesResult(procurement=False, election=False)
        assert [
            m.objects.count()
            for m in (Procurement, Election, Motion, Ballot, Nomination, Notice, AuditLog)
        ] == counts

    @pytest.mark.parametrize("key", ["worker", "committee"])
    def test_workflow_pages_show_both_cases_to_the_worker_and_the_committee(self, loaded, key):
        client = Client()
        client.force_login(_user(key))
        client.cookies["linli_language"] = "en"
        procurement = Procurement.objects.get(title=demo.PROCUREMENT_TITLE)
        election = Election.objects.get(title=demo.ELECTION_TITLE)
        for url in (
            reverse("votes:procurements"),
            reverse("votes:procurement", args=[procurement.id]),
            reverse("votes:procurement_longlist", args=[procurement.id]),
            reverse("votes:elections"),
        ):
            assert client.get(url).status_code == 200, url
        body = client.get(reverse("votes:election", args=[election.id])).content.decode()
        assert "Alternate 2" in body and "Formed: 7 elected of 7" in body
        body = client.get(reverse("votes:procurement", args=[procurement.id])).content.decode()
        assert "选聘金狮苑7幢、8幢物业服务企业" in body and "Voting open" in body
