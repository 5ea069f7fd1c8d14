"""The hearings list with its flags and filters, the hearing page (video, chapters, lines,
escaping), the media file with range requests, and speaker fixes."""

from __future__ import annotations

import json

from models import Hearing, StageRun, StageStatus
from models.db import transaction
from pipeline.artifacts import ArtifactStore
from pipeline.schemas import SourceInfo
from pipeline.testing.review_hearing import COMMITTEE, seed_hearing
from tests.pipeline.review.conftest import SLUG, ReviewClient, ReviewEnv
from tests.pipeline.review.snapshot import edits, speakers

BASE = f"/hearings/{SLUG}"


def test_transcript_markup_is_shown_as_text(client: ReviewClient) -> None:
    page = client.get(BASE).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_markup_typed_by_an_editor_is_escaped_everywhere(
    env: ReviewEnv, client: ReviewClient
) -> None:
    attack = '"><img src=x onerror=alert(2)>'
    speaker = speakers(env.factory, env.hearing_id)["SPEAKER_01"]
    client.change(f"{BASE}/speakers/{speaker.id}", {"action": "rename", "name": attack})
    for path in [BASE, f"{BASE}/history"]:
        page = client.get(path).text
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(2)&gt;" in page


def test_the_hearing_page_shows_player_chapters_and_named_lines(
    env: ReviewEnv, client: ReviewClient
) -> None:
    page = client.get(BASE).text
    assert page.count('class="chapter ') == 4
    assert page.count('class="line"') == 60
    assert 'id="line-3" data-start="12.0"' in page
    assert '<span class="spk">Justin Brannan</span>' in page
    assert '<span class="spk">Speaker 2</span>' in page
    assert "No video is stored or linked" in page  # nothing acquired for this hearing
    with transaction(env.factory) as session:
        session.get(Hearing, env.hearing_id).video_url = "https://example.org/h.mp4"
    assert '<video id="player" controls preload="metadata" src="https://example.org/h.mp4">' in (
        client.get(BASE).text
    )


def store_media(env: ReviewEnv, content: bytes) -> None:
    store = ArtifactStore(env.settings.hearings_dir)
    folder = store.hearing_dir(SLUG)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "media.mp4").write_bytes(content)
    info = SourceInfo(
        url="/x.mp4", media_file="media.mp4", size_bytes=len(content), sha256="0" * 64
    )
    store.write(SLUG, "source", info, stage_version="1", input_fingerprint="f")


def test_stored_media_is_served_with_range_requests(env: ReviewEnv, client: ReviewClient) -> None:
    store_media(env, bytes(range(256)) * 40)
    page = client.get(BASE).text
    assert f'src="{BASE}/media"' in page
    whole = client.get(f"{BASE}/media")
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    part = client.get(f"{BASE}/media", headers={"Range": "bytes=256-511"})
    assert part.status_code == 206
    assert part.content == bytes(range(256))
    assert part.headers["content-range"] == "bytes 256-511/10240"


def test_media_outside_the_hearing_folder_is_not_served(
    env: ReviewEnv, client: ReviewClient, tmp_path
) -> None:
    (tmp_path / "secret.txt").write_text("no")
    store = ArtifactStore(env.settings.hearings_dir)
    store.hearing_dir(SLUG).mkdir(parents=True, exist_ok=True)
    path = store.path(SLUG, "source")
    info = {"url": "x", "media_file": "../../../secret.txt", "size_bytes": 2, "sha256": "0" * 64}
    path.write_text(json.dumps({"header": {"stage": "source", "stage_version": "1",
                                           "fingerprint": "f"}, "data": info}))  # fmt: skip
    assert client.get(f"{BASE}/media").status_code == 404


def test_the_list_shows_progress_flags_and_filters(env: ReviewEnv, client: ReviewClient) -> None:
    seed_hearing(env.factory, "parks-2024-11-01", line_count=400, chapter_count=2,
                 generator="offline")  # fmt: skip
    with transaction(env.factory) as session:
        session.add(StageRun(hearing_id=env.hearing_id, stage="diarize",
                             status=StageStatus.FAILED, error="boom"))  # fmt: skip
        other = session.query(Hearing).filter_by(slug="parks-2024-11-01").one()
        other.status, other.body_name = "failed", "Committee on Parks"
    page = client.get("/").text
    assert "0 / 4" in page and "0 / 2" in page
    assert "3 unnamed speaker(s)" in page
    assert "failed: diarize" in page
    assert "2 chapter(s) over 10 min" in page
    assert "2 chapter(s) not written by the LLM" in page
    only_failed = client.get("/", params={"status": "failed"}).text
    assert "parks-2024-11-01" in only_failed and SLUG not in only_failed
    by_committee = client.get("/", params={"committee": COMMITTEE}).text
    assert SLUG in by_committee and "parks-2024-11-01" not in by_committee


def test_rename_pick_a_person_and_merge_speakers(env: ReviewEnv, client: ReviewClient) -> None:
    labels = speakers(env.factory, env.hearing_id)
    renamed = client.change(f"{BASE}/speakers/{labels['SPEAKER_01'].id}",
                            {"action": "rename", "name": "Dana Smith"})  # fmt: skip
    assert renamed.status_code == 303
    page = client.get(BASE).text
    assert '<span class="spk">Dana Smith</span>' in page and "Speaker 2" not in page
    roster_person = _person_id(env, "Jennifer Gutiérrez")
    assert f'<option value="{roster_person}"' in page  # the roster of the hearing's committee
    client.change(f"{BASE}/speakers/{labels['SPEAKER_02'].id}",
                  {"action": "person", "person_id": roster_person})  # fmt: skip
    client.change(f"{BASE}/speakers/{labels['SPEAKER_03'].id}",
                  {"action": "merge", "target_id": labels["SPEAKER_02"].id})  # fmt: skip
    fixed = speakers(env.factory, env.hearing_id)
    for label in ("SPEAKER_02", "SPEAKER_03"):
        assert fixed[label].person_id == roster_person
        assert fixed[label].display_name == "Jennifer Gutiérrez"
        assert fixed[label].role == "Member"
        assert fixed[label].method == "human" and fixed[label].edited_by == "alice"
    assert client.get(BASE).text.count('<span class="spk">Jennifer Gutiérrez</span>') >= 2
    identity = [edit for edit in edits(env.factory) if edit.field == "identity"]
    assert len(identity) == 3 and identity[0].before["display_name"] == "Speaker 2"


def test_speaker_fixes_refuse_bad_input(env: ReviewEnv, client: ReviewClient) -> None:
    speaker = speakers(env.factory, env.hearing_id)["SPEAKER_01"]
    for form in [{"action": "rename", "name": "  "}, {"action": "person", "person_id": 9999},
                 {"action": "merge", "target_id": speaker.id}, {"action": "nothing"}]:  # fmt: skip
        assert client.change(f"{BASE}/speakers/{speaker.id}", form).status_code == 422, form
    assert edits(env.factory) == []


def test_unknown_hearing_is_404(client: ReviewClient) -> None:
    response = client.get("/hearings/no-such-hearing")
    assert response.status_code == 404 and "no-such-hearing" in response.text


def _person_id(env: ReviewEnv, name: str) -> int:
    from models import Person

    with env.factory() as session:
        return session.query(Person).filter_by(full_name=name).one().id
