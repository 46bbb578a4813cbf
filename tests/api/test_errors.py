"""Error answers of the API: one shape ({code, message}), translated, from every source
(services, validation, authentication, CSRF, Django's 404), and never a 500 for bad input."""

from __future__ import annotations

import json
import uuid

import pytest
from django.http import Http404
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from ninja.errors import HttpError

from tests.api.conftest import ApiWorld

NOTICES = "/api/v1/notices/"


def read_url(api: ApiWorld) -> str:
    return f"/api/v1/inbox/{api.notification.pk}/read"


def zh(msgid: str) -> str:
    """The message as a zh-hans client gets it: Chinese once the catalogue is translated."""
    with translation.override("zh-hans"):
        return gettext(msgid)


# --- validation errors are translated -------------------------------------------------------


def test_422_for_zh_hans_carries_the_catalogue_text_not_pydantic_english(
    client, api_world, django_assert_max_num_queries
):
    client.force_login(api_world.world.a.users["worker"])

    with django_assert_max_num_queries(3):
        response = client.get(
            NOTICES, {"community_id": "甲", "page": "x"}, HTTP_ACCEPT_LANGUAGE="zh-Hans"
        )

    assert response.status_code == 422
    assert response.headers["Content-Language"] == "zh-hans"
    assert response.json() == {
        "code": "invalid",
        "message": zh("The request is not valid."),
        "errors": [
            {"loc": ["query", "community_id"], "message": zh("Enter a whole number.")},
            {"loc": ["query", "page"], "message": zh("Enter a whole number.")},
        ],
    }
    assert "Input should be" not in response.content.decode()


def test_422_follows_the_callers_language(client, db):
    answers = {
        language: client.get(f"{NOTICES}not-a-uuid", HTTP_ACCEPT_LANGUAGE=language).json()
        for language in ("en", "zh-Hans")
    }

    assert answers["en"] == {
        "code": "invalid",
        "message": "The request is not valid.",
        "errors": [{"loc": ["path", "public_id"], "message": "This value is not valid."}],
    }
    assert answers["zh-Hans"] == {
        "code": "invalid",
        "message": zh("The request is not valid."),
        "errors": [{"loc": ["path", "public_id"], "message": zh("This value is not valid.")}],
    }


def test_a_page_number_beyond_the_limit_is_a_422_not_a_database_overflow(client, api_world):
    client.force_login(api_world.world.a.users["worker"])

    response = client.get("/api/v1/inbox/", {"page": 2**62}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["query", "page"], "message": "This value is not valid."}
    ]


# --- authentication and CSRF ----------------------------------------------------------------


def test_a_bearer_token_may_post_without_any_csrf_token(api_world, django_assert_max_num_queries):
    client = Client(enforce_csrf_checks=True)
    token = api_world.callers["token"].headers["Authorization"]

    with django_assert_max_num_queries(8):
        response = client.post(read_url(api_world), HTTP_AUTHORIZATION=token)

    assert response.status_code == 200
    assert response.json()["id"] == api_world.notification.pk
    assert response.json()["read_at"] is not None


def test_a_browser_session_posting_without_its_csrf_token_is_refused(api_world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(api_world.world.a.users["worker"])

    response = client.post(read_url(api_world), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "message": "You are not allowed to do this."}
    api_world.notification.refresh_from_db()
    assert api_world.notification.read_at is None


def test_a_browser_session_posting_with_its_csrf_token_is_served(api_world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(api_world.world.a.users["worker"])
    client.get("/api/v1/docs")
    csrf = client.cookies["csrftoken"].value

    response = client.post(read_url(api_world), HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 200


def test_nobody_posting_gets_401_please_log_in(api_world):
    client = Client(enforce_csrf_checks=True)

    response = client.post(read_url(api_world), HTTP_ACCEPT_LANGUAGE="zh-Hans")

    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": zh("Please log in.")}


def test_a_revoked_or_unknown_token_gets_401(client, db):
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer lnl_nonsense")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


# --- errors raised inside views keep the shape ----------------------------------------------


@pytest.mark.parametrize(
    ("raised", "status", "expected"),
    [
        (Http404("no such thing"), 404, {"code": "not_found", "message": "Not found."}),
        (HttpError(404, "x"), 404, {"code": "not_found", "message": "Not found."}),
        (
            HttpError(403, "x"),
            403,
            {"code": "forbidden", "message": "You are not allowed to do this."},
        ),
        (HttpError(429, "Slow down."), 429, {"code": "throttled", "message": "Slow down."}),
        (HttpError(400, "Bad."), 400, {"code": "error", "message": "Bad."}),
    ],
)
def test_django_and_ninja_errors_answer_code_and_message(rf, raised, status, expected):
    from config.api import api

    request = rf.get("/api/v1/anything")
    with translation.override("en"):
        response = api.on_exception(request, raised)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content) == expected


def test_a_notice_nobody_may_see_answers_the_shared_404(client, api_world):
    response = client.get(f"{NOTICES}{api_world.draft.public_id}", HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get(f"{NOTICES}{uuid.uuid4()}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == missing.status_code == 404
    assert (
        response.json()
        == missing.json()
        == {
            "code": "not_found",
            "message": "This notice does not exist.",
        }
    )
