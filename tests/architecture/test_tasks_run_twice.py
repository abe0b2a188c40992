"""Every Celery task can be delivered twice (issue #19).

Tasks are acknowledged late (CELERY_TASK_ACKS_LATE): a worker that dies after doing the work
and before the acknowledgement gets its message delivered again, and a retry runs it again. So
each task, run a second time with the same arguments, must change nothing anyone can see: no
second email, SMS or in-app notification, no second run of a rebuild, no match rescored or
meeting moved.

Each line of CASES is one task: the smallest world in which it has real work, and what its
first run must have changed (so that the case can fail). The test runs the task twice as a
redelivery would (eagerly, with the same arguments, what it queues running too) and compares
everything visible after the second run with what was there after the first. A redelivery can
also come late (a dead worker's message is restored after the broker's visibility timeout): a
line's `meanwhile` is what people did before it came again. A task without a line fails
`test_every_task_of_the_project_has_a_case`.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone

from accounts import tasks as account_tasks
from accounts.enums import MembershipRole, MembershipStatus, OrganisationKind
from accounts.sms import outbox as sms_outbox
from accounts.sms.catalogue import ACCOUNT_CREATED, CONTACT_ANSWERED
from matchmaking import tasks
from matchmaking.enums import Checkpoint, MetricUnit
from matchmaking.fairs.states import FairStatus, MeetingStatus, RequestStatus
from matchmaking.impact.states import EvidenceStatus
from matchmaking.matches import matching
from matchmaking.matches.states import ContactStatus, MatchState
from matchmaking.models import (
    EmbedChunk,
    EmbedRun,
    Evaluation,
    FairRegistration,
    ImportJob,
    Match,
    Meeting,
    MeetingRequest,
    Notification,
    OutcomeEvidence,
    RebuildChunk,
    RebuildRun,
    ReportSubscription,
    ResearchResult,
    SavedSearch,
    ScheduleRun,
    SmsMessage,
    TechnologyNeed,
)
from tests.factories import (
    FairFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    ResultFactory,
    UserFactory,
    category,
    member_of,
)

ROOT = Path(__file__).resolve().parents[2]
FARMER = "+8613985512345"
_numbers = itertools.count(12345)

# -- what anyone can see ----------------------------------------------------------------------
# Heartbeats (progressed_at, updated_at) are left out: they may move. Set-once stamps (done_at,
# reminded_at, sent_at, absent_at) are in: a second run rewriting one is a visible change.


def _emails():
    return len(mail.outbox)


def _texts():
    return len(sms_outbox)


def _sms_rows():
    return list(SmsMessage.objects.order_by("pk").values_list("key", "status", "attempts"))


def _notifications():
    return list(Notification.objects.order_by("pk").values_list("user_id", "kind", "title"))


def _matches():
    return list(
        Match.objects.order_by("need_id", "result_id").values_list(
            "need_id",
            "result_id",
            "state",
            "score",
            "rank_for_need",
            "rank_for_result",
            "matcher_version",
            "contact_status",
            "reminded_at",
            "close_sentences",
            "explanation",
        )
    )


def _listings():
    return [
        list(model.objects.order_by("pk").values_list("pk", "matching_pending", "embedding_digest"))
        for model in (TechnologyNeed, ResearchResult)
    ]


def _rebuilds():
    return [
        list(
            RebuildRun.objects.order_by("pk").values_list(
                "pk", "status", "version", "total_chunks", "done_chunks", "pairs", "dropped"
            )
        ),
        list(RebuildChunk.objects.order_by("pk").values_list("pk", "done_at", "pairs")),
    ]


def _backfills():
    return [
        list(
            EmbedRun.objects.order_by("pk").values_list(
                "pk", "status", "planned", "total_chunks", "done_chunks", "listings", "encoded"
            )
        ),
        list(EmbedChunk.objects.order_by("pk").values_list("pk", "done_at", "encoded")),
    ]


def _imports():
    return list(
        ImportJob.objects.order_by("pk").values_list(
            "pk", "status", "errors", "total_rows", "processed_rows", "created_count", "finished_at"
        )
    )


def _fairs():
    return [
        list(
            Meeting.objects.order_by("pk").values_list(
                "pk", "slot", "table", "status", "outcome", "sequence", "reminded_at"
            )
        ),
        list(MeetingRequest.objects.order_by("pk").values_list("pk", "status", "reminded_at")),
        list(FairRegistration.objects.order_by("pk").values_list("pk", "absent_at")),
        list(
            ScheduleRun.objects.order_by("pk").values_list(
                "pk", "status", "assignments", "diff", "unscheduled", "meetings", "weight"
            )
        ),
    ]


def _statistics():
    """The figures the beat keeps in the cache (without the time each was computed)."""
    from django.core.cache import cache

    from matchmaking.stats.selectors import FIGURES, Filters

    everything = Filters().key()
    found = {}
    for name in FIGURES:
        for language in ("zh", "en"):
            cached = cache.get(f"stats:{name}:{language}:{everything}")
            found[name, language] = cached[0] if cached else None
    return found


def _saved_searches():
    return list(SavedSearch.objects.order_by("pk").values_list("pk", "last_sent_at"))


def _evidence():
    return list(
        OutcomeEvidence.objects.order_by("pk").values_list(
            "pk", "match_id", "checkpoint", "status", "reminded_at"
        )
    )


def _history():
    return list(TechnologyNeed.history.order_by("history_id").values_list("history_id", flat=True))


SEEN = {
    "emails": _emails,
    "texts": _texts,
    "sms rows": _sms_rows,
    "notifications": _notifications,
    "matches": _matches,
    "listings": _listings,
    "rebuilds": _rebuilds,
    "backfills": _backfills,
    "imports": _imports,
    "fairs": _fairs,
    "statistics": _statistics,
    "saved searches": _saved_searches,
    "evidence": _evidence,
    "history": _history,
}


def seen() -> dict:
    return {name: look() for name, look in SEEN.items()}


# -- the smallest worlds ----------------------------------------------------------------------


def _texting_member(organisation):
    """A member with email and a verified mobile number: the SMS kinds go there too."""
    return member_of(organisation, phone=f"+86139855{next(_numbers):05d}", phone_verified=True)


def _sides():
    """An enterprise (one member with email and a verified phone) and an institution."""
    enterprise = OrganisationFactory(region_id="522634")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    _texting_member(enterprise)
    member_of(institution)
    return enterprise, institution


def _match(**fields) -> Match:
    enterprise, institution = _sides()
    return Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=institution),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
        **fields,
    )


def _a_need_and_a_result_for_it():
    """A kiwi need and the result written for it (a strong match), both waiting for matching."""
    enterprise, institution = _sides()
    words = dict(
        title="猕猴桃产地预冷与冷链保鲜",
        keywords="猕猴桃 预冷 冷链 保鲜",
        category=category("origin-precooling"),
        transfer_modes=["license", "technical_service"],
        matching_pending=True,
    )
    need = NeedFactory(
        organisation=enterprise, description="猕猴桃产地预冷，冷链保鲜，运到广州不软不烂", **words
    )
    result = ResultFactory(
        organisation=institution, abstract="猕猴桃产地预冷与冷链保鲜，运到广州不软不烂", **words
    )
    return need, result


def a_strong_match():
    return ([_match().pk],)


def a_contact_request():
    match = _match(
        contact_status=ContactStatus.PENDING,
        contact_requested_at=timezone.now(),
        contact_message="你好，想了解一下",
    )
    return (match.pk,)


def an_accepted_contact_request():
    match = _match(
        contact_status=ContactStatus.ACCEPTED,
        contact_requested_at=timezone.now() - timedelta(hours=1),
        contact_answered_at=timezone.now(),
    )
    return (match.pk,)


def a_contact_request_unanswered_for_four_days():
    _match(
        contact_status=ContactStatus.PENDING,
        contact_requested_at=timezone.now() - timedelta(days=4),
    )
    return ()


def a_filed_evaluation():
    match = _match()
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    evaluation = Evaluation.objects.create(
        match=match,
        station=station,
        author=member_of(station),
        technical_feasibility=4,
        economic_feasibility=3,
        capability_fit=4,
        risks="冷库电费偏高",
        recommendation="with_conditions",
        report="建议先试用一季。",
        staff_hours=6,
    )
    return (evaluation.pk,)


def a_meeting_tomorrow():
    fair = FairFactory(first_day=timezone.localdate() + timedelta(days=1))
    meeting = MeetingFactory(fair=fair, slot=0)
    for side in (meeting.request.requester, meeting.request.recipient):
        _texting_member(side.organisation)
    return ()


def a_meeting_request():
    request = MeetingRequestFactory(status=RequestStatus.PENDING, message="见个面")
    _texting_member(request.recipient.organisation)
    return (request.pk,)


def a_meeting_request_unanswered_for_three_days():
    request = MeetingRequestFactory(status=RequestStatus.PENDING)
    MeetingRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    return ()


def a_saved_search_with_a_new_listing():
    user = UserFactory()
    saved = SavedSearch.objects.create(user=user, target="results", query="猕猴桃")
    SavedSearch.objects.filter(pk=saved.pk).update(created_at=timezone.now() - timedelta(days=2))
    ResultFactory()  # published now, about 猕猴桃
    return ()


def a_queued_sms():
    user = UserFactory(phone=FARMER, phone_verified=True)
    sms = SmsMessage.objects.create(
        key=f"contact_answered:1:{user.pk}",
        user=user,
        number=FARMER,
        notification_kind="contact_answer",
        template=CONTACT_ANSWERED,
        params={"link": "https://nongqiao.cn/s/abc"},
    )
    return (sms.pk,)


def an_sms_to_send():
    return (FARMER, ACCOUNT_CREATED, {"station": "雷山县服务站", "link": "https://nongqiao.cn/"})


def a_request_to_join():
    organisation = OrganisationFactory()
    member_of(organisation, role=MembershipRole.OWNER)
    membership = MembershipFactory(organisation=organisation, status=MembershipStatus.PENDING)
    return (membership.pk,)


def _sheet_job(status: str | None = None) -> ImportJob:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from matchmaking.imports import services as imports
    from tests.matchmaking.test_imports import csv_upload, good_row

    enterprise = OrganisationFactory(region_id="522634")
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))
    upload = csv_upload([good_row(enterprise, n) for n in range(2)])
    job = imports.import_create(
        by=staff, kind="needs", upload=SimpleUploadedFile(upload.name, upload.read())
    )
    if status is not None:
        imports.import_validate(job=job)
        ImportJob.objects.filter(pk=job.pk).update(status=status)
    return job


def an_uploaded_sheet():
    return (_sheet_job().pk,)


def a_confirmed_sheet():
    return (_sheet_job(status="importing").pk,)


def the_sheet_is_confirmed_and_imported(job_id):
    from matchmaking.imports import services as imports

    job = ImportJob.objects.get(pk=job_id)
    imports.import_confirm(job=job, by=job.created_by)


def a_pending_need():
    need, _result = _a_need_and_a_result_for_it()
    return (need.pk,)


def a_pending_result():
    _need, result = _a_need_and_a_result_for_it()
    return (result.pk,)


def a_chunk_of_pending_needs():
    need, _result = _a_need_and_a_result_for_it()
    return ([need.pk],)


def a_chunk_of_pending_results():
    _need, result = _a_need_and_a_result_for_it()
    return ([result.pk],)


def listings_waiting_for_the_sweep():
    _a_need_and_a_result_for_it()
    return ()


def a_rebuild_run():
    _a_need_and_a_result_for_it()
    return (RebuildRun.objects.create().pk,)


def listings_for_the_nightly_rebuild():
    _a_need_and_a_result_for_it()
    return ()


def a_planned_rebuild():
    _a_need_and_a_result_for_it()
    run = RebuildRun.objects.create()
    assert matching.rebuild_plan(run, chunk_size=1)
    return (RebuildChunk.objects.filter(run=run).order_by("number").first().pk,)


def a_rebuild_with_every_chunk_done():
    _a_need_and_a_result_for_it()
    run = RebuildRun.objects.create()
    assert matching.rebuild_plan(run, chunk_size=1)
    for chunk in RebuildChunk.objects.filter(run=run).order_by("number"):
        matching.rebuild_chunk(chunk.pk)
    return (run.pk,)


def a_backfill_run():
    _a_need_and_a_result_for_it()
    return (EmbedRun.objects.create().pk,)


def a_planned_backfill():
    _a_need_and_a_result_for_it()
    run = EmbedRun.objects.create()
    assert matching.embed_plan(run, chunk_size=1)
    return (EmbedChunk.objects.filter(run=run).order_by("number").first().pk,)


def a_backfill_with_every_chunk_done():
    _a_need_and_a_result_for_it()
    run = EmbedRun.objects.create()
    assert matching.embed_plan(run, chunk_size=1)
    for chunk in EmbedChunk.objects.filter(run=run).order_by("number"):
        matching.embed_chunk(chunk.pk)
    return (run.pk,)


def a_match_found_by_meaning():
    need = NeedFactory(title="青菜一晒就蔫巴巴的", description="青菜一晒就蔫巴巴的", keywords="")
    matching.embed_listings("needs", [need.pk])
    match = Match.objects.create(
        need=need,
        result=ResultFactory(
            organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION),
            abstract="本成果来自多年的田间试验。青菜采收后两小时内真空预冷，叶片不再发蔫。",
        ),
        score=0.8,
        text_score=0.1,
        structured_score=0.9,
        matcher_version="t",
        explanation={"terms": [], "fits": {}, "method": "hybrid", "dense_score": 0.87},
    )
    return ([match.pk],)


def a_match_a_rebuild_left_unexplained():
    need = NeedFactory(title="冷库保鲜", description="合作社的冷库保鲜时间短", keywords="冷库")
    result = ResultFactory(title="冷库保鲜技术", abstract="小型冷库保鲜技术，延长保鲜时间。")
    match = Match.objects.create(
        need=need,
        result=result,
        score=0.6,
        text_score=0.5,
        structured_score=0.9,
        matcher_version="t",
        explanation={"score": 0.6, "text_score": 0.5, "complete": False, "method": "lexical"},
    )
    return ([match.pk],)


def some_adoptions_to_count():
    _match(state=MatchState.ADOPTED, adopted_at=timezone.now())
    return ()


def a_fair_to_schedule():
    fair = FairFactory(status=FairStatus.SCHEDULING)
    MeetingRequestFactory(fair=fair, status=RequestStatus.ACCEPTED)
    return (ScheduleRun.objects.create(fair=fair, created_by=UserFactory(is_staff=True)).pk,)


def a_participant_absent_on_the_fair_day():
    """Yesterday was the fair's first day: nobody checked in for its 09:00 meeting."""
    fair = FairFactory(
        first_day=timezone.localdate() - timedelta(days=1),
        days=2,
        status=FairStatus.AGENDA_PUBLISHED,
    )
    MeetingFactory(fair=fair, slot=0)
    MeetingFactory(fair=fair, slot=7, status=MeetingStatus.SCHEDULED)  # today: cancelled
    return ()


def an_adoption_whose_evidence_is_due():
    """Adopted today, before any checkpoint was made; a station covers the enterprise."""
    match = _match()
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    member_of(station)
    Match.objects.filter(pk=match.pk).update(state=MatchState.ADOPTED, adopted_at=timezone.now())
    return ()


def evidence_recorded_by_the_station():
    match = _match(state=MatchState.ADOPTED, adopted_at=timezone.now())
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    evidence = OutcomeEvidence.objects.create(
        match=match,
        checkpoint=Checkpoint.AT_ADOPTION,
        due_on=timezone.localdate(),
        status=EvidenceStatus.RECORDED,
        label="运输损耗",
        unit=MetricUnit.PERCENT,
        baseline_value=Decimal("20"),
        measured_value=Decimal("11"),
        station=station,
        recorded_by=member_of(station),
        recorded_at=timezone.now(),
    )
    return (evidence.pk,)


def an_official_subscribed_to_the_national_report():
    official = member_of(OrganisationFactory(kind=OrganisationKind.AUTHORITY))
    ReportSubscription.objects.create(user=official, scope_key="national")
    return ()


def history_older_than_its_retention():
    need = NeedFactory()
    need.history.update(history_date=timezone.now() - timedelta(days=3 * 365))
    return ()


# -- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    task: object
    world: object
    first_run_changes: tuple[str, ...]
    marks: tuple = field(default=())
    # What people may do before the message comes again (a redelivery can come late).
    meanwhile: object = None

    @property
    def id(self) -> str:
        late = f"-then-{self.meanwhile.__name__}" if self.meanwhile else ""
        return f"{self.task.name.rsplit('.', 1)[1]}-{self.world.__name__}{late}"


SENDS = ("emails", "notifications")
SENDS_SMS_TOO = (*SENDS, "texts", "sms rows")
MATCHES = ("matches", "listings")

CASES = [
    # Notifications: the second run sends nothing, by email, SMS or in the site.
    Case(tasks.notify_strong_matches, a_strong_match, SENDS),
    Case(tasks.notify_contact_requested, a_contact_request, SENDS),
    Case(tasks.notify_contact_answered, an_accepted_contact_request, SENDS_SMS_TOO),
    Case(tasks.send_reminders, a_contact_request_unanswered_for_four_days, SENDS),
    Case(tasks.notify_evaluation_ready, a_filed_evaluation, SENDS_SMS_TOO),
    Case(tasks.send_fair_reminders, a_meeting_tomorrow, (*SENDS_SMS_TOO, "fairs")),
    Case(tasks.notify_meeting_requested, a_meeting_request, SENDS_SMS_TOO),
    Case(
        tasks.send_meeting_request_reminders,
        a_meeting_request_unanswered_for_three_days,
        (*SENDS, "fairs"),
    ),
    Case(tasks.send_digests, a_saved_search_with_a_new_listing, (*SENDS, "saved searches")),
    Case(tasks.send_queued_sms, a_queued_sms, ("texts", "sms rows")),
    Case(
        account_tasks.send_sms_message,
        an_sms_to_send,
        ("texts",),
    ),
    Case(account_tasks.notify_membership_requested, a_request_to_join, ("emails",)),
    # Imports: checked once, saved once.
    Case(tasks.import_validate, an_uploaded_sheet, ("imports",)),
    Case(
        tasks.import_validate,
        an_uploaded_sheet,
        ("imports",),
        meanwhile=the_sheet_is_confirmed_and_imported,
    ),
    Case(tasks.import_save, a_confirmed_sheet, ("imports", "listings")),
    # Matching: the same matches, scores and ranks; nothing told twice.
    Case(tasks.rematch_need, a_pending_need, (*MATCHES, *SENDS)),
    Case(tasks.rematch_result, a_pending_result, (*MATCHES, *SENDS)),
    Case(tasks.rematch_needs, a_chunk_of_pending_needs, (*MATCHES, *SENDS)),
    Case(tasks.rematch_results, a_chunk_of_pending_results, (*MATCHES, *SENDS)),
    Case(tasks.sweep_pending, listings_waiting_for_the_sweep, (*MATCHES, *SENDS)),
    Case(tasks.close_sentences, a_match_found_by_meaning, ("matches",)),
    Case(tasks.explain_matches, a_match_a_rebuild_left_unexplained, ("matches",)),
    # Full rebuild and vector backfill: each chunk done once, each run finished once.
    Case(tasks.rebuild_index, a_rebuild_run, ("rebuilds", "matches")),
    Case(
        tasks.rebuild_index,
        listings_for_the_nightly_rebuild,
        ("rebuilds", "matches"),
    ),
    Case(tasks.rebuild_chunk, a_planned_rebuild, ("rebuilds", "matches")),
    Case(tasks.rebuild_finish, a_rebuild_with_every_chunk_done, ("rebuilds", "matches")),
    Case(tasks.embed_start, a_backfill_run, ("backfills", "listings", "rebuilds")),
    Case(tasks.embed_chunk, a_planned_backfill, ("backfills", "listings")),
    Case(tasks.embed_finish, a_backfill_with_every_chunk_done, ("backfills", "rebuilds")),
    # Statistics and fairs.
    Case(tasks.refresh_statistics, some_adoptions_to_count, ("statistics",)),
    # What adoption changed: each checkpoint made once, each person told once.
    Case(tasks.send_evidence_reminders, an_adoption_whose_evidence_is_due, (*SENDS, "evidence")),
    Case(tasks.notify_evidence_recorded, evidence_recorded_by_the_station, SENDS),
    # The officials' monthly report: made once, emailed once.
    Case(tasks.send_monthly_reports, an_official_subscribed_to_the_national_report, ("emails",)),
    # The audit trail's retention: what is past it goes, once.
    Case(tasks.trim_history, history_older_than_its_retention, ("history",)),
    Case(tasks.run_fair_scheduler, a_fair_to_schedule, ("fairs",)),
    Case(tasks.mark_fair_no_shows, a_participant_absent_on_the_fair_day, ("fairs",)),
]


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_URL = "locmem://"
    settings.SITE_URL = "https://nongqiao.cn"
    sms_outbox.clear()
    yield
    sms_outbox.clear()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case", [pytest.param(case, id=case.id, marks=case.marks) for case in CASES]
)
def test_a_task_delivered_twice_changes_nothing_the_second_time(
    case, django_capture_on_commit_callbacks
):
    args = case.world()
    before = seen()

    message_id = str(uuid.uuid4())  # a redelivery is the same message: same id, same args

    def deliver():
        # What the task queues runs too (eager), and what it leaves for after its commit.
        with django_capture_on_commit_callbacks(execute=True):
            case.task.apply(args=args, task_id=message_id).get()

    deliver()
    after_first = seen()
    unchanged = [name for name in case.first_run_changes if after_first[name] == before[name]]
    assert not unchanged, f"the first run changed no {unchanged}: the case proves nothing"
    if case.meanwhile:
        with django_capture_on_commit_callbacks(execute=True):
            case.meanwhile(*args)
        after_first = seen()

    deliver()
    after_second = seen()
    changed = {
        name: (after_first[name], after_second[name])
        for name in SEEN
        if after_first[name] != after_second[name]
    }
    assert not changed, f"delivered again, {case.task.name} changed {sorted(changed)}: {changed}"


def _project_packages() -> set[str]:
    return {"config"} | {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT)
    }


def test_every_task_of_the_project_has_a_case():
    """A new task gets a line in CASES: say in which world it has work, and prove it twice."""
    from config.celery import app

    app.loader.import_default_modules()  # what a worker imports: every app's tasks module
    packages = _project_packages()
    registered = {name for name in app.tasks if name.split(".")[0] in packages}
    assert "matchmaking.tasks.send_reminders" in registered  # the collection works
    covered = {case.task.name for case in CASES}
    missing = sorted(registered - covered)
    assert not missing, f"tasks without a line in CASES: {missing}"
    unknown = sorted(covered - registered)  # a worker would not know them (no autodiscovery)
    assert not unknown, f"tasks in CASES that the Celery app does not register: {unknown}"
