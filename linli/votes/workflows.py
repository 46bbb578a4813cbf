"""The seed's two workflows, each ending in an owners' vote (DOMAIN-RULES §2.3 and §2.5).

Choosing a property company (选聘物业): the street's directory (名录库) → a longlist → a
shortlist of at most N → the owners' committee's inspection reports → a choose-one motion →
the contract record, filed with the district housing authority within 15 days of signing
(HZ-PMR Art. 49; a later filing is recorded and flagged, never refused).

Electing an owners' committee (业委会选举): nominations (by the residents' committee, by the
candidate, or jointly by owners; HZ-PMR Art. 26) → the eligibility check (Art. 25: an owner of
the estate) → the candidate list published for at least 7 days, ending at least 15 days
before voting opens (Art. 26) → an "elect" motion with one option per eligible candidate →
committee formed or not (Art. 27, `linli.domain.committee`), alternates (候补, Art. 28) →
filing within 30 days (PMR Art. 16).

Every write is one transaction with one audit row; the motions themselves go through
`linli.votes.services`, so their notice periods, frozen rolls and tallies are the same as for
any other motion. Those who manage a workflow are those who manage the estate's motions
(`services.can_manage`: staff of the community or the estate's owners' committee).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.selectors import community_ids_for, is_staff_in
from linli.core import clock
from linli.core.audit import audit_record
from linli.core.errors import Conflict, LinliError, NotFound
from linli.domain import committee
from linli.domain.notice_periods import period_days
from linli.notices.models import Notice
from linli.notices.selectors import committee_estate_ids
from linli.notices.services import notice_publish_system
from linli.registry.models import Community, DirectoryCompany, Estate, Ownership, Person, Unit
from linli.votes import services
from linli.votes.models import (
    Election,
    Motion,
    MotionOption,
    MotionResult,
    Nomination,
    Procurement,
    ProcurementCandidate,
    ServiceContract,
)

# HZ-PMR Art. 49: the service contract is filed within 15 days of signing.
CONTRACT_FILING_DAYS = 15
# PMR Art. 16: the elected committee files within 30 days of the election.
COMMITTEE_FILING_DAYS = 30
TITLE_MAX = 200
REPORT_MAX = 20_000
STATEMENT_MAX = 2_000
NOTE_MAX = 200
FILED_WITH_MAX = 100
MIN_SHORTLIST = 2
MAX_SHORTLIST = services.MAX_OPTIONS
# A joint nomination is signed by more than one owner.
MIN_JOINT_SUPPORTERS = 2
REPORT_FILE_MAX_BYTES = 10 * 1024 * 1024
REPORT_FILE_MAGIC = (b"%PDF", b"\xff\xd8\xff", b"\x89PNG")
COUNTED = (Motion.StatusChoices.TALLIED, Motion.StatusChoices.PUBLISHED)


# --- small rules -------------------------------------------------------------------------------


def filing_delay(start: date, filed_on: date) -> int:
    """Calendar days from `start` (signing, or the election's last day) to the filing."""
    return (filed_on - start).days


def contract_filed_late(contract: ServiceContract) -> bool:
    """Whether the contract was filed more than 15 days after signing (HZ-PMR Art. 49)."""
    return (
        contract.filed_on is not None
        and filing_delay(contract.signed_on, contract.filed_on) > CONTRACT_FILING_DAYS
    )


def contract_filing_due(contract: ServiceContract) -> date:
    """The last day to file the contract."""
    return contract.signed_on + timedelta(days=CONTRACT_FILING_DAYS)


def election_day(election: Election) -> date | None:
    """The election's date: the last day of voting."""
    return election.motion.closes_on if election.motion_id and election.motion else None


def election_filing_due(election: Election) -> date | None:
    """The last day to file the committee (PMR Art. 16), once the election has been held."""
    day = election_day(election)
    return day + timedelta(days=COMMITTEE_FILING_DAYS) if day else None


def election_filed_late(election: Election) -> bool:
    due = election_filing_due(election)
    return election.filed_on is not None and due is not None and election.filed_on > due


# --- gates ---------------------------------------------------------------------------------------


def _clean(value: str, *, limit: int, label: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LinliError(_("%(field)s is required.") % {"field": label}, code="required")
    if len(value) > limit:
        raise LinliError(
            _("%(field)s is too long (at most %(limit)d characters).")
            % {"field": label, "limit": limit},
            code="too_long",
        )
    return value


def _not_in_future(day: date, label: str) -> None:
    if day > clock.today():
        raise LinliError(
            _("%(field)s cannot be in the future.") % {"field": label}, code="in_future"
        )


def _estate_to_manage(actor: Any, estate_id: int) -> Estate:
    estate = (
        Estate.objects.select_related("community")
        .filter(pk=estate_id, community_id__in=community_ids_for(actor))
        .first()
    )
    if estate is None or not services.can_manage(actor, estate.community_id, estate.id):
        raise NotFound(_("This estate does not exist."), code="not_found")
    return estate


def _lock_procurement(actor: Any, procurement_id: int) -> Procurement:
    procurement = (
        Procurement.objects.select_related("community", "estate", "motion")
        .select_for_update(of=("self",))
        .filter(pk=procurement_id, community_id__in=community_ids_for(actor))
        .first()
    )
    if procurement is None or not services.can_manage(
        actor, procurement.community_id, procurement.estate_id
    ):
        raise NotFound(_("This selection does not exist."), code="not_found")
    return procurement


def _lock_election(actor: Any, election_id: int) -> Election:
    election = (
        Election.objects.select_related("community", "estate", "motion", "candidate_notice")
        .select_for_update(of=("self",))
        .filter(pk=election_id, community_id__in=community_ids_for(actor))
        .first()
    )
    if election is None or not services.can_manage(
        actor, election.community_id, election.estate_id
    ):
        raise NotFound(_("This election does not exist."), code="not_found")
    return election


def _require_stage(obj: Procurement | Election, *stages: str) -> None:
    if obj.stage not in stages:
        raise Conflict(
            _("This cannot be done at the stage “%(stage)s”.") % {"stage": obj.get_stage_display()},
            code="wrong_stage",
        )


# --- choosing a property company ----------------------------------------------------------------


def procurement_create(
    *, actor: Any, estate_id: int, title: str, shortlist_size: int = 5
) -> Procurement:
    """Start choosing a property company for an estate; the shortlist holds at most
    `shortlist_size` companies (2 to 30; the seed's practice is 5)."""
    estate = _estate_to_manage(actor, estate_id)
    title = _clean(title, limit=TITLE_MAX, label=_("The title"))
    if not MIN_SHORTLIST <= shortlist_size <= MAX_SHORTLIST:
        raise LinliError(
            _("The shortlist holds between %(min)d and %(max)d companies.")
            % {"min": MIN_SHORTLIST, "max": MAX_SHORTLIST},
            code="invalid_size",
        )
    with transaction.atomic():
        procurement = Procurement.objects.create(
            community=estate.community,
            estate=estate,
            title=title,
            shortlist_size=shortlist_size,
            created_by=actor,
        )
        audit_record(
            actor=actor, action="procurement.create", obj=procurement, summary=procurement.title
        )
    return procurement


def procurement_longlist_add(
    *, actor: Any, procurement_id: int, company_ids: Iterable[int]
) -> list[ProcurementCandidate]:
    """Put companies of the street's directory (名录库) on the longlist, before the vote.

    Every company must be in the directory of the community's street; companies already on
    the list are left as they are. Returns the candidates added.
    """
    wanted = sorted(set(company_ids))
    if not wanted:
        raise LinliError(_("Choose at least one company."), code="required")
    with transaction.atomic():
        procurement = _lock_procurement(actor, procurement_id)
        _require_stage(procurement, Procurement.Stage.LONGLIST, Procurement.Stage.SHORTLIST)
        street = procurement.community.street
        companies = list(
            DirectoryCompany.objects.filter(pk__in=wanted, street=street).order_by("id")
        )
        if len(companies) != len(wanted):
            raise LinliError(
                _("Only companies in the property company directory of %(street)s can be chosen.")
                % {"street": street.name},
                code="not_in_directory",
            )
        listed = set(procurement.candidates.values_list("company_id", flat=True))
        added = [
            ProcurementCandidate.objects.create(
                community_id=procurement.community_id, procurement=procurement, company=company
            )
            for company in companies
            if company.pk not in listed
        ]
        audit_record(
            actor=actor,
            action="procurement.longlist",
            obj=procurement,
            summary="、".join(c.company.name for c in added) or "-",
        )
    return added


def procurement_longlist_remove(*, actor: Any, procurement_id: int, candidate_id: int) -> None:
    """Take a company that is not shortlisted off the longlist, before the vote."""
    with transaction.atomic():
        procurement = _lock_procurement(actor, procurement_id)
        _require_stage(procurement, Procurement.Stage.LONGLIST, Procurement.Stage.SHORTLIST)
        candidate = procurement.candidates.select_related("company").filter(pk=candidate_id).first()
        if candidate is None:
            raise NotFound(_("This company is not on the list."), code="not_found")
        if candidate.shortlisted:
            raise Conflict(_("Take the company off the shortlist first."), code="shortlisted")
        audit_record(
            actor=actor,
            action="procurement.longlist_remove",
            obj=procurement,
            summary=candidate.company.name,
        )
        candidate.delete()


def procurement_shortlist(
    *, actor: Any, procurement_id: int, candidate_ids: Sequence[int]
) -> Procurement:
    """Choose the shortlist from the longlist: at least 2 and at most the procurement's N.

    The chosen companies are marked shortlisted, every other one is not; inspection reports
    already written stay with their company.
    """
    chosen = set(candidate_ids)
    with transaction.atomic():
        procurement = _lock_procurement(actor, procurement_id)
        _require_stage(procurement, Procurement.Stage.LONGLIST, Procurement.Stage.SHORTLIST)
        on_list = set(procurement.candidates.values_list("id", flat=True))
        if not chosen <= on_list:
            raise LinliError(
                _("Only companies on the longlist can be shortlisted."), code="not_on_longlist"
            )
        if len(chosen) > procurement.shortlist_size:
            raise LinliError(
                _("The shortlist holds at most %(max)d companies; %(count)d were chosen.")
                % {"max": procurement.shortlist_size, "count": len(chosen)},
                code="shortlist_too_long",
            )
        if len(chosen) < MIN_SHORTLIST:
            raise LinliError(
                _("Shortlist at least two companies: the owners choose between them."),
                code="shortlist_too_short",
            )
        procurement.candidates.filter(pk__in=chosen).update(shortlisted=True)
        procurement.candidates.exclude(pk__in=chosen).update(shortlisted=False)
        procurement.stage = Procurement.Stage.SHORTLIST
        procurement.save(update_fields=["stage"])
        names = procurement.candidates.filter(shortlisted=True).values_list(
            "company__name", flat=True
        )
        audit_record(
            actor=actor, action="procurement.shortlist", obj=procurement, summary="、".join(names)
        )
    return procurement


def _check_report_file(document: UploadedFile[Any]) -> None:
    if document.size is None or document.size > REPORT_FILE_MAX_BYTES:
        raise LinliError(_("The report file is larger than 10 MB."), code="too_large")
    head = document.read(8)
    document.seek(0)
    if not head.startswith(REPORT_FILE_MAGIC):
        raise LinliError(_("The report file must be a PDF, JPEG or PNG file."), code="bad_type")


def procurement_report(
    *,
    actor: Any,
    procurement_id: int,
    candidate_id: int,
    report: str,
    inspected_on: date,
    report_file: UploadedFile[Any] | None = None,
) -> ProcurementCandidate:
    """Record the owners' committee's on-site inspection report of a shortlisted company.

    Writing it again replaces the text (and the file, when a new one is given) until the vote
    is set up.
    """
    report = _clean(report, limit=REPORT_MAX, label=_("The report"))
    _not_in_future(inspected_on, _("The inspection date"))
    if report_file is not None:
        _check_report_file(report_file)
    with transaction.atomic():
        procurement = _lock_procurement(actor, procurement_id)
        _require_stage(procurement, Procurement.Stage.SHORTLIST)
        candidate = procurement.candidates.select_related("company").filter(pk=candidate_id).first()
        if candidate is None:
            raise NotFound(_("This company is not on the list."), code="not_found")
        if not candidate.shortlisted:
            raise Conflict(_("Only shortlisted companies are inspected."), code="not_shortlisted")
        candidate.report = report
        candidate.inspected_on = inspected_on
        candidate.inspected_by = actor
        fields = ["report", "inspected_on", "inspected_by"]
        if report_file is not None:
            candidate.report_file.save(report_file.name or "report", report_file, save=False)
            fields.append("report_file")
        candidate.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="procurement.report",
            obj=procurement,
            summary=f"{candidate.company.name} ({inspected_on})",
        )
    return candidate


def _company_option_text(candidate: ProcurementCandidate) -> str:
    company = candidate.company
    facts = [company.qualification, company.rating and _("rating %(r)s") % {"r": company.rating}]
    head = "，".join(f for f in facts if f)
    inspected = _("Owners' committee inspection (%(date)s): %(report)s") % {
        "date": candidate.inspected_on,
        "report": candidate.report,
    }
    return "\n".join(part for part in (head, inspected) if part)[:2000]


def procurement_motion_create(
    *,
    actor: Any,
    procurement_id: int,
    opens_on: date,
    closes_on: date,
    title: str = "",
    body: str = "",
    meeting_kind: str = Motion.MeetingKindChoices.REGULAR,
    scope: str = Motion.Scope.ESTATE,
    building_id: int | None = None,
    entrance_id: int | None = None,
    building_ids: Sequence[int] = (),
) -> Motion:
    """Put the shortlist to the owners: a choose-one motion, announced at once.

    Every shortlisted company must have its inspection report. The motion's rule is the
    ordinary Art. 278 rule for hiring a property company; announcing checks the notice and
    voting periods as for any motion (services.motion_announce).
    """
    with transaction.atomic():
        procurement = _lock_procurement(actor, procurement_id)
        _require_stage(procurement, Procurement.Stage.SHORTLIST)
        shortlist = list(
            procurement.candidates.filter(shortlisted=True).select_related("company").order_by("id")
        )
        if len(shortlist) < MIN_SHORTLIST:
            raise LinliError(
                _("Shortlist at least two companies: the owners choose between them."),
                code="shortlist_too_short",
            )
        missing = [c.company.name for c in shortlist if not c.report]
        if missing:
            raise LinliError(
                _("The owners' committee has not reported on: %(names)s.")
                % {"names": "、".join(missing)},
                code="reports_missing",
            )
        default_body = _(
            "The owners choose one property company from the shortlist, taken from the "
            "district's directory of property companies and inspected on site by the owners' "
            "committee. The inspection reports are given with each company."
        )
        motion = services.motion_create(
            actor=actor,
            estate_id=procurement.estate_id,
            title=title.strip() or procurement.title,
            body=body.strip() or default_body,
            kind=Motion.Kind.CHOOSE_ONE,
            matter=Motion.Matter.PROPERTY_COMPANY,
            meeting_kind=meeting_kind,
            scope=scope,
            building_id=building_id,
            entrance_id=entrance_id,
            building_ids=building_ids,
        )
        for candidate in shortlist:
            services.option_add(
                actor=actor,
                motion_id=motion.id,
                label=candidate.company.name,
                description=_company_option_text(candidate),
                company_id=candidate.company_id,
            )
        motion = services.motion_announce(
            actor=actor, motion_id=motion.id, opens_on=opens_on, closes_on=closes_on
        )
        procurement.motion = motion
        procurement.stage = Procurement.Stage.VOTING
        procurement.save(update_fields=["motion", "stage"])
        audit_record(
            actor=actor,
            action="procurement.motion",
            obj=procurement,
            summary=f"{motion.title}: {opens_on}–{closes_on}",
        )
    return motion


@dataclass(frozen=True)
class Decision:
    """Where the owners' choice stands: the deciding motion (the original or a run-off), whether
    it has been counted, and the company it chose (None when none passed yet)."""

    motion: Motion | None
    counted: bool
    company: DirectoryCompany | None


def procurement_decision(procurement: Procurement) -> Decision:
    """The owners' choice of a procurement, following run-offs of its motion."""
    motion_id = procurement.motion_id
    while motion_id is not None:
        # Read afresh: the procurement's cached motion may predate the count.
        motion = Motion.objects.get(pk=motion_id)
        result = result_of(motion)
        if result is not None and result.passed and result.data.get("winner"):
            option = (
                MotionOption.objects.select_related("company")
                .filter(motion=motion, position=result.data["winner"])
                .first()
            )
            return Decision(motion, True, option.company if option else None)
        motion_id = (
            Motion.objects.filter(runoff_of=motion)
            .exclude(status=Motion.StatusChoices.CANCELLED)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        if motion_id is None:
            return Decision(motion, result is not None, None)
    return Decision(None, False, None)


def _check_filing(filed_on: date | None, filed_with: str, *, start: date, label: str) -> str:
    if filed_on is None:
        return ""
    _not_in_future(filed_on, _("The filing date"))
    if filed_on < start:
        raise LinliError(
            _("The filing date cannot be before %(what)s (%(date)s).")
            % {"what": label, "date": start},
            code="filed_too_early",
        )
    return _clean(filed_with, limit=FILED_WITH_MAX, label=_("The authority filed with"))


def procurement_contract_create(
    *,
    actor: Any,
    procurement_id: int,
    signed_on: date,
    starts_on: date,
    ends_on: date,
    fee_fen_per_m2_month: int,
    filed_on: date | None = None,
    filed_with: str = "",
) -> ServiceContract:
    """Record the contract signed with the company the owners chose.

    Only after the vote (or its run-off) passed and was counted, and signed on or after that
    day. Filing may be recorded now or later; filing after 15 days is kept, flagged late.
    """
    if ends_on <= starts_on:
        raise LinliError(_("The contract must end after it starts."), code="invalid_term")
    if fee_fen_per_m2_month <= 0:
        raise LinliError(_("Enter the monthly fee per m²."), code="invalid_fee")
    _not_in_future(signed_on, _("The signing date"))
    filed_with = _check_filing(filed_on, filed_with, start=signed_on, label=_("the signing date"))
    with transaction.atomic():
        procurement = _lock_procurement(actor, procurement_id)
        if ServiceContract.objects.filter(procurement=procurement).exists():
            raise Conflict(_("The contract has been recorded already."), code="exists")
        _require_stage(procurement, Procurement.Stage.VOTING)
        decision = procurement_decision(procurement)
        if decision.company is None or decision.motion is None:
            raise Conflict(
                _(
                    "The owners have not chosen a company yet: record the contract after the "
                    "vote has passed and been counted."
                ),
                code="not_decided",
            )
        tallied_at = decision.motion.tallied_at
        if tallied_at is not None and signed_on < clock.local(tallied_at).date():
            raise LinliError(
                _("The contract cannot be signed before the owners' vote was counted (%(date)s).")
                % {"date": clock.local(tallied_at).date()},
                code="signed_too_early",
            )
        contract = ServiceContract.objects.create(
            community_id=procurement.community_id,
            estate_id=procurement.estate_id,
            procurement=procurement,
            company=decision.company,
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            fee_fen_per_m2_month=fee_fen_per_m2_month,
            filed_on=filed_on,
            filed_with=filed_with,
            created_by=actor,
        )
        procurement.stage = Procurement.Stage.CONTRACTED
        procurement.save(update_fields=["stage"])
        late = " (filed late)" if contract_filed_late(contract) else ""
        audit_record(
            actor=actor,
            action="procurement.contract",
            obj=contract,
            summary=f"{decision.company.name} {signed_on}{late}",
        )
    return contract


def procurement_contract_file(
    *, actor: Any, procurement_id: int, filed_on: date, filed_with: str
) -> ServiceContract:
    """Record that the contract was filed with the housing authority (once)."""
    with transaction.atomic():
        procurement = _lock_procurement(actor, procurement_id)
        contract = (
            ServiceContract.objects.select_for_update().filter(procurement=procurement).first()
        )
        if contract is None:
            raise Conflict(_("Record the contract first."), code="no_contract")
        if contract.filed_on is not None:
            raise Conflict(_("The filing has been recorded already."), code="filed")
        contract.filed_with = _check_filing(
            filed_on, filed_with, start=contract.signed_on, label=_("the signing date")
        )
        contract.filed_on = filed_on
        contract.save(update_fields=["filed_on", "filed_with"])
        late = " (late)" if contract_filed_late(contract) else ""
        audit_record(
            actor=actor,
            action="procurement.contract_file",
            obj=contract,
            summary=f"{filed_on} {contract.filed_with}{late}",
        )
    return contract


# --- electing an owners' committee ----------------------------------------------------------------


def committee_size_problem(size: int, households: int) -> str | None:
    """A translated reason why `size` is not a lawful committee size (HZ-PMR Art. 27), or None."""
    problem = committee.check_committee_size(size, households)
    if problem == "too_small":
        return _(
            "An area of %(households)d households needs a committee of at least %(min)d "
            "members (HZ-PMR Art. 27)."
        ) % {"households": households, "min": committee.legal_minimum(households)}
    if problem == "too_large":
        return _("A committee has at most %(max)d members (HZ-PMR Art. 27).") % {
            "max": committee.MAXIMUM_SIZE
        }
    if problem == "even":
        return _("A committee has an odd number of members (HZ-PMR Art. 27).")
    return None


def election_create(
    *, actor: Any, estate_id: int, title: str, specified_size: int, households: int
) -> Election:
    """Start electing an estate's owners' committee of the size its rules specify.

    The size must be lawful for the number of households: 5 to 11 and odd, or 3 for 100
    households or fewer (HZ-PMR Art. 27, vector K1).
    """
    estate = _estate_to_manage(actor, estate_id)
    title = _clean(title, limit=TITLE_MAX, label=_("The title"))
    if not 1 <= households <= 1_000_000:
        raise LinliError(_("Enter the number of households."), code="invalid_households")
    problem = committee_size_problem(specified_size, households)
    if problem:
        raise LinliError(problem, code="invalid_size")
    with transaction.atomic():
        election = Election.objects.create(
            community=estate.community,
            estate=estate,
            title=title,
            specified_size=specified_size,
            households=households,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="election.create",
            obj=election,
            summary=f"{election.title}: {specified_size} seats, {households} households",
        )
    return election


def nomination_create(
    *,
    actor: Any,
    election_id: int,
    person_id: int,
    method: str,
    supporters: int = 0,
    statement: str = "",
) -> Nomination:
    """Record a nomination (HZ-PMR Art. 26): by the residents' committee, by the candidate, or
    jointly by at least two owners (how many signed is kept)."""
    if method not in Nomination.Method.values:
        raise LinliError(_("Choose how the candidate was nominated."), code="invalid_method")
    if method == Nomination.Method.JOINT:
        if supporters < MIN_JOINT_SUPPORTERS:
            raise LinliError(
                _("A joint nomination needs the number of owners who signed it (at least %(n)d).")
                % {"n": MIN_JOINT_SUPPORTERS},
                code="too_few_supporters",
            )
    else:
        supporters = 0
    if supporters > 32_000:
        raise LinliError(_("Enter the number of owners who signed."), code="invalid")
    statement = _clean(statement, limit=STATEMENT_MAX, label=_("The statement"), required=False)
    with transaction.atomic():
        election = _lock_election(actor, election_id)
        if election.stage != Election.Stage.NOMINATING:
            raise Conflict(
                _("Nominations are closed: the candidate list has been published."),
                code="wrong_stage",
            )
        person = Person.objects.filter(
            pk=person_id, community_id=election.community_id, kind=Person.Kind.INDIVIDUAL
        ).first()
        if person is None:
            raise NotFound(_("This person is not in the registry."), code="not_found")
        if election.nominations.filter(person=person).exists():
            raise Conflict(
                _("%(name)s has been nominated already.") % {"name": person.name},
                code="exists",
            )
        nomination = Nomination.objects.create(
            community_id=election.community_id,
            election=election,
            person=person,
            method=method,
            supporters=supporters,
            statement=statement,
        )
        audit_record(
            actor=actor,
            action="nomination.create",
            obj=nomination,
            summary=f"{person.name} ({method})",
        )
    return nomination


def owns_home_in(person_id: int, estate_id: int) -> bool:
    """Whether the person now owns a unit of the estate (HZ-PMR Art. 25: candidates are owners)."""
    return Ownership.objects.filter(
        person_id=person_id, unit__estate_id=estate_id, until__isnull=True
    ).exists()


def nomination_check(
    *, actor: Any, nomination_id: int, eligible: bool, note: str = ""
) -> Nomination:
    """Record the eligibility check of a nominee (HZ-PMR Art. 25), until the list is published.

    Only a current owner of the estate can be found eligible; finding someone ineligible needs
    the reason, which the nominee may be shown.
    """
    note = _clean(note, limit=NOTE_MAX, label=_("The reason"), required=not eligible)
    election_id = (
        Nomination.objects.filter(pk=nomination_id, community_id__in=community_ids_for(actor))
        .values_list("election_id", flat=True)
        .first()
    )
    if election_id is None:
        raise NotFound(_("This nomination does not exist."), code="not_found")
    with transaction.atomic():
        election = _lock_election(actor, election_id)
        if election.stage != Election.Stage.NOMINATING:
            raise Conflict(
                _("The candidate list has been published; eligibility can no longer change."),
                code="wrong_stage",
            )
        nomination = Nomination.objects.select_related("person").get(pk=nomination_id)
        if eligible and not owns_home_in(nomination.person_id, election.estate_id):
            raise LinliError(
                _("%(name)s owns no home in %(estate)s: only owners may stand (HZ-PMR Art. 25).")
                % {"name": nomination.person.name, "estate": election.estate.name},
                code="not_an_owner",
            )
        nomination.eligibility = (
            Nomination.Eligibility.ELIGIBLE if eligible else Nomination.Eligibility.INELIGIBLE
        )
        nomination.check_note = note
        nomination.checked_by = actor
        nomination.checked_at = clock.now()
        nomination.save(update_fields=["eligibility", "check_note", "checked_by", "checked_at"])
        audit_record(
            actor=actor,
            action="nomination.check",
            obj=nomination,
            summary=f"{nomination.person.name}: {nomination.eligibility} {note}".strip(),
        )
    return nomination


def candidates_needed(election: Election) -> int:
    """The fewest candidates that could form a committee: the legal minimum and more than half
    of the specified size (HZ-PMR Art. 27)."""
    return max(committee.legal_minimum(election.households), election.specified_size // 2 + 1)


def publicity_problem(starts_on: date, ends_on: date, vote_opens_on: date) -> str | None:
    """A translated reason why the candidate list's publication breaks HZ-PMR Art. 26, or None."""
    problem = committee.check_candidate_publicity(starts_on, ends_on, vote_opens_on)
    if problem == "ends_before_start":
        return _("The publication cannot end before it starts.")
    if problem == "too_short":
        return _(
            "The candidate list must stay published for at least %(min)d days "
            "(HZ-PMR Art. 26); %(start)s to %(end)s is %(days)d days."
        ) % {
            "min": committee.CANDIDATE_PUBLICITY_DAYS,
            "start": starts_on,
            "end": ends_on,
            "days": period_days(starts_on, ends_on),
        }
    if problem == "too_late":
        return _(
            "The candidate list must come down at least %(lead)d days before voting opens "
            "(HZ-PMR Art. 26): with voting from %(opens)s, the publication ends on %(latest)s "
            "at the latest."
        ) % {
            "lead": committee.CANDIDATE_PUBLICITY_LEAD_DAYS,
            "opens": vote_opens_on,
            "latest": vote_opens_on - timedelta(days=committee.CANDIDATE_PUBLICITY_LEAD_DAYS),
        }
    return None


def _candidate_list_text(election: Election, nominations: list[Nomination], opens: date) -> str:
    lines = [
        _(
            "The following owners are candidates for %(size)d seats on the owners' committee of "
            "%(estate)s. Their eligibility has been checked (HZ-PMR Arts. 25–26)."
        )
        % {"size": election.specified_size, "estate": election.estate.name},
        "",
    ]
    for number, nomination in enumerate(nominations, start=1):
        line = f"{number}. {nomination.person.name}（{nomination.get_method_display()}）"
        if nomination.statement:
            line += f"\n   {nomination.statement}"
        lines.append(line)
    lines += [
        "",
        _("Voting is planned to open on %(date)s.") % {"date": opens},
        _("Objections may be raised with the community office while this list is published."),
    ]
    return "\n".join(lines)


def election_candidates_publish(
    *, actor: Any, election_id: int, starts_on: date, ends_on: date, vote_opens_on: date
) -> Election:
    """Publish the candidate list as a notice (HZ-PMR Art. 26) and close nominations.

    Every nomination must have been checked, enough candidates must be eligible to form a
    committee, and the publication must last at least 7 days and end at least 15 days before
    the planned first day of voting.
    """
    if starts_on < clock.today():
        raise LinliError(_("The publication cannot start in the past."), code="starts_in_past")
    problem = publicity_problem(starts_on, ends_on, vote_opens_on)
    if problem:
        raise LinliError(problem, code="invalid_publicity")
    with transaction.atomic():
        election = _lock_election(actor, election_id)
        _require_stage(election, Election.Stage.NOMINATING)
        nominations = list(election.nominations.select_related("person").order_by("id"))
        pending = sum(1 for n in nominations if n.eligibility == Nomination.Eligibility.PENDING)
        if pending:
            raise LinliError(
                _("%(count)d nominations still wait for the eligibility check.")
                % {"count": pending},
                code="checks_pending",
            )
        eligible = [n for n in nominations if n.eligibility == Nomination.Eligibility.ELIGIBLE]
        needed = candidates_needed(election)
        if len(eligible) < needed:
            raise LinliError(
                _(
                    "At least %(needed)d eligible candidates are needed, or no committee could be "
                    "formed (HZ-PMR Art. 27); there are %(count)d."
                )
                % {"needed": needed, "count": len(eligible)},
                code="too_few_candidates",
            )
        notice = notice_publish_system(
            community=election.community,
            estate=election.estate,
            kind=Notice.Kind.ELECTION_CANDIDATES,
            title=_("Candidates for the owners' committee: %(title)s") % {"title": election.title},
            body=_candidate_list_text(election, eligible, vote_opens_on),
            starts_on=starts_on,
            ends_on=ends_on,
            issuer=_("%(estate)s owners' assembly") % {"estate": election.estate.name},
        )
        election.candidate_notice = notice
        election.stage = Election.Stage.PUBLICISED
        election.save(update_fields=["candidate_notice", "stage"])
        audit_record(
            actor=actor,
            action="election.candidates",
            obj=election,
            summary=f"{len(eligible)} candidates, {starts_on}–{ends_on}",
        )
    return election


def election_motion_create(
    *,
    actor: Any,
    election_id: int,
    opens_on: date,
    closes_on: date,
    meeting_kind: str = Motion.MeetingKindChoices.REGULAR,
) -> Motion:
    """The election itself: an "elect" motion with one option per eligible candidate, announced.

    Seats are the specified committee size (or the number of candidates, when fewer stand).
    Voting must open at least 15 days after the candidate list came down (HZ-PMR Art. 26), and
    the usual notice and voting periods apply (services.motion_announce).
    """
    with transaction.atomic():
        election = _lock_election(actor, election_id)
        _require_stage(election, Election.Stage.PUBLICISED)
        notice = election.candidate_notice
        assert notice is not None
        problem = publicity_problem(notice.starts_on, notice.ends_on, opens_on)
        if problem:
            raise LinliError(problem, code="invalid_publicity")
        eligible = list(
            election.nominations.filter(eligibility=Nomination.Eligibility.ELIGIBLE)
            .select_related("person")
            .order_by("id")
        )
        motion = services.motion_create(
            actor=actor,
            estate_id=election.estate_id,
            title=election.title,
            body=_(
                "Elect the owners' committee of %(estate)s: tick at most %(seats)d candidates. "
                "Each candidate needs the votes of more than half of the participating owners "
                "and area; those who pass beyond the seats become alternates (HZ-PMR Art. 28)."
            )
            % {
                "estate": election.estate.name,
                "seats": min(election.specified_size, len(eligible)),
            },
            kind=Motion.Kind.ELECT,
            matter=Motion.Matter.COMMITTEE,
            meeting_kind=meeting_kind,
            seats=min(election.specified_size, len(eligible)),
        )
        for nomination in eligible:
            services.option_add(
                actor=actor,
                motion_id=motion.id,
                label=nomination.person.name,
                description=nomination.statement,
                candidate_id=nomination.person_id,
            )
        motion = services.motion_announce(
            actor=actor, motion_id=motion.id, opens_on=opens_on, closes_on=closes_on
        )
        election.motion = motion
        election.stage = Election.Stage.VOTING
        election.save(update_fields=["motion", "stage"])
        audit_record(
            actor=actor,
            action="election.motion",
            obj=election,
            summary=f"{len(eligible)} candidates, {opens_on}–{closes_on}",
        )
    return motion


@dataclass(frozen=True)
class Seated:
    """One candidate in the election's result."""

    position: int
    name: str
    headcount: int
    area: int
    seat: str


@dataclass(frozen=True)
class Outcome:
    """The counted election: who was elected, the alternates in order, the tied, and whether
    the committee is formed (HZ-PMR Arts. 27–28)."""

    elected: tuple[Seated, ...]
    alternates: tuple[Seated, ...]
    tied: tuple[Seated, ...]
    others: tuple[Seated, ...]
    quorum_met: bool
    specified: int
    legal_minimum: int
    formed: bool

    @property
    def reason(self) -> str:
        """Why the committee is formed or not, in words."""
        count = len(self.elected)
        if self.formed:
            return _(
                "Formed: %(count)d elected of %(specified)d, at least %(min)d and more than half."
            ) % {"count": count, "specified": self.specified, "min": self.legal_minimum}
        if not self.quorum_met:
            return _("Not formed: too few owners took part for the vote to count.")
        if count < self.legal_minimum:
            return _("Not formed: %(count)d elected, fewer than the legal minimum of %(min)d.") % {
                "count": count,
                "min": self.legal_minimum,
            }
        return _(
            "Not formed: %(count)d elected is not more than half of the %(specified)d members "
            "the rules specify."
        ) % {"count": count, "specified": self.specified}


def election_outcome(election: Election, result: MotionResult | None) -> Outcome | None:
    """The committee the counted election gives, or None before it is counted."""
    if result is None:
        return None
    data = result.data
    rows = [
        Seated(
            position=row["position"],
            name=row["label"],
            headcount=row["headcount"],
            area=row["area"],
            seat=row.get("seat", "not_elected"),
        )
        for row in data.get("options", [])
    ]
    by_position = {row.position: row for row in rows}
    elected = tuple(by_position[p] for p in data.get("elected", []))
    alternates = tuple(by_position[p] for p in data.get("alternates", []))
    tied = tuple(by_position[p] for p in data.get("tied", []))
    placed = {row.position for row in (*elected, *alternates, *tied)}
    return Outcome(
        elected=elected,
        alternates=alternates,
        tied=tied,
        others=tuple(row for row in rows if row.position not in placed),
        quorum_met=bool(data.get("quorum_met")),
        specified=election.specified_size,
        legal_minimum=committee.legal_minimum(election.households),
        formed=committee.committee_formed(
            len(elected), election.specified_size, election.households
        ),
    )


def election_conclude(*, actor: Any, election_id: int) -> Election:
    """Once the election is counted, record whether the committee is formed (vectors K2)."""
    with transaction.atomic():
        election = _lock_election(actor, election_id)
        _require_stage(election, Election.Stage.VOTING)
        motion = election.motion
        if motion is None or motion.status not in COUNTED:
            raise Conflict(_("The election has not been counted yet."), code="not_counted")
        outcome = election_outcome(election, MotionResult.objects.get(motion=motion))
        assert outcome is not None
        election.stage = Election.Stage.FORMED if outcome.formed else Election.Stage.NOT_FORMED
        election.save(update_fields=["stage"])
        audit_record(
            actor=actor,
            action="election.conclude",
            obj=election,
            summary=f"{election.stage}: {len(outcome.elected)} of {election.specified_size}, "
            f"{len(outcome.alternates)} alternates",
        )
    return election


def election_file(*, actor: Any, election_id: int, filed_on: date, filed_with: str) -> Election:
    """Record the committee's filing with the housing authority and street office (once).

    Due within 30 days of the election (PMR Art. 16); a later filing is kept, flagged late.
    """
    with transaction.atomic():
        election = _lock_election(actor, election_id)
        _require_stage(election, Election.Stage.FORMED)
        if election.filed_on is not None:
            raise Conflict(_("The filing has been recorded already."), code="filed")
        day = election_day(election)
        assert day is not None
        election.filed_with = _check_filing(
            filed_on, filed_with, start=day, label=_("the election")
        )
        election.filed_on = filed_on
        election.save(update_fields=["filed_on", "filed_with"])
        late = " (late)" if election_filed_late(election) else ""
        audit_record(
            actor=actor,
            action="election.file",
            obj=election,
            summary=f"{filed_on} {election.filed_with}{late}",
        )
    return election


# --- reads for the workflow pages --------------------------------------------------------------------


def management_communities(user: Any) -> list[Community]:
    """Communities in which the user manages some estate's decisions, in id order."""
    ids = sorted(
        cid
        for cid in community_ids_for(user)
        if is_staff_in(user, cid) or committee_estate_ids(user, cid)
    )
    return list(Community.objects.filter(pk__in=ids).order_by("id"))


def management_community(user: Any, requested_id: int | None) -> tuple[Community, list[Community]]:
    """The community a list page shows (the requested one, or the first), and the choices."""
    communities = management_communities(user)
    if not communities:
        raise NotFound(_("This page does not exist."), code="not_found")
    chosen = next((c for c in communities if c.pk == requested_id), communities[0])
    return chosen, communities


def manageable_estates(user: Any, community: Community) -> QuerySet[Estate]:
    """The estates of a community whose decisions the user manages."""
    estates = Estate.objects.filter(community=community).order_by("id")
    if is_staff_in(user, community.pk):
        return estates
    return estates.filter(pk__in=committee_estate_ids(user, community.pk))


def procurements_for(user: Any, community: Community) -> QuerySet[Procurement]:
    """The community's procurements the user manages, newest first, with their list sizes."""
    estates = manageable_estates(user, community).values("pk")
    return (
        Procurement.objects.filter(community=community, estate_id__in=estates)
        .select_related("estate", "motion")
        .annotate(
            longlisted=Count("candidates"),
            shortlisted=Count("candidates", filter=Q(candidates__shortlisted=True)),
        )
    )


def elections_for(user: Any, community: Community) -> QuerySet[Election]:
    """The community's elections the user manages, newest first, with nomination counts."""
    estates = manageable_estates(user, community).values("pk")
    return (
        Election.objects.filter(community=community, estate_id__in=estates)
        .select_related("estate", "motion")
        .annotate(
            nominated=Count("nominations"),
            eligible=Count(
                "nominations", filter=Q(nominations__eligibility=Nomination.Eligibility.ELIGIBLE)
            ),
        )
    )


def access_procurement(user: Any, procurement_id: int) -> Procurement:
    """A procurement the user manages; NotFound for anything else."""
    procurement = (
        Procurement.objects.select_related("community__street", "estate", "motion")
        .filter(pk=procurement_id, community_id__in=community_ids_for(user))
        .first()
    )
    if procurement is None or not services.can_manage(
        user, procurement.community_id, procurement.estate_id
    ):
        raise NotFound(_("This selection does not exist."), code="not_found")
    return procurement


def access_election(user: Any, election_id: int) -> Election:
    """An election the user manages; NotFound for anything else."""
    election = (
        Election.objects.select_related("community", "estate", "motion", "candidate_notice")
        .filter(pk=election_id, community_id__in=community_ids_for(user))
        .first()
    )
    if election is None or not services.can_manage(user, election.community_id, election.estate_id):
        raise NotFound(_("This election does not exist."), code="not_found")
    return election


def candidates_of(procurement: Procurement) -> list[ProcurementCandidate]:
    return list(
        procurement.candidates.select_related("company", "inspected_by").order_by(
            "-shortlisted", "id"
        )
    )


def contract_of(procurement: Procurement) -> ServiceContract | None:
    return ServiceContract.objects.select_related("company").filter(procurement=procurement).first()


def directory_for(procurement: Procurement) -> list[DirectoryCompany]:
    """The street's directory, companies suited to old estates first."""
    return list(
        DirectoryCompany.objects.filter(street_id=procurement.community.street_id).order_by(
            "-suited_to_old_estates", "id"
        )
    )


def nominations_of(election: Election) -> list[Nomination]:
    return list(election.nominations.select_related("person", "checked_by").order_by("id"))


def result_of(motion: Motion | None) -> MotionResult | None:
    if motion is None or motion.status not in COUNTED:
        return None
    return MotionResult.objects.filter(motion=motion).first()


@dataclass(frozen=True)
class Nominee:
    """An owner of the estate found by the nomination search."""

    person_id: int
    name: str
    home: str


def nominee_search(election: Election, query: str, limit: int = 20) -> list[Nominee]:
    """Current owners of the election's estate whose name contains `query` or whose room
    number is `query`, one line per owner, in one query."""
    query = query.strip()[:50]
    if not query:
        return []
    rows = (
        Ownership.objects.filter(
            unit__estate_id=election.estate_id,
            until__isnull=True,
            person__kind=Person.Kind.INDIVIDUAL,
        )
        .filter(Q(person__name__contains=query) | Q(unit__number=query))
        .select_related("person", "unit__estate", "unit__building", "unit__entrance")
        .order_by("person_id", "unit_id")
    )
    found: dict[int, Nominee] = {}
    for row in rows[: limit * 3]:
        if row.person_id in found or len(found) >= limit:
            continue
        found[row.person_id] = Nominee(row.person_id, row.person.name, _unit_text(row.unit))
    return list(found.values())


def owner_by_id(election: Election, person_id: int) -> Nominee | None:
    """A person of the election's community, with their home in its estate ("" if none)."""
    person = Person.objects.filter(
        pk=person_id, community_id=election.community_id, kind=Person.Kind.INDIVIDUAL
    ).first()
    if person is None:
        return None
    ownership = (
        Ownership.objects.filter(person=person, unit__estate_id=election.estate_id, until=None)
        .select_related("unit__building", "unit__entrance")
        .order_by("unit_id")
        .first()
    )
    return Nominee(person.pk, person.name, _unit_text(ownership.unit) if ownership else "")


def _unit_text(unit: Unit) -> str:
    parts = [
        unit.building and f"{unit.building.number}幢",
        unit.entrance and f"{unit.entrance.number}单元",
    ]
    return "".join(p for p in parts if p) + unit.number
