"""The registry: places (street → community → estate → building → entrance → unit), people,
ownership, occupancy and organisations. Areas are integer hundredths of m²."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import TenantModel
from linli.domain.units import format_hundredths


class Street(models.Model):
    """街道: groups communities; street staff see all of them."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """社区: the tenant. Its rules say how parking and shop areas count in owners' votes."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    count_parking_area = models.BooleanField(_("parking areas count in votes"), default=False)
    count_shop_area = models.BooleanField(_("shop areas count in votes"), default=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Estate(TenantModel):
    """小区."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="estate_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Building(TenantModel):
    """幢/栋: numbered within its estate ("24" shows as 24幢)."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("estate")
    )
    number = models.CharField(_("number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors above ground"), default=6)
    has_elevator = models.BooleanField(_("has an elevator"), default=False)
    sort_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate_id", "sort_key", "number"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="building_unique_number")
        ]

    def __str__(self) -> str:
        return str(_("Building %(number)s") % {"number": self.number})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_key = natural_key(self.number)
        super().save(*args, **kwargs)


class Entrance(TenantModel):
    """单元: one stairwell section of a building."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="entrances", verbose_name=_("building")
    )
    number = models.CharField(_("number"), max_length=20)

    class Meta:
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")
        ordering = ["building_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="entrance_unique_number")
        ]

    def __str__(self) -> str:
        return str(_("Entrance %(number)s") % {"number": self.number})


class Unit(TenantModel):
    """专有部分: a flat, parking space or shop, with its floor and exclusive area."""

    class Kind(models.TextChoices):
        FLAT = "flat", pgettext_lazy("unit kind", "Flat")
        PARKING = "parking", pgettext_lazy("unit kind", "Parking space")
        SHOP = "shop", pgettext_lazy("unit kind", "Shop")

    class AreaSource(models.TextChoices):
        REGISTER = "register", _("Property register")
        SURVEYED = "surveyed", _("Surveyed")
        CONTRACT = "contract", _("Sales contract")

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="units", verbose_name=_("estate")
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        related_name="units",
        null=True,
        blank=True,
        verbose_name=_("building"),
    )
    entrance = models.ForeignKey(
        Entrance,
        on_delete=models.PROTECT,
        related_name="units",
        null=True,
        blank=True,
        verbose_name=_("entrance"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FLAT)
    number = models.CharField(_("number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"))
    area = models.PositiveIntegerField(_("exclusive area (0.01 m²)"))
    area_source = models.CharField(
        _("area source"), max_length=10, choices=AreaSource.choices, default=AreaSource.REGISTER
    )
    sort_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["estate_id", "building_id", "entrance_id", "sort_key", "number"]
        constraints = [
            # One constraint per shape of place, so that NULLs compare equal on every database.
            models.UniqueConstraint(
                fields=["entrance", "kind", "number"],
                condition=Q(entrance__isnull=False),
                name="unit_unique_in_entrance",
            ),
            models.UniqueConstraint(
                fields=["building", "kind", "number"],
                condition=Q(entrance__isnull=True, building__isnull=False),
                name="unit_unique_in_building",
            ),
            models.UniqueConstraint(
                fields=["estate", "kind", "number"],
                condition=Q(building__isnull=True),
                name="unit_unique_in_estate",
            ),
            models.CheckConstraint(condition=Q(area__gt=0), name="unit_area_positive"),
        ]
        indexes = [models.Index(fields=["community", "kind"], name="unit_community_kind")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """金狮苑24幢1单元301 / 金狮苑24幢车位B-12 (needs estate, building, entrance loaded)."""
        place = self.estate.name
        if (building := self.building) is not None:
            place = str(
                _("%(place)s Bldg %(number)s") % {"place": place, "number": building.number}
            )
        if (entrance := self.entrance) is not None:
            place = str(
                _("%(place)s Ent. %(number)s") % {"place": place, "number": entrance.number}
            )
        if self.kind == self.Kind.PARKING:
            return str(_("%(place)s space %(number)s") % {"place": place, "number": self.number})
        if self.kind == self.Kind.SHOP:
            return str(_("%(place)s shop %(number)s") % {"place": place, "number": self.number})
        return str(_("%(place)s room %(number)s") % {"place": place, "number": self.number})

    @property
    def area_m2(self) -> str:
        return format_hundredths(self.area)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_key = natural_key(self.number)
        super().save(*args, **kwargs)


class Person(TenantModel):
    """人: a natural person or an organisation (e.g. the developer) known to this community."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ORGANISATION = "organisation", _("Organisation")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    is_developer = models.BooleanField(_("developer"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("account"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(user__isnull=False),
                name="person_one_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Ownership(TenantModel):
    """业主: a person owns a unit. Co-owners pick one representative; the developer's unsold or
    undelivered units are flagged, because they count together as one owner in votes."""

    class DeveloperStatus(models.TextChoices):
        NONE = "", _("Not the developer's")
        UNSOLD = "unsold", _("Unsold")
        UNDELIVERED = "undelivered", _("Sold, not delivered")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("person")
    )
    is_representative = models.BooleanField(_("representative co-owner"), default=True)
    developer_status = models.CharField(
        _("developer's unit"),
        max_length=12,
        choices=DeveloperStatus.choices,
        default="",
        blank=True,
    )
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["unit_id", "-is_representative", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person"],
                condition=Q(until__isnull=True),
                name="ownership_unique_current",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(until__isnull=True, is_representative=True),
                name="ownership_one_representative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.unit_id}"


class Occupancy(TenantModel):
    """住户: who lives in a unit."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        FAMILY = "family", _("Family member")
        TENANT = "tenant", _("Tenant")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("person")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person"],
                condition=Q(until__isnull=True),
                name="occupancy_unique_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit_id}"


class Organisation(TenantModel):
    """An organisation in the community: owners' committee, property company, Party committee or
    branch, partner (辖区单位) or social organisation."""

    class Kind(models.TextChoices):
        OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
        PROPERTY_COMPANY = "property_company", _("Property company")
        PARTY_COMMITTEE = "party_committee", _("Party committee")
        PARTY_BRANCH = "party_branch", _("Party branch")
        PARTNER = "partner", _("Partner organisation")
        SOCIAL = "social", _("Social organisation")

    class Category(models.TextChoices):
        NONE = "", _("—")
        GOVERNMENT = "government", _("Government agency")
        PUBLIC_INSTITUTION = "public_institution", _("Public institution")
        STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
        ENTERPRISE = "enterprise", _("Private enterprise")
        SCHOOL = "school", _("School")
        HOSPITAL = "hospital", _("Hospital or clinic")
        BANK = "bank", _("Bank")
        SHOP = "shop", _("Shop or restaurant")
        SOCIAL = "social", _("Social organisation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default="", blank=True
    )
    name = models.CharField(_("name"), max_length=150)
    estate = models.ForeignKey(
        Estate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("estate"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "name"], name="organisation_unique_name"
            )
        ]
        indexes = [models.Index(fields=["community", "kind"], name="organisation_community_kind")]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A person's seat in an organisation (chair, member, secretary, liaison…)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    title = models.CharField(_("title"), max_length=50, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=Q(until__isnull=True),
                name="membership_unique_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation}"


class DirectoryCompany(models.Model):
    """物业企业名录库: the district housing bureau's directory of property companies, per street."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="directory", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=150)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    qualification = models.CharField(_("qualification"), max_length=50, blank=True)
    rating = models.CharField(_("credit rating"), max_length=10, blank=True)
    suited_to_old_estates = models.BooleanField(_("suited to old estates"), default=False)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("directory property company")
        verbose_name_plural = _("property company directory")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="directory_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


def natural_key(text: str) -> int:
    """Leading digits as a sort key, so 2幢 sorts before 10幢 and 301 before 1201."""
    digits = ""
    for ch in text:
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    return int(digits[:9]) if digits else 0
