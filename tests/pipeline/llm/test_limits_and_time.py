"""Bounded output, context-length rejections, time and concurrency that fit the server."""

from __future__ import annotations

import json

import pytest

from pipeline.chapters.prompts import Prompt
from pipeline.config import LlmSettings, get_settings
from pipeline.llm import LlmContextOverflow, LlmTruncated, LlmUnavailable, endpoint
from pipeline.llm.client import learn
from tests.pipeline.llm.conftest import GOOD, Verdict, client
from tests.support.fake_openai import FakeReply
from tests.support.llm_fixtures import Serve
from tests.support.llm_profiles import ServerProfile

LONG = {"answer": "word " * 400, "score": 1}


def test_a_local_server_gets_max_tokens_and_the_reply_is_cut_there(
    serve: Serve, prompt: Prompt
) -> None:
    server = serve(ServerProfile(honoured_limits=("max_tokens",)))
    server.script(FakeReply.json(LONG))
    with pytest.raises(LlmTruncated, match="cut off"):
        client().ask("verdict", prompt, {"question": "?"}, Verdict, max_output_tokens=50)
    body = server.requests[0].body
    assert body["max_tokens"] == 50 and "max_completion_tokens" not in body


def test_an_ignored_limit_parameter_is_replaced_by_the_other(serve: Serve, prompt: Prompt) -> None:
    server = serve(ServerProfile(honoured_limits=("max_tokens",)))
    learn("limit", get_settings().llm.base_url, "gpt-4.1-mini", "max_completion_tokens")
    server.script(FakeReply.json(GOOD | {"answer": "word " * 100}), FakeReply.json(LONG))
    llm = client()
    llm.ask("verdict", prompt, {"question": "?"}, Verdict, max_output_tokens=20)
    with pytest.raises(LlmTruncated):
        llm.ask("verdict", prompt, {"question": "again?"}, Verdict, max_output_tokens=20)
    assert [
        sorted(set(r.body) & {"max_tokens", "max_completion_tokens"}) for r in server.requests
    ] == [
        ["max_completion_tokens"],
        ["max_tokens"],
    ]


def test_a_rejected_limit_parameter_is_replaced_by_the_other(serve: Serve, prompt: Prompt) -> None:
    server = serve(ServerProfile(rejected_limits=("max_tokens",)))
    server.script(FakeReply.json(GOOD))
    assert client().ask("verdict", prompt, {"question": "?"}, Verdict).value.score == 3
    assert "max_completion_tokens" in server.requests[-1].body and len(server.requests) == 2


def test_a_context_rejection_names_the_limit_and_the_setting(serve: Serve, prompt: Prompt) -> None:
    server = serve(ServerProfile(context_tokens=300), max_retries="3")
    with pytest.raises(LlmContextOverflow) as raised:
        client().ask("verdict", prompt, {"question": "word " * 400}, Verdict)
    message = str(raised.value)
    assert "maximum context length is 300 tokens" in message
    assert "HEARINGS_LLM__CONTEXT_TOKENS" in message and raised.value.limit == 300
    assert len(server.requests) == 1  # not retried as an outage


def test_a_single_slot_server_is_not_sent_a_timed_out_prompt_again(
    serve: Serve, prompt: Prompt
) -> None:
    server = serve(
        ServerProfile(single_slot=True), timeout_seconds="0.3", timeout_seconds_per_1k_tokens="0"
    )
    server.script(FakeReply(content=json.dumps(GOOD), delay_seconds=1.0))
    with pytest.raises(LlmUnavailable, match=r"did not answer in time \(0 retries\)"):
        client().ask("verdict", prompt, {"question": "?"}, Verdict)
    assert len(server.requests) == 1


def test_defaults_fit_local_and_remote_servers() -> None:
    local, remote = LlmSettings(base_url="http://127.0.0.1:8080/v1"), LlmSettings()
    hosted = LlmSettings(base_url="https://api.together.xyz/v1")
    assert [endpoint.concurrency(s) for s in (local, remote, hosted)] == [1, 4, 4]
    assert [endpoint.retries(s) for s in (local, remote, hosted)] == [0, 4, 4]
    assert endpoint.concurrency(LlmSettings(base_url="http://vllm:8000/v1", max_concurrency=8)) == 8
    for url in ("http://localhost:11434/v1", "http://10.0.0.5/v1", "http://gpu-box.local/v1"):
        assert endpoint.is_local(url), url
    short = endpoint.call_timeout(local, prompt_characters=3_000, max_output_tokens=500)
    long = endpoint.call_timeout(local, prompt_characters=30_000, max_output_tokens=500)
    assert local.timeout_seconds < short < long
