"""How a full re-match writes: each chunk's pairs staged, then merged into the matches at once.

A chunk of a full re-match proposes a few tens of thousands of pairs. They are written to a
staging table (`RebuildPair`) with PostgreSQL's COPY. Each chunk of the results' phase then
merges the run's pairs of its results into `Match`, with one INSERT … SELECT … ON CONFLICT
statement that:

- inserts the pairs that are new, as suggestions;
- updates a stored pair only when its scores or its matcher changed, or when it now brings a
  complete explanation where the stored one has none yet: a pair ranked as before is not
  rewritten (no new row version, no index churn), and no pair is written twice in a run;
- never replaces a complete explanation by one without terms (it takes the new scores);
- never touches the workflow: state, contact, history, notes stay as they are.

Once a result's chunk has merged, every pair of that result is known: the same chunk drops the
result's untouched suggestions the run no longer makes (`drop_unproposed`) and ranks the
result's matches (`rank_results`), so that this work is spread over the workers. The staged
pairs stay until the run finishes: the finish drops the suggestions of results no chunk had
(no longer listed) and ranks each need's matches, whose pairs come from every chunk, in one
statement that writes only the ranks that moved (`rerank_all`).

On other databases (SQLite, the embedded default) the staging rows are written with
bulk_create instead of COPY; the merge and the rest are the same statements.
"""

from __future__ import annotations

import json

from django.db import connection
from django.utils import timezone

from matchmaking.matches.states import MatchState
from matchmaking.models import Match, RebuildChunk, RebuildPair, ResearchResult

#: What the matcher computes for a pair; every other column of a new match takes its default.
COMPUTED = ("score", "text_score", "structured_score", "explanation", "matcher")
_STAGED = ("run_id", "chunk_id", "need_id", "result_id", *COMPUTED)


def stage_pairs(*, run_id: int, chunk_id: int, rows: list[tuple]) -> None:
    """Write a chunk's pairs to the staging table. Each row is (need id, result id, score,
    text score, structured score, explanation dict, matcher name), in (need, result) order."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(_STAGED)
        table = RebuildPair._meta.db_table
        # psycopg 3's COPY … FROM STDIN: the whole chunk in one stream.
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for need_id, result_id, score, text, structured, explanation, matcher in rows:
                copy.write_row(
                    (
                        run_id,
                        chunk_id,
                        need_id,
                        result_id,
                        score,
                        text,
                        structured,
                        json.dumps(explanation, ensure_ascii=False),
                        matcher,
                    )
                )
        return
    RebuildPair.objects.bulk_create(
        (
            RebuildPair(
                run_id=run_id,
                chunk_id=chunk_id,
                need_id=need_id,
                result_id=result_id,
                score=score,
                text_score=text,
                structured_score=structured,
                explanation=explanation,
                matcher=matcher,
            )
            for need_id, result_id, score, text, structured, explanation, matcher in rows
        ),
        batch_size=2000,
    )


def _complete(column: str) -> str:
    """SQL: the explanation in `column` has its terms (an incomplete one says so)."""
    if connection.vendor == "postgresql":
        return f"COALESCE(({column} ->> 'complete')::boolean, true)"
    return f"COALESCE(json_extract({column}, '$.complete'), 1) = 1"


def _defaults(now) -> tuple[list[str], list]:
    """The columns of a new match the matcher does not compute, with their values."""
    columns, values = [], []
    for field in Match._meta.concrete_fields:
        if field.primary_key or field.attname in ("need_id", "result_id", "matcher_version"):
            continue
        if field.attname in COMPUTED:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        columns.append(field.column)
        values.append(field.get_db_prep_save(value, connection))
    return columns, values


#: Kept from the newer row when an older row of the run brings the complete explanation.
_SCORES = ("score", "text_score", "structured_score", "method", "dense_score", "lowered_by")


def _with_scores_of(explanation: str, newer: str) -> str:
    """SQL: `explanation` with the scores of the `newer` one."""
    if connection.vendor == "postgresql":
        pairs = ", ".join(f"'{key}', {newer} -> '{key}'" for key in _SCORES)
        return f"({explanation} || jsonb_build_object({pairs}))"
    pairs = ", ".join(f"'$.{key}', json_extract({newer}, '$.{key}')" for key in _SCORES)
    return f"json_set({explanation}, {pairs})"


def merge_results(chunk_id: int, result_ids: list[int], run_id: int, version: str) -> int:
    """Merge the run's staged pairs of these results into the matches; returns how many rows
    were written (inserted or changed). Run in the result chunk's transaction.

    Each pair is merged once per run, by the chunk of its result: a pair both sides found has
    two staged rows, and the result side's (the later chunk) gives the scores, as it always
    has; its explanation is the complete one of the two when there is one.
    """
    if not result_ids:
        return 0
    table = Match._meta.db_table
    staged = RebuildPair._meta.db_table
    other_columns, other_values = _defaults(timezone.now())
    insert_columns = ", ".join(
        ["need_id", "result_id", *COMPUTED, "matcher_version", *other_columns]
    )
    placeholders = ", ".join(["%s"] * len(other_values))
    ids = ", ".join(["%s"] * len(result_ids))
    # The pair's other staged row of this run, if any: the need side's, from an earlier
    # chunk (whose complete explanation is kept), or the result side's, from a later one
    # (then that row is the one merged, and this one is skipped). A pair has at most two.
    explanation = (
        f"CASE WHEN {_complete('p.explanation')} OR q.explanation IS NULL"
        f" OR NOT {_complete('q.explanation')} THEN p.explanation"
        f" ELSE {_with_scores_of('q.explanation', 'p.explanation')} END"
    )
    # What the upsert below would change; pairs stored unchanged are left out before it, as
    # ON CONFLICT would lock (and so write) each of their rows to find nothing to do.
    changed = (
        "cur.score <> s.score OR cur.text_score <> s.text_score"
        " OR cur.structured_score <> s.structured_score OR cur.matcher <> s.matcher"
        f" OR ({_complete('s.explanation')} AND NOT {_complete('cur.explanation')})"
    )
    sql = f"""
        INSERT INTO {table} AS m ({insert_columns})
        SELECT s.need_id, s.result_id, s.score, s.text_score, s.structured_score,
            s.explanation, s.matcher, %s, {placeholders}
        FROM (
            SELECT p.need_id, p.result_id, p.score, p.text_score, p.structured_score,
                p.matcher, {explanation} AS explanation
            FROM {staged} p
            LEFT JOIN {staged} q ON q.run_id = p.run_id AND q.result_id = p.result_id
                AND q.need_id = p.need_id AND q.chunk_id <> p.chunk_id
            WHERE p.run_id = %s AND p.result_id IN ({ids})
                AND (q.chunk_id IS NULL OR q.chunk_id < p.chunk_id)
        ) AS s
        LEFT JOIN {table} cur ON cur.need_id = s.need_id AND cur.result_id = s.result_id
        WHERE cur.id IS NULL OR {changed}
        ORDER BY s.need_id, s.result_id
        ON CONFLICT (need_id, result_id) DO UPDATE SET
            score = excluded.score,
            text_score = excluded.text_score,
            structured_score = excluded.structured_score,
            matcher = excluded.matcher,
            matcher_version = excluded.matcher_version,
            explanation = CASE
                WHEN {_complete("excluded.explanation")} OR NOT {_complete("m.explanation")}
                THEN excluded.explanation
                ELSE {_with_scores_of("m.explanation", "excluded.explanation")}
            END
        WHERE m.score <> excluded.score
            OR m.text_score <> excluded.text_score
            OR m.structured_score <> excluded.structured_score
            OR m.matcher <> excluded.matcher
            OR ({_complete("excluded.explanation")} AND NOT {_complete("m.explanation")})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [version, *other_values, run_id, *result_ids])
        return cursor.rowcount


def drop_unproposed(run_id: int, result_ids: list[int]) -> tuple[int, list[int]]:
    """Delete the untouched suggestions of these results that the run did not propose; returns
    how many, and the results that lost one.

    Each side read once through its index (the results' suggestions, the run's staged pairs of
    the same results) and compared here: as one NOT EXISTS, PostgreSQL probed the staging table
    once per suggestion, 2.3 s a chunk once the run had staged 2.4 M pairs.

    Found in SQL, deleted through the ORM: a suggestion can have rows that point at it (the
    events of a move that was undone, a fair's meeting request), which Django deletes or
    unlinks as their foreign keys say; the database's own constraints would refuse a raw
    DELETE. Usually few: a re-match of unchanged listings drops none."""
    table = Match._meta.db_table
    staged = RebuildPair._meta.db_table
    doomed: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(result_ids), 2000):
            batch = result_ids[start : start + 2000]
            ids = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT id, need_id, result_id FROM {table}"
                f" WHERE result_id IN ({ids}) AND state = %s",
                [*batch, MatchState.SUGGESTED.value],
            )
            suggested = cursor.fetchall()
            if not suggested:
                continue
            cursor.execute(
                f"SELECT need_id, result_id FROM {staged}"
                f" WHERE run_id = %s AND result_id IN ({ids})",
                [run_id, *batch],
            )
            proposed = set(cursor.fetchall())
            doomed += [
                (pk, result_id)
                for pk, need_id, result_id in suggested
                if (need_id, result_id) not in proposed
            ]
    dropped = 0
    for start in range(0, len(doomed), 2000):
        batch = [pk for pk, _ in doomed[start : start + 2000]]
        dropped += (
            Match.objects.filter(pk__in=batch, state=MatchState.SUGGESTED)
            .delete()[1]
            .get(Match._meta.label, 0)
        )
    return dropped, sorted({result_id for _, result_id in doomed})


def results_outside(run_id: int) -> list[int]:
    """The results no chunk of the run had (not listed when its snapshot was taken): their
    suggestions are the finish's to drop, every other result's were its chunk's. Found from the
    results' ids (one index) instead of comparing every suggestion with the staged pairs
    (5.7 s at 2.4 M matches)."""
    covered: set[int] = set()
    for ids in RebuildChunk.objects.filter(run_id=run_id, kind="results").values_list(
        "ids", flat=True
    ):
        covered.update(ids)
    return sorted(set(ResearchResult.objects.values_list("pk", flat=True)) - covered)


def rank_results(result_ids: list[int], closed_sql: str) -> int:
    """Rank each of these results' open matches (rank_for_result), writing only the ranks that
    moved; returns the rows written.

    Read, then written by id: as one UPDATE … FROM, PostgreSQL joined the chunk's ranked rows
    to the whole table with a sequential scan (4 s a chunk at 2.4 M matches); and a re-match
    of unchanged listings moves no rank at all."""
    if not result_ids:
        return 0
    table = Match._meta.db_table
    ids = ", ".join(["%s"] * len(result_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id, for_result FROM (
                SELECT id, rank_for_result,
                    ROW_NUMBER() OVER (PARTITION BY result_id ORDER BY score DESC, id)
                        AS for_result
                FROM {table}
                WHERE result_id IN ({ids}) AND state NOT IN ({closed_sql})
            ) AS ranked
            WHERE rank_for_result IS NULL OR rank_for_result <> for_result
            """,
            result_ids,
        )
        return _write_ranks(cursor, cursor.fetchall(), ["rank_for_result"])


def _write_ranks(cursor, moved: list[tuple], columns: list[str]) -> int:
    """Write (id, rank, …) rows into these rank columns by id; returns the rows written."""
    if connection.vendor != "postgresql":
        objs = [Match(pk=pk, **dict(zip(columns, ranks, strict=True))) for pk, *ranks in moved]
        return Match.objects.bulk_update(objs, columns, batch_size=500)
    table = Match._meta.db_table
    assign = ", ".join(f"{column} = moved.{column}" for column in columns)
    placeholders = "(%s::bigint" + ", %s::integer" * len(columns) + ")"
    written = 0
    for start in range(0, len(moved), 2000):
        batch = moved[start : start + 2000]
        values = ", ".join([placeholders] * len(batch))
        # a VALUES list: its length known, the rows are found through the primary key
        cursor.execute(
            f"UPDATE {table} SET {assign}"
            f" FROM (VALUES {values}) AS moved (id, {', '.join(columns)})"
            f" WHERE {table}.id = moved.id",
            [value for row in batch for value in row],
        )
        written += cursor.rowcount
    return written


def analyze_staged() -> None:
    """Give PostgreSQL the staging table's statistics once the needs' phase has filled it: it
    was last analysed empty, and planned each merge as if the run had a few thousand pairs
    (a scan of the whole run's pairs per merge, 1 to 3 s, instead of an index lookup)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {RebuildPair._meta.db_table}")


def settle_chunk_session(*, whole_tables: bool = False) -> None:
    """For the rest of the transaction: no JIT compilation and no parallel workers, and unless
    the statements read ``whole_tables`` (the finish), no sequential scans either.

    PostgreSQL judged a chunk's statements costly enough to compile (150 ms each), for what
    index lookups do at once; and the re-match's workers already keep the cores busy. Each of
    a chunk's statements reads the rows of its few thousand listings, which an index finds;
    with statistics taken before the run filled a table (or with autovacuum off), PostgreSQL
    scanned the whole staging table in each merge instead (2.6 s against 0.7 s by the end of a
    run of 2.4 M pairs) and the whole match table in each ranking."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            if not whole_tables:
                cursor.execute("SET LOCAL enable_seqscan = off")


def clear_staged() -> None:
    """Empty the staging table once a run is over: one run goes at a time, and what a failed
    run left behind is of no use."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {RebuildPair._meta.db_table}")
        return
    RebuildPair.objects.all().delete()


def rerank_all(closed_sql: str, *, results: bool = True) -> int:
    """Every open match's rank for its need and, unless ``results=False`` (the chunks ranked
    them), for its result, writing only the rows whose ranks moved (both columns at once: one
    new row version, not two); closed matches have none. Returns the rows written.

    Read in one pass, then written by id, as `rank_results` does: as one UPDATE … FROM, the
    ranked rows were joined back to the whole table (7.3 s at 2.4 M matches) to find that a
    re-match of unchanged listings moves no rank at all."""
    table = Match._meta.db_table
    sides = {"need": "need_id", **({"result": "result_id"} if results else {})}
    ranks = ", ".join(
        f"ROW_NUMBER() OVER (PARTITION BY {column} ORDER BY score DESC, id) AS for_{side}"
        for side, column in sides.items()
    )
    moved = " OR ".join(
        f"rank_for_{side} IS NULL OR rank_for_{side} <> for_{side}" for side in sides
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id, {", ".join(f"for_{side}" for side in sides)} FROM (
                SELECT id, {", ".join(f"rank_for_{side}" for side in sides)}, {ranks}
                FROM {table} WHERE state NOT IN ({closed_sql})
            ) AS ranked
            WHERE {moved}
            """
        )
        written = _write_ranks(cursor, cursor.fetchall(), [f"rank_for_{side}" for side in sides])
        cursor.execute(
            f"UPDATE {table} SET rank_for_need = NULL, rank_for_result = NULL "
            f"WHERE state IN ({closed_sql}) "
            f"AND (rank_for_need IS NOT NULL OR rank_for_result IS NOT NULL)"
        )
        return written + cursor.rowcount
