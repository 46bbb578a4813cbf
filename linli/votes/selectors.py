"""Reads of owners' decisions for residents: my votes, one vote's page, my ballots, my receipts.

Who sees a motion: members of its community whose home (owned or lived in now) is in its estate,
anyone on its frozen roll (someone who sold after voting opened still votes), and those who may
manage it (staff of the community, the estate's owners' committee). Residents never see drafts
or cancelled motions; another community's motion answers NotFound, like anything unknown.

A roll voter's standing ballot is its latest online ballot or paper/proxy ballot not rejected by
the second worker (a paper ballot waiting for its check already stops a second one, as in
`services.ballot_cast`). Co-owners share one voter, so they see each other's receipt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.accounts.selectors import community_ids_for, staff_community_ids
from linli.core import clock
from linli.core.errors import NotFound
from linli.notices.selectors import committee_estate_ids
from linli.registry.models import Unit
from linli.votes.models import Ballot, Motion, MotionOption, RollOwner, RollVoter
from linli.votes.services import can_manage

# What residents may see; drafts and cancelled motions are for those who manage them.
RESIDENT_STATUSES = (
    Motion.StatusChoices.ANNOUNCED,
    Motion.StatusChoices.OPEN,
    Motion.StatusChoices.CLOSED,
    Motion.StatusChoices.TALLIED,
    Motion.StatusChoices.PUBLISHED,
)
# Published results stay on "My votes" this long after publication.
RECENT_RESULT_DAYS = 90
STANDING = Q(channel=Ballot.Channel.ONLINE) | Q(review__isnull=True) | Q(review__accepted=True)


def _not_found() -> NotFound:
    return NotFound(_("This vote does not exist."), code="not_found")


def result_url(motion: Motion) -> str:
    """The public result page of a motion (views_public's "votes:result")."""
    try:
        return reverse("votes:result", kwargs={"public_id": motion.public_id})
    except NoReverseMatch:
        # The public pages are another module's; the path is the one notifications link to.
        return f"/votes/{motion.public_id}/result/"


def home_estate_ids(user: Any) -> set[int]:
    """Estates in which the user owns or lives in a unit now. One query."""
    if not getattr(user, "is_authenticated", False):
        return set()
    homes = Unit.objects.filter(
        Q(ownerships__person__user=user, ownerships__until__isnull=True)
        | Q(occupancies__person__user=user, occupancies__until__isnull=True)
    )
    return set(homes.order_by().values_list("estate_id", flat=True).distinct())


def voting_is_open(motion: Motion, today: date | None = None) -> bool:
    """Open, and its last day (closes_on, until 24:00 Beijing time) has not passed."""
    today = today or clock.today()
    return (
        motion.status == Motion.StatusChoices.OPEN
        and motion.closes_on is not None
        and today <= motion.closes_on
    )


def days_left(motion: Motion, today: date | None = None) -> int:
    """Days of voting left, today included (1 on the last day; 0 once it has passed)."""
    if motion.closes_on is None:
        return 0
    return max((motion.closes_on - (today or clock.today())).days + 1, 0)


# --- one voter of mine, and my ballots --------------------------------------------------------


@dataclass(frozen=True)
class MyVoter:
    """One roll voter the user is an owner of, and where its ballot stands."""

    voter: RollVoter
    # The latest standing ballot of this voter, cast by any of its owners; None: not voted.
    ballot: Ballot | None
    # Whether a new ballot may be cast now (open, and not voted unless re-voting is allowed).
    can_vote: bool

    @property
    def voted(self) -> bool:
        return self.ballot is not None

    @property
    def pending_check(self) -> bool:
        """A paper or proxy ballot that a second worker has not checked yet."""
        ballot = self.ballot
        return (
            ballot is not None
            and ballot.channel != Ballot.Channel.ONLINE
            and getattr(ballot, "accepted", None) is None
        )


def _my_voter_ids(user: Any, motion_ids: Any) -> QuerySet[RollOwner]:
    return RollOwner.objects.filter(motion_id__in=motion_ids, person__user=user)


def my_ballots(user: Any, motion: Motion) -> list[Ballot]:
    """Every ballot (history included, rejected ones too) cast for the user's roll voters of this
    motion, oldest first; each carries `accepted` (the second worker's verdict or None). One
    query."""
    if not getattr(user, "is_authenticated", False) or motion.opened_at is None:
        return []
    return list(
        Ballot.objects.filter(
            motion=motion,
            voter_id__in=_my_voter_ids(user, [motion.pk]).values("voter_id"),
        )
        .annotate(accepted=F("review__accepted"))
        .order_by("voter_id", "id")
    )


def _standing(ballot: Ballot) -> bool:
    return ballot.channel == Ballot.Channel.ONLINE or getattr(ballot, "accepted", None) is not False


def _my_voters(
    motion: Motion, voters: list[RollVoter], ballots: list[Ballot], today: date
) -> list[MyVoter]:
    latest: dict[int, Ballot] = {}
    for ballot in ballots:
        if _standing(ballot):
            latest[ballot.voter_id] = ballot
    is_open = voting_is_open(motion, today)
    return [
        MyVoter(
            voter=voter,
            ballot=latest.get(voter.pk),
            can_vote=is_open and (voter.pk not in latest or motion.allow_revote),
        )
        for voter in voters
    ]


def my_roll_voters(user: Any, motion: Motion) -> list[MyVoter]:
    """The roll voters of this motion the user is an owner of (one person may be several: sole
    owner of one flat, co-owner of another), by roll number. Two queries; none before opening."""
    if not getattr(user, "is_authenticated", False) or motion.opened_at is None:
        return []
    voters = list(
        RollVoter.objects.filter(
            motion=motion, pk__in=_my_voter_ids(user, [motion.pk]).values("voter_id")
        ).order_by("number")
    )
    if not voters:
        return []
    return _my_voters(motion, voters, my_ballots(user, motion), clock.today())


def ballot_for_receipt(user: Any, motion: Motion, tracker: str) -> Ballot:
    """A ballot of this motion by its receipt code, for an owner of its roll voter only (any
    co-owner); NotFound for everyone else. The voter and `accepted` come with it. One query."""
    code = (tracker or "").strip().upper()
    ballot = (
        Ballot.objects.filter(
            motion=motion,
            tracker=code,
            voter_id__in=_my_voter_ids(user, [motion.pk]).values("voter_id"),
        )
        .select_related("voter")
        .annotate(accepted=F("review__accepted"))
        .first()
    )
    if ballot is None:
        raise NotFound(_("This receipt does not exist."), code="not_found")
    return ballot


# --- the gate ---------------------------------------------------------------------------------


# --- who manages what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Managing:
    """What a user manages: whole communities (staff) and single estates (owners' committee)."""

    community_ids: frozenset[int]
    estate_ids: frozenset[int]

    def q(self) -> Q:
        return Q(community_id__in=self.community_ids) | Q(estate_id__in=self.estate_ids)

    def covers(self, motion: Motion) -> bool:
        return motion.community_id in self.community_ids or motion.estate_id in self.estate_ids


def managing(user: Any) -> Managing:
    """The same scope as services.can_manage, for every community of the user at once."""
    staff = frozenset(staff_community_ids(user))
    estates: set[int] = set()
    for community_id in community_ids_for(user) - staff:
        estates |= committee_estate_ids(user, community_id)
    return Managing(staff, frozenset(estates))


def motion_for_resident(user: Any, public_id: uuid.UUID | str) -> Motion:
    """The motion by its public id, for a resident of its estate, an owner on its roll, or one
    who may manage it; NotFound otherwise. Residents never get drafts or cancelled motions."""
    if not getattr(user, "is_authenticated", False):
        raise _not_found()
    motion = (
        Motion.objects.select_related("community", "estate", "building", "entrance")
        .filter(public_id=public_id, community_id__in=community_ids_for(user))
        .first()
    )
    if motion is None:
        raise _not_found()
    if motion.status in RESIDENT_STATUSES and (
        motion.estate_id in home_estate_ids(user)
        or (motion.opened_at is not None and _my_voter_ids(user, [motion.pk]).exists())
    ):
        return motion
    if can_manage(user, motion.community_id, motion.estate_id):
        return motion
    raise _not_found()


def options_of(motion: Motion) -> list[MotionOption]:
    """The options or candidates of a motion, by number (none for a yes-or-no motion)."""
    if motion.kind == Motion.Kind.YES_NO:
        return []
    return list(motion.options.order_by("position"))


# --- "My votes" -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenMotion:
    """An open motion on "My votes": days left and the user's voters (empty: cannot vote)."""

    motion: Motion
    days_left: int
    voters: list[MyVoter]

    @property
    def to_vote(self) -> int:
        return sum(1 for v in self.voters if v.can_vote and not v.voted)


@dataclass(frozen=True)
class MyMotions:
    """The motions of the user's estates (and rolls), grouped for the page."""

    open: list[OpenMotion] = field(default_factory=list)
    announced: list[Motion] = field(default_factory=list)
    counting: list[Motion] = field(default_factory=list)
    results: list[Motion] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.open or self.announced or self.counting or self.results)


def motions_for_user(user: Any) -> MyMotions:
    """Motions of the estates where the user owns or lives, and of any roll they are on: open
    ones (closing soonest first), announced (opening soonest first), being counted, and results
    published in the last 90 days. Five queries at most, whatever the number of motions."""
    community_ids = community_ids_for(user)
    if not community_ids:
        return MyMotions()
    estates = home_estate_ids(user)
    on_roll = RollOwner.objects.filter(person__user=user).values("motion_id")
    recent = clock.now() - timedelta(days=RECENT_RESULT_DAYS)
    motions = list(
        Motion.objects.filter(community_id__in=community_ids, status__in=RESIDENT_STATUSES)
        .filter(Q(estate_id__in=estates) | Q(pk__in=on_roll))
        .exclude(status=Motion.StatusChoices.PUBLISHED, published_at__lt=recent)
        .select_related("estate", "building", "entrance")
        .order_by("closes_on", "opens_on", "id")
    )
    today = clock.today()
    open_motions = [m for m in motions if m.status == Motion.StatusChoices.OPEN]
    voters_of: dict[int, list[RollVoter]] = {}
    ballots_of: dict[int, list[Ballot]] = {}
    if open_motions:
        ids = [m.pk for m in open_motions]
        mine = _my_voter_ids(user, ids).values("voter_id")
        for voter in RollVoter.objects.filter(pk__in=mine).order_by("number"):
            voters_of.setdefault(voter.motion_id, []).append(voter)
        if voters_of:
            for ballot in (
                Ballot.objects.filter(motion_id__in=ids, voter_id__in=mine)
                .annotate(accepted=F("review__accepted"))
                .order_by("voter_id", "id")
            ):
                ballots_of.setdefault(ballot.motion_id, []).append(ballot)
    by_status: dict[str, list[Motion]] = {}
    for motion in motions:
        by_status.setdefault(motion.status, []).append(motion)
    return MyMotions(
        open=[
            OpenMotion(
                motion=m,
                days_left=days_left(m, today),
                voters=_my_voters(m, voters_of.get(m.pk, []), ballots_of.get(m.pk, []), today),
            )
            for m in open_motions
        ],
        announced=by_status.get(Motion.StatusChoices.ANNOUNCED, []),
        counting=by_status.get(Motion.StatusChoices.CLOSED, [])
        + by_status.get(Motion.StatusChoices.TALLIED, []),
        results=sorted(
            by_status.get(Motion.StatusChoices.PUBLISHED, []),
            key=lambda m: (m.published_at, m.pk),
            reverse=True,
        ),
    )


# --- words for the page -----------------------------------------------------------------------


def _fraction(numerator: int, denominator: int) -> str:
    named = {
        (1, 2): _("half"),
        (2, 3): _("two thirds"),
        (3, 4): _("three quarters"),
    }
    return str(named.get((numerator, denominator), f"{numerator}/{denominator}"))


def rule_text(motion: Motion) -> str:
    """The motion's rule in plain words: who must take part, and how many must agree."""
    if motion.rule_kind == Motion.RuleKind.SIMPLE_MAJORITY:
        return _(
            "An opinion poll, not a legal decision: it carries if more owners answer yes than no."
        )
    if motion.rule_kind == Motion.RuleKind.CUSTOM:
        quorum = _fraction(motion.quorum_numerator, motion.quorum_denominator)
        approval = _fraction(motion.approval_numerator, motion.approval_denominator)
    else:
        quorum = _fraction(2, 3)
        approval = (
            _fraction(3, 4) if motion.rule_kind == Motion.RuleKind.SPECIAL else _fraction(1, 2)
        )
    inclusive = (
        motion.approval_inclusive
        if motion.rule_kind == Motion.RuleKind.CUSTOM
        else motion.rule_kind == Motion.RuleKind.SPECIAL
    )
    if inclusive:
        text = _(
            "Owners holding at least %(quorum)s of the exclusive area, and at least %(quorum)s "
            "of all owners, must take part; then at least %(approval)s of the participating "
            "area and of the participating owners must agree."
        )
    else:
        text = _(
            "Owners holding at least %(quorum)s of the exclusive area, and at least %(quorum)s "
            "of all owners, must take part; then more than %(approval)s of the participating "
            "area and of the participating owners must agree."
        )
    return text % {"quorum": quorum, "approval": approval}


def kind_text(motion: Motion) -> str:
    """How the answer is given and counted for this kind of motion."""
    if motion.kind == Motion.Kind.CHOOSE_ONE:
        return _(
            "Choose one option. The option chosen must itself meet the rule above; if none "
            "does, a run-off may follow."
        )
    if motion.kind == Motion.Kind.ELECT:
        seats = motion.seats or 1
        return ngettext(
            "Tick up to %(seats)d candidate. A candidate is elected only if they meet the rule "
            "above; seats go to those with the most owners, then the most area.",
            "Tick up to %(seats)d candidates. A candidate is elected only if they meet the rule "
            "above; seats go to those with the most owners, then the most area.",
            seats,
        ) % {"seats": seats}
    return _("Answer yes, no or abstain. An abstention counts as taking part, not as agreeing.")


def scope_text(motion: Motion) -> str:
    """Whose owners vote: the estate, one building or one entrance."""
    if motion.scope == Motion.Scope.ENTRANCE and motion.entrance and motion.building:
        return _("Owners of %(estate)s building %(building)s, entrance %(entrance)s") % {
            "estate": motion.estate.name,
            "building": motion.building.number,
            "entrance": motion.entrance.number,
        }
    if motion.scope == Motion.Scope.BUILDING and motion.building:
        return _("Owners of %(estate)s building %(building)s") % {
            "estate": motion.estate.name,
            "building": motion.building.number,
        }
    if motion.scope == Motion.Scope.UNITS:
        numbers = sorted(
            {n for n in motion.units.values_list("building__number", flat=True) if n},
            key=lambda n: (len(n), n),
        )
        return _("Owners of %(estate)s buildings %(buildings)s (listed units)") % {
            "estate": motion.estate.name,
            "buildings": "、".join(numbers),
        }
    return _("All owners of %(estate)s") % {"estate": motion.estate.name}


@dataclass(frozen=True)
class Answer:
    """An answer spelled out: a short headline and, for options, the chosen labels."""

    headline: str
    lines: tuple[str, ...] = ()


def answer_of(
    motion: Motion, choice: str, options: list[int] | tuple[int, ...], labels: dict[int, str]
) -> Answer:
    """The words for a ballot's answer: 赞成 / 反对 / 弃权 / 随多数, or the chosen options."""
    if motion.kind == Motion.Kind.YES_NO:
        return Answer(str(Ballot.ChoiceValue(choice).label) if choice else _("Abstain"))
    if not options:
        if motion.kind == Motion.Kind.ELECT:
            return Answer(_("Abstain: no candidate"))
        return Answer(_("Abstain: no option"))
    lines = tuple(f"{p}. {labels.get(p, '?')}" for p in options)
    if motion.kind == Motion.Kind.ELECT:
        headline = ngettext("%(count)d candidate", "%(count)d candidates", len(options)) % {
            "count": len(options)
        }
        return Answer(headline, lines)
    return Answer(lines[0])
