"""API shapes of public notices. Text fields carry the public (masked) text."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from ninja import Schema


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str
    url: str


class NoticeOut(Schema):
    public_id: uuid.UUID
    community_id: int
    estate_id: int | None
    estate_name: str | None
    kind: str
    kind_label: str
    status: str
    title: str
    issuer: str
    starts_on: date
    ends_on: date
    days_left: int
    published_at: datetime | None
    withdrawn_at: datetime | None
    withdraw_reason: str
    url: str
    pdf_url: str


class NoticeDetailOut(NoticeOut):
    body: str
    attachments: list[AttachmentOut]


class NoticePageOut(Schema):
    items: list[NoticeOut]
    count: int
    page: int
    page_size: int
