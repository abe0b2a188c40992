"""The fair's state machines: the fair itself, meeting requests, meetings and scheduler runs,
each enum with its table of allowed moves. fairs/services.py is the one writer.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FairStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    REGISTRATION_OPEN = "registration_open", _("Registration open")
    SCHEDULING = "scheduling", _("Scheduling")
    AGENDA_PUBLISHED = "agenda_published", _("Agenda published")
    FINISHED = "finished", _("Finished")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingOutcome(models.TextChoices):
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")
    FOLLOW_UP = "follow_up", _("Follow-up wanted")
    NOT_INTERESTED = "not_interested", _("Not interested")


FAIR_TRANSITIONS = {
    FairStatus.PLANNING: frozenset({FairStatus.REGISTRATION_OPEN, FairStatus.AGENDA_PUBLISHED}),
    FairStatus.REGISTRATION_OPEN: frozenset({FairStatus.SCHEDULING, FairStatus.AGENDA_PUBLISHED}),
    FairStatus.SCHEDULING: frozenset({FairStatus.REGISTRATION_OPEN, FairStatus.AGENDA_PUBLISHED}),
    # Publishing again (a re-run on the day) keeps the agenda published.
    FairStatus.AGENDA_PUBLISHED: frozenset({FairStatus.AGENDA_PUBLISHED, FairStatus.FINISHED}),
    FairStatus.FINISHED: frozenset(),
}

# Requests are answered once; a pending one may be withdrawn.
REQUEST_TRANSITIONS = {
    RequestStatus.PENDING: frozenset(
        {RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.CANCELLED}
    ),
    RequestStatus.ACCEPTED: frozenset(),
    RequestStatus.DECLINED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}


class ScheduleRunStatus(models.TextChoices):
    """One scheduler run: a preview until someone publishes it; publishing one supersedes
    the other previews."""

    RUNNING = "running", _("Running")
    PREVIEW = "preview", _("Preview")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    STALE = "stale", _("Superseded")


SCHEDULE_RUN_TRANSITIONS = {
    ScheduleRunStatus.RUNNING: frozenset({ScheduleRunStatus.PREVIEW, ScheduleRunStatus.FAILED}),
    ScheduleRunStatus.PREVIEW: frozenset({ScheduleRunStatus.PUBLISHED, ScheduleRunStatus.STALE}),
    ScheduleRunStatus.PUBLISHED: frozenset(),
    ScheduleRunStatus.FAILED: frozenset(),
    ScheduleRunStatus.STALE: frozenset(),
}
