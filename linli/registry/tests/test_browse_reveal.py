"""Revealing a person's full mobile and ID number: staff only, always audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.errors import Forbidden, NotFound
from linli.core.models import AuditLog
from linli.registry.services import person_reveal
from tests import factories as f

pytestmark = pytest.mark.django_db

FULL_PHONE = "13812345678"


def _reveal_url(person):
    return reverse("registry:person_reveal", args=[person.pk])


# --- the service ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["worker", "admin"])
def test_staff_reveal_returns_full_values_and_writes_one_audit_row(world, role):
    a = world.a
    actor = a.users[role]

    revealed = person_reveal(actor=actor, person_id=a.owner_person.pk)

    assert revealed == {
        "person_id": a.owner_person.pk,
        "name": "张三丰",
        "phone": FULL_PHONE,
        "id_number": a.owner_person.id_number,
    }
    rows = list(AuditLog.objects.filter(action="person.reveal"))
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor_id, row.community_id) == (actor.pk, a.community.pk)
    assert (row.object_type, row.object_id) == ("registry.person", str(a.owner_person.pk))
    assert row.summary == f"Revealed the phone and ID number of 张*丰 (#{a.owner_person.pk})"


def test_every_reveal_is_audited_again(world):
    a = world.a
    for _ in range(3):
        person_reveal(actor=a.users["worker"], person_id=a.owner_person.pk)

    assert AuditLog.objects.filter(action="person.reveal").count() == 3


@pytest.mark.parametrize(
    "role", ["committee", "property", "street", "partner", "volunteer", "resident"]
)
def test_non_staff_of_the_community_cannot_reveal_and_nothing_is_logged(world, role):
    with pytest.raises(NotFound):
        person_reveal(actor=world.a.users[role], person_id=world.a.owner_person.pk)

    assert AuditLog.objects.count() == 0


@pytest.mark.parametrize("role", ["worker", "admin"])
def test_staff_of_another_community_get_not_found_and_nothing_is_logged(world, role):
    with pytest.raises(NotFound):
        person_reveal(actor=world.b.users[role], person_id=world.a.owner_person.pk)

    assert AuditLog.objects.count() == 0


def test_a_person_may_not_reveal_their_own_record(world):
    with pytest.raises(Forbidden):
        person_reveal(actor=world.a.users["owner"], person_id=world.a.owner_person.pk)

    assert AuditLog.objects.count() == 0


def test_reveal_of_a_missing_person_is_not_found(world):
    with pytest.raises(NotFound):
        person_reveal(actor=world.a.users["worker"], person_id=999_999)


# --- the page ------------------------------------------------------------------------------


def test_full_page_post_shows_the_person_with_full_values(
    client, world, django_assert_max_num_queries
):
    a = world.a
    client.force_login(a.users["worker"])

    with django_assert_max_num_queries(13):
        response = client.post(_reveal_url(a.owner_person))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert FULL_PHONE in html and a.owner_person.id_number in html and "张三丰" in html
    assert "no-store" in response["Cache-Control"]
    assert AuditLog.objects.filter(action="person.reveal", actor=a.users["worker"]).count() == 1


def test_htmx_post_answers_the_revealed_fragment_only(client, world, django_assert_max_num_queries):
    a = world.a
    client.force_login(a.users["worker"])

    # The transaction's savepoint and release count as two of these.
    with django_assert_max_num_queries(9):
        response = client.post(_reveal_url(a.owner_person), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="pii-{a.owner_person.pk}"' in html
    assert FULL_PHONE in html and a.owner_person.id_number in html
    assert "<form" not in html
    assert AuditLog.objects.filter(action="person.reveal").count() == 1


def test_committee_post_answers_404_and_logs_nothing(client, world):
    client.force_login(world.a.users["committee"])

    response = client.post(_reveal_url(world.a.owner_person))

    assert response.status_code == 404
    assert FULL_PHONE not in response.content.decode()
    assert AuditLog.objects.count() == 0


def test_worker_of_another_community_post_answers_404_and_logs_nothing(client, world):
    client.force_login(world.b.users["worker"])

    response = client.post(_reveal_url(world.a.owner_person), headers={"HX-Request": "true"})

    assert response.status_code == 404
    assert FULL_PHONE not in response.content.decode()
    assert AuditLog.objects.count() == 0


def test_own_record_post_answers_403_with_a_message_fragment(client, world):
    client.force_login(world.a.users["owner"])

    response = client.post(_reveal_url(world.a.owner_person), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "<html" not in html
    assert "只有社区工作者可以查看完整的个人信息。" in html
    assert FULL_PHONE not in html


def test_reveal_by_get_is_not_allowed_and_logs_nothing(client, world):
    client.force_login(world.a.users["worker"])

    assert client.get(_reveal_url(world.a.owner_person)).status_code == 405
    assert AuditLog.objects.count() == 0


def test_reveal_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.users["worker"])

    response = client.post(_reveal_url(world.a.owner_person))

    assert response.status_code == 403
    assert AuditLog.objects.count() == 0


def test_anonymous_reveal_is_sent_to_log_in(client, world):
    response = client.post(_reveal_url(world.a.owner_person))

    assert response.status_code == 302
    assert AuditLog.objects.count() == 0


def test_reveal_of_an_organisation_without_id_number(client, world):
    a = world.a
    developer = f.PersonFactory(
        community=a.community,
        kind="organisation",
        name="杭州某置业有限公司",
        phone="",
        id_number="",
    )
    client.force_login(a.users["worker"])

    response = client.post(_reveal_url(developer), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "杭州某置业有限公司" in response.content.decode()
    assert AuditLog.objects.filter(action="person.reveal", object_id=str(developer.pk)).count() == 1
