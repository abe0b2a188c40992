from matchmaking.models.fairs import (
    Fair,
    FairRegistration,
    Meeting,
    MeetingRequest,
    ScheduleRun,
)
from matchmaking.models.imports import ImportJob
from matchmaking.models.listings import Category, NeedPhoto, ResearchResult, TechnologyNeed
from matchmaking.models.matches import (
    EmbedChunk,
    EmbedRun,
    Match,
    MatchEvent,
    Notification,
    NotificationSetting,
    RebuildChunk,
    RebuildRun,
    SavedSearch,
    ShortLink,
    SmsMessage,
)
from matchmaking.models.outcomes import (
    ContractRegistration,
    OutcomeEvidence,
    OutcomePhoto,
    Trial,
    TrialMilestone,
)
from matchmaking.models.stations import (
    AdoptionCost,
    Evaluation,
    SolutionPlan,
    TrainingAttendance,
    TrainingSession,
)
from matchmaking.models.submissions import SubmissionKey
from matchmaking.models.thesaurus import ThesaurusEntry

__all__ = [
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
    "RebuildRun",
    "ResearchResult",
    "SavedSearch",
    "SubmissionKey",
    "ShortLink",
    "SmsMessage",
    "TechnologyNeed",
    "ThesaurusEntry",
]
