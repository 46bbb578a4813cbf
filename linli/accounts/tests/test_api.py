"""GET /api/v1/accounts/me with a session or a bearer token."""

from __future__ import annotations

import pytest

from linli.accounts import services

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"


def test_me_with_a_session(client, world, django_assert_max_num_queries):
    owner = world.a.users["owner"]
    owner.elder_mode = True
    owner.language = "en"
    owner.save()
    client.force_login(owner)

    with django_assert_max_num_queries(6):
        response = client.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": owner.pk,
        "name": "甲业主",
        "phone": f"{owner.phone[:3]}****{owner.phone[-4:]}",
        "elder_mode": True,
        "language": "en",
        "roles": [
            {
                "community_id": world.a.community.pk,
                "community_name": "甲社区",
                "roles": ["resident", "owner"],
            }
        ],
    }


def test_me_with_a_bearer_token(client, world, django_assert_max_num_queries):
    worker = world.b.users["worker"]
    _token, secret = services.api_token_create(user=worker, name="script")

    with django_assert_max_num_queries(6):
        response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert response.json()["id"] == worker.pk
    assert response.json()["roles"] == [
        {"community_id": world.b.community.pk, "community_name": "乙社区", "roles": ["worker"]}
    ]


def test_token_last_use_is_written_at_most_once_a_minute(client, world):
    from datetime import timedelta

    from linli.core import clock

    worker = world.a.users["worker"]
    token, secret = services.api_token_create(user=worker, name="script")
    assert token.last_used_at is None
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    token.__class__.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=61)
    assert clock.now() - token.last_used_at < timedelta(seconds=5)


def test_me_with_a_revoked_token_is_unauthorized(client, user, django_assert_max_num_queries):
    token, secret = services.api_token_create(user=user, name="script")
    services.api_token_revoke(actor=user, token_id=token.pk)

    with django_assert_max_num_queries(2):
        response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "Please log in."}


def test_me_anonymous_is_unauthorized(client, db):
    response = client.get(ME, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "Please log in."}


def test_me_is_documented_with_its_error_answer(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    responses = schema["paths"]["/api/v1/accounts/me"]["get"]["responses"]
    assert set(responses) == {"200", "401", "422"}
    error = responses["401"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][error]["properties"]) == {
        "code",
        "message",
        "details",
    }
