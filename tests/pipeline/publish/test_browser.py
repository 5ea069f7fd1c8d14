"""What a reader sees: the chapter page in headless Chromium, at phone and desktop widths.

Debian's Chromium (scripts/install.sh installs it) driven by playwright, with JavaScript
off, over a loopback HTTP server. Screenshots go to the test's folder, or to
PUBLISH_SCREENSHOT_DIR when set, for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.publish.test_pages import QA_PAGE
from tests.support.loopback import LoopbackServer
from tests.support.seed_hearing import QA_TITLE

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the networking flags Chromium keeps trying to reach outside hosts.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (scripts/install.sh installs it)")
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def served_site(site: Path) -> Iterator[str]:
    class SiteHandler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads pages, not logs."""

    server = LoopbackServer(SiteHandler)
    server.start()
    yield server.base_url
    server.stop()


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not visible"
    return box


@pytest.mark.parametrize("width_name", list(VIEWPORTS))
def test_chapter_page_reads_as_described_at_phone_and_desktop_widths(
    browser: Any, served_site: str, tmp_path: Path, width_name: str
) -> None:
    width, height = VIEWPORTS[width_name]
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{served_site}/{QA_PAGE}/")
    shots = Path(os.environ.get("PUBLISH_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"chapter-{width_name}.png"), full_page=True)

    assert page.locator(".meta").first.inner_text() == "Q&A · 2:29:06 · 126 sec"
    assert page.locator("h1").inner_text() == QA_TITLE
    assert page.locator("ul.bullets li").count() == 3
    order = [".meta", "h1", "p.summary", "ul.bullets", ".speaker"]
    tops = [_box(page, selector)["y"] for selector in order]
    assert tops == sorted(tops), f"reading order {order} is broken: {tops}"

    title_size = page.locator("h1").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    text_size = page.locator(".line .text").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert title_size >= 1.4 * text_size
    weight = page.locator(".speaker .name").first.evaluate("e => getComputedStyle(e).fontWeight")
    assert int(weight) >= 600

    time_box, text_box = _box(page, ".line .time"), _box(page, ".line .text")
    assert time_box["x"] + time_box["width"] <= text_box["x"], "the time sits left of its line"
    assert abs(time_box["y"] - text_box["y"]) < 8, "the time and its line share a row"

    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, "nothing runs off the side of the screen"
    main = _box(page, "main")
    if width_name == "desktop":
        assert main["width"] <= 980 and abs(main["x"] - (width - main["x"] - main["width"])) < 2
    else:
        assert main["width"] == width
    context.close()
