"""Users (login by mobile phone), roles per community, SMS codes, throttles, consent, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.domain.masking import mask_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(phone=phone, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Its login is an 11-digit mainland mobile number; a password is optional."""

    phone = models.CharField(_("mobile phone"), max_length=11, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the admin site"), default=False)
    elder_mode = models.BooleanField(_("elder mode"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    current_community = models.ForeignKey(
        "registry.Community", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.phone

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles held in one community. 'owner' and 'resident' also follow from the registry."""

    RESIDENT = "resident", _("Resident")
    OWNER = "owner", _("Owner")
    WORKER = "worker", _("Community worker")
    COMMITTEE = "committee", _("Owners' committee member")
    PROPERTY = "property", _("Property staff")
    PARTNER = "partner", _("Partner representative")
    VOLUNTEER = "volunteer", _("Volunteer")
    STREET = "street", _("Street staff")
    ADMIN = "admin", _("Administrator")


# Roles that work in the staff console and may see full personal data (when revealed).
STAFF_ROLES = frozenset({Role.WORKER, Role.ADMIN})


class RoleAssignment(models.Model):
    """A role a user holds in one community, optionally tied to an organisation or estate."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user")
    )
    community = models.ForeignKey(
        "registry.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community", "role"], name="role_unique_per_community"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.community_id}"


class SmsCode(models.Model):
    """A one-time login code sent by SMS. Only its hash is kept."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # The requesting address, so that one network cannot send codes without limit.
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [
            models.Index(fields=["phone", "-created_at"], name="smscode_phone_recent"),
            models.Index(fields=["ip", "-created_at"], name="smscode_ip_recent"),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} @ {self.created_at:%Y-%m-%d %H:%M}"


class Throttle(models.Model):
    """Failure counter for one key ('pw:<phone>', 'ip:<address>', 'sms:<phone>')."""

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("throttle")
        verbose_name_plural = _("throttles")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class Consent(models.Model):
    """A person's consent to a policy version for one purpose, given online or on paper."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("On paper, recorded by a worker")

    class Purpose(models.TextChoices):
        PLATFORM = "platform", _("Use of the platform (privacy policy)")
        PUBLISH_NAME = "publish_name", _("Publishing my name in notices")
        SMS = "sms", _("Receiving SMS notifications")
        SENSITIVE = "sensitive", _("Processing sensitive personal information")

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("user"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("person"),
    )
    community = models.ForeignKey(
        "registry.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    policy_version = models.CharField(_("policy version"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    paper_reference = models.CharField(_("paper form reference"), max_length=100, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(person__isnull=False),
                name="consent_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_purpose_display()} · {self.policy_version} · {self.get_channel_display()}"
        )


class ApiToken(models.Model):
    """A revocable bearer token for the API. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
