"""Tokeniser: normalisation, mixed scripts, stop words, edge sizes, thesaurus hook."""

from __future__ import annotations

import time

from matchmaking.matching.text import MAX_CHARS, Analyzer, is_cjk, normalize, readable_spans

A = Analyzer()


def test_chinese_gives_unigrams_and_bigrams_without_stop_characters():
    feats = A.features("果蔬的冷链保鲜")
    assert "冷链" in feats and "保鲜" in feats and "果蔬" in feats
    assert "冷" in feats and "鲜" in feats
    assert "的" not in feats  # stop character as unigram
    assert "蔬的" not in feats and "的冷" not in feats  # 的 breaks bigrams
    # a bigram with one other stop character stays (了解, 在线 are words); IDF weighs it down
    assert "在线" in A.features("在线监测")
    assert "我们" not in A.features("我们")  # both characters stop characters: dropped


def test_mixed_scripts_split_into_runs():
    feats = A.features("基于LoRa的冷链温度监测system，支持5G与NB-IoT")
    assert "lora" in feats and "system" in feats and "5g" in feats
    assert "nb" in feats and "iot" in feats
    assert "冷链" in feats and "监测" in feats
    # no feature mixes Latin and CJK, and no bigram crosses the Latin word
    assert not any(is_cjk(f) and any("a" <= ch <= "z" for ch in f) for f in feats)
    assert "于冷" not in feats


def test_bigrams_never_cross_punctuation_or_spaces():
    feats = A.features("冷，链 物 流")
    assert "冷链" not in feats and "物流" not in feats


def test_full_width_text_is_normalised():
    assert A.features("ＰＭ２．５监测，ＡＢＣ公司") == A.features("PM2.5监测,abc公司")
    assert normalize("ＡＢＣ１２３！") == "abc123!"


def test_english_stop_words_numbers_and_single_letters_dropped():
    feats = A.features("The system of a 2024 model x")
    assert feats == ["system", "model"]


def test_stop_words_removed():
    feats = A.features("我们可以通过")
    assert "我们" not in feats and "可以" not in feats and "通过" not in feats


def test_empty_and_whitespace_and_punctuation_only():
    assert A.features("") == []
    assert A.features(None) == []
    assert A.features("   \n\t ") == []
    assert A.features("，。！？、；：“”（）") == []
    assert A.counts("") == {}


def test_huge_input_is_truncated_and_fast():
    text = "冷链物流保鲜技术研究" * 200_000  # 2 million characters
    t0 = time.perf_counter()
    feats = A.features(text)
    assert time.perf_counter() - t0 < 5
    assert 0 < len(feats) <= 2 * MAX_CHARS


def test_readable_spans_merge_consecutive_bigrams():
    spans = dict(readable_spans("发展冷链物流和溯源", {"冷链", "链物", "物流", "溯源", "冷"}))
    assert "冷链物流" in spans and "溯源" in spans
    assert set(spans["冷链物流"]) >= {"冷链", "链物", "物流", "冷"}
    # single characters are never a phrase unless they stand alone
    assert dict(readable_spans("茶，种植", {"茶"})) == {"茶": ["茶"]}
    assert readable_spans("茶叶", {"茶"}) == []


def test_expansion_hook_adds_canonical_terms_at_lower_weight():
    an = Analyzer(expansions={"洋芋": ["马铃薯"]}, expansion_weight=0.5)
    counts = an.counts("洋芋种植")
    assert counts["洋芋"] == 1 and counts["马铃"] == 0.5 and counts["铃薯"] == 0.5
    an.set_expansions(None)  # reload without restart
    assert "马铃" not in an.counts("洋芋种植")


def test_a_span_index_gives_the_spans_readable_spans_gives():
    """SpanIndex reads a text once; its spans for any set of matched features are
    readable_spans' for that set (the explanation relies on it for long queries)."""
    import random

    from matchmaking.matching.text import SpanIndex

    rng = random.Random(1)
    chars = "冷链物流猕猴桃的了和茶叶种植预冷保鲜，。 ab cd 电商"
    plain = Analyzer()
    for _ in range(2000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 40)))
        features = sorted(set(plain.features(text))) + ["ab", "茶", "冷", "x"]
        matched = set(rng.sample(features, k=rng.randint(0, len(features))))
        assert SpanIndex(text).spans(matched) == readable_spans(text, matched), (text, matched)
