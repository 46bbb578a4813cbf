"""Objects of one side of the authorization world that the votes rows address.

`build(side)` gives each side: a draft yes/no motion, a draft choice with two options, an
announced motion, an open motion whose roll has the owner (who has not voted) and a paper
ballot entered by a second worker (so the side's worker and admin may check it), a tallied
motion and a published one, a procurement with one longlisted company and an election with one
nomination.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.accounts.models import Role
from linli.registry.models import DirectoryCompany
from linli.votes import services
from linli.votes.models import (
    Ballot,
    Election,
    Motion,
    Nomination,
    Procurement,
    ProcurementCandidate,
    RollVoter,
)
from linli.votes.tests import builders
from tests import factories as f

PDF = b"%PDF-1.4\n% ballot scan\n"


@dataclass
class VotesExtra:
    draft: Motion
    choice_draft: Motion
    announced: Motion
    open: Motion
    voter: RollVoter
    paper: Ballot
    tallied: Motion
    published: Motion
    procurement: Procurement
    candidate: ProcurementCandidate
    election: Election
    nomination: Nomination
    second_worker: Any


def scan(name: str = "ballot.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build(side: Any) -> VotesExtra:
    worker = side.users["worker"]
    second = f.UserFactory(name="第二社工")
    f.RoleFactory(user=second, community=side.community, role=Role.WORKER)
    draft = builders.draft(worker, side.estate, title="草稿表决")
    choice_draft = builders.draft(
        worker,
        side.estate,
        title="选择方案",
        kind=Motion.Kind.CHOOSE_ONE,
        matter=Motion.Matter.OTHER_MAJOR,
        options=["方案一", "方案二"],
    )
    announced = builders.announced(worker, side.estate, title="已公告表决")
    open_motion = builders.opened(worker, side.estate, title="进行中表决")
    voter = RollVoter.objects.get(motion=open_motion, owners__person=side.owner_person)
    paper = services.ballot_enter(
        actor=second,
        motion_id=open_motion.id,
        voter_id=voter.id,
        owner_id=side.owner_person.id,
        document=scan(),
        choice="yes",
    )
    tallied = builders.opened(worker, side.estate, title="已计票表决")
    builders.closed(worker, tallied)
    with builders.after_close():
        services.motion_tally(actor=worker, motion_id=tallied.id)
    published = builders.opened(worker, side.estate, title="已公布表决")
    builders.closed(worker, published)
    with builders.after_close():
        services.motion_tally(actor=worker, motion_id=published.id)
        services.motion_publish(actor=worker, motion_id=published.id)
    company = DirectoryCompany.objects.create(
        street=side.community.street, name=f"{side.community.name}物业公司"
    )
    procurement = Procurement.objects.create(
        community=side.community, estate=side.estate, title="选聘物业", created_by=worker
    )
    candidate = ProcurementCandidate.objects.create(
        community=side.community, procurement=procurement, company=company
    )
    candidate.report_file.save("report.pdf", ContentFile(PDF))
    election = Election.objects.create(
        community=side.community,
        estate=side.estate,
        title="第二届业委会选举",
        specified_size=5,
        households=2,
        created_by=worker,
    )
    nomination = Nomination.objects.create(
        community=side.community,
        election=election,
        person=side.owner_person,
        method=Nomination.Method.SELF,
    )
    for motion in (draft, choice_draft, announced, open_motion, tallied, published):
        motion.refresh_from_db()
    assert date.today() <= open_motion.closes_on  # type: ignore[operator]
    return VotesExtra(
        draft=draft,
        choice_draft=choice_draft,
        announced=announced,
        open=open_motion,
        voter=voter,
        paper=paper,
        tallied=tallied,
        published=published,
        procurement=procurement,
        candidate=candidate,
        election=election,
        nomination=nomination,
        second_worker=second,
    )


def votes(side: Any) -> VotesExtra:
    return side.votes  # type: ignore[no-any-return]
