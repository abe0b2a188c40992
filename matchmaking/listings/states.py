"""The states of needs and results, each with its table of allowed moves.

listing_transition (listings/services.py) is the one writer; it reads these tables.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class ResultStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LISTED = "listed", _("Listed")
    TRANSFERRED = "transferred", _("Transferred")
    WITHDRAWN = "withdrawn", _("Withdrawn")


NEED_TRANSITIONS = {
    NeedStatus.DRAFT: frozenset({NeedStatus.OPEN, NeedStatus.CLOSED}),
    NeedStatus.OPEN: frozenset(
        {NeedStatus.IN_PROGRESS, NeedStatus.FULFILLED, NeedStatus.CLOSED, NeedStatus.EXPIRED}
    ),
    NeedStatus.IN_PROGRESS: frozenset({NeedStatus.OPEN, NeedStatus.FULFILLED, NeedStatus.CLOSED}),
    NeedStatus.FULFILLED: frozenset({NeedStatus.OPEN}),
    NeedStatus.CLOSED: frozenset({NeedStatus.OPEN}),
    NeedStatus.EXPIRED: frozenset({NeedStatus.OPEN, NeedStatus.CLOSED}),
}
RESULT_TRANSITIONS = {
    ResultStatus.DRAFT: frozenset({ResultStatus.LISTED}),
    ResultStatus.LISTED: frozenset({ResultStatus.TRANSFERRED, ResultStatus.WITHDRAWN}),
    ResultStatus.TRANSFERRED: frozenset({ResultStatus.LISTED, ResultStatus.WITHDRAWN}),
    ResultStatus.WITHDRAWN: frozenset({ResultStatus.LISTED}),
}
