"""Builders shared by the notice tests."""

from __future__ import annotations

import datetime
import io
import zipfile

from django.utils import timezone

from linli.notices import services
from linli.notices.models import Notice

DAY = datetime.timedelta(days=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def office_file(part: str) -> bytes:
    """A minimal OOXML container holding `part` (xl/workbook.xml or word/document.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def draft(
    world, today, *, actor=None, kind="general", days=15, estate=None, title="关于电梯加装的公示"
):
    """A draft in 甲 through the service, starting today and lasting `days` days."""
    return services.notice_create(
        actor=actor or world.a.users["worker"],
        community=world.a.community,
        kind=kind,
        title=title,
        body="经业主大会表决通过，现予公示。",
        starts_on=today,
        ends_on=today + (days - 1) * DAY,
        estate=estate,
        issuer="甲社区居委会",
    )


def published(world, today, **kwargs):
    notice = draft(world, today, **kwargs)
    return services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)


def posted(community, *, title, starts_on, ends_on, status=Notice.Status.PUBLISHED, **extra):
    """A notice as the board would find it on some day (windows in the past are set directly)."""
    return Notice.objects.create(
        community=community,
        kind="general",
        title=title,
        body="正文",
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        published_at=timezone.now() if status != Notice.Status.DRAFT else None,
        **extra,
    )
