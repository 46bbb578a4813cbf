"""The login page (password and SMS tabs), sending a code, logging out, and safe redirects."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from linli.accounts.models import Throttle
from linli.core.models import AuditLog

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
SEND = reverse("accounts:sms_send")
PHONE = "13800001111"


def test_login_page_shows_the_password_tab_with_a_phone_keypad(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="tel"' in html
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="tel"' in html
    assert 'autocomplete="current-password"' in html
    assert f'href="{LOGIN}?method=password" aria-current="page"' in html
    assert "<script src=" in html and "js/accounts.js" in html


def test_sms_tab_has_a_send_button_that_works_without_javascript(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(LOGIN, {"method": "sms", "next": "/inbox/"})

    html = response.content.decode()
    assert f'formaction="{SEND}"' in html
    assert f'hx-post="{SEND}"' in html
    assert 'autocomplete="one-time-code"' in html
    assert 'name="next" value="/inbox/"' in html


def test_right_password_logs_in_and_goes_to_a_safe_next(
    client, user, django_assert_max_num_queries
):
    # Throttle read, user, then the write transaction: reset, session, last_login, audit.
    with django_assert_max_num_queries(14):
        response = client.post(
            LOGIN, {"method": "password", "phone": PHONE, "password": PASSWORD, "next": "/inbox/"}
        )

    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert AuditLog.objects.get(action="login").ip == "127.0.0.1"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
def test_login_refuses_to_redirect_elsewhere(client, user, next_url):
    response = client.post(
        LOGIN, {"method": "password", "phone": PHONE, "password": PASSWORD, "next": next_url}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_sets_the_accounts_language(client, user):
    user.language = "en"
    user.save()

    response = client.post(LOGIN, {"method": "password", "phone": PHONE, "password": PASSWORD})

    assert response.cookies["linli_language"].value == "en"


def test_wrong_password_shows_a_clear_error(client, user, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = client.post(
            LOGIN,
            {"method": "password", "phone": PHONE, "password": "nope-nope"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "The phone number or the password is wrong." in html
    assert SESSION_KEY not in client.session


def test_throttled_password_login_says_how_long_to_wait_and_offers_sms(client, user):
    for _ in range(5):
        client.post(LOGIN, {"method": "password", "phone": PHONE, "password": "nope-nope"})

    response = client.post(
        LOGIN, {"method": "password", "phone": PHONE, "password": PASSWORD, "next": "/inbox/"}
    )

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "登录失败次数过多。请1分钟后再试，或现在改用短信验证码登录。" in html
    assert f'href="{LOGIN}?method=sms&amp;next=/inbox/"' in html


def test_sms_login_through_the_page(client, user, code_sent_to):
    response = client.post(SEND, {"phone": PHONE, "next": "/inbox/"})
    assert response.status_code == 200
    assert "如果该号码已开通账号，我们已发送6位验证码，5分钟内有效。" in response.content.decode()
    assert 'data-resend-after="60"' in response.content.decode()

    response = client.post(
        LOGIN, {"method": "sms", "phone": PHONE, "code": code_sent_to(PHONE), "next": "/inbox/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_sms_code_shows_how_many_tries_are_left(client, user):
    client.post(SEND, {"phone": PHONE})

    response = client.post(LOGIN, {"method": "sms", "phone": PHONE, "code": "abcdef"})

    assert response.status_code == 400
    assert "验证码不正确，您还可以再试4次。" in response.content.decode()


def test_sending_a_code_without_javascript_keeps_the_phone_in_the_form(
    client, user, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.post(SEND, {"phone": "138 0000 1111"})

    html = response.content.decode()
    assert 'value="138 0000 1111"' in html
    assert f'href="{LOGIN}?method=sms" aria-current="page"' in html


def test_sending_a_code_with_htmx_answers_only_the_status_line(client, user):
    response = client.post(SEND, {"phone": PHONE}, HTTP_HX_REQUEST="true")

    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith('<div id="sms-status"')
    assert "<html" not in html


def test_too_early_resend_without_javascript_answers_429_with_retry_after(client, user):
    client.post(SEND, {"phone": PHONE})

    response = client.post(SEND, {"phone": PHONE})

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert 'data-resend-after="60"' in response.content.decode()


def test_too_early_resend_shows_the_wait_and_counts_down(client, user):
    client.post(SEND, {"phone": PHONE}, HTTP_HX_REQUEST="true")

    response = client.post(SEND, {"phone": PHONE}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "验证码刚刚已发送，请60秒后再重新获取。" in html
    assert 'data-resend-after="60"' in html


def test_unknown_and_known_phones_get_the_same_page(client, user, outbox):
    known = client.post(SEND, {"phone": PHONE}, HTTP_HX_REQUEST="true")
    unknown = client.post(SEND, {"phone": "13700009999"}, HTTP_HX_REQUEST="true")

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert [m.phone for m in outbox] == [PHONE]


def test_invalid_phone_for_a_code_is_explained(client, db):
    response = client.post(SEND, {"phone": "12345"}, HTTP_HX_REQUEST="true")

    assert "请输入11位手机号。" in response.content.decode()
    assert Throttle.objects.count() == 0


def test_logout_needs_a_post_and_ends_the_session(client, user):
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    assert AuditLog.objects.filter(action="logout", actor=user).count() == 1


def test_logged_in_visitor_of_the_login_page_goes_home(client, user):
    client.force_login(user)

    response = client.get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
