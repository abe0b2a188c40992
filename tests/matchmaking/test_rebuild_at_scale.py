"""A full re-match at national scale (issue 18): staged and merged, unchanged pairs left alone,
explanations worked out for the first of each list at once and for the rest when first shown,
with pages and the API looking the same either way."""

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.enums import OrganisationKind
from matchmaking.listings import services as listings
from matchmaking.matches import explanations, matching, staging
from matchmaking.matches.filters import GOOD_REASONS
from matchmaking.matches.states import MatchState
from matchmaking.models import Match, RebuildChunk, RebuildPair, RebuildRun
from tests.conftest import require, using_postgres
from tests.factories import OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db

TOPICS = ["冷链", "保鲜", "预冷", "冷库", "包装", "溯源", "直播", "分拣", "烘干"]


@pytest.fixture
def need_with_many_results(django_capture_on_commit_callbacks):
    """A need with a dozen results that match it more or less well."""
    enterprise = OrganisationFactory(region_id="510131")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    for n in range(12):
        words = TOPICS[: 2 + n % len(TOPICS)]
        ResultFactory(
            organisation=institution,
            title=f"猕猴桃{''.join(words[:2])}技术第{n}号",
            abstract=f"针对猕猴桃采后问题，采用{'、'.join(words)}等方法，延长货架期。",
            keywords=" ".join(words[:3]),
            category=category("origin-precooling"),
            serves_all_regions=True,
        )
    owner = member_of(enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        need = _published_need(
            owner,
            enterprise,
            "猕猴桃运到广州就软了",
            "猕猴桃发到广州路上就软了，想找产地预冷和冷链保鲜的办法",
            "猕猴桃 保鲜 冷链",
        )
    need.refresh_from_db()
    return need, owner


def _published_need(owner, organisation, title: str, description: str, keywords: str):
    """A need written and opened by a member of the organisation."""
    need = listings.need_create(
        by=owner,
        organisation=organisation,
        data={
            "title": title,
            "description": description,
            "keywords": keywords,
            "category": category("origin-precooling"),
            "budget_negotiable": True,
        },
    )
    listings.need_transition(need=need, to="open", by=owner)
    return need


def _rebuild():
    call_command("rematch", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return RebuildRun.objects.order_by("pk").last()


def _stored(need):
    return {
        m.result_id: m.explanation
        for m in Match.objects.filter(need=need).order_by("rank_for_need")
    }


def test_a_rebuild_explains_each_needs_first_results_and_leaves_the_rest_for_later(
    need_with_many_results,
):
    need, _owner = need_with_many_results
    assert _rebuild().status == "done"
    by_rank = list(Match.objects.filter(need=need).order_by("rank_for_need"))
    assert len(by_rank) > matching.EXPLAIN_TOP["needs"]
    first = by_rank[: matching.EXPLAIN_TOP["needs"]]
    assert all(not explanations.incomplete(m) and m.explanation["terms"] for m in first)
    later = by_rank[matching.EXPLAIN_TOP["needs"] :]
    assert any(explanations.incomplete(m) for m in later)
    for match in later:
        if explanations.incomplete(match):  # the scores it is ranked by are there already
            assert match.explanation["score"] == pytest.approx(match.score, abs=1e-6)
    # The staging table is emptied once the run is over.
    assert not RebuildPair.objects.exists()


def test_the_page_shows_every_listed_match_with_its_terms_and_stores_them(
    client, need_with_many_results
):
    need, owner = need_with_many_results
    _rebuild()
    waiting = [m for m in Match.objects.filter(need=need) if explanations.incomplete(m)]
    assert waiting
    client.force_login(owner)
    response = client.get(f"/needs/{need.pk}/?show=20")
    assert response.status_code == 200
    stored = _stored(need)
    assert not any(e.get("complete") is False for e in stored.values())
    html = response.content.decode()
    for match in waiting:
        terms = stored[match.result_id]["terms"]
        assert terms, match.result.title
        assert terms[0][0] in html
    # Worked out when first shown as the re-match would have: the same terms and fits.
    incremental = {
        f.id: f.explanation.to_dict()
        for f in matching.ranker(matching.ensure_index()[1]).top_k_for_need(
            need.pk, k=20, explain=True
        )
    }
    for match in waiting:
        assert stored[match.result_id]["terms"] == incremental[match.result_id]["terms"]
        assert stored[match.result_id]["fits"] == incremental[match.result_id]["fits"]
        assert stored[match.result_id]["score"] == pytest.approx(match.score, abs=1e-6)


def test_the_api_gives_whole_explanations_for_pairs_a_rebuild_left_incomplete(
    client, need_with_many_results
):
    need, owner = need_with_many_results
    _rebuild()
    waiting = next(m for m in Match.objects.filter(need=need) if explanations.incomplete(m))
    client.force_login(owner)
    body = client.get(f"/api/v1/matches/{waiting.pk}/").json()
    assert body["explanation"]["terms"] and body["explanation"]["fits"]
    assert "complete" not in body["explanation"]
    listed = client.get(f"/api/v1/needs/{need.pk}/matches/").json()
    assert listed and all(m["explanation"]["fits"] for m in listed)
    assert not any(m["explanation"].get("complete") is False for m in listed)


def test_a_fit_filter_counts_pairs_a_rebuild_left_unexplained(client, need_with_many_results):
    need, owner = need_with_many_results
    client.force_login(owner)
    _rebuild()
    assert any(explanations.incomplete(m) for m in Match.objects.filter(need=need))
    filtered = client.get(f"/api/v1/needs/{need.pk}/matches/?fit_category=1").json()
    listed = client.get(f"/api/v1/needs/{need.pk}/matches/").json()
    expected = {
        m["result"]
        for m in listed
        if m["explanation"]["fits"]["category"]["reason"] in GOOD_REASONS["category"]
    }
    assert {m["result"] for m in filtered} == expected
    assert len(expected) > matching.EXPLAIN_TOP["needs"]


def test_a_second_rebuild_of_unchanged_listings_rewrites_no_match(need_with_many_results):
    need, _owner = need_with_many_results
    _rebuild()
    _rebuild()  # the first one after publication may move scores: the vocabulary is refit
    before = {
        m.pk: (m.score, m.rank_for_need, m.rank_for_result, m.matcher_version)
        for m in Match.objects.all()
    }
    run = _rebuild()
    assert run.status == "done" and run.pairs > 0 and run.dropped == 0
    after = {
        m.pk: (m.score, m.rank_for_need, m.rank_for_result, m.matcher_version)
        for m in Match.objects.all()
    }
    # Same pairs, same scores and ranks; not rewritten, so they keep the version that made them.
    assert after == before


def _staged_chunk(run, rows):
    chunk = RebuildChunk.objects.create(run=run, number=RebuildChunk.objects.count(), kind="needs")
    staging.stage_pairs(run_id=run.pk, chunk_id=chunk.pk, rows=rows)
    return chunk


def test_the_merge_inserts_new_pairs_updates_changed_ones_and_leaves_the_rest(
    need_with_many_results,
):
    need, _owner = need_with_many_results
    kept, changed = Match.objects.filter(need=need).order_by("result_id")[:2]
    changed.state = MatchState.CONTACTED
    changed.save(update_fields=["state"])
    new_result = ResultFactory(title="新成果")
    run = RebuildRun.objects.create(version="v2")
    full = {"terms": [["冷链", 0.5]], "fits": {}, "score": 0.9}
    rows = [
        (
            need.pk,
            kept.result_id,
            kept.score,
            kept.text_score,
            kept.structured_score,
            {},
            kept.matcher,
        ),
        (need.pk, changed.result_id, 0.9, 0.8, 0.7, full, "lexical x"),
        (need.pk, new_result.pk, 0.3, 0.2, 0.5, {"complete": False}, "lexical x"),
    ]
    chunk = _staged_chunk(run, sorted(rows))
    results = [row[1] for row in rows]
    assert staging.merge_results(chunk.pk, results, run.pk, "v2") == 2  # one new, one changed
    kept.refresh_from_db()
    changed.refresh_from_db()
    assert kept.matcher_version != "v2"  # left alone
    assert (changed.score, changed.matcher_version, changed.explanation) == (0.9, "v2", full)
    assert changed.state == MatchState.CONTACTED  # the workflow is never touched
    new = Match.objects.get(need=need, result=new_result)
    assert (new.state, new.score, new.matcher_version) == (MatchState.SUGGESTED, 0.3, "v2")
    # Merged again, nothing is written.
    assert staging.merge_results(chunk.pk, results, run.pk, "v2") == 0


def test_a_pair_both_sides_found_is_merged_once_with_the_result_sides_scores(
    need_with_many_results,
):
    need, _owner = need_with_many_results
    match = Match.objects.filter(need=need).first()
    run = RebuildRun.objects.create(version="v3")
    full = {"terms": [["预冷", 0.4]], "fits": {"category": {}}, "score": 0.5, "method": "lexical"}
    _staged_chunk(run, [(need.pk, match.result_id, 0.5, 0.4, 0.6, full, "m")])
    # The result side scores the same pair a little differently and leaves it unexplained.
    light = {"complete": False, "score": 0.49, "method": "lexical"}
    chunk = _staged_chunk(run, [(need.pk, match.result_id, 0.49, 0.4, 0.6, light, "m")])
    assert staging.merge_results(chunk.pk, [match.result_id], run.pk, "v3") == 1
    match.refresh_from_db()
    # The result side's score; the need side's terms, carrying that score.
    assert match.score == 0.49
    assert match.explanation["terms"] == full["terms"]
    assert match.explanation["score"] == 0.49
    assert "complete" not in match.explanation


def test_the_finish_drops_only_untouched_suggestions_the_run_did_not_propose(
    need_with_many_results,
):
    need, _owner = need_with_many_results
    proposed, unproposed, acted_on = Match.objects.filter(need=need).order_by("pk")[:3]
    acted_on.state = MatchState.SHORTLISTED
    acted_on.save(update_fields=["state"])
    run = RebuildRun.objects.create(version="v4")
    _staged_chunk(run, [(need.pk, proposed.result_id, 0.5, 0.4, 0.6, {}, "m")])
    doomed = set(
        Match.objects.filter(state=MatchState.SUGGESTED)
        .exclude(pk=proposed.pk)
        .values_list("pk", flat=True)
    )
    assert unproposed.pk in doomed
    assert staging.drop_unproposed(run.pk, staging.results_outside(run.pk))[0] == len(doomed)
    remaining = set(Match.objects.values_list("pk", flat=True))
    assert proposed.pk in remaining and acted_on.pk in remaining
    assert not remaining & doomed


def test_a_results_chunk_drops_and_ranks_only_its_own_results(need_with_many_results):
    need, _owner = need_with_many_results
    first, second = Match.objects.filter(need=need).order_by("pk")[:2]
    run = RebuildRun.objects.create(version="v6")
    _staged_chunk(run, [])  # the run proposes neither

    dropped, results = staging.drop_unproposed(run.pk, [first.result_id])

    assert (dropped, results) == (1, [first.result_id])
    assert not Match.objects.filter(pk=first.pk).exists()
    assert Match.objects.filter(pk=second.pk).exists()  # another result's: the finish's
    assert staging.drop_unproposed(run.pk, []) == (0, [])


def test_the_finish_drops_for_the_results_no_chunk_of_the_run_had(need_with_many_results):
    need, _owner = need_with_many_results
    results = sorted(Match.objects.filter(need=need).values_list("result_id", flat=True))
    run = RebuildRun.objects.create(version="v7")
    RebuildChunk.objects.create(run=run, number=0, kind="needs", ids=[need.pk])
    RebuildChunk.objects.create(run=run, number=1, kind="results", ids=results[:5])
    RebuildChunk.objects.create(run=run, number=2, kind="results", ids=results[5:9])

    outside = staging.results_outside(run.pk)

    assert set(results[9:]) <= set(outside)
    assert not set(results[:9]) & set(outside)


def test_a_chunks_statements_read_through_indexes_whatever_the_statistics_say(
    need_with_many_results,
):
    """A table analysed before the run filled it looks small: PostgreSQL then scanned the whole
    staging table in each merge, and the whole match table in each ranking."""
    require(using_postgres(), "PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/…")
    from django.db import transaction

    table = Match._meta.db_table

    def plan(**session):
        with transaction.atomic(), connection.cursor() as cursor:
            staging.settle_chunk_session(**session)
            cursor.execute("SHOW enable_seqscan")
            (seqscan,) = cursor.fetchone()
            # every match: with true statistics of a small table, a scan is the cheapest plan
            cursor.execute(f"EXPLAIN SELECT id FROM {table} WHERE result_id > 0")
            return seqscan, "\n".join(row[0] for row in cursor.fetchall())

    # The finish reads every match: there a scan may be the right plan. (Asked first: the test's
    # own transaction keeps what SET LOCAL set until it ends.)
    assert plan(whole_tables=True)[0] == "on"
    seqscan, chunk_plan = plan()
    assert seqscan == "off"
    assert "Seq Scan" not in chunk_plan and "Index" in chunk_plan


def test_ranking_one_results_matches_leaves_the_others_and_the_needs_ranks(
    need_with_many_results,
):
    staging.rerank_all(matching._CLOSED_SQL)
    need, _owner = need_with_many_results
    one, other = Match.objects.filter(need=need).order_by("pk")[:2]
    Match.objects.filter(pk__in=[one.pk, other.pk]).update(rank_for_result=77, rank_for_need=99)

    assert staging.rank_results([one.result_id], matching._CLOSED_SQL) == 1
    assert staging.rank_results([one.result_id], matching._CLOSED_SQL) == 0

    one.refresh_from_db()
    other.refresh_from_db()
    assert (one.rank_for_result, one.rank_for_need) == (1, 99)
    assert (other.rank_for_result, other.rank_for_need) == (77, 99)
    assert staging.rerank_all(matching._CLOSED_SQL, results=False) == 2
    other.refresh_from_db()
    assert other.rank_for_result == 77 and other.rank_for_need < 99


def test_ranks_are_written_only_where_they_moved(need_with_many_results):
    staging.rerank_all(matching._CLOSED_SQL)
    assert staging.rerank_all(matching._CLOSED_SQL) == 0
    need, _owner = need_with_many_results
    last = Match.objects.filter(need=need).order_by("-rank_for_need").first()
    Match.objects.filter(pk=last.pk).update(score=5.0)
    assert staging.rerank_all(matching._CLOSED_SQL) > 0
    last.refresh_from_db()
    assert last.rank_for_need == 1


def test_the_admin_shows_a_running_rebuilds_chunks_pace_and_expected_end(client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import UserFactory

    run = RebuildRun.objects.create(version="v", total_chunks=60)
    started = timezone.now() - timedelta(minutes=2)
    RebuildRun.objects.filter(pk=run.pk).update(
        started_at=started, progressed_at=started + timedelta(minutes=2), done_chunks=12
    )
    run.refresh_from_db()
    assert run.chunks_per_minute == pytest.approx(6.0)
    # 48 chunks left at 6 a minute: 8 minutes after the last progress.
    assert run.estimated_end == run.progressed_at + timedelta(minutes=8)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get("/admin/matchmaking/rebuildrun/").content.decode()
    end = timezone.localtime(run.estimated_end).strftime("%H:%M")
    assert "12 / 60" in html and "6.0" in html and end in html


def test_a_run_before_its_first_chunk_or_over_gives_no_estimate():
    run = RebuildRun.objects.create(total_chunks=10)
    assert run.chunks_per_minute is None and run.estimated_end is None
    run.status = "done"
    run.done_chunks = 10
    assert run.estimated_end is None


def test_a_dropped_suggestion_takes_its_undone_history_and_frees_its_meeting_request(
    need_with_many_results, django_capture_on_commit_callbacks
):
    """A suggestion moved and moved back has events; one a fair request names is linked from
    it. Dropped by a re-match, its events go with it and the request stays, unlinked."""
    from django.db import transaction

    from matchmaking.models import MatchEvent, MeetingRequest
    from tests.factories import MeetingRequestFactory

    need, owner = need_with_many_results
    moved_back, requested = Match.objects.filter(need=need).order_by("pk")[:2]
    MatchEvent.objects.create(
        match=moved_back, actor=owner, from_state="suggested", to_state="shortlisted"
    )
    MatchEvent.objects.create(
        match=moved_back, actor=owner, from_state="shortlisted", to_state="suggested"
    )
    request = MeetingRequestFactory(match=requested)
    run = RebuildRun.objects.create(version="v5")
    _staged_chunk(run, [])  # the run proposes neither
    with transaction.atomic():  # as the finish runs: PostgreSQL checks the keys at the commit
        dropped, _results = staging.drop_unproposed(run.pk, staging.results_outside(run.pk))
    assert dropped >= 2
    assert not Match.objects.filter(pk__in=[moved_back.pk, requested.pk]).exists()
    assert not MatchEvent.objects.filter(match_id=moved_back.pk).exists()
    request.refresh_from_db()
    assert request.match_id is None and MeetingRequest.objects.filter(pk=request.pk).exists()


def test_the_needs_phase_leaves_the_staged_pairs_analysed_for_the_merges(
    need_with_many_results,
):
    """Planned as empty, the staging table made each merge scan every staged pair of the run
    once per pair (548 s for one chunk of 2,000 results)."""
    require(using_postgres(), "PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/…")
    run = RebuildRun.objects.create()
    assert matching.rebuild_plan(run, chunk_size=1000)
    needs_chunks = RebuildChunk.objects.filter(run=run, kind="needs").order_by("number")
    assert needs_chunks.exists()

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {RebuildPair._meta.db_table}")  # statistics: never analysed
        lasts = [matching.rebuild_chunk(chunk.pk) for chunk in needs_chunks]
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s", [RebuildPair._meta.db_table]
        )
        (estimated,) = cursor.fetchone()

    assert lasts[-1] is True
    staged = RebuildPair.objects.filter(run=run).count()
    assert staged > 0
    assert estimated == staged


def test_a_need_published_during_a_run_is_matched_again_after_its_finish(
    need_with_many_results, django_capture_on_commit_callbacks
):
    """The run's snapshot has not seen it: the results' chunks drop the suggestions it was
    given on publishing, and the finish hands it back to the sweep."""
    from matchmaking import tasks

    need, owner = need_with_many_results
    run = RebuildRun.objects.create()
    assert matching.rebuild_plan(run, chunk_size=1000)
    with django_capture_on_commit_callbacks(execute=True):
        late = _published_need(
            owner,
            need.organisation,
            "冷库里的猕猴桃怎么保鲜",
            "想找冷链预冷和保鲜包装的办法，猕猴桃放冷库也会软",
            "冷链 保鲜 预冷",
        )
    given = Match.objects.filter(need=late).count()
    assert given > 0

    for chunk in RebuildChunk.objects.filter(run=run).order_by("number"):
        matching.rebuild_chunk(chunk.pk)
    assert not Match.objects.filter(need=late).exists()  # never staged: dropped
    assert matching.rebuild_finish(run.pk) is not None

    late.refresh_from_db()
    need.refresh_from_db()
    assert late.matching_pending and not need.matching_pending
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_pending()
    assert Match.objects.filter(need=late).count() == given
