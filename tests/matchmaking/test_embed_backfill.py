"""`manage.py embed` and the admin's button compute the vectors listings lack, in chunks
recorded in the database: cut off, it resumes where it stopped (issue 17)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from matchmaking.matches import matching
from matchmaking.models import EmbedChunk, EmbedRun, Match, RebuildRun, ResearchResult
from tests.factories import NeedFactory, ResultFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    results = [ResultFactory() for _ in range(5)]
    needs = [NeedFactory() for _ in range(2)]
    ResultFactory(status="draft")  # not matchable: never encoded
    return needs, results


def missing():
    return matching.listings_without_vectors(matching.site_encoder().name)


def test_the_command_encodes_every_missing_vector_in_chunks_and_rematches(corpus):
    needs, results = corpus
    assert {k: len(v) for k, v in missing().items()} == {"needs": 2, "results": 5}
    out = io.StringIO()
    call_command("embed", "--chunk-size", "2", stdout=out)
    assert missing() == {"needs": [], "results": []}
    run = EmbedRun.objects.get()
    assert (run.status, run.total_chunks, run.done_chunks, run.listings, run.encoded) == (
        "done",
        4,  # needs: 2; results: 2 + 2 + 1
        4,
        7,
        7,
    )
    assert "Done: 7 vector(s)," in out.getvalue()
    rebuild = RebuildRun.objects.get()  # the matches, now by meaning too
    assert rebuild.status == "done"
    assert Match.objects.filter(explanation__method="hybrid").exists()


def test_a_backfill_cut_off_resumes_where_it_stopped(corpus):
    run = EmbedRun.objects.create()
    matching.embed_plan(run, chunk_size=2)
    first = EmbedChunk.objects.filter(run=run).order_by("number").first()
    matching.embed_chunk(first.pk)  # then the worker dies
    EmbedRun.objects.filter(pk=run.pk).update(
        progressed_at=timezone.now() - timezone.timedelta(hours=1)
    )
    work = matching.stalled_embed_work(timezone.timedelta(minutes=10))
    assert [what for what, _ in work] == ["embed_chunk"] * 3
    out = io.StringIO()
    call_command("embed", "--no-rematch", stdout=out)
    assert f"Resuming backfill {run.pk} (1/4)" in out.getvalue()
    run.refresh_from_db()
    assert (run.status, run.done_chunks, run.encoded) == ("done", 4, 7)
    assert EmbedRun.objects.count() == 1


def test_a_chunk_done_twice_encodes_nothing_the_second_time(corpus):
    run = EmbedRun.objects.create()
    matching.embed_plan(run, chunk_size=10)
    chunk = EmbedChunk.objects.filter(run=run, kind="results").get()
    assert matching.embed_chunk(chunk.pk) is False  # the needs' chunk is still open
    assert matching.embed_chunk(chunk.pk) is False
    run.refresh_from_db()
    assert (run.done_chunks, run.encoded) == (1, 5)


def test_a_text_change_after_the_backfill_makes_the_listing_missing_again(corpus):
    call_command("embed", "--no-rematch", stdout=io.StringIO())
    result = corpus[1][0]
    ResearchResult.objects.filter(pk=result.pk).update(title="全新的题目")
    assert missing()["results"] == [result.pk]


def test_the_admin_shows_progress_and_starts_a_backfill(client, corpus):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post("/admin/matchmaking/embedrun/start/")
    assert response.status_code == 302
    run = EmbedRun.objects.get()
    assert run.status == "done" and run.encoded == 7  # eager tasks: all done at once
    page = client.get("/admin/matchmaking/embedrun/").content.decode()
    assert '<progress max="100" value="100"></progress> 100%' in page
    assert "补算缺少的语义向量" in page


def test_a_chunk_another_worker_took_is_left_to_it(corpus):
    run = EmbedRun.objects.create()
    matching.embed_plan(run, chunk_size=10)
    chunk = EmbedChunk.objects.filter(run=run, kind="results").get()
    EmbedChunk.objects.filter(pk=chunk.pk).update(claimed_at=timezone.now())
    assert matching.embed_chunk(chunk.pk) is False
    assert EmbedChunk.objects.get(pk=chunk.pk).done_at is None
    assert len(missing()["results"]) == 5  # nothing encoded twice
    stale = timezone.now() - timezone.timedelta(hours=1)
    EmbedChunk.objects.filter(pk=chunk.pk).update(claimed_at=stale)  # its taker died
    matching.embed_chunk(chunk.pk)
    assert missing()["results"] == []
