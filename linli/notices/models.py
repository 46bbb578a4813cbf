"""Public notices (公示): a kind with a legal minimum period, a body, attachments and a window."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TenantModel
from linli.domain.notice_periods import NoticeKind


class Notice(TenantModel):
    class Kind(models.TextChoices):
        GENERAL = NoticeKind.GENERAL, _("General notice")
        COMMITTEE_DETAILS = NoticeKind.COMMITTEE_DETAILS, _("Owners' committee members")
        COVENANT_AND_RULES = NoticeKind.COVENANT_AND_RULES, _("Covenant and rules")
        DECISION = NoticeKind.DECISION, _("Assembly or committee decision")
        SERVICE_CONTRACT = NoticeKind.SERVICE_CONTRACT, _("Property service contract")
        COMMON_INCOME = NoticeKind.COMMON_INCOME, _("Common income (half-yearly)")
        SEAL_USE = NoticeKind.SEAL_USE, _("Use of the seal (half-yearly)")
        ELECTION_CANDIDATES = NoticeKind.ELECTION_CANDIDATES, _("Election candidates")
        MANAGEMENT_COMMITTEE_LIST = (
            NoticeKind.MANAGEMENT_COMMITTEE_LIST,
            _("Property management committee"),
        )
        FEE_ADJUSTMENT = NoticeKind.FEE_ADJUSTMENT, _("Property fee adjustment")
        WARRANTY_DEPOSIT = NoticeKind.WARRANTY_DEPOSIT, _("Return of warranty deposit")
        ELEVATOR_PLAN = NoticeKind.ELEVATOR_PLAN, _("Elevator retrofit plan")
        VOTER_ROLL = NoticeKind.VOTER_ROLL, _("Voter roll")
        VOTE_RESULT = NoticeKind.VOTE_RESULT, _("Vote result")
        ASSEMBLY = NoticeKind.ASSEMBLY, _("Owners' assembly and vote announcement")
        FINANCE_STATEMENT = NoticeKind.FINANCE_STATEMENT, _("Financial statement")
        LEDGER_CHECKPOINT = NoticeKind.LEDGER_CHECKPOINT, _("Ledger checkpoint")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estate = models.ForeignKey(
        "registry.Estate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("estate"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.GENERAL)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    starts_on = models.DateField(_("published from"))
    ends_on = models.DateField(_("published until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="notice_window_valid"
            )
        ]
        indexes = [models.Index(fields=["community", "status", "-starts_on"], name="notice_board")]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: NoticeAttachment, filename: str) -> str:
    return f"notices/{instance.notice.public_id}/{uuid.uuid4().hex}-{filename[-80:]}"


class NoticeAttachment(TenantModel):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
