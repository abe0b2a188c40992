from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    REGISTERED = "registered", _("Logged-in users only")


class TransferMode(models.TextChoices):
    LICENSE = "license", _("Licence")
    ASSIGNMENT = "assignment", _("Assignment")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    TECHNICAL_SERVICE = "technical_service", _("Technical service")
    EQUITY = "equity", _("Equity investment")


class IPType(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model")
    SOFTWARE_COPYRIGHT = "software_copyright", _("Software copyright")
    KNOW_HOW = "know_how", _("Know-how")
    NONE = "none", _("None")


class Maturity(models.IntegerChoices):
    """Technology readiness level per GB/T 22900-2009."""

    TRL1 = 1, _("TRL 1 · basic principles observed")
    TRL2 = 2, _("TRL 2 · concept formulated")
    TRL3 = 3, _("TRL 3 · proof of concept")
    TRL4 = 4, _("TRL 4 · lab-scale prototype")
    TRL5 = 5, _("TRL 5 · small pilot in relevant conditions")
    TRL6 = 6, _("TRL 6 · pilot-scale demonstration")
    TRL7 = 7, _("TRL 7 · pilot in real production")
    TRL8 = 8, _("TRL 8 · industrial application")
    TRL9 = 9, _("TRL 9 · proven at scale")


class MaturityStage(models.TextChoices):
    """The four stages Chinese users speak of, each covering a range of TRLs."""

    LAB = "lab", _("Laboratory")
    SMALL_PILOT = "small_pilot", _("Small pilot")
    PILOT = "pilot", _("Pilot")
    INDUSTRIAL = "industrial", _("Industrialisation")


STAGE_TRLS: dict[str, range] = {
    MaturityStage.LAB: range(1, 4),
    MaturityStage.SMALL_PILOT: range(4, 6),
    MaturityStage.PILOT: range(6, 8),
    MaturityStage.INDUSTRIAL: range(8, 10),
}


def stage_of(trl: int | None) -> MaturityStage | None:
    if trl is None:
        return None
    return next(MaturityStage(stage) for stage, trls in STAGE_TRLS.items() if trl in trls)


class DeclineReason(models.TextChoices):
    TOO_EARLY = "too_early", _("Too early stage")
    TOO_EXPENSIVE = "too_expensive", _("Too expensive")
    NOT_OUR_REGION = "not_our_region", _("Does not serve our region")
    NOT_RELEVANT = "not_relevant", _("Not relevant")
    # Lowers the result for this enterprise's similar needs (services.matching.feedback).
    TECH_MISMATCH = "tech_mismatch", _("The technology does not fit")
    OTHER = "other", _("Other")


class NotificationKind(models.TextChoices):
    STRONG_MATCH = "strong_match", _("A new strong match")
    CONTACT_REQUEST = "contact_request", _("A contact request")
    CONTACT_ANSWER = "contact_answer", _("An answer to my contact request")
    REMINDER = "reminder", _("Reminders of unanswered requests")
    DIGEST = "digest", _("Daily digest of saved searches")
    EVALUATION = "evaluation", _("A station's evaluation of a technology for me")
    FAIR_REMINDER = "fair_reminder", _("The day before my meetings at the fair")


class MetricUnit(models.TextChoices):
    """The units of a baseline and of the evidence measured after adoption (issue #21); the
    values are impact/parse.py's."""

    PERCENT = "percent", _("percent")
    DAYS = "days", _("days")
    YUAN = "yuan", _("yuan")
    YUAN_PER_UNIT = "yuan_per_unit", _("yuan per unit")
    KG = "kg", _("kg")
    ORDERS_PER_DAY = "orders_per_day", _("orders per day")


class Checkpoint(models.IntegerChoices):
    """When the outcome is measured again: months after adoption."""

    AT_ADOPTION = 0, _("At adoption")
    THREE_MONTHS = 3, _("After 3 months")
    TWELVE_MONTHS = 12, _("After 12 months")


class ContractType(models.TextChoices):
    """技术合同的类型, as the registration offices (技术合同认定登记机构) classify them."""

    DEVELOPMENT = "development", _("Technology development")
    TRANSFER = "transfer", _("Technology transfer")
    LICENSING = "licensing", _("Technology licensing")
    CONSULTING = "consulting", _("Technology consulting")
    SERVICE = "service", _("Technology service")
