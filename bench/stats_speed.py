"""Statistics page and API times with 100,000 results, 20,000 needs and 500,000 matches.

Usage: python bench/stats_speed.py [--matches 500000] [--requests 10]
Uses the database of bench/matching_e2e.py (BENCH_DATABASE_URL, default
.../nongqiao_bench_match), filling the listings with its filler when they are short, and tops
the matches up to the target with synthetic pairs in realistic workflow states, each with its
history of events. "Cold" clears the cache before each request; "cached" does not. Requests go
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


def _history(rng: random.Random, state: str, born):
    """A plausible way to `state`: the stages passed, each some days after the one before."""
    from matchmaking.matches import states as matches_states

    if state == "declined":
        stages = matches_states.FORWARD[1 : rng.randint(1, 4)] + ["declined"]
    else:
        stages = matches_states.FORWARD[1 : matches_states.FORWARD.index(state) + 1]
        if len(stages) > 1 and rng.random() < 0.5:
            stages = stages[1:]  # straight to contact, without shortlisting first
    when, steps = born, []
    for stage in stages:
        when = when + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23))
        steps.append((stage, when))
    return steps


def top_up(target: int) -> None:
    """Synthetic matches in realistic states, each with its events and milestones."""
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
        batch, histories = [], []
        while len(batch) < 10_000 and have + len(batch) < target:
            pair = (rng.choice(needs), rng.choice(results))
            if pair in existing:
                continue
            existing.add(pair)
            state = rng.choices(states, weights)[0]
            born = now - timedelta(days=rng.randint(200, 1000))
            steps = _history(rng, state, born)
            match = Match(
                need_id=pair[0],
                result_id=pair[1],
                score=rng.random(),
                text_score=rng.random(),
                structured_score=rng.random(),
                matcher_version="bench",
                state=state,
                state_changed_at=steps[-1][1] if steps else born,
                explanation={},
            )
            for stage, when in steps:
                match.mark_reached(stage, when)
            batch.append(match)
            histories.append((born, steps))
        created = Match.objects.bulk_create(batch)
        events = []
        for match, (_born, steps) in zip(created, histories, strict=True):
            before = "suggested"
            for stage, when in steps:
                events.append(
                    MatchEvent(match=match, from_state=before, to_state=stage, created_at=when)
                )
                before = stage
        MatchEvent.objects.bulk_create(events)
        # created_at is stamped on insert; put each match back to when it was suggested.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE matchmaking_match m SET created_at = v.born, state_changed_at = v.moved "
                "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) "
                "AS v(id, born, moved) WHERE m.id = v.id",
                [
                    [m.pk for m in created],
                    [born for born, _steps in histories],
                    [steps[-1][1] if steps else born for born, steps in histories],
                ],
            )
            cursor.execute(
                "UPDATE matchmaking_matchevent e SET created_at = v.at FROM "
                "unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE e.id = v.id",
                [[e.pk for e in events], [e.created_at for e in events]],
            )
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
    import matching_e2e  # the same database and its listings filler

    matching_e2e.ensure_database()
    django.setup()
    matching_e2e.fill(100_000, 20_000)
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
        ("API funnel by station", "/api/v1/stats/funnel-by-station/"),
        ("public page", "/stats/public/"),
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
