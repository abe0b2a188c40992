"""What an adoption changed (issue #21): evidence measured after adoption, trials paid by
milestone, and the technology contract registered."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from matchmaking.core.fields import LONG_TEXT, MEDIUM_TEXT, bounded_text
from matchmaking.enums import Checkpoint, ContractType, MetricUnit
from matchmaking.impact.parse import change_text
from matchmaking.impact.states import EvidenceStatus, MilestoneStatus, TrialStatus
from matchmaking.matches.models import Match

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class OutcomeEvidence(models.Model):
    """效果证据: the need's figure measured again at a checkpoint after adoption.

    One row per (match, checkpoint), made due when the match is adopted; station staff record
    the measured value and how it was measured, the enterprise confirms or disputes it. Only
    confirmed rows count in the statistics. The baseline is copied from the need when the
    value is recorded, so that a later edit of the need does not change what was measured.
    """

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="evidence")
    checkpoint = models.PositiveSmallIntegerField(_("checkpoint"), choices=Checkpoint.choices)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=EvidenceStatus.choices, default=EvidenceStatus.DUE
    )
    label = models.CharField(_("what it measures"), max_length=60, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=MetricUnit.choices, blank=True)
    baseline_value = models.DecimalField(
        _("before adoption"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measured_value = models.DecimalField(
        _("measured now"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # (measured − baseline) / baseline; stored so that statistics read it without arithmetic.
    relative_change = models.DecimalField(
        _("relative change"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    method = bounded_text(_("how it was measured"), limit=MEDIUM_TEXT, blank=True)
    station = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    dispute_note = models.CharField(_("why it is disputed"), max_length=500, blank=True)
    # Set when staff were reminded that this checkpoint is due; a reminder goes once.
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outcome evidence")
        verbose_name_plural = _("outcome evidence")
        ordering = ["match", "checkpoint"]
        constraints = [
            models.UniqueConstraint(
                fields=["match", "checkpoint"], name="evidence_unique_checkpoint"
            ),
            models.CheckConstraint(
                condition=Q(status=EvidenceStatus.DUE) | Q(measured_value__isnull=False),
                name="evidence_recorded_has_value",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.get_checkpoint_display()}"

    @property
    def change_text(self) -> str:

        return change_text(self.relative_change)


def _photo_path(photo, filename: str) -> str:
    return f"photos/evidence/{filename}"  # random names, like a need's photos


class OutcomePhoto(models.Model):
    """A photo of evidence or of a trial milestone: checked and re-encoded like a need's
    photos (matchmaking.photos), stored under MEDIA_ROOT, served only through
    matchmaking.views.outcomes to the enterprise, its station and admins."""

    MAX_PER_RECORD = 4

    evidence = models.ForeignKey(
        OutcomeEvidence, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    milestone = models.ForeignKey(
        "TrialMilestone", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_photo_path, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("bytes"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(evidence__isnull=False, milestone__isnull=True)
                | Q(evidence__isnull=True, milestone__isnull=False),
                name="outcome_photo_of_one_record",
            )
        ]

    def __str__(self) -> str:
        return self.image.name

    @property
    def match(self) -> Match:
        return self.evidence.match if self.evidence_id else self.milestone.trial.match


class Trial(models.Model):
    """试用: the "on trial" stage of a match as a plan of milestones, each releasing a tranche
    of the trial subsidy when the station verifies it."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="trial")
    station = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subsidy = models.DecimalField(_("trial subsidy (CNY)"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=TrialStatus.choices, default=TrialStatus.RUNNING
    )
    failure_reason = models.CharField(_("why the trial failed"), max_length=500, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trial")
        verbose_name_plural = _("trials")

    def __str__(self) -> str:
        return f"{self.match} · {self.get_status_display()}"


class TrialMilestone(models.Model):
    """里程碑: what the trial must show by a date, and the tranche its verification releases."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("milestone"), max_length=200)
    criteria = bounded_text(_("acceptance criteria"), limit=MEDIUM_TEXT)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    tranche = models.DecimalField(_("subsidy tranche (CNY)"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    note = bounded_text(_("note"), limit=MEDIUM_TEXT, blank=True)
    evidence = bounded_text(_("evidence seen"), limit=MEDIUM_TEXT, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The ledger line: the tranche paid out, and when. Never taken back, even if the trial
    # fails later: what was verified was earned.
    released_amount = models.DecimalField(_("released (CNY)"), default=0, **MONEY)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("trial milestone")
        verbose_name_plural = _("trial milestones")
        ordering = ["trial", "position"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "position"], name="milestone_unique_position"),
            models.CheckConstraint(
                condition=Q(released_amount__lte=models.F("tranche")),
                name="milestone_released_le_tranche",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trial_id}.{self.position} {self.title}"


class ContractRegistration(models.Model):
    """技术合同认定登记: the dossier of an adopted match's technology contract, and the
    registration number the office gives back."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="contract")
    contract_type = models.CharField(
        _("contract type"), max_length=12, choices=ContractType.choices
    )
    subject = bounded_text(_("subject of the contract"), limit=LONG_TEXT)
    amount = models.DecimalField(_("contract amount (CNY)"), **MONEY)
    technical_income = models.DecimalField(_("technical income (CNY)"), **MONEY)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    place_signed = models.CharField(_("place signed"), max_length=100, blank=True)
    registration_number = models.CharField(
        _("registration number"), max_length=40, blank=True, db_index=True
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    station = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("technology contract registration")
        verbose_name_plural = _("technology contract registrations")
        constraints = [
            models.CheckConstraint(
                condition=Q(technical_income__lte=models.F("amount")),
                name="contract_income_le_amount",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="contract_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match} · {self.get_contract_type_display()}"
