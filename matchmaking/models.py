from matchmaking.core.models import SubmissionKey, TaskFailure
from matchmaking.fairs.models import Fair, FairRegistration, Meeting, MeetingRequest, ScheduleRun
from matchmaking.impact.models import (
    ContractRegistration,
    OutcomeEvidence,
    OutcomePhoto,
    Trial,
    TrialMilestone,
)
from matchmaking.imports.models import ImportJob
from matchmaking.listings.models import (
    Category,
    NeedPhoto,
    ResearchResult,
    SavedSearch,
    TechnologyNeed,
)
from matchmaking.matches.models import (
    EmbedChunk,
    EmbedRun,
    Match,
    MatchEvent,
    RebuildChunk,
    RebuildPair,
    RebuildRun,
    ThesaurusEntry,
)
from matchmaking.notifications.models import (
    DeliveryClaim,
    Notification,
    NotificationSetting,
    ShortLink,
    SmsMessage,
)
from matchmaking.reports.models import MonthlyReport, ReportScope, ReportSubscription
from matchmaking.stations.models import (
    AdoptionCost,
    Evaluation,
    SolutionPlan,
    TrainingAttendance,
    TrainingSession,
)

__all__ = [
    "DeliveryClaim",
    "MonthlyReport",
    "ReportScope",
    "ReportSubscription",
    "ContractRegistration",
    "OutcomeEvidence",
    "OutcomePhoto",
    "Trial",
    "TrialMilestone",
    "Fair",
    "FairRegistration",
    "Meeting",
    "MeetingRequest",
    "ScheduleRun",
    "AdoptionCost",
    "Evaluation",
    "SolutionPlan",
    "TrainingAttendance",
    "TrainingSession",
    "Category",
    "EmbedChunk",
    "EmbedRun",
    "ImportJob",
    "Match",
    "NeedPhoto",
    "MatchEvent",
    "Notification",
    "NotificationSetting",
    "RebuildChunk",
    "RebuildPair",
    "RebuildRun",
    "ResearchResult",
    "SavedSearch",
    "SubmissionKey",
    "TaskFailure",
    "ShortLink",
    "SmsMessage",
    "TechnologyNeed",
    "ThesaurusEntry",
]
