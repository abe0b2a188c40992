"""The installable site (issue #16): a web app manifest and our own service worker, served by the
site from its root, and the offline shell they keep."""

import json

import pytest
from django.templatetags.static import static


def test_the_manifest_installs_the_site_with_icons_of_our_own(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        "农桥",
        "/",
        "standalone",
    )
    assert [(i["src"], i["sizes"]) for i in manifest["icons"]] == [
        (static("img/icon-192.png"), "192x192"),
        (static("img/icon-512.png"), "512x512"),
        (static("img/icon.svg"), "any"),
    ]
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/"), "no CDN"


def test_the_service_worker_is_served_from_the_root_and_keeps_the_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    for url in ("/offline/", static("css/site.css"), static("js/offline.js")):
        assert f'"{url}"' in script


@pytest.mark.django_db  # the home page reads the headline figures
def test_every_page_links_the_manifest_and_the_offline_banner_in_its_language(client):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'data-sw="/sw.js"' in html
    assert '<p class="offline-banner" role="status"><strong>离线</strong>' in html


def test_the_offline_shell_says_what_still_works(client):
    html = client.get("/offline/").content.decode()
    assert "<h1>离线</h1>" in html
    assert "联网后发送" in html
