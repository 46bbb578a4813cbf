"""Fixtures for the accounts tests: requests with a session, shifting time, the SMS outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from linli.accounts.models import SmsCode, Throttle
from linli.core import sms
from linli.core.request_context import set_current_ip
from tests import factories as f

PASSWORD = "linli-test-pass"


@pytest.fixture
def make_request():
    """A POST request from `ip` with an empty session, as the login services expect; the
    client address is also set for audit rows, as ElderModeMiddleware does for real requests."""

    def build(ip: str = "10.0.0.1"):
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)
        request.session = SessionStore()
        request.user = AnonymousUser()
        set_current_ip(ip)
        return request

    yield build
    set_current_ip(None)


@pytest.fixture
def user(db):
    return f.UserFactory(phone="13800001111", name="王秀英")


@pytest.fixture
def age_throttle():
    """Move a throttle's last failure back in time, instead of sleeping."""

    def shift(key: str, seconds: int) -> None:
        row = Throttle.objects.get(key=key)
        Throttle.objects.filter(pk=row.pk).update(
            last_failure_at=row.last_failure_at - timedelta(seconds=seconds)
        )

    return shift


@pytest.fixture
def age_codes():
    """Move every SMS code of a phone back in time (creation and expiry alike)."""

    def shift(phone: str, seconds: int) -> None:
        for code in SmsCode.objects.filter(phone=phone):
            SmsCode.objects.filter(pk=code.pk).update(
                created_at=code.created_at - timedelta(seconds=seconds),
                expires_at=code.expires_at - timedelta(seconds=seconds),
            )

    return shift


@pytest.fixture
def outbox():
    return sms.outbox


@pytest.fixture
def code_sent_to():
    """The code in the last SMS sent to a phone."""

    def find(phone: str) -> str:
        messages = [m for m in sms.outbox if m.phone == phone]
        assert messages, f"no SMS was sent to {phone}"
        return messages[-1].params["code"]

    return find
