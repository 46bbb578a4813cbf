"""The seed's two workflows through their services and pages (DOMAIN-RULES §2.3, §2.5).

Choosing a property company: directory → longlist → shortlist of N → inspection reports →
choose-one motion → contract (filed within 15 days, HZ-PMR Art. 49). Electing an owners'
committee: nominations → eligibility → candidate list (≥ 7 days, ending ≥ 15 days before the
vote, HZ-PMR Art. 26) → elect motion → formed or not (K1/K2, Art. 27) → alternates → filing
(30 days, PMR Art. 16). Each test builds its own estate in community A of the test world, whose
owners have accounts and vote online.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from linli.accounts.models import Role, RoleAssignment
from linli.core import clock
from linli.core.errors import Conflict, LinliError, NotFound
from linli.core.models import AuditLog
from linli.notices.models import Notice
from linli.registry.models import DirectoryCompany, Organisation, Person
from linli.votes import services
from linli.votes import workflows as wf
from linli.votes.models import (
    Election,
    Motion,
    MotionOption,
    Nomination,
    Procurement,
    ProcurementCandidate,
    RollVoter,
    ServiceContract,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
OPEN_AFTER = 21
CLOSE_AFTER = 25


@dataclass
class Place:
    """An estate of community A with one building of `n` flats, each owned by an account."""

    side: Any
    estate: Any
    owners: list[Person]
    users: list[Any]

    @property
    def worker(self) -> Any:
        return self.side.users["worker"]

    def cast(self, motion: Motion, index: int, options: list[int]) -> None:
        voter = RollVoter.objects.get(motion=motion, owners__person=self.owners[index])
        services.ballot_cast(
            user=self.users[index], motion_id=motion.id, voter_id=voter.id, options=options
        )


def make_place(side: Any, n: int, name: str = "金狮苑") -> Place:
    estate = f.EstateFactory(community=side.community, name=name)
    building = f.BuildingFactory(estate=estate, community=side.community, number="7")
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    owners, users = [], []
    for i in range(n):
        unit = f.UnitFactory(entrance=entrance, number=str(101 + i), floor=1, area=8000 + 10 * i)
        user = f.UserFactory()
        person = f.PersonFactory(community=side.community, user=user, name=f"业主{i + 1:02d}")
        f.OwnershipFactory(unit=unit, person=person)
        owners.append(person)
        users.append(user)
    return Place(side, estate, owners, users)


def directory(side: Any, n: int) -> list[DirectoryCompany]:
    first = DirectoryCompany.objects.filter(street=side.community.street).count()
    return [
        DirectoryCompany.objects.create(
            street=side.community.street,
            name=f"杭州第{first + i + 1}物业服务有限公司",
            qualification="一级资质",
            rating="AAA",
            suited_to_old_estates=True,
        )
        for i in range(n)
    ]


def english(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["linli_language"] = "en"
    return client


def message_of(excinfo: Any) -> str:
    return str(excinfo.value.message)


# --- choosing a property company ----------------------------------------------------------------


def shortlisted_procurement(place: Place, companies: int = 6, size: int = 5) -> Procurement:
    worker = place.worker
    procurement = wf.procurement_create(
        actor=worker, estate_id=place.estate.id, title="金狮苑7幢、8幢选聘物业", shortlist_size=size
    )
    listed = wf.procurement_longlist_add(
        actor=worker,
        procurement_id=procurement.id,
        company_ids=[c.id for c in directory(place.side, companies)],
    )
    wf.procurement_shortlist(
        actor=worker, procurement_id=procurement.id, candidate_ids=[c.id for c in listed[:size]]
    )
    for candidate in listed[:size]:
        wf.procurement_report(
            actor=worker,
            procurement_id=procurement.id,
            candidate_id=candidate.id,
            report=f"{candidate.company.name}：保洁到位，维修及时。",
            inspected_on=clock.today(),
        )
    procurement.refresh_from_db()
    return procurement


def put_to_vote(place: Place, procurement: Procurement) -> Motion:
    today = clock.today()
    motion = wf.procurement_motion_create(
        actor=place.worker,
        procurement_id=procurement.id,
        opens_on=today + OPEN_AFTER * DAY,
        closes_on=today + CLOSE_AFTER * DAY,
    )
    procurement.refresh_from_db()
    return motion


def vote_and_count(place: Place, motion: Motion, picks: list[list[int]]) -> None:
    with clock.travel(OPEN_AFTER * DAY):
        services.motion_open(actor=place.worker, motion_id=motion.id)
        for index, options in enumerate(picks):
            place.cast(motion, index, options)
    with clock.travel((CLOSE_AFTER + 1) * DAY):
        services.motion_close(actor=place.worker, motion_id=motion.id)
        services.motion_tally(actor=place.worker, motion_id=motion.id)


def test_procurement_runs_from_the_directory_to_a_contract_filed_in_time(world):
    place = make_place(world.a, 3)
    procurement = shortlisted_procurement(place, companies=8, size=5)
    assert procurement.stage == Procurement.Stage.SHORTLIST
    assert procurement.candidates.count() == 8
    assert procurement.candidates.filter(shortlisted=True).count() == 5

    motion = put_to_vote(place, procurement)
    procurement.refresh_from_db()
    assert procurement.stage == Procurement.Stage.VOTING and procurement.motion == motion
    assert (motion.kind, motion.matter, motion.status) == (
        "choose_one",
        "property_company",
        "announced",
    )
    options = list(MotionOption.objects.filter(motion=motion).order_by("position"))
    shortlist = list(procurement.candidates.filter(shortlisted=True).order_by("id"))
    assert [(o.position, o.company_id) for o in options] == [
        (i, c.company_id) for i, c in enumerate(shortlist, start=1)
    ]
    assert "保洁到位" in options[0].description

    vote_and_count(place, motion, [[2], [2], [1]])
    decision = wf.procurement_decision(procurement)
    assert decision.counted and decision.company == shortlist[1].company

    with clock.travel((CLOSE_AFTER + 3) * DAY):
        signed = clock.today()
        contract = wf.procurement_contract_create(
            actor=place.worker,
            procurement_id=procurement.id,
            signed_on=signed,
            starts_on=signed + 30 * DAY,
            ends_on=signed + 30 * DAY + 3 * 365 * DAY,
            fee_fen_per_m2_month=150,
        )
    with clock.travel((CLOSE_AFTER + 3 + 15) * DAY):
        wf.procurement_contract_file(
            actor=place.worker,
            procurement_id=procurement.id,
            filed_on=clock.today(),
            filed_with="上城区住房和城市建设局",
        )
    contract.refresh_from_db()
    procurement.refresh_from_db()
    assert procurement.stage == Procurement.Stage.CONTRACTED
    assert contract.company == shortlist[1].company
    assert (contract.fee_fen_per_m2_month, contract.filed_on - contract.signed_on) == (
        150,
        15 * DAY,
    )
    assert wf.contract_filed_late(contract) is False
    actions = set(
        AuditLog.objects.filter(action__startswith="procurement.").values_list("action", flat=True)
    )
    assert actions == {
        "procurement.create",
        "procurement.longlist",
        "procurement.shortlist",
        "procurement.report",
        "procurement.motion",
        "procurement.contract",
        "procurement.contract_file",
    }


def test_a_company_outside_the_streets_directory_is_rejected(world):
    place = make_place(world.a, 1)
    ours = directory(world.a, 1)
    elsewhere = DirectoryCompany.objects.create(street=world.b.community.street, name="外街道物业")
    procurement = wf.procurement_create(
        actor=place.worker, estate_id=place.estate.id, title="选聘物业"
    )
    with translation.override("en"), pytest.raises(LinliError) as excinfo:
        wf.procurement_longlist_add(
            actor=place.worker,
            procurement_id=procurement.id,
            company_ids=[ours[0].id, elsewhere.id],
        )
    assert excinfo.value.code == "not_in_directory"
    assert message_of(excinfo) == (
        "Only companies in the property company directory of "
        f"{world.a.community.street.name} can be chosen."
    )
    assert ProcurementCandidate.objects.count() == 0


def test_adding_a_listed_company_again_changes_nothing(world):
    place = make_place(world.a, 1)
    companies = directory(world.a, 2)
    procurement = wf.procurement_create(actor=place.worker, estate_id=place.estate.id, title="选聘")
    wf.procurement_longlist_add(
        actor=place.worker, procurement_id=procurement.id, company_ids=[companies[0].id]
    )
    added = wf.procurement_longlist_add(
        actor=place.worker, procurement_id=procurement.id, company_ids=[c.id for c in companies]
    )
    assert [c.company_id for c in added] == [companies[1].id]
    assert procurement.candidates.count() == 2


def test_a_shortlist_longer_than_n_is_rejected_and_changes_nothing(world):
    place = make_place(world.a, 1)
    procurement = wf.procurement_create(
        actor=place.worker, estate_id=place.estate.id, title="选聘", shortlist_size=2
    )
    listed = wf.procurement_longlist_add(
        actor=place.worker,
        procurement_id=procurement.id,
        company_ids=[c.id for c in directory(world.a, 3)],
    )
    with translation.override("en"), pytest.raises(LinliError) as excinfo:
        wf.procurement_shortlist(
            actor=place.worker, procurement_id=procurement.id, candidate_ids=[c.id for c in listed]
        )
    assert message_of(excinfo) == "The shortlist holds at most 2 companies; 3 were chosen."
    with pytest.raises(LinliError) as excinfo:
        wf.procurement_shortlist(
            actor=place.worker, procurement_id=procurement.id, candidate_ids=[listed[0].id]
        )
    assert excinfo.value.code == "shortlist_too_short"
    assert procurement.candidates.filter(shortlisted=True).count() == 0
    procurement.refresh_from_db()
    assert procurement.stage == Procurement.Stage.LONGLIST


def test_the_vote_needs_every_shortlisted_companys_report(world):
    place = make_place(world.a, 1)
    procurement = wf.procurement_create(actor=place.worker, estate_id=place.estate.id, title="选聘")
    listed = wf.procurement_longlist_add(
        actor=place.worker,
        procurement_id=procurement.id,
        company_ids=[c.id for c in directory(world.a, 2)],
    )
    wf.procurement_shortlist(
        actor=place.worker, procurement_id=procurement.id, candidate_ids=[c.id for c in listed]
    )
    wf.procurement_report(
        actor=place.worker,
        procurement_id=procurement.id,
        candidate_id=listed[0].id,
        report="服务规范。",
        inspected_on=clock.today(),
    )
    with translation.override("en"), pytest.raises(LinliError) as excinfo:
        put_to_vote(place, procurement)
    assert message_of(excinfo) == (
        f"The owners' committee has not reported on: {listed[1].company.name}."
    )
    assert Motion.objects.count() == 0
    assert Notice.objects.count() == 0


def test_a_vote_that_cannot_be_announced_leaves_the_shortlist_as_it_was(world):
    place = make_place(world.a, 1)
    procurement = shortlisted_procurement(place, companies=2, size=2)
    today = clock.today()
    with pytest.raises(LinliError) as excinfo:
        wf.procurement_motion_create(
            actor=place.worker,
            procurement_id=procurement.id,
            opens_on=today + 14 * DAY,
            closes_on=today + 20 * DAY,
        )
    assert excinfo.value.code == "notice_too_short"
    procurement.refresh_from_db()
    assert procurement.stage == Procurement.Stage.SHORTLIST and procurement.motion is None
    assert (Motion.objects.count(), Notice.objects.count()) == (0, 0)
    # Only the owners of building 7 vote when the estate's rules say so.
    building = place.estate.buildings.get()
    motion = wf.procurement_motion_create(
        actor=place.worker,
        procurement_id=procurement.id,
        opens_on=today + 15 * DAY,
        closes_on=today + 19 * DAY,
        scope=Motion.Scope.BUILDING,
        building_id=building.id,
    )
    assert (motion.scope, motion.building_id, motion.status) == (
        "building",
        building.id,
        "announced",
    )


def test_reports_are_only_for_shortlisted_companies_and_not_dated_ahead(world):
    place = make_place(world.a, 1)
    procurement = wf.procurement_create(actor=place.worker, estate_id=place.estate.id, title="选聘")
    listed = wf.procurement_longlist_add(
        actor=place.worker,
        procurement_id=procurement.id,
        company_ids=[c.id for c in directory(world.a, 3)],
    )
    wf.procurement_shortlist(
        actor=place.worker, procurement_id=procurement.id, candidate_ids=[c.id for c in listed[:2]]
    )
    with pytest.raises(Conflict) as excinfo:
        wf.procurement_report(
            actor=place.worker,
            procurement_id=procurement.id,
            candidate_id=listed[2].id,
            report="未入围",
            inspected_on=clock.today(),
        )
    assert excinfo.value.code == "not_shortlisted"
    with pytest.raises(LinliError) as excinfo:
        wf.procurement_report(
            actor=place.worker,
            procurement_id=procurement.id,
            candidate_id=listed[0].id,
            report="明天去看",
            inspected_on=clock.today() + DAY,
        )
    assert excinfo.value.code == "in_future"
    with pytest.raises(LinliError) as excinfo:
        wf.procurement_report(
            actor=place.worker,
            procurement_id=procurement.id,
            candidate_id=listed[0].id,
            report="附件",
            inspected_on=clock.today(),
            report_file=SimpleUploadedFile("r.txt", b"plain text"),
        )
    assert excinfo.value.code == "bad_type"
    saved = wf.procurement_report(
        actor=place.worker,
        procurement_id=procurement.id,
        candidate_id=listed[0].id,
        report="考察了三个在管小区。",
        inspected_on=clock.today(),
        report_file=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n"),
    )
    assert saved.report_file.name.endswith("r.pdf") and saved.inspected_by == place.worker
    url = reverse("votes:procurement_report_file", args=[procurement.id, listed[0].id])
    client = Client()
    client.force_login(place.worker)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="inspection-{listed[0].id}.pdf"'
    )
    assert response.getvalue() == b"%PDF-1.4\n"
    client.force_login(world.b.users["worker"])
    assert client.get(url).status_code == 404


def test_a_contract_before_the_motion_passed_is_rejected(world):
    place = make_place(world.a, 3)
    procurement = shortlisted_procurement(place, companies=3, size=3)
    motion = put_to_vote(place, procurement)
    terms = {
        "signed_on": clock.today(),
        "starts_on": clock.today(),
        "ends_on": clock.today() + 365 * DAY,
        "fee_fen_per_m2_month": 120,
    }
    with translation.override("en"), pytest.raises(Conflict) as excinfo:
        wf.procurement_contract_create(actor=place.worker, procurement_id=procurement.id, **terms)
    assert message_of(excinfo) == (
        "The owners have not chosen a company yet: record the contract after the vote has "
        "passed and been counted."
    )
    # One of three owners votes: the quorum (2/3) fails, nobody is chosen.
    vote_and_count(place, motion, [[1]])
    assert wf.procurement_decision(procurement).company is None
    with clock.travel((CLOSE_AFTER + 2) * DAY), pytest.raises(Conflict) as excinfo:
        terms["signed_on"] = clock.today()
        wf.procurement_contract_create(actor=place.worker, procurement_id=procurement.id, **terms)
    assert excinfo.value.code == "not_decided"
    assert ServiceContract.objects.count() == 0


def test_a_runoff_that_passes_decides_the_procurement(world):
    place = make_place(world.a, 4)
    procurement = shortlisted_procurement(place, companies=3, size=3)
    motion = put_to_vote(place, procurement)
    # 2–2 between options 1 and 2: neither has more than half, a run-off between them.
    vote_and_count(place, motion, [[1], [1], [2], [2]])
    assert wf.procurement_decision(procurement).company is None
    with clock.travel((CLOSE_AFTER + 1) * DAY):
        runoff = services.runoff_create(actor=place.worker, motion_id=motion.id)
        today = clock.today()
        services.motion_announce(
            actor=place.worker,
            motion_id=runoff.id,
            opens_on=today + 15 * DAY,
            closes_on=today + 19 * DAY,
        )
    with clock.travel((CLOSE_AFTER + 16) * DAY):
        services.motion_open(actor=place.worker, motion_id=runoff.id)
        for index, pick in enumerate([[2], [2], [2], [1]]):
            place.cast(runoff, index, pick)
    with clock.travel((CLOSE_AFTER + 21) * DAY):
        services.motion_close(actor=place.worker, motion_id=runoff.id)
        services.motion_tally(actor=place.worker, motion_id=runoff.id)
        decision = wf.procurement_decision(procurement)
        second = MotionOption.objects.get(motion=runoff, position=2)
        assert decision.motion == runoff and decision.company == second.company
        contract = wf.procurement_contract_create(
            actor=place.worker,
            procurement_id=procurement.id,
            signed_on=clock.today(),
            starts_on=clock.today(),
            ends_on=clock.today() + 365 * DAY,
            fee_fen_per_m2_month=95,
        )
    assert contract.company == second.company


def test_a_contract_filed_after_15_days_is_kept_and_flagged_late(world):
    place = make_place(world.a, 3)
    procurement = shortlisted_procurement(place, companies=3, size=3)
    vote_and_count(place, put_to_vote(place, procurement), [[3], [3], [3]])
    with clock.travel((CLOSE_AFTER + 1) * DAY):
        signed = clock.today()
        with pytest.raises(LinliError) as excinfo:
            wf.procurement_contract_create(
                actor=place.worker,
                procurement_id=procurement.id,
                signed_on=signed - DAY,
                starts_on=signed,
                ends_on=signed + 365 * DAY,
                fee_fen_per_m2_month=150,
            )
        assert excinfo.value.code == "signed_too_early"
        contract = wf.procurement_contract_create(
            actor=place.worker,
            procurement_id=procurement.id,
            signed_on=signed,
            starts_on=signed,
            ends_on=signed + 365 * DAY,
            fee_fen_per_m2_month=150,
        )
    assert wf.contract_filing_due(contract) == signed + 15 * DAY
    with clock.travel((CLOSE_AFTER + 1 + 16) * DAY):
        with pytest.raises(LinliError) as excinfo:
            wf.procurement_contract_file(
                actor=place.worker,
                procurement_id=procurement.id,
                filed_on=signed - DAY,
                filed_with="区住建局",
            )
        assert excinfo.value.code == "filed_too_early"
        filed = wf.procurement_contract_file(
            actor=place.worker,
            procurement_id=procurement.id,
            filed_on=clock.today(),
            filed_with="区住建局",
        )
        with pytest.raises(Conflict):
            wf.procurement_contract_file(
                actor=place.worker,
                procurement_id=procurement.id,
                filed_on=clock.today(),
                filed_with="区住建局",
            )
    assert (filed.filed_on - filed.signed_on).days == 16
    assert wf.contract_filed_late(filed) is True
    assert AuditLog.objects.get(action="procurement.contract_file").summary.endswith("(late)")


# --- electing an owners' committee ------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "households", "message"),
    [
        (3, 100, None),
        (
            3,
            101,
            "An area of 101 households needs a committee of at least 5 members (HZ-PMR Art. 27).",
        ),
        (6, 200, "A committee has an odd number of members (HZ-PMR Art. 27)."),
        (13, 200, "A committee has at most 11 members (HZ-PMR Art. 27)."),
        (11, 5000, None),
    ],
)
def test_committee_size_follows_vector_k1(world, size, households, message):
    place = make_place(world.a, 1)
    with translation.override("en"):
        if message is None:
            election = wf.election_create(
                actor=place.worker,
                estate_id=place.estate.id,
                title="业委会选举",
                specified_size=size,
                households=households,
            )
            assert (election.specified_size, election.stage) == (size, "nominating")
        else:
            with pytest.raises(LinliError) as excinfo:
                wf.election_create(
                    actor=place.worker,
                    estate_id=place.estate.id,
                    title="业委会选举",
                    specified_size=size,
                    households=households,
                )
            assert message_of(excinfo) == message
            assert Election.objects.count() == 0


def nominate_all(place: Place, election: Election, count: int) -> list[Nomination]:
    nominations = []
    for person in place.owners[:count]:
        nomination = wf.nomination_create(
            actor=place.worker, election_id=election.id, person_id=person.id, method="self"
        )
        wf.nomination_check(actor=place.worker, nomination_id=nomination.id, eligible=True)
        nominations.append(nomination)
    return nominations


def publish_and_announce(place: Place, election: Election) -> Motion:
    today = clock.today()
    wf.election_candidates_publish(
        actor=place.worker,
        election_id=election.id,
        starts_on=today,
        ends_on=today + 6 * DAY,
        vote_opens_on=today + OPEN_AFTER * DAY,
    )
    return wf.election_motion_create(
        actor=place.worker,
        election_id=election.id,
        opens_on=today + OPEN_AFTER * DAY,
        closes_on=today + CLOSE_AFTER * DAY,
    )


def run_election(
    place: Place, *, specified: int, households: int, candidates: int, picks: list[list[int]]
) -> Election:
    election = wf.election_create(
        actor=place.worker,
        estate_id=place.estate.id,
        title="第一届业主委员会选举",
        specified_size=specified,
        households=households,
    )
    nominate_all(place, election, candidates)
    motion = publish_and_announce(place, election)
    vote_and_count(place, motion, picks)
    with clock.travel((CLOSE_AFTER + 1) * DAY):
        wf.election_conclude(actor=place.worker, election_id=election.id)
    election.refresh_from_db()
    return election


@pytest.mark.parametrize(
    ("specified", "households", "elected", "stage"),
    [
        (9, 200, 5, "formed"),  # K2: 5 of 9 is at least 5 and more than 4.5
        (9, 200, 4, "not_formed"),  # K2: below the legal minimum of 5
        (11, 200, 5, "not_formed"),  # K2: 5 is not more than 5.5
        (3, 100, 3, "formed"),  # K1: 100 households may have 3
        (3, 100, 2, "not_formed"),
    ],
)
def test_committee_formed_follows_vector_k2_through_the_workflow(
    world, specified, households, elected, stage
):
    place = make_place(world.a, specified)
    # Every owner ticks the first `elected` candidates: they pass with 100%, the rest get 0%.
    chosen = list(range(1, elected + 1))
    election = run_election(
        place,
        specified=specified,
        households=households,
        candidates=specified,
        picks=[chosen] * specified,
    )
    assert election.stage == stage
    outcome = wf.election_outcome(election, wf.result_of(election.motion))
    assert outcome is not None
    assert [s.position for s in outcome.elected] == chosen
    assert outcome.alternates == () and outcome.formed is (stage == "formed")
    assert election.motion.seats == specified


def test_a_contested_election_seats_the_passing_candidates_by_rank(world):
    place = make_place(world.a, 7)
    # 5 seats, 7 candidates: 1–4 get 7 votes, 6 gets 5, 5 gets 2, 7 none. More than half of
    # the 7 participants is 4, so 5 and 7 fail and 6 takes the last seat.
    picks = [[1, 2, 3, 4, 6]] * 5 + [[1, 2, 3, 4, 5]] * 2
    election = run_election(place, specified=5, households=300, candidates=7, picks=picks)
    outcome = wf.election_outcome(election, wf.result_of(election.motion))
    assert outcome is not None
    assert [(s.name, s.headcount) for s in outcome.elected] == [
        ("业主01", 7),
        ("业主02", 7),
        ("业主03", 7),
        ("业主04", 7),
        ("业主06", 5),
    ]
    assert outcome.alternates == ()
    assert [(s.name, s.headcount) for s in outcome.others] == [("业主05", 2), ("业主07", 0)]
    assert election.stage == "formed"


def test_candidates_passing_beyond_the_seats_become_alternates_in_order(world):
    place = make_place(world.a, 5)
    # 3 seats, 5 candidates. Votes: 1 → 4; 2, 3 and 4 → 3 each; 5 → 2 (fails: 3 of 5 needed).
    # Owners' areas are 80.00, 80.10 … 80.40 m², so area ranks the three with 3 votes:
    # 4 (owners 3–5: 240.90 m²), 2 (owners 1, 2, 4: 240.40), 3 (owners 1–3: 240.30).
    picks = [[1, 2, 3], [1, 2, 3], [1, 3, 4], [2, 4, 5], [1, 4, 5]]
    election = run_election(place, specified=3, households=80, candidates=5, picks=picks)
    outcome = wf.election_outcome(election, wf.result_of(election.motion))
    assert outcome is not None
    assert [(s.name, s.headcount, s.area) for s in outcome.elected] == [
        ("业主01", 4, 32070),
        ("业主04", 3, 24090),
        ("业主02", 3, 24040),
    ]
    assert [(s.name, s.headcount, s.area) for s in outcome.alternates] == [("业主03", 3, 24030)]
    assert [(s.name, s.headcount) for s in outcome.others] == [("业主05", 2)]
    assert election.stage == "formed"


def _election(place: Place, size: int = 5, households: int = 200) -> Election:
    return wf.election_create(
        actor=place.worker,
        estate_id=place.estate.id,
        title="业委会换届选举",
        specified_size=size,
        households=households,
    )


def test_nominations_of_all_three_kinds_and_an_ineligible_one(world):
    place = make_place(world.a, 6)
    election = _election(place)
    outsider = f.PersonFactory(community=world.a.community, name="非业主")
    kinds = ["residents_committee", "residents_committee", "self", "self", "joint", "joint"]
    nominations = []
    for person, method in zip(place.owners, kinds, strict=True):
        nominations.append(
            wf.nomination_create(
                actor=place.worker,
                election_id=election.id,
                person_id=person.id,
                method=method,
                supporters=7 if method == "joint" else 3,
                statement=f"{person.name}愿为业主服务。",
            )
        )
    assert [n.supporters for n in nominations] == [0, 0, 0, 0, 7, 7]
    stranger = wf.nomination_create(
        actor=place.worker, election_id=election.id, person_id=outsider.id, method="self"
    )
    with translation.override("en"):
        with pytest.raises(LinliError) as excinfo:
            wf.nomination_check(actor=place.worker, nomination_id=stranger.id, eligible=True)
        assert message_of(excinfo) == (
            "非业主 owns no home in 金狮苑: only owners may stand (HZ-PMR Art. 25)."
        )
        with pytest.raises(LinliError) as excinfo:
            wf.nomination_check(actor=place.worker, nomination_id=stranger.id, eligible=False)
        assert message_of(excinfo) == "The reason is required."
        with pytest.raises(LinliError) as excinfo:
            wf.nomination_create(
                actor=place.worker,
                election_id=election.id,
                person_id=outsider.id,
                method="joint",
                supporters=1,
            )
        assert message_of(excinfo) == (
            "A joint nomination needs the number of owners who signed it (at least 2)."
        )
        with pytest.raises(Conflict) as excinfo:
            wf.nomination_create(
                actor=place.worker, election_id=election.id, person_id=outsider.id, method="self"
            )
        assert message_of(excinfo) == "非业主 has been nominated already."
    wf.nomination_check(
        actor=place.worker, nomination_id=stranger.id, eligible=False, note="非本小区业主"
    )
    with pytest.raises(LinliError) as excinfo:
        publish_and_announce(place, election)
    assert excinfo.value.code == "checks_pending"
    for nomination in nominations[:-1]:
        wf.nomination_check(actor=place.worker, nomination_id=nomination.id, eligible=True)
    wf.nomination_check(
        actor=place.worker, nomination_id=nominations[-1].id, eligible=False, note="拖欠物业费"
    )
    motion = publish_and_announce(place, election)
    election.refresh_from_db()
    notice = election.candidate_notice
    assert notice.kind == Notice.Kind.ELECTION_CANDIDATES and notice.status == "published"
    assert notice.estate == place.estate
    assert (notice.ends_on - notice.starts_on).days + 1 == 7
    for person in place.owners[:5]:
        assert person.name in notice.body
    assert place.owners[5].name not in notice.body and "非业主" not in notice.body
    assert list(motion.options.order_by("position").values_list("candidate_id", flat=True)) == [
        p.id for p in place.owners[:5]
    ]
    assert (motion.kind, motion.matter, motion.seats) == ("elect", "committee", 5)
    with pytest.raises(Conflict):
        wf.nomination_create(
            actor=place.worker, election_id=election.id, person_id=place.owners[5].id, method="self"
        )


def test_the_candidate_list_needs_enough_eligible_candidates(world):
    place = make_place(world.a, 4)
    election = _election(place, size=7, households=300)
    nominate_all(place, election, 4)
    with translation.override("en"), pytest.raises(LinliError) as excinfo:
        publish_and_announce(place, election)
    assert message_of(excinfo) == (
        "At least 5 eligible candidates are needed, or no committee could be formed "
        "(HZ-PMR Art. 27); there are 4."
    )


@pytest.mark.parametrize(
    ("ends", "opens", "message"),
    [
        (
            5,
            21,
            "The candidate list must stay published for at least 7 days (HZ-PMR Art. 26); "
            "{d0} to {d5} is 6 days.",
        ),
        (
            6,
            20,
            "The candidate list must come down at least 15 days before voting opens "
            "(HZ-PMR Art. 26): with voting from {d20}, the publication ends on {d5} at the latest.",
        ),
        (-1, 21, "The publication cannot end before it starts."),
    ],
)
def test_candidate_publicity_too_short_or_too_late_is_rejected(world, ends, opens, message):
    place = make_place(world.a, 5)
    election = _election(place)
    nominate_all(place, election, 5)
    today = clock.today()
    days = {f"d{n}": (today + n * DAY).isoformat() for n in (0, 5, 20)}
    with translation.override("en"), pytest.raises(LinliError) as excinfo:
        wf.election_candidates_publish(
            actor=place.worker,
            election_id=election.id,
            starts_on=today,
            ends_on=today + ends * DAY,
            vote_opens_on=today + opens * DAY,
        )
    assert message_of(excinfo) == message.format(**days)
    election.refresh_from_db()
    assert election.stage == "nominating" and Notice.objects.count() == 0


def test_the_vote_cannot_open_within_15_days_of_the_lists_end(world):
    place = make_place(world.a, 5)
    election = _election(place)
    nominate_all(place, election, 5)
    today = clock.today()
    wf.election_candidates_publish(
        actor=place.worker,
        election_id=election.id,
        starts_on=today,
        ends_on=today + 9 * DAY,
        vote_opens_on=today + 24 * DAY,
    )
    with pytest.raises(LinliError) as excinfo:
        wf.election_motion_create(
            actor=place.worker,
            election_id=election.id,
            opens_on=today + 23 * DAY,
            closes_on=today + 30 * DAY,
        )
    assert excinfo.value.code == "invalid_publicity"
    assert Motion.objects.count() == 0
    with pytest.raises(LinliError) as excinfo:
        wf.election_candidates_publish(
            actor=place.worker,
            election_id=election.id,
            starts_on=today,
            ends_on=today + 9 * DAY,
            vote_opens_on=today + 24 * DAY,
        )
    assert excinfo.value.code == "wrong_stage"


def test_the_candidate_list_cannot_start_in_the_past(world):
    place = make_place(world.a, 5)
    election = _election(place)
    nominate_all(place, election, 5)
    today = clock.today()
    with pytest.raises(LinliError) as excinfo:
        wf.election_candidates_publish(
            actor=place.worker,
            election_id=election.id,
            starts_on=today - DAY,
            ends_on=today + 6 * DAY,
            vote_opens_on=today + 30 * DAY,
        )
    assert excinfo.value.code == "starts_in_past"


def test_conclude_waits_for_the_count_and_filing_follows_pmr_art_16(world):
    place = make_place(world.a, 5)
    election = _election(place, size=5, households=80)
    nominate_all(place, election, 5)
    motion = publish_and_announce(place, election)
    with pytest.raises(Conflict) as excinfo:
        wf.election_conclude(actor=place.worker, election_id=election.id)
    assert excinfo.value.code == "not_counted"
    with pytest.raises(Conflict):
        wf.election_file(
            actor=place.worker, election_id=election.id, filed_on=clock.today(), filed_with="街道"
        )
    vote_and_count(place, motion, [[1, 2, 3, 4, 5]] * 5)
    with clock.travel((CLOSE_AFTER + 1) * DAY):
        wf.election_conclude(actor=place.worker, election_id=election.id)
    election.refresh_from_db()
    assert election.stage == "formed"
    assert wf.election_filing_due(election) == motion.closes_on + 30 * DAY
    with clock.travel((CLOSE_AFTER + 31) * DAY):
        with pytest.raises(LinliError) as excinfo:
            wf.election_file(
                actor=place.worker,
                election_id=election.id,
                filed_on=motion.closes_on - DAY,
                filed_with="上城区住建局、小营街道",
            )
        assert excinfo.value.code == "filed_too_early"
        wf.election_file(
            actor=place.worker,
            election_id=election.id,
            filed_on=motion.closes_on + 31 * DAY,
            filed_with="上城区住建局、小营街道",
        )
    election.refresh_from_db()
    assert election.filed_on == motion.closes_on + 31 * DAY
    assert wf.election_filed_late(election) is True


# --- who may run the workflows ------------------------------------------------------------------


def seat_committee(side: Any, estate: Any) -> Any:
    committee = f.OrganisationFactory(
        community=side.community,
        kind=Organisation.Kind.OWNERS_COMMITTEE,
        name=f"{estate.name}业主委员会",
        estate=estate,
    )
    user = side.users["committee"]
    RoleAssignment.objects.filter(user=user, community=side.community, role=Role.COMMITTEE).update(
        organisation=committee
    )
    return user


def test_the_estates_committee_manages_and_others_get_not_found(world):
    place = make_place(world.a, 1)
    member = seat_committee(world.a, place.estate)
    procurement = wf.procurement_create(actor=member, estate_id=place.estate.id, title="选聘")
    assert procurement.created_by == member
    other_estate_member = seat_committee(world.b, world.b.estate)
    for actor in (
        world.a.users["owner"],
        world.a.users["street"],
        world.b.users["worker"],
        other_estate_member,
    ):
        with pytest.raises(NotFound):
            wf.procurement_shortlist(actor=actor, procurement_id=procurement.id, candidate_ids=[])
        with pytest.raises(NotFound):
            wf.election_create(
                actor=actor,
                estate_id=place.estate.id,
                title="选举",
                specified_size=5,
                households=200,
            )


# --- pages ------------------------------------------------------------------------------------------


def test_pages_walk_a_procurement_and_show_refusals(world):
    place = make_place(world.a, 1)
    companies = directory(world.a, 3)
    client = english(place.worker)
    response = client.post(
        reverse("votes:procurement_create"),
        {"estate": place.estate.id, "title": "7幢8幢选聘物业", "shortlist_size": 2},
    )
    procurement = Procurement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("votes:procurement_longlist", args=[procurement.id])
    response = client.post(
        reverse("votes:procurement_longlist", args=[procurement.id]),
        {"company": [c.id for c in companies]},
    )
    assert response.status_code == 302 and procurement.candidates.count() == 3
    ids = list(procurement.candidates.values_list("id", flat=True))
    response = client.post(
        reverse("votes:procurement_shortlist", args=[procurement.id]), {"candidate": ids}
    )
    assert response.status_code == 400
    assert "The shortlist holds at most 2 companies; 3 were chosen." in response.content.decode()
    response = client.post(
        reverse("votes:procurement_shortlist", args=[procurement.id]), {"candidate": ids[:2]}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("votes:procurement_longlist", args=[procurement.id]), {"remove": ids[2]}
    )
    assert response.status_code == 302 and procurement.candidates.count() == 2
    response = client.post(
        reverse("votes:procurement_report", args=[procurement.id, ids[0]]),
        {"inspected_on": clock.today().isoformat(), "report": "物业用房整洁，台账齐全。"},
    )
    assert response.status_code == 302
    response = client.get(reverse("votes:procurement_motion", args=[procurement.id]))
    assert response.status_code == 200 and response.context["ready"] is False
    response = client.get(reverse("votes:procurement", args=[procurement.id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Report missing" in body and companies[1].name in body
    response = client.post(
        reverse("votes:procurement_contract", args=[procurement.id]),
        {
            "signed_on": clock.today().isoformat(),
            "starts_on": clock.today().isoformat(),
            "ends_on": (clock.today() + 365 * DAY).isoformat(),
            "fee": "1.50",
        },
    )
    assert response.status_code == 409 and ServiceContract.objects.count() == 0


def test_pages_walk_an_election_from_nomination_to_publication(world):
    place = make_place(world.a, 5)
    client = english(place.worker)
    response = client.post(
        reverse("votes:election_create"),
        {
            "estate": place.estate.id,
            "title": "第一届业委会选举",
            "specified_size": 4,
            "households": 80,
        },
    )
    assert response.status_code == 400
    assert "A committee has an odd number of members (HZ-PMR Art. 27)." in response.content.decode()
    response = client.post(
        reverse("votes:election_create"),
        {
            "estate": place.estate.id,
            "title": "第一届业委会选举",
            "specified_size": 5,
            "households": 80,
        },
    )
    election = Election.objects.get()
    assert response.status_code == 302
    response = client.get(reverse("votes:nominate", args=[election.id]), {"q": "业主03"})
    assert [n.person_id for n in response.context["found"]] == [place.owners[2].id]
    response = client.get(reverse("votes:nominate", args=[election.id]), {"q": "105"})
    assert [n.home for n in response.context["found"]] == ["7幢1单元105"]
    for person in place.owners:
        response = client.post(
            reverse("votes:nominate", args=[election.id]),
            {"person": person.id, "method": "joint", "supporters": 5, "statement": "热心公益"},
        )
        assert response.status_code == 302
    for nomination in election.nominations.all():
        response = client.post(
            reverse("votes:nomination_check", args=[election.id, nomination.id]), {"eligible": "1"}
        )
        assert response.status_code == 302
    today = clock.today()
    response = client.post(
        reverse("votes:election_candidates", args=[election.id]),
        {
            "starts_on": today.isoformat(),
            "ends_on": (today + 5 * DAY).isoformat(),
            "vote_opens_on": (today + 30 * DAY).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "must stay published for at least 7 days" in response.content.decode()
    response = client.post(
        reverse("votes:election_candidates", args=[election.id]),
        {
            "starts_on": today.isoformat(),
            "ends_on": (today + 6 * DAY).isoformat(),
            "vote_opens_on": (today + 21 * DAY).isoformat(),
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("votes:election_motion", args=[election.id]),
        {
            "opens_on": (today + 21 * DAY).isoformat(),
            "closes_on": (today + 25 * DAY).isoformat(),
            "meeting_kind": "regular",
        },
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.stage == "voting" and election.motion.status == "announced"
    response = client.post(reverse("votes:election_conclude", args=[election.id]))
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.stage == "voting"
    response = client.get(reverse("votes:election", args=[election.id]))
    assert response.status_code == 200
    assert "The election has not been counted yet." in response.content.decode()


def test_another_communitys_worker_cannot_post_to_this_estate(world):
    place = make_place(world.a, 1)
    client = english(world.b.users["worker"])
    response = client.post(
        reverse("votes:procurement_create"),
        {"estate": place.estate.id, "title": "越权", "shortlist_size": 5},
    )
    assert response.status_code == 404
    assert Procurement.objects.count() == 0


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_procurement_pages_have_a_bounded_number_of_queries(world):
    place = make_place(world.a, 3)
    client = english(place.worker)
    small = shortlisted_procurement(place, companies=2, size=2)
    large = shortlisted_procurement(place, companies=9, size=5)
    list_url = reverse("votes:procurements")
    assert _queries(client, list_url) <= 8
    for name in ("votes:procurement", "votes:procurement_longlist", "votes:procurement_shortlist"):
        few = _queries(client, reverse(name, args=[small.id]))
        many = _queries(client, reverse(name, args=[large.id]))
        assert few == many <= 9, name
    # With its vote: the deciding motion, its result and any run-off add three reads.
    put_to_vote(place, large)
    assert _queries(client, reverse("votes:procurement", args=[large.id])) <= 11
    wf.procurement_create(actor=place.worker, estate_id=place.estate.id, title="再选聘")
    assert _queries(client, list_url) <= 8


def test_election_pages_have_a_bounded_number_of_queries(world):
    place = make_place(world.a, 9)
    client = english(place.worker)
    small = _election(place, size=3, households=50)
    nominate_all(place, small, 2)
    large = _election(place, size=9, households=500)
    nominate_all(place, large, 9)
    publish_and_announce(place, large)
    assert _queries(client, reverse("votes:elections")) <= 8
    for name in ("votes:election", "votes:election_candidates"):
        few = _queries(client, reverse(name, args=[small.id]))
        many = _queries(client, reverse(name, args=[large.id]))
        assert few == many <= 8, name
    assert _queries(client, reverse("votes:nominate", args=[small.id]) + "?q=业主") <= 8


def test_the_election_page_shows_the_committee_and_alternates(world):
    place = make_place(world.a, 4)
    # Four candidates with 3 votes each; area ranks them 4, 3, 2, 1 (owners 80.00–80.30 m²).
    picks = [[1, 2, 3], [1, 2, 4], [1, 3, 4], [2, 3, 4]]
    election = run_election(place, specified=3, households=60, candidates=4, picks=picks)
    response = english(place.worker).get(reverse("votes:election", args=[election.id]))
    outcome = response.context["outcome"]
    assert [s.name for s in outcome.elected] == ["业主04", "业主03", "业主02"]
    assert [(s.name, s.headcount) for s in outcome.alternates] == [("业主01", 3)]
    body = response.content.decode()
    assert "Alternate 1" in body
    assert "Formed: 3 elected of 3, at least 3 and more than half." in body
