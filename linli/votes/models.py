"""Owners' decisions (民决): motions, the voter roll frozen at opening, ballots and results.

A motion puts a question to the owners of a scope (an estate, a building or an entrance) under
a rule (DOMAIN-RULES §1.2). Opening it freezes the rule and writes the voter roll (RollVoter,
RollUnit, RollOwner); database triggers reject any later change to the rule, the options and the
roll, and any UPDATE or DELETE of ballots, checks and results (migration 0002). A voter's
current ballot is their highest revision; earlier revisions stay as history.

The two workflows of the seed (choosing a property company; electing an owners' committee) live
here too, because each ends in a motion: Procurement → ProcurementCandidate → Motion →
ServiceContract, and Election → Nomination → Motion → committee formed, alternates, filing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import TenantModel


class Motion(TenantModel):
    """表决事项: one question put to the owners of a scope under a rule."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        CHOOSE_ONE = "choose_one", _("Choose one of several")
        ELECT = "elect", _("Election")

    class Matter(models.TextChoices):
        """Civil Code Art. 278 ¶1 items, Hangzhou's two additions, a custom rule and a poll."""

        RULES_OF_PROCEDURE = "rules", _("Rules of procedure of the owners' assembly")
        COVENANT = "covenant", _("Management covenant")
        COMMITTEE = "committee", _("Electing or replacing the owners' committee")
        PROPERTY_COMPANY = "property_company", _("Hiring or dismissing the property company")
        USE_FUND = "use_fund", _("Using the maintenance fund")
        RAISE_FUND = "raise_fund", _("Raising the maintenance fund")
        REBUILD = "rebuild", _("Altering or rebuilding buildings and facilities")
        COMMON_PARTS = "common_parts", _("Changing the use of common parts or running a business")
        COMMITTEE_FUNDING = "committee_funding", _("Funding the owners' committee")
        COMMON_INCOME = "common_income", _("Using common income")
        OTHER_MAJOR = "other_major", _("Other major matters")
        CUSTOM = "custom", _("Local rule with its own thresholds")
        POLL = "poll", _("Opinion poll (not a legal decision)")

    class RuleKind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary: more than half")
        SPECIAL = "special", _("Special: three quarters or more")
        CUSTOM = "custom", _("Custom thresholds")
        SIMPLE_MAJORITY = "simple_majority", _("Simple majority (poll)")

    class Scope(models.TextChoices):
        ESTATE = "estate", _("Whole estate")
        BUILDING = "building", _("One building")
        ENTRANCE = "entrance", _("One entrance")
        UNITS = "units", _("Listed buildings or units")

    class MeetingKindChoices(models.TextChoices):
        REGULAR = "regular", _("Regular meeting (15 days' notice)")
        EXTRAORDINARY = "extraordinary", _("Extraordinary meeting (7 days' notice)")

    class StatusChoices(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ANNOUNCED = "announced", _("Announced")
        OPEN = "open", _("Voting open")
        CLOSED = "closed", _("Voting closed")
        TALLIED = "tallied", _("Counted")
        PUBLISHED = "published", _("Result published")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estate = models.ForeignKey(
        "registry.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default="estate")
    building = models.ForeignKey(
        "registry.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )
    entrance = models.ForeignKey(
        "registry.Entrance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entrance"),
    )
    # The scope "units": an explicit list (e.g. every unit of buildings 7 and 8).
    units = models.ManyToManyField(
        "registry.Unit", blank=True, related_name="+", verbose_name=_("units")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("explanation"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default="yes_no")
    matter = models.CharField(_("matter"), max_length=20, choices=Matter.choices)
    meeting_kind = models.CharField(
        _("meeting"), max_length=14, choices=MeetingKindChoices.choices, default="regular"
    )
    # The rule: frozen when voting opens.
    rule_kind = models.CharField(_("rule"), max_length=16, choices=RuleKind.choices)
    quorum_numerator = models.PositiveSmallIntegerField(default=2)
    quorum_denominator = models.PositiveSmallIntegerField(default=3)
    approval_numerator = models.PositiveSmallIntegerField(default=1)
    approval_denominator = models.PositiveSmallIntegerField(default=2)
    approval_inclusive = models.BooleanField(default=False)
    count_parking_area = models.BooleanField(_("parking areas count"), default=False)
    count_shop_area = models.BooleanField(_("shop areas count"), default=True)
    count_owners_of_uncounted_parts = models.BooleanField(
        _("owners of only parking or shops count in the headcount"), default=True
    )
    follow_majority_option = models.BooleanField(_("offer 'follow the majority'"), default=False)
    silent_owners_follow_majority = models.BooleanField(
        _("silent owners follow the majority"), default=False
    )
    allow_revote = models.BooleanField(_("owners may change their vote"), default=False)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    # Schedule: voting runs from opens_on 00:00 to closes_on 24:00, Asia/Shanghai.
    opens_on = models.DateField(_("voting opens"), null=True, blank=True)
    closes_on = models.DateField(_("voting closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StatusChoices.choices, default="draft"
    )
    announce_notice = models.ForeignKey(
        "notices.Notice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_notice = models.ForeignKey(
        "notices.Notice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    announced_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    tallied_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Frozen totals of the roll (A_T in 0.01 m², N_T), written when voting opens.
    area_total = models.BigIntegerField(null=True, blank=True)
    headcount_total = models.PositiveIntegerField(null=True, blank=True)
    runoff_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="runoffs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=F("opens_on")),
                name="motion_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="elect") | Q(seats__gte=1), name="motion_election_has_seats"
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="motion_community_status")]

    def __str__(self) -> str:
        return self.title


class MotionOption(TenantModel):
    """One choice of a choose-one motion, or one candidate of an election."""

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="options")
    position = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    company = models.ForeignKey(
        "registry.DirectoryCompany",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    candidate = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["motion_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "position"], name="option_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"


class RollVoter(TenantModel):
    """One voting person of a motion's frozen roll (DOMAIN-RULES §1.3): counts once in N_T.

    `number` is the voter's public number on the result roll (no names); `key` is the engine's
    voter key. Written once when voting opens; triggers reject UPDATE and DELETE.
    """

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="roll")
    number = models.PositiveIntegerField()
    key = models.CharField(max_length=200)
    area = models.BigIntegerField()
    is_developer = models.BooleanField(default=False)
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voter roll")
        ordering = ["motion_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "key"], name="roll_unique_key"),
            models.UniqueConstraint(fields=["motion", "number"], name="roll_unique_number"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class RollOwner(TenantModel):
    """A person who may cast (or have cast for them) the ballot of a roll voter."""

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="+")
    voter = models.ForeignKey(RollVoter, on_delete=models.PROTECT, related_name="owners")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    is_representative = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["voter", "person"], name="rollowner_unique"),
        ]
        indexes = [models.Index(fields=["motion", "person"], name="rollowner_motion_person")]


class RollUnit(TenantModel):
    """A unit of the scope as it stood when voting opened, and the voter it belongs to.

    `voter` is null for units whose owners consent individually and for parts whose owners the
    rules drop from the headcount; `counted` says whether its area is in A_T.
    """

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="roll_units")
    voter = models.ForeignKey(RollVoter, on_delete=models.PROTECT, null=True, related_name="units")
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    area = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)
    counted = models.BooleanField()
    individual_consent = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["motion", "unit"], name="rollunit_unique"),
        ]


def ballot_file_path(instance: Ballot, filename: str) -> str:
    return f"ballots/{instance.motion.public_id}/{uuid.uuid4().hex}-{filename[-60:]}"


class Ballot(TenantModel):
    """选票: one answer for one voter, cast for one of its owners. Append-only.

    `choice` holds yes/no/abstain/follow_majority on a yes-or-no motion; `options` the chosen
    option positions (empty: abstain) on the other kinds. The current ballot of (voter, owner)
    is its highest revision; a paper or proxy ballot counts once a second worker accepted it.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")
        PROXY = "proxy", _("Proxy")

    class ChoiceValue(models.TextChoices):
        YES = "yes", pgettext_lazy("ballot", "Yes")
        NO = "no", pgettext_lazy("ballot", "No")
        ABSTAIN = "abstain", _("Abstain")
        FOLLOW_MAJORITY = "follow_majority", _("Follow the majority")

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="ballots")
    voter = models.ForeignKey(RollVoter, on_delete=models.PROTECT, related_name="ballots")
    owner = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveSmallIntegerField(default=1)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    choice = models.CharField(max_length=16, choices=ChoiceValue.choices, blank=True)
    options = models.JSONField(default=list, blank=True)
    tracker = models.CharField(max_length=16)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    cast_at = models.DateTimeField()
    proxy_name = models.CharField(_("proxy"), max_length=50, blank=True)
    document = models.FileField(_("scan"), upload_to=ballot_file_path, blank=True)
    document_type = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["motion_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "voter", "owner", "revision"], name="ballot_one_per_revision"
            ),
            models.UniqueConstraint(fields=["motion", "tracker"], name="ballot_unique_tracker"),
        ]
        indexes = [models.Index(fields=["motion", "voter"], name="ballot_motion_voter")]

    def __str__(self) -> str:
        return self.tracker


class BallotCheck(TenantModel):
    """A second worker's check of a paper or proxy ballot against its scan. Append-only."""

    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="review")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()
    accepted = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)


class MotionResult(TenantModel):
    """The tally of a closed motion, with every total and the digest of its public roll."""

    motion = models.OneToOneField(Motion, on_delete=models.PROTECT, related_name="result")
    data = models.JSONField()
    passed = models.BooleanField()
    roll_digest = models.CharField(max_length=64)
    tallied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    tallied_at = models.DateTimeField()


# ---------------------------------------------------------------------------------------------
# Choosing a property company (DOMAIN-RULES §2.5) and electing an owners' committee (§2.3).


class Procurement(TenantModel):
    """选聘物业: directory → longlist → shortlist of N → inspection reports → motion → contract."""

    class Stage(models.TextChoices):
        LONGLIST = "longlist", _("Longlist")
        SHORTLIST = "shortlist", _("Shortlist and inspections")
        VOTING = "voting", _("Owners' vote")
        CONTRACTED = "contracted", _("Contract signed")
        CLOSED = "closed", _("Closed without a contract")

    estate = models.ForeignKey("registry.Estate", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=5)
    stage = models.CharField(max_length=12, choices=Stage.choices, default="longlist")
    motion = models.OneToOneField(
        Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="procurement"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


def report_path(instance: ProcurementCandidate, filename: str) -> str:
    return f"procurement/{instance.procurement_id}/{uuid.uuid4().hex}-{filename[-60:]}"


class ProcurementCandidate(TenantModel):
    """A directory company on a procurement's longlist; shortlisted ones get inspected."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="candidates"
    )
    company = models.ForeignKey(
        "registry.DirectoryCompany", on_delete=models.PROTECT, related_name="+"
    )
    shortlisted = models.BooleanField(default=False)
    report = models.TextField(_("inspection report"), blank=True)
    report_file = models.FileField(_("report file"), upload_to=report_path, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    inspected_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["procurement_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "company"], name="procurement_unique_company"
            )
        ]


class ServiceContract(TenantModel):
    """物业服务合同: the record of the contract signed after the owners' choice."""

    estate = models.ForeignKey("registry.Estate", on_delete=models.PROTECT, related_name="+")
    procurement = models.OneToOneField(
        Procurement, on_delete=models.PROTECT, null=True, blank=True, related_name="contract"
    )
    company = models.ForeignKey(
        "registry.DirectoryCompany", on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    fee_fen_per_m2_month = models.PositiveIntegerField(_("fee (fen per m² per month)"))
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    filed_with = models.CharField(_("filed with"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="contract_term_ordered"
            )
        ]


class Election(TenantModel):
    """业委会选举: nominations, eligibility, candidate list, the election, formation, filing."""

    class Stage(models.TextChoices):
        NOMINATING = "nominating", _("Nominations")
        PUBLICISED = "publicised", _("Candidate list published")
        VOTING = "voting", _("Election")
        FORMED = "formed", _("Committee formed")
        NOT_FORMED = "not_formed", _("Committee not formed")

    estate = models.ForeignKey("registry.Estate", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    specified_size = models.PositiveSmallIntegerField(_("members set by the rules"))
    households = models.PositiveIntegerField(_("households"))
    stage = models.CharField(max_length=12, choices=Stage.choices, default="nominating")
    candidate_notice = models.ForeignKey(
        "notices.Notice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motion = models.OneToOneField(
        Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="election"
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    filed_with = models.CharField(_("filed with"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Nomination(TenantModel):
    """A candidate for the owners' committee and how they were nominated (HZ-PMR Art. 26)."""

    class Method(models.TextChoices):
        RESIDENTS_COMMITTEE = "residents_committee", _("Recommended by the residents' committee")
        SELF = "self", _("Self-nominated")
        JOINT = "joint", _("Jointly nominated by owners")

    class Eligibility(models.TextChoices):
        PENDING = "pending", _("Not checked yet")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Not eligible")

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="nominations")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=Method.choices)
    supporters = models.PositiveSmallIntegerField(_("supporting owners"), default=0)
    statement = models.TextField(_("statement"), blank=True)
    eligibility = models.CharField(max_length=10, choices=Eligibility.choices, default="pending")
    check_note = models.CharField(_("check note"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["election_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="nomination_unique")
        ]
