"""Matches kept current: computed on publication, recomputed without losing what people did."""

import pytest

from accounts.enums import OrganisationKind
from matchmaking.listings import services as listings
from matchmaking.listings.states import ResultStatus
from matchmaking.matches import matching
from matchmaking.matches import services as matches
from matchmaking.models import Match, RebuildRun
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A kiwi need in 四川, the result written for it, a look-alike and an unrelated result."""
    enterprise = OrganisationFactory(region_id="510131")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    kiwi = ResultFactory(
        organisation=institution,
        title="猕猴桃采后1-MCP处理与低温物流保鲜技术",
        abstract="针对猕猴桃采后软化腐烂，采用1-MCP处理结合产地预冷和冷链运输，货架期延长40%。",
        keywords="猕猴桃 保鲜 冷链 预冷",
        category=category("origin-precooling"),
    )
    mango = ResultFactory(
        organisation=institution,
        title="芒果采后热处理保鲜技术",
        abstract="芒果采后热水处理防治炭疽病，延长货架期。",
        keywords="芒果 保鲜",
        category=category("fresh-packaging"),
    )
    rice = ResultFactory(
        organisation=institution,
        title="稻米区块链溯源系统",
        abstract="为有机稻米建立一物一码与区块链存证的质量追溯体系。",
        keywords="溯源 区块链 稻米",
        category=category("blockchain-records"),
    )
    member = member_of(enterprise)
    need = listings.need_create(
        by=member,
        organisation=enterprise,
        data={
            "title": "猕猴桃运到广州就软了烂了",
            "description": (
                "每年九月猕猴桃上市，发到广州的快递路上就软了，想找产地预冷和冷链保鲜的办法"
            ),
            "keywords": "猕猴桃 保鲜",
            "category": category("origin-precooling"),
            "budget_min": 50000,
            "budget_max": 300000,
            "transfer_modes": ["license", "technical_service"],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        listings.need_transition(need=need, to="open", by=member)
    need.refresh_from_db()
    return {
        "need": need,
        "kiwi": kiwi,
        "mango": mango,
        "rice": rice,
        "member": member,
        "researcher": member_of(institution),
    }


def ranked(need):
    return list(
        Match.objects.filter(need=need)
        .order_by("rank_for_need")
        .values_list("result__title", flat=True)
    )


def test_publishing_a_need_ranks_the_result_written_for_it_first(world):
    order = ranked(world["need"])
    assert order[0] == world["kiwi"].title
    assert world["rice"].title not in order[:2]
    assert world["need"].matching_pending is False
    top = Match.objects.get(need=world["need"], result=world["kiwi"])
    assert top.rank_for_need == 1 and top.rank_for_result == 1
    assert 0 < top.score <= 1
    terms = [term for term, _share in top.explanation["terms"]]
    assert "猕猴桃" in terms
    assert top.explanation["fits"]["category"]["reason"] == "category_match"


def test_a_result_that_does_not_serve_the_need_s_province_never_comes_back(world):
    kiwi = world["kiwi"]
    kiwi.serves_all_regions = False
    kiwi.save()
    kiwi.regions_served.set(["620000"])  # 甘肃 only; the need is in 四川
    matching.rematch_need(world["need"].pk)
    assert kiwi.title not in ranked(world["need"])


def test_recomputing_twice_gives_the_same_rows(world):
    before = list(
        Match.objects.order_by("pk").values_list("pk", "result_id", "score", "rank_for_need")
    )
    matching.rematch_need(world["need"].pk)
    matching.rematch_need(world["need"].pk)
    after = list(
        Match.objects.order_by("pk").values_list("pk", "result_id", "score", "rank_for_need")
    )
    assert after == before


def test_recomputation_keeps_acted_on_matches_and_their_history(
    world, django_capture_on_commit_callbacks
):
    match = Match.objects.get(need=world["need"], result=world["mango"])
    matches.match_transition(match=match, to="shortlisted", by=world["member"])
    # The need changes so that mango no longer matches at all.
    with django_capture_on_commit_callbacks(execute=True):
        listings.need_update(
            need=world["need"],
            by=world["member"],
            data={"title": "猕猴桃冷链", "description": "猕猴桃 预冷 冷链", "keywords": "猕猴桃"},
        )
    match.refresh_from_db()
    assert match.state == "shortlisted"
    assert list(match.events.values_list("to_state", flat=True)) == ["shortlisted"]


def test_closing_a_need_drops_its_untouched_suggestions_only(
    world, django_capture_on_commit_callbacks
):
    kept = Match.objects.get(need=world["need"], result=world["kiwi"])
    matches.match_transition(match=kept, to="shortlisted", by=world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        listings.need_transition(need=world["need"], to="closed", by=world["member"])
    assert list(Match.objects.filter(need=world["need"]).values_list("state", flat=True)) == [
        "shortlisted"
    ]


def test_a_declined_result_does_not_come_back_on_the_need_s_page(world):
    from matchmaking.matches import selectors as matches_selectors

    match = Match.objects.get(need=world["need"], result=world["kiwi"])
    matches.match_transition(match=match, to="declined", by=world["member"], reason="too_expensive")
    matching.rematch_need(world["need"].pk)
    assert world["kiwi"] not in [m.result for m in matches_selectors.need_matches(world["need"])]
    assert Match.objects.get(pk=match.pk).state == "declined"


def test_a_newly_listed_result_enters_the_need_s_list(world, django_capture_on_commit_callbacks):
    institution = world["kiwi"].organisation
    researcher = world["researcher"]
    result = listings.result_create(
        by=researcher,
        organisation=institution,
        data={
            "title": "猕猴桃产地移动式真空预冷装置",
            "abstract": "猕猴桃采后快速预冷，减少运输软化。",
            "keywords": "猕猴桃 预冷",
            "category": category("origin-precooling"),
            "trl": 7,
            "asking_price": 80000,
            "transfer_modes": ["license"],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        listings.result_transition(result=result, to="listed", by=researcher)
    assert result.title in ranked(world["need"])


def test_a_full_rebuild_refits_and_keeps_acted_on_matches(world):
    from matchmaking.tasks import rebuild_index

    shortlisted = Match.objects.get(need=world["need"], result=world["kiwi"])
    matches.match_transition(match=shortlisted, to="shortlisted", by=world["member"])
    version = rebuild_index.delay().get()
    run = RebuildRun.objects.get()
    assert (run.status, run.version, run.done_chunks, run.total_chunks) == ("done", version, 2, 2)
    assert matching.current_version() == version
    shortlisted.refresh_from_db()
    assert shortlisted.state == "shortlisted" and shortlisted.matcher_version == version
    assert ranked(world["need"])[0] == world["kiwi"].title


def test_a_need_saved_while_matching_is_unavailable_waits_for_the_sweep(world, monkeypatch):
    from matchmaking import tasks

    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.rematch_need, "apply_async", broken)
    need = NeedFactory(organisation=world["need"].organisation, status="draft", published_at=None)
    listings.need_transition(need=need, to="open", by=world["member"])
    need.refresh_from_db()
    assert need.status == "open" and need.matching_pending
    monkeypatch.undo()
    assert tasks.sweep_pending.delay().get() >= 1
    need.refresh_from_db()
    assert not need.matching_pending


def test_the_rematch_command_rebuilds_everything(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rematch", stdout=out)
    assert "Rebuild done" in out.getvalue()
    assert RebuildRun.objects.get().status == "done"
    assert ranked(world["need"])[0] == world["kiwi"].title


def test_a_rebuild_chunk_delivered_twice_is_done_and_counted_once(world):
    from matchmaking.matches.matching import rebuild_chunk, rebuild_plan
    from matchmaking.models import RebuildChunk, RebuildPair

    run = RebuildRun.objects.create()
    assert rebuild_plan(run, chunk_size=1)
    first = RebuildChunk.objects.filter(run=run).order_by("number").first()
    assert first.kind == "needs"
    assert rebuild_chunk(first.pk) is True  # the only need: its phase is complete
    assert rebuild_chunk(first.pk) is False
    run.refresh_from_db()
    first.refresh_from_db()
    assert (run.done_chunks, run.total_chunks) == (1, 4)
    # Staged once, merged once: every staged pair is a match (unchanged ones kept their row).
    staged = set(RebuildPair.objects.filter(run=run).values_list("need_id", "result_id"))
    assert run.pairs == first.pairs == len(staged) > 0
    assert staged <= set(Match.objects.values_list("need_id", "result_id"))


def test_the_sweep_resumes_a_stalled_rebuild_and_a_finish_runs_once(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from matchmaking.matches.matching import rebuild_finish, rebuild_plan
    from matchmaking.tasks import sweep_pending

    run = RebuildRun.objects.create()
    rebuild_plan(run, chunk_size=1)  # planned, then its worker died: no chunk done
    settings.REBUILD_STALLED_AFTER_SECONDS = 600
    RebuildRun.objects.filter(pk=run.pk).update(progressed_at=timezone.now() - timedelta(minutes=9))
    sweep_pending.delay()
    run.refresh_from_db()
    assert (run.status, run.done_chunks) == ("running", 0)  # not silent for long enough yet

    RebuildRun.objects.filter(pk=run.pk).update(
        progressed_at=timezone.now() - timedelta(minutes=11)
    )
    sweep_pending.delay()
    run.refresh_from_db()
    assert (run.status, run.done_chunks, run.total_chunks) == ("done", 4, 4)
    assert matching.current_version() == run.version
    assert rebuild_finish(run.pk) is None
    assert ranked(world["need"])[0] == world["kiwi"].title


def test_a_snapshot_re_uses_the_last_one_s_counts_and_indexes_as_without_them(world):
    first = matching.build_index()
    counts = matching.index_dir() / matching.COUNTS_FILE
    assert counts.exists()
    assert first.vectorizer.counted is None  # kept on disk for the next build, not in memory
    world["mango"].abstract = "芒果采后热水处理，冷链运输保鲜，货架期延长。"
    world["mango"].save()

    reusing = matching.build_index()
    counts.unlink()
    fresh = matching.build_index()

    assert reusing.vectorizer.terms == fresh.vectorizer.terms != first.vectorizer.terms
    need = world["need"].pk
    assert [(m.id, m.score) for m in reusing.top_k_for_need(need, 5)] == [
        (m.id, m.score) for m in fresh.top_k_for_need(need, 5)
    ]


def test_a_synced_index_saved_as_the_snapshot_spares_other_processes_the_sync(world):
    """Listings written past the site (the load bench's fill, another platform's data) are
    applied once, then saved: a process starting later reads them from the snapshot."""
    before, _index = matching.ensure_index()
    written = ResultFactory(
        organisation=world["kiwi"].organisation,
        title="猕猴桃冷库气调贮藏技术",
        abstract="冷库气调贮藏延长猕猴桃贮藏期，减少软化。",
        keywords="猕猴桃 冷库 气调",
        category=category("origin-precooling"),
    )

    saved = matching.save_synced_snapshot()

    assert saved != before and matching.current_version() == saved
    matching.reset_memory()  # as another process: from the files alone
    assert matching.load_version(saved).index.get("results", written.pk) is not None
    matching.reset_memory()
    assert matching.load_version(before).index.get("results", written.pk) is None


def test_listings_changed_since_the_snapshot_are_applied_in_batches(world, monkeypatch):
    """Edited listings enter the index with their new text and a withdrawn one leaves it,
    however the changes fall into batches."""
    matching.ensure_index()
    edited = [
        ResultFactory(
            organisation=world["kiwi"].organisation,
            title=f"猕猴桃冷库贮藏技术（{n}）",
            abstract="冷库贮藏延长猕猴桃贮藏期。",
            keywords="猕猴桃 冷库",
            category=category("origin-precooling"),
        )
        for n in range(5)
    ]
    world["mango"].title = "芒果冷链运输保鲜技术"
    world["mango"].save()
    world["rice"].status = ResultStatus.WITHDRAWN
    world["rice"].save()
    monkeypatch.setattr(matching, "SYNC_BATCH", 2)

    _version, index = matching.ensure_index()

    for result in [*edited, world["mango"]]:
        assert index.get("results", result.pk).title == result.title
    assert index.get("results", world["rice"].pk) is None
