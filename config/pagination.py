"""Pagination for long lists: counts from the cache, and each page in two steps.

Every page of a list says how many there are. PostgreSQL counts by reading every row, and
listing rows are wide: counting 100,000 open needs, or the 30,000 results that hold a common
search word, takes 150–250 ms, more than the rest of the page (bench/load_site.py). A count of
a long list that is a minute old goes unnoticed, so counts of at least LONG_LIST rows are kept
for COUNT_SECONDS, keyed by the list's own SQL and parameters: each filter, search and
visibility (anonymous, or whose own listings) has its own. Shorter lists, such as one's own
listings, are counted afresh every time.

A page is read in two steps: the ids of its rows from the list's query without its joins,
then those rows by their ids with their related objects. In one step PostgreSQL must guess how
many rows a search keeps before the joins; when it guesses 10 for 2,651 (a common word: LIKE and
the text index are hard to estimate) it joins the wide rows in nested loops through temporary
files, 460 ms for a page of 20 instead of 50. The ids of a long list's pages are kept in the
cache too, until a row of the table changes (page_ids).
"""

import contextlib
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

LONG_LIST = 1000
COUNT_SECONDS = 60


def list_count(queryset) -> int:
    """queryset.count(), from the cache for long lists."""
    try:
        # The key is the list's SQL without its columns and order, which change no count and
        # cost the most to compile.
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(): nothing to count
        return 0
    key = "list-count:" + hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()
    try:
        count = cache.get(key)
    except Exception:  # a cache outage must not take the lists down
        count = None
    if count is None:
        count = queryset.count()
        if count >= LONG_LIST:
            with contextlib.suppress(Exception):
                cache.set(key, count, COUNT_SECONDS)
    return count


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        return list_count(self.object_list)

    def page(self, number):
        page = super().page(number)
        if isinstance(self.object_list, QuerySet):
            ids = page_ids(page.object_list, long=self.count >= LONG_LIST)
            rows = rows_by_id(self.object_list).in_bulk(ids)
            page.object_list = [rows[pk] for pk in ids if pk in rows]
        return page


def _latest_change(model, using: str):
    """When a row of the table last changed (its newest updated_at), or None if it has no
    such column. Every write that adds, edits, moves or re-orders a listing saves it."""
    if not any(f.name == "updated_at" for f in model._meta.concrete_fields):
        return None
    rows = model._base_manager.using(using).order_by("-updated_at")
    return rows.values_list("updated_at", flat=True).first()


def page_ids(page_query: QuerySet, *, long: bool) -> list:
    """The ids of a page's rows, in order. For a long list of a table that stamps its rows
    (updated_at), from the cache until any row of the table changes: sorting the thousands
    of rows of a common search word by relevance took PostgreSQL 70-200 ms for each page
    (bench/request_cpu.py), and a table of listings changes far less often than it is read.
    Rows deleted since are left out when the page reads its rows."""
    ids_query = page_query.values_list("pk", flat=True)
    latest = _latest_change(page_query.model, page_query.db) if long else None
    if latest is None:
        return list(ids_query)
    sql, params = ids_query.query.sql_with_params()
    key = (
        "list-ids:"
        + hashlib.sha256(
            repr((page_query.db, sql, params, latest.isoformat())).encode()
        ).hexdigest()
    )
    try:
        ids = cache.get(key)
    except Exception:  # a cache outage must not take the lists down
        ids = None
    if ids is None:
        ids = list(ids_query)
        with contextlib.suppress(Exception):
            cache.set(key, ids, COUNT_SECONDS)
    return ids


def rows_by_id(queryset: QuerySet) -> QuerySet:
    """The query that reads a page's rows by their ids: the list's related objects, deferred
    fields and prefetches, without its filters and order, which chose the ids already (a
    search's filters cost as much to compile again as the rest of the query). A list that
    selects annotations or extra columns keeps its whole query: the rows may show them."""
    query = queryset.query
    if query.annotation_select or query.extra_select:
        return queryset.order_by()
    rows = queryset.model._base_manager.using(queryset.db).all()
    rows.query.select_related = query.select_related
    rows.query.deferred_loading = query.deferred_loading
    return rows.prefetch_related(*queryset._prefetch_related_lookups)


class CachedCountPagination(PageNumberPagination):
    """The API's page-number pagination (REST_FRAMEWORK["PAGE_SIZE"] a page)."""

    django_paginator_class = CachedCountPaginator
