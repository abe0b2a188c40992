from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        # Records failed tasks (the signal receiver), in the web process and in workers.
        from matchmaking.core import task_failures  # noqa: F401

        # Schedules what adoption changed when a match is adopted (the match_adopted signal).
        from matchmaking.impact import services  # noqa: F401

        _watch_public_pages()


def _watch_public_pages() -> None:
    """What the pages kept for anonymous visitors show (config/page_cache.py): a write to any
    of these is seen on the next request."""
    from accounts.models import Organisation, Region
    from config import page_cache
    from matchmaking.models import Category, NeedPhoto, ResearchResult, TechnologyNeed

    page_cache.watch(TechnologyNeed, ResearchResult, NeedPhoto, Organisation, Category, Region)
