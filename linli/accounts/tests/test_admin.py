"""The admin: phone-number accounts, roles through the services, read-only evidence."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.accounts import services
from linli.accounts.models import ApiToken, RoleAssignment, Throttle, User
from linli.core.models import AuditLog
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, db):
    user = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", ["user", "roleassignment", "consent", "apitoken", "throttle"])
def test_changelists_open(client, root, model, django_assert_max_num_queries):
    f.RoleFactory()
    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"admin:accounts_{model}_changelist"))
    assert response.status_code == 200


def test_admin_adds_an_account_by_phone_number(client, root):
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"phone": "+86 139-1234-5678", "name": "赵敏", "usable_password": "false"},
    )

    assert response.status_code == 302
    user = User.objects.get(phone="13912345678")
    assert (user.name, user.has_usable_password()) == ("赵敏", False)


def test_admin_grants_a_role_through_the_service(client, root, world):
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": world.outsider.pk, "community": world.a.community.pk, "role": "volunteer"},
    )

    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=world.outsider, role="volunteer").exists()
    assert AuditLog.objects.get(action="role_grant").actor == root


def test_admin_refuses_a_duplicate_role_with_a_message(client, root, world):
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {
            "user": world.a.users["volunteer"].pk,
            "community": world.a.community.pk,
            "role": "volunteer",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "This person already has this role in this community." in response.content.decode()


def test_admin_revokes_tokens_and_lifts_throttles_through_the_services(client, root, user):
    token, _secret = services.api_token_create(user=user, name="x")
    services.throttle_record_failure(key="pw:13800001111", policy=services.PASSWORD_POLICY)

    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    client.post(
        reverse("admin:accounts_throttle_changelist"),
        {"action": "clear", "_selected_action": [Throttle.objects.get().pk]},
    )

    assert ApiToken.objects.get().revoked_at is not None
    assert Throttle.objects.count() == 0
    assert set(AuditLog.objects.values_list("action", flat=True)) >= {
        "api_token_revoke",
        "throttle_clear",
    }


def test_token_secret_hash_is_not_shown(client, root, user):
    token, _secret = services.api_token_create(user=user, name="x")

    html = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()

    assert token.key_hash not in html
