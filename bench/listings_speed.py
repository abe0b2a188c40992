"""Latency of the need list page and the needs API with 100,000 needs in PostgreSQL.

Usage: python bench/listings_speed.py [--needs 100000] [--requests 40]
Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/nongqiao_bench), which it
creates, migrates and fills once; later runs reuse the rows. Requests go through Django's test
client in this process (no network), so the figures are the application's own time: URL
routing, queries, templates or serializers.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nongqiao_bench")
os.environ.update(
    DATABASE_URL=DB_URL,
    DEBUG="false",
    SECRET_KEY="bench-only-secret-key-0123456789",
    ALLOWED_HOSTS="testserver",
    REDIS_URL="",
    VAR_DIR=os.environ.get("BENCH_VAR_DIR", str(Path(tempfile.gettempdir()) / "nongqiao-bench")),
    DJANGO_SETTINGS_MODULE="config.settings",
)


def ensure_database() -> None:
    from filler import ensure_database as create

    create(DB_URL)


def fill(target: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from matchmaking.listings.search import index_tokens
    from matchmaking.models import TechnologyNeed

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("demo_data", stdout=quiet)
    have = TechnologyNeed.objects.count()
    if have >= target:
        return
    templates = list(TechnologyNeed.objects.exclude(status="draft").order_by("pk"))
    started = time.perf_counter()
    batch = []
    for n in range(have, target):
        source = templates[n % len(templates)]
        clone = TechnologyNeed(
            **{
                f.attname: getattr(source, f.attname)
                for f in TechnologyNeed._meta.concrete_fields
                if f.attname not in ("id", "created_at", "updated_at")
            }
        )
        clone.title = f"{source.title}（{n}）"
        clone.search_text = f"{clone.title.lower()} {source.search_text}"
        clone.search_tokens = index_tokens(clone.search_text)
        batch.append(clone)
        if len(batch) == 5000:
            TechnologyNeed.objects.bulk_create(batch)
            batch = []
    TechnologyNeed.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled to {target} needs in {time.perf_counter() - started:.1f} s")


def measure(client, url: str, count: int) -> tuple[float, float, int]:
    for _ in range(3):
        client.get(url)  # warm caches and the connection
    times = []
    status = 0
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    ensure_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from matchmaking.models import TechnologyNeed

    fill(args.needs)
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    total = TechnologyNeed.objects.count()
    open_needs = TechnologyNeed.objects.filter(status="open").count()
    print(f"needs in the database: {total} ({open_needs} open), {args.requests} requests each")
    cases = [
        ("page, no filter", "/needs/"),
        ("page, search 猕猴桃 冷链", "/needs/?q=猕猴桃+冷链"),
        ("page, category + province", "/needs/?category=cold-chain-logistics&province=510000"),
        ("page, search, page 50", "/needs/?q=冷链&page=50"),
        ("API, no filter", "/api/v1/needs/"),
        ("API, search 猕猴桃 冷链", "/api/v1/needs/?q=猕猴桃+冷链"),
        (
            "API, category + province",
            "/api/v1/needs/?category=cold-chain-logistics&province=510000",
        ),
    ]
    print(f"{'case':<34} {'median ms':>10} {'p95 ms':>10} {'status':>7}")
    for name, url in cases:
        median, p95, status = measure(client, url, args.requests)
        print(f"{name:<34} {median:>10.1f} {p95:>10.1f} {status:>7}")


if __name__ == "__main__":
    main()
