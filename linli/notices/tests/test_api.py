"""The notices API: a community's list for its members, one notice for anyone once published."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.notices import services
from linli.notices.tests.helpers import PDF, draft

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notices/"


def test_list_returns_public_notices_of_the_members_community(
    client, world, board_notices, django_assert_max_num_queries
):
    client.force_login(world.a.users["resident"])

    with django_assert_max_num_queries(6):
        response = client.get(BASE, {"community_id": world.a.community.pk})

    assert response.status_code == 200
    body = response.json()
    titles = {item["title"] for item in body["items"]}
    assert titles == {"当前公示", "今天结束", "已结束公示", "已撤回公示"}
    assert body["count"] == 4
    assert (body["page"], body["page_size"]) == (1, 20)
    withdrawn = next(item for item in body["items"] if item["title"] == "已撤回公示")
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["withdraw_reason"] == "内容有误"
    assert withdrawn["days_left"] == 0
    current = next(item for item in body["items"] if item["title"] == "当前公示")
    assert current["days_left"] == 5
    assert current["url"] == f"/notices/n/{board_notices['current'].public_id}/"


def test_list_paginates(client, world, board_notices):
    client.force_login(world.a.users["worker"])

    body = client.get(
        BASE, {"community_id": world.a.community.pk, "page": 2, "page_size": 3}
    ).json()

    assert body["count"] == 4
    assert len(body["items"]) == 1
    assert (body["page"], body["page_size"]) == (2, 3)


def test_list_of_another_community_is_404(client, world, board_notices):
    client.force_login(world.b.users["worker"])

    response = client.get(BASE, {"community_id": world.a.community.pk})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_requires_login(client, world):
    response = client.get(BASE, {"community_id": world.a.community.pk})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_list_without_community_is_422(client, world):
    client.force_login(world.a.users["resident"])

    response = client.get(BASE)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_detail_is_public_once_published(client, world, today, django_assert_max_num_queries):
    notice = draft(world, today, title="联系13812345678")
    services.notice_attach(
        actor=world.a.users["worker"],
        notice_id=notice.pk,
        uploaded_file=SimpleUploadedFile("a.pdf", PDF),
    )
    services.notice_publish(actor=world.a.users["worker"], notice_id=notice.pk)

    with django_assert_max_num_queries(2):
        response = client.get(f"{BASE}{notice.public_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "联系138****5678"
    assert body["body"] == "经业主大会表决通过，现予公示。"
    assert body["kind"] == "general"
    assert body["issuer"] == "甲社区居委会"
    assert [a["name"] for a in body["attachments"]] == ["a.pdf"]
    assert body["attachments"][0]["url"].startswith(f"/notices/n/{notice.public_id}/files/")


def test_detail_of_a_draft_is_404_except_for_its_writers(client, world, today):
    notice = draft(world, today)
    url = f"{BASE}{notice.public_id}"

    assert client.get(url).status_code == 404
    client.force_login(world.b.users["worker"])
    assert client.get(url).status_code == 404
    client.force_login(world.a.users["resident"])
    assert client.get(url).status_code == 404
    client.force_login(world.a.users["worker"])
    assert client.get(url).json()["status"] == "draft"


def test_detail_with_a_malformed_id_is_422(client, db):
    response = client.get(f"{BASE}not-a-uuid")

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "public_id"]


def test_openapi_declares_error_responses(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/notices/", "/api/v1/notices/{public_id}"):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "401", "403", "404", "422"} <= set(responses)
