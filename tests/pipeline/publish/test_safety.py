"""Whatever a title, name or URL holds, it renders as text and cannot leave the site folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import webvtt
from sqlalchemy.orm import Session, sessionmaker

from models.db import transaction
from pipeline.publish.paths import UnsafePath, inside
from pipeline.publish.site import publish_site
from tests.pipeline.publish.conftest import soup
from tests.support.seed_hearing import SeedChapter, SeedHearing, store_seed_hearing

SCRIPT_TITLE = '<script>alert("owned")</script> Budget & "quotes"'
ESCAPE_TITLE = "../../../../etc/passwd"


def _publish(factory: sessionmaker[Session], out: Path, seed: SeedHearing) -> None:
    with transaction(factory) as session:
        store_seed_hearing(session, seed)
    publish_site(factory, out)


def _hostile_seed(**overrides: object) -> SeedHearing:
    chapters = [
        SeedChapter("remarks", SCRIPT_TITLE, "<img src=x onerror=alert(1)> summary",
                    ["<b>bold</b> bullet"], [("SPEAKER_00", "Line with <i>tags</i> & more.")]),
        SeedChapter("remarks", ESCAPE_TITLE, "", [], [("SPEAKER_01", "Second.")]),
    ]  # fmt: skip
    return SeedHearing(chapters=chapters, **overrides)  # type: ignore[arg-type]


def test_script_in_a_title_renders_as_text(factory: sessionmaker[Session], tmp_path: Path) -> None:
    out = tmp_path / "site"
    _publish(factory, out, _hostile_seed())
    pages = list(out.rglob("*.html"))
    for path in pages:
        assert not soup(path).select("script, img, b, i"), path
    chapter = next(path for path in pages if "script-alert" in str(path))
    page = soup(chapter)
    assert page.select_one("h1.title").get_text() == SCRIPT_TITLE
    assert page.select_one("p.summary").get_text() == "<img src=x onerror=alert(1)> summary"
    assert page.select_one(".line .text").get_text() == "Line with <i>tags</i> & more."
    assert "&lt;script&gt;" in chapter.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("when", "expected_folder"),
    [
        ({}, "2024-10-22-1000-am-committee-on-technology"),
        ({"scheduled_at": None, "body_name": None}, "outside"),
    ],
)
def test_dot_dot_in_a_title_or_slug_cannot_leave_the_site(
    factory: sessionmaker[Session], tmp_path: Path, when: dict[str, object], expected_folder: str
) -> None:
    out = tmp_path / "deep" / "site"
    _publish(factory, out, _hostile_seed(slug="../../outside", **when))
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    outside = [p for p in written if not p.is_relative_to(out) and "publish.db" not in p.name]
    assert outside == []
    hearing_dirs = [path.name for path in out.iterdir() if path.is_dir()]
    assert hearing_dirs == [expected_folder]
    chapters = sorted(path.name for path in (out / expected_folder / "chapter").iterdir())
    assert chapters == ["etc-passwd", "script-alert-owned-script-budget-quotes"]


def test_inside_refuses_names_that_are_not_slugs(tmp_path: Path) -> None:
    for name in ["..", "../x", "a/b", "/etc", "", "-x", "A"]:
        with pytest.raises(UnsafePath):
            inside(tmp_path, name)
    assert inside(tmp_path, "chapter", "vote") == tmp_path / "chapter" / "vote"


def test_only_web_video_links_are_published(factory: sessionmaker[Session], tmp_path: Path) -> None:
    out = tmp_path / "site"
    _publish(factory, out, _hostile_seed(video_url="javascript:alert(1)"))
    for path in out.rglob("*.html"):
        hrefs = [link["href"] for link in soup(path).select("a[href]")]
        assert not [href for href in hrefs if "javascript" in href.lower()], path
    times = [a["href"] for a in soup(next(out.rglob("etc-passwd/index.html"))).select("a.time")]
    assert times == ["#line-1"]


def test_voice_names_cannot_break_a_caption(factory: sessionmaker[Session], tmp_path: Path) -> None:
    out = tmp_path / "site"
    with transaction(factory) as session:
        hearing = store_seed_hearing(session, _hostile_seed())
        hearing.speakers[0].display_name = "Ann <b>Lee</b>\nSmith > Jones"
    publish_site(factory, out)
    captions = webvtt.read(str(next(out.rglob("captions.vtt"))))
    assert [caption.voice for caption in captions] == ["Ann b Lee /b Smith Jones", "Michael Gerber"]
    assert captions[0].text == "Line with &lt;i&gt;tags&lt;/i&gt; &amp; more."
