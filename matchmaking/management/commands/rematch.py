import time

from django.core.management.base import BaseCommand, CommandError

from matchmaking.matches import matching
from matchmaking.matches.states import RunStatus
from matchmaking.models import RebuildRun


class Command(BaseCommand):
    help = "Refit the matcher's index and recompute every match (in chunks, on the workers)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-wait", action="store_true", help="Queue the rebuild and return at once."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        run = matching.start_rebuild()  # eager without a broker: runs here and now
        if run is None:
            running = RebuildRun.objects.filter(status=RunStatus.RUNNING).first()
            raise CommandError(
                f"Full re-match {running.pk if running else ''} is still running; "
                "its progress is in the admin."
            )
        if options["no_wait"]:
            self.stdout.write(f"Rebuild {run.pk} queued.")
            return
        while True:
            run.refresh_from_db()
            if run.status != RunStatus.RUNNING:
                break
            self.stdout.write(
                f"\r{run.percent:3d}% ({run.done_chunks}/{run.total_chunks} chunks)", ending=""
            )
            time.sleep(1)
        self.stdout.write(
            f"\nRebuild {run.status}: {run.pairs} pairs stored, {run.dropped} stale suggestions "
            f"dropped, version {run.version}, {time.monotonic() - started:.1f} s."
        )
