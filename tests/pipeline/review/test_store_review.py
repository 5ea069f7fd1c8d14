"""The review store on SQLite and PostgreSQL: version checks (also in the UPDATE itself, for
two saves at the same moment), structural edits, publishing and undo."""

from __future__ import annotations

import pytest
from sqlalchemy.orm.exc import StaleDataError

from models import Chapter, Hearing
from models.db import transaction
from pipeline.review import structure_edits
from pipeline.store import review_chapters, review_history
from pipeline.store.review_chapters import ChapterText
from pipeline.store.review_history import ReviewConflict
from pipeline.testing.review_hearing import seed_hearing
from tests.pipeline.review.conftest import SLUG, migrated_factory
from tests.pipeline.review.snapshot import chapters, edits

TEXT = ChapterText(kind="qa", title="Edited", summary="", bullets=["One"])


@pytest.fixture
def stored(database_url: str):
    factory = migrated_factory(database_url)
    return factory, seed_hearing(factory, SLUG)


def test_a_save_from_an_old_version_is_a_conflict(stored) -> None:
    factory, hearing_id = stored
    first = chapters(factory, hearing_id)[0]
    with transaction(factory) as session:
        hearing = session.get(Hearing, hearing_id)
        review_chapters.save_text(session, hearing, first.id, first.version, TEXT, "alice")
    with pytest.raises(ReviewConflict, match="changed by alice"), transaction(factory) as session:
        hearing = session.get(Hearing, hearing_id)
        review_chapters.save_text(session, hearing, first.id, first.version, TEXT, "bob")


def test_two_saves_at_the_same_moment_cannot_both_win(stored) -> None:
    factory, hearing_id = stored
    first = chapters(factory, hearing_id)[0]
    with factory() as bob_session:
        seen = bob_session.get(Chapter, first.id)  # bob has read version 1 and checked it
        assert seen is not None and seen.version == first.version
        hearing = bob_session.get(Hearing, hearing_id)
        bob_session.commit()  # …his read transaction ends; alice saves in between
        with transaction(factory) as session:
            alice_hearing = session.get(Hearing, hearing_id)
            review_chapters.save_text(session, alice_hearing, first.id, first.version,
                                      ChapterText("qa", "Alice", "", []), "alice")  # fmt: skip
        with pytest.raises(StaleDataError):
            review_chapters.save_text(bob_session, hearing, first.id, first.version, TEXT, "bob")
        bob_session.rollback()
    assert chapters(factory, hearing_id)[0].title == "Alice"


def test_split_merge_publish_and_undo(stored) -> None:
    factory, hearing_id = stored
    rows = chapters(factory, hearing_id)
    with transaction(factory) as session:
        hearing = session.get(Hearing, hearing_id)
        layout = structure_edits.layout(rows)
        structure_edits.restructure(session, hearing, rows[3].id, layout, "split", 50, "alice")
    with transaction(factory) as session:
        hearing = session.get(Hearing, hearing_id)
        layout = structure_edits.layout(chapters(factory, hearing_id))
        structure_edits.restructure(session, hearing, rows[0].id, layout, "merge", None, "alice")
    assert [(c.start_line, c.stop_line) for c in chapters(factory, hearing_id)] == [
        (0, 30), (30, 45), (45, 50), (50, 60)
    ]  # fmt: skip
    with transaction(factory) as session:
        hearing = session.get(Hearing, hearing_id)
        review_chapters.approve_remaining(session, hearing, "alice")
        review_chapters.publish(session, hearing, "alice")
    with factory() as session:
        assert session.get(Hearing, hearing_id).published_at is not None
    last_state = [e for e in edits(factory) if e.field == "review_state"][-1]
    with transaction(factory) as session:
        review_history.undo(session, hearing_id, last_state.id, "alice")
    assert chapters(factory, hearing_id)[-1].review_state == "approved"
