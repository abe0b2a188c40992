from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region
from accounts.validators import validate_patent_number
from config.audit import AuditTrail
from matchmaking.core.fields import (
    KEYWORDS_TEXT,
    LONG_TEXT,
    MEDIUM_TEXT,
    ChoiceSetField,
    bounded_text,
)
from matchmaking.enums import IPType, Maturity, MetricUnit, TransferMode, Visibility, stage_of
from matchmaking.listings.states import NeedStatus, ResultStatus

# What the site computes from a listing or changes on its own: not edits anyone made.
LISTING_UNAUDITED = [
    "search_text",
    "search_tokens",
    "matching_pending",
    "embedding",
    "embedding_encoder",
    "embedding_digest",
    "embedded_at",
    "updated_at",
]

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Category(models.Model):
    """A two-level taxonomy of rural e-commerce technology; admins edit it."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    description = bounded_text(_("description"), limit=MEDIUM_TEXT, blank=True)
    keywords = bounded_text(
        _("keywords"),
        limit=KEYWORDS_TEXT,
        blank=True,
        help_text=_("Typical terms, separated by spaces."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = AuditTrail()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Listing(models.Model):
    """What a need and a result share: text, category, region, maturity, modes, state."""

    title = models.CharField(_("title"), max_length=200)
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_(
            "A few terms separated by spaces or commas, e.g. cold chain, pre-cooling, kiwifruit."
        ),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    transfer_modes = ChoiceSetField(_("transfer modes"), choices=TransferMode.choices)
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acting_station = models.ForeignKey(
        Organisation,
        verbose_name=_("entered by station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set when station staff entered it on the organisation's behalf."),
    )
    # Title, text, keywords and category names in one lower-cased column for search.
    search_text = models.TextField(editable=False, default="")
    # Its Chinese characters, bigrams and Latin words (see listings/search.py), GIN-indexed on
    # PostgreSQL.
    search_tokens = models.TextField(editable=False, default="")
    matching_pending = models.BooleanField(_("waiting for matching"), default=False)
    # The dense vector of the matcher (issue 17), computed by a worker (services.matching
    # embed_listings): 384 float16 values, the encoder that made it and a digest of the text it
    # read. A vector whose digest no longer matches the listing's text is ignored until redone.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_encoder = models.CharField(max_length=64, blank=True, default="", editable=False)
    embedding_digest = models.CharField(max_length=40, blank=True, default="", editable=False)
    embedded_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", ",").replace(",", " ").split() if k]


class TechnologyNeed(Listing):
    """技术需求: a need posted by an enterprise."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    description = bounded_text(_("description"), limit=LONG_TEXT)
    budget_min = models.DecimalField(_("budget from (CNY)"), null=True, blank=True, **MONEY)
    budget_max = models.DecimalField(_("budget up to (CNY)"), null=True, blank=True, **MONEY)
    budget_negotiable = models.BooleanField(_("budget negotiable"), default=False)
    budget_public = models.BooleanField(
        _("show the budget publicly"),
        default=True,
        help_text=_(
            "Otherwise only your organisation, the stations covering it and administrators see it."
        ),
    )
    min_trl = models.PositiveSmallIntegerField(
        _("lowest acceptable maturity"),
        choices=Maturity.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = AuditTrail(excluded_fields=LISTING_UNAUDITED)
    # The problem as a number the enterprise already knows (issue #21): what the evidence
    # measured after adoption is compared with. Seen by the need's side only.
    baseline_value = models.DecimalField(
        _("the figure today"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_unit = models.CharField(
        _("unit"), max_length=20, choices=MetricUnit.choices, blank=True
    )
    baseline_label = models.CharField(
        _("what it measures"),
        max_length=60,
        blank=True,
        help_text=_("In a few words: spoilage in transport, shelf life, delivery cost per order."),
    )

    class Meta:
        verbose_name = _("technology need")
        verbose_name_plural = _("technology needs")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            # One's own listings, newest first, straight from the index: without the date
            # PostgreSQL walked all 100,000 open ones by date to find an old firm's few. With
            # the id, a station board finds its counties' open needs in the index alone.
            models.Index(
                fields=["organisation", "status", "-published_at"],
                include=["id"],
                name="need_organisation_status_idx",
            ),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["deadline"]),
            models.Index(fields=["updated_at"]),
            models.Index(
                fields=["matching_pending"],
                condition=Q(matching_pending=True),
                name="need_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=F("budget_max")),
                name="need_budget_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(min_trl__isnull=True) | Q(min_trl__gte=1, min_trl__lte=9),
                name="need_min_trl_1_9",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NeedStatus.values), name="need_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True, baseline_unit="")
                | Q(baseline_value__isnull=False) & ~Q(baseline_unit=""),
                name="need_baseline_value_with_unit",
            ),
        ]

    @property
    def text(self) -> str:
        return self.description

    def clean(self):

        errors = {}
        if (
            self.budget_min is not None
            and self.budget_max is not None
            and self.budget_min > self.budget_max
        ):
            errors["budget_max"] = _(
                "The upper end of the budget must not be below the lower end (%(min)s)."
            ) % {"min": f"{self.budget_min:,.0f}"}
        if self.budget_min is None and self.budget_max is None and not self.budget_negotiable:
            errors["budget_max"] = _("Enter a budget, or tick “budget negotiable”.")
        if self.baseline_value is not None and not self.baseline_unit:
            errors["baseline_unit"] = _("Choose the unit of the figure.")
        if self.baseline_value is None and self.baseline_unit:
            errors["baseline_value"] = _("Enter the figure, or leave the unit empty.")
        if errors:
            raise ValidationError(errors)

    @property
    def min_stage(self):
        return stage_of(self.min_trl)


class ResearchResult(Listing):
    """科研成果: a research result listed by an institution."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    team = models.CharField(_("team"), max_length=150, blank=True)
    lead_researcher = models.CharField(_("lead researcher"), max_length=100, blank=True)
    abstract = bounded_text(_("abstract"), limit=LONG_TEXT)
    application_scenarios = bounded_text(_("application scenarios"), limit=MEDIUM_TEXT, blank=True)
    ip_type = models.CharField(
        _("intellectual property"), max_length=24, choices=IPType.choices, default=IPType.NONE
    )
    ip_number = models.CharField(
        _("patent or registration number"),
        max_length=40,
        blank=True,
        help_text=_(
            "For patents: e.g. ZL 201710601862.3. For software copyright: e.g. 2021SR0123456."
        ),
    )
    trl = models.PositiveSmallIntegerField(
        _("maturity"),
        choices=Maturity.choices,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    asking_price = models.DecimalField(_("asking price (CNY)"), null=True, blank=True, **MONEY)
    price_negotiable = models.BooleanField(_("price negotiable"), default=False)
    serves_all_regions = models.BooleanField(_("serves all provinces"), default=True)
    regions_served = models.ManyToManyField(
        Region,
        verbose_name=_("provinces served"),
        blank=True,
        related_name="+",
        limit_choices_to={"level": 1},
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResultStatus.choices, default=ResultStatus.DRAFT
    )
    closed_at = models.DateTimeField(_("withdrawn or transferred at"), null=True, blank=True)
    # How often someone outside the institution opened the result's page.
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    history = AuditTrail(excluded_fields=[*LISTING_UNAUDITED, "view_count"])

    class Meta:
        verbose_name = _("research result")
        verbose_name_plural = _("research results")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            # One's own listings, newest first, straight from the index.
            models.Index(
                fields=["organisation", "status", "-published_at"],
                name="result_organisation_status_idx",
            ),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["updated_at"]),
            models.Index(
                fields=["matching_pending"],
                condition=Q(matching_pending=True),
                name="result_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(trl__gte=1, trl__lte=9), name="result_trl_1_9"),
            models.CheckConstraint(
                condition=Q(status__in=ResultStatus.values), name="result_status_valid"
            ),
            models.UniqueConstraint(
                fields=["organisation", "ip_number"],
                condition=~Q(ip_number=""),
                name="result_unique_ip_number_per_institution",
                violation_error_message=_(
                    "Your institution already lists a result with this number."
                ),
            ),
        ]

    @property
    def text(self) -> str:
        return self.abstract

    @property
    def stage(self):
        return stage_of(self.trl)

    @property
    def is_patent(self) -> bool:
        return self.ip_type in (IPType.INVENTION_PATENT, IPType.UTILITY_MODEL)

    def clean(self):

        errors = {}
        if self.is_patent:
            if not self.ip_number:
                errors["ip_number"] = _("Enter the patent or application number.")
            else:
                try:
                    validate_patent_number(self.ip_number)
                except ValidationError as error:
                    errors["ip_number"] = error.messages
        if self.asking_price is None and not self.price_negotiable:
            errors["asking_price"] = _("Enter an asking price, or tick “price negotiable”.")
        if errors:
            raise ValidationError(errors)


def _photo_path(photo, filename: str) -> str:
    # Random names: nothing about the person or the need in the path.
    return f"photos/needs/{filename}"


class NeedPhoto(models.Model):
    """A photo of a need's problem (issue #16): re-encoded on arrival, so that it carries no
    metadata, with a smaller thumbnail. Stored under MEDIA_ROOT, which no address serves: the
    need's viewers get it through listings.views.need_photo, which asks who may see the need."""

    MAX_PER_NEED = 4

    need = models.ForeignKey(
        TechnologyNeed, verbose_name=_("need"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_photo_path, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("bytes"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("need photo")
        verbose_name_plural = _("need photos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.image.name}"


class SavedSearch(models.Model):
    """Listings a user wants to hear about: a daily digest of new ones that fit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    target = models.CharField(
        _("looking for"),
        max_length=10,
        choices=[("needs", _("Technology needs")), ("results", _("Research results"))],
    )
    query = models.CharField(_("keywords"), max_length=200, blank=True)
    category = models.ForeignKey(
        "matchmaking.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    province = models.ForeignKey(
        "accounts.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.query or str(self.category or "")
