"""Chapter edits over HTTP: texts and bullets, boundaries, splits, merges, conflicts, review
states, publishing, history and undo; and a pipeline re-run keeps what editors changed."""

from __future__ import annotations

from datetime import UTC, datetime

from models import Hearing, HearingStatus
from models.db import transaction
from pipeline.schemas import check_tiling
from pipeline.store.hearing_data import store_hearing_outputs
from pipeline.testing.review_hearing import make_chapters, make_lines, make_speakers
from tests.pipeline.review.conftest import SLUG, ReviewClient, ReviewEnv
from tests.pipeline.review.snapshot import chapters, edits, snapshot

BASE = f"/hearings/{SLUG}"


def layout(env: ReviewEnv) -> str:
    return ",".join(str(c.start_line) for c in chapters(env.factory, env.hearing_id))


def assert_tiles(env: ReviewEnv, line_count: int = 60) -> None:
    rows = chapters(env.factory, env.hearing_id)
    assert [c.position for c in rows] == list(range(len(rows)))
    starts = [c.start_line for c in rows]
    stops = [c.stop_line for c in rows]
    assert starts[0] == 0 and stops[-1] == line_count and starts[1:] == stops[:-1]


def save(client: ReviewClient, chapter_id: int, version: int, **fields: object):
    form = {"version": version, "kind": "qa", "title": "T", "summary": "", **fields}
    return client.change(f"{BASE}/chapters/{chapter_id}", form)


def test_saving_title_summary_kind_and_bullets_records_each_field(
    env: ReviewEnv, client: ReviewClient
) -> None:
    first = chapters(env.factory, env.hearing_id)[0]
    response = save(
        client, first.id, first.version, kind="procedure", title="  Roll   call ",
        summary="The clerk calls the roll.", bullets=["Third", "", "First", "Second"],
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}#chapter-{first.id}"
    saved = chapters(env.factory, env.hearing_id)[0]
    assert (saved.kind, saved.title, saved.summary) == (
        "procedure",
        "Roll call",
        "The clerk calls the roll.",
    )
    assert saved.bullets == ["Third", "First", "Second"]  # order kept, empty dropped
    assert saved.edited_by == "alice" and saved.version > first.version
    recorded = {edit.field: edit for edit in edits(env.factory)}
    assert set(recorded) == {"kind", "title", "summary", "bullets"}
    assert recorded["title"].before == "Chapter 1 title" and recorded["title"].after == "Roll call"
    assert recorded["bullets"].before == ["Point 1.1", "Point 1.2", "Point 1.3"]
    assert all(edit.editor == "alice" for edit in recorded.values())
    page = client.get(BASE).text
    assert "Roll call" in page and "edited by alice" in page


def test_two_editors_saving_one_chapter_get_a_conflict(env: ReviewEnv) -> None:
    first = chapters(env.factory, env.hearing_id)[0]
    with env.client() as alice, env.client() as bob:
        alice.login("alice")
        bob.login("bob")
        assert save(alice, first.id, first.version, title="Alice's title").status_code == 303
        response = save(bob, first.id, first.version, title="Bob's title")
    assert response.status_code == 409
    assert "was changed by alice after you opened it" in response.text
    assert "Bob&#39;s title" in response.text  # bob's text is shown back, not lost
    assert chapters(env.factory, env.hearing_id)[0].title == "Alice's title"


def test_an_invalid_kind_or_empty_title_is_refused(env: ReviewEnv, client: ReviewClient) -> None:
    first = chapters(env.factory, env.hearing_id)[0]
    before = snapshot(env.factory)
    assert save(client, first.id, first.version, kind="gossip").status_code == 422
    assert save(client, first.id, first.version, title="   ").status_code == 422
    assert snapshot(env.factory) == before


def test_split_move_and_merge_keep_the_chapters_tiling(
    env: ReviewEnv, client: ReviewClient
) -> None:
    rows = chapters(env.factory, env.hearing_id)  # [0,15) [15,30) [30,45) [45,60)
    split = client.change(f"{BASE}/chapters/{rows[1].id}/structure",
                          {"layout": layout(env), "action": "split", "line": 20})  # fmt: skip
    assert split.status_code == 303
    after_split = chapters(env.factory, env.hearing_id)
    assert [(c.start_line, c.stop_line) for c in after_split] == [
        (0, 15),
        (15, 20),
        (20, 30),
        (30, 45),
        (45, 60),
    ]
    new = after_split[2]
    assert new.generator == "human" and new.title == "Chapter 2 title (continued)"
    assert new.start == 80.0 and new.end == 29 * 4.0 + 3.5
    move = client.change(f"{BASE}/chapters/{after_split[3].id}/structure",
                         {"layout": layout(env), "action": "move", "line": 33})  # fmt: skip
    assert move.status_code == 303
    assert [(c.start_line, c.stop_line) for c in chapters(env.factory, env.hearing_id)][2:4] == [
        (20, 33),
        (33, 45),
    ]
    merge = client.change(f"{BASE}/chapters/{rows[0].id}/structure",
                          {"layout": layout(env), "action": "merge"})  # fmt: skip
    assert merge.status_code == 303
    merged = chapters(env.factory, env.hearing_id)
    assert [(c.start_line, c.stop_line) for c in merged][:2] == [(0, 20), (20, 33)]
    assert merged[0].bullets == [*rows[0].bullets, *rows[1].bullets]
    assert_tiles(env)
    fields = [edit.field for edit in edits(env.factory)]
    assert fields.count("chapters") == 3 and "created" in fields and "deleted" in fields


def test_an_edit_that_would_break_tiling_is_refused_with_a_message(
    env: ReviewEnv, client: ReviewClient
) -> None:
    rows = chapters(env.factory, env.hearing_id)
    before = snapshot(env.factory)
    refused = [
        ({"action": "split", "line": 15}, rows[1].id, "must fall between lines 16 and 29"),
        ({"action": "split", "line": 999}, rows[3].id, "not at 999"),
        ({"action": "move", "line": 30}, rows[1].id, "can start between lines 1 and 29"),
        ({"action": "move", "line": 5}, rows[0].id, "the first chapter always starts at line 0"),
        ({"action": "merge"}, rows[3].id, "the last chapter has no next chapter"),
        ({"action": "split"}, rows[1].id, "give the line number"),
    ]
    for form, chapter_id, message in refused:
        response = client.change(f"{BASE}/chapters/{chapter_id}/structure",
                                 {"layout": layout(env), **form})  # fmt: skip
        assert response.status_code == 422, form
        assert message in response.text, (form, response.text)
    assert snapshot(env.factory) == before


def test_a_structure_change_on_a_stale_page_is_a_conflict(
    env: ReviewEnv, client: ReviewClient
) -> None:
    rows = chapters(env.factory, env.hearing_id)
    stale = layout(env)
    client.change(f"{BASE}/chapters/{rows[0].id}/structure",
                  {"layout": stale, "action": "split", "line": 5})  # fmt: skip
    before = snapshot(env.factory)
    response = client.change(f"{BASE}/chapters/{rows[2].id}/structure",
                             {"layout": stale, "action": "merge"})  # fmt: skip
    assert response.status_code == 409 and "were changed after you opened it" in response.text
    assert snapshot(env.factory) == before


def test_approve_reject_approve_all_then_publish(env: ReviewEnv, client: ReviewClient) -> None:
    rows = chapters(env.factory, env.hearing_id)
    reject = client.change(f"{BASE}/chapters/{rows[0].id}/review",
                           {"version": rows[0].version, "state": "rejected"})  # fmt: skip
    assert reject.status_code == 303
    assert client.change(f"{BASE}/approve-all").status_code == 303
    states = [c.review_state for c in chapters(env.factory, env.hearing_id)]
    assert states == ["rejected", "approved", "approved", "approved"]
    refused = client.change(f"{BASE}/publish")
    assert refused.status_code == 422 and "1 chapter(s) are not approved yet" in refused.text
    first = chapters(env.factory, env.hearing_id)[0]
    client.change(f"{BASE}/chapters/{first.id}/review",
                  {"version": first.version, "state": "approved"})  # fmt: skip
    assert client.change(f"{BASE}/publish").status_code == 303
    with env.factory() as session:
        hearing = session.get(Hearing, env.hearing_id)
        assert hearing.status == HearingStatus.PUBLISHED
        assert (datetime.now(UTC) - hearing.published_at).total_seconds() < 60
    assert {c.review_state for c in chapters(env.factory, env.hearing_id)} == {"published"}
    assert "published" in client.get(BASE).text


def test_history_lists_edits_and_undo_puts_the_last_value_back(
    env: ReviewEnv, client: ReviewClient
) -> None:
    first = chapters(env.factory, env.hearing_id)[0]
    save(client, first.id, first.version, title="Second try", kind=first.kind,
         summary=first.summary, bullets=first.bullets)  # fmt: skip
    history = client.get(f"{BASE}/history?chapter={first.id}").text
    assert "Second try" in history and "alice" in history and "Undo" in history
    title_edit = next(edit for edit in edits(env.factory) if edit.field == "title")
    assert client.change(f"{BASE}/undo", {"edit_id": title_edit.id}).status_code == 303
    assert chapters(env.factory, env.hearing_id)[0].title == "Chapter 1 title"
    again = client.change(f"{BASE}/undo", {"edit_id": title_edit.id})
    assert again.status_code == 409 and "only its last change can be undone" in again.text
    assert [edit.field for edit in edits(env.factory)] == ["title", "title"]
    assert "hearing" in client.get(f"{BASE}/history").text


def test_a_pipeline_rerun_keeps_what_editors_changed(env: ReviewEnv, client: ReviewClient) -> None:
    rows = chapters(env.factory, env.hearing_id)
    save(client, rows[1].id, rows[1].version, title="Editor's title")
    with transaction(env.factory) as session:
        hearing = session.get(Hearing, env.hearing_id)
        store_hearing_outputs(session, hearing, make_lines(60), make_speakers(),
                              make_chapters(60, 6, generator="rerun-model"))  # fmt: skip
    after = chapters(env.factory, env.hearing_id)
    kept = [c for c in after if c.id == rows[1].id]
    assert kept and kept[0].title == "Editor's title" and kept[0].start_line == 15
    assert {c.generator for c in after if c.id != rows[1].id} == {"rerun-model"}
    assert_tiles(env)


def test_tiling_check_of_the_schema_agrees_with_the_stored_result(
    env: ReviewEnv, client: ReviewClient
) -> None:
    rows = chapters(env.factory, env.hearing_id)
    client.change(f"{BASE}/chapters/{rows[2].id}/structure",
                  {"layout": layout(env), "action": "split", "line": 40})  # fmt: skip
    stored = make_chapters(60, 4).chapters[0]
    shaped = [
        stored.model_copy(update={"start_line": c.start_line, "stop_line": c.stop_line})
        for c in chapters(env.factory, env.hearing_id)
    ]
    check_tiling(shaped, 60)  # the pipeline's own check accepts the edited chapters


def test_saving_a_chapter_a_rerun_replaced_is_a_conflict(
    env: ReviewEnv, client: ReviewClient
) -> None:
    old = chapters(env.factory, env.hearing_id)[2]
    with transaction(env.factory) as session:
        hearing = session.get(Hearing, env.hearing_id)
        store_hearing_outputs(session, hearing, make_lines(60), make_speakers(),
                              make_chapters(60, 3))  # fmt: skip
    response = save(client, old.id, old.version, title="Lost?")
    assert response.status_code == 409 and "no longer part of this hearing" in response.text
    assert "Lost?" in response.text  # the editor's text is shown back to copy
