from matchmaking.models.imports import ImportJob
from matchmaking.models.listings import Category, ResearchResult, TechnologyNeed
from matchmaking.models.matches import (
    Match,
    MatchEvent,
    Notification,
    NotificationSetting,
    RebuildRun,
    SavedSearch,
)

__all__ = [
    "Category",
    "ImportJob",
    "Match",
    "MatchEvent",
    "Notification",
    "NotificationSetting",
    "RebuildRun",
    "ResearchResult",
    "SavedSearch",
    "TechnologyNeed",
]
