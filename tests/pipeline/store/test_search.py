"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector + GIN): found, ranked, filtered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from models import Hearing, HearingStatus
from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.publish.site import publish_site
from pipeline.store.search import (
    MARK_END,
    MARK_START,
    SearchError,
    SearchQuery,
    fts5_query,
    refresh_search_index,
    search,
)
from tests.support.seed_hearing import (
    QA_TITLE,
    SLUG,
    SeedChapter,
    SeedHearing,
    default_chapters,
    store_seed_hearing,
)

OTHER = "2024-11-12-1000-am-committee-on-finance"
QA_PATH = f"/{SLUG}/chapter/questions-about-nypd-s-potential-access-to-mycity-portal-data/"


def _finance_hearing() -> SeedHearing:
    chapters = [
        SeedChapter("agency_testimony", "Testimony on the preliminary budget",
                    "OMB presents the budget.", ["Revenue outlook"],
                    [("SPEAKER_01", "Our budget is balanced."),
                     ("SPEAKER_01", "In passing, the MyCity portal came up in our review."),
                     ("SPEAKER_00", "Thank you for that.")]),
    ]  # fmt: skip
    return SeedHearing(
        slug=OTHER, title="Committee on Finance", body_name="Committee on Finance",
        scheduled_at=datetime(2024, 11, 12, 15, 0, tzinfo=UTC), chapters=chapters,
    )  # fmt: skip


@pytest.fixture
def factory(database_url: str, tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        store_seed_hearing(session)
        store_seed_hearing(session, _finance_hearing())
    publish_site(factory, tmp_path / "site")
    return factory


def _search(factory: sessionmaker[Session], words: str, **options: object) -> list:
    with factory() as session:
        return search(session, SearchQuery(text=words, **options))  # type: ignore[arg-type]


def test_a_title_match_ranks_above_a_passing_mention(factory: sessionmaker[Session]) -> None:
    hits = _search(factory, "MyCity portal")
    assert [(hit.hearing_slug, hit.line_index) for hit in hits] == [(SLUG, None), (OTHER, 1)]
    best, passing = hits
    assert best.chapter_title == QA_TITLE and best.page_path == QA_PATH
    assert None not in (best.chapter_id, passing.chapter_id)
    assert best.chapter_id != passing.chapter_id
    assert best.score > passing.score
    assert f"{MARK_START}MyCity{MARK_END}" in best.snippet
    assert passing.speaker == "Michael Gerber" and passing.start == 25.0
    assert passing.chapter_title == "Testimony on the preliminary budget"
    assert passing.page_path.endswith("/chapter/testimony-on-the-preliminary-budget/#line-1")


def test_a_phrase_finds_the_line_with_its_speaker_time_and_link(
    factory: sessionmaker[Session],
) -> None:
    hits = _search(factory, '"not familiar with that portal"')
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.speaker, hit.start, hit.line_index) == ("Michael Gerber", 9007.0, 4)
    assert hit.page_path == f"{QA_PATH}#line-4"
    assert _search(factory, '"familiar portal"') == []


def test_drafts_are_searched_only_for_editors(factory: sessionmaker[Session]) -> None:
    assert _search(factory, "DRAFTONLY") == []
    drafts = _search(factory, "DRAFTONLY", include_drafts=True)
    assert drafts and {hit.hearing_slug for hit in drafts} == {SLUG}
    assert all(hit.page_path is None for hit in drafts)


def test_filters_by_committee_date_and_speaker(factory: sessionmaker[Session]) -> None:
    def slugs(**options: object) -> set[str]:
        return {hit.hearing_slug for hit in _search(factory, "portal", **options)}

    assert slugs() == {SLUG, OTHER}
    assert slugs(committee="finance") == {OTHER}
    assert slugs(since=datetime(2024, 11, 1, tzinfo=UTC)) == {OTHER}
    lines = _search(factory, "portal", speaker="gerber")
    assert lines and all("Michael Gerber" in hit.speaker for hit in lines)
    # His own line, and the chapter he speaks in (a chapter lists everyone heard in it).
    assert {hit.line_index for hit in lines if hit.hearing_slug == SLUG} == {4, None}
    assert slugs(speaker="nobody of that name") == set()


def test_unpublishing_takes_a_hearing_out_of_public_search(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(factory) as session:
        session.scalar(select(Hearing).where(Hearing.slug == OTHER)).status = HearingStatus.DRAFT
    publish_site(factory, tmp_path / "site")
    assert {hit.hearing_slug for hit in _search(factory, "portal")} == {SLUG}
    assert OTHER in {hit.hearing_slug for hit in _search(factory, "portal", include_drafts=True)}


def test_refreshing_replaces_a_hearings_entries(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == SLUG))
        first = refresh_search_index(session, hearing)
        assert refresh_search_index(session, hearing) == first
        count = session.scalar(
            text("SELECT count(*) FROM search_entry WHERE hearing_id = :id"), {"id": hearing.id}
        )
    assert count == first == 9 + 4
    assert len(_search(factory, '"one more question"')) == 1


def test_queries_with_operators_or_nothing_are_safe(factory: sessionmaker[Session]) -> None:
    assert fts5_query('MyCity AND( "portal data" -x') == '"MyCity" "AND" "portal data" "x"'
    _search(factory, 'AND( OR " NEAR ) *')
    with pytest.raises(SearchError):
        _search(factory, '" ( ) "')


def test_default_chapters_are_the_seed() -> None:
    assert [chapter.title for chapter in default_chapters()][1] == QA_TITLE


def test_filters_apply_before_the_best_matches_are_cut(factory: sessionmaker[Session]) -> None:
    """Many better-ranked drafts must not hide the one published match."""
    drafts = [
        SeedChapter("remarks", f"Zebra crossings, part {number}", "Zebra zebra.", [],
                    [("SPEAKER_00", "Zebra.")])
        for number in range(15)
    ]  # fmt: skip
    with transaction(factory) as session:
        store_seed_hearing(session, SeedHearing(slug="drafts", status="draft", chapters=drafts))
        hearing = session.scalar(select(Hearing).where(Hearing.slug == SLUG))
        hearing.lines[0].text = "We start with a zebra."
        refresh_search_index(session, hearing)
    hits = _search(factory, "zebra", limit=1)
    assert [(hit.hearing_slug, hit.line_index) for hit in hits] == [(SLUG, 0)]
    assert len(_search(factory, "zebra", include_drafts=True, limit=50)) == 15 * 2 + 1
