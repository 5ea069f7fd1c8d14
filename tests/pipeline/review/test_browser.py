"""The review app in real headless Chromium (Debian's, driven by playwright): log in, seek the
video from a line, edit a chapter, split one, fix a speaker, approve all and publish.

A screenshot of the hearing page is kept in build/test-artifacts/ to look at.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from pipeline.artifacts import ArtifactStore
from pipeline.review.app import create_app
from pipeline.schemas import SourceInfo
from tests.pipeline.review.conftest import PASSWORD, SLUG, ReviewEnv
from tests.pipeline.review.snapshot import chapters, speakers

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach outside hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[3] / "build" / "test-artifacts"
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the test video"),
]


def make_video(path: Path, seconds: int) -> None:
    """A small seekable WebM with a visible test pattern."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"testsrc=size=320x180:rate=2:duration={seconds}", "-c:v", "libvpx",
         "-b:v", "50k", "-g", "4", str(path)],
        check=True, timeout=120,
    )  # fmt: skip


def store_video(env: ReviewEnv, seconds: int) -> None:
    store = ArtifactStore(env.settings.hearings_dir)
    folder = store.hearing_dir(SLUG)
    folder.mkdir(parents=True, exist_ok=True)
    make_video(folder / "media.webm", seconds)
    size = (folder / "media.webm").stat().st_size
    info = SourceInfo(url="/m.webm", media_file="media.webm", size_bytes=size, sha256="0" * 64)
    store.write(SLUG, "source", info, stage_version="1", input_fingerprint="f")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(env: ReviewEnv) -> Iterator[str]:
    store_video(env, seconds=240)
    port = free_port()
    config = uvicorn.Config(
        create_app(env.settings, env.factory), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(served: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.problems = []  # console errors include any CSP violation
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        yield page
        browser.close()


def open_edit(page, chapter_id: int) -> object:
    section = page.locator(f"#chapter-{chapter_id}")
    section.locator("details.edit > summary").click()
    return section


def test_an_editor_reviews_a_hearing_in_chromium(env: ReviewEnv, served: str, page) -> None:
    page.goto(f"{served}/hearings/{SLUG}")
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{served}/hearings/{SLUG}")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-hearing.png"))

    # Clicking a line seeks the video there, and that line is highlighted.
    page.click("#line-30 .text")
    page.wait_for_function("Math.abs(document.getElementById('player').currentTime - 120) < 1")
    assert page.text_content("#clock") == "0:02:00"
    assert "current" in page.get_attribute("#line-30", "class")

    # Edit a title and a bullet, move the second bullet up.
    first, second = chapters(env.factory, env.hearing_id)[:2]
    section = open_edit(page, first.id)
    section.locator("input[name=title]").fill("Opening of the budget hearing")
    section.locator("input[name=bullets]").nth(0).fill("Quorum present")
    section.locator(".bullet").nth(1).locator("button.up").click()
    section.locator("form.chapter-text button[type=submit]").click()
    page.wait_for_selector("text=Chapter saved.")
    assert page.text_content(f"#chapter-{first.id} h2") == "Opening of the budget hearing"
    saved = chapters(env.factory, env.hearing_id)[0]
    assert saved.bullets == ["Point 1.2", "Quorum present", "Point 1.3"]

    # Split the second chapter at line 20.
    section = open_edit(page, second.id)
    section.locator("input[name=line]").fill("20")
    section.locator("button[value=split]").click()
    page.wait_for_selector("text=Split.")
    assert page.locator("section.chapter").count() == 5
    assert [(c.start_line, c.stop_line) for c in chapters(env.factory, env.hearing_id)][1:3] == [
        (15, 20), (20, 30)
    ]  # fmt: skip

    # Fix a speaker: every line of theirs shows the name at once.
    label = speakers(env.factory, env.hearing_id)["SPEAKER_01"]
    page.click(f"#speaker-{label.id} > summary")
    page.fill(f"#speaker-{label.id} input[name=name]", "Dana Smith")
    page.click(f"#speaker-{label.id} form:has(input[value=rename]) button")
    page.wait_for_selector("text=Speaker updated.")
    assert page.locator(".line .spk", has_text="Dana Smith").count() >= 4
    assert page.locator(".line .spk", has_text="Speaker 2").count() == 0

    # Approve everything, then publish.
    page.click("text=Approve all remaining")
    page.wait_for_selector("text=Approved 5 chapter(s).")
    page.click("button:has-text('Publish')")
    page.wait_for_selector("text=Published.")
    assert "published" in page.text_content(".meta")
    assert page.is_disabled("button:has-text('Publish')")  # nothing new to publish
    page.click("#line-45 .text")
    page.screenshot(path=str(ARTIFACTS / "review-hearing-published.png"))
    assert page.problems == []
