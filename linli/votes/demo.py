"""Demo data of owners' decisions: the seed's two cases in 金狮苑 (issue 3, item 5).

1. Choosing a property company for buildings 7 and 8, whose company walked out: nine companies
   of 小营街道's directory on the longlist, five shortlisted and inspected on site by the owners'
   committee, and the owners' choose-one vote open now, with paper ballots already entered
   (two still waiting for the second worker's check). The four demo owners (沈建华, 钱美娟,
   徐国平 of 7幢1单元401, 方桂英) have not voted, so each can vote with their demo login.
   Hiring a property company is a decision of the whole estate's owners' assembly (Civil Code
   Art. 278 item 4), so every owner of 金狮苑 is on the roll.
2. The election of the third owners' committee in June 2025: nominations by the residents'
   committee, by the candidates themselves and jointly by owners, one nominee found ineligible,
   the candidate list published, the election counted and published, the committee formed (the
   seven members the registry seats since 2025-06-28) with two alternates, and its filing.

Everything goes through the services with the platform clock moved to each step's date
(`clock.travel`), so notice periods and voting windows are checked as in real use. The 2025
online ballots are the one exception: they are written in bulk as a record of the vote (the
demo's owners have no accounts to cast them with), and the tally is then computed from them by
the ordinary services. `load` is idempotent: a second run finds both cases and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q

from linli.accounts.models import User
from linli.core import clock
from linli.notifications.models import Notification
from linli.registry.demo.accounts import ACCOUNTS_BY_KEY
from linli.registry.models import (
    Building,
    Community,
    DirectoryCompany,
    Estate,
    Membership,
    Organisation,
    Ownership,
    Person,
    Unit,
)
from linli.votes import services
from linli.votes import workflows as wf
from linli.votes.models import (
    Ballot,
    Election,
    Motion,
    Nomination,
    Procurement,
    RollOwner,
    RollVoter,
)

ESTATE = "金狮苑"
PROCUREMENT_TITLE = "金狮苑7幢、8幢物业服务企业选聘"
ELECTION_TITLE = "金狮苑第三届业主委员会选举"
FILED_WITH_CONTRACT = "上城区住房和城市建设局"
FILED_WITH_COMMITTEE = "上城区住房和城市建设局、小营街道办事处"
SCAN = b"%PDF-1.4\n% demo: scan of a signed paper ballot\n"

# The longlist: the directory's eight companies suited to old estates and one more AAA company.
LONGLIST = (
    "杭州和睦物业服务有限公司",
    "杭州安居物业管理有限公司",
    "浙江邻安物业服务有限公司",
    "杭州清泰物业管理有限公司",
    "杭州吴山物业管理有限公司",
    "杭州望江物业服务有限公司",
    "杭州宜居物业管理有限公司",
    "杭州鼓楼物业管理有限公司",
    "浙江恒信物业服务有限公司",
)
# (company, days before today it was inspected, the owners' committee's report).
SHORTLIST = (
    (
        "杭州安居物业管理有限公司",
        33,
        "实地考察其在管的清波街道两个老旧小区：门岗24小时值守，楼道保洁每日一次；报修平均"
        "当日响应。业主满意度调查得分92分。收费标准每月每平方米1.30元，公共收益每季度公示。",
    ),
    (
        "杭州吴山物业管理有限公司",
        31,
        "考察其在管的城头巷小区：熟悉老旧小区管理，设有党员先锋岗；电梯加装后维保经验丰富。"
        "部分楼道照明维修偏慢。收费标准每月每平方米1.20元。",
    ),
    (
        "杭州和睦物业服务有限公司",
        30,
        "考察其在管的本小区其他楼幢：人员稳定，与业委会、社区配合良好；停车管理较规范。"
        "绿化养护有待加强。收费标准每月每平方米1.35元。",
    ),
    (
        "浙江邻安物业服务有限公司",
        28,
        "考察其在管的望江街道小区：智慧门禁与线上报修平台运行良好，维修基金使用台账清晰。"
        "项目经理同时负责两个小区，驻场时间不足。收费标准每月每平方米1.25元。",
    ),
    (
        "杭州望江物业服务有限公司",
        27,
        "考察其在管的始版桥小区：保洁、秩序维护到位，重大事项能与业主协商。"
        "夜间值班人员年龄偏大。收费标准每月每平方米1.15元。",
    ),
)
# The paper ballots of the open vote: the option each one marks (positions 1–5).
PAPER_CHOICES = (2, 1, 2, 3, 2, 5, 1, 2, 4, 2, 3, 2, 1, 2, 5, 2, 3, 1, 2, 4, 2, 2, 1, 3)
PAPER_UNCHECKED = 2

# The 2025 election, date by date.
NOMINATED_ON = date(2025, 5, 6)
CHECKED_ON = date(2025, 5, 12)
LIST_FROM, LIST_UNTIL = date(2025, 5, 16), date(2025, 5, 25)
ANNOUNCED_ON = date(2025, 5, 26)
VOTING_FROM, VOTING_UNTIL = date(2025, 6, 13), date(2025, 6, 27)
COUNTED_ON = date(2025, 6, 28)
FILED_ON = date(2025, 7, 8)
SPECIFIED_SIZE = 7
MEMBER_STATEMENTS = (
    "连任业委会主任，继续推动业联体三方协商和阳光财务。",
    "退休教师，党员，愿为小区公共事务出力。",
    "党员，熟悉物业管理法规，负责维修资金使用监督。",
    "在小区居住二十多年，热心公益，愿意多跑腿。",
    "从事财务工作，可协助公共收益的记账与公示。",
    "关注停车与绿化，愿意协调邻里矛盾。",
    "年轻业主，擅长线上表决与信息公开。",
)
# Each ballot of the 2025 election ticks seven of the nine candidates: all but one pair of
# these (positions 1–7 are the members, 8 and 9 the alternates). Over the 20 patterns the chair
# is always ticked, the other members 80% of the time and the alternates 60%.
OMITTED = (
    (8, 9),
    (8, 9),
    *((8, p) for p in range(2, 8)),
    *((9, p) for p in range(2, 8)),
    (2, 3),
    (4, 5),
    (6, 7),
    (2, 5),
    (3, 6),
    (4, 7),
)


@dataclass(frozen=True)
class DemoVotesResult:
    """What `load` wrote: False where that case was already there."""

    procurement: bool
    election: bool


def load(community: Community) -> DemoVotesResult:
    """Write the two cases into 金狮苑 of `community` (the demo's main community), once."""
    estate = Estate.objects.get(community=community, name=ESTATE)
    with transaction.atomic():
        election = not Election.objects.filter(community=community, title=ELECTION_TITLE).exists()
        if election:
            _Election(community, estate).run()
        procurement = not Procurement.objects.filter(
            community=community, title=PROCUREMENT_TITLE
        ).exists()
        if procurement:
            _Procurement(community, estate).run()
    return DemoVotesResult(procurement=procurement, election=election)


def _account(key: str) -> User:
    return User.objects.get(phone=ACCOUNTS_BY_KEY[key].phone)


def _on(day: date) -> Any:
    """Move the platform clock to `day` (at the current time of day)."""
    return clock.travel(timedelta(days=(day - clock.today()).days))


def _account_person_ids(community: Community) -> set[int]:
    return set(
        Person.objects.filter(community=community, user__isnull=False).values_list("id", flat=True)
    )


class _Procurement:
    def __init__(self, community: Community, estate: Estate) -> None:
        self.community = community
        self.estate = estate
        self.worker = _account("worker")
        self.committee = _account("committee")
        self.admin = _account("admin")
        self.today = clock.today()

    def day(self, offset: int) -> Any:
        return _on(self.today + timedelta(days=offset))

    def run(self) -> None:
        companies = dict(
            DirectoryCompany.objects.filter(
                street_id=self.community.street_id, name__in=LONGLIST
            ).values_list("name", "id")
        )
        with self.day(-40):
            procurement = wf.procurement_create(
                actor=self.worker, estate_id=self.estate.id, title=PROCUREMENT_TITLE
            )
        with self.day(-38):
            listed = wf.procurement_longlist_add(
                actor=self.worker,
                procurement_id=procurement.id,
                company_ids=[companies[name] for name in LONGLIST],
            )
        by_name = {c.company.name: c for c in listed}
        with self.day(-35):
            wf.procurement_shortlist(
                actor=self.worker,
                procurement_id=procurement.id,
                candidate_ids=[by_name[name].id for name, _days, _text in SHORTLIST],
            )
        for name, days, text in SHORTLIST:
            with self.day(-days):
                wf.procurement_report(
                    actor=self.committee,
                    procurement_id=procurement.id,
                    candidate_id=by_name[name].id,
                    report=text,
                    inspected_on=clock.today(),
                )
        with self.day(-20):
            motion = wf.procurement_motion_create(
                actor=self.worker,
                procurement_id=procurement.id,
                title="选聘金狮苑7幢、8幢物业服务企业",
                body=(
                    "金狮苑7幢、8幢原物业服务企业撤场后，社区党委从区住建局物业企业名录库中挑选"
                    "资质好、信誉高、适合老旧小区的5家企业，经业委会实地考察，现提请业主大会"
                    "从中选定一家。各企业的考察报告附在选项说明中。"
                ),
                opens_on=self.today - timedelta(days=5),
                closes_on=self.today + timedelta(days=9),
                scope=Motion.Scope.UNITS,
                building_ids=list(
                    Building.objects.filter(estate=self.estate, number__in=("7", "8")).values_list(
                        "id", flat=True
                    )
                ),
            )
        with self.day(-5):
            services.motion_open(actor=self.worker, motion_id=motion.id)
        self._paper_ballots(motion)

    def _paper_ballots(self, motion: Motion) -> None:
        """Paper ballots from owners of buildings 7 and 8, entered by one worker and checked by
        another, the last two still waiting for their check."""
        accounts = _account_person_ids(self.community)
        taken = set(
            RollOwner.objects.filter(motion=motion, person_id__in=accounts).values_list(
                "voter_id", flat=True
            )
        )
        voters = [
            v
            for v in RollVoter.objects.filter(motion=motion, is_developer=False)
            .filter(Q(label__startswith="7幢") | Q(label__startswith="8幢"))
            .order_by("number")
            if v.id not in taken
        ][: len(PAPER_CHOICES)]
        owners = _representatives(motion)
        for index, (voter, option) in enumerate(zip(voters, PAPER_CHOICES, strict=False)):
            with self.day(-4 + index * 4 // len(PAPER_CHOICES)):
                ballot = services.ballot_enter(
                    actor=self.admin,
                    motion_id=motion.id,
                    voter_id=voter.id,
                    owner_id=owners[voter.id],
                    document=SimpleUploadedFile("ballot.pdf", SCAN, "application/pdf"),
                    options=[option],
                )
                if index < len(voters) - PAPER_UNCHECKED:
                    services.ballot_check(actor=self.worker, ballot_id=ballot.id, accepted=True)


def _representatives(motion: Motion) -> dict[int, int]:
    """Each roll voter's representative owner (or its first owner)."""
    owners: dict[int, int] = {}
    for voter_id, person_id in (
        RollOwner.objects.filter(motion=motion)
        .order_by("voter_id", "-is_representative", "person_id")
        .values_list("voter_id", "person_id")
    ):
        owners.setdefault(voter_id, person_id)
    return owners


class _Election:
    def __init__(self, community: Community, estate: Estate) -> None:
        self.community = community
        self.estate = estate
        self.worker = _account("worker")

    def run(self) -> None:
        members = self._members()
        alternates, ineligible = self._others(set(members))
        households = Unit.objects.filter(estate=self.estate, kind=Unit.Kind.FLAT).count()
        with _on(date(2025, 4, 20)):
            election = wf.election_create(
                actor=self.worker,
                estate_id=self.estate.id,
                title=ELECTION_TITLE,
                specified_size=SPECIFIED_SIZE,
                households=households,
            )
        nominations = self._nominate(election, members, alternates, ineligible)
        with _on(CHECKED_ON):
            for nomination in nominations[:-1]:
                wf.nomination_check(actor=self.worker, nomination_id=nomination.id, eligible=True)
            wf.nomination_check(
                actor=self.worker,
                nomination_id=nominations[-1].id,
                eligible=False,
                note="其配偶在本小区物业服务企业任职，不符合议事规则规定的候选人条件",
            )
        with _on(LIST_FROM):
            wf.election_candidates_publish(
                actor=self.worker,
                election_id=election.id,
                starts_on=LIST_FROM,
                ends_on=LIST_UNTIL,
                vote_opens_on=VOTING_FROM,
            )
        with _on(ANNOUNCED_ON):
            motion = wf.election_motion_create(
                actor=self.worker,
                election_id=election.id,
                opens_on=VOTING_FROM,
                closes_on=VOTING_UNTIL,
            )
        with _on(VOTING_FROM):
            services.motion_open(actor=self.worker, motion_id=motion.id)
        self._ballots(motion)
        with _on(COUNTED_ON):
            services.motion_close(actor=self.worker, motion_id=motion.id)
            services.motion_tally(actor=self.worker, motion_id=motion.id)
            services.motion_publish(actor=self.worker, motion_id=motion.id)
            wf.election_conclude(actor=self.worker, election_id=election.id)
        with _on(FILED_ON):
            wf.election_file(
                actor=self.worker,
                election_id=election.id,
                filed_on=FILED_ON,
                filed_with=FILED_WITH_COMMITTEE,
            )
        self._date_history(motion)

    def _date_history(self, motion: Motion) -> None:
        """The 2025 election's messages belong to 2025 and were read then, not today."""
        for url, day in (
            (f"/votes/{motion.public_id}/", ANNOUNCED_ON),
            (f"/votes/{motion.public_id}/result/", COUNTED_ON),
        ):
            moment = datetime.combine(day, time(9, 0), tzinfo=clock.SHANGHAI)
            Notification.objects.filter(url=url).update(created_at=moment, read_at=moment)

    def _members(self) -> list[int]:
        """The persons the registry seats on the estate's committee, chair first."""
        committee = Organisation.objects.get(
            community=self.community,
            kind=Organisation.Kind.OWNERS_COMMITTEE,
            estate=self.estate,
        )
        return list(
            Membership.objects.filter(organisation=committee, until__isnull=True)
            .order_by("id")
            .values_list("person_id", flat=True)
        )

    def _others(self, members: set[int]) -> tuple[list[int], int]:
        """Two owners of building 8 who become alternates, and one owner of building 7 whom the
        check finds ineligible: residents without a demo account, not on the committee."""
        skip = members | _account_person_ids(self.community)
        rows = (
            Ownership.objects.filter(
                unit__estate=self.estate,
                unit__kind=Unit.Kind.FLAT,
                unit__building__number__in=("7", "8"),
                until__isnull=True,
                is_representative=True,
                person__kind=Person.Kind.INDIVIDUAL,
                person__is_developer=False,
            )
            .order_by("unit__building__sort_key", "unit__entrance__number", "unit__sort_key")
            .values_list("person_id", "unit__building__number")
        )
        eights = [p for p, b in rows if b == "8" and p not in skip]
        sevens = [p for p, b in rows if b == "7" and p not in skip]
        return list(dict.fromkeys(eights))[:2], sevens[-1]

    def _nominate(
        self, election: Election, members: list[int], alternates: list[int], ineligible: int
    ) -> list[Nomination]:
        method = Nomination.Method
        # The chair and the two Party members are recommended by the residents' committee.
        plan = [
            (members[0], method.RESIDENTS_COMMITTEE, 0),
            (members[1], method.RESIDENTS_COMMITTEE, 0),
            (members[2], method.RESIDENTS_COMMITTEE, 0),
            (members[3], method.SELF, 0),
            (members[4], method.SELF, 0),
            (members[5], method.JOINT, 9),
            (members[6], method.JOINT, 12),
            (alternates[0], method.SELF, 0),
            (alternates[1], method.JOINT, 6),
            (ineligible, method.JOINT, 5),
        ]
        statements = [
            *MEMBER_STATEMENTS,
            "8幢业主，愿为7、8幢换物业出一份力。",
            "8幢业主，退休工程师，可协助监督维修工程。",
            "7幢业主，希望为小区服务。",
        ]
        nominations = []
        with _on(NOMINATED_ON):
            for (person, how, supporters), statement in zip(plan, statements, strict=True):
                nominations.append(
                    wf.nomination_create(
                        actor=self.worker,
                        election_id=election.id,
                        person_id=person,
                        method=how,
                        supporters=supporters,
                        statement=statement,
                    )
                )
        return nominations

    def _ballots(self, motion: Motion) -> None:
        """The 2025 online ballots: three owners in four voted, the demo accounts did not."""
        accounts = _account_person_ids(self.community)
        owners = _representatives(motion)
        skip = set(
            RollOwner.objects.filter(motion=motion, person_id__in=accounts).values_list(
                "voter_id", flat=True
            )
        )
        voters = [
            voter_id
            for voter_id, number in RollVoter.objects.filter(motion=motion)
            .order_by("number")
            .values_list("id", "number")
            if number % 4 and voter_id not in skip
        ]
        days = (VOTING_UNTIL - VOTING_FROM).days + 1
        trackers: set[str] = set()
        ballots = []
        for index, voter_id in enumerate(voters):
            omitted = OMITTED[index % len(OMITTED)]
            tracker = services.new_tracker()
            while tracker in trackers:
                tracker = services.new_tracker()
            trackers.add(tracker)
            moment = datetime.combine(
                VOTING_FROM + timedelta(days=index % days),
                time(8 + index % 12, index % 60),
                tzinfo=clock.SHANGHAI,
            )
            ballots.append(
                Ballot(
                    community_id=motion.community_id,
                    motion=motion,
                    voter_id=voter_id,
                    owner_id=owners[voter_id],
                    revision=1,
                    channel=Ballot.Channel.ONLINE,
                    options=[p for p in range(1, 10) if p not in omitted],
                    tracker=tracker,
                    cast_at=moment,
                )
            )
        Ballot.objects.bulk_create(ballots, batch_size=500)
