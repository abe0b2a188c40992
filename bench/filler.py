"""Scale the demo world up: clones of its published needs and results, with varied texts.

Shared by the site benchmarks (bench/matching_e2e.py, bench/load_site.py). Call after
django.setup(), on a database that holds the demo world; `ensure_database` before it.
"""

import random
import subprocess
import time


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database `url` names, unless it exists (needs no Django)."""
    base, name = url.rsplit("/", 1)
    exists = subprocess.run(
        ["psql", f"{base}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)


def _vary(text: str, rng: random.Random, pool: list[str]) -> str:
    """Recombine clauses so that clones are not identical documents."""
    clauses = [c for c in text.replace("。", "，").split("，") if c]
    extra = rng.choice(pool)
    rng.shuffle(clauses)
    return "，".join(clauses[: max(2, len(clauses) - 1)] + [extra]) + "。"


def clone_listings(n_results: int, n_needs: int, *, seed: int = 2026) -> None:
    """Fill up to n_results results and n_needs needs. Clone number n copies published source
    n % len(sources) (sources ordered by pk) and is titled "<source title>（n）"; clones are
    published, their matching already done (matching_pending off)."""
    from django.db import connection

    from matchmaking.listings.search import index_tokens
    from matchmaking.models import ResearchResult, TechnologyNeed

    rng = random.Random(seed)
    filled = False
    for model, target, text_field in (
        (ResearchResult, n_results, "abstract"),
        (TechnologyNeed, n_needs, "description"),
    ):
        have = model.objects.count()
        if have >= target:
            continue
        filled = True
        sources = published_sources(model)
        clauses = [c for s in sources for c in getattr(s, text_field).split("，") if len(c) > 6]
        started = time.perf_counter()
        for start in range(have, target, 5000):
            batch = []
            for n in range(start, min(target, start + 5000)):
                source = sources[n % len(sources)]
                clone = model(
                    **{
                        f.attname: getattr(source, f.attname)
                        for f in model._meta.concrete_fields
                        if f.attname not in ("id", "created_at", "updated_at")
                    }
                )
                clone.title = f"{source.title}（{n}）"
                setattr(clone, text_field, _vary(getattr(source, text_field), rng, clauses))
                clone.search_text = f"{clone.title} {getattr(clone, text_field)}".lower()
                clone.search_tokens = index_tokens(clone.search_text)
                clone.matching_pending = False
                if model is ResearchResult:
                    clone.ip_number = ""
                batch.append(clone)
            model.objects.bulk_create(batch)
        print(
            f"filled {model.__name__} to {target} in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    if filled:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def published_sources(model) -> list:
    """The demo listings that clone_listings copies, in its order (clones are left out)."""
    from matchmaking.models import ResearchResult

    published = "listed" if model is ResearchResult else "open"
    return list(
        model.objects.filter(status=published).exclude(title__regex=r"（[0-9]+）$").order_by("pk")
    )
