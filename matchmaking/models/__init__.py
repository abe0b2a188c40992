from matchmaking.models.imports import ImportJob
from matchmaking.models.listings import Category, ResearchResult, TechnologyNeed

__all__ = ["Category", "ImportJob", "ResearchResult", "TechnologyNeed"]
