"""Re-publishing touches only what changed, swaps folders whole, keeps URLs, drops unpublished."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Chapter, Hearing, HearingStatus, ReviewState
from models.db import transaction
from pipeline.publish import render
from pipeline.publish.site import publish_site
from pipeline.store.publication import mark_hearing_published
from tests.pipeline.publish.conftest import soup
from tests.support.seed_hearing import (
    QA_TITLE,
    SLUG,
    SeedChapter,
    SeedHearing,
    default_chapters,
    store_seed_hearing,
)

QA_SLUG = "questions-about-nypd-s-potential-access-to-mycity-portal-data"
OTHER = "2024-10-23-0100-pm-committee-on-finance"


def _two_hearings(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        store_seed_hearing(session)
        store_seed_hearing(
            session,
            SeedHearing(slug=OTHER, title="Committee on Finance", body_name="Committee on Finance",
                        scheduled_at=datetime(2024, 10, 23, 17, 0, tzinfo=UTC),
                        chapters=default_chapters()),
        )  # fmt: skip


def _edit_chapter(
    factory: sessionmaker[Session], slug: str, current_title: str, **values: object
) -> None:
    with transaction(factory) as session:
        chapter = session.scalar(
            select(Chapter)
            .join(Hearing)
            .where(Hearing.slug == slug, Chapter.title == current_title)
        )
        for name, value in values.items():
            setattr(chapter, name, value)


def test_only_changed_hearings_are_rendered_again(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _two_hearings(factory)
    out = tmp_path / "site"
    first = publish_site(factory, out)
    assert sorted(first.rendered) == [SLUG, OTHER]
    page = out / OTHER / "index.html"
    before = page.stat().st_ino, page.stat().st_mtime_ns
    again = publish_site(factory, out)
    assert again.rendered == [] and sorted(again.unchanged) == [SLUG, OTHER]
    _edit_chapter(factory, SLUG, QA_TITLE, summary="A corrected summary.")
    third = publish_site(factory, out)
    assert third.rendered == [SLUG] and third.unchanged == [OTHER]
    assert (page.stat().st_ino, page.stat().st_mtime_ns) == before
    qa = soup(out / SLUG / "chapter" / QA_SLUG / "index.html")
    assert qa.select_one("p.summary").get_text() == "A corrected summary."


def test_a_failed_render_leaves_the_live_folder_whole(
    factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_hearings(factory)
    out = tmp_path / "site"
    publish_site(factory, out)
    before = {p.relative_to(out): p.read_bytes() for p in (out / SLUG).rglob("*") if p.is_file()}
    _edit_chapter(factory, SLUG, QA_TITLE, summary="Half-written change.")
    real = render.render_chapter

    def fail_on_third(document: object, position: int) -> str:
        if position == 2:
            raise OSError("disk full")
        return real(document, position)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render_chapter", fail_on_third)
    with pytest.raises(OSError, match="disk full"):
        publish_site(factory, out)
    after = {p.relative_to(out): p.read_bytes() for p in (out / SLUG).rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".build-")] == []
    monkeypatch.setattr(render, "render_chapter", real)
    assert publish_site(factory, out).rendered == [SLUG]


def test_title_edit_keeps_the_url_and_redirects_the_new_slug(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _two_hearings(factory)
    out = tmp_path / "site"
    publish_site(factory, out)
    _edit_chapter(factory, SLUG, QA_TITLE, title="MyCity portal: who sees the data")
    publish_site(factory, out)
    kept = soup(out / SLUG / "chapter" / QA_SLUG / "index.html")
    assert kept.select_one("h1.title").get_text() == "MyCity portal: who sees the data"
    redirect = soup(out / SLUG / "chapter" / "mycity-portal-who-sees-the-data" / "index.html")
    assert redirect.select_one("link[rel=canonical]")["href"] == f"../{QA_SLUG}/"
    assert redirect.select_one("meta[http-equiv=refresh]")["content"] == f"0; url=../{QA_SLUG}/"
    listed = [a["href"] for a in soup(out / SLUG / "index.html").select(".chapter-list a")]
    assert f"chapter/{QA_SLUG}/" in listed


def test_a_chapter_taken_back_leaves_a_redirect_to_its_hearing(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _two_hearings(factory)
    out = tmp_path / "site"
    publish_site(factory, out)
    _edit_chapter(factory, SLUG, QA_TITLE, review_state=ReviewState.REJECTED)
    publish_site(factory, out)
    page = soup(out / SLUG / "chapter" / QA_SLUG / "index.html")
    assert page.select_one("link[rel=canonical]")["href"] == "../../"
    assert (
        "MyCity"
        not in (out / SLUG / "hearing.json").read_text(encoding="utf-8").split('"chapters"')[1]
    )


def test_an_unpublished_hearing_leaves_the_site_and_comes_back_at_its_url(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _two_hearings(factory)
    out = tmp_path / "site"
    publish_site(factory, out)
    with transaction(factory) as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == OTHER))
        hearing.status = HearingStatus.DRAFT
    report = publish_site(factory, out, only=[SLUG])
    assert report.removed == [OTHER]
    assert not (out / OTHER).exists()
    index_links = [a["href"] for a in soup(out / "index.html").select("a")]
    assert f"{OTHER}/" not in index_links and f"{SLUG}/" in index_links
    assert OTHER not in (out / "feed.xml").read_text(encoding="utf-8")
    with transaction(factory) as session:
        mark_hearing_published(session, OTHER)
    assert publish_site(factory, out).rendered == [OTHER]
    assert (out / OTHER / "chapter" / QA_SLUG / "index.html").is_file()


def test_chapter_slugs_are_unique_within_a_hearing(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    same = [
        SeedChapter("qa", "Questions", "", [], [("SPEAKER_00", f"Question {number}?")])
        for number in range(3)
    ]
    with transaction(factory) as session:
        store_seed_hearing(session, SeedHearing(chapters=same))
    out = tmp_path / "site"
    publish_site(factory, out)
    folders = sorted(path.name for path in (out / SLUG / "chapter").iterdir())
    assert folders == ["questions", "questions-2", "questions-3"]
    pager = soup(out / SLUG / "chapter" / "questions-2" / "index.html")
    assert pager.select_one("a[rel=prev]")["href"] == "../questions/"
    assert pager.select_one("a[rel=next]")["href"] == "../questions-3/"
