import time

from django.core.management.base import BaseCommand

from matchmaking.matches.states import RunStatus
from matchmaking.models import RebuildRun
from matchmaking.tasks import rebuild_index


class Command(BaseCommand):
    help = "Refit the matcher's index and recompute every match (in chunks, on the workers)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-wait", action="store_true", help="Queue the rebuild and return at once."
        )

    def handle(self, *args, **options):
        run = RebuildRun.objects.create()
        started = time.monotonic()
        rebuild_index.delay(run.pk)  # eager without a broker: runs here and now
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
