"""Login throttling: five free failures, then a cool-off doubling from 60 s to at most 15 min;
a quiet day forgets; per account and per address; never permanent."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from linli.accounts import services
from linli.accounts.models import Throttle
from linli.core.errors import LinliError, Throttled
from linli.domain.throttle import ThrottlePolicy, cooloff_seconds, wait_minutes

from .conftest import PASSWORD

PHONE = "13800001111"
PW_KEY = f"pw:{PHONE}"


def fail(make_request, times: int, phone: str = PHONE, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        with pytest.raises(LinliError) as caught:
            services.login_with_password(
                request=make_request(ip), phone=phone, password="wrong-password"
            )
        assert caught.value.code == "bad_credentials"


def login(make_request, password: str = PASSWORD, phone: str = PHONE, ip: str = "10.0.0.1"):
    return services.login_with_password(request=make_request(ip), phone=phone, password=password)


@pytest.mark.django_db
def test_sixth_attempt_after_five_failures_is_throttled_for_60_seconds(user, make_request):
    fail(make_request, 5)

    with translation.override("en"), pytest.raises(Throttled) as caught:
        login(make_request, password="wrong-password")

    assert caught.value.status == 429
    assert caught.value.retry_after == 60
    assert caught.value.details == {"retry_after": 60}
    assert caught.value.message == (
        "Too many failed attempts. You can try again in 1 minute, or log in with an SMS code now."
    )
    # The refused attempt is not counted.
    assert Throttle.objects.get(key=PW_KEY).failures == 5


@pytest.mark.django_db
def test_right_password_is_refused_during_the_cooloff(user, make_request):
    fail(make_request, 5)

    with pytest.raises(Throttled):
        login(make_request)


@pytest.mark.django_db
def test_login_is_allowed_again_after_the_cooloff(user, make_request, age_throttle):
    fail(make_request, 5)
    age_throttle(PW_KEY, 60)
    age_throttle("ip:10.0.0.1", 60)

    assert login(make_request) == user
    assert not Throttle.objects.filter(key=PW_KEY).exists()


@pytest.mark.django_db
def test_cooloff_doubles_with_each_further_failure(user, make_request, age_throttle):
    fail(make_request, 5)
    for expected in (120, 240, 480):
        age_throttle(PW_KEY, 10_000)
        fail(make_request, 1)
        with pytest.raises(Throttled) as caught:
            login(make_request)
        assert caught.value.retry_after == expected


@pytest.mark.django_db
def test_cooloff_is_capped_at_15_minutes(user, make_request):
    Throttle.objects.create(key=PW_KEY, failures=40, last_failure_at=timezone.now())

    with translation.override("en"), pytest.raises(Throttled) as caught:
        login(make_request)

    assert caught.value.retry_after == 900
    assert "15 minutes" in caught.value.message


@pytest.mark.django_db
def test_a_quiet_day_forgets_all_failures(user, make_request, age_throttle):
    fail(make_request, 5)
    age_throttle(PW_KEY, 24 * 3600)
    age_throttle("ip:10.0.0.1", 24 * 3600)

    fail(make_request, 1)

    assert Throttle.objects.get(key=PW_KEY).failures == 1


@pytest.mark.django_db
def test_success_forgets_the_account_failures_but_not_the_address(user, make_request):
    fail(make_request, 4)

    login(make_request)

    assert not Throttle.objects.filter(key=PW_KEY).exists()
    assert Throttle.objects.get(key="ip:10.0.0.1").failures == 4


@pytest.mark.django_db
def test_one_address_failing_across_many_phones_is_throttled(db, make_request):
    phones = [f"1370000{n:04d}" for n in range(5)]
    for phone in phones:
        fail(make_request, 4, phone=phone, ip="10.0.0.7")
    # 20 free failures per address, then a cool-off, even for a phone never tried before.
    with pytest.raises(Throttled) as caught:
        login(make_request, phone="13700009999", ip="10.0.0.7")

    assert caught.value.retry_after == 60
    # Another address is not affected.
    with pytest.raises(LinliError) as other:
        login(make_request, phone="13700009999", ip="10.0.0.8")
    assert other.value.code == "bad_credentials"


def test_cooloff_schedule_of_the_password_policy():
    policy = services.PASSWORD_POLICY
    assert [cooloff_seconds(policy, n) for n in range(4, 11)] == [0, 60, 120, 240, 480, 900, 900]
    assert ThrottlePolicy(free_attempts=20) == services.IP_POLICY


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (1, 1), (60, 1), (61, 2), (900, 15)])
def test_wait_minutes_rounds_up(seconds, minutes):
    assert wait_minutes(seconds) == minutes


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_on_one_key_are_all_counted():
    per_thread = 15
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def record() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(per_thread):
                services.throttle_record_failure(key=PW_KEY, policy=services.PASSWORD_POLICY)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Throttle.objects.get(key=PW_KEY).failures == 2 * per_thread
