"""Screenshots of the main pages for docs/screenshots/, phone (360 px) and desktop (1280 px).

Run against a server with the demo world (`make run`, or any `manage.py demo_data` database):

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 board-undo station-board

With names after the address, only those pictures are taken.

Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium). Writes docs/screenshots/*.png and
docs/home.png (the public home page on a desktop).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = os.environ.get("DEMO_PASSWORD", "nongqiao-demo")
WIDTHS = {360: 740, 1280: 900}


def _board_undo(page, path: Path) -> None:
    """The board's 撤销 toast right after a one-tap move; then 撤销, so the demo world stays."""
    page.goto("/station/")
    column = page.locator(".board__column:visible").first
    column.locator(".board__move button").first.click()
    toast = page.locator("[data-toast]")
    toast.wait_for(state="visible")
    page.screenshot(path=path)
    toast.get_by_role("button").click()
    page.wait_for_load_state()


def shoot(base: str, only: set[str] | None = None) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox"],
        )
        for width, height in WIDTHS.items():
            for role in ("public", "enterprise", "researcher", "station", "admin"):
                context = browser.new_context(
                    base_url=base, viewport={"width": width, "height": height}, locale="zh-CN"
                )
                page = context.new_page()
                if role != "public":
                    page.goto("/accounts/login/")
                    page.fill("#id_username", role)
                    page.fill("#id_password", PASSWORD)
                    page.locator("form [type=submit]").first.click()
                    page.wait_for_load_state()
                pages = {f"home-{role}": "/"}
                if role == "enterprise":
                    page.goto("/")
                    need = page.evaluate(
                        "[...document.querySelectorAll('main a[href^=\"/needs/\"]')]"
                        ".map(a => a.getAttribute('href')).find(h => /^\\/needs\\/\\d+\\//.test(h))"
                    )
                    pages["need-matches"] = need if need else "/my/needs/"
                    # The demo enterprise's accepted contact: its notification links the match.
                    page.goto("/notifications/")
                    contact = page.locator("a[href^='/matches/']").first
                    if contact.count():
                        pages["match-contact"] = contact.get_attribute("href")
                if role == "station":
                    if not only or "board-undo" in only:
                        path = OUT / f"board-undo-{width}.png"
                        _board_undo(page, path)
                        written.append(path)
                    pages["station-board"] = "/station/"
                    page.goto("/station/")
                    link = page.locator(".board__card a[href^='/matches/']").first
                    evaluation = page.locator("a[href^='/evaluations/']").first
                    if link.count():
                        pages["match-station"] = link.get_attribute("href")
                    if evaluation.count():
                        pages["evaluation-report"] = evaluation.get_attribute("href")
                for name, url in pages.items():
                    if only and name not in only:
                        continue
                    page.goto(re.sub(r"#.*$", "", url) if name != "match-contact" else url)
                    page.wait_for_load_state("networkidle")
                    path = OUT / f"{name}-{width}.png"
                    # Homes whole; other pages as the screen shows them first.
                    page.screenshot(path=path, full_page=name.startswith("home"))
                    written.append(path)
                    if name == "home-public" and width == 1280:
                        page.screenshot(path=OUT.parent / "home.png")
                context.close()
        browser.close()
    return written


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    for path in shoot(base, set(sys.argv[2:]) or None):
        print(path.relative_to(OUT.parent.parent))
