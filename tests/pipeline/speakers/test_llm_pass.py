"""The LLM second pass against a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.chapters.prompts import load_prompt
from pipeline.config import LlmSettings
from pipeline.llm import LlmClient
from pipeline.schemas import IdentityMethod
from pipeline.speakers import identify_speakers
from pipeline.speakers.llm_pass import LlmNamer, SpeakerAnswers
from tests.pipeline.speakers.transcripts import nyc_roster, statement, transcript
from tests.support.fake_openai import FakeOpenAI, FakeReply

# Nobody introduces themself; the chair greets the witness by name (S2) and a council member
# asks her questions (S1); the rules cannot name either, an LLM can.
LINES = transcript(
    ("S0", "We are joined by the Department of Buildings today."),
    ("S0", "Welcome, Commissioner Ana Diaz, and thank you for coming."),
    *statement("S2", 3),
    ("S0", "I see Council Member Restler has questions."),
    *statement("S1", 2),
)


def answer(label: str, name: str | None, confidence: float = 0.9, person_id=None, lines=(1,)):
    return {
        "label": label, "name": name, "roster_person_id": person_id, "role": None,
        "organization": None, "confidence": confidence, "evidence_lines": list(lines),
    }  # fmt: skip


def reply(*answers: dict) -> FakeReply:
    return FakeReply.json({"speakers": list(answers)})


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def namer(server: FakeOpenAI, cache: Path | None, per_call: int = 10) -> LlmNamer:
    settings = LlmSettings(base_url=server.base_url, api_key="sk-test", max_retries=0)
    return LlmNamer(LlmClient(settings, cache), load_prompt("speakers"), per_call)


def test_open_labels_are_named_from_the_transcript_or_the_roster(server, tmp_path) -> None:
    server.script(reply(
        answer("S2", "Ana Diaz", lines=(1,)),
        answer("S1", "Lincoln Restler", person_id=7660, lines=(5,)),
        answer("S0", None, 0.0, lines=()),
    ))  # fmt: skip
    llm = namer(server, tmp_path / "cache")
    speakers = identify_speakers(LINES, nyc_roster(), ["Int 1234-2024 Façade inspections"],
                                 None, llm).by_label()  # fmt: skip
    assert (speakers["S2"].name, speakers["S2"].method) == ("Ana Diaz", IdentityMethod.LLM)
    assert (speakers["S1"].name, speakers["S1"].person_id) == ("Lincoln Restler", 7660)
    assert speakers["S0"].name is None
    (request,) = server.requests
    assert request.schema_name == SpeakerAnswers.__name__
    assert "Lincoln Restler" in request.prompt_text and "Façade inspections" in request.prompt_text
    assert "[1] S0: Welcome, Commissioner Ana Diaz" in request.prompt_text
    assert llm.usage.calls == 1 and llm.usage.tokens_in > 0

    again = namer(server, tmp_path / "cache")
    identify_speakers(LINES, nyc_roster(), ["Int 1234-2024 Façade inspections"], None, again)
    assert len(server.requests) == 1 and again.usage.calls == 0  # cached


def test_a_name_off_the_roster_and_absent_from_the_text_is_rejected(server) -> None:
    server.script(reply(answer("S2", "Margaret Holloway"), answer("S1", "Jane Roe", 0.95)))
    speakers = identify_speakers(LINES, nyc_roster(), (), None, namer(server, None)).by_label()
    assert speakers["S2"].name is None and speakers["S2"].display_name == "Speaker 2"
    assert speakers["S1"].name is None


def test_a_roster_id_that_does_not_fit_the_name_is_rejected(server) -> None:
    server.script(reply(answer("S1", "Lincoln Restler", person_id=7590)))  # 7590 is Brewer
    speakers = identify_speakers(LINES, nyc_roster(), (), None, namer(server, None)).by_label()
    assert speakers["S1"].name is None


def test_low_confidence_abstains(server) -> None:
    server.script(reply(answer("S2", "Ana Diaz", confidence=0.4)))
    speakers = identify_speakers(LINES, nyc_roster(), (), None, namer(server, None)).by_label()
    assert speakers["S2"].name is None


def test_an_invalid_answer_is_asked_again_then_abstained(server) -> None:
    server.script(
        FakeReply(content='{"speakers": [{"label": "S2"}]}'),
        FakeReply(content="Ana Diaz is speaker two."),
    )
    llm = namer(server, None)
    speakers = identify_speakers(LINES, nyc_roster(), (), None, llm).by_label()
    assert len(server.requests) == 2  # one re-ask with the validation error
    assert "invalid" in server.requests[1].user_text
    assert all(s.name is None for s in speakers.values())
    assert llm.usage.calls == 2  # the tokens of both replies are still counted


def test_long_hearings_are_asked_in_chunks_and_merged(server) -> None:
    def respond(request):
        asked = [label for label in ("S1", "S2") if f"## {label}" in request.prompt_text]
        names = {"S1": "Lincoln Restler", "S2": "Ana Diaz"}
        return reply(*(answer(label, names[label], lines=(1, 5)) for label in asked))

    server.responder = respond
    speakers = identify_speakers(
        LINES, nyc_roster(), (), None, namer(server, None, per_call=1)
    ).by_label()
    asked = sorted(r.prompt_text.count("\n## ") for r in server.requests)
    assert asked == [1, 1, 1]  # S0, S1 and S2, one call each
    assert speakers["S1"].name == "Lincoln Restler" and speakers["S2"].name == "Ana Diaz"


def test_labels_the_rules_named_are_not_asked(server) -> None:
    lines = transcript(("S0", "My name is Ana Diaz."), *statement("S0", 2), *statement("S1", 1))
    server.script(reply(answer("S1", None, 0.0, lines=())))
    identify_speakers(lines, nyc_roster(), (), None, namer(server, None))
    (request,) = server.requests
    assert "## S1" in request.prompt_text and "## S0" not in request.prompt_text
    assert json.loads(json.dumps(request.schema))["additionalProperties"] is False
