"""Celery tasks: thin, idempotent, taking ids. The work is in the services."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.sms import SmsError, SmsRefused, send_sms
from config import metrics
from config.queue import enqueue
from matchmaking.fairs import services as fairs
from matchmaking.fairs.states import FairStatus
from matchmaking.imports import services as imports
from matchmaking.matches import explanations, matching
from matchmaking.matches.states import RunStatus
from matchmaking.models import (
    EmbedChunk,
    EmbedRun,
    Fair,
    ImportJob,
    RebuildChunk,
    RebuildRun,
    ScheduleRun,
    SmsMessage,
)
from matchmaking.notifications import services as notifications
from matchmaking.notifications.services import claim_key
from matchmaking.stats import selectors as stats

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
    # Its vector first (published, or its text changed): then it is matched by meaning too.
    matching.embed_quietly("needs", [need_id])
    created = matching.rematch_need(need_id)
    if created:
        enqueue(f"{__name__}.notify_strong_matches", [m.pk for m in created])
    return len(created)


@shared_task
def rematch_result(result_id: int) -> int:
    matching.embed_quietly("results", [result_id])
    created = matching.rematch_result(result_id)
    if created:
        enqueue(f"{__name__}.notify_strong_matches", [m.pk for m in created])
    return len(created)


@shared_task
def sweep_pending() -> int:
    """Queue what is waiting for matching (e.g. published while the broker was down), and what
    a stalled full rebuild still needs (e.g. its worker was killed).

    Loading the index first also applies thesaurus edits, which flag the listings they touch.
    """
    stalled_after = timedelta(seconds=settings.REBUILD_STALLED_AFTER_SECONDS)
    _queue(matching.stalled_rebuild_work(stalled_after))
    _queue(matching.stalled_embed_work(stalled_after))
    matching.ensure_index()
    needs, results = matching.pending_listings()
    # Chunks, so that a big import becomes a few tasks that several workers share.
    for start in range(0, len(needs), SWEEP_CHUNK):
        enqueue(f"{__name__}.rematch_needs", needs[start : start + SWEEP_CHUNK])
    for start in range(0, len(results), SWEEP_CHUNK):
        enqueue(f"{__name__}.rematch_results", results[start : start + SWEEP_CHUNK])
    return len(needs) + len(results)


@shared_task
def rematch_needs(need_ids: list[int]) -> int:
    matching.embed_quietly("needs", need_ids)  # one batch for the chunk
    created = [m.pk for need_id in need_ids for m in matching.rematch_need(need_id)]
    if created:
        enqueue(f"{__name__}.notify_strong_matches", created)
    return len(created)


@shared_task
def rematch_results(result_ids: list[int]) -> int:
    matching.embed_quietly("results", result_ids)
    created = [m.pk for result_id in result_ids for m in matching.rematch_result(result_id)]
    if created:
        enqueue(f"{__name__}.notify_strong_matches", created)
    return len(created)


@shared_task(bind=True)
def rebuild_index(self, run_id: int | None = None, chunk_size: int = REBUILD_CHUNK) -> str:
    """Refit the index and recompute every match, in chunks that run on any worker.

    Without a run (the nightly beat) it starts one through matching.start_rebuild, which
    queues this task again with the run, unless one is still running; the beat's message is
    claimed by its id, so delivered again after the run finished it starts nothing.
    """
    if run_id is None:
        if not claim_key(f"task:{self.request.id}"):
            return ""
        run = matching.start_rebuild()
        return run.version if run else ""
    run = RebuildRun.objects.filter(pk=run_id).first()
    if run is None:
        return ""
    if matching.rebuild_plan(run, chunk_size):
        _queue(matching.rebuild_work(run.pk))
    return RebuildRun.objects.values_list("version", flat=True).get(pk=run.pk)


@shared_task
def rebuild_chunk(chunk_id: int) -> bool:
    phase_done = matching.rebuild_chunk(chunk_id)
    if phase_done:  # after the chunk's commit: the next phase must see this one complete
        _queue(matching.rebuild_work(RebuildChunk.objects.get(pk=chunk_id).run_id))
    return phase_done


@shared_task
def rebuild_finish(run_id: int) -> int | None:
    return matching.rebuild_finish(run_id)


@shared_task
def embed_start(run_id: int | None = None, chunk_size: int = matching.EMBED_CHUNK) -> int:
    """Backfill the missing dense vectors in chunks that run on any worker (issue 17)."""

    if run_id is None:
        if EmbedRun.objects.filter(status=RunStatus.RUNNING).exists():
            return 0
        run_id = EmbedRun.objects.create().pk
    run = EmbedRun.objects.filter(pk=run_id).first()
    if run is None:
        return 0
    if matching.embed_plan(run, chunk_size):
        _queue(matching.embed_work(run.pk))
    return run.pk


@shared_task
def embed_chunk(chunk_id: int) -> bool:

    last = matching.embed_chunk(chunk_id)
    if last:
        _queue(matching.embed_work(EmbedChunk.objects.get(pk=chunk_id).run_id))
    return last


@shared_task
def embed_finish(run_id: int) -> int | None:
    rebuild = matching.embed_finish(run_id)
    if rebuild is not None:  # the matches, with the new vectors
        enqueue(f"{__name__}.rebuild_index", rebuild)
    return rebuild


def _queue(work: list[tuple[str, int]]) -> None:
    tasks = {
        "start": "rebuild_index",
        "chunk": "rebuild_chunk",
        "finish": "rebuild_finish",
        "embed_start": "embed_start",
        "embed_chunk": "embed_chunk",
        "embed_finish": "embed_finish",
    }
    for what, pk in work:
        enqueue(f"{__name__}.{tasks[what]}", pk)


@shared_task
def explain_matches(match_ids: list[int]) -> int:
    """The terms of pairs a full re-match left unexplained, about to be shown."""
    return explanations.explain_matches(match_ids)


@shared_task
def close_sentences(match_ids: list[int]) -> int:
    """The "意思相近" sentences of matches about to be shown (see matching.compute_...)."""
    return matching.compute_close_sentences(match_ids)


@shared_task
def notify_strong_matches(match_ids: list[int]) -> int:
    return notifications.strong_matches(match_ids)


@shared_task
def notify_contact_requested(match_id: int) -> int:
    return notifications.contact_requested(match_id)


@shared_task(
    bind=True,
    autoretry_for=(SmsError,),
    dont_autoretry_for=(SmsRefused,),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=5,
)
def send_queued_sms(self, sms_id: int) -> str:
    """Send one recorded SMS once. Retried with back-off while the provider is unreachable;
    a refusal is recorded (staff see it in the admin) and not retried; after the last retry
    the SMS is marked failed."""

    claimed = SmsMessage.objects.filter(pk=sms_id, status=SmsMessage.QUEUED)
    sms = claimed.first()
    if sms is None:
        return "done"
    attempts = sms.attempts + 1
    try:
        sent = send_sms(sms.number, sms.template, sms.params)
    except SmsRefused as refused:
        claimed.update(status=SmsMessage.REFUSED, error=str(refused)[:300], attempts=attempts)
        metrics.notification("sms", sms.notification_kind, ok=False)
        return SmsMessage.REFUSED
    except SmsError as error:
        final = self.request.retries >= self.max_retries
        claimed.update(
            attempts=attempts,
            error=str(error)[:300],
            **({"status": SmsMessage.FAILED} if final else {}),
        )
        if final:
            metrics.notification("sms", sms.notification_kind, ok=False)
            return SmsMessage.FAILED
        raise
    claimed.update(
        status=SmsMessage.SENT,
        provider_id=sent.message_id[:100],
        attempts=attempts,
        sent_at=timezone.now(),
        error="",
    )
    metrics.notification("sms", sms.notification_kind, ok=True)
    return SmsMessage.SENT


@shared_task
def notify_evaluation_ready(evaluation_id: int) -> int:
    return notifications.evaluation_ready(evaluation_id)


@shared_task
def notify_evidence_recorded(evidence_id: int) -> int:
    from matchmaking.impact import services as outcomes

    return outcomes.evidence_recorded(evidence_id)


@shared_task
def send_evidence_reminders() -> int:
    from matchmaking.impact import services as outcomes

    return outcomes.send_evidence_reminders()


@shared_task
def send_fair_reminders() -> int:
    return notifications.fair_reminders()


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

    return stats.refresh_all()


@shared_task
def send_monthly_reports() -> int:
    """The 1st of each month: the month just ended, one report per subscribed scope, emailed
    once (a second run finds the reports made and sent)."""
    from matchmaking.reports import services as reports

    return reports.monthly_reports_run()


@shared_task
def notify_meeting_requested(request_id: int) -> int:
    return notifications.meeting_requested(request_id)


@shared_task
def send_meeting_request_reminders() -> int:
    return notifications.meeting_request_reminders()


@shared_task
def run_fair_scheduler(run_id: int) -> str:

    run = ScheduleRun.objects.select_related("fair").filter(pk=run_id).first()
    return fairs.schedule_compute(run).status if run else "missing"


@shared_task
def mark_fair_no_shows() -> int:
    """Every minute on a fair day: participants late for a meeting are marked absent, so that
    the organiser's day-of re-run finds the freed tables."""

    today = timezone.localdate()
    marked = 0
    for fair in Fair.objects.filter(status=FairStatus.AGENDA_PUBLISHED, first_day__lte=today):
        if fair.first_day + timedelta(days=fair.days) > today:
            marked += len(fairs.mark_no_shows(fair=fair))
    return marked


@shared_task
def trim_history() -> int:
    """Nightly: history rows older than HISTORY_RETENTION_DAYS go (config/audit.py), and
    failed-task records older than TASK_FAILURE_RETENTION_DAYS."""
    from config import audit
    from matchmaking.core import task_failures

    audit.trim()
    return task_failures.failures_trim(settings.TASK_FAILURE_RETENTION_DAYS)
