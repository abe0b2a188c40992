from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.enums import (
    MembershipRole,
    MembershipStatus,
    OrganisationKind,
    RegionGroup,
    RegionLevel,
)
from accounts.validators import validate_credit_code, validate_mobile, validate_phone
from config.audit import AuditTrail


class User(AbstractUser):
    """A person. What they may do comes from their memberships (see accounts.permissions)."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    # The person's mobile number in E.164: they log in with it and receive SMS on it. Several
    # people may type one number (a family's phone); only one may have it verified.
    phone = models.CharField(
        _("mobile number"), max_length=32, blank=True, validators=[validate_mobile]
    )
    phone_verified = models.BooleanField(
        _("mobile number verified"),
        default=False,
        help_text=_("Set when the person entered a code sent to the number by SMS."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Used for emails sent to you."),
    )
    # When the user last opened their home page: "new since your last visit" counts from here.
    home_seen_at = models.DateTimeField(_("home page last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(phone_verified=True),
                name="user_verified_phone_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(phone_verified=False) | ~models.Q(phone=""),
                name="user_verified_phone_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username


_ENGLISH_REGION_NAMES: dict[str, tuple[str, str | None]] = {}


def _english_region_names() -> dict[str, tuple[str, str | None]]:
    """code -> (English name, parent code) of every division: a fixed table, read once."""
    if not _ENGLISH_REGION_NAMES:
        _ENGLISH_REGION_NAMES.update(
            (code, (name_en, parent))
            for code, name_en, parent in Region.objects.values_list("code", "name_en", "parent_id")
        )
    return _ENGLISH_REGION_NAMES


class Region(models.Model):
    """行政区划: an administrative division with its GB/T 2260 code."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    group = models.CharField(_("region group"), max_length=16, choices=RegionGroup.choices)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "group"])]

    def __str__(self) -> str:
        return self.display_full_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: English names come with the division table."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_full_name(self) -> str:
        """Province, prefecture and county in the reader's language (贵州省 黔东南… 雷山县 or
        Leishan County, Qiandongnan, Guizhou)."""
        if not (get_language() or "").startswith("en") or not self.name_en:
            return self.full_name
        names, code = [], self.code
        english = _english_region_names()
        while code:
            name, code = english.get(code, ("", None))
            if name and name not in names:
                names.append(name)
        return ", ".join(names) or self.full_name

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class Organisation(models.Model):
    """An enterprise, research institution, service station or authority."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("Unified social credit code: 18 characters, on the business licence."),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    description = models.TextField(_("about"), blank=True)
    covered_regions = models.ManyToManyField(
        Region,
        verbose_name=_("counties covered"),
        blank=True,
        related_name="covering_stations",
        help_text=_("For service stations: the counties (or whole prefectures) they serve."),
    )
    is_verified = models.BooleanField(_("verified"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        through_fields=("organisation", "user"),
        related_name="organisations",
    )
    # Verification above all: who verified it, and who changed its name or numbers since.
    history = AuditTrail()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "is_verified"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_code=Upper("credit_code")),
                name="organisation_credit_code_upper",
            ),
            models.CheckConstraint(
                condition=models.Q(is_verified=False) | models.Q(verified_at__isnull=False),
                name="organisation_verified_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in an organisation; a pending one is a request to join."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = AuditTrail()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"
