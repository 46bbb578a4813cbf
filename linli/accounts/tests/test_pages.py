"""Elder mode and language switches, "Me", privacy, paper consent, my home and the console."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.accounts import services
from linli.accounts.models import ApiToken, Consent
from linli.core.models import AuditLog
from tests import factories as f

pytestmark = pytest.mark.django_db

ELDER = reverse("accounts:elder_mode")


# ---------------------------------------------------------------------------
# Elder mode and language


def test_elder_mode_for_an_anonymous_visitor_is_a_cookie(client, db):
    response = client.post(ELDER, {"elder": "1", "next": "/accounts/login/?method=sms"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?method=sms"
    assert response.cookies["linli_elder"].value == "1"
    assert response.cookies["linli_elder"]["httponly"] is True
    page = client.get(reverse("accounts:login"))
    assert '<html lang="zh-hans" class="elder"' in page.content.decode()


def test_turning_elder_mode_off_drops_the_cookie(client, db):
    client.cookies["linli_elder"] = "1"

    response = client.post(ELDER, {"elder": "0", "next": "/accounts/login/"})

    assert response.cookies["linli_elder"].value == ""
    assert '<html lang="zh-hans" class=""' in client.get(reverse("accounts:login")).content.decode()


def test_elder_mode_of_a_logged_in_user_is_kept_on_the_account(client, user):
    client.force_login(user)

    client.post(ELDER, {"elder": "1", "next": reverse("accounts:profile")})

    user.refresh_from_db()
    assert user.elder_mode is True
    assert AuditLog.objects.get(action="elder_mode").summary == "Elder mode on"
    # A fresh browser (no cookie) of the same account gets the elder mode too.
    client.cookies.clear()
    client.force_login(user)
    assert 'class="elder"' in client.get(reverse("accounts:profile")).content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/x", "//evil.example", ""])
def test_elder_mode_never_redirects_to_another_site(client, db, next_url):
    response = client.post(ELDER, {"elder": "1", "next": next_url})

    assert response["Location"] == reverse("home")


def test_elder_mode_with_a_bad_value_is_refused(client, db):
    response = client.post(ELDER, {"elder": "2"})

    assert response.status_code == 400
    assert "linli_elder" not in response.cookies


def test_language_is_kept_on_the_account_and_in_the_cookie(client, user):
    client.force_login(user)

    response = client.post(
        reverse("accounts:language"), {"language": "en", "next": "/accounts/me/"}
    )

    assert response["Location"] == "/accounts/me/"
    assert response.cookies["linli_language"].value == "en"
    user.refresh_from_db()
    assert user.language == "en"


def test_unknown_language_is_refused_with_a_message(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:language"), {"language": "xx"}, follow=True)

    assert "linli_language" not in response.cookies
    assert "暂不支持该语言。" in response.content.decode()


# ---------------------------------------------------------------------------
# Me


def test_profile_shows_me_with_a_masked_phone_and_my_roles(
    client, world, django_assert_max_num_queries
):
    owner = world.a.users["owner"]
    f.RoleFactory(user=owner, community=world.a.community, role="volunteer")
    client.force_login(owner)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert owner.phone not in html
    assert f"{owner.phone[:3]}****{owner.phone[-4:]}" in html
    assert "甲社区" in html
    tags = ["Resident", "Owner", "Volunteer"]
    assert "".join(f'<span class="tag">{tag}</span>' for tag in tags) in html
    assert reverse("notifications:preferences") in html
    assert 'aria-current="page"' in html


def test_consent_given_and_withdrawn_from_the_profile(client, user):
    client.force_login(user)

    client.post(reverse("accounts:consent_give"), {"purpose": "sms"})
    consent = Consent.objects.get(user=user)
    assert (consent.channel, consent.policy_version, consent.withdrawn_at) == (
        "online",
        "2026-11",
        None,
    )

    response = client.post(reverse("accounts:consent_withdraw", args=[consent.pk]), follow=True)

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")


def test_someone_elses_consent_cannot_be_withdrawn(client, user):
    other = f.UserFactory()
    consent = services.consent_record_online(user=other, purpose="sms")
    client.force_login(user)

    response = client.post(reverse("accounts:consent_withdraw", args=[consent.pk]))

    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert response.status_code == 404


def test_api_token_secret_is_shown_once_and_never_stored(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:api_token_create"), {"name": "我的脚本"})

    token = ApiToken.objects.get(user=user)
    secret = response.context["secret"]
    assert secret.startswith("lnl_") and secret in response.content.decode()
    assert secret not in token.key_hash
    assert response["Cache-Control"].startswith("max-age=0")
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert secret not in profile
    assert "我的脚本" in profile


def test_api_token_revoked_from_the_profile(client, user):
    token, _secret = services.api_token_create(user=user, name="old")
    client.force_login(user)

    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_profile_needs_a_login(client, db):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/accounts/me/"


def test_privacy_page_lists_the_rules_and_the_policy_version(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("accounts:privacy"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Version 2026-11." in html
    for heading in (
        "Who handles your information",
        "Why we process it",
        "What we process",
        "How long we keep it",
        "Your rights",
        "Withdrawing consent and closing your account",
    ):
        assert heading in html


def test_privacy_page_names_my_community_office(client, world, django_assert_max_num_queries):
    world.a.community.phone = "0571-88886666"
    world.a.community.save()
    client.force_login(world.a.users["resident"])

    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:privacy"))

    assert "甲社区" in response.content.decode()
    assert "0571-88886666" in response.content.decode()


# ---------------------------------------------------------------------------
# Consent on paper


def test_worker_records_a_paper_consent_for_a_person_of_his_community(
    client, world, django_assert_max_num_queries
):
    worker = world.a.users["worker"]
    person = world.a.owner_person
    url = reverse("accounts:consent_paper", args=[person.pk])
    client.force_login(worker)

    with django_assert_max_num_queries(10):
        page = client.get(url)
    assert page.status_code == 200
    assert "张三丰" in page.content.decode()
    response = client.post(
        url, {"purpose": "publish_name", "paper_reference": "JZ-2026-017", "given_on": "2026-11-20"}
    )

    assert response.status_code == 302
    consent = Consent.objects.get(person=person)
    assert (consent.channel, consent.recorded_by, consent.user, consent.community) == (
        "paper",
        worker,
        world.a.users["owner"],
        world.a.community,
    )
    assert consent.given_at.date().isoformat() == "2026-11-20"
    audit = AuditLog.objects.get(action="consent_paper")
    assert (audit.actor, audit.community) == (worker, world.a.community)


def test_paper_consent_with_a_future_date_is_refused_on_the_page(client, world):
    client.force_login(world.a.users["worker"])

    response = client.post(
        reverse("accounts:consent_paper", args=[world.a.owner_person.pk]),
        {"purpose": "sms", "paper_reference": "X-1", "given_on": "2999-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "The date of signing cannot be in the future." in response.content.decode()
    assert Consent.objects.count() == 0


@pytest.mark.parametrize("who", ["b_worker", "a_resident", "a_committee", "outsider"])
def test_paper_consent_outside_ones_own_community_is_not_found(client, world, who):
    user = {
        "b_worker": world.b.users["worker"],
        "a_resident": world.a.users["resident"],
        "a_committee": world.a.users["committee"],
        "outsider": world.outsider,
    }[who]
    client.force_login(user)
    url = reverse("accounts:consent_paper", args=[world.a.owner_person.pk])

    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, {"purpose": "sms", "paper_reference": "X", "given_on": "2026-11-20"}
        ).status_code
        == 404
    )
    assert Consent.objects.count() == 0


# ---------------------------------------------------------------------------
# My home and the console


def test_my_home_lists_my_units(client, world, django_assert_max_num_queries):
    owner = world.a.users["owner"]
    client.force_login(owner)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:my_home"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert world.a.unit.label in html
    assert world.a.other_unit.label not in html
    assert '<span class="tag">Owner</span>' in html
    assert reverse("accounts:profile") in html


def test_my_home_of_a_tenant_shows_the_rented_unit(client, world):
    client.force_login(world.a.users["resident"])

    html = client.get(reverse("accounts:my_home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert world.a.other_unit.label in html
    assert '<span class="tag">Tenant</span>' in html


def test_my_home_without_units_explains_what_to_do(client, world):
    client.force_login(world.outsider)

    response = client.get(reverse("accounts:my_home"), HTTP_ACCEPT_LANGUAGE="en")

    assert "No home is linked to your account yet." in response.content.decode()


def test_console_shows_counts_of_the_communities_i_work_in(
    client, world, django_assert_max_num_queries
):
    f.UnitFactory(entrance=world.a.entrance, number="201", floor=2)
    client.force_login(world.a.users["worker"])

    with django_assert_max_num_queries(9):
        response = client.get(reverse("accounts:console"))

    assert response.status_code == 200
    communities = response.context["communities"]
    assert [
        (c.name, c.estate_count, c.building_count, c.unit_count, c.person_count)
        for c in communities
    ] == [("甲社区", 1, 1, 3, 2)]
    assert reverse("registry:roster", args=[world.a.community.pk]) in response.content.decode()


@pytest.mark.parametrize(
    "role", ["owner", "resident", "committee", "property", "partner", "volunteer", "street"]
)
def test_console_is_not_found_for_non_staff(client, world, role):
    client.force_login(world.a.users[role])

    assert client.get(reverse("accounts:console")).status_code == 404
