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
        _watch_page_parts()
        _count_unread_anew()


def _watch_public_pages() -> None:
    """What the pages kept for anonymous visitors show (config/page_cache.py): a write to any
    of these is seen on the next request."""
    from accounts.models import Organisation, Region
    from config import page_cache
    from matchmaking.models import Category, NeedPhoto, ResearchResult, TechnologyNeed

    page_cache.watch(TechnologyNeed, ResearchResult, NeedPhoto, Organisation, Category, Region)


def _watch_page_parts() -> None:
    """What the parts of signed-in pages kept for everyone who may see them show (the station
    board's cards, config/fragment_cache.py): a write to any of these is seen on the next
    request."""
    from accounts.models import Organisation, Region
    from config import fragment_cache
    from matchmaking.models import Category, Match, MatchEvent, ResearchResult, TechnologyNeed

    fragment_cache.watch(
        Match, MatchEvent, TechnologyNeed, ResearchResult, Organisation, Category, Region
    )


def _count_unread_anew() -> None:
    """The unread count kept for the bell (matchmaking/notifications/selectors.py) is dropped
    when one of the person's notifications is written."""
    from django.db.models.signals import post_delete, post_save

    from matchmaking.models import Notification
    from matchmaking.notifications import selectors

    def written(instance, **_signal) -> None:
        selectors.forget_unread(instance.user_id)

    post_save.connect(written, sender=Notification, dispatch_uid="unread-count", weak=False)
    post_delete.connect(written, sender=Notification, dispatch_uid="unread-gone", weak=False)
