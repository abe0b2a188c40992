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
