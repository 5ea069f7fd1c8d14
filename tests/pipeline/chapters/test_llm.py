"""pipeline.llm against a real HTTP server: validation, re-ask, retries, refusals, cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from pipeline.chapters.prompts import Prompt, PromptError, load_prompt
from pipeline.config import get_settings
from pipeline.llm import (
    LlmClient,
    LlmInvalidOutput,
    LlmRefusal,
    LlmTruncated,
    LlmUnavailable,
)
from tests.pipeline.chapters.conftest import API_KEY
from tests.support.fake_openai import FakeOpenAI, FakeReply, strict_schema_problems

GOOD = {"answer": "yes", "score": 3}


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str
    score: int


@pytest.fixture
def prompt(tmp_path: Path) -> Prompt:
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "verdict.v1.j2").write_text(
        "{% block system %}Judge it.{% endblock %}{% block user %}{{ question }}{% endblock %}"
    )
    (folder / "verdict.v2.j2").write_text(
        "{% block system %}Judge it well.{% endblock %}{% block user %}{{ question }}{% endblock %}"
    )
    return load_prompt("verdict", folder)


def client(cache: Path | None = None) -> LlmClient:
    return LlmClient(get_settings().llm, cache)


def test_a_normal_answer_is_validated_and_priced(
    fake_llm: FakeOpenAI, prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    price = {"input_per_million": 0.40, "output_per_million": 1.60}
    monkeypatch.setenv("HEARINGS_LLM__PRICES", json.dumps({"gpt-4.1-mini": price}))
    get_settings.cache_clear()
    fake_llm.script(FakeReply.json(GOOD))
    reply = client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    assert reply.value == Verdict(**GOOD)
    assert prompt.version == "verdict.v2"
    request = fake_llm.requests[0]
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.body["model"] == "gpt-4.1-mini"
    assert request.schema_name == "Verdict"
    assert request.schema["required"] == ["answer", "score"]
    assert reply.usage.calls == 1 and reply.usage.tokens_in == request.tokens_in
    expected_cost = (reply.usage.tokens_in * 0.40 + reply.usage.tokens_out * 1.60) / 1e6
    assert reply.usage.cost_usd == pytest.approx(expected_cost)
    assert reply.usage.unpriced_calls == 0


def test_a_model_without_a_price_has_an_unknown_cost(fake_llm: FakeOpenAI, prompt: Prompt) -> None:
    """The default model name on a local server is not OpenAI's gpt-4.1-mini: no price."""
    fake_llm.script(FakeReply.json(GOOD))
    usage = client().ask("verdict", prompt, {"question": "Is it?"}, Verdict).usage
    assert (usage.calls, usage.cost_usd, usage.unpriced_calls) == (1, 0.0, 1)
    assert usage.cost_text.startswith("cost unknown")


def test_invalid_json_is_re_asked_once_with_the_error(fake_llm: FakeOpenAI, prompt: Prompt) -> None:
    fake_llm.script(FakeReply(content='{"answer": "yes", "score": "three"'), FakeReply.json(GOOD))
    reply = client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    assert reply.value.score == 3
    assert reply.usage.calls == 2
    repair = fake_llm.requests[1].messages
    assert repair[-2] == {"role": "assistant", "content": '{"answer": "yes", "score": "three"'}
    assert "invalid" in repair[-1]["content"].lower()


def test_output_invalid_twice_is_a_clear_error(fake_llm: FakeOpenAI, prompt: Prompt) -> None:
    fake_llm.script(FakeReply.json({"answer": "yes"}), FakeReply.json({"score": 1}))
    with pytest.raises(LlmInvalidOutput, match="does not match Verdict") as raised:
        client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    assert raised.value.usage.calls == 2


@pytest.mark.parametrize(
    "failure",
    [
        FakeReply(status=429, headers={"Retry-After": "0.01"}, error_message="slow down"),
        FakeReply(status=500),
        FakeReply(content=json.dumps(GOOD), delay_seconds=1.0),
    ],
    ids=["429-retry-after", "500", "timeout"],
)
def test_transient_failures_are_retried(
    fake_llm: FakeOpenAI, prompt: Prompt, failure: FakeReply
) -> None:
    fake_llm.script(failure, FakeReply.json(GOOD))
    reply = client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    assert reply.value == Verdict(**GOOD)
    assert len(fake_llm.requests) == 2


def test_persistent_server_errors_end_in_a_clear_error_without_the_key(
    fake_llm: FakeOpenAI, prompt: Prompt
) -> None:
    fake_llm.script(*[FakeReply(status=503)] * 3)
    with pytest.raises(LlmUnavailable, match="answered HTTP 503") as raised:
        client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    assert API_KEY not in str(raised.value)
    assert len(fake_llm.requests) == 3


def test_a_refusal_and_a_truncation_are_named(fake_llm: FakeOpenAI, prompt: Prompt) -> None:
    fake_llm.script(
        FakeReply(refusal="I can't help with that."),
        FakeReply(content='{"answer": "y', finish_reason="length"),
    )
    with pytest.raises(LlmRefusal, match="can't help"):
        client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    with pytest.raises(LlmTruncated, match="cut off"):
        client().ask("verdict", prompt, {"question": "Is it now?"}, Verdict)


def test_a_cached_reply_costs_nothing(fake_llm: FakeOpenAI, prompt: Prompt, tmp_path: Path) -> None:
    fake_llm.script(FakeReply.json(GOOD))
    first = client(tmp_path / "cache").ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    again = client(tmp_path / "cache").ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    assert (first.cached, again.cached) == (False, True)
    assert again.value == first.value and again.usage.calls == 0
    assert len(fake_llm.requests) == 1


def test_prompts_refuse_undefined_variables(prompt: Prompt, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="question"):
        prompt.render({})
    with pytest.raises(PromptError, match="no prompt file"):
        load_prompt("absent", tmp_path)


def test_the_fake_server_rejects_schemas_strict_mode_would() -> None:
    loose = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert strict_schema_problems(loose) == [
        "#: additionalProperties must be false",
        "#: every property must be required (['a'])",
    ]
    assert strict_schema_problems({"type": 5})[0].startswith("not a JSON schema")
