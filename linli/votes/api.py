"""API endpoints of owners' decisions (thin: parse, call a service or a read, return a schema).

Residents list and open the motions of the estates where they own or live (or whose roll they
are on) and cast the ballots of their homes; anyone reads a published result and its public
roll; managers (services.can_manage: the community's staff, or the estate's owners' committee)
drive a motion through its lifecycle. Every write is one service call; services raise
LinliError, which config/api.py answers in the shared {code, message} shape. Anything the
caller may not see answers 404, exactly like something that does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from linli.accounts.selectors import community_ids_for
from linli.core import clock
from linli.core.api_auth import ApiTokenAuth, SessionAuth
from linli.core.api_schemas import error_responses
from linli.core.errors import NotFound
from linli.domain.tally import Rule, Threshold
from linli.domain.units import format_hundredths
from linli.notices.api import anonymous_allowed
from linli.registry.models import Occupancy, Ownership
from linli.votes import counting, services
from linli.votes.models import Ballot, Motion, MotionResult, RollOwner, RollVoter
from linli.votes.schemas import (
    AnnounceIn,
    BallotIn,
    BallotReceiptOut,
    MotionCreateIn,
    MotionDetailOut,
    MotionManageOut,
    MotionPageOut,
    MotionPatchIn,
    MotionResultOut,
    RollOut,
    StatusValue,
    TurnoutOut,
)
from linli.votes.selectors import Managing
from linli.votes.selectors import managing as managed_by

router = Router(tags=["votes"])

PUBLIC: dict[str, Any] = {
    "auth": [SessionAuth(), ApiTokenAuth(), anonymous_allowed],
    # `anonymous_allowed` has no OpenAPI security scheme; the empty requirement says the same.
    "openapi_extra": {"security": [{}]},
}
# What residents see; drafts and cancelled motions are for those who manage them.
RESIDENT_STATUSES = (
    Motion.StatusChoices.ANNOUNCED,
    Motion.StatusChoices.OPEN,
    Motion.StatusChoices.CLOSED,
    Motion.StatusChoices.TALLIED,
    Motion.StatusChoices.PUBLISHED,
)
MAX_PAGE_SIZE = 100
# Far beyond any real list; a larger page number would overflow the database's OFFSET (a 500).
MAX_PAGE_NUMBER = 100_000


class MotionListParams(Schema):
    status: StatusValue | None = Field(None, description="Only motions in this state.")
    page: int = Field(1, le=MAX_PAGE_NUMBER, description="Page number; below 1 means 1.")
    page_size: int = Field(20, description="Items per page; clamped to 1–100.")


# --- who sees what --------------------------------------------------------------------------


def _visible_motions(user: Any, managing: Managing) -> QuerySet[Motion]:
    """Every motion the user manages (drafts and cancelled ones included), and the announced
    motions of the estates where they own or live now, or on whose frozen roll they are (the
    same rule as the resident pages' gate). One query."""
    owned = Ownership.objects.filter(person__user=user, until__isnull=True).values(
        "unit__estate_id"
    )
    lived = Occupancy.objects.filter(person__user=user, until__isnull=True).values(
        "unit__estate_id"
    )
    on_roll = RollOwner.objects.filter(person__user=user).values("motion_id")
    residents = Q(status__in=RESIDENT_STATUSES) & (
        Q(estate_id__in=owned) | Q(estate_id__in=lived) | Q(id__in=on_roll)
    )
    return Motion.objects.filter(community_id__in=community_ids_for(user)).filter(
        managing.q() | residents
    )


def _not_found() -> NotFound:
    return NotFound(_("This vote does not exist."), code="not_found")


def _access_motion(user: Any, public_id: uuid.UUID, managing: Managing) -> Motion:
    motion = (
        _visible_motions(user, managing)
        .select_related("estate")
        .filter(public_id=public_id)
        .first()
    )
    if motion is None:
        raise _not_found()
    return motion


def _access_managed_motion(user: Any, motion_id: int) -> Motion:
    """The motion, if the user manages it; checked before any service sees the request, so a
    stranger gets 404 whatever the body says."""
    motion = (
        Motion.objects.select_related("estate")
        .filter(pk=motion_id, community_id__in=community_ids_for(user))
        .filter(managed_by(user).q())
        .first()
    )
    if motion is None:
        raise _not_found()
    return motion


def _published(public_id: uuid.UUID) -> Motion:
    motion = (
        Motion.objects.select_related("result")
        .filter(public_id=public_id, status=Motion.StatusChoices.PUBLISHED)
        .first()
    )
    if motion is None:
        raise NotFound(_("This result has not been published."), code="not_found")
    return motion


# --- shapes ---------------------------------------------------------------------------------


def _count(area: int | None, headcount: int | None) -> dict[str, Any] | None:
    if area is None or headcount is None:
        return None
    return {"area": area, "area_m2": format_hundredths(area), "headcount": headcount}


def _threshold(value: Threshold | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "numerator": value.numerator,
        "denominator": value.denominator,
        "inclusive": value.inclusive,
    }


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "kind": rule.kind.value,
        "quorum": _threshold(rule.quorum),
        "approval": _threshold(rule.approval),
        "base": rule.base.value,
        "follow_majority_option": rule.follow_majority_option,
        "silent_owners_follow_majority": rule.silent_owners_follow_majority,
    }


def _summary(motion: Motion, managing: Managing) -> dict[str, Any]:
    return {
        "public_id": motion.public_id,
        "id": motion.pk if managing.covers(motion) else None,
        "community_id": motion.community_id,
        "estate_id": motion.estate_id,
        "estate_name": motion.estate.name,
        "title": motion.title,
        "kind": motion.kind,
        "kind_label": str(motion.get_kind_display()),
        "matter": motion.matter,
        "matter_label": str(motion.get_matter_display()),
        "rule_kind": motion.rule_kind,
        "rule_label": str(motion.get_rule_kind_display()),
        "scope": motion.scope,
        "status": motion.status,
        "status_label": str(motion.get_status_display()),
        "opens_on": motion.opens_on,
        "closes_on": motion.closes_on,
        "announced_on": motion.announced_on,
        "published_at": motion.published_at,
    }


def _spec(motion: Motion, managing: Managing) -> dict[str, Any]:
    published = motion.status == Motion.StatusChoices.PUBLISHED
    return {
        **_summary(motion, managing),
        "body": motion.body,
        "meeting_kind": motion.meeting_kind,
        "seats": motion.seats,
        "allow_revote": motion.allow_revote,
        "follow_majority_option": motion.follow_majority_option,
        "rule": _rule(counting.rule_of(motion)),
        "area_total": motion.area_total,
        "area_total_m2": format_hundredths(motion.area_total)
        if motion.area_total is not None
        else None,
        "headcount_total": motion.headcount_total,
        "options": [
            {"position": o.position, "label": o.label, "description": o.description}
            for o in motion.options.all()
        ],
        "result_url": _url("votes_result", motion) if published else None,
    }


def _manage_out(motion: Motion) -> dict[str, Any]:
    # Whoever reached a manage endpoint manages the motion.
    managing = Managing(frozenset({motion.community_id}), frozenset())
    return {
        **_spec(motion, managing),
        "building_id": motion.building_id,
        "entrance_id": motion.entrance_id,
        "silent_owners_follow_majority": motion.silent_owners_follow_majority,
        "count_parking_area": motion.count_parking_area,
        "count_shop_area": motion.count_shop_area,
        "opened_at": motion.opened_at,
        "closed_at": motion.closed_at,
        "tallied_at": motion.tallied_at,
        "cancelled_at": motion.cancelled_at,
    }


def _my_voters(user: Any, motion: Motion) -> list[dict[str, Any]]:
    """The caller's voters on the roll, and whether a ballot stands for each (one query).

    A ballot stands when it was cast online or is a paper ballot not rejected by its check,
    as in services (a standing ballot blocks another unless the motion allows re-voting).
    """
    standing = Ballot.objects.filter(voter=OuterRef("pk")).filter(
        Q(channel=Ballot.Channel.ONLINE) | ~Q(review__accepted=False)
    )
    voters = (
        RollVoter.objects.filter(motion=motion, owners__person__user=user)
        .annotate(voted=Exists(standing))
        .distinct()
        .order_by("number")
    )
    is_open = (
        motion.status == Motion.StatusChoices.OPEN
        and motion.closes_on is not None
        and clock.today() <= motion.closes_on
    )
    return [
        {
            "voter_id": v.pk,
            "number": v.number,
            "homes": v.label,
            "area": v.area,
            "area_m2": format_hundredths(v.area),
            "voted": v.voted,
            "may_vote": is_open and (not v.voted or motion.allow_revote),
        }
        for v in voters
    ]


def _result_out(motion: Motion, result: MotionResult) -> dict[str, Any]:
    d = result.data
    stored = d["rule"]

    def fraction(value: list[Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {"numerator": value[0], "denominator": value[1], "inclusive": value[2]}

    def count(name: str) -> dict[str, Any] | None:
        return _count(d.get(f"area_{name}"), d.get(f"headcount_{name}"))

    return {
        "public_id": motion.public_id,
        "title": motion.title,
        "kind": motion.kind,
        "status": motion.status,
        "tallied_at": result.tallied_at,
        "published_at": motion.published_at,
        "rule": {
            **stored,
            "quorum": fraction(stored["quorum"]),
            "approval": fraction(stored["approval"]),
        },
        "total": _count(d["area_total"], d["headcount_total"]),
        "participating": count("participating"),
        "yes": count("yes"),
        "no": count("no"),
        "abstain": count("abstain"),
        "follow_majority": count("follow_majority"),
        "conflict": count("conflict"),
        "quorum_met": d["quorum_met"],
        "passed": result.passed,
        "outcome": d["outcome"],
        "reason": d["reason"],
        "basis": d.get("basis"),
        "explanation": d.get("explanation"),
        "options": [
            {
                **row,
                "area_m2": format_hundredths(row["area"]),
                "seat": row.get("seat"),
            }
            for row in d.get("options", [])
        ],
        "winner": d.get("winner"),
        "runoff": d.get("runoff", []),
        "elected": d.get("elected", []),
        "alternates": d.get("alternates", []),
        "tied": d.get("tied", []),
        "seats": d.get("seats"),
        "conflicts": d["conflicts"],
        "invalid": d["invalid"],
        "spoiled": d.get("spoiled", 0),
        "roll_digest": result.roll_digest,
        "roll_url": _url("votes_roll", motion),
    }


def _url(name: str, motion: Motion) -> str:
    return reverse(f"api-v1:{name}", kwargs={"public_id": motion.public_id})


# --- residents and the public ---------------------------------------------------------------


@router.get(
    "/",
    response={200: MotionPageOut, **error_responses(401, 422)},
    summary="Motions I may see",
    operation_id="votes_list",
)
def list_motions(request: HttpRequest, params: Query[MotionListParams]) -> dict[str, Any]:
    """Announced motions of the estates where I own or live, and all motions I manage
    (drafts included), newest first."""
    managing = managed_by(request.user)
    motions = _visible_motions(request.user, managing).select_related("estate")
    if params.status is not None:
        motions = motions.filter(status=params.status)
    page_size = min(max(params.page_size, 1), MAX_PAGE_SIZE)
    page = max(params.page, 1)
    start = (page - 1) * page_size
    return {
        "items": [_summary(m, managing) for m in motions[start : start + page_size]],
        "count": motions.count(),
        "page": page,
        "page_size": page_size,
    }


@router.get(
    "/{public_id}",
    response={200: MotionDetailOut, **error_responses(401, 404, 422)},
    summary="One motion, with my homes on its roll",
    operation_id="votes_get",
)
def get_motion(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """The question, its options and rule; my voters on the roll and whether each has voted."""
    managing = managed_by(request.user)
    motion = _access_motion(request.user, public_id, managing)
    return {**_spec(motion, managing), "my_voters": _my_voters(request.user, motion)}


@router.post(
    "/{public_id}/ballots",
    response={201: BallotReceiptOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Cast my home's ballot online",
    operation_id="votes_cast",
)
def cast_ballot(
    request: HttpRequest, public_id: uuid.UUID, payload: BallotIn
) -> tuple[int, dict[str, Any]]:
    """One ballot for one of my voters; 409 when this home has voted and re-voting is off."""
    motion = _access_motion(request.user, public_id, managed_by(request.user))
    ballot = services.ballot_cast(
        user=request.user,
        motion_id=motion.pk,
        voter_id=payload.voter_id,
        choice=payload.choice,
        options=payload.options,
    )
    return 201, {
        "tracker": ballot.tracker,
        "motion_public_id": motion.public_id,
        "voter_number": ballot.voter.number,
        "revision": ballot.revision,
        "channel": ballot.channel,
        "choice": ballot.choice,
        "options": ballot.options,
        "cast_at": ballot.cast_at,
    }


@router.get(
    "/{public_id}/result",
    response={200: MotionResultOut, **error_responses(404, 422)},
    summary="The published result (public)",
    operation_id="votes_result",
    url_name="votes_result",
    **PUBLIC,
)
def get_result(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Every total, the outcome and the digest of the public roll, once published."""
    motion = _published(public_id)
    return _result_out(motion, motion.result)


@router.get(
    "/{public_id}/roll",
    response={200: RollOut, **error_responses(404, 422)},
    summary="The public roll of a published result",
    operation_id="votes_roll",
    url_name="votes_roll",
    **PUBLIC,
)
def get_roll(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Each voter by number (no names) with area, counted answer and receipt codes: enough to
    recompute the published totals."""
    motion = _published(public_id)
    lines = [
        {
            "number": line.number,
            "area": line.area,
            "area_m2": format_hundredths(line.area),
            "answer": line.answer,
            "trackers": list(line.trackers),
        }
        for line in counting.public_roll(motion)
    ]
    return {
        "public_id": motion.public_id,
        "roll_digest": motion.result.roll_digest,
        "count": len(lines),
        "lines": lines,
    }


# --- managers -------------------------------------------------------------------------------

WRITE_ERRORS: dict[int, Any] = error_responses(400, 401, 403, 404, 409, 422)
STEP_ERRORS: dict[int, Any] = error_responses(401, 403, 404, 409, 422)


@router.post(
    "/manage/motions",
    response={201: MotionManageOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Draft a motion",
    operation_id="votes_manage_create",
)
def create_motion(request: HttpRequest, payload: MotionCreateIn) -> tuple[int, dict[str, Any]]:
    """A draft; its rule follows the matter (custom thresholds only for a 'custom' matter)."""
    custom = payload.custom
    motion = services.motion_create(
        actor=request.user,
        estate_id=payload.estate_id,
        title=payload.title,
        body=payload.body,
        kind=payload.kind,
        matter=payload.matter,
        meeting_kind=payload.meeting_kind,
        scope=payload.scope,
        building_id=payload.building_id,
        entrance_id=payload.entrance_id,
        building_ids=payload.building_ids,
        unit_ids=payload.unit_ids,
        seats=payload.seats,
        allow_revote=payload.allow_revote,
        custom=(
            custom.quorum_numerator,
            custom.quorum_denominator,
            custom.approval_numerator,
            custom.approval_denominator,
            custom.approval_inclusive,
        )
        if custom is not None
        else None,
        follow_majority_option=payload.follow_majority_option,
        silent_owners_follow_majority=payload.silent_owners_follow_majority,
        options=payload.options,
    )
    return 201, _manage_out(motion)


@router.patch(
    "/manage/motions/{motion_id}",
    response={200: MotionManageOut, **WRITE_ERRORS},
    summary="Change a draft's wording",
    operation_id="votes_manage_update",
)
def update_motion(request: HttpRequest, motion_id: int, payload: MotionPatchIn) -> dict[str, Any]:
    """Title, explanation and re-voting of a draft; 409 once announced, changing nothing.
    The rule is not a field here: it follows the matter and is frozen when voting opens."""
    motion = _access_managed_motion(request.user, motion_id)
    motion = services.motion_update(
        actor=request.user,
        motion_id=motion.pk,
        title=motion.title if payload.title is None else payload.title,
        body=motion.body if payload.body is None else payload.body,
        allow_revote=payload.allow_revote,
    )
    return _manage_out(motion)


@router.post(
    "/manage/motions/{motion_id}/announce",
    response={200: MotionManageOut, **WRITE_ERRORS},
    summary="Announce a draft and fix its voting period",
    operation_id="votes_manage_announce",
)
def announce_motion(request: HttpRequest, motion_id: int, payload: AnnounceIn) -> dict[str, Any]:
    """Publishes the topics as a notice; voting opens 15 (regular) or 7 (extraordinary) days
    later at the earliest and lasts 5 to 60 days."""
    motion = _access_managed_motion(request.user, motion_id)
    motion = services.motion_announce(
        actor=request.user,
        motion_id=motion.pk,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
    )
    return _manage_out(motion)


@router.post(
    "/manage/motions/{motion_id}/open",
    response={200: MotionManageOut, **STEP_ERRORS},
    summary="Open voting: freeze the rule and the roll",
    operation_id="votes_manage_open",
)
def open_motion(request: HttpRequest, motion_id: int) -> dict[str, Any]:
    """On or after the first day of voting; the roll and the rule never change afterwards."""
    motion = _access_managed_motion(request.user, motion_id)
    return _manage_out(services.motion_open(actor=request.user, motion_id=motion.pk))


@router.post(
    "/manage/motions/{motion_id}/close",
    response={200: MotionManageOut, **STEP_ERRORS},
    summary="Close voting after its last day",
    operation_id="votes_manage_close",
)
def close_motion(request: HttpRequest, motion_id: int) -> dict[str, Any]:
    motion = _access_managed_motion(request.user, motion_id)
    return _manage_out(services.motion_close(actor=request.user, motion_id=motion.pk))


@router.post(
    "/manage/motions/{motion_id}/tally",
    response={200: MotionResultOut, **STEP_ERRORS},
    summary="Count a closed motion",
    operation_id="votes_manage_tally",
)
def tally_motion(request: HttpRequest, motion_id: int) -> dict[str, Any]:
    """409 while paper or proxy ballots wait for a second worker's check."""
    motion = _access_managed_motion(request.user, motion_id)
    result = services.motion_tally(actor=request.user, motion_id=motion.pk)
    motion.refresh_from_db()
    return _result_out(motion, result)


@router.post(
    "/manage/motions/{motion_id}/publish",
    response={200: MotionManageOut, **STEP_ERRORS},
    summary="Publish the result (公示, at least 15 days)",
    operation_id="votes_manage_publish",
)
def publish_motion(request: HttpRequest, motion_id: int) -> dict[str, Any]:
    motion = _access_managed_motion(request.user, motion_id)
    return _manage_out(services.motion_publish(actor=request.user, motion_id=motion.pk))


@router.get(
    "/manage/motions/{motion_id}/turnout",
    response={200: TurnoutOut, **error_responses(401, 404, 422)},
    summary="Live turnout by area and headcount",
    operation_id="votes_manage_turnout",
)
def get_turnout(request: HttpRequest, motion_id: int) -> dict[str, Any]:
    """Voters with a valid ballot so far; zero before voting opens."""
    motion = _access_managed_motion(request.user, motion_id)
    turnout = counting.turnout(motion)
    return {
        "total": _count(turnout.area_total, turnout.headcount_total),
        "voted": _count(turnout.area_voted, turnout.headcount_voted),
        "area_percent": turnout.area_percent,
        "headcount_percent": turnout.headcount_percent,
        "pending_checks": turnout.pending_checks,
    }
