"""Thesaurus (issue 10): file format and validation, merging, fingerprint, boundary rules,
expansion weight, explanations, reload on an existing index."""

from __future__ import annotations

import pytest

from matchmaking.matching import (
    FORMAT_VERSION,
    MatchIndex,
    NeedDoc,
    ResultDoc,
    Thesaurus,
    ThesaurusError,
    default_thesaurus,
    load_thesaurus,
    rank,
)
from matchmaking.matching.text import Analyzer, TermMatcher, normalize
from matchmaking.matching.thesaurus import DEFAULT_PATH, KINDS, expansions_fingerprint

HEADER = "term\tcanonical\tkind"


def terms_found(mapping: dict[str, list[str]], text: str) -> list[str]:
    return [t for _i, _j, t in TermMatcher(mapping).find(normalize(text))]


# -- the file ------------------------------------------------------------------------------------


def test_shipped_file_loads_and_is_large():
    th = default_thesaurus()
    assert len(th) >= 600
    assert set(th.counts_by_kind()) <= set(KINDS)
    assert th.get("洋芋").canonical == ("马铃薯",)
    assert th.get("ＩＯＴ").canonical == ("物联网",)  # NFKC + case folding
    assert len(th.fingerprint) == 16
    assert load_thesaurus(DEFAULT_PATH).fingerprint == th.fingerprint


def test_parse_errors_name_every_bad_line():
    lines = [
        "# comment",
        HEADER,
        "洋芋\t马铃薯\tproduce",
        "土豆\t马铃薯",  # 4: two columns
        "\t马铃薯\tproduce",  # 5: empty term
        "苞谷\t玉米\tprodcue",  # 6: unknown kind
        "红苕\t\tproduce",  # 7: no canonical
        "",
        "ＡＩ\t人工智能\tabbreviation",
        "ai\t人工智能\tabbreviation",  # 10: duplicate after NFKC + case folding
        "灿烂\t光明\tblock",  # 11: a block takes "-"
    ]
    with pytest.raises(ThesaurusError) as err:
        load_thesaurus(lines)
    assert [n for n, _ in err.value.errors] == [4, 5, 6, 7, 10, 11]
    msg = str(err.value)
    assert "line 6: unknown kind 'prodcue'" in msg
    assert "line 10: duplicate term 'ai' (first on line 9)" in msg


def test_missing_header_is_an_error():
    with pytest.raises(ThesaurusError, match="line 1: expected the header"):
        load_thesaurus(["洋芋\t马铃薯\tproduce"])
    with pytest.raises(ThesaurusError, match="no header"):
        load_thesaurus(["# only a comment"])


def test_load_from_path(tmp_path):
    f = tmp_path / "t.tsv"
    f.write_text(f"{HEADER}\n洋芋\t马铃薯\tproduce\ncold chain\t冷链\tenglish\n", "utf-8")
    th = load_thesaurus(f)
    assert th.expansions() == {"洋芋": ["马铃薯"], "cold chain": ["冷链"]}
    assert load_thesaurus(th.to_tsv().splitlines()).fingerprint == th.fingerprint


def test_rows_merge_and_fingerprint():
    base = Thesaurus.from_rows([("洋芋", "马铃薯", "produce"), ("冻库", ["冷库"], "colloquial")])
    extra = Thesaurus.from_rows(
        [
            ("洋芋", "马铃薯 薯类", "produce"),
            ("冻库", "-", "block"),
            ("保鲜库", "冷库", "colloquial"),
        ]
    )
    merged = base.merged(extra)
    assert merged.expansions() == {"洋芋": ["马铃薯", "薯类"], "冻库": [], "保鲜库": ["冷库"]}
    assert merged.fingerprint != base.fingerprint
    # order-independent, and the same hash an index computes from its mapping
    same = Thesaurus.from_rows([("冻库", "冷库", "colloquial"), ("洋芋", "马铃薯", "produce")])
    assert same.fingerprint == base.fingerprint == expansions_fingerprint(base.expansions())
    with pytest.raises(ThesaurusError, match="row 2: duplicate term"):
        Thesaurus.from_rows([("洋芋", "马铃薯", "produce"), ("洋芋", "土豆", "produce")])


# -- boundaries ----------------------------------------------------------------------------------


def test_latin_terms_match_whole_words_only():
    m = {"ai": ["人工智能"], "5g": ["移动网络"], "cold chain": ["冷链"], "sc证": ["食品生产许可"]}
    assert terms_found(m, "blockchain mail") == []
    assert terms_found(m, "AI客服，用5G") == ["ai", "5g"]
    assert terms_found(m, "15g包装") == []
    assert terms_found(m, "cold   chain logistics") == ["cold chain"]
    assert terms_found(m, "要办SC证") == ["sc证"]


def test_a_not_a_question_does_not_fire():
    m = {"不贵": ["低成本"], "干不干": ["墒情"]}
    assert terms_found(m, "电费贵不贵") == []
    assert terms_found(m, "想要个不贵的") == ["不贵"]
    assert terms_found(m, "看看地干不干") == ["干不干"]


def test_single_character_terms_only_as_words():
    m = {"烂": ["腐烂"]}
    assert terms_found(m, "还有烂的") == ["烂"]
    assert terms_found(m, "烂，") == ["烂"]
    assert terms_found(m, "腐烂变质") == []
    assert terms_found(m, "阳光灿烂") == []


def test_longer_match_wins_and_block_shields():
    m = {"山芋": ["甘薯"], "洋山芋": ["马铃薯"], "烂了": ["腐烂"], "灿烂": []}
    assert terms_found(m, "洋山芋") == ["洋山芋"]
    a = Analyzer(m)
    assert a.expansions_in(normalize("洋山芋")) == [("洋山芋", "马铃薯")]
    assert a.expansions_in(normalize("笑得灿烂了")) == []  # block: matches, adds nothing


# -- weights and explanations --------------------------------------------------------------------

RESULTS = [
    ResultDoc(id="r1", title="马铃薯贮藏窖通风技术", text="马铃薯贮藏期萌芽与腐烂的控制。"),
    ResultDoc(id="r2", title="产地组装式节能冷库", text="合作社果蔬冷库的设计。"),
    ResultDoc(id="r3", title="茶园土壤墒情监测系统", text="基于物联网的墒情监测。"),
    ResultDoc(id="r4", title="玉米籽粒烘干设备", text="玉米收获后的干燥。"),
]
NEEDS = [NeedDoc(id="n1", text="洋芋窖里出芽"), NeedDoc(id="n2", text="家里苞谷多")]


def build(th=None) -> MatchIndex:
    return MatchIndex.build(NEEDS, RESULTS, expansions=th)


def test_expanded_match_scores_below_the_original_term():
    th = Thesaurus.from_rows([("洋芋", "马铃薯", "produce")])
    idx = build(th)
    colloquial = idx.top_k_for_need(NeedDoc(id="a", text="洋芋贮藏"), k=1)[0]
    canonical = idx.top_k_for_need(NeedDoc(id="b", text="马铃薯贮藏"), k=1)[0]
    assert colloquial.id == canonical.id == "r1"
    assert 0 < colloquial.text_score < canonical.text_score
    counts = Analyzer(th, expansion_weight=0.5).counts("洋芋")
    assert counts["洋芋"] == 1 and counts["马铃"] == counts["铃薯"] == 0.5


def test_expansion_never_boosts_the_texts_own_terms():
    counts = Analyzer({"保鲜": ["保鲜", "冷链"], "冻库": ["冷库"]}).counts("冻库保鲜")
    assert counts["保鲜"] == 1 and counts["库"] == 1  # own terms keep their weight
    assert counts["冷链"] == 0.5 and counts["冷库"] == 0.5


def test_explanation_shows_term_and_canonical():
    idx = build(default_thesaurus())
    need = NeedDoc(id="q", text="想用手机看茶园干不干")
    best = idx.top_k_for_need(need, k=1, explain=True)[0]
    assert best.id == "r3"
    terms = dict(best.explanation.to_dict()["terms"])
    assert "干不干 ≈ 墒情" in terms or any(t.startswith("干不干 ≈ 墒情") for t in terms)
    assert "茶园" in terms
    e = idx.explain("n1", "r1").to_dict()
    assert e["terms"][0][0] == "洋芋 ≈ 马铃薯"
    assert sum(s for _, s in e["terms"] + e["related_terms"]) <= 1.0


def test_stop_phrases_and_dialect_add_nothing_through_the_thesaurus():
    a = Analyzer(default_thesaurus())
    assert "知道" not in a.counts("不晓得", colloquial=True)
    assert not a.counts("啥子咋个晓得", colloquial=True)


# -- reload without restart ----------------------------------------------------------------------


def test_thesaurus_edit_changes_ranking_on_an_existing_index(tmp_path):
    th = Thesaurus.from_rows([("洋芋", "马铃薯", "produce")])
    idx = build(th)
    assert idx.thesaurus_fingerprint == th.fingerprint
    assert [m.id for m in idx.top_k_for_need("n2", k=1)] != ["r4"]  # 苞谷 unknown: no match
    edited = th.merged(Thesaurus.from_rows([("苞谷", "玉米", "produce")]))
    changed = idx.set_expansions(edited)  # no rebuild: only documents mentioning 苞谷
    assert changed == {"needs": ["n2"], "results": []}
    assert idx.thesaurus_fingerprint == edited.fingerprint
    assert idx.top_k_for_need("n2", k=1)[0].id == "r4"
    # the same as a full re-vectorisation with the new thesaurus
    full = idx.reindex()
    for q in ("n1", "n2"):
        a = [(m.id, round(m.score, 9)) for m in idx.top_k_for_need(q, k=4)]
        b = [(m.id, round(m.score, 9)) for m in full.top_k_for_need(q, k=4)]
        assert a == b
    # reverse direction: the result finds the need through the need's expanded vector
    assert idx.top_k_for_result("r4", k=1)[0].id == "n2"
    # snapshot keeps the thesaurus and its fingerprint
    idx.save(tmp_path / "i.npz")
    loaded = MatchIndex.load(tmp_path / "i.npz")
    assert loaded.thesaurus_fingerprint == edited.fingerprint
    assert loaded.top_k_for_need("n2", k=1)[0].id == "r4"
    assert idx.set_expansions(edited) == {"needs": [], "results": []}  # unchanged
    assert FORMAT_VERSION == 3


def test_rank_accepts_a_thesaurus():
    docs = [r.title + r.text for r in RESULTS]
    assert rank(["苞谷"], docs, k=1, lexical=True) == [[]]
    th = Thesaurus.from_rows([("苞谷", "玉米", "produce")])
    assert rank(["苞谷"], docs, k=1, expansions=th, lexical=True)[0][0][0] == 3
