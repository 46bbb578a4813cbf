"""Reads of public notices (公示): boards, access gates and who may write.

A notice is public once it is published (or later withdrawn) and its window has started; the
public sees it without logging in. Drafts are seen only by those who may write them: staff of
the community, and owners' committee members for notices of their own estate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment
from linli.accounts.selectors import community_ids_for, is_staff_in, roles_in
from linli.core import clock
from linli.core.errors import NotFound
from linli.notices.models import Notice, NoticeAttachment
from linli.registry.models import Community, Membership, Organisation

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLIC_STATUSES = (Notice.Status.PUBLISHED, Notice.Status.WITHDRAWN)
# Per-request cache on the user object, like linli.accounts.selectors' role cache.
_ESTATES_CACHE_ATTR = "_linli_committee_estates"


def local_today(now: datetime | None = None) -> date:
    """Today's date in China (Asia/Shanghai), whatever the server's time zone."""
    if now is None:
        return clock.today()
    return now.astimezone(SHANGHAI).date()


def is_public(notice: Notice, today: date | None = None) -> bool:
    """Published or withdrawn, and its window has started: anyone may read it."""
    return notice.status in PUBLIC_STATUSES and notice.starts_on <= (today or local_today())


def public_notices(community: Community | int, today: date | None = None) -> QuerySet[Notice]:
    """Every notice of a community the public may read, newest window first."""
    today = today or local_today()
    return Notice.objects.filter(
        community=community, status__in=PUBLIC_STATUSES, starts_on__lte=today
    )


def committee_estate_ids(user: Any, community_id: int) -> frozenset[int]:
    """Estates whose owners' committee this user sits on (role tied to it, or a current seat)."""
    if Role.COMMITTEE not in roles_in(user, community_id):
        return frozenset()
    cache: dict[int, frozenset[int]] = user.__dict__.setdefault(_ESTATES_CACHE_ATTR, {})
    if community_id in cache:
        return cache[community_id]
    kind = Organisation.Kind.OWNERS_COMMITTEE
    by_role = RoleAssignment.objects.filter(
        user=user,
        community_id=community_id,
        role=Role.COMMITTEE,
        organisation__kind=kind,
        organisation__estate__isnull=False,
    ).values_list("organisation__estate_id", flat=True)
    by_seat = Membership.objects.filter(
        person__user=user,
        community_id=community_id,
        until__isnull=True,
        organisation__kind=kind,
        organisation__is_active=True,
        organisation__estate__isnull=False,
    ).values_list("organisation__estate_id", flat=True)
    cache[community_id] = frozenset(by_role.order_by().union(by_seat.order_by()))
    return cache[community_id]


def can_write_notice(user: Any, community_id: int, estate_id: int | None) -> bool:
    """Staff write any notice of their community; committee members only their estate's."""
    if is_staff_in(user, community_id):
        return True
    return estate_id is not None and estate_id in committee_estate_ids(user, community_id)


def writable_community_ids(user: Any) -> list[int]:
    """Communities in which this user may write at least some notices, in id order."""
    return sorted(
        cid
        for cid in community_ids_for(user)
        if is_staff_in(user, cid)
        or (Role.COMMITTEE in roles_in(user, cid) and committee_estate_ids(user, cid))
    )


def writable_communities(user: Any) -> QuerySet[Community]:
    """The communities of `writable_community_ids`, for a switcher."""
    return Community.objects.filter(pk__in=writable_community_ids(user)).order_by("id")


def access_notice_by_id(user: Any, notice_id: int) -> Notice:
    """The notice, or NotFound: writers see drafts of notices they may write, others only
    public ones of their own communities."""
    notice = (
        Notice.objects.select_related("community", "estate")
        .filter(pk=notice_id, community_id__in=community_ids_for(user))
        .first()
    )
    if notice is None:
        raise NotFound(_("This notice does not exist."), code="not_found")
    if is_public(notice) or can_write_notice(user, notice.community_id, notice.estate_id):
        return notice
    raise NotFound(_("This notice does not exist."), code="not_found")


def access_notice_by_public_id(user: Any, public_id: uuid.UUID | str) -> Notice:
    """The notice by its public id, anonymous visitors included: public notices to anyone,
    drafts and scheduled ones only to those who may write them. Attachments prefetched."""
    notice = (
        Notice.objects.select_related("community", "estate")
        .prefetch_related(Prefetch("attachments", queryset=NoticeAttachment.objects.order_by("id")))
        .filter(public_id=public_id)
        .first()
    )
    if notice is None:
        raise NotFound(_("This notice does not exist."), code="not_found")
    if is_public(notice):
        return notice
    if getattr(user, "is_authenticated", False) and can_write_notice(
        user, notice.community_id, notice.estate_id
    ):
        return notice
    raise NotFound(_("This notice does not exist."), code="not_found")


def attachment_for_download(
    user: Any, public_id: uuid.UUID | str, attachment_id: int
) -> NoticeAttachment:
    """An attachment of a notice the user may read, or NotFound."""
    notice = access_notice_by_public_id(user, public_id)
    for attachment in notice.attachments.all():
        if attachment.pk == attachment_id:
            return attachment
    raise NotFound(_("This file does not exist."), code="not_found")


@dataclass(frozen=True)
class Board:
    """A community's board: notices up today, and those whose window has ended."""

    community: Community
    today: date
    current: list[Notice] = field(default_factory=list)
    archive: QuerySet[Notice] | None = None


def board_for_community(community: Community, *, today: date | None = None) -> Board:
    """Notices whose window contains today (withdrawn ones too, with their reason), ending
    soonest first; the archive is a lazy queryset of ended ones, newest first, to paginate."""
    today = today or local_today()
    base = public_notices(community, today).select_related("estate")
    current = list(base.filter(ends_on__gte=today).order_by("status", "ends_on", "-id"))
    archive = base.filter(ends_on__lt=today).order_by("-ends_on", "-id")
    return Board(community=community, today=today, current=current, archive=archive)


def community_by_code(code: str) -> Community:
    """A community by its public code, for the public board."""
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise NotFound(_("This community does not exist."), code="not_found")
    return community


def member_communities(user: Any) -> list[Community]:
    """The communities whose boards the user may read, for a switcher."""
    return list(Community.objects.filter(pk__in=community_ids_for(user)).order_by("id"))


def home_community_for(user: Any, requested_id: int | None = None) -> Community | None:
    """The community whose board the user sees: the requested one if they belong to it, else
    their chosen one, else their first; None when they belong nowhere."""
    ids = community_ids_for(user)
    if not ids:
        return None
    if requested_id in ids:
        chosen = requested_id
    elif user.current_community_id in ids:
        chosen = user.current_community_id
    else:
        chosen = min(ids)
    return Community.objects.get(pk=chosen)


def management_community_for(user: Any, requested_id: int | None = None) -> Community:
    """The community whose notices the user manages: the requested one if they may write
    there, else their chosen or first such community. NotFound when they may write nowhere."""
    ids = writable_community_ids(user)
    if requested_id is not None:
        if requested_id not in ids:
            raise NotFound(_("This page does not exist."), code="not_found")
        chosen = requested_id
    elif not ids:
        raise NotFound(_("This page does not exist."), code="not_found")
    else:
        chosen = user.current_community_id if user.current_community_id in ids else ids[0]
    return Community.objects.get(pk=chosen)


def notices_for_management(user: Any, community: Community) -> QuerySet[Notice]:
    """Every notice the user may write in this community, drafts included, newest first."""
    qs = Notice.objects.filter(community=community).select_related("estate")
    if not is_staff_in(user, community.pk):
        qs = qs.filter(estate_id__in=committee_estate_ids(user, community.pk))
    return qs.order_by("-created_at", "-id")


def writable_estates(user: Any, community: Community) -> QuerySet[Any]:
    """Estates the user may issue notices for (staff: all of the community's)."""
    from linli.registry.models import Estate

    qs = Estate.objects.filter(community=community)
    if not is_staff_in(user, community.pk):
        qs = qs.filter(pk__in=committee_estate_ids(user, community.pk))
    return qs.order_by("id")


def notice_detail_path(notice: Notice) -> str:
    return reverse("notices:detail", kwargs={"public_id": notice.public_id})


def notice_public_url(notice: Notice) -> str:
    """The absolute address printed (as a QR code) on the paper copy of a notice."""
    return settings.LINLI_PUBLIC_URL.rstrip("/") + notice_detail_path(notice)
