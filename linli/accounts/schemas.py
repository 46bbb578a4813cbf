"""API schemas of the accounts app."""

from __future__ import annotations

from ninja import Schema


class CommunityRolesOut(Schema):
    community_id: int
    community_name: str
    roles: list[str]


class MeOut(Schema):
    """The logged-in account. The phone number is masked, as everywhere outside the console."""

    id: int
    name: str
    phone: str
    elder_mode: bool
    language: str
    roles: list[CommunityRolesOut]
