"""Query-side handling of colloquial needs: budgets, quantities, stop phrases (issue 10)."""

from __future__ import annotations

import pytest

from matchmaking.matching import MatchIndex, NeedDoc, ResultDoc, extract_budget
from matchmaking.matching.colloquial import clean_need_text, remove_stop_phrases
from matchmaking.matching.structured import need_facts
from matchmaking.matching.text import Analyzer

W = 10_000


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("想在村头建个小冻库，预算20万以内，电费贵不贵", None, 20 * W),
        ("预算5万", None, 5 * W),
        ("三五万能搞不", 3 * W, 5 * W),
        ("花个两三万", 2 * W, 3 * W),
        ("两万", None, 2 * W),
        ("10-20万的设备", 10 * W, 20 * W),
        ("10到20万", 10 * W, 20 * W),
        ("价格在3千到5千之间", 3000, 5000),
        ("不超过5000元", None, 5000),
        ("5000元以下", None, 5000),
        ("20万左右", 16 * W, 24 * W),
        ("三万以上", 3 * W, None),
        ("一万五", None, 15000),
        ("1.5万", None, 15000),
        ("十几万", 10 * W, 20 * W),
        ("二十多万", 20 * W, 30 * W),
        ("投入一两万块钱", W, 2 * W),
        ("15w以内", None, 15 * W),
        ("五千块钱的设备", None, 5000),
    ],
)
def test_extract_budget(text, lo, hi):
    got_lo, got_hi, cleaned = extract_budget(text)
    assert (got_lo, got_hi) == (lo, hi)
    assert "万" not in cleaned and "元" not in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "每天发500单，想找个打单的",
        "一年要扔掉好几千斤",
        "猪养了2万头",
        "粉丝2万",
        "预算几千块",
        "5G网络",
    ],
)
def test_quantities_are_not_budgets(text):
    assert extract_budget(text)[:2] == (None, None)


def test_budget_and_quantities_leave_the_text():
    assert extract_budget("预算20万以内，建冷库")[2].strip(" ，") == "建冷库"
    cleaned = clean_need_text("旺季每天发500单，好几千斤，5G网络，第三方物流，一次性包装")
    for gone in ("500", "单", "千斤"):
        assert gone not in cleaned
    for kept in ("5G", "第三方物流", "一次性包装", "每天发"):
        assert kept in cleaned


def test_stop_phrases_removed_whole_but_not_inside_words():
    assert remove_stop_phrases("请问有没有便宜点的办法，谢谢").split() == ["便宜点的", "，"]
    assert remove_stop_phrases("思想需求") == "思想需求"
    feats = Analyzer().features("啥子办法", colloquial=True)
    assert feats == []  # neither the phrase nor its characters (办, 法, 啥)
    assert "法" in Analyzer().features("办法")  # results (not colloquial) keep them


RESULTS = [
    ResultDoc(
        id=1, title="产地组装式节能冷库", text="合作社冷库建设方法与成本。", price_min=15 * W
    ),
    ResultDoc(id=2, title="果蔬差压预冷装置", text="田头预冷，快速降温的方法。", price_min=40 * W),
    ResultDoc(id=3, title="农产品电商直播", text="直播带货与办法研究。"),
]


def test_stop_phrases_and_budget_carry_no_text_weight():
    idx = MatchIndex.build([], RESULTS)
    plain = [(m.id, m.score) for m in idx.search("冷库 预冷", k=3)]
    chatty = [
        (m.id, m.score) for m in idx.search("请问有没有冷库 预冷的办法，预算20万以内，谢谢", k=3)
    ]
    assert plain == chatty
    a = idx.top_k_for_need(NeedDoc(id="a", text="冷库预冷"), k=3)
    b = idx.top_k_for_need(NeedDoc(id="b", text="想找冷库预冷的办法，三五万，咋个弄"), k=3)
    assert sorted((m.id, m.text_score) for m in a) == sorted((m.id, m.text_score) for m in b)
    # the budget went to the structured price fit instead: both results cost more than 5万
    # need a asks for no price, maturity or mode (those fits hold: 0.2 + 0.15 + 0.1), its
    # category and region are unknown (0.5 x (0.3 + 0.25)); need b's budget is exceeded
    assert [m.structured_score for m in a] == pytest.approx([0.725] * len(a))
    assert all(m.structured_score < 0.725 for m in b)


def test_budget_in_text_fills_the_structured_field_when_unset():
    assert need_facts(NeedDoc(id=1, text="冷库，预算20万以内")).budget_max == 20 * W
    assert (
        need_facts(NeedDoc(id=1, text="冷库，预算20万以内", budget_max=5 * W)).budget_max == 5 * W
    )
    idx = MatchIndex.build([], RESULTS)
    m = idx.top_k_for_need(NeedDoc(id="n", text="冷库预冷，预算20万以内"), k=2, explain=True)
    fits = {r.id: r.explanation.to_dict()["fits"]["price"]["reason"] for r in m}
    assert fits == {1: "price_within_budget", 2: "price_over_budget"}
