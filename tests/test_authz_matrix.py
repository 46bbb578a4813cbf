"""The authorization matrix: every URL pattern and every API operation, every role, three places.

Each endpoint has one policy row (a new endpoint without a row fails
`test_every_endpoint_has_a_policy_row`). For each row and each role, a user holding that role
asks for an object (1) of their own community and (2) of another community. Allowed roles get a
2xx/3xx answer at home; every other combination is denied with 403/404 (anonymous: a redirect to
the login page or 401), and never with 2xx or 5xx. Writes run inside a rolled-back savepoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from config.api import api
from tests.authz import (
    EVERYONE,
    MEMBERS,
    REGISTRY_READERS,
    ROLES,
    SIGNED_IN,
    STAFF,
    Row,
)
from tests.world import Side, World


class Rollback(Exception):
    pass


def _rolled_back(call: Callable[[], Any]) -> Any:
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            result["response"] = call()
            raise Rollback
    except Rollback:
        pass
    return result["response"]


def page_patterns() -> list[tuple[str, str]]:
    """(name, route) for every named page URL outside the admin and the API."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or ""
                if ns in {"admin", "api-v1"}:
                    continue
                full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(p.url_patterns, prefix + str(p.pattern), full_ns)
            elif isinstance(p, URLPattern):
                name = p.name or ""
                found.append(
                    (f"{namespace}:{name}" if namespace else name, prefix + str(p.pattern))
                )

    walk(get_resolver().url_patterns, "", "")
    return found


def api_operations() -> list[str]:
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            ops.append(f"{method.upper()} {path}")
    return sorted(ops)


def user_for(world: World, side: Side, role: str) -> Any:
    if role == "anonymous":
        return None
    if role == "outsider":
        return world.outsider
    return side.users[role]


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def denied(response: Any, role: str, is_api: bool) -> bool:
    if response.status_code in (403, 404):
        return True
    if role == "anonymous":
        if is_api:
            return response.status_code == 401
        return response.status_code == 302 and "/accounts/login" in response["Location"]
    return False


# ---------------------------------------------------------------------------------------------
# Objects each side needs beyond the world: notices, a notification, a consent, an API token.


@dataclass
class Extra:
    draft: Any
    published: Any
    attachment: Any
    draft_attachment: Any
    notification: Any
    consent: Any
    token: Any


def build_extra(side: Side) -> Extra:
    import datetime as dt

    from django.core.files.base import ContentFile

    from linli.accounts.models import ApiToken, Consent
    from linli.notices.models import Notice, NoticeAttachment
    from linli.notifications.models import Notification

    today = dt.date.today()
    worker = side.users["worker"]
    draft = Notice.objects.create(
        community=side.community,
        title="草稿公示",
        body="草稿",
        starts_on=today,
        ends_on=today,
        created_by=worker,
    )
    published = Notice.objects.create(
        community=side.community,
        title="停车新政公示",
        body="正文",
        starts_on=today,
        ends_on=today + dt.timedelta(days=14),
        status=Notice.Status.PUBLISHED,
        created_by=worker,
    )
    attachment = NoticeAttachment(
        community=side.community,
        notice=published,
        name="plan.pdf",
        size=9,
        content_type="application/pdf",
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    draft_attachment = NoticeAttachment(
        community=side.community,
        notice=draft,
        name="draft.pdf",
        size=9,
        content_type="application/pdf",
    )
    draft_attachment.file.save("draft.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    draft_attachment.save()
    notification = Notification.objects.create(
        community=side.community,
        recipient=side.users["owner"],
        topic="notice",
        title="新公示",
        url="/notices/",
    )
    consent = Consent.objects.create(
        user=side.users["owner"],
        purpose=Consent.Purpose.SMS,
        policy_version="2026-11",
        channel="online",
    )
    token = ApiToken.objects.create(
        user=side.users["owner"],
        name="phone",
        prefix="abc",
        key_hash="0" * 63 + side.community.code[-1],
    )
    return Extra(draft, published, attachment, draft_attachment, notification, consent, token)


def _extra(side: Side) -> Extra:
    return side.extra  # type: ignore[attr-defined,no-any-return]


# ---------------------------------------------------------------------------------------------
# The policy: one row per page and per API operation.

PAGES: dict[str, Row] = {
    "home": Row(EVERYONE, scoped=False),
    "healthz": Row(EVERYONE, scoped=False),
    "set_language": Row(
        EVERYONE, method="POST", data=lambda s: {"language": "en", "next": "/"}, scoped=False
    ),
    # Accounts
    "accounts:login": Row(EVERYONE, scoped=False),
    "accounts:sms_send": Row(
        EVERYONE, method="POST", data=lambda s: {"phone": "13800000000"}, scoped=False
    ),
    "accounts:logout": Row(EVERYONE, method="POST", scoped=False),
    "accounts:elder_mode": Row(
        EVERYONE, method="POST", data=lambda s: {"elder": "1", "next": "/"}, scoped=False
    ),
    "accounts:language": Row(
        EVERYONE, method="POST", data=lambda s: {"language": "en"}, scoped=False
    ),
    "accounts:profile": Row(SIGNED_IN, scoped=False),
    "accounts:consent_give": Row(
        SIGNED_IN, method="POST", data=lambda s: {"purpose": "sms"}, scoped=False
    ),
    "accounts:consent_withdraw": Row(
        frozenset({"owner"}), method="POST", kwargs=lambda s: {"consent_id": _extra(s).consent.id}
    ),
    "accounts:api_token_create": Row(
        SIGNED_IN, method="POST", data=lambda s: {"name": "x"}, scoped=False
    ),
    "accounts:api_token_revoke": Row(
        frozenset({"owner"}), method="POST", kwargs=lambda s: {"token_id": _extra(s).token.id}
    ),
    "accounts:privacy": Row(EVERYONE, scoped=False),
    "accounts:consent_paper": Row(STAFF, kwargs=lambda s: {"person_id": s.tenant_person.id}),
    "accounts:my_home": Row(SIGNED_IN, scoped=False),
    "accounts:console": Row(STAFF, scoped=False),
    "accounts:audit": Row(STAFF, scoped=False),
    # Registry
    "registry:estates": Row(REGISTRY_READERS | {"owner", "resident"}, scoped=False),
    "registry:estate": Row(
        REGISTRY_READERS | {"owner", "resident"}, kwargs=lambda s: {"estate_id": s.estate.id}
    ),
    "registry:building": Row(
        REGISTRY_READERS | {"owner", "resident"}, kwargs=lambda s: {"building_id": s.building.id}
    ),
    "registry:entrance": Row(
        REGISTRY_READERS | {"owner", "resident"}, kwargs=lambda s: {"entrance_id": s.entrance.id}
    ),
    "registry:unit": Row(REGISTRY_READERS | {"owner"}, kwargs=lambda s: {"unit_id": s.unit.id}),
    "registry:person": Row(STAFF | {"owner"}, kwargs=lambda s: {"person_id": s.owner_person.id}),
    "registry:person_reveal": Row(
        STAFF, method="POST", kwargs=lambda s: {"person_id": s.owner_person.id}
    ),
    "registry:roster": Row(STAFF, kwargs=lambda s: {"community_id": s.community.id}),
    "registry:roster_template": Row(STAFF, kwargs=lambda s: {"community_id": s.community.id}),
    "registry:roster_export": Row(STAFF, kwargs=lambda s: {"community_id": s.community.id}),
    # Notices: published notices are public by nature; drafts and management are staff work.
    # Someone without a community sees an empty board that says so.
    "notices:board": Row(SIGNED_IN, scoped=False),
    "notices:public_board": Row(
        EVERYONE, kwargs=lambda s: {"community_code": s.community.code}, scoped=False
    ),
    "notices:detail": Row(
        EVERYONE, kwargs=lambda s: {"public_id": _extra(s).published.public_id}, scoped=False
    ),
    "notices:pdf": Row(
        EVERYONE, kwargs=lambda s: {"public_id": _extra(s).published.public_id}, scoped=False
    ),
    "notices:attachment": Row(
        EVERYONE,
        kwargs=lambda s: {
            "public_id": _extra(s).published.public_id,
            "attachment_id": _extra(s).attachment.id,
        },
        scoped=False,
    ),
    # Committee members write notices only for the estate of their committee (not set here).
    "notices:manage": Row(STAFF, scoped=False),
    "notices:create": Row(STAFF, scoped=False),
    "notices:edit": Row(STAFF, kwargs=lambda s: {"pk": _extra(s).draft.id}),
    "notices:attach": Row(STAFF, method="POST", kwargs=lambda s: {"pk": _extra(s).draft.id}),
    "notices:detach": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"pk": _extra(s).draft.id, "attachment_id": _extra(s).draft_attachment.id},
    ),
    "notices:publish": Row(STAFF, method="POST", kwargs=lambda s: {"pk": _extra(s).draft.id}),
    "notices:withdraw": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"pk": _extra(s).published.id},
        data=lambda s: {"reason": "错误"},
    ),
    # Inbox: one's own notifications only.
    "notifications:inbox": Row(SIGNED_IN, scoped=False),
    "notifications:open": Row(
        frozenset({"owner"}), kwargs=lambda s: {"notification_id": _extra(s).notification.id}
    ),
    "notifications:mark_all_read": Row(SIGNED_IN, method="POST", scoped=False),
    "notifications:preferences": Row(SIGNED_IN, scoped=False),
}

API: dict[str, Row] = {
    "GET /api/v1/accounts/me": Row(SIGNED_IN, scoped=False),
    "GET /api/v1/inbox/": Row(SIGNED_IN, scoped=False),
    "POST /api/v1/inbox/{notification_id}/read": Row(
        frozenset({"owner"}),
        method="POST",
        kwargs=lambda s: {"notification_id": _extra(s).notification.id},
    ),
    "GET /api/v1/notices/": Row(MEMBERS, data=lambda s: {"community_id": s.community.id}),
    "GET /api/v1/notices/{public_id}": Row(
        EVERYONE, kwargs=lambda s: {"public_id": _extra(s).published.public_id}, scoped=False
    ),
    "GET /api/v1/registry/estates": Row(SIGNED_IN, scoped=False),
    "GET /api/v1/registry/estates/{estate_id}": Row(
        REGISTRY_READERS | {"owner", "resident"}, kwargs=lambda s: {"estate_id": s.estate.id}
    ),
    "GET /api/v1/registry/buildings/{building_id}": Row(
        REGISTRY_READERS | {"owner", "resident"}, kwargs=lambda s: {"building_id": s.building.id}
    ),
    "GET /api/v1/registry/entrances/{entrance_id}/units": Row(
        REGISTRY_READERS | {"owner", "resident"}, kwargs=lambda s: {"entrance_id": s.entrance.id}
    ),
    "GET /api/v1/registry/units/{unit_id}": Row(
        REGISTRY_READERS | {"owner"}, kwargs=lambda s: {"unit_id": s.unit.id}
    ),
    "GET /api/v1/registry/persons/{person_id}": Row(
        STAFF | {"owner"}, kwargs=lambda s: {"person_id": s.owner_person.id}
    ),
}


def _merge_capability_rows() -> None:
    from linli.finance.tests import authz_rows as finance_rows
    from linli.votes.tests import authz_rows as votes_rows

    for capability in (votes_rows, finance_rows):
        for rows, extra in ((PAGES, capability.PAGES), (API, capability.API)):
            clash = set(rows) & set(extra)
            assert not clash, f"policy rows defined twice: {clash}"
            rows.update(extra)


_merge_capability_rows()


def test_every_endpoint_has_a_policy_row():
    pages = {name for name, _ in page_patterns()}
    assert pages - set(PAGES) == set(), "pages without a policy row"
    assert set(PAGES) - pages == set(), "policy rows for pages that no longer exist"
    ops = set(api_operations())
    assert ops - set(API) == set(), "API operations without a policy row"
    assert set(API) - ops == set(), "policy rows for API operations that no longer exist"


def _page_url(name: str, kwargs: dict[str, Any]) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


def _api_url(op: str, kwargs: dict[str, Any]) -> str:
    path = op.split(" ", 1)[1]
    return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), path)


@pytest.fixture
def matrix_world(world):
    from linli.finance.tests import authz_extra as finance_extra
    from linli.votes.tests import authz_extra

    for side in (world.a, world.b):
        side.extra = build_extra(side)  # type: ignore[attr-defined]
        side.votes = authz_extra.build(side)  # type: ignore[attr-defined]
        side.finance = finance_extra.build(side)  # type: ignore[attr-defined]
    return world


def _check(
    world: World, key: str, row: Row, url_for: Callable[[dict[str, Any]], str], is_api: bool
) -> list[str]:
    """Every role at home and abroad; returns the list of violations."""
    problems = []
    home, away = world.a, world.b
    url = url_for(row.kwargs(home))
    for role in ROLES:
        for where, side in (("home", home), ("other community", away)):
            if where == "other community" and role in ("anonymous", "outsider"):
                continue
            user = user_for(world, side, role)
            client = client_for(user)
            data = row.data(home)

            def call(client: Client = client, data: dict[str, Any] = data) -> Any:
                if row.method == "GET":
                    return client.get(url, data)
                if is_api:
                    # The API reads JSON bodies: a form body would be a 400 before any gate.
                    send = getattr(client, row.method.lower())
                    return send(url, data, content_type="application/json")
                return client.post(url, data)

            response = _rolled_back(call)
            status = response.status_code
            if row.method == "GET" and status == 200:
                problems += _leaks(world, f"{key} {role}@{where}", response)
            if status >= 500:
                problems.append(f"{key} {role}@{where}: {status}")
                continue
            should_allow = role in row.allowed and (
                where == "home" or not row.scoped or role == "outsider"
            )
            if where == "other community" and not row.scoped:
                should_allow = role in row.allowed
            if should_allow:
                if status >= 400 and not (row.method != "GET" and status in (400, 409, 422)):
                    problems.append(f"{key} {role}@{where}: denied with {status}, expected allowed")
            elif not denied(response, role, is_api):
                problems.append(f"{key} {role}@{where}: answered {status}, expected 403/404")
    return problems


def _secrets(world: World) -> list[str]:
    """Full phone and ID numbers of every registered person in both communities."""
    values = []
    for side in (world.a, world.b):
        for person in (side.owner_person, side.tenant_person):
            values += [person.phone, person.id_number]
    return [v for v in values if v]


def _leaks(world: World, label: str, response: Any) -> list[str]:
    """No GET answer shows a full phone or ID number: staff see them only after a reveal."""
    body = (
        response.content.decode("utf-8", errors="replace") if hasattr(response, "content") else ""
    )
    return [f"{label}: shows {secret}" for secret in _secrets(world) if secret in body]


@pytest.mark.django_db
def test_authorization_matrix_pages(matrix_world):
    problems = []
    for name, row in PAGES.items():
        problems += _check(
            matrix_world, name, row, lambda kw, name=name: _page_url(name, kw), is_api=False
        )
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_authorization_matrix_api(matrix_world):
    problems = []
    for op, row in API.items():
        problems += _check(matrix_world, op, row, lambda kw, op=op: _api_url(op, kw), is_api=True)
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_other_communitys_units_people_and_notices_answer_404(matrix_world):
    """The acceptance line: a user of one community gets 404 for another community's objects."""
    from django.urls import reverse

    a, b = matrix_world.a, matrix_world.b
    for role in ("owner", "resident", "worker", "committee", "property", "street", "admin"):
        client = client_for(b.users[role])
        for url in (
            reverse("registry:unit", args=[a.unit.id]),
            reverse("registry:person", args=[a.owner_person.id]),
            reverse("notices:edit", args=[_extra(a).draft.id]),
            f"/api/v1/registry/units/{a.unit.id}",
            f"/api/v1/registry/persons/{a.owner_person.id}",
        ):
            assert client.get(url).status_code == 404, (role, url)
