"""Failed background tasks on /operations/: recorded when they fail, retried by an admin, once."""

import time
from datetime import timedelta

import pytest
import structlog
from django.urls import reverse
from django.utils import timezone

from accounts.enums import OrganisationKind
from config.celery import app
from config.queue import enqueue
from matchmaking.models import TaskFailure, ThesaurusEntry
from matchmaking.tasks import trim_history
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@app.task(name="tests.add_thesaurus_entry")
def add_thesaurus_entry(term: str, *, canonical: str) -> str:
    """A real task that fails until an admin has switched thesaurus edits on (a 开关 entry)."""
    if not ThesaurusEntry.objects.filter(term="开关").exists():
        raise RuntimeError(f"thesaurus edits are switched off; not adding {term}")
    ThesaurusEntry.objects.create(term=term, canonical=canonical, kind="synonym")
    return term


def fail_once(term="洋芋", canonical="马铃薯", request_id="req-ops-1") -> TaskFailure:
    """Queue the task as the site does; run eagerly, it fails here and now."""
    structlog.contextvars.bind_contextvars(request_id=request_id)
    try:
        assert enqueue("tests.add_thesaurus_entry", term, canonical=canonical) is False
    finally:
        structlog.contextvars.clear_contextvars()
    return TaskFailure.objects.get()


def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True, full_name="运维老李")
    client.force_login(admin)
    return admin


def test_a_failed_task_is_recorded_with_its_arguments_error_and_request_id():
    failure = fail_once()

    assert failure.task_name == "tests.add_thesaurus_entry"
    assert (failure.args, failure.kwargs) == (["洋芋"], {"canonical": "马铃薯"})
    assert failure.exception == ("RuntimeError: thesaurus edits are switched off; not adding 洋芋")
    assert failure.request_id == "req-ops-1"
    assert failure.retried_at is None and failure.retryable


def test_the_operations_page_lists_the_failure_with_a_retry_button(client):
    failure = fail_once(term="13800138000")
    admin_client(client)

    page = client.get(reverse("operations")).content.decode()

    section = page[page.index('id="failures"') :]
    assert "tests.add_thesaurus_entry" in section
    assert f'action="{reverse("operations-retry", args=[failure.pk])}"' in section
    assert "csrfmiddlewaretoken" in section
    assert "req-ops-1" in section
    # A phone number among the arguments or in the error is masked, as in error reports.
    assert "13800138000" not in section


def test_an_admin_retry_queues_the_task_with_the_same_arguments_once(client):
    failure = fail_once()
    ThesaurusEntry.objects.create(term="开关", canonical="", kind="block")
    admin = admin_client(client)

    first = client.post(reverse("operations-retry", args=[failure.pk]))
    second = client.post(reverse("operations-retry", args=[failure.pk]), follow=True)

    assert first.status_code == 302
    assert first["Location"] == reverse("operations") + "#failures"
    assert list(ThesaurusEntry.objects.filter(term="洋芋").values_list("canonical")) == [
        ("马铃薯",)
    ]
    failure.refresh_from_db()
    assert failure.retried_by == admin and failure.retried_at is not None
    assert "该任务已重试过。" in second.content.decode()
    page = second.content.decode()
    assert f'action="{reverse("operations-retry", args=[failure.pk])}"' not in page


def test_a_retry_that_fails_again_is_a_new_failure(client):
    failure = fail_once()
    admin_client(client)

    client.post(reverse("operations-retry", args=[failure.pk]))

    assert TaskFailure.objects.count() == 2
    again = TaskFailure.objects.exclude(pk=failure.pk).get()
    assert (again.args, again.kwargs) == (failure.args, failure.kwargs)
    assert again.retryable


def test_only_admins_retry(client):
    failure = fail_once()
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    client.force_login(member_of(station))

    assert client.post(reverse("operations-retry", args=[failure.pk])).status_code == 403
    assert client.get(reverse("operations-retry", args=[failure.pk])).status_code == 405
    client.logout()
    response = client.post(reverse("operations-retry", args=[failure.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    failure.refresh_from_db()
    assert failure.retried_at is None


def test_a_failure_whose_task_no_longer_exists_is_not_retried_and_says_why(client):
    failure = TaskFailure.objects.create(
        task_name="matchmaking.tasks.renamed_long_ago", args=[1], kwargs={}, exception="X: y"
    )
    admin_client(client)

    page = client.post(reverse("operations-retry", args=[failure.pk]), follow=True)

    assert "matchmaking.tasks.renamed_long_ago" in page.content.decode()
    failure.refresh_from_db()
    assert failure.retried_at is None


def test_old_failures_are_forgotten_by_the_nightly_task(settings):
    settings.TASK_FAILURE_RETENTION_DAYS = 90
    old = TaskFailure.objects.create(
        task_name="a", args=[], kwargs={}, exception="E", failed_at=timezone.now() - timedelta(91)
    )
    recent = TaskFailure.objects.create(task_name="b", args=[], kwargs={}, exception="E")

    trim_history.delay()

    assert list(TaskFailure.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not TaskFailure.objects.filter(pk=old.pk).exists()


@pytest.mark.worker
def test_a_task_failing_in_the_worker_is_recorded_and_the_retry_runs_there_again(
    committed_db, celery_worker_process, client
):
    """The worker records the failure (with the request id it was queued under); the admin's
    retry goes through the broker to the worker, which runs it with the same arguments."""
    from matchmaking.tasks import rematch_needs

    structlog.contextvars.bind_contextvars(request_id="req-worker-fail")
    try:
        rematch_needs.delay(["not-an-id"])
    finally:
        structlog.contextvars.clear_contextvars()

    def failures(count):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = list(TaskFailure.objects.order_by("pk"))
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"fewer than {count} failures recorded within 30 s")

    [failure] = failures(1)
    assert failure.task_name == "matchmaking.tasks.rematch_needs"
    assert failure.args == [["not-an-id"]]
    assert failure.request_id == "req-worker-fail"
    assert failure.task_id

    admin_client(client)
    client.post(reverse("operations-retry", args=[failure.pk]))
    client.post(reverse("operations-retry", args=[failure.pk]))

    first, again = failures(2)
    assert again.args == [["not-an-id"]] and again.task_id != failure.task_id
    time.sleep(2)  # a second press would have queued a second run by now
    assert TaskFailure.objects.count() == 2
