"""SMS-code login: 6-digit codes stored as a hash, 5 minutes, one use, 5 tries, resend after
60 s, daily and per-address limits, no account enumeration, and independent of the password
throttle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone, translation

from linli.accounts import services
from linli.accounts.models import SmsCode, Throttle
from linli.core.errors import LinliError, Throttled
from linli.core.models import AuditLog

pytestmark = pytest.mark.django_db

PHONE = "13800001111"
UNKNOWN = "13700009999"


def send(phone: str = PHONE, ip: str | None = "10.0.0.1"):
    return services.sms_code_send(phone=phone, ip=ip)


def test_sending_a_code_texts_six_digits_and_stores_only_a_hash(user, outbox, code_sent_to):
    result = send("+86 138 0000 1111")

    assert result == services.SmsCodeSent(resend_after=60, valid_for=300)
    assert [(m.phone, m.template) for m in outbox] == [(PHONE, "LOGIN_CODE")]
    code = code_sent_to(PHONE)
    assert len(code) == 6 and code.isdigit()
    row = SmsCode.objects.get()
    assert code not in row.code_hash
    assert row.ip == "10.0.0.1"
    assert (row.expires_at - row.created_at).total_seconds() == pytest.approx(300, abs=1)
    audit = AuditLog.objects.get(action="sms_code_send")
    assert audit.summary == "Login code requested for 138****1111"


def test_unknown_phone_gets_the_same_answer_and_nothing_is_sent(db, outbox):
    assert send(UNKNOWN) == services.SmsCodeSent(resend_after=60, valid_for=300)
    assert outbox == []
    # Limits apply exactly as for a real account, so they do not give it away either.
    with pytest.raises(Throttled) as caught:
        send(UNKNOWN)
    assert caught.value.retry_after == 60


def test_inactive_account_is_sent_nothing(user, outbox):
    user.is_active = False
    user.save()

    send()

    assert outbox == []


def test_a_second_code_within_60_seconds_is_refused(user, outbox):
    send()

    with translation.override("en"), pytest.raises(Throttled) as caught:
        send()

    assert caught.value.retry_after == 60
    assert (
        caught.value.message == "A code was just sent. You can ask for another one in 60 seconds."
    )
    assert len(outbox) == 1


def test_a_new_code_may_be_asked_for_after_60_seconds_and_replaces_the_old(
    user, outbox, age_codes, code_sent_to, make_request
):
    send()
    first = code_sent_to(PHONE)
    age_codes(PHONE, 61)

    send()
    second = code_sent_to(PHONE)

    assert len(outbox) == 2
    if first != second:
        with pytest.raises(LinliError):
            services.login_with_sms_code(request=make_request(), phone=PHONE, code=first)
    assert services.login_with_sms_code(request=make_request(), phone=PHONE, code=second) == user


def test_at_most_ten_codes_a_day_per_phone(user, outbox, age_codes):
    for _ in range(10):
        send()
        age_codes(PHONE, 61)

    with translation.override("en"), pytest.raises(Throttled) as caught:
        send()

    assert len(outbox) == 10
    # The oldest of the ten was sent 10 × 61 s ago; it leaves the 24-hour window then.
    assert caught.value.retry_after == 24 * 3600 - 610
    assert caught.value.message.startswith("Too many codes were asked for today.")


def test_one_address_may_ask_for_thirty_codes_an_hour(db, outbox):
    for n in range(30):
        send(f"1370000{n:04d}", ip="10.0.0.9")

    with pytest.raises(Throttled) as caught:
        send("13700001234", ip="10.0.0.9")

    assert 3590 <= caught.value.retry_after <= 3600
    send("13700001234", ip="10.0.0.10")


def test_sms_login_with_the_right_code_logs_in_once(user, make_request, code_sent_to):
    send()
    code = code_sent_to(PHONE)
    request = make_request()

    assert services.login_with_sms_code(request=request, phone=PHONE, code=code) == user

    assert request.session[SESSION_KEY] == str(user.pk)
    assert AuditLog.objects.get(action="login").summary == "Logged in with an SMS code"
    with pytest.raises(LinliError) as caught:
        services.login_with_sms_code(request=make_request(), phone=PHONE, code=code)
    assert caught.value.code == "code_expired"


def test_an_expired_code_is_refused(user, make_request, code_sent_to, age_codes):
    send()
    code = code_sent_to(PHONE)
    age_codes(PHONE, 301)

    with translation.override("en"), pytest.raises(LinliError) as caught:
        services.login_with_sms_code(request=make_request(), phone=PHONE, code=code)

    assert caught.value.code == "code_expired"
    assert (
        caught.value.message
        == "This code has expired or was never sent. Please ask for a new code."
    )


def test_five_wrong_tries_end_the_code(user, make_request, code_sent_to):
    send()
    code = code_sent_to(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    messages = []
    for _ in range(5):
        with translation.override("en"), pytest.raises(LinliError) as caught:
            services.login_with_sms_code(request=make_request(), phone=PHONE, code=wrong)
        messages.append(caught.value.message)

    assert messages == [
        "The code is wrong. You have 4 more tries.",
        "The code is wrong. You have 3 more tries.",
        "The code is wrong. You have 2 more tries.",
        "The code is wrong. You have 1 more try.",
        "The code is wrong. Please ask for a new code.",
    ]
    # The sms: throttle now holds further tries back for a minute; once that has passed,
    # even the right code no longer works.
    Throttle.objects.filter(key=f"sms:{PHONE}").update(
        last_failure_at=timezone.now() - timedelta(seconds=61)
    )
    with pytest.raises(LinliError) as caught:
        services.login_with_sms_code(request=make_request(), phone=PHONE, code=code)
    assert caught.value.code == "code_exhausted"
    assert AuditLog.objects.filter(action="login_failed").count() == 5


def test_wrong_codes_are_throttled_on_their_own_key(user, make_request, code_sent_to):
    send()
    code = code_sent_to(PHONE)
    for _ in range(5):
        with pytest.raises(LinliError):
            services.login_with_sms_code(request=make_request(), phone=PHONE, code="abcdef")

    with translation.override("en"), pytest.raises(Throttled) as caught:
        services.login_with_sms_code(request=make_request(), phone=PHONE, code=code)

    assert caught.value.retry_after == 60
    assert caught.value.message == "Too many wrong codes. You can try again in 1 minute."
    assert not Throttle.objects.filter(key=f"pw:{PHONE}").exists()


def test_sms_login_works_while_password_login_is_throttled(user, make_request, code_sent_to):
    for _ in range(5):
        with pytest.raises(LinliError):
            services.login_with_password(
                request=make_request(), phone=PHONE, password="wrong-password"
            )
    with pytest.raises(Throttled):
        services.login_with_password(
            request=make_request(), phone=PHONE, password="linli-test-pass"
        )

    send()
    assert (
        services.login_with_sms_code(request=make_request(), phone=PHONE, code=code_sent_to(PHONE))
        == user
    )

    # Having proved they hold the phone, the person may use the password again at once.
    assert not Throttle.objects.filter(key=f"pw:{PHONE}").exists()


def test_sms_login_for_an_unknown_phone_fails_like_a_wrong_code(db, make_request):
    send(UNKNOWN)
    row = SmsCode.objects.get(phone=UNKNOWN)

    with pytest.raises(LinliError) as caught:
        services.login_with_sms_code(request=make_request(), phone=UNKNOWN, code="123456")

    assert caught.value.code == "code_wrong"
    row.refresh_from_db()
    assert row.attempts == 1


def test_sms_login_without_any_code_is_refused(user, make_request):
    with pytest.raises(LinliError) as caught:
        services.login_with_sms_code(request=make_request(), phone=PHONE, code="123456")

    assert caught.value.code == "code_expired"


def test_old_codes_and_quiet_throttles_are_purged(user, age_codes):
    send()
    age_codes(PHONE, 2 * 24 * 3600)
    Throttle.objects.create(
        key="pw:13800002222", failures=3, last_failure_at=timezone.now() - timedelta(days=2)
    )
    Throttle.objects.create(key="pw:13800003333", failures=3, last_failure_at=timezone.now())

    assert services.login_data_purge() == (1, 2)

    assert SmsCode.objects.count() == 0
    assert list(Throttle.objects.values_list("key", flat=True)) == ["pw:13800003333"]
    assert (
        AuditLog.objects.get(action="login_data_purge").summary
        == "Purged 1 SMS codes and 2 login throttles"
    )
