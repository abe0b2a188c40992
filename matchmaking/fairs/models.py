"""技术对接会: the yearly fair, who comes, who asked to meet whom, and the meetings."""

import secrets
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from config.audit import AuditTrail
from matchmaking.core.fields import MEDIUM_TEXT, bounded_text
from matchmaking.fairs.states import (
    FairStatus,
    MeetingOutcome,
    MeetingStatus,
    RequestStatus,
    ScheduleRunStatus,
)
from matchmaking.listings.models import ResearchResult, TechnologyNeed
from matchmaking.matches.models import Match


class Fair(models.Model):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    city = models.CharField(_("city"), max_length=100)
    venue = models.CharField(_("venue"), max_length=200)
    first_day = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("days"), default=1, validators=[MinValueValidator(1)])
    registration_opens = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    day_start = models.TimeField(_("meetings start"), default=time(9, 0))
    day_end = models.TimeField(_("meetings end"), default=time(17, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"), default=30, validators=[MinValueValidator(10)]
    )
    # [["12:00", "13:30"]]: no meetings start inside a break.
    breaks = models.JSONField(_("breaks"), default=list, blank=True)
    tables = models.PositiveSmallIntegerField(_("tables"), validators=[MinValueValidator(1)])
    max_meetings = models.PositiveSmallIntegerField(
        _("maximum meetings per participant"), default=8, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=FairStatus.choices, default=FairStatus.PLANNING
    )
    # On the day: this long after a slot starts, a participant with a meeting in it who has not
    # checked in is taken as absent for the rest of the day, and their tables are freed.
    no_show_minutes = models.PositiveSmallIntegerField(
        _("no-show after (minutes)"), default=10, validators=[MinValueValidator(1)]
    )
    # The stations that organise the fair: their staff work the whole check-in desk; other
    # stations' staff check in only the registrants in their counties.
    organisers = models.ManyToManyField(
        Organisation,
        verbose_name=_("organising stations"),
        blank=True,
        related_name="organised_fairs",
        limit_choices_to={"kind": "station"},
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = AuditTrail()

    class Meta:
        verbose_name = _("matchmaking fair")
        verbose_name_plural = _("matchmaking fairs")
        ordering = ["-year", "-first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_opens__lte=models.F("registration_closes")),
                name="fair_registration_window",
            ),
            models.CheckConstraint(condition=Q(day_start__lt=models.F("day_end")), name="fair_day"),
        ]

    def __str__(self) -> str:
        return self.name

    def slots(self) -> list[tuple[int, datetime, datetime]]:
        """(index, start, end) of every meeting slot, in time order, breaks left out."""
        tz = timezone.get_default_timezone()
        breaks = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in self.breaks or []]
        found, index = [], 0
        for day in range(self.days):
            date = self.first_day + timedelta(days=day)
            start = datetime.combine(date, self.day_start, tzinfo=tz)
            end_of_day = datetime.combine(date, self.day_end, tzinfo=tz)
            while start + timedelta(minutes=self.slot_minutes) <= end_of_day:
                end = start + timedelta(minutes=self.slot_minutes)
                in_break = any(a <= start.time() < b or a < end.time() <= b for a, b in breaks)
                if not in_break:
                    found.append((index, start, end))
                    index += 1
                start = end
        return found


# Check-in codes: no 0/O, 1/I/L, so that a code read aloud or typed on a phone is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def new_check_in_code() -> str:

    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class FairRegistration(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fair_registrations"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attendees = bounded_text(
        _("attendees"),
        limit=MEDIUM_TEXT,
        help_text=_("One person a line: name and mobile phone."),
    )
    # Slot indexes the organisation can attend; empty means all.
    available_slots = models.JSONField(_("available slots"), default=list, blank=True)
    needs = models.ManyToManyField(
        TechnologyNeed, verbose_name=_("needs brought"), blank=True, related_name="+"
    )
    results = models.ManyToManyField(
        ResearchResult, verbose_name=_("results brought"), blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # Absent: not checked in when a meeting of theirs had started; their later meetings are freed.
    absent_at = models.DateTimeField(_("marked absent at"), null=True, blank=True)
    # On standby: willing to meet, at short notice, a matching participant whose partner is absent.
    standby = models.BooleanField(
        _("on standby for freed tables"),
        default=False,
        help_text=_("On the day, we may be given a freed table with a matching participant."),
    )
    # Printed on the agenda (and in its QR code): typed or scanned at the door.
    check_in_code = models.CharField(_("check-in code"), max_length=8, blank=True, editable=False)
    # The secret in the .ics subscription address.
    calendar_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fair registration")
        verbose_name_plural = _("fair registrations")
        constraints = [
            models.UniqueConstraint(fields=["fair", "organisation"], name="registration_unique"),
            models.UniqueConstraint(
                fields=["fair", "check_in_code"],
                condition=~Q(check_in_code=""),
                name="registration_check_in_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.fair}"

    def save(self, *args, **kwargs):
        if not self.check_in_code:
            taken = set(
                FairRegistration.objects.filter(fair_id=self.fair_id).values_list(
                    "check_in_code", flat=True
                )
            )
            code = new_check_in_code()
            while code in taken:
                code = new_check_in_code()
            self.check_in_code = code
        super().save(*args, **kwargs)


class MeetingRequest(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey(
        FairRegistration, on_delete=models.CASCADE, related_name="requests_made"
    )
    recipient = models.ForeignKey(
        FairRegistration, on_delete=models.CASCADE, related_name="requests_received"
    )
    match = models.ForeignKey(
        Match, null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting_requests"
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "recipient"], name="meeting_request_unique"
            ),
            models.CheckConstraint(
                condition=~Q(requester=models.F("recipient")), name="meeting_request_two_sides"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester.organisation} → {self.recipient.organisation}"


class Meeting(models.Model):
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="meetings")
    slot = models.PositiveSmallIntegerField(_("slot"))
    table = models.PositiveSmallIntegerField(_("table"))
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # Calendar identity: the UID never changes; SEQUENCE grows with every change, so a moved or
    # cancelled meeting updates the existing calendar entry instead of adding a second one.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=MeetingOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("note"), max_length=500, blank=True)
    # When both sides were reminded, the day before (notifications.fair_reminders).
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Placed on the day, at a table freed by an absent participant.
    refilled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The schedule (slot, table, moves, cancellations) and the outcome, not the reminders.
    history = AuditTrail(excluded_fields=["reminded_at", "updated_at"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot", "table"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "slot", "table"],
                condition=~Q(status=MeetingStatus.CANCELLED),
                name="meeting_one_per_table_and_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.slot}/{self.table}"


class ScheduleRun(models.Model):
    """One run of the scheduler: a preview until someone publishes it."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="schedule_runs")
    status = models.CharField(
        max_length=10,
        choices=ScheduleRunStatus.choices,
        default=ScheduleRunStatus.RUNNING,
    )
    progress = models.PositiveSmallIntegerField(default=0)
    # A re-run on the day: only the slots still ahead, every meeting in them kept, freed tables
    # filled; `created_at` is the moment it plans from.
    day_of = models.BooleanField(default=False)
    # {"request_id": [slot, table]} and the diff against the published agenda.
    assignments = models.JSONField(default=dict)
    diff = models.JSONField(default=dict)
    unscheduled = models.JSONField(default=list)
    meetings = models.PositiveIntegerField(default=0)
    weight = models.FloatField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.fair} · {self.created_at:%Y-%m-%d %H:%M} · {self.status}"
