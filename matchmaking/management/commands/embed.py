"""Compute the dense vectors listings lack (issue 17), resumably, in chunks recorded in the
database: run again after an interruption and it carries on where it stopped."""

import time

from django.core.management.base import BaseCommand, CommandError

from config.queue import enqueue
from matchmaking.matches import matching
from matchmaking.matches.states import RunStatus
from matchmaking.models import EmbedChunk, EmbedRun


class Command(BaseCommand):
    help = (
        "Backfill the dense vectors of needs and results that have none (or a stale one), "
        "in chunks; resumes a backfill that was cut off. Progress is also in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=matching.EMBED_CHUNK)
        parser.add_argument(
            "--queue", action="store_true", help="hand the chunks to the workers instead"
        )
        parser.add_argument(
            "--no-rematch", action="store_true", help="do not start a full re-match afterwards"
        )

    def handle(self, *args, chunk_size, queue, no_rematch, **options):
        encoder = matching.site_encoder()
        if encoder is None:
            raise CommandError("MATCHING_ENCODER is empty: the site matches by words only.")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        run = EmbedRun.objects.filter(status=RunStatus.RUNNING).order_by("started_at").first()
        if run is not None:
            self.stdout.write(f"Resuming backfill {run.pk} ({run.done_chunks}/{run.total_chunks}).")
        else:
            run = EmbedRun.objects.create()
        if queue:
            enqueue("matchmaking.tasks.embed_start", run.pk, chunk_size)
            self.stdout.write(f"Backfill {run.pk} queued; its progress is in the admin.")
            return
        matching.embed_plan(run, chunk_size)
        run.refresh_from_db()
        self.stdout.write(
            f"Backfill {run.pk} with {encoder.name}: {run.listings} listing(s) "
            f"in {run.total_chunks} chunk(s)."
        )
        for what, pk in matching.embed_work(run.pk):
            if what != "embed_chunk":
                break
            started = time.perf_counter()
            before = EmbedChunk.objects.values_list("claimed_at", flat=True).get(pk=pk)
            matching.embed_chunk(pk)
            after = EmbedChunk.objects.values_list("claimed_at", flat=True).get(pk=pk)
            if after == before:
                continue  # another worker has it
            run.refresh_from_db()
            self.stdout.write(
                f"  chunk {run.done_chunks}/{run.total_chunks}: {run.encoded} encoded so far "
                f"({time.perf_counter() - started:.1f} s)"
            )
        rebuild = matching.embed_finish(run.pk)
        run.refresh_from_db()
        if run.status == RunStatus.RUNNING:
            left = run.total_chunks - run.done_chunks
            self.stdout.write(
                f"{left} chunk(s) are taken by another worker (or one that stopped: taken "
                "again after REBUILD_STALLED_AFTER_SECONDS); run this again later."
            )
            return
        per = run.seconds / run.encoded if run.encoded else 0.0
        wall = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
        self.stdout.write(
            f"Done: {run.encoded} vector(s), {wall:.1f} s from start to end; encoding took "
            f"{run.seconds:.1f} s summed over the workers ({per:.3f} s a vector)."
        )
        if rebuild is not None and not no_rematch:
            enqueue("matchmaking.tasks.rebuild_index", rebuild)
            self.stdout.write(f"Full re-match {rebuild} started with the new vectors.")
