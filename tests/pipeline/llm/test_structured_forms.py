"""Structured output by capability: each server is asked in the form it takes."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from pipeline.chapters.prompts import Prompt
from pipeline.llm import LlmError
from tests.pipeline.llm.conftest import GOOD, Verdict, client
from tests.support.fake_openai import FakeReply
from tests.support.llm_fixtures import Serve
from tests.support.llm_profiles import LLAMA_CPP, ServerProfile


def system_messages(body: dict) -> list[str]:
    return [m["content"] for m in body["messages"] if m["role"] == "system"]


@pytest.mark.parametrize("status", [500, 422, 400])
def test_a_rejected_json_schema_moves_on_to_json_object_once(
    serve: Serve, prompt: Prompt, status: int
) -> None:
    server = serve(ServerProfile(json_schema_status=status), max_retries="3")
    server.script(FakeReply.json(GOOD), FakeReply.json(GOOD))
    llm = client()
    assert llm.ask("verdict", prompt, {"question": "Is it?"}, Verdict).value.score == 3
    assert llm.ask("verdict", prompt, {"question": "Is it now?"}, Verdict).value.score == 3
    formats = [request.body.get("response_format", {}).get("type") for request in server.requests]
    # The rejection is not retried as an outage, and the second call knows the form.
    assert formats == ["json_schema", "json_object", "json_object"]
    second = server.requests[1].body
    assert second["response_format"]["schema"]["required"] == ["answer", "score"]
    assert len(system_messages(second)) == 1


def test_plain_json_is_the_last_resort_with_one_system_message(
    serve: Serve, prompt: Prompt
) -> None:
    server = serve(ServerProfile(json_schema_status=400, json_object_schema=False))
    server.script(FakeReply(content="```json\n" + '{"answer": "y", "score": 1}' + "\n```"))
    assert client().ask("verdict", prompt, {"question": "Is it?"}, Verdict).value.score == 1
    plain = server.requests[-1].body
    assert len(server.requests) == 3 and "response_format" not in plain
    (system,) = system_messages(plain)
    assert system.startswith("Judge it.") and '"score"' in system


@pytest.mark.parametrize(
    ("form", "field", "path"),
    [
        ("json_object", "response_format", ("schema",)),
        ("guided_json", "guided_json", ()),
        ("structured_outputs", "structured_outputs", ("json",)),
        ("ollama_format", "format", ()),
    ],
)
def test_the_form_can_be_set(
    serve: Serve, prompt: Prompt, form: str, field: str, path: tuple[str, ...]
) -> None:
    server = serve(structured_output=form)
    server.script(FakeReply.json(GOOD))
    client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    (request,) = server.requests
    schema = request.body[field]
    for key in path:
        schema = schema[key]
    assert schema["properties"]["score"] == {"title": "Score", "type": "integer"}
    assert (form == "json_object") == ("response_format" in request.body)


def test_the_servers_reason_reaches_the_user_when_no_form_is_left(
    serve: Serve, prompt: Prompt
) -> None:
    serve(ServerProfile(json_schema_status=500), structured_output="json_schema")
    with pytest.raises(LlmError, match="Input should be 'text' or 'json_object'"):
        client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)


class Loose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, int]


def test_a_schema_the_server_finds_invalid_is_an_error_not_a_missing_feature(
    serve: Serve, prompt: Prompt
) -> None:
    server = serve()
    with pytest.raises(LlmError, match="Invalid schema"):
        client().ask("verdict", prompt, {"question": "Is it?"}, Loose)
    assert len(server.requests) == 1


def test_raw_newlines_inside_strings_are_accepted(serve: Serve, prompt: Prompt) -> None:
    server = serve(LLAMA_CPP)
    server.script(FakeReply.json(GOOD), FakeReply.json(GOOD))
    reply = client().ask("verdict", prompt, {"question": "Is it?"}, Verdict)
    assert reply.value.answer == "Yes.\nIt is."
    assert len(server.requests) == 2  # the json_schema rejection, then one answer: no re-ask
