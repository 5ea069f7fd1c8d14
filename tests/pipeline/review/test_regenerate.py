"""“Regenerate this chapter”: one call to a real OpenAI-compatible server on loopback with
the chapter prompt and the current speaker names; the editor accepts or discards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.config import load_settings
from tests.pipeline.review.conftest import SLUG, ReviewClient, ReviewEnv, make_env
from tests.pipeline.review.snapshot import chapters, edits, snapshot, speakers
from tests.support.fake_openai import FakeOpenAI, FakeReply
from tests.support.llm_profiles import ServerProfile

BASE = f"/hearings/{SLUG}"
PROPOSAL = {
    "chapter_1": {
        "title": "Chair opens the budget hearing",
        "summary": "Justin Brannan opens the hearing <b>today</b>.",
        "bullets": ["Quorum is present", "Agenda is read"],
    }
}


@pytest.fixture
def llm(env: ReviewEnv) -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        env.settings = load_settings(
            llm={"base_url": server.base_url, "api_key": "sk-test", "max_retries": 0}
        )
        yield server


@pytest.fixture
def llm_client(env: ReviewEnv, llm: FakeOpenAI) -> Iterator[ReviewClient]:
    with env.client() as client:
        client.login()
        yield client


def test_a_proposal_is_shown_beside_the_current_text_and_saves_nothing(
    env: ReviewEnv, llm: FakeOpenAI, llm_client: ReviewClient
) -> None:
    labels = speakers(env.factory, env.hearing_id)
    llm_client.change(f"{BASE}/speakers/{labels['SPEAKER_01'].id}",
                      {"action": "rename", "name": "Dana Smith"})  # fmt: skip
    before = snapshot(env.factory)
    first = chapters(env.factory, env.hearing_id)[0]
    llm.script(FakeReply.json(PROPOSAL))
    response = llm_client.change(f"{BASE}/chapters/{first.id}/regenerate")
    assert response.status_code == 200
    assert "Chapter 1 title" in response.text and "Chair opens the budget hearing" in response.text
    assert "&lt;b&gt;today&lt;/b&gt;" in response.text
    assert snapshot(env.factory) == before
    [request] = llm.requests
    assert request.schema_name == "ChapterTexts"
    assert "Dana Smith" in request.prompt_text  # the editor's fix reaches the model
    assert "Line 3 about the budget" in request.prompt_text
    assert "Line 20 about" not in request.prompt_text  # only this chapter's lines


def test_accepting_a_proposal_saves_it_as_the_models_writing(
    env: ReviewEnv, llm: FakeOpenAI, llm_client: ReviewClient
) -> None:
    first = chapters(env.factory, env.hearing_id)[0]
    llm.script(FakeReply.json(PROPOSAL))
    page = llm_client.change(f"{BASE}/chapters/{first.id}/regenerate").text
    assert 'name="source" value="llm"' in page
    form = {
        "version": first.version, "source": "llm", "kind": first.kind,
        "title": PROPOSAL["chapter_1"]["title"], "summary": PROPOSAL["chapter_1"]["summary"],
        "bullets": PROPOSAL["chapter_1"]["bullets"],
    }  # fmt: skip
    assert llm_client.change(f"{BASE}/chapters/{first.id}", form).status_code == 303
    saved = chapters(env.factory, env.hearing_id)[0]
    assert saved.title == "Chair opens the budget hearing"
    assert saved.bullets == ["Quorum is present", "Agenda is read"]
    assert saved.generator == "gpt-4.1-mini" and saved.prompt_version.startswith("chapter.v")
    assert saved.edited_by == "alice"
    assert {e.field for e in edits(env.factory)} >= {"title", "summary", "bullets"}


def test_an_llm_failure_is_one_clear_message(
    env: ReviewEnv, llm: FakeOpenAI, llm_client: ReviewClient
) -> None:
    first = chapters(env.factory, env.hearing_id)[0]
    llm.script(FakeReply(status=500))
    response = llm_client.change(f"{BASE}/chapters/{first.id}/regenerate")
    assert response.status_code == 422
    assert "the LLM could not write a proposal" in response.text and "HTTP 500" in response.text


def test_without_an_llm_regenerating_says_how_to_configure_one(
    env: ReviewEnv, client: ReviewClient
) -> None:
    first = chapters(env.factory, env.hearing_id)[0]
    response = client.change(f"{BASE}/chapters/{first.id}/regenerate")
    assert response.status_code == 422 and "HEARINGS_LLM__BASE_URL" in response.text


def test_a_long_chapter_is_abridged_by_the_servers_own_token_count(
    sqlite_url: str, settings
) -> None:
    # A server whose tokens are 1.5 characters and whose context is 2048: a chapter cut
    # at 4 characters a token would overflow it.
    env = make_env(sqlite_url, settings, line_count=400, chapter_count=2)
    profile = ServerProfile(tokenize=True, characters_per_token=1.5, context_tokens=2048)
    with FakeOpenAI(profile=profile) as server:
        env.settings = load_settings(
            llm={"base_url": server.base_url, "api_key": "sk-test", "context_tokens": 2048}
        )
        server.script(FakeReply.json(PROPOSAL))
        with env.client() as client:
            client.login()
            first = chapters(env.factory, env.hearing_id)[0]
            response = client.change(f"{BASE}/chapters/{first.id}/regenerate")

    assert response.status_code == 200, response.text
    assert "Chair opens the budget hearing" in response.text
    [request] = server.requests
    assert request.tokens_in <= 2048
