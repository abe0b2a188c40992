"""What technology-transfer service stations record: evaluations, plans, trainings, costs."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from config.audit import AuditTrail
from matchmaking.core.fields import LONG_TEXT, MEDIUM_TEXT, bounded_text
from matchmaking.listings.models import ResearchResult
from matchmaking.matches.models import Match

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Recommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend")
    WITH_CONDITIONS = "with_conditions", _("Recommend with conditions")
    DO_NOT_RECOMMEND = "do_not_recommend", _("Do not recommend")


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Evaluation(models.Model):
    """技术评估: a station's free assessment of a technology for one enterprise."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="evaluations")
    station = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    technical_feasibility = _score_field(_("technical feasibility"))
    economic_feasibility = _score_field(_("economic feasibility"))
    capability_fit = _score_field(_("fit with the enterprise's capability"))
    risks = bounded_text(_("risks"), limit=MEDIUM_TEXT)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices
    )
    report = bounded_text(_("report"), limit=LONG_TEXT)
    staff_hours = models.DecimalField(
        _("staff hours spent"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0))],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = AuditTrail()

    class Meta:
        verbose_name = _("technology evaluation")
        verbose_name_plural = _("technology evaluations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(technical_feasibility__range=(1, 5))
                & Q(economic_feasibility__range=(1, 5))
                & Q(capability_fit__range=(1, 5)),
                name="evaluation_scores_1_5",
            ),
            models.CheckConstraint(condition=Q(staff_hours__gte=0), name="evaluation_hours_ge_0"),
        ]

    def __str__(self) -> str:
        return f"{self.match} · {self.get_recommendation_display()}"


class SolutionPlan(models.Model):
    """方案定制: a customised plan; each revision is a new version, the old ones are kept."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("version"))
    station = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = bounded_text(_("summary"), limit=LONG_TEXT)
    # [{"title": "...", "owner": "...", "due": "2027-03-01", "milestone": true}]
    steps = models.JSONField(_("steps"), default=list)
    # [{"item": "...", "amount": "12000.00"}]; amounts as strings of decimals, never floats.
    cost_lines = models.JSONField(_("quoted costs"), default=list, blank=True)
    total_quoted = models.DecimalField(_("total quoted (CNY)"), **MONEY)
    staff_hours = models.DecimalField(
        _("staff hours spent"),
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = AuditTrail()

    class Meta:
        verbose_name = _("solution plan")
        verbose_name_plural = _("solution plans")
        ordering = ["match", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["match", "version"], name="plan_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.match} · v{self.version}"


class TrainingSession(models.Model):
    """培训服务: a training a station gave, and who came."""

    station = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="trainings")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=100)
    results = models.ManyToManyField(
        ResearchResult, verbose_name=_("results taught"), blank=True, related_name="+"
    )
    matches = models.ManyToManyField(
        Match, verbose_name=_("matches concerned"), blank=True, related_name="trainings"
    )
    staff_hours = models.DecimalField(
        _("staff hours spent"),
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"

    @property
    def people_trained(self) -> int:
        return sum(a.people for a in self.attendances.all())


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    enterprise = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="trainings_attended"
    )
    people = models.PositiveIntegerField(_("people"), validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enterprise"], name="attendance_unique"),
            models.CheckConstraint(condition=Q(people__gte=1), name="attendance_people_ge_1"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} × {self.people}"


class AdoptionCost(models.Model):
    """What adopting the technology cost the enterprise, against the market without the platform.

    The derived amounts (subsidy from the loan, totals, saving) are computed by
    matchmaking.stations.costs and stored, so that statistics can add them up in the database.
    """

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="adoption_cost")
    station = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    licence_fee = models.DecimalField(_("licence fee"), default=0, **MONEY)
    equipment = models.DecimalField(_("equipment"), default=0, **MONEY)
    integration = models.DecimalField(_("integration"), default=0, **MONEY)
    training = models.DecimalField(_("training"), default=0, **MONEY)
    maintenance = models.DecimalField(_("first-year maintenance"), default=0, **MONEY)
    reference_cost = models.DecimalField(_("market reference cost without the platform"), **MONEY)
    reference_source = models.CharField(_("source of the reference cost"), max_length=300)
    special_fund = models.DecimalField(_("special fund subsidy"), default=0, **MONEY)
    loan_principal = models.DecimalField(_("loan principal"), default=0, **MONEY)
    loan_rate = models.DecimalField(
        _("loan interest rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    loan_months = models.PositiveSmallIntegerField(
        _("months of interest subsidised"), default=0, validators=[MaxValueValidator(120)]
    )
    loan_subsidy = models.DecimalField(_("loan interest subsidy"), default=0, **MONEY)
    # The trial subsidy's tranches released at verified milestones (models.outcomes), summed
    # when the cost is recorded: they lower the net outlay like the other subsidies.
    trial_tranches = models.DecimalField(_("trial subsidy tranches released"), default=0, **MONEY)
    total_cost = models.DecimalField(_("total cost"), **MONEY)
    net_outlay = models.DecimalField(_("enterprise's net outlay"), max_digits=14, decimal_places=2)
    saving = models.DecimalField(_("saving against the reference"), max_digits=14, decimal_places=2)
    saving_percent = models.DecimalField(_("saving (%)"), max_digits=7, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = AuditTrail(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("adoption cost")
        verbose_name_plural = _("adoption costs")
        constraints = [
            models.CheckConstraint(
                condition=Q(special_fund__lte=models.F("total_cost")), name="cost_fund_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match} · {self.net_outlay}"
