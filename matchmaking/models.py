from matchmaking.core.models import SubmissionKey
from matchmaking.fairs.models import Fair, FairRegistration, Meeting, MeetingRequest, ScheduleRun
from matchmaking.imports.models import ImportJob
from matchmaking.listings.models import Category, NeedPhoto, ResearchResult, TechnologyNeed
from matchmaking.matches.models import (
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
    ThesaurusEntry,
)
from matchmaking.stations.models import (
    AdoptionCost,
    Evaluation,
    SolutionPlan,
    TrainingAttendance,
    TrainingSession,
)

__all__ = [
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
