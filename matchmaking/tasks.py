"""Celery tasks: thin, idempotent, taking ids. The work is in the services."""

from celery import chord, shared_task
from django.db.models import F
from django.utils import timezone

from matchmaking.models import ImportJob, RebuildRun, ResearchResult, TechnologyNeed
from matchmaking.queue import enqueue
from matchmaking.services import imports, matching, notifications

REBUILD_CHUNK = 2000
SWEEP_CHUNK = 50


@shared_task
def import_validate(job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id).first()
    return imports.import_validate(job=job).status if job else "missing"


@shared_task
def import_save(job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id).first()
    return imports.import_save(job=job).status if job else "missing"


@shared_task
def rematch_need(need_id: int) -> int:
    created = matching.rematch_need(need_id)
    if created:
        enqueue(notify_strong_matches, [m.pk for m in created])
    return len(created)


@shared_task
def rematch_result(result_id: int) -> int:
    created = matching.rematch_result(result_id)
    if created:
        enqueue(notify_strong_matches, [m.pk for m in created])
    return len(created)


@shared_task
def sweep_pending() -> int:
    """Queue what is waiting for matching (e.g. published while the broker was down).

    Loading the index first also applies thesaurus edits, which flag the listings they touch.
    """
    matching.ensure_index()
    needs, results = matching.pending_listings()
    # Chunks, so that a big import becomes a few tasks that several workers share.
    for start in range(0, len(needs), SWEEP_CHUNK):
        enqueue(rematch_needs, needs[start : start + SWEEP_CHUNK])
    for start in range(0, len(results), SWEEP_CHUNK):
        enqueue(rematch_results, results[start : start + SWEEP_CHUNK])
    return len(needs) + len(results)


@shared_task
def rematch_needs(need_ids: list[int]) -> int:
    created = [m.pk for need_id in need_ids for m in matching.rematch_need(need_id)]
    if created:
        enqueue(notify_strong_matches, created)
    return len(created)


@shared_task
def rematch_results(result_ids: list[int]) -> int:
    created = [m.pk for result_id in result_ids for m in matching.rematch_result(result_id)]
    if created:
        enqueue(notify_strong_matches, created)
    return len(created)


@shared_task
def rebuild_index(run_id: int | None = None) -> str:
    """Refit the index and recompute every match, in chunks that run on any worker."""
    run = RebuildRun.objects.get(pk=run_id) if run_id else RebuildRun.objects.create()
    taken = timezone.now()
    version = matching.save_snapshot(matching.build_index(), taken)
    need_ids = list(
        TechnologyNeed.objects.filter(status__in=matching.MATCHABLE_NEEDS)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    result_ids = list(
        ResearchResult.objects.filter(status__in=matching.MATCHABLE_RESULTS)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    chunks = [
        ("needs", need_ids[i : i + REBUILD_CHUNK]) for i in range(0, len(need_ids), REBUILD_CHUNK)
    ]
    chunks += [
        ("results", result_ids[i : i + REBUILD_CHUNK])
        for i in range(0, len(result_ids), REBUILD_CHUNK)
    ]
    RebuildRun.objects.filter(pk=run.pk).update(version=version, total_chunks=len(chunks))
    header = [rebuild_chunk.si(run.pk, version, kind, ids) for kind, ids in chunks]
    if header:
        chord(header)(rebuild_finish.si(run.pk, version))
    else:
        rebuild_finish.delay(run.pk, version)
    return version


@shared_task(acks_late=True)
def rebuild_chunk(run_id: int, version: str, kind: str, ids: list[int]) -> int:
    pairs = matching.rebuild_chunk(version, kind, ids)
    RebuildRun.objects.filter(pk=run_id).update(
        done_chunks=F("done_chunks") + 1, pairs=F("pairs") + pairs
    )
    return pairs


@shared_task
def rebuild_finish(run_id: int, version: str) -> int:
    dropped = matching.finish_rebuild(version)
    RebuildRun.objects.filter(pk=run_id).update(
        status="done", dropped=dropped, finished_at=timezone.now()
    )
    return dropped


@shared_task
def notify_strong_matches(match_ids: list[int]) -> int:
    return notifications.strong_matches(match_ids)


@shared_task
def notify_contact_requested(match_id: int) -> int:
    return notifications.contact_requested(match_id)


@shared_task
def notify_contact_answered(match_id: int) -> int:
    return notifications.contact_answered(match_id)


@shared_task
def send_reminders() -> int:
    return notifications.send_reminders()


@shared_task
def send_digests() -> int:
    return notifications.send_digests()


@shared_task
def refresh_statistics() -> int:
    from matchmaking import stats

    return stats.refresh_all()


@shared_task
def notify_meeting_requested(request_id: int) -> int:
    return notifications.meeting_requested(request_id)


@shared_task
def send_meeting_request_reminders() -> int:
    return notifications.meeting_request_reminders()


@shared_task
def run_fair_scheduler(run_id: int) -> str:
    from matchmaking.models import ScheduleRun
    from matchmaking.services import fairs

    run = ScheduleRun.objects.select_related("fair").filter(pk=run_id).first()
    return fairs.schedule_compute(run).status if run else "missing"
