"""Writes of public notices (公示): drafting, publishing, withdrawing and attaching files.

Invariants:
- Only drafts change. A published notice is never edited or deleted; it can only be
  withdrawn with a reason, and the reason stays visible next to it.
- A notice is published only with a window that meets its kind's legal minimum
  (linli.domain.notice_periods) and does not start before today (Asia/Shanghai).
- Staff of the community write any of its notices; owners' committee members write the
  notices of their own estate. Everything is audited.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.selectors import community_ids_for
from linli.core.audit import audit_record
from linli.core.errors import Conflict, Forbidden, LinliError, NotFound
from linli.notices.models import Notice, NoticeAttachment
from linli.notices.periods import period_problem
from linli.notices.selectors import can_write_notice, is_public, local_today, notice_detail_path
from linli.notices.text import mask_personal_numbers
from linli.notifications.services import notify
from linli.notifications.topics import NOTICES
from linli.registry.models import Community, Estate, Occupancy, Ownership

MAX_ATTACHMENTS = 10
_TITLE_MAX = 200
_ISSUER_MAX = 100
_REASON_MAX = 200
_NAME_STEM_MAX = 80


@dataclass(frozen=True)
class FileType:
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES = {
    "pdf": FileType((".pdf",), "application/pdf"),
    "jpeg": FileType((".jpg", ".jpeg"), "image/jpeg"),
    "png": FileType((".png",), "image/png"),
    "xlsx": FileType(
        (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "docx": FileType(
        (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}


# --- checks shared by the services -------------------------------------------------------------


def _clean_text(value: str, *, limit: int, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LinliError(_("%(field)s is required.") % {"field": label}, code="invalid")
    if len(value) > limit:
        raise LinliError(
            _("%(field)s is too long (at most %(limit)d characters).")
            % {"field": label, "limit": limit},
            code="invalid",
        )
    return value


def _clean_fields(
    *,
    community: Community,
    kind: str,
    title: str,
    body: str,
    starts_on: date,
    ends_on: date,
    estate: Estate | None,
    issuer: str,
) -> dict[str, Any]:
    if kind not in Notice.Kind.values:
        raise LinliError(_("Choose a kind of notice."), code="invalid")
    if estate is not None and estate.community_id != community.pk:
        raise NotFound(_("This estate does not exist."), code="not_found")
    if ends_on < starts_on:
        raise LinliError(_("The last day must not be before the first day."), code="invalid_period")
    return {
        "kind": kind,
        "title": _clean_text(title, limit=_TITLE_MAX, required=True, label=_("The title")),
        "body": _clean_text(body, limit=50_000, required=True, label=_("The text")),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "estate": estate,
        "issuer": _clean_text(issuer, limit=_ISSUER_MAX, required=False, label=_("The issuer")),
    }


def _require_writer(actor: Any, community_id: int, estate_id: int | None) -> None:
    if community_id not in community_ids_for(actor):
        raise NotFound(_("This community does not exist."), code="not_found")
    if not can_write_notice(actor, community_id, estate_id):
        raise Forbidden(_("You are not allowed to write notices here."), code="forbidden")


def _lock_for_writer(actor: Any, notice_id: int) -> Notice:
    """The notice, locked; NotFound when the actor may not even see it, Forbidden when they
    may read it (it is public) but not write it."""
    notice = (
        Notice.objects.select_related("community")
        .select_for_update(of=("self",))
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or notice.community_id not in community_ids_for(actor):
        raise NotFound(_("This notice does not exist."), code="not_found")
    if not can_write_notice(actor, notice.community_id, notice.estate_id):
        if is_public(notice):
            raise Forbidden(_("You are not allowed to change this notice."), code="forbidden")
        raise NotFound(_("This notice does not exist."), code="not_found")
    return notice


def _require_draft(notice: Notice) -> None:
    if notice.status != Notice.Status.DRAFT:
        raise Conflict(
            _("This notice has been published: it can no longer be changed, only withdrawn."),
            code="not_draft",
        )


def _check_window(kind: str, starts_on: date, ends_on: date) -> None:
    problem = period_problem(kind, starts_on, ends_on, today=local_today())
    if problem is not None:
        raise LinliError(problem, code="invalid_period")


def resident_recipients(community: Community, estate: Estate | None = None) -> QuerySet[User]:
    """Active users who currently own or live in a unit of the community (or of one estate),
    as one SQL query."""
    owns = Ownership.objects.filter(
        person__user=OuterRef("pk"), community=community, until__isnull=True
    )
    lives = Occupancy.objects.filter(
        person__user=OuterRef("pk"), community=community, until__isnull=True
    )
    if estate is not None:
        owns = owns.filter(unit__estate=estate)
        lives = lives.filter(unit__estate=estate)
    return User.objects.filter(is_active=True).filter(Exists(owns) | Exists(lives))


def _notify_residents(notice: Notice) -> int:
    sent = notify(
        community=notice.community,
        recipients=resident_recipients(notice.community, notice.estate),
        topic=NOTICES,
        title=mask_personal_numbers(notice.title),
        body=_("Published until %(date)s.") % {"date": notice.ends_on.isoformat()},
        url=notice_detail_path(notice),
    )
    return len(sent)


# --- services ------------------------------------------------------------------------------------


def notice_create(
    *,
    actor: Any,
    community: Community,
    kind: str,
    title: str,
    body: str,
    starts_on: date,
    ends_on: date,
    estate: Estate | None = None,
    issuer: str = "",
) -> Notice:
    """Draft a notice. Nothing is public until it is published."""
    _require_writer(actor, community.pk, estate.pk if estate else None)
    fields = _clean_fields(
        community=community,
        kind=kind,
        title=title,
        body=body,
        starts_on=starts_on,
        ends_on=ends_on,
        estate=estate,
        issuer=issuer,
    )
    with transaction.atomic():
        notice = Notice.objects.create(
            community=community, created_by=actor, status=Notice.Status.DRAFT, **fields
        )
        audit_record(
            actor=actor, action="notice.create", obj=notice, summary=f"draft: {notice.title}"
        )
    return notice


def notice_update(
    *,
    actor: Any,
    notice_id: int,
    kind: str,
    title: str,
    body: str,
    starts_on: date,
    ends_on: date,
    estate: Estate | None = None,
    issuer: str = "",
) -> Notice:
    """Rewrite a draft. Published and withdrawn notices are refused (Conflict)."""
    with transaction.atomic():
        notice = _lock_for_writer(actor, notice_id)
        _require_draft(notice)
        fields = _clean_fields(
            community=notice.community,
            kind=kind,
            title=title,
            body=body,
            starts_on=starts_on,
            ends_on=ends_on,
            estate=estate,
            issuer=issuer,
        )
        if not can_write_notice(actor, notice.community_id, estate.pk if estate else None):
            raise Forbidden(_("You are not allowed to write notices here."), code="forbidden")
        for name, value in fields.items():
            setattr(notice, name, value)
        notice.save(update_fields=[*fields.keys()])
        audit_record(
            actor=actor, action="notice.update", obj=notice, summary=f"draft: {notice.title}"
        )
    return notice


def notice_publish(*, actor: Any, notice_id: int, notify_residents: bool = False) -> Notice:
    """Publish a draft after checking its window against its kind's legal minimum.

    With `notify_residents`, every current owner and resident of the community (of the
    notice's estate, if it has one) gets an inbox notification.
    """
    with transaction.atomic():
        notice = _lock_for_writer(actor, notice_id)
        _require_draft(notice)
        _check_window(notice.kind, notice.starts_on, notice.ends_on)
        notice.status = Notice.Status.PUBLISHED
        notice.published_at = timezone.now()
        notice.save(update_fields=["status", "published_at"])
        notified = _notify_residents(notice) if notify_residents else 0
        audit_record(
            actor=actor,
            action="notice.publish",
            obj=notice,
            summary=f"{notice.title} ({notice.starts_on}–{notice.ends_on}), {notified} notified",
        )
    return notice


def notice_publish_system(
    *,
    community: Community,
    kind: str,
    title: str,
    body: str,
    starts_on: date,
    ends_on: date,
    estate: Estate | None = None,
    issuer: str,
    notify_residents: bool = False,
) -> Notice:
    """Create and publish a notice in one step, on behalf of the platform itself.

    For other capabilities (vote results, ledger checkpoints): the caller has already
    decided that the notice is due; the window is still checked against the legal minimum.
    Call it inside the caller's own transaction so both commit together.
    """
    fields = _clean_fields(
        community=community,
        kind=kind,
        title=title,
        body=body,
        starts_on=starts_on,
        ends_on=ends_on,
        estate=estate,
        issuer=issuer,
    )
    if not fields["issuer"]:
        raise LinliError(
            _("A notice published by the platform must name its issuer."), code="invalid"
        )
    _check_window(kind, starts_on, ends_on)
    with transaction.atomic():
        notice = Notice.objects.create(
            community=community,
            created_by=None,
            status=Notice.Status.PUBLISHED,
            published_at=timezone.now(),
            **fields,
        )
        notified = _notify_residents(notice) if notify_residents else 0
        audit_record(
            actor=None,
            action="notice.publish_system",
            obj=notice,
            summary=(
                f"{notice.title} ({notice.starts_on}–{notice.ends_on}) by {notice.issuer}, "
                f"{notified} notified"
            ),
        )
    return notice


def notice_withdraw(*, actor: Any, notice_id: int, reason: str) -> Notice:
    """Withdraw a published notice. It stays on the board, marked withdrawn, with the reason."""
    reason = _clean_text(reason, limit=_REASON_MAX, required=True, label=_("The reason"))
    with transaction.atomic():
        notice = _lock_for_writer(actor, notice_id)
        if notice.status == Notice.Status.DRAFT:
            raise Conflict(
                _("A draft is not public: edit it instead of withdrawing it."), code="draft"
            )
        if notice.status == Notice.Status.WITHDRAWN:
            raise Conflict(_("This notice has already been withdrawn."), code="withdrawn")
        notice.status = Notice.Status.WITHDRAWN
        notice.withdrawn_at = timezone.now()
        notice.withdraw_reason = reason
        notice.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
        audit_record(
            actor=actor, action="notice.withdraw", obj=notice, summary=f"{notice.title}: {reason}"
        )
    return notice


def notice_attach(*, actor: Any, notice_id: int, uploaded_file: Any) -> NoticeAttachment:
    """Attach a PDF, JPEG, PNG, XLSX or DOCX file to a draft.

    The type is decided by the file's first bytes (and, for Office files, its parts), and must
    agree with the extension; the size is capped by LINLI_MAX_UPLOAD_BYTES; the stored name is
    sanitised.
    """
    with transaction.atomic():
        notice = _lock_for_writer(actor, notice_id)
        _require_draft(notice)
        size, file_type, name = _check_upload(uploaded_file)
        if notice.attachments.count() >= MAX_ATTACHMENTS:
            raise Conflict(
                _("A notice can have at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
                code="too_many",
            )
        attachment = NoticeAttachment(
            community_id=notice.community_id,
            notice=notice,
            name=name,
            size=size,
            content_type=FILE_TYPES[file_type].content_type,
        )
        uploaded_file.seek(0)
        attachment.file.save(name, uploaded_file, save=False)
        attachment.save()
        audit_record(
            actor=actor,
            action="notice.attach",
            obj=attachment,
            summary=f"{notice.title}: {name} ({size} bytes)",
        )
    return attachment


def notice_attachment_remove(*, actor: Any, attachment_id: int) -> None:
    """Remove an attachment from a draft (published notices keep theirs)."""
    with transaction.atomic():
        attachment = NoticeAttachment.objects.filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound(_("This file does not exist."), code="not_found")
        notice = _lock_for_writer(actor, attachment.notice_id)
        _require_draft(notice)
        audit_record(
            actor=actor,
            action="notice.detach",
            obj=attachment,
            summary=f"{notice.title}: {attachment.name}",
        )
        stored = attachment.file.name or ""
        storage = attachment.file.storage
        attachment.delete()
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))


# --- file checks ---------------------------------------------------------------------------------


def _check_upload(uploaded_file: Any) -> tuple[int, str, str]:
    """(size, type, safe name) of an acceptable upload; LinliError for anything else."""
    size = int(getattr(uploaded_file, "size", 0) or 0)
    if size <= 0:
        raise LinliError(_("The file is empty."), code="invalid_file")
    if size > settings.LINLI_MAX_UPLOAD_BYTES:
        raise LinliError(
            _("The file is too large (at most %(limit)s).")
            % {"limit": filesizeformat(settings.LINLI_MAX_UPLOAD_BYTES)},
            code="file_too_large",
        )
    file_type = detect_file_type(uploaded_file)
    name = safe_filename(getattr(uploaded_file, "name", "") or "")
    if file_type is None or PurePath(name).suffix.lower() not in FILE_TYPES[file_type].extensions:
        raise LinliError(
            _(
                "Only PDF, JPG, PNG, XLSX and DOCX files can be attached, "
                "and the file must be what its name says."
            ),
            code="invalid_file",
        )
    return size, file_type, name


def detect_file_type(stream: IO[bytes]) -> str | None:
    """ "pdf", "jpeg", "png", "xlsx" or "docx" from the content, or None for anything else."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            # Only the central directory is read; nothing is extracted.
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
    return None


def safe_filename(name: str) -> str:
    """A display and storage name without paths, control or shell characters: "公示 (1).pdf" →
    "公示_1.pdf"; Chinese letters are kept."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    clean_stem = "".join(ch if (ch.isalnum() or ch in "-_") else "_" for ch in stem)
    clean_stem = (
        "_".join(part for part in clean_stem.split("_") if part)[:_NAME_STEM_MAX] or "attachment"
    )
    clean_ext = "".join(ch for ch in ext if ch.isascii() and ch.isalnum()).lower()[:10]
    return f"{clean_stem}.{clean_ext}" if clean_ext else clean_stem
