"""Explanations people can trust (issue 17): no meaningless shared words, fits that say what
the need asked for."""

from __future__ import annotations

import pytest

from matchmaking.matching import MatchIndex, NeedDoc, ResultDoc
from matchmaking.matching.explain import EXPLANATION_STOP_TERMS, is_stop_phrase
from matchmaking.matching.structured import FitConfig, structured_fits, structured_score

RESULTS = [
    ResultDoc(
        id=1,
        title="小型冷库节能运行技术",
        text="合作社村里建设的小型冷库，每天运行到深夜，本技术降低冷库成本三成，价格便宜。",
        keywords=["冷库", "节能"],
    ),
    ResultDoc(
        id=2,
        title="合作社冷库运行成本分析",
        text="调查了西部合作社冷库的运行成本。",
    ),
]
NEED = NeedDoc(id="n", text="我们合作社村里的冷库，每天电费成本太高，到夏天更贵，想便宜点")


def terms_of(result_id):
    index = MatchIndex.build([NEED], RESULTS)
    ex = index.explain(NEED, result_id).to_dict()
    return [t for t, _ in ex["terms"]] + [t for t, _ in ex["related_terms"]]


def test_meaningless_shared_words_are_never_shown():
    shown = terms_of(1)
    assert "冷库" in shown
    for word in ("合作社", "村里", "我们", "便宜", "成本", "到", "天", "每天"):
        assert word not in shown, word


def test_a_stop_term_in_the_results_title_is_kept():
    shown = terms_of(2)
    assert "合作社" in shown and "成本" in shown


@pytest.mark.parametrize("term", sorted(EXPLANATION_STOP_TERMS))
def test_the_stop_list_never_removes_a_term_of_the_title(term):
    assert is_stop_phrase(term)
    assert not is_stop_phrase(term, title=f"一种{term}相关的装置")


def test_phrases_made_of_stop_terms_only_are_stop_phrases():
    assert is_stop_phrase("我们村里") and is_stop_phrase("合作社")
    assert not is_stop_phrase("冷库") and not is_stop_phrase("合作社冷库")
    assert not is_stop_phrase("便宜的冷库") and not is_stop_phrase("洋芋 ≈ 马铃薯")


def fits(need, result):
    return {k: (f.reason, f.score, f.asked) for k, f in structured_fits(need, result).items()}


def test_same_parent_category_is_a_category_match():
    need = NeedDoc(id=1, category="origin-precooling", parent_category="cold-chain")
    sibling = ResultDoc(id=2, category="cold-storage", parent_category="cold-chain")
    parent = ResultDoc(id=3, category="cold-chain")
    other = ResultDoc(id=4, category="live-selling", parent_category="marketing")
    same = ResultDoc(id=5, category="origin-precooling", parent_category="cold-chain")
    assert fits(need, same)["category"] == ("category_match", 1.0, True)
    assert fits(need, sibling)["category"] == ("category_same_parent", 1.0, True)
    assert fits(need, parent)["category"] == ("category_same_parent", 1.0, True)
    assert fits(need, other)["category"] == ("category_mismatch", 0.0, True)


def test_what_the_need_did_not_ask_for_holds_and_is_not_a_negative():
    need = NeedDoc(id=1, category="a", province="52")  # no budget, minimum maturity, modes
    result = ResultDoc(
        id=2, category="a", regions={"52"}, price_min=9e5, trl=2, transfer_modes={"equity"}
    )
    got = fits(need, result)
    assert got["maturity"] == ("trl_not_required", 1.0, False)
    assert got["price"] == ("price_no_budget", 1.0, False)
    assert got["transfer"] == ("transfer_mode_any", 1.0, False)
    assert structured_score(structured_fits(need, result), FitConfig()) == 1.0
    # asked for and not met: a real negative
    strict = NeedDoc(id=3, budget_max=1e5, min_trl=6, transfer_modes={"license"})
    got = fits(strict, result)
    assert got["maturity"][0] == "trl_below_min" and got["maturity"][2] is True
    assert got["price"][0] == "price_over_budget"
    assert got["transfer"] == ("transfer_mode_mismatch", 0.0, True)
    # asked for, result silent: unknown, neutral
    silent = ResultDoc(id=4)
    got = fits(strict, silent)
    assert got["maturity"] == ("trl_unknown", 0.5, True)
    assert not structured_fits(strict, silent)["maturity"].known


def _corpus():
    needs = [
        NeedDoc(
            id=f"n{i}",
            text=f"合作社冷库保鲜，想降低损耗{i}",
            category="冷链",
            province="贵州",
            budget_max=30_000.0,
        )
        for i in range(3)
    ]
    results = [
        ResultDoc(
            id=i,
            title=f"冷库保鲜技术{i}",
            text=f"小型冷库节能保鲜，降低损耗，第{i}代。",
            category="冷链" if i % 2 else "包装",
            regions=frozenset({"贵州"}) if i % 3 else frozenset({"云南"}),
            price_min=float(10_000 * i),
        )
        for i in range(1, 9)
    ]
    return MatchIndex.build(needs, results)


@pytest.mark.parametrize("side", ["needs", "results"])
def test_explaining_only_the_top_ranks_the_same_and_explains_the_first_in_full(side):
    index = _corpus()
    find = index.top_k_for_needs if side == "needs" else index.top_k_for_results
    full = find(None, k=6, explain=True)
    top = find(None, k=6, explain_top=2)
    assert full.keys() == top.keys()
    for query, found in top.items():
        expected = full[query]
        assert [(m.id, m.score) for m in found] == [(m.id, m.score) for m in expected]
        assert len(found) > 2
        for rank, (m, e) in enumerate(zip(found, expected, strict=True)):
            got, want = m.explanation.to_dict(), e.explanation.to_dict()
            if rank < 2:
                assert got == want
                continue
            # The scores the pair was ranked by are there; terms and fits come later.
            assert got["complete"] is False
            assert not got.get("terms") and not got.get("related_terms") and not got.get("fits")
            assert got["score"] == want["score"] and got["method"] == want["method"]
            assert (got["need_id"], got["result_id"]) == (want["need_id"], want["result_id"])
            assert "complete" not in want


def test_without_explain_top_nothing_is_explained():
    found = _corpus().top_k_for_needs(None, k=6)
    assert all(m.explanation is None for ms in found.values() for m in ms)
