"""A full re-match survives a worker killed halfway (real workers, Redis, PostgreSQL)."""

import json
import os
import signal
import time
import uuid

import psycopg
import pytest
import redis
from django.db import connection

from accounts.enums import OrganisationKind
from matchmaking.models import Match, RebuildChunk, RebuildRun
from matchmaking.tasks import rebuild_index, sweep_pending
from tests.conftest import (
    require_worker_services,
    start_worker,
    stop_worker,
    worker_database_url,
)
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory

pytestmark = pytest.mark.worker

PRODUCE = ["猕猴桃", "苹果", "茶叶", "稻米", "马铃薯", "柑橘"]
TECHNIQUES = ["冷链保鲜", "智能分选", "质量溯源", "病虫害防治", "直播电商", "烘干加工"]
CHUNK_SIZE = 3  # 24 needs and 24 results: 16 chunks


def _small_world():
    enterprise = OrganisationFactory()
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    author = UserFactory()
    for i in range(24):
        produce = PRODUCE[i % 6]
        wanted, offered = TECHNIQUES[(i // 6 + i) % 6], TECHNIQUES[(5 * i) % 6]
        NeedFactory(
            organisation=enterprise,
            created_by=author,
            title=f"{produce}{wanted}需求{i}",
            description=f"我们的{produce}需要{wanted}的办法",
            keywords=f"{produce} {wanted}",
        )
        ResultFactory(
            organisation=institution,
            created_by=author,
            title=f"{produce}{offered}技术{i}",
            abstract=f"面向{produce}的{offered}方案，已在合作社应用",
            keywords=produce,
        )


def _matches() -> dict:
    return {
        (m.need_id, m.result_id): (m.score, m.rank_for_need, m.rank_for_result)
        for m in Match.objects.all()
    }


def _wait_until_done(run: RebuildRun, seconds: float, while_waiting=None) -> RebuildRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status != "running":
            return run
        if while_waiting:
            while_waiting()
        time.sleep(0.2)
    return run


def _waiting_for_the_run_row() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            ['UPDATE "matchmaking_rebuildrun"%'],
        )
        return cursor.fetchone()[0] == 1


def _in_flight(broker: redis.Redis, queue: str) -> list[str]:
    """Delivery tags of messages on `queue` taken by a worker and never acknowledged."""
    return [
        tag.decode()
        for tag, entry in broker.hgetall("unacked").items()
        if json.loads(entry)[2] == queue
    ]


def test_a_rebuild_whose_worker_is_killed_completes_on_a_new_worker_with_the_same_matches(
    committed_db, django_db_blocker, shared_var_dir, tmp_path
):
    """SIGKILL a worker while it works through the chunks of a full re-match; start another.

    The run must complete with exactly the matches of an uninterrupted rebuild of the same
    listings: none lost (a chunk that died with the worker is done again), none counted twice.
    """
    require_worker_services(django_db_blocker)
    _small_world()
    queue = f"test-rebuild-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    env = {"VAR_DIR": str(shared_var_dir), "REBUILD_STALLED_AFTER_SECONDS": "2"}
    first = start_worker(queue, tmp_path / "first.log", **env)
    second = None
    try:
        uninterrupted = RebuildRun.objects.create()
        rebuild_index.apply_async((uninterrupted.pk, CHUNK_SIZE), queue=queue)
        uninterrupted = _wait_until_done(uninterrupted, 60)
        assert uninterrupted.status == "done"
        expected = _matches()
        assert len(expected) > 100  # a world where a lost chunk shows

        Match.objects.all().delete()  # every match must come from the interrupted run
        run = RebuildRun.objects.create()
        rebuild_index.apply_async((run.pk, CHUNK_SIZE), queue=queue)
        deadline = time.monotonic() + 60
        while run.done_chunks < 4 and time.monotonic() < deadline:
            run.refresh_from_db()
        # Catch the worker inside a chunk: holding the run's row makes the chunk's transaction
        # wait at its last statement, its matches written but not committed, its message taken
        # but not acknowledged. Then the kill.
        with psycopg.connect(worker_database_url(), autocommit=False) as blocker:
            blocker.execute(
                "SELECT 1 FROM matchmaking_rebuildrun WHERE id = %s FOR UPDATE", [run.pk]
            )
            while time.monotonic() < deadline and not _waiting_for_the_run_row():
                time.sleep(0.05)
            first.send_signal(signal.SIGKILL)
            first.wait()
            killed_at = time.monotonic()
            blocker.rollback()
        run.refresh_from_db()
        assert run.status == "running" and 4 <= run.done_chunks < run.total_chunks == 16
        assert len(_in_flight(broker, queue)) == 1  # the chunk the worker died in
        killed_after = run.done_chunks

        second = start_worker(queue, tmp_path / "second.log", **env)
        second_ready = time.monotonic()
        # Beat runs the sweep every minute; here as soon as the last one is through.
        sweeps = [sweep_pending.apply_async(queue=queue)]

        def sweep():
            if sweeps[-1].ready():
                sweeps.append(sweep_pending.apply_async(queue=queue))

        run = _wait_until_done(run, 60, sweep)
        done_at = time.monotonic()
        print(
            f"\nkilled after {killed_after}/{run.total_chunks} chunks; done "
            f"{done_at - killed_at:.1f} s after the kill, {done_at - second_ready:.1f} s after "
            f"the new worker answered; {len(expected)} matches"
        )

        assert run.status == "done"
        assert (run.done_chunks, run.total_chunks) == (16, 16)
        assert run.pairs == uninterrupted.pairs
        assert sum(RebuildChunk.objects.filter(run=run).values_list("pairs", flat=True)) == (
            run.pairs
        )
        assert _matches() == expected
    finally:
        if second is not None:
            stop_worker(second)
        if first.poll() is None:
            stop_worker(first)
        # The killed worker's message would come back in an hour, to a queue nobody reads.
        for tag in _in_flight(broker, queue):
            broker.hdel("unacked", tag)
            broker.zrem("unacked_index", tag)
        broker.delete(queue)
