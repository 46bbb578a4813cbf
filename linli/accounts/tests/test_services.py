"""Roles, consent and API tokens: permissions, audit rows and invariants of the services."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import ApiToken, Consent, Role, RoleAssignment
from linli.accounts.selectors import roles_in
from linli.core.errors import Conflict, Forbidden, LinliError, NotFound
from linli.core.models import AuditLog
from tests import factories as f

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------
# Roles


def test_worker_grants_a_role_in_his_community_and_it_takes_effect_at_once(world):
    worker, person = world.a.users["worker"], world.outsider
    assert roles_in(person, world.a.community.pk) == frozenset()

    assignment = services.role_grant(
        actor=worker, user=person, community=world.a.community, role=Role.VOLUNTEER
    )

    assert (assignment.user, assignment.community, assignment.role) == (
        person,
        world.a.community,
        "volunteer",
    )
    assert roles_in(person, world.a.community.pk) == frozenset({"volunteer"})
    audit = AuditLog.objects.get(action="role_grant")
    assert (audit.actor, audit.community, audit.object_id) == (
        worker,
        world.a.community,
        str(assignment.pk),
    )


def test_granting_the_same_role_twice_is_a_conflict(world):
    with pytest.raises(Conflict):
        services.role_grant(
            actor=world.a.users["worker"],
            user=world.a.users["volunteer"],
            community=world.a.community,
            role="volunteer",
        )


def test_worker_of_another_community_cannot_grant_there(world):
    with pytest.raises(NotFound):
        services.role_grant(
            actor=world.b.users["worker"],
            user=world.outsider,
            community=world.a.community,
            role="volunteer",
        )
    assert not RoleAssignment.objects.filter(user=world.outsider).exists()


def test_non_staff_member_of_the_community_is_forbidden(world):
    with pytest.raises(Forbidden):
        services.role_grant(
            actor=world.a.users["committee"],
            user=world.outsider,
            community=world.a.community,
            role="volunteer",
        )


def test_only_an_administrator_grants_the_administrator_role(world):
    with pytest.raises(Forbidden):
        services.role_grant(
            actor=world.a.users["worker"],
            user=world.outsider,
            community=world.a.community,
            role="admin",
        )

    services.role_grant(
        actor=world.a.users["admin"], user=world.outsider, community=world.a.community, role="admin"
    )

    assert roles_in(world.outsider, world.a.community.pk) == frozenset({"admin"})


def test_superuser_grants_anywhere(world):
    root = f.UserFactory(is_superuser=True, is_staff=True)

    services.role_grant(actor=root, user=world.outsider, community=world.b.community, role="worker")

    assert RoleAssignment.objects.filter(
        user=world.outsider, community=world.b.community, role="worker"
    ).exists()


def test_organisation_of_another_community_is_refused(world):
    organisation = f.OrganisationFactory(community=world.b.community)

    with pytest.raises(LinliError) as caught:
        services.role_grant(
            actor=world.a.users["worker"],
            user=world.outsider,
            community=world.a.community,
            role="partner",
            organisation=organisation,
        )
    assert caught.value.code == "invalid_organisation"


def test_worker_revokes_a_role_and_it_is_audited(world):
    volunteer = world.a.users["volunteer"]
    roles_in(volunteer, world.a.community.pk)  # warm the per-request cache

    services.role_revoke(
        actor=world.a.users["worker"], user=volunteer, community=world.a.community, role="volunteer"
    )

    assert roles_in(volunteer, world.a.community.pk) == frozenset()
    assert AuditLog.objects.get(action="role_revoke").community == world.a.community


def test_revoking_a_role_that_is_not_held_is_not_found(world):
    with pytest.raises(NotFound):
        services.role_revoke(
            actor=world.a.users["worker"],
            user=world.outsider,
            community=world.a.community,
            role="volunteer",
        )


# ---------------------------------------------------------------------------
# Consent


def test_online_consent_is_recorded_once_per_policy_version(user):
    first = services.consent_record_online(user=user, purpose="platform")
    second = services.consent_record_online(user=user, purpose="platform")

    assert first == second
    assert Consent.objects.count() == 1
    assert AuditLog.objects.filter(action="consent_give").count() == 1


def test_consent_for_an_unknown_purpose_is_refused(user):
    with pytest.raises(LinliError) as caught:
        services.consent_record_online(user=user, purpose="marketing")
    assert caught.value.code == "invalid_purpose"


def test_paper_consent_needs_a_reference(world):
    with pytest.raises(LinliError) as caught:
        services.consent_record_paper(
            actor=world.a.users["worker"],
            person=world.a.tenant_person,
            purpose="sms",
            paper_reference="  ",
        )
    assert caught.value.code == "paper_reference_missing"


def test_paper_consent_by_a_worker_of_another_community_is_not_found(world):
    with pytest.raises(NotFound):
        services.consent_record_paper(
            actor=world.b.users["worker"],
            person=world.a.tenant_person,
            purpose="sms",
            paper_reference="A-1",
        )
    assert Consent.objects.count() == 0


def test_paper_consent_is_for_individuals_only(world):
    developer = f.PersonFactory(community=world.a.community, kind="organisation", name="某开发商")

    with pytest.raises(LinliError) as caught:
        services.consent_record_paper(
            actor=world.a.users["worker"], person=developer, purpose="sms", paper_reference="A-1"
        )
    assert caught.value.code == "not_individual"


def test_staff_withdraws_a_paper_consent_at_the_office(world):
    consent = services.consent_record_paper(
        actor=world.a.users["worker"],
        person=world.a.tenant_person,
        purpose="sms",
        paper_reference="A-1",
    )

    services.consent_withdraw(actor=world.a.users["admin"], consent_id=consent.pk)

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    with pytest.raises(Conflict):
        services.consent_withdraw(actor=world.a.users["worker"], consent_id=consent.pk)


def test_paper_consent_of_a_linked_person_can_be_withdrawn_by_that_account(world):
    consent = services.consent_record_paper(
        actor=world.a.users["worker"],
        person=world.a.tenant_person,
        purpose="sms",
        paper_reference="A-1",
    )

    services.consent_withdraw(actor=world.a.users["resident"], consent_id=consent.pk)

    assert AuditLog.objects.get(action="consent_withdraw").actor == world.a.users["resident"]


def test_other_communities_cannot_withdraw_a_consent(world):
    consent = services.consent_record_paper(
        actor=world.a.users["worker"],
        person=world.a.tenant_person,
        purpose="sms",
        paper_reference="A-1",
    )

    with pytest.raises(NotFound):
        services.consent_withdraw(actor=world.b.users["worker"], consent_id=consent.pk)


# ---------------------------------------------------------------------------
# API tokens


def test_api_token_keeps_only_the_sha256_of_its_secret(user):
    token, secret = services.api_token_create(user=user, name="  报表脚本 ")

    assert token.name == "报表脚本"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    assert secret not in AuditLog.objects.get(action="api_token_create").summary


def test_api_token_needs_a_name(user):
    with pytest.raises(LinliError) as caught:
        services.api_token_create(user=user, name=" ")
    assert caught.value.code == "name_missing"


def test_at_most_ten_working_tokens(user):
    for n in range(10):
        services.api_token_create(user=user, name=f"t{n}")

    with pytest.raises(Conflict):
        services.api_token_create(user=user, name="one too many")


def test_someone_elses_token_cannot_be_revoked(user):
    token, _secret = services.api_token_create(user=f.UserFactory(), name="theirs")

    with pytest.raises(NotFound):
        services.api_token_revoke(actor=user, token_id=token.pk)
    assert ApiToken.objects.get().revoked_at is None


def test_revoking_twice_changes_nothing(user):
    token, _secret = services.api_token_create(user=user, name="mine")
    first = services.api_token_revoke(actor=user, token_id=token.pk).revoked_at

    assert services.api_token_revoke(actor=user, token_id=token.pk).revoked_at == first
    assert AuditLog.objects.filter(action="api_token_revoke").count() == 1


# ---------------------------------------------------------------------------
# Preferences


def test_language_must_be_one_of_the_offered(user):
    with pytest.raises(LinliError):
        services.user_set_language(user=user, language="fr")

    services.user_set_language(user=user, language="zh-hant")
    user.refresh_from_db()
    assert user.language == "zh-hant"


def test_throttle_cleared_by_staff_is_audited(user):
    services.throttle_record_failure(
        key="pw:13800001111", policy=services.PASSWORD_POLICY, now=timezone.now()
    )
    root = f.UserFactory(is_superuser=True, is_staff=True)

    services.throttle_clear(actor=root, key="pw:13800001111")

    assert (
        AuditLog.objects.get(action="throttle_clear").summary
        == "Login throttle pw:138****1111 cleared"
    )
