"""Account writes: logging in and out (password or SMS code, both throttled), display
preferences, roles per community, consent records and API tokens.

Each public function is the one path for its action: the pages, the API and the admin call it.
It checks first, writes in one transaction and appends one audit row in that transaction.
Failed logins are the exception that proves the rule: their counters and audit rows commit,
and only then is the error raised, so that a refused attempt still counts.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.accounts.models import (
    ApiToken,
    Consent,
    Role,
    RoleAssignment,
    SmsCode,
    Throttle,
    User,
)
from linli.accounts.selectors import (
    community_ids_for,
    forget_roles,
    has_role,
    is_staff_in,
    throttle_wait,
)
from linli.core.audit import audit_record
from linli.core.errors import Conflict, Forbidden, LinliError, NotFound, Throttled
from linli.core.request_context import client_ip
from linli.core.sms import send_sms
from linli.domain.masking import mask_phone
from linli.domain.throttle import ThrottlePolicy, ThrottleState, after_failure, wait_minutes
from linli.registry.models import Person

logger = logging.getLogger("linli.accounts")

# Per account: five free failures, then 60 s doubling to at most 15 min; a quiet day forgets.
PASSWORD_POLICY = ThrottlePolicy()
# Per address: more free failures, because a community office or a mobile carrier puts many
# residents behind one address. Same doubling, same cap, never permanent.
IP_POLICY = ThrottlePolicy(free_attempts=20)
# Wrong SMS codes, per phone. Independent of the password throttle.
SMS_LOGIN_POLICY = ThrottlePolicy()

SMS_CODE_TTL = timedelta(minutes=5)
SMS_RESEND_AFTER = timedelta(seconds=60)
SMS_MAX_PER_PHONE_PER_DAY = 10
SMS_MAX_PER_IP_PER_HOUR = 30
SMS_MAX_ATTEMPTS = 5
SMS_CODE_RETENTION = timedelta(days=1)

API_TOKEN_PREFIX = "lnl_"  # noqa: S105 (a marker that helps secret scanners, not a secret)
MAX_ACTIVE_API_TOKENS = 10

_PHONE_RE = re.compile(r"1[3-9][0-9]{9}")
_CODE_RE = re.compile(r"[0-9]{6}")
_PHONE_NOISE_RE = re.compile(r"[\s\-().]")
_BACKEND = "linli.accounts.backends.PhonePasswordBackend"


# ---------------------------------------------------------------------------
# Phone numbers and throttle keys


def normalise_phone(raw: str) -> str:
    """'+86 138-1234-5678' → '13812345678'.

    Full-width digits are folded, spaces, dashes, dots and brackets dropped, a +86/0086/86
    prefix removed. Anything but an 11-digit mainland mobile number raises LinliError.
    """
    text = _PHONE_NOISE_RE.sub("", unicodedata.normalize("NFKC", raw or ""))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif len(text) == 13 and text.startswith("86"):
        text = text[2:]
    if not _PHONE_RE.fullmatch(text):
        raise LinliError(_("Enter an 11-digit mobile phone number."), code="invalid_phone")
    return text


def password_key(phone: str) -> str:
    return f"pw:{phone}"


def ip_key(ip: str) -> str:
    return f"ip:{ip}"


def sms_key(phone: str) -> str:
    return f"sms:{phone}"


# ---------------------------------------------------------------------------
# Throttle counters (building blocks of the login services, which write the audit rows)


def _locked_throttle(key: str) -> Throttle:
    """The throttle row for `key`, created if missing, locked until the transaction ends."""
    row = Throttle.objects.select_for_update().filter(key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return Throttle.objects.create(key=key)
    except IntegrityError:
        # Another transaction created it first; wait for it and take the lock.
        return Throttle.objects.select_for_update().get(key=key)


def throttle_record_failure(
    *, key: str, policy: ThrottlePolicy, now: datetime | None = None
) -> ThrottleState:
    """Count one more failure for `key` and return the new state.

    The row is locked with select_for_update (SQLite's IMMEDIATE transactions serialise the
    same way) and a consecutive failure is an F() increment, so concurrent failures are all
    counted. A failure after a quiet window starts again from one.
    """
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        row = Throttle.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    Throttle.objects.create(key=key, failures=1, last_failure_at=now)
                return ThrottleState(failures=1, last_failure_at=now.timestamp())
            except IntegrityError:
                # Another transaction created it first; wait for it and take the lock.
                row = Throttle.objects.select_for_update().get(key=key)
        last = row.last_failure_at.timestamp() if row.last_failure_at is not None else None
        state = ThrottleState(failures=row.failures, last_failure_at=last)
        new_state = after_failure(policy, state, now.timestamp())
        rows = Throttle.objects.filter(pk=row.pk)
        if new_state.failures == state.failures + 1:
            rows.update(failures=F("failures") + 1, last_failure_at=now)
        else:
            rows.update(failures=new_state.failures, last_failure_at=now)
    return new_state


def throttle_reset(*, key: str) -> None:
    """Forget the failures counted for `key` (after a successful login)."""
    Throttle.objects.filter(key=key).delete()


def throttle_clear(*, actor: Any, key: str) -> None:
    """Let a member of staff lift a throttle, e.g. for a resident at the office counter."""
    if not (actor.is_superuser or actor.has_perm("accounts.change_throttle")):
        raise Forbidden(_("You are not allowed to do this."))
    with transaction.atomic():
        deleted, _counts = Throttle.objects.filter(key=key).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="throttle_clear",
                object_type="accounts.throttle",
                object_id=_masked_key(key),
                summary=f"Login throttle {_masked_key(key)} cleared",
            )


def _masked_key(key: str) -> str:
    kind, _sep, value = key.partition(":")
    return f"{kind}:{mask_phone(value)}" if kind in {"pw", "sms"} else key


def _password_throttled(seconds: int) -> Throttled:
    minutes = max(1, wait_minutes(seconds))
    message = ngettext(
        "Too many failed attempts. You can try again in %(minutes)d minute, "
        "or log in with an SMS code now.",
        "Too many failed attempts. You can try again in %(minutes)d minutes, "
        "or log in with an SMS code now.",
        minutes,
    ) % {"minutes": minutes}
    return Throttled(message, retry_after=seconds)


# ---------------------------------------------------------------------------
# Logging in and out


def login_with_password(*, request: HttpRequest, phone: str, password: str) -> User:
    """Log in with phone and password, throttled per account and per client address.

    A throttled attempt is refused before the password is checked (even a right one) and is
    not counted. A failure is counted on both keys and audited without the password; a
    success forgets the account's failures (not the address's) and logs the user in.
    Requests racing past the check at the same moment are bounded by the number of concurrent
    requests; every one of their failures is still counted.
    """
    phone = normalise_phone(phone)
    ip = client_ip(request.META)
    now = timezone.now()
    checks = [(password_key(phone), PASSWORD_POLICY)]
    if ip:
        checks.append((ip_key(ip), IP_POLICY))
    wait = throttle_wait(checks=checks, now=now)
    if wait:
        raise _password_throttled(wait)
    # The hash check is slow on purpose; it runs before the transaction so that it never holds
    # SQLite's write lock. An unknown phone costs the same time (Django hashes a dummy).
    user = authenticate(request, phone=phone, password=password)
    with transaction.atomic():
        if user is None:
            for key, policy in checks:
                throttle_record_failure(key=key, policy=policy, now=now)
            known_id = User.objects.filter(phone=phone).values_list("pk", flat=True).first()
            audit_record(
                actor=None,
                action="login_failed",
                object_type="accounts.user",
                object_id=str(known_id or ""),
                summary=f"Password login failed for {mask_phone(phone)}",
            )
        else:
            throttle_reset(key=password_key(phone))
            auth_login(request, user, backend=_BACKEND)
            audit_record(actor=user, action="login", obj=user, summary="Logged in with password")
    if user is None:
        raise LinliError(_("The phone number or the password is wrong."), code="bad_credentials")
    return user


@dataclass(frozen=True)
class SmsCodeSent:
    """What the page tells the person after asking for a code (the same for every phone)."""

    resend_after: int
    valid_for: int


def _code_hash(phone: str, code: str) -> str:
    return salted_hmac("linli.accounts.sms-code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def sms_code_send(*, phone: str, ip: str | None) -> SmsCodeSent:
    """Create a 6-digit login code for `phone` and send it by SMS.

    Only an HMAC of the code is stored; it expires after 5 minutes and replaces any earlier
    code. Per phone: one code per 60 s and ten per day; per address: thirty per hour. An
    unknown or inactive phone is answered exactly the same (the code is stored, counted and
    audited) but nothing is sent, so the answer never tells whether an account exists.
    """
    phone = normalise_phone(phone)
    now = timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # Serialises requests for one phone on every database, so limits cannot be raced.
        _locked_throttle(sms_key(phone))
        recent = list(
            SmsCode.objects.filter(phone=phone, created_at__gt=now - timedelta(days=1))
            .order_by("-created_at", "-id")
            .values_list("created_at", flat=True)[:SMS_MAX_PER_PHONE_PER_DAY]
        )
        if recent and recent[0] > now - SMS_RESEND_AFTER:
            seconds = _seconds_until(recent[0] + SMS_RESEND_AFTER, now)
            raise Throttled(
                ngettext(
                    "A code was just sent. You can ask for another one in %(seconds)d second.",
                    "A code was just sent. You can ask for another one in %(seconds)d seconds.",
                    seconds,
                )
                % {"seconds": seconds},
                retry_after=seconds,
            )
        if len(recent) >= SMS_MAX_PER_PHONE_PER_DAY:
            seconds = _seconds_until(recent[-1] + timedelta(days=1), now)
            hours = math.ceil(seconds / 3600)
            raise Throttled(
                ngettext(
                    "Too many codes were asked for today. You can ask again in %(hours)d hour, "
                    "or log in with your password.",
                    "Too many codes were asked for today. You can ask again in %(hours)d hours, "
                    "or log in with your password.",
                    hours,
                )
                % {"hours": hours},
                retry_after=seconds,
            )
        if ip:
            from_ip = list(
                SmsCode.objects.filter(ip=ip, created_at__gt=now - timedelta(hours=1))
                .order_by("-created_at", "-id")
                .values_list("created_at", flat=True)[:SMS_MAX_PER_IP_PER_HOUR]
            )
            if len(from_ip) >= SMS_MAX_PER_IP_PER_HOUR:
                seconds = _seconds_until(from_ip[-1] + timedelta(hours=1), now)
                minutes = max(1, wait_minutes(seconds))
                raise Throttled(
                    ngettext(
                        "Too many codes were asked for from this network. "
                        "Please try again in %(minutes)d minute.",
                        "Too many codes were asked for from this network. "
                        "Please try again in %(minutes)d minutes.",
                        minutes,
                    )
                    % {"minutes": minutes},
                    retry_after=seconds,
                )
        SmsCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        row = SmsCode.objects.create(
            phone=phone, code_hash=_code_hash(phone, code), expires_at=now + SMS_CODE_TTL, ip=ip
        )
        known = User.objects.filter(phone=phone, is_active=True).exists()
        audit_record(
            actor=None,
            action="sms_code_send",
            obj=row,
            summary=f"Login code requested for {mask_phone(phone)}"
            + ("" if known else " (no account: not sent)"),
        )
    if known:
        _deliver_code(phone, code)
    return SmsCodeSent(
        resend_after=int(SMS_RESEND_AFTER.total_seconds()),
        valid_for=int(SMS_CODE_TTL.total_seconds()),
    )


def _deliver_code(phone: str, code: str) -> None:
    # After the commit. A gateway failure is logged, not shown: showing it only for existing
    # accounts would tell a stranger which numbers have one. The person asks again after 60 s.
    try:
        result = send_sms(phone=phone, template="LOGIN_CODE", params={"code": code})
    except Exception:
        logger.exception("SMS login code to %s could not be sent", mask_phone(phone))
        return
    if not result.ok:
        logger.error("SMS login code to %s was refused: %s", mask_phone(phone), result.error)


def login_with_sms_code(*, request: HttpRequest, phone: str, code: str) -> User:
    """Log in with the latest SMS code sent to `phone`.

    A code works once, for 5 minutes, and dies after 5 wrong tries. Wrong codes count on the
    phone's own `sms:` throttle, never on the password throttle, so a person locked out of
    password login can always come in this way. Success also forgets password failures: the
    person has just proved they hold the phone.
    """
    phone = normalise_phone(phone)
    code = re.sub(r"\s", "", unicodedata.normalize("NFKC", code or ""))
    now = timezone.now()
    wait = throttle_wait(checks=[(sms_key(phone), SMS_LOGIN_POLICY)], now=now)
    if wait:
        minutes = max(1, wait_minutes(wait))
        raise Throttled(
            ngettext(
                "Too many wrong codes. You can try again in %(minutes)d minute.",
                "Too many wrong codes. You can try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=wait,
        )
    failure: LinliError | None = None
    user: User | None = None
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        account = User.objects.filter(phone=phone, is_active=True).first()
        if row is None or row.expires_at <= now:
            failure = LinliError(
                _("This code has expired or was never sent. Please ask for a new code."),
                code="code_expired",
            )
        elif row.attempts >= SMS_MAX_ATTEMPTS:
            failure = LinliError(
                _("Too many wrong tries for this code. Please ask for a new code."),
                code="code_exhausted",
            )
        elif (
            account is None
            or not _CODE_RE.fullmatch(code)
            or not constant_time_compare(_code_hash(phone, code), row.code_hash)
        ):
            SmsCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            throttle_record_failure(key=sms_key(phone), policy=SMS_LOGIN_POLICY, now=now)
            audit_record(
                actor=None,
                action="login_failed",
                object_type="accounts.user",
                object_id=str(account.pk if account else ""),
                summary=f"SMS code login failed for {mask_phone(phone)}",
            )
            left = SMS_MAX_ATTEMPTS - row.attempts - 1
            if left > 0:
                message = ngettext(
                    "The code is wrong. You have %(left)d more try.",
                    "The code is wrong. You have %(left)d more tries.",
                    left,
                ) % {"left": left}
            else:
                message = _("The code is wrong. Please ask for a new code.")
            failure = LinliError(message, code="code_wrong")
        else:
            SmsCode.objects.filter(pk=row.pk).update(used_at=now)
            throttle_reset(key=sms_key(phone))
            throttle_reset(key=password_key(phone))
            auth_login(request, account, backend=_BACKEND)
            audit_record(
                actor=account, action="login", obj=account, summary="Logged in with an SMS code"
            )
            user = account
    if failure is not None:
        raise failure
    assert user is not None
    return user


def logout(*, request: HttpRequest) -> None:
    """End the session (and audit it, when someone was logged in)."""
    user = request.user
    with transaction.atomic():
        if user.is_authenticated:
            audit_record(actor=user, action="logout", obj=user, summary="Logged out")
        auth_logout(request)


def login_data_purge(*, now: datetime | None = None) -> tuple[int, int]:
    """Delete SMS codes older than a day and throttle counters quiet for the policy window.

    Keeps the retention promised on the privacy page. Returns (codes, throttles) deleted.
    """
    now = now or timezone.now()
    window = timedelta(seconds=PASSWORD_POLICY.window_seconds)
    with transaction.atomic():
        codes, _c = SmsCode.objects.filter(created_at__lt=now - SMS_CODE_RETENTION).delete()
        throttles, _t = Throttle.objects.filter(last_failure_at__lt=now - window).delete()
        # Rows only ever used as a lock by `sms_code_send`: safe to drop once no code is recent.
        recent_phones = SmsCode.objects.filter(created_at__gte=now - SMS_CODE_RETENTION).values(
            "phone"
        )
        idle, _i = (
            Throttle.objects.filter(last_failure_at__isnull=True, key__startswith="sms:")
            .exclude(key__in=[f"sms:{p['phone']}" for p in recent_phones])
            .delete()
        )
        if codes or throttles or idle:
            audit_record(
                actor=None,
                action="login_data_purge",
                object_type="accounts.smscode",
                summary=f"Purged {codes} SMS codes and {throttles + idle} login throttles",
            )
    return codes, throttles + idle


# ---------------------------------------------------------------------------
# Display preferences


def user_set_elder_mode(*, user: User, enabled: bool) -> None:
    """Turn the elder mode (长辈版) on or off for this account."""
    if user.elder_mode == enabled:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(elder_mode=enabled)
        user.elder_mode = enabled
        audit_record(
            actor=user,
            action="elder_mode",
            obj=user,
            summary=f"Elder mode {'on' if enabled else 'off'}",
        )


def user_set_language(*, user: User, language: str) -> None:
    """Remember the account's language (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise LinliError(_("This language is not available."), code="invalid_language")
    if user.language == language:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
        audit_record(actor=user, action="language", obj=user, summary=f"Language set to {language}")


# ---------------------------------------------------------------------------
# Roles per community


def check_role_manager(*, actor: Any, community_id: int, role: str) -> None:
    """Raise unless `actor` may grant or revoke `role` in the community (see `role_grant`)."""
    if role not in Role.values:
        raise LinliError(_("Choose one of the roles."), code="invalid_role")
    if community_id not in community_ids_for(actor):
        raise NotFound(_("This community was not found."))
    if actor.is_superuser:
        return
    allowed = (
        has_role(actor, community_id, Role.ADMIN)
        if role == Role.ADMIN
        else is_staff_in(actor, community_id)
    )
    if not allowed:
        raise Forbidden(_("Only the staff of this community can change its roles."))


def role_grant(
    *, actor: Any, user: User, community: Any, role: str, organisation: Any = None
) -> RoleAssignment:
    """Give `user` a role in `community`.

    Staff (workers, administrators) of the community or a superuser may grant; only an
    administrator of the community or a superuser may grant the administrator role. An
    organisation, if given, must belong to the same community.
    """
    check_role_manager(actor=actor, community_id=community.pk, role=role)
    if organisation is not None and organisation.community_id != community.pk:
        raise LinliError(
            _("This organisation belongs to another community."), code="invalid_organisation"
        )
    with transaction.atomic():
        if RoleAssignment.objects.filter(user=user, community=community, role=role).exists():
            raise Conflict(
                _("This person already has this role in this community."), code="role_exists"
            )
        try:
            with transaction.atomic():
                assignment = RoleAssignment.objects.create(
                    user=user, community=community, role=role, organisation=organisation
                )
        except IntegrityError as exc:
            raise Conflict(
                _("This person already has this role in this community."), code="role_exists"
            ) from exc
        audit_record(
            actor=actor,
            action="role_grant",
            obj=assignment,
            community=community,
            summary=f"Role {role} granted to user {user.pk}",
        )
    forget_roles(user)
    forget_roles(actor)
    return assignment


def role_revoke(*, actor: Any, user: User, community: Any, role: str) -> None:
    """Take a role in `community` away from `user` (same permissions as `role_grant`)."""
    check_role_manager(actor=actor, community_id=community.pk, role=role)
    with transaction.atomic():
        assignment = (
            RoleAssignment.objects.select_for_update()
            .filter(user=user, community=community, role=role)
            .first()
        )
        if assignment is None:
            raise NotFound(
                _("This person does not have this role in this community."), code="role_missing"
            )
        object_id = str(assignment.pk)
        assignment.delete()
        audit_record(
            actor=actor,
            action="role_revoke",
            object_type="accounts.roleassignment",
            object_id=object_id,
            community=community,
            summary=f"Role {role} revoked from user {user.pk}",
        )
    forget_roles(user)
    forget_roles(actor)


# ---------------------------------------------------------------------------
# Consent


def _check_purpose(purpose: str) -> None:
    if purpose not in Consent.Purpose.values:
        raise LinliError(_("Choose what the consent is for."), code="invalid_purpose")


def consent_record_online(*, user: User, purpose: str, community: Any = None) -> Consent:
    """Record the account holder's own consent to the current privacy policy for `purpose`.

    Giving the same consent twice keeps the first record.
    """
    _check_purpose(purpose)
    version = settings.LINLI_PRIVACY_POLICY_VERSION
    with transaction.atomic():
        existing = Consent.objects.filter(
            user=user,
            purpose=purpose,
            policy_version=version,
            withdrawn_at__isnull=True,
            community=community,
        ).first()
        if existing is not None:
            return existing
        consent = Consent.objects.create(
            user=user,
            community=community,
            purpose=purpose,
            policy_version=version,
            channel=Consent.Channel.ONLINE,
        )
        audit_record(
            actor=user,
            action="consent_give",
            obj=consent,
            community=community,
            summary=f"Consent to {purpose} given online (policy {version})",
        )
    return consent


def consent_record_paper(
    *,
    actor: Any,
    person: Any,
    purpose: str,
    paper_reference: str,
    given_at: datetime | None = None,
) -> Consent:
    """Record a consent signed on paper, for a registry person of the worker's community.

    Only staff of the person's community may record it (anyone else gets NotFound); the
    paper form's reference is required so the signed sheet can be found again.
    """
    if not is_staff_in(actor, person.community_id):
        raise NotFound(_("This person was not found."))
    _check_purpose(purpose)
    reference = (paper_reference or "").strip()
    if not reference:
        raise LinliError(
            _("Enter the reference written on the paper form."), code="paper_reference_missing"
        )
    if len(reference) > 100:
        raise LinliError(
            _("The reference is too long (at most 100 characters)."), code="paper_reference_long"
        )
    if person.kind != Person.Kind.INDIVIDUAL:
        raise LinliError(_("Consent is recorded for individuals only."), code="not_individual")
    now = timezone.now()
    if given_at is not None and given_at > now:
        raise LinliError(_("The date of signing cannot be in the future."), code="future_date")
    version = settings.LINLI_PRIVACY_POLICY_VERSION
    with transaction.atomic():
        consent = Consent.objects.create(
            user_id=person.user_id,
            person=person,
            community_id=person.community_id,
            purpose=purpose,
            policy_version=version,
            channel=Consent.Channel.PAPER,
            given_at=given_at or now,
            recorded_by=actor,
            paper_reference=reference,
        )
        audit_record(
            actor=actor,
            action="consent_paper",
            obj=consent,
            community=person.community,
            summary=f"Paper consent to {purpose} for person {person.pk}, form {reference}",
        )
    return consent


def consent_withdraw(*, actor: Any, consent_id: int) -> Consent:
    """Withdraw a consent: by the account it belongs to, or by staff of its community.

    The record stays (with the time of withdrawal); processing based on it stops from now on.
    """
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
        allowed = consent is not None and (
            (consent.user_id is not None and consent.user_id == actor.pk)
            or (consent.community_id is not None and is_staff_in(actor, consent.community_id))
        )
        if consent is None or not allowed:
            raise NotFound(_("This consent was not found."))
        if consent.withdrawn_at is not None:
            raise Conflict(_("This consent was already withdrawn."), code="already_withdrawn")
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=actor,
            action="consent_withdraw",
            obj=consent,
            summary=f"Consent to {consent.purpose} withdrawn",
        )
    return consent


# ---------------------------------------------------------------------------
# API tokens


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token for the API; return it with its secret, which is never stored.

    Only the SHA-256 of the secret is kept (see linli.core.api_auth), so it is shown once.
    """
    label = (name or "").strip()
    if not label:
        raise LinliError(
            _("Give the token a name, so you can recognise it later."), code="name_missing"
        )
    if len(label) > 100:
        raise LinliError(_("The name is too long (at most 100 characters)."), code="name_long")
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the account row so two requests cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_API_TOKENS:
            raise Conflict(
                _("You have %(count)d tokens already. Revoke one you no longer use first.")
                % {"count": MAX_ACTIVE_API_TOKENS},
                code="too_many_tokens",
            )
        token = ApiToken.objects.create(
            user=user,
            name=label,
            prefix=secret[:12],
            key_hash=hashlib.sha256(secret.encode()).hexdigest(),
        )
        audit_record(
            actor=user,
            action="api_token_create",
            obj=token,
            summary=f"API token {token.prefix}… created",
        )
    return token, secret


def api_token_revoke(*, actor: Any, token_id: int) -> ApiToken:
    """Revoke a token: by its owner or a superuser. Revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or not (token.user_id == actor.pk or actor.is_superuser):
            raise NotFound(_("This token was not found."))
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token_revoke",
            obj=token,
            summary=f"API token {token.prefix}… revoked",
        )
    return token
