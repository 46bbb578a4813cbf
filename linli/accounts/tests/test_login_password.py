"""Password login: the service, its audit rows and phone normalisation."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import translation

from linli.accounts import services
from linli.accounts.models import Throttle
from linli.core.errors import LinliError
from linli.core.models import AuditLog

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_password_login_with_right_password_logs_in_and_audits(user, make_request):
    request = make_request()

    result = services.login_with_password(request=request, phone="13800001111", password=PASSWORD)

    assert result == user
    assert request.session[SESSION_KEY] == str(user.pk)
    row = AuditLog.objects.get(action="login")
    assert (row.actor_id, row.object_type, row.object_id) == (
        user.pk,
        "accounts.user",
        str(user.pk),
    )
    assert row.summary == "Logged in with password"
    assert row.ip == "10.0.0.1"


@pytest.mark.parametrize(
    "typed", ["+86 138-0000-1111", "0086 13800001111", "8613800001111", "１３８００００１１１１"]
)
def test_password_login_accepts_common_ways_of_writing_the_number(user, make_request, typed):
    assert (
        services.login_with_password(request=make_request(), phone=typed, password=PASSWORD) == user
    )


def test_password_login_with_wrong_password_is_refused_and_audited_without_the_password(
    user, make_request
):
    request = make_request()

    with translation.override("en"), pytest.raises(LinliError) as caught:
        services.login_with_password(
            request=request, phone="13800001111", password="wrong-secret-99"
        )

    assert caught.value.code == "bad_credentials"
    assert caught.value.message == "The phone number or the password is wrong."
    assert SESSION_KEY not in request.session
    row = AuditLog.objects.get(action="login_failed")
    assert row.actor_id is None
    assert row.object_id == str(user.pk)
    assert row.summary == "Password login failed for 138****1111"
    assert "wrong-secret-99" not in row.summary
    assert "13800001111" not in row.summary
    assert Throttle.objects.get(key="pw:13800001111").failures == 1
    assert Throttle.objects.get(key="ip:10.0.0.1").failures == 1


def test_password_login_for_unknown_phone_is_refused_like_a_wrong_password(db, make_request):
    with pytest.raises(LinliError) as caught:
        services.login_with_password(request=make_request(), phone="13700009999", password=PASSWORD)

    assert caught.value.code == "bad_credentials"
    assert AuditLog.objects.get(action="login_failed").object_id == ""


def test_password_login_of_inactive_account_is_refused(user, make_request):
    user.is_active = False
    user.save()

    with pytest.raises(LinliError) as caught:
        services.login_with_password(request=make_request(), phone="13800001111", password=PASSWORD)

    assert caught.value.code == "bad_credentials"


@pytest.mark.parametrize("typed", ["", "1380000111", "23800001111", "138000011112", "abc"])
def test_malformed_phone_is_refused_without_counting_a_failure(db, make_request, typed):
    with translation.override("en"), pytest.raises(LinliError) as caught:
        services.login_with_password(request=make_request(), phone=typed, password=PASSWORD)

    assert caught.value.code == "invalid_phone"
    assert caught.value.message == "Enter an 11-digit mobile phone number."
    assert Throttle.objects.count() == 0
    assert AuditLog.objects.count() == 0


def test_logout_ends_the_session_and_audits(user, make_request):
    request = make_request()
    services.login_with_password(request=request, phone="13800001111", password=PASSWORD)

    services.logout(request=request)

    assert SESSION_KEY not in request.session
    assert not request.user.is_authenticated
    assert AuditLog.objects.filter(action="logout", actor=user).count() == 1
