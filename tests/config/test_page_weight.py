"""The page-weight budget of a weak rural link (issue #16): each role's main pages, with the demo
world, at most 40 KB of compressed HTML, and at most 120 KB of compressed CSS and JavaScript
pulled on first load (htmx included). The site compresses its pages itself.

Run with `-s` to see the table; it is also printed when the budget is exceeded.
"""

import gzip
import io
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from matchmaking.models import Match

pytestmark = pytest.mark.django_db

HTML_BUDGET = 40 * 1024
ASSET_BUDGET = 120 * 1024
ASSET_PATTERN = re.compile(
    r'<link[^>]+rel="(?:stylesheet|manifest)"[^>]+href="([^"]+)"|<script[^>]+src="([^"]+)"'
)


def _pages() -> list[tuple[str, str, str]]:
    """(who, page, URL) of each role's main pages in the demo world."""
    match = (
        Match.objects.filter(need__organisation__memberships__user__username="enterprise")
        .order_by("need_id", "-score")
        .first()
    )
    need = match.need if match else None
    station_match = (
        Match.objects.filter(need__organisation__region_id__in=["522634", "522635", "522623"])
        .order_by("pk")
        .first()
    )
    assert need and match and station_match, "the demo world has these"
    return [
        ("anonymous", "home", "/"),
        ("anonymous", "needs list", "/needs/"),
        ("anonymous", "statistics (public)", "/stats/public/"),
        ("enterprise", "home", "/"),
        ("enterprise", "needs list", "/needs/"),
        ("enterprise", "need form", "/needs/new/"),
        ("enterprise", "need with its matches", f"/needs/{need.pk}/"),
        ("enterprise", "match detail", f"/matches/{match.pk}/"),
        ("researcher", "home", "/"),
        ("researcher", "results list", "/results/"),
        ("researcher", "result form", "/results/new/"),
        ("station", "home", "/"),
        ("station", "station board", "/station/"),
        ("station", "match detail", f"/matches/{station_match.pk}/"),
        ("station", "evaluation form", f"/matches/{station_match.pk}/evaluation/"),
        ("station", "statistics", "/stats/"),
        ("admin", "statistics", "/stats/"),
    ]


def _asset_size(url: str) -> int:
    """Compressed bytes of one static file, as whitenoise precompresses it (gzip -9)."""
    path = finders.find(url.removeprefix("/" + settings.STATIC_URL.lstrip("/")).split("?")[0])
    assert path, f"{url} is not a static file"
    with open(path, "rb") as file:
        return len(gzip.compress(file.read(), compresslevel=9))


def test_each_roles_main_pages_keep_within_the_weak_link_budget():
    call_command("demo_data", stdout=io.StringIO())
    clients: dict[str, Client] = {}
    rows = []
    for who, name, url in _pages():
        if who not in clients:
            clients[who] = Client()
            if who != "anonymous":
                clients[who].force_login(User.objects.get(username=who))
        response = clients[who].get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response.status_code == 200, (who, url, response.status_code)
        assert response["Content-Encoding"] == "gzip", f"{url} is not compressed"
        compressed = len(response.content)
        html = gzip.decompress(response.content).decode()
        assets = sorted({a or b for a, b in ASSET_PATTERN.findall(html)})
        asset_bytes = sum(_asset_size(a) for a in assets if a.startswith("/static/"))
        rows.append((who, name, url, len(html), compressed, asset_bytes, len(assets)))

    table = [
        f"{'who':<11} {'page':<22} {'HTML':>9} {'HTML gz':>9} {'CSS+JS gz':>10}  files",
        *(
            f"{who:<11} {name:<22} {raw / 1024:>7.1f}KB {gz / 1024:>7.1f}KB {assets / 1024:>8.1f}KB"
            f"  {files}"
            for who, name, _url, raw, gz, assets, files in rows
        ),
    ]
    print("\n" + "\n".join(table))
    over = [
        (who, name)
        for who, name, _url, _raw, gz, assets, _files in rows
        if gz > HTML_BUDGET or assets > ASSET_BUDGET
    ]
    assert over == [], "over the budget:\n" + "\n".join(table)


def test_static_files_are_cached_for_a_year_under_hashed_names_in_production():
    """With DEBUG off, collected files carry a content hash in their name (the manifest storage)
    and whitenoise marks such files immutable with a Cache-Control of at least a year."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    production = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.STORAGES['staticfiles']['BACKEND'], settings.WHITENOISE_USE_FINDERS)",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "a-production-like-key-for-this-test",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert production == ["whitenoise.storage.CompressedManifestStaticFilesStorage", "False"]
    # Whitenoise gives a file whose name the manifest hashed this Cache-Control:
    assert WhiteNoiseMiddleware.FOREVER >= 365 * 24 * 3600
    assert WhiteNoiseMiddleware.FOREVER == 10 * 365 * 24 * 3600
