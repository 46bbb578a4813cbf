"""Writes of owners' decisions: motions through their lifecycle, ballots, checks and results.

Lifecycle (linli.domain.motion_schedule): draft → announced → open → closed → tallied →
published, or cancelled before voting. Announcing publishes the topics as a Notice at least 15
days (regular) or 7 days (extraordinary) before voting opens; opening freezes the rule and
writes the voter roll; database triggers keep both unchanged afterwards (migration 0002).

Races: every ballot write locks its roll voter first (SELECT … FOR UPDATE on PostgreSQL; on
SQLite the IMMEDIATE transaction already serialises writers), then checks and inserts; the
unique (motion, voter, owner, revision) constraint is the last line of defence. A lost race
answers Conflict, never a 500.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.selectors import community_ids_for, is_staff_in
from linli.core import clock
from linli.core.audit import audit_record
from linli.core.errors import Conflict, Forbidden, LinliError, NotFound
from linli.domain import motion_schedule as schedule
from linli.domain.electorate import ElectorateRules, Owner, ScopeUnit, UnitKind, build_electorate
from linli.domain.units import format_hundredths
from linli.notices.selectors import committee_estate_ids
from linli.notices.services import notice_publish_system, resident_recipients
from linli.notifications.services import notify
from linli.notifications.topics import VOTES
from linli.registry.models import (
    Building,
    DirectoryCompany,
    Entrance,
    Estate,
    Ownership,
    Person,
    Unit,
)
from linli.votes import counting
from linli.votes.models import (
    Ballot,
    BallotCheck,
    Motion,
    MotionOption,
    MotionResult,
    RollOwner,
    RollUnit,
    RollVoter,
)

TITLE_MAX = 200
BODY_MAX = 20_000
LABEL_MAX = 150
MAX_OPTIONS = 30
SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
TRACKER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U

SPECIAL_MATTERS = {
    Motion.Matter.RAISE_FUND,
    Motion.Matter.REBUILD,
    Motion.Matter.COMMON_PARTS,
}


# --- gates -----------------------------------------------------------------------------------


def can_manage(user: Any, community_id: int, estate_id: int) -> bool:
    """Staff of the community, or members of the estate's owners' committee (who convene)."""
    if is_staff_in(user, community_id):
        return True
    return estate_id in committee_estate_ids(user, community_id)


def _lock_motion(actor: Any, motion_id: int, *, staff_only: bool = False) -> Motion:
    """The motion, locked for this transaction; NotFound unless the actor may manage it."""
    motion = (
        Motion.objects.select_related("community", "estate")
        .select_for_update(of=("self",))
        .filter(pk=motion_id, community_id__in=community_ids_for(actor))
        .first()
    )
    if motion is None:
        raise NotFound(_("This vote does not exist."), code="not_found")
    allowed = (
        is_staff_in(actor, motion.community_id)
        if staff_only
        else can_manage(actor, motion.community_id, motion.estate_id)
    )
    if not allowed:
        raise NotFound(_("This vote does not exist."), code="not_found")
    return motion


def _step(motion: Motion, action: schedule.Action) -> str:
    try:
        return schedule.next_status(schedule.Status(motion.status), action)
    except schedule.IllegalTransition:
        raise Conflict(
            _("This cannot be done while the vote is “%(status)s”.")
            % {"status": motion.get_status_display()},
            code="wrong_status",
        ) from None


def _require_draft(motion: Motion) -> None:
    if motion.status != Motion.StatusChoices.DRAFT:
        raise Conflict(
            _("Only a draft can be changed; once announced, the question and rule are fixed."),
            code="not_draft",
        )


def _text(value: str, *, limit: int, label: str, required: bool = True) -> str:
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


# --- motions ---------------------------------------------------------------------------------


def rule_kind_for(matter: str) -> str:
    """The rule a matter needs: special for Art. 278 items 6–8, custom, poll, else ordinary."""
    if matter in SPECIAL_MATTERS:
        return Motion.RuleKind.SPECIAL
    if matter == Motion.Matter.CUSTOM:
        return Motion.RuleKind.CUSTOM
    if matter == Motion.Matter.POLL:
        return Motion.RuleKind.SIMPLE_MAJORITY
    return Motion.RuleKind.ORDINARY


def _scope_objects(
    estate: Estate, scope: str, building_id: int | None, entrance_id: int | None
) -> tuple[Building | None, Entrance | None]:
    if scope == Motion.Scope.ESTATE:
        return None, None
    if scope == Motion.Scope.BUILDING:
        building = Building.objects.filter(pk=building_id or 0, estate=estate).first()
        if building is None:
            raise LinliError(_("Choose a building of this estate."), code="invalid_scope")
        return building, None
    if scope == Motion.Scope.UNITS:
        return None, None
    if scope == Motion.Scope.ENTRANCE:
        entrance = (
            Entrance.objects.select_related("building")
            .filter(pk=entrance_id or 0, building__estate=estate)
            .first()
        )
        if entrance is None:
            raise LinliError(_("Choose an entrance of this estate."), code="invalid_scope")
        return entrance.building, entrance
    raise LinliError(_("Choose the scope of the vote."), code="invalid_scope")


def _listed_units(
    estate: Estate, scope: str, building_ids: Sequence[int], unit_ids: Sequence[int]
) -> list[int]:
    """The unit ids of a listed scope: every unit of the named buildings, plus named units."""
    if scope != Motion.Scope.UNITS:
        if building_ids or unit_ids:
            raise LinliError(
                _("Buildings or units are listed only for a listed scope."), code="invalid_scope"
            )
        return []
    wanted_buildings, wanted_units = set(building_ids), set(unit_ids)
    found_buildings = set(
        Building.objects.filter(pk__in=wanted_buildings, estate=estate).values_list("id", flat=True)
    )
    units = set(
        Unit.objects.filter(estate=estate)
        .filter(Q(building_id__in=found_buildings) | Q(pk__in=wanted_units))
        .values_list("id", flat=True)
    )
    if found_buildings != wanted_buildings or not wanted_units <= units:
        raise LinliError(
            _("Every listed building and unit must belong to this estate."), code="invalid_scope"
        )
    if not units:
        raise LinliError(_("List the buildings or units whose owners vote."), code="invalid_scope")
    return sorted(units)


def _custom_rule(custom: Sequence[int | bool] | None) -> dict[str, Any]:
    if custom is None:
        raise LinliError(
            _("A local rule needs its quorum and approval thresholds."), code="invalid_rule"
        )
    q_num, q_den, a_num, a_den, inclusive = custom
    for num, den in ((q_num, q_den), (a_num, a_den)):
        if not (isinstance(num, int) and isinstance(den, int) and 0 < den <= 100):
            raise LinliError(_("Thresholds are fractions such as 2/3."), code="invalid_rule")
        if not 0 <= num <= den:
            raise LinliError(_("A threshold cannot exceed the whole."), code="invalid_rule")
    return {
        "quorum_numerator": q_num,
        "quorum_denominator": q_den,
        "approval_numerator": a_num,
        "approval_denominator": a_den,
        "approval_inclusive": bool(inclusive),
    }


def motion_create(
    *,
    actor: Any,
    estate_id: int,
    title: str,
    body: str = "",
    kind: str = Motion.Kind.YES_NO,
    matter: str,
    meeting_kind: str = Motion.MeetingKindChoices.REGULAR,
    scope: str = Motion.Scope.ESTATE,
    building_id: int | None = None,
    entrance_id: int | None = None,
    seats: int | None = None,
    allow_revote: bool = False,
    custom: Sequence[int | bool] | None = None,
    follow_majority_option: bool = False,
    silent_owners_follow_majority: bool = False,
    options: Iterable[str] = (),
    building_ids: Sequence[int] = (),
    unit_ids: Sequence[int] = (),
) -> Motion:
    """A draft motion. The rule follows the matter; parking and shop counting follow the
    community's adopted rules. 随多数 and the silent-owners clause only for yes/no motions."""
    estate = (
        Estate.objects.select_related("community")
        .filter(pk=estate_id, community_id__in=community_ids_for(actor))
        .first()
    )
    if estate is None or not can_manage(actor, estate.community_id, estate.id):
        raise NotFound(_("This estate does not exist."), code="not_found")
    if kind not in Motion.Kind.values:
        raise LinliError(_("Choose the kind of vote."), code="invalid_kind")
    if matter not in Motion.Matter.values:
        raise LinliError(_("Choose the matter to be decided."), code="invalid_matter")
    if meeting_kind not in Motion.MeetingKindChoices.values:
        raise LinliError(_("Choose a regular or an extraordinary meeting."), code="invalid")
    if kind == Motion.Kind.ELECT and (seats is None or not 1 <= seats <= 21):
        raise LinliError(_("An election needs a number of seats (1 to 21)."), code="invalid_seats")
    if kind != Motion.Kind.YES_NO and (follow_majority_option or silent_owners_follow_majority):
        raise LinliError(
            _("'Follow the majority' clauses apply only to yes-or-no votes."), code="invalid_rule"
        )
    building, entrance = _scope_objects(estate, scope, building_id, entrance_id)
    listed = _listed_units(estate, scope, building_ids, unit_ids)
    rule_kind = rule_kind_for(matter)
    thresholds = _custom_rule(custom) if rule_kind == Motion.RuleKind.CUSTOM else {}
    fields = {
        "title": _text(title, limit=TITLE_MAX, label=_("The title")),
        "body": _text(body, limit=BODY_MAX, label=_("The explanation"), required=False),
    }
    labels = [_text(label, limit=LABEL_MAX, label=_("An option")) for label in options]
    with transaction.atomic():
        motion = Motion.objects.create(
            community=estate.community,
            estate=estate,
            scope=scope,
            building=building,
            entrance=entrance,
            kind=kind,
            matter=matter,
            meeting_kind=meeting_kind,
            rule_kind=rule_kind,
            count_parking_area=estate.community.count_parking_area,
            count_shop_area=estate.community.count_shop_area,
            follow_majority_option=follow_majority_option,
            silent_owners_follow_majority=silent_owners_follow_majority,
            allow_revote=allow_revote,
            seats=seats if kind == Motion.Kind.ELECT else None,
            created_by=actor,
            **fields,
            **thresholds,
        )
        if listed:
            motion.units.set(listed)
        for position, label in enumerate(labels, start=1):
            MotionOption.objects.create(
                community=estate.community, motion=motion, position=position, label=label
            )
        audit_record(actor=actor, action="motion.create", obj=motion, summary=motion.title)
    return motion


def motion_update(
    *, actor: Any, motion_id: int, title: str, body: str = "", allow_revote: bool | None = None
) -> Motion:
    """Change a draft's question and explanation."""
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        _require_draft(motion)
        motion.title = _text(title, limit=TITLE_MAX, label=_("The title"))
        motion.body = _text(body, limit=BODY_MAX, label=_("The explanation"), required=False)
        if allow_revote is not None:
            motion.allow_revote = allow_revote
        motion.save(update_fields=["title", "body", "allow_revote"])
        audit_record(actor=actor, action="motion.update", obj=motion, summary=motion.title)
    return motion


def option_add(
    *,
    actor: Any,
    motion_id: int,
    label: str,
    description: str = "",
    company_id: int | None = None,
    candidate_id: int | None = None,
) -> MotionOption:
    """Add an option (or a candidate) to a draft motion of the choose-one or election kind."""
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        _require_draft(motion)
        if motion.kind == Motion.Kind.YES_NO:
            raise LinliError(_("A yes-or-no vote has no options to add."), code="invalid_kind")
        count = motion.options.count()
        if count >= MAX_OPTIONS:
            raise LinliError(_("A vote has at most 30 options."), code="too_many")
        company = candidate = None
        if company_id is not None:
            company = DirectoryCompany.objects.filter(
                pk=company_id, street_id=motion.community.street_id
            ).first()
            if company is None:
                raise LinliError(_("This company is not in the directory."), code="invalid")
        if candidate_id is not None:
            candidate = Person.objects.filter(pk=candidate_id, community=motion.community).first()
            if candidate is None:
                raise LinliError(_("This person is not in the registry."), code="invalid")
        last = motion.options.aggregate(m=Max("position"))["m"] or 0
        option = MotionOption.objects.create(
            community=motion.community,
            motion=motion,
            position=last + 1,
            label=_text(label, limit=LABEL_MAX, label=_("The option")),
            description=_text(description, limit=2000, label=_("The description"), required=False),
            company=company,
            candidate=candidate,
        )
        audit_record(actor=actor, action="motion.option_add", obj=option, summary=option.label)
    return option


def option_remove(*, actor: Any, motion_id: int, option_id: int) -> None:
    """Remove an option from a draft motion."""
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        _require_draft(motion)
        option = motion.options.filter(pk=option_id).first()
        if option is None:
            raise NotFound(_("This option does not exist."), code="not_found")
        audit_record(actor=actor, action="motion.option_remove", obj=option, summary=option.label)
        option.delete()


def _check_ready(motion: Motion) -> None:
    options = motion.options.count()
    if motion.kind == Motion.Kind.CHOOSE_ONE and options < 2:
        raise LinliError(_("A choice needs at least two options."), code="too_few_options")
    if motion.kind == Motion.Kind.ELECT:
        if options < 1:
            raise LinliError(_("An election needs candidates."), code="too_few_options")
        if motion.seats and motion.seats > options:
            raise LinliError(_("There are fewer candidates than seats."), code="too_few_options")


def _announcement_text(motion: Motion) -> str:
    lines = [
        motion.title,
        "",
        motion.body,
        "",
        _("Matter: %(matter)s. Rule: %(rule)s.")
        % {"matter": motion.get_matter_display(), "rule": motion.get_rule_kind_display()},
        _("Voting: from %(opens)s 00:00 to %(closes)s 24:00 (Beijing time).")
        % {"opens": motion.opens_on, "closes": motion.closes_on},
        _(
            "How to vote: online in Linli (我的家 → 表决), or on a paper ballot at the community "
            "office; an owner may authorise a proxy in writing."
        ),
    ]
    if motion.kind != Motion.Kind.YES_NO:
        lines.append("")
        lines += [f"{o.position}. {o.label}" for o in motion.options.all()]
    return "\n".join(line for line in lines if line is not None).strip()


def _check_schedule(
    kind: schedule.MeetingKind, today: date, opens_on: date, closes_on: date
) -> None:
    problem = schedule.check_voting_period(opens_on, closes_on)
    if problem == "too_short":
        raise LinliError(_("Voting must last at least 5 days."), code="period_too_short")
    if problem == "too_long":
        raise LinliError(_("Voting may last at most 60 days."), code="period_too_long")
    if problem is not None:
        raise LinliError(_("Voting must close after it opens."), code="period_invalid")
    if schedule.check_notice(today, opens_on, kind) is not None:
        raise LinliError(
            _("Voting can open on %(date)s at the earliest: owners get %(days)d days' notice.")
            % {
                "date": schedule.earliest_opening(today, kind).isoformat(),
                "days": schedule.NOTICE_DAYS[kind],
            },
            code="notice_too_short",
        )


def motion_announce(*, actor: Any, motion_id: int, opens_on: date, closes_on: date) -> Motion:
    """Publish the topics as a Notice and fix the voting period (HZ-PMR Art. 19–20).

    Voting must open at least 15 days (regular meeting) or 7 days (extraordinary) after the
    announcement and last 5 to 60 days; nothing unannounced can be voted on.
    """
    today = clock.today()
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        status = _step(motion, schedule.Action.ANNOUNCE)
        _check_schedule(schedule.MeetingKind(motion.meeting_kind), today, opens_on, closes_on)
        _check_ready(motion)
        motion.opens_on, motion.closes_on = opens_on, closes_on
        notice = notice_publish_system(
            community=motion.community,
            estate=motion.estate,
            kind="assembly",
            title=_("Owners' vote: %(title)s") % {"title": motion.title},
            body=_announcement_text(motion),
            starts_on=today,
            ends_on=max(closes_on, today + timedelta(days=6)),
            issuer=_("%(estate)s owners' assembly") % {"estate": motion.estate.name},
        )
        motion.status = status
        motion.announce_notice = notice
        motion.announced_on = today
        motion.save(
            update_fields=["status", "announce_notice", "announced_on", "opens_on", "closes_on"]
        )
        audit_record(
            actor=actor,
            action="motion.announce",
            obj=motion,
            summary=f"{motion.title}: {opens_on}–{closes_on}",
        )
        notify(
            community=motion.community,
            recipients=resident_recipients(motion.community, motion.estate),
            topic=VOTES,
            title=_("Owners' vote announced: %(title)s") % {"title": motion.title},
            body=_("Voting from %(opens)s to %(closes)s.")
            % {"opens": opens_on.isoformat(), "closes": closes_on.isoformat()},
            url=f"/votes/{motion.public_id}/",
        )
    return motion


# --- opening: the frozen roll -----------------------------------------------------------------


def scope_units(motion: Motion) -> QuerySet[Unit]:
    """The units of the motion's scope."""
    units = Unit.objects.filter(community_id=motion.community_id, estate_id=motion.estate_id)
    if motion.scope == Motion.Scope.BUILDING:
        units = units.filter(building_id=motion.building_id or 0)
    elif motion.scope == Motion.Scope.ENTRANCE:
        units = units.filter(entrance_id=motion.entrance_id or 0)
    elif motion.scope == Motion.Scope.UNITS:
        units = units.filter(pk__in=motion.units.values("pk"))
    return units


def electorate_rules(motion: Motion) -> ElectorateRules:
    return ElectorateRules(
        count_parking_area=motion.count_parking_area,
        count_shop_area=motion.count_shop_area,
        count_owners_of_uncounted_parts=motion.count_owners_of_uncounted_parts,
    )


def _unit_label(row: Mapping[str, Any]) -> str:
    parts = [row["building__number"] and f"{row['building__number']}幢"]
    parts.append(row["entrance__number"] and f"{row['entrance__number']}单元")
    parts.append(row["number"])
    return "".join(p for p in parts if p)


def _freeze_roll(motion: Motion) -> tuple[int, int]:
    """Write the voter roll from the registry as it stands; returns (A_T, N_T)."""
    units = list(
        scope_units(motion).values(
            "id", "kind", "area", "number", "building__number", "entrance__number"
        )
    )
    owners: dict[int, list[tuple[int, bool, str]]] = {}
    for unit_id, person_id, rep, dev in (
        Ownership.objects.filter(unit_id__in=[u["id"] for u in units], until__isnull=True)
        .order_by("unit_id", "-is_representative", "id")
        .values_list("unit_id", "person_id", "is_representative", "developer_status")
    ):
        owners.setdefault(unit_id, []).append((person_id, rep, dev))
    scope = [
        ScopeUnit(
            id=u["id"],
            kind=UnitKind(u["kind"])
            if u["kind"] in UnitKind.__members__.values()
            else UnitKind.FLAT,
            area=u["area"],
            owners=tuple(Owner(p, rep) for p, rep, _dev in owners.get(u["id"], [])),
            developer_held=any(dev for _p, _rep, dev in owners.get(u["id"], [])),
        )
        for u in units
    ]
    electorate = build_electorate(scope, electorate_rules(motion))
    by_unit = {u["id"]: u for u in units}
    voters = RollVoter.objects.bulk_create(
        [
            RollVoter(
                community_id=motion.community_id,
                motion=motion,
                number=number,
                key=voter.key,
                area=voter.area,
                is_developer=voter.is_developer,
                label="、".join(_unit_label(by_unit[uid]) for uid in voter.unit_ids)[:200],
            )
            for number, voter in enumerate(electorate.voters, start=1)
        ],
        batch_size=2000,
    )
    voter_of_unit: dict[int, RollVoter] = {}
    owner_rows = []
    for row, voter in zip(voters, electorate.voters, strict=True):
        for uid in voter.unit_ids:
            voter_of_unit[uid] = row
        for person_id in voter.owner_ids:
            owner_rows.append(
                RollOwner(
                    community_id=motion.community_id,
                    motion=motion,
                    voter=row,
                    person_id=person_id,
                    is_representative=person_id == voter.representative_id,
                )
            )
    RollOwner.objects.bulk_create(owner_rows, batch_size=2000)
    rules = electorate_rules(motion)
    RollUnit.objects.bulk_create(
        [
            RollUnit(
                community_id=motion.community_id,
                motion=motion,
                voter=voter_of_unit.get(unit.id),
                unit_id=unit.id,
                area=unit.area,
                kind=unit.kind.value,
                counted=rules.counts_area_of(unit.kind) and unit.id in voter_of_unit,
                individual_consent=unit.id in electorate.consent_unit_ids,
            )
            for unit in scope
        ],
        batch_size=2000,
    )
    return electorate.area_total, electorate.headcount_total


def motion_open(*, actor: Any, motion_id: int) -> Motion:
    """Open voting on or after its first day: freeze the rule and write the voter roll."""
    with transaction.atomic():
        return _open(_lock_motion(actor, motion_id), actor)


def _open(motion: Motion, actor: Any) -> Motion:
    status = _step(motion, schedule.Action.OPEN)
    today = clock.today()
    assert motion.opens_on is not None and motion.closes_on is not None
    if today < motion.opens_on:
        raise Conflict(
            _("Voting opens on %(date)s, not before.") % {"date": motion.opens_on},
            code="too_early",
        )
    if today > motion.closes_on:
        raise Conflict(_("The voting period has already ended."), code="too_late")
    area_total, headcount_total = _freeze_roll(motion)
    motion.status = status
    motion.opened_at = clock.now()
    motion.area_total, motion.headcount_total = area_total, headcount_total
    motion.save(update_fields=["status", "opened_at", "area_total", "headcount_total"])
    audit_record(
        actor=actor,
        action="motion.open",
        obj=motion,
        summary=f"{motion.title}: {headcount_total} owners, {format_hundredths(area_total)} m²",
    )
    return motion


def motion_extend(*, actor: Any, motion_id: int, closes_on: date) -> Motion:
    """Extend an open vote (Hangzhou practice when turnout is short), within 60 days in all."""
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        status = _step(motion, schedule.Action.EXTEND)
        assert motion.opens_on is not None and motion.closes_on is not None
        if closes_on <= motion.closes_on:
            raise LinliError(
                _("An extension must end later than the current close."), code="invalid"
            )
        if schedule.check_voting_period(motion.opens_on, closes_on) is not None:
            raise LinliError(_("Voting may last at most 60 days."), code="period_too_long")
        before = motion.closes_on
        motion.closes_on, motion.status = closes_on, status
        motion.save(update_fields=["closes_on", "status"])
        audit_record(
            actor=actor, action="motion.extend", obj=motion, summary=f"{before} → {closes_on}"
        )
    return motion


def motion_close(*, actor: Any, motion_id: int) -> Motion:
    """Close voting once its last day has ended (24:00 Beijing time)."""
    with transaction.atomic():
        return _close(_lock_motion(actor, motion_id), actor)


def _close(motion: Motion, actor: Any) -> Motion:
    status = _step(motion, schedule.Action.CLOSE)
    assert motion.closes_on is not None
    if clock.today() <= motion.closes_on:
        raise Conflict(
            _("Voting runs until %(date)s 24:00 and cannot be closed early.")
            % {"date": motion.closes_on},
            code="too_early",
        )
    motion.status, motion.closed_at = status, clock.now()
    motion.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="motion.close", obj=motion, summary=motion.title)
    return motion


def motions_advance_due() -> tuple[int, int]:
    """The platform's own step (huey, every 15 minutes): open announced motions whose first day
    has come and close open ones whose last day has ended. Returns (opened, closed).

    Each motion moves in its own transaction, locked, so a worker clicking at the same moment
    gets a clear conflict, and one motion's failure does not stop the others.
    """
    today = clock.today()
    opened = closed = 0
    due = (
        (_open, "announced", Q(opens_on__lte=today, closes_on__gte=today)),
        (_close, "open", Q(closes_on__lt=today)),
    )
    for step, status, when in due:
        for motion_id in Motion.objects.filter(when, status=status).values_list("id", flat=True):
            try:
                with transaction.atomic():
                    motion = (
                        Motion.objects.select_related("community", "estate")
                        .select_for_update(of=("self",))
                        .get(pk=motion_id)
                    )
                    step(motion, None)
            except LinliError:
                continue  # moved by someone else meanwhile: nothing to do
            if step is _open:
                opened += 1
            else:
                closed += 1
    return opened, closed


def motion_cancel(*, actor: Any, motion_id: int, reason: str) -> Motion:
    """Cancel a motion before voting opens; the announcement notice stays on record."""
    reason = _text(reason, limit=200, label=_("The reason"))
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        motion.status = _step(motion, schedule.Action.CANCEL)
        motion.cancelled_at = clock.now()
        motion.save(update_fields=["status", "cancelled_at"])
        audit_record(actor=actor, action="motion.cancel", obj=motion, summary=reason)
    return motion


def motion_tally(*, actor: Any, motion_id: int) -> MotionResult:
    """Count a closed vote; every paper and proxy ballot must have been checked first."""
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        status = _step(motion, schedule.Action.TALLY)
        pending = counting.pending_checks(motion).count()
        if pending:
            raise Conflict(
                _("%(count)d paper or proxy ballots still wait for a second worker's check.")
                % {"count": pending},
                code="checks_pending",
            )
        data = counting.result_data(motion)
        roll_csv = counting.public_roll_csv(motion)
        result = MotionResult.objects.create(
            community_id=motion.community_id,
            motion=motion,
            data=data,
            passed=bool(data["passed"]),
            roll_digest=hashlib.sha256(roll_csv.encode("utf-8")).hexdigest(),
            tallied_by=actor,
            tallied_at=clock.now(),
        )
        motion.status, motion.tallied_at = status, result.tallied_at
        motion.save(update_fields=["status", "tallied_at"])
        audit_record(
            actor=actor,
            action="motion.tally",
            obj=motion,
            summary=f"{data['outcome']} ({data['reason']})",
        )
    return result


def motion_publish(*, actor: Any, motion_id: int) -> Motion:
    """Publish the result as a 公示 notice of at least 15 days and tell the owners."""
    today = clock.today()
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        status = _step(motion, schedule.Action.PUBLISH)
        result = MotionResult.objects.get(motion=motion)
        notice = notice_publish_system(
            community=motion.community,
            estate=motion.estate,
            kind="vote_result",
            title=_("Result of the owners' vote: %(title)s") % {"title": motion.title},
            body=counting.result_text(motion, result),
            starts_on=today,
            ends_on=today + timedelta(days=14),
            issuer=_("%(estate)s owners' assembly") % {"estate": motion.estate.name},
        )
        motion.status, motion.published_at, motion.result_notice = status, clock.now(), notice
        motion.save(update_fields=["status", "published_at", "result_notice"])
        audit_record(actor=actor, action="motion.publish", obj=motion, summary=motion.title)
        notify(
            community=motion.community,
            recipients=resident_recipients(motion.community, motion.estate),
            topic=VOTES,
            title=_("Result published: %(title)s") % {"title": motion.title},
            url=f"/votes/{motion.public_id}/result/",
        )
    return motion


def runoff_create(*, actor: Any, motion_id: int) -> Motion:
    """A draft run-off between the options the tally named, when no option passed."""
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        result = MotionResult.objects.filter(motion=motion).first()
        runoff = (result.data.get("runoff") if result else None) or []
        if not runoff:
            raise Conflict(_("This result does not call for a run-off."), code="no_runoff")
        if motion.runoffs.exists():
            raise Conflict(_("A run-off has already been created."), code="exists")
        labels = {o.position: o for o in motion.options.all()}
        new = Motion.objects.create(
            community=motion.community,
            estate=motion.estate,
            scope=motion.scope,
            building=motion.building,
            entrance=motion.entrance,
            title=(_("Run-off: %(title)s") % {"title": motion.title})[:TITLE_MAX],
            body=motion.body,
            kind=motion.kind,
            matter=motion.matter,
            meeting_kind=motion.meeting_kind,
            rule_kind=motion.rule_kind,
            quorum_numerator=motion.quorum_numerator,
            quorum_denominator=motion.quorum_denominator,
            approval_numerator=motion.approval_numerator,
            approval_denominator=motion.approval_denominator,
            approval_inclusive=motion.approval_inclusive,
            count_parking_area=motion.count_parking_area,
            count_shop_area=motion.count_shop_area,
            count_owners_of_uncounted_parts=motion.count_owners_of_uncounted_parts,
            allow_revote=motion.allow_revote,
            seats=motion.seats,
            runoff_of=motion,
            created_by=actor,
        )
        if motion.scope == Motion.Scope.UNITS:
            new.units.set(motion.units.all())
        for position, old in enumerate(runoff, start=1):
            option = labels[old]
            MotionOption.objects.create(
                community=motion.community,
                motion=new,
                position=position,
                label=option.label,
                description=option.description,
                company=option.company,
                candidate=option.candidate,
            )
        audit_record(actor=actor, action="motion.runoff", obj=new, summary=new.title)
    return new


# --- ballots -----------------------------------------------------------------------------------


def new_tracker() -> str:
    """A receipt code such as 7QK2M-X9D4T: 50 random bits in Crockford base32."""
    raw = "".join(secrets.choice(TRACKER_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _clean_answer(
    motion: Motion, choice: str | None, options: Sequence[int]
) -> tuple[str, list[int]]:
    if motion.kind == Motion.Kind.YES_NO:
        allowed = {"yes", "no", "abstain"}
        if motion.follow_majority_option:
            allowed.add("follow_majority")
        if choice not in allowed:
            raise LinliError(_("Choose yes, no or abstain."), code="invalid_choice")
        return choice or "", []
    try:
        picked = sorted({int(o) for o in options})
    except (TypeError, ValueError):
        raise LinliError(_("This option does not exist."), code="invalid_choice") from None
    positions = set(motion.options.values_list("position", flat=True))
    if not set(picked) <= positions:
        raise LinliError(_("This option does not exist."), code="invalid_choice")
    limit = 1 if motion.kind == Motion.Kind.CHOOSE_ONE else (motion.seats or 1)
    if len(picked) > limit:
        raise LinliError(_("Choose at most %(count)d.") % {"count": limit}, code="too_many_choices")
    return "", picked


def _lock_open_voter(motion_id: int, voter_id: int, community_ids: set[int]) -> RollVoter:
    voter = (
        RollVoter.objects.select_related("motion", "motion__community")
        .select_for_update(of=("self",))
        .filter(pk=voter_id, motion_id=motion_id, community_id__in=community_ids)
        .first()
    )
    if voter is None:
        raise NotFound(_("This voter is not on the roll."), code="not_found")
    motion = voter.motion
    if motion.status != Motion.StatusChoices.OPEN:
        raise Conflict(_("Voting is not open."), code="not_open")
    assert motion.closes_on is not None
    if clock.today() > motion.closes_on:
        raise Conflict(_("Voting has ended."), code="not_open")
    return voter


def _next_revision(voter: RollVoter, owner_id: int) -> int:
    """The revision for a new ballot of (voter, owner), or Conflict when it may not vote again.

    A ballot that still counts or waits for its check blocks a new one unless the motion allows
    re-voting; a rejected paper ballot does not. Online, co-owners share one ballot.
    """
    motion = voter.motion
    rows = list(
        Ballot.objects.filter(voter=voter).values_list(
            "owner_id", "revision", "channel", "review__accepted"
        )
    )
    standing = [r for r in rows if r[2] == Ballot.Channel.ONLINE or r[3] is not False]
    if standing and not motion.allow_revote:
        raise Conflict(_("A ballot has already been cast for this home."), code="already_voted")
    return max((r[1] for r in rows if r[0] == owner_id), default=0) + 1


def _insert_ballot(**fields: Any) -> Ballot:
    try:
        with transaction.atomic():
            return Ballot.objects.create(tracker=new_tracker(), cast_at=clock.now(), **fields)
    except IntegrityError:
        raise Conflict(
            _("Another ballot for this home arrived at the same moment; please reload."),
            code="already_voted",
        ) from None


def ballot_cast(
    *,
    user: Any,
    motion_id: int,
    voter_id: int,
    choice: str | None = None,
    options: Sequence[int] = (),
) -> Ballot:
    """An owner's online ballot for one voter of the roll they belong to; returns its receipt."""
    person_ids = list(Person.objects.filter(user=user).values_list("id", flat=True))
    with transaction.atomic():
        voter = _lock_open_voter(motion_id, voter_id, community_ids_for(user))
        owner = (
            RollOwner.objects.filter(voter=voter, person_id__in=person_ids)
            .order_by("-is_representative", "person_id")
            .values_list("person_id", flat=True)
            .first()
        )
        if owner is None:
            raise NotFound(_("This voter is not on the roll."), code="not_found")
        choice, picked = _clean_answer(voter.motion, choice, options)
        revision = _next_revision(voter, owner)
        ballot = _insert_ballot(
            community_id=voter.community_id,
            motion_id=voter.motion_id,
            voter=voter,
            owner_id=owner,
            revision=revision,
            channel=Ballot.Channel.ONLINE,
            choice=choice,
            options=picked,
            cast_by=user,
        )
        audit_record(
            actor=user,
            action="ballot.cast",
            obj=ballot,
            summary=f"#{voter.number} r{revision}",
        )
    return ballot


def _check_scan(document: UploadedFile[Any] | None) -> None:
    if document is None:
        raise LinliError(_("Attach the scan of the signed ballot."), code="scan_required")
    if document.size is None or document.size > SCAN_MAX_BYTES:
        raise LinliError(_("The scan is larger than 10 MB."), code="too_large")
    head = document.read(8)
    document.seek(0)
    kinds = {
        b"%PDF": "application/pdf",
        b"\xff\xd8\xff": "image/jpeg",
        b"\x89PNG": "image/png",
    }
    if not any(head.startswith(magic) for magic in kinds):
        raise LinliError(_("The scan must be a PDF, JPEG or PNG file."), code="bad_type")


def _scan_type(document: UploadedFile[Any]) -> str:
    head = document.read(8)
    document.seek(0)
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    return "image/jpeg"


def ballot_enter(
    *,
    actor: Any,
    motion_id: int,
    voter_id: int,
    owner_id: int,
    document: UploadedFile[Any] | None,
    choice: str | None = None,
    options: Sequence[int] = (),
    proxy_name: str = "",
) -> Ballot:
    """A worker enters a paper ballot (or a proxy's, with the written authorisation as scan).

    It counts only once another worker has checked it against the scan (`ballot_check`).
    """
    _check_scan(document)
    assert document is not None
    proxy_name = _text(proxy_name, limit=50, label=_("The proxy's name"), required=False)
    with transaction.atomic():
        voter = _lock_open_voter(motion_id, voter_id, community_ids_for(actor))
        if not is_staff_in(actor, voter.community_id):
            raise NotFound(_("This voter is not on the roll."), code="not_found")
        if not RollOwner.objects.filter(voter=voter, person_id=owner_id).exists():
            raise LinliError(_("This person is not an owner of that home."), code="not_an_owner")
        choice, picked = _clean_answer(voter.motion, choice, options)
        revision = _next_revision(voter, owner_id)
        ballot = Ballot(
            community_id=voter.community_id,
            motion_id=voter.motion_id,
            voter=voter,
            owner_id=owner_id,
            revision=revision,
            channel=Ballot.Channel.PROXY if proxy_name else Ballot.Channel.PAPER,
            choice=choice,
            options=picked,
            cast_by=actor,
            proxy_name=proxy_name,
            document_type=_scan_type(document),
        )
        extension = SCAN_EXTENSIONS[ballot.document_type]
        ballot.document.save(f"scan-{voter.number}{extension}", document, save=False)
        try:
            with transaction.atomic():
                ballot.tracker, ballot.cast_at = new_tracker(), clock.now()
                ballot.save(force_insert=True)
        except IntegrityError:
            ballot.document.delete(save=False)
            raise Conflict(
                _("Another ballot for this home arrived at the same moment; please reload."),
                code="already_voted",
            ) from None
        audit_record(
            actor=actor,
            action="ballot.enter",
            obj=ballot,
            summary=f"#{voter.number} {ballot.channel} r{revision}",
        )
    return ballot


def ballot_check(*, actor: Any, ballot_id: int, accepted: bool, note: str = "") -> BallotCheck:
    """A second worker accepts or rejects a paper or proxy ballot; never the one who entered it."""
    note = _text(note, limit=200, label=_("The note"), required=not accepted)
    with transaction.atomic():
        ballot = (
            Ballot.objects.select_related("motion")
            .select_for_update(of=("self",))
            .filter(pk=ballot_id, community_id__in=community_ids_for(actor))
            .first()
        )
        if ballot is None or not is_staff_in(actor, ballot.community_id):
            raise NotFound(_("This ballot does not exist."), code="not_found")
        if ballot.channel == Ballot.Channel.ONLINE:
            raise Conflict(_("Online ballots need no check."), code="online")
        if ballot.cast_by_id == actor.pk:
            raise Forbidden(
                _("A second worker must check this ballot, not the one who entered it."),
                code="same_worker",
            )
        if ballot.motion.status not in (Motion.StatusChoices.OPEN, Motion.StatusChoices.CLOSED):
            raise Conflict(_("This vote has been counted already."), code="wrong_status")
        try:
            with transaction.atomic():
                check = BallotCheck.objects.create(
                    community_id=ballot.community_id,
                    ballot=ballot,
                    checked_by=actor,
                    checked_at=clock.now(),
                    accepted=accepted,
                    note=note,
                )
        except IntegrityError:
            raise Conflict(_("This ballot has been checked already."), code="checked") from None
        audit_record(
            actor=actor,
            action="ballot.accept" if accepted else "ballot.reject",
            obj=ballot,
            summary=note or ballot.tracker,
        )
    return check


def scan_opened(*, actor: Any, ballot_id: int) -> None:
    """Record that a staff member opened the scan of a paper or proxy ballot (personal data)."""
    with transaction.atomic():
        ballot = Ballot.objects.filter(
            pk=ballot_id, community_id__in=community_ids_for(actor)
        ).first()
        if ballot is None or not is_staff_in(actor, ballot.community_id):
            raise NotFound(_("This ballot does not exist."), code="not_found")
        audit_record(actor=actor, action="ballot.scan_view", obj=ballot, summary=ballot.tracker)


def remind_non_voters(*, actor: Any, motion_id: int) -> int:
    """Remind, in the inbox and by their chosen channels, owners who have not voted yet."""
    with transaction.atomic():
        motion = _lock_motion(actor, motion_id)
        if motion.status != Motion.StatusChoices.OPEN:
            raise Conflict(_("Voting is not open."), code="not_open")
        users = counting.non_voting_users(motion)
        sent = notify(
            community=motion.community,
            recipients=users,
            topic=VOTES,
            title=_("Please vote: %(title)s") % {"title": motion.title},
            body=_("Voting closes on %(date)s 24:00.") % {"date": motion.closes_on},
            url=f"/votes/{motion.public_id}/",
        )
        audit_record(
            actor=actor, action="motion.remind", obj=motion, summary=f"{len(sent)} reminders"
        )
    return len(sent)
