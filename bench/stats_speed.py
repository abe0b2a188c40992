"""Statistics page and API times with 100,000 results, 20,000 needs and 500,000 matches.

Usage: python bench/stats_speed.py [--matches 500000] [--requests 10]
Uses the database filled by bench/matching_e2e.py (BENCH_DATABASE_URL, default
.../nongqiao_bench_match); tops the matches up to the target with synthetic pairs in realistic
workflow states. "Cold" clears the cache before each request; "cached" does not. Requests go
through Django's test client in this process.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    DATABASE_URL=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nongqiao_bench_match"
    ),
    REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    DEBUG="false",
    SECRET_KEY="bench-only-secret-key-0123456789",
    ALLOWED_HOSTS="testserver",
    VAR_DIR=str(Path(tempfile.gettempdir()) / "nongqiao-bench-stats"),
    DJANGO_SETTINGS_MODULE="config.settings",
)

STATES = [
    ("suggested", 0.86),
    ("shortlisted", 0.05),
    ("contacted", 0.03),
    ("evaluating", 0.02),
    ("solution_proposed", 0.015),
    ("on_trial", 0.01),
    ("adopted", 0.01),
    ("declined", 0.005),
]


def top_up(target: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from matchmaking.models import Match, MatchEvent, ResearchResult, TechnologyNeed

    have = Match.objects.count()
    if have >= target:
        return
    rng = random.Random(8)
    needs = list(TechnologyNeed.objects.values_list("pk", flat=True))
    results = list(ResearchResult.objects.values_list("pk", flat=True))
    existing = set(Match.objects.values_list("need_id", "result_id"))
    states, weights = zip(*STATES, strict=True)
    now = timezone.now()
    started = time.perf_counter()
    while have < target:
        batch, events = [], []
        while len(batch) < 10_000 and have + len(batch) < target:
            pair = (rng.choice(needs), rng.choice(results))
            if pair in existing:
                continue
            existing.add(pair)
            state = rng.choices(states, weights)[0]
            when = now - timedelta(days=rng.randint(0, 900))
            batch.append(
                Match(
                    need_id=pair[0],
                    result_id=pair[1],
                    score=rng.random(),
                    text_score=rng.random(),
                    structured_score=rng.random(),
                    matcher_version="bench",
                    state=state,
                    state_changed_at=when,
                    explanation={},
                )
            )
        created = Match.objects.bulk_create(batch)
        for match in created:
            if match.state != "suggested":
                events.append(MatchEvent(match=match, from_state="suggested", to_state=match.state))
        MatchEvent.objects.bulk_create(events)
        have += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"matches topped up to {target} in {time.perf_counter() - started:.0f} s", flush=True)


def measure(client, url: str, count: int, cold: bool) -> tuple[float, float]:
    from django.core.cache import cache

    times = []
    for _ in range(count):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matches", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from matchmaking.models import Match, ResearchResult, TechnologyNeed

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    top_up(args.matches)
    print(
        f"results {ResearchResult.objects.count()}, needs {TechnologyNeed.objects.count()}, "
        f"matches {Match.objects.count()}",
        flush=True,
    )
    admin = User.objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(admin)
    cases = [
        ("stats page", "/stats/"),
        ("stats page, 2025 + Sichuan", "/stats/?year_from=2025&year_to=2025&province=510000"),
        ("API transfer rate", "/api/v1/stats/transfer-rate/"),
        ("API funnel", "/api/v1/stats/funnel/"),
    ]
    print(
        f"{'case (ms)':<30} {'cold median':>12} {'cold p95':>10} {'cached median':>14} "
        f"{'cached p95':>11}"
    )
    for name, url in cases:
        cold = measure(client, url, max(3, args.requests // 3), cold=True)
        client.get(url)
        cached = measure(client, url, args.requests, cold=False)
        print(f"{name:<30} {cold[0]:>12.0f} {cold[1]:>10.0f} {cached[0]:>14.1f} {cached[1]:>11.1f}")


if __name__ == "__main__":
    main()
