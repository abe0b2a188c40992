"""The state machines of what adoption changed (issue #21): each checkpoint's evidence, a trial
and its milestones, each enum next to its table of allowed moves. impact/services.py writes
them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceStatus(models.TextChoices):
    DUE = "due", _("Due")
    RECORDED = "recorded", _("Recorded, awaiting the enterprise")
    CONFIRMED = "confirmed", _("Confirmed by the enterprise")
    DISPUTED = "disputed", _("Disputed by the enterprise")


class TrialStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    VERIFIED = "verified", _("Verified, tranche released")
    FAILED = "failed", _("Not met")


# Recorded by the station, then confirmed or disputed by the enterprise; a disputed figure is
# measured again.
EVIDENCE_TRANSITIONS = {
    EvidenceStatus.DUE: frozenset({EvidenceStatus.RECORDED}),
    EvidenceStatus.RECORDED: frozenset({EvidenceStatus.CONFIRMED, EvidenceStatus.DISPUTED}),
    EvidenceStatus.DISPUTED: frozenset({EvidenceStatus.RECORDED}),
    EvidenceStatus.CONFIRMED: frozenset(),
}
TRIAL_TRANSITIONS = {
    TrialStatus.RUNNING: frozenset({TrialStatus.PASSED, TrialStatus.FAILED}),
    TrialStatus.PASSED: frozenset(),
    TrialStatus.FAILED: frozenset(),
}
# A verified milestone has released its tranche: it stays paid whatever happens after.
MILESTONE_TRANSITIONS = {
    MilestoneStatus.PLANNED: frozenset({MilestoneStatus.VERIFIED, MilestoneStatus.FAILED}),
    MilestoneStatus.VERIFIED: frozenset(),
    MilestoneStatus.FAILED: frozenset(),
}
