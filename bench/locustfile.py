"""The load mix of bench/load_site.py: who does what on the site, and how often.

Run alone against a running site:
    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 90s --host http://127.0.0.1:8000
bench/load_site.py sets it all up and sets these variables:
    LOAD_WARMUP   seconds after the last user started before the statistics are reset (logins,
                  cold caches and connections fall in the warm-up); default 0
    LOAD_DURATION seconds measured after the warm-up, then the run stops; default: until -t
    LOAD_SUMMARY  a JSON file to write the measured figures to

Five kinds of visitor, in the proportions of their `weight`. Every one thinks 1–3 s between
two requests, as a person reading a page does. Visitors find what to open the way a person
does: from the links of the page before (list → detail, board → match), so only ids the site
offers are requested. Logged-in visitors are the demo accounts of `manage.py demo_data`, logged
in through the login form (with its CSRF token) or, for the API, with a token.
"""

import json
import os
import random
import re
import time

import gevent
from locust import FastHttpUser, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "nongqiao-demo")
WARMUP = float(os.environ.get("LOAD_WARMUP") or 0)
DURATION = float(os.environ.get("LOAD_DURATION") or 0)
SUMMARY = os.environ.get("LOAD_SUMMARY")

# Searches people type: two-word Chinese queries without word breaks, and single terms.
SEARCHES = [
    "猕猴桃 冷链",
    "农产品 电商",
    "冷链",
    "电商 直播",
    "溯源",
    "茶叶 加工",
    "保鲜",
    "包装",
]
NEED_LINK = re.compile(r'href="/needs/(\d+)/"')
RESULT_LINK = re.compile(r'href="/results/(\d+)/"')
MATCH_LINK = re.compile(r'href="/matches/(\d+)/"')
API_PAGE_SIZE = 20  # REST_FRAMEWORK["PAGE_SIZE"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page() -> int:
    """Most people stay on the first pages of a list; a few go deep."""
    roll = random.random()
    if roll < 0.6:
        return 1
    if roll < 0.9:
        return random.randint(2, 10)
    return random.randint(11, 500)


def _ids(pattern: re.Pattern, response) -> list[str]:
    return pattern.findall(response.text or "")


class Visitor(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)

    def get_html(self, url: str, name: str):
        return self.client.get(url, name=name, headers={"Accept": "text/html"})


class AnonymousVisitor(Visitor):
    """Browses and searches the public lists and opens listings, without an account."""

    weight = 6

    @task(2)
    def home(self):
        self.get_html("/", "/")

    @task(4)
    def browse_needs(self):
        page = self.get_html(f"/needs/?page={_page()}", "/needs/?page=[n]")
        ids = _ids(NEED_LINK, page)
        if ids:
            self.get_html(f"/needs/{random.choice(ids)}/", "/needs/[id]/")

    @task(3)
    def browse_results(self):
        page = self.get_html(f"/results/?page={_page()}", "/results/?page=[n]")
        ids = _ids(RESULT_LINK, page)
        if ids:
            self.get_html(f"/results/{random.choice(ids)}/", "/results/[id]/")

    @task(3)
    def search(self):
        kind, pattern = random.choice([("needs", NEED_LINK), ("results", RESULT_LINK)])
        page = self.get_html(f"/{kind}/?q={random.choice(SEARCHES)}", f"/{kind}/?q=[terms]")
        ids = _ids(pattern, page)
        if ids and random.random() < 0.5:
            self.get_html(f"/{kind}/{random.choice(ids)}/", f"/{kind}/[id]/")


class LoggedInVisitor(Visitor):
    abstract = True
    username = ""

    def on_start(self):
        form = self.get_html("/accounts/login/", "/accounts/login/")
        token = CSRF_FIELD.search(form.text or "")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "next": "/",
            },
            name="/accounts/login/ (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {self.username}: {response.status_code}")
        self.match_ids: list[str] = []

    def open_match(self):
        if self.match_ids:
            self.get_html(f"/matches/{random.choice(self.match_ids)}/", "/matches/[id]/")


class EnterpriseVisitor(LoggedInVisitor):
    """An enterprise's member: their needs, each need's ranked results, a match."""

    weight = 2
    username = "enterprise"

    def on_start(self):
        super().on_start()
        self.need_ids: list[str] = []
        self.my_needs()

    @task(1)
    def my_needs(self):
        page = self.get_html(f"/my/needs/?page={_page()}", "/my/needs/?page=[n]")
        self.need_ids = _ids(NEED_LINK, page) or self.need_ids

    @task(3)
    def need_with_matches(self):
        if self.need_ids:
            page = self.get_html(f"/needs/{random.choice(self.need_ids)}/", "/needs/[own id]/")
            self.match_ids = _ids(MATCH_LINK, page) or self.match_ids

    @task(3)
    def match(self):
        self.open_match()

    @task(1)
    def home(self):
        self.get_html("/", "/ (logged in)")


class ResearcherVisitor(LoggedInVisitor):
    """A researcher: the dashboard of their results by status, a result and its needs."""

    weight = 1
    username = "researcher"

    def on_start(self):
        super().on_start()
        self.result_ids: list[str] = []
        self.dashboard()

    @task(2)
    def dashboard(self):
        page = self.get_html(f"/my/results/?page={_page()}", "/my/results/?page=[n]")
        self.result_ids = _ids(RESULT_LINK, page) or self.result_ids

    @task(2)
    def result_with_matches(self):
        if self.result_ids:
            url = f"/results/{random.choice(self.result_ids)}/"
            page = self.get_html(url, "/results/[own id]/")
            self.match_ids = _ids(MATCH_LINK, page) or self.match_ids

    @task(1)
    def match(self):
        self.open_match()


class StationVisitor(LoggedInVisitor):
    """Service station staff: the pipeline board of their counties, and its matches."""

    weight = 1
    username = "station"

    def on_start(self):
        super().on_start()
        self.board()

    @task(2)
    def board(self):
        page = self.get_html("/station/", "/station/")
        self.match_ids = _ids(MATCH_LINK, page) or self.match_ids

    @task(2)
    def match(self):
        self.open_match()

    @task(1)
    def search(self):
        self.get_html(f"/needs/?q={random.choice(SEARCHES)}", "/needs/?q=[terms]")


class ApiClient(Visitor):
    """A program on the API with the enterprise's token: searches, its needs, their matches."""

    weight = 2

    def on_start(self):
        response = self.client.post(
            "/api/v1/auth/token/",
            json={"username": "enterprise", "password": PASSWORD},
            name="/api/v1/auth/token/",
        )
        token = (response.json() or {}).get("token", "") if response.status_code == 200 else ""
        self.client.auth_header = f"Token {token}"
        self.need_ids: list[int] = []
        self.match_ids: list[int] = []
        self.my_pages = 1
        self.my_needs()

    def get_json(self, url: str, name: str):
        response = self.client.get(url, name=name, headers={"Accept": "application/json"})
        try:
            return response.json()
        except ValueError:
            return None

    @task(3)
    def search_needs(self):
        self.get_json(f"/api/v1/needs/?q={random.choice(SEARCHES)}", "/api/v1/needs/?q=[terms]")

    @task(1)
    def search_results(self):
        url = f"/api/v1/results/?q={random.choice(SEARCHES)}"
        self.get_json(url, "/api/v1/results/?q=[terms]")

    @task(1)
    def my_needs(self):
        # The API answers 404 past the last page: stay within the count it gave.
        page = min(_page(), self.my_pages)
        url = f"/api/v1/needs/?mine=1&status=open&page={page}"
        body = self.get_json(url, "/api/v1/needs/?mine=1&page=[n]")
        if body and body.get("results"):
            self.need_ids = [n["id"] for n in body["results"]]
            self.my_pages = max(1, -(-body["count"] // API_PAGE_SIZE))

    @task(2)
    def need_matches(self):
        if self.need_ids:
            url = f"/api/v1/needs/{random.choice(self.need_ids)}/matches/"
            body = self.get_json(url, "/api/v1/needs/[id]/matches/")
            if body:
                self.match_ids = [m["id"] for m in body] or self.match_ids

    @task(2)
    def match(self):
        if self.match_ids:
            url = f"/api/v1/matches/{random.choice(self.match_ids)}/"
            self.get_json(url, "/api/v1/matches/[id]/")


# -- a measured window after a warm-up, and a summary ------------------------------------------

_state: dict = {}


@events.init.add_listener
def _remember(environment, **_kwargs):
    _state["environment"] = environment


@events.spawning_complete.add_listener
def _start_measuring(user_count, **_kwargs):
    def reset():
        runner = _state["environment"].runner
        runner.stats.reset_all()
        _state["measuring_since"] = time.time()
        if DURATION:
            gevent.spawn_later(DURATION, runner.quit)

    gevent.spawn_later(WARMUP, reset)


def _figures(entry, seconds: float) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.num_requests / seconds if seconds else 0.0,
        "median_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": entry.max_response_time,
    }


@events.quitting.add_listener
def _write_summary(environment, **_kwargs):
    if not SUMMARY:
        return
    stats = environment.runner.stats
    since = _state.get("measuring_since")
    seconds = time.time() - since if since else 0.0
    summary = {
        "users": environment.parsed_options.num_users,
        "measured_s": seconds,
        "total": _figures(stats.total, seconds),
        "endpoints": {
            f"{method} {name}": _figures(entry, seconds)
            for (name, method), entry in sorted(stats.entries.items())
        },
        "errors": [
            {"name": e.name, "error": str(e.error), "count": e.occurrences}
            for e in stats.errors.values()
        ],
    }
    with open(SUMMARY, "w") as out:
        json.dump(summary, out, ensure_ascii=False, indent=1)
