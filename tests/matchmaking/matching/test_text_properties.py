"""Properties of the tokeniser that hold for any text anyone can type or paste.

The example-based tests in test_text.py, test_colloquial.py and test_thesaurus.py say what
the tokeniser does with the texts we know; these say what it does with every text: it never
raises, it gives non-empty normalised features, it is deterministic, a Chinese run gives only
its own characters and their neighbours, punctuation is a hard boundary, and the thesaurus
only ever adds canonical terms at their lower weight.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaking.listings.search import index_tokens, normalise, term_tokens
from matchmaking.matching.colloquial import clean_need_text, extract_budget
from matchmaking.matching.text import Analyzer, TermMatcher, is_cjk, normalize, readable_spans
from matchmaking.matching.thesaurus import default_thesaurus

PLAIN = Analyzer()
THESAURUS = Analyzer(expansions=default_thesaurus())

# Chinese characters: the basic block, extension A and the compatibility block (which NFKC
# maps onto the basic block), and some stop characters.
CJK = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
    st.characters(min_codepoint=0xF900, max_codepoint=0xFAFF),
    st.sampled_from("的了在和是我们"),  # stop characters, which never come out alone
)
CHINESE = st.text(CJK, min_size=1, max_size=40)
# Anything at all: every Unicode category, surrogates excepted (a str can hold them, but no
# request or file decodes to one).
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=200)
# Text like a need's: Chinese with digits, Latin words, money words and punctuation.
NEED_LIKE = st.text(
    st.sampled_from(
        list("猕猴桃冷链保鲜预冷洋芋马铃薯冻库万千元块以内左右预算想找办法的了")
        + list(" ，。,-0123456789aiotIoTw")
    ),
    max_size=80,
)
TEXTS = st.one_of(ANY_TEXT, NEED_LIKE, CHINESE)


@settings(max_examples=300)
@given(TEXTS, st.booleans())
def test_tokenising_any_text_gives_non_empty_normalised_features(text, colloquial):
    features = PLAIN.features(text, colloquial=colloquial)
    assert all(isinstance(f, str) and f for f in features)
    assert not any(ch.isspace() for f in features for ch in f)
    norm = normalize(text)
    # Every feature is a piece of the normalised text (colloquial cleaning only removes).
    assert all(f in norm for f in features)


@given(TEXTS, st.booleans())
def test_tokenising_is_deterministic(text, colloquial):
    first = PLAIN.features(text, colloquial=colloquial)
    assert Analyzer().features(text, colloquial=colloquial) == first
    assert PLAIN.features(text, colloquial=colloquial) == first
    assert PLAIN.counts(text, colloquial=colloquial) == Counter(first)


@settings(max_examples=300)
@given(ANY_TEXT)
def test_normalising_twice_changes_nothing(text):
    once = normalize(text)
    assert normalize(once) == once


@given(ANY_TEXT)
def test_features_of_normalised_text_are_the_same(text):
    assert PLAIN.features(normalize(text)) == PLAIN.features(text)


@settings(max_examples=300)
@given(CHINESE)
def test_a_chinese_string_gives_only_its_characters_and_adjacent_pairs(text):
    norm = normalize(text)
    features = PLAIN.features(text)
    assert set("".join(features)) <= set(norm)
    for feature in features:
        assert len(feature) in (1, 2)
        assert feature in norm  # a bigram is two neighbours, never two distant characters
    assert "的" not in features and not any("的" in f for f in features)


@given(CHINESE, CHINESE)
def test_punctuation_is_a_boundary_no_feature_crosses(left, right):
    assert PLAIN.features(f"{left}，{right}") == PLAIN.features(left) + PLAIN.features(right)
    assert PLAIN.features(f"{left} {right}") == PLAIN.features(left) + PLAIN.features(right)


@settings(max_examples=300)
@given(TEXTS, st.booleans())
def test_the_thesaurus_only_adds_canonical_terms_at_half_weight(text, colloquial):
    plain = PLAIN.counts(text, colloquial=colloquial)
    expanded = THESAURUS.counts(text, colloquial=colloquial)
    for feature, count in expanded.items():
        if feature in plain:
            assert count == plain[feature]  # never boosts a term the text has
        else:
            assert count == THESAURUS.expansion_weight
    assert set(plain) <= set(expanded)


@given(TEXTS)
def test_thesaurus_matches_are_ordered_spans_of_the_text(text):
    norm = normalize(text)
    collapsed = " ".join(norm.split())
    matcher = THESAURUS._matcher
    found = matcher.find(norm)
    assert all(collapsed[i:j] == term and term in matcher.terms for i, j, term in found)
    assert [m[0] for m in found] == sorted(m[0] for m in found)
    for (_i1, j1, _t1), (i2, j2, _t2) in zip(found, found[1:], strict=False):
        assert not (i2 < j1 and j2 <= j1)  # no match lies inside an earlier one
    if found:
        assert matcher.mentions_any(norm)


@given(st.dictionaries(st.text(max_size=8), st.lists(st.text(max_size=8), max_size=3)), TEXTS)
def test_any_thesaurus_mapping_rewrites_any_text_without_raising(mapping, text):
    analyzer = Analyzer(expansions=mapping)
    counts = analyzer.counts(text)
    assert all(count > 0 for count in counts.values())
    assert TermMatcher(mapping).pairs(normalize(text)) is not None


@given(TEXTS, st.sets(st.text(max_size=3), max_size=5))
def test_explanation_phrases_are_pieces_of_the_text(text, matched):
    norm = normalize(text)
    for phrase, features in readable_spans(text, matched | set(PLAIN.features(text)[:5])):
        assert phrase and phrase in norm
        assert features


@settings(max_examples=300)
@given(TEXTS)
def test_budget_extraction_never_raises_and_gives_an_ordered_range(text):
    low, high, rest = extract_budget(text)
    assert low is None or low >= 0
    assert high is None or high >= 0
    if low is not None and high is not None:
        assert low <= high
    assert isinstance(rest, str)
    assert isinstance(clean_need_text(text), str)


@settings(max_examples=300)
@given(TEXTS, st.data())
def test_site_search_finds_every_chinese_piece_of_a_listing(text, data):
    """A listing whose text contains a searched Chinese term holds all of the term's tokens.

    (Latin words are whole-word tokens by design: "cold" does not find "coldchain".)"""
    norm = normalise(text)
    start = data.draw(st.integers(0, len(norm)))
    term = norm[start : data.draw(st.integers(start, len(norm)))]
    if term and all(is_cjk(ch) for ch in term):
        assert set(term_tokens(term)) <= set(index_tokens(text).split())
