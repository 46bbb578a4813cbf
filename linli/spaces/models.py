"""The five neighbourhood spaces of the Party–masses service centre (bookings come later)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TenantModel


class Space(TenantModel):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=20)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="space_unique_code")
        ]

    def __str__(self) -> str:
        return self.name
