"""The CPU and the queries each request of the load mix costs, one request at a time.

Usage: python bench/request_cpu.py [--repeats 30] [--only SUBSTRING] [--profile SUBSTRING]
       [--profile-lines 40]

Runs the site in this process (Django's test client, DEBUG off, the settings
bench/load_site.py gives gunicorn) against the database bench/load_site.py fills
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/nongqiao_bench_load; fill it
with `python bench/load_site.py --fill-only` first). The cache is Redis database 5 of
REDIS_URL's server (REQUEST_CPU_REDIS_URL overrides), so as not to disturb a running site;
it is flushed at the start.

Every endpoint of bench/locustfile.py is requested as its visitor requests it: anonymous, or
logged in through the login form as the demo accounts `enterprise`, `researcher` and
`station`, or on the API with the enterprise's token. Ids come from the links of the page
before, as locust finds them. Own listings are the first of the
first page whose page links a match. Each endpoint gets a few warm-up requests (the site's cache is
warm under load), then --repeats measured ones; it prints, per endpoint, the median wall time,
the median CPU time of this process (time.process_time: Python, templates, serializers; not
PostgreSQL's or Redis's work), and the number of SQL queries of one more request.

Deep pages (11–500) are a different page each time, as in the mix, so that what a page
caches for itself is mostly cold there; the other lists repeat as the popular pages do.

--profile SUBSTRING runs cProfile over the measured requests of the endpoints whose name
contains SUBSTRING and prints the functions with the most cumulative and own CPU time (the
profiler is timed by the process's CPU clock: waiting for PostgreSQL does not count).
"""

import argparse
import cProfile
import io
import logging
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nongqiao_bench_load"
)


def _redis_db5(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/5"))


REDIS_URL = os.environ.get("REQUEST_CPU_REDIS_URL") or _redis_db5(
    os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
)
PASSWORD = os.environ.get("DEMO_PASSWORD", "nongqiao-demo")

# As bench/load_site.py sets them for gunicorn (DEBUG off, Redis as the cache), with the test
# client's host allowed.
os.environ.update(
    DATABASE_URL=DB_URL,
    REDIS_URL=REDIS_URL,
    DEBUG="false",
    SECRET_KEY="bench-only-secret-key-0123456789",
    ALLOWED_HOSTS="testserver,127.0.0.1",
    VAR_DIR=os.environ.get(
        "BENCH_VAR_DIR", str(Path(tempfile.gettempdir()) / "nongqiao-bench-load")
    ),
    DJANGO_SETTINGS_MODULE="config.settings",
    LOG_LEVEL="WARNING",
    SECURE_COOKIES="false",
    API_THROTTLE_USER="1000000/min",
    CELERY_TASK_ALWAYS_EAGER="false",
)

# The searches, link patterns and headers of bench/locustfile.py.
SEARCHES = ["猕猴桃 冷链", "农产品 电商", "冷链", "电商 直播", "溯源", "茶叶 加工", "保鲜", "包装"]
NEED_LINK = re.compile(r'href="/needs/(\d+)/"')
RESULT_LINK = re.compile(r'href="/results/(\d+)/"')
MATCH_LINK = re.compile(r'href="/matches/(\d+)/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HTML = {"Accept": "text/html", "Accept-Encoding": "gzip, deflate, br"}
JSON = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate, br"}


class Endpoint:
    """One line of the table: a name, a client, and the URL of each request (a function, so
    that deep pages can differ from one request to the next)."""

    def __init__(self, name: str, client, url, headers=HTML):
        self.name = name
        self.client = client
        self.url = url if callable(url) else (lambda url=url: url)
        self.headers = headers

    def get(self):
        url = self.url()
        response = self.client.get(url, headers=self.headers)
        if response.status_code != 200:
            raise SystemExit(f"{self.name}: {url} answered {response.status_code}")
        return response


def _text(response) -> str:
    if response.get("Content-Encoding") == "gzip":
        import gzip

        return gzip.decompress(response.content).decode()
    return response.content.decode()


def _first(pattern: re.Pattern, response, what: str) -> str:
    ids = pattern.findall(_text(response))
    if not ids:
        raise SystemExit(f"no {what} link on {response.wsgi_request.get_full_path()}")
    return ids[0]


def _login(username: str):
    from django.test import Client

    client = Client()
    form = client.get("/accounts/login/", headers=HTML)
    token = CSRF_FIELD.search(_text(form))
    answer = client.post(
        "/accounts/login/",
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "next": "/",
        },
    )
    if answer.status_code != 302:
        raise SystemExit(f"login as {username}: {answer.status_code}")
    return client


def _api_client():
    import json

    from django.test import Client

    client = Client()
    answer = client.post(
        "/api/v1/auth/token/",
        json.dumps({"username": "enterprise", "password": PASSWORD}),
        content_type="application/json",
    )
    if answer.status_code != 200:
        raise SystemExit(f"API token: {answer.status_code}")
    token = json.loads(_text(answer))["token"]
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


def _json(response):
    import json

    return json.loads(_text(response))


def endpoints() -> list[Endpoint]:
    """The endpoints of the mix; the ids in their URLs are found (from the page before) the
    first time an endpoint is requested, so that --only needs only its own."""
    import functools

    from django.test import Client

    deep = random.Random(7)

    def deep_page(prefix: str):
        return lambda: f"{prefix}?page={deep.randint(11, 500)}"

    anonymous = Client()
    clients = {
        "enterprise": functools.cache(lambda: _login("enterprise")),
        "researcher": functools.cache(lambda: _login("researcher")),
        "station": functools.cache(lambda: _login("station")),
        "api": functools.cache(_api_client),
    }

    class Lazy:
        """A client logged in on first use."""

        def __init__(self, name):
            self.name = name

        def get(self, *args, **kwargs):
            return clients[self.name]().get(*args, **kwargs)

    enterprise, researcher, station, api = (Lazy(n) for n in clients)

    @functools.cache
    def link(pattern, client, url, what):
        return _first(pattern, client.get(url, headers=HTML), what)

    def need_id():
        return link(NEED_LINK, anonymous, "/needs/?page=1", "need")

    def result_id():
        return link(RESULT_LINK, anonymous, "/results/?page=1", "result")

    @functools.cache
    def with_matches(pattern, client, list_url, kind):
        """(the first listing of the list whose page links a match, that match)."""
        for pk in pattern.findall(_text(client.get(list_url, headers=HTML))):
            matches = MATCH_LINK.findall(_text(client.get(f"/{kind}/{pk}/", headers=HTML)))
            if matches:
                return pk, matches[0]
        raise SystemExit(f"no listing on {list_url} links a match")

    def own_need():
        return with_matches(NEED_LINK, enterprise, "/my/needs/?page=1", "needs")[0]

    def own_result():
        return with_matches(RESULT_LINK, researcher, "/my/results/?page=1", "results")[0]

    def need_match():
        return with_matches(NEED_LINK, enterprise, "/my/needs/?page=1", "needs")[1]

    def result_match():
        return with_matches(RESULT_LINK, researcher, "/my/results/?page=1", "results")[1]

    def board_match():
        return link(MATCH_LINK, station, "/station/", "board match")

    @functools.cache
    def api_need():
        mine = _json(api.get("/api/v1/needs/?mine=1&status=open&page=1", headers=JSON))
        return mine["results"][0]["id"]

    @functools.cache
    def api_match():
        return _json(api.get(f"/api/v1/needs/{api_need()}/matches/", headers=JSON))[0]["id"]

    return [
        Endpoint("anon /", anonymous, "/"),
        Endpoint("anon /needs/?page=1", anonymous, "/needs/?page=1"),
        Endpoint("anon /needs/?page=5", anonymous, "/needs/?page=5"),
        Endpoint("anon /needs/?page=11-500", anonymous, deep_page("/needs/")),
        Endpoint("anon /results/?page=1", anonymous, "/results/?page=1"),
        Endpoint("anon /results/?page=5", anonymous, "/results/?page=5"),
        Endpoint("anon /results/?page=11-500", anonymous, deep_page("/results/")),
        Endpoint("anon /needs/?q=猕猴桃 冷链", anonymous, f"/needs/?q={SEARCHES[0]}"),
        Endpoint("anon /needs/?q=冷链", anonymous, f"/needs/?q={SEARCHES[2]}"),
        Endpoint("anon /results/?q=农产品 电商", anonymous, f"/results/?q={SEARCHES[1]}"),
        Endpoint("anon /results/?q=保鲜", anonymous, f"/results/?q={SEARCHES[6]}"),
        Endpoint("anon /needs/[id]/", anonymous, lambda: f"/needs/{need_id()}/"),
        Endpoint("anon /results/[id]/", anonymous, lambda: f"/results/{result_id()}/"),
        Endpoint("enterprise /my/needs/?page=1", enterprise, "/my/needs/?page=1"),
        Endpoint("enterprise /my/needs/?page=11-500", enterprise, deep_page("/my/needs/")),
        Endpoint("enterprise /needs/[own id]/", enterprise, lambda: f"/needs/{own_need()}/"),
        Endpoint("enterprise /matches/[id]/", enterprise, lambda: f"/matches/{need_match()}/"),
        Endpoint("enterprise /", enterprise, "/"),
        Endpoint("researcher /my/results/?page=1", researcher, "/my/results/?page=1"),
        Endpoint("researcher /results/[own id]/", researcher, lambda: f"/results/{own_result()}/"),
        Endpoint("researcher /matches/[id]/", researcher, lambda: f"/matches/{result_match()}/"),
        Endpoint("station /station/", station, "/station/"),
        Endpoint("station /matches/[id]/", station, lambda: f"/matches/{board_match()}/"),
        Endpoint("station /needs/?q=电商 直播", station, f"/needs/?q={SEARCHES[3]}"),
        Endpoint("api /needs/?q=茶叶 加工", api, f"/api/v1/needs/?q={SEARCHES[5]}", JSON),
        Endpoint("api /results/?q=溯源", api, f"/api/v1/results/?q={SEARCHES[4]}", JSON),
        Endpoint(
            "api /needs/?mine=1&page=1", api, "/api/v1/needs/?mine=1&status=open&page=1", JSON
        ),
        Endpoint(
            "api /needs/[id]/matches/", api, lambda: f"/api/v1/needs/{api_need()}/matches/", JSON
        ),
        Endpoint("api /matches/[id]/", api, lambda: f"/api/v1/matches/{api_match()}/", JSON),
    ]


def measure(endpoint: Endpoint, repeats: int, warmup: int, profiler=None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        endpoint.get()
    walls, cpus = [], []
    for _ in range(repeats):
        if profiler:
            profiler.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        endpoint.get()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        if profiler:
            profiler.disable()
    with CaptureQueriesContext(connection) as queries:
        endpoint.get()
    return {
        "wall_ms": statistics.median(walls) * 1000,
        "cpu_ms": statistics.median(cpus) * 1000,
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default="", help="only endpoints whose name contains this")
    parser.add_argument("--profile", default="", help="cProfile endpoints containing this")
    parser.add_argument("--profile-lines", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    # The server writes its request log lines (JSON) to its log file: render them here too,
    # into nothing, so that their cost counts without filling the terminal.
    sink = open(os.devnull, "w")  # noqa: SIM115 - open for the whole run
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sink)

    from django.core.cache import cache
    from django.db import connection

    from matchmaking.models import Match, ResearchResult, TechnologyNeed

    cache.clear()
    print(
        f"database {connection.settings_dict['NAME']}: {TechnologyNeed.objects.count()} needs, "
        f"{ResearchResult.objects.count()} results, {Match.objects.count()} matches; "
        f"cache {REDIS_URL}; code {Path(sys.modules['matchmaking'].__file__).parent.parent}",
        flush=True,
    )
    chosen = [e for e in endpoints() if args.only in e.name]
    print(f"\n{'endpoint':<40} {'wall ms':>8} {'CPU ms':>8} {'queries':>8}")
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    totals = {"wall_ms": 0.0, "cpu_ms": 0.0, "queries": 0}
    for endpoint in chosen:
        profile = profiler if args.profile and args.profile in endpoint.name else None
        figures = measure(endpoint, args.repeats, args.warmup, profile)
        for key in totals:
            totals[key] += figures[key]
        print(
            f"{endpoint.name:<40} {figures['wall_ms']:>8.1f} {figures['cpu_ms']:>8.1f} "
            f"{figures['queries']:>8}",
            flush=True,
        )
    print(
        f"{'sum of medians':<40} {totals['wall_ms']:>8.1f} {totals['cpu_ms']:>8.1f} "
        f"{totals['queries']:>8}"
    )
    if profiler:
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.profile_lines)
            print(f"\n-- cProfile of '{args.profile}', by {order} --\n{out.getvalue()}")


if __name__ == "__main__":
    main()
