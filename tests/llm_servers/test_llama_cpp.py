"""The chapter stage against a real llama.cpp server: it finishes, tiles, and errs clearly.

SmolLM2-135M writes nonsense; these tests judge the protocol (structured-output form,
bounded replies, context errors, token counts), never the text. The hearing is a dozen
lines and the replies are capped, because the CPU these tests run on is shared.
"""

from __future__ import annotations

import pytest

from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.render import prompt_samples
from pipeline.chapters.tokens import CHARACTERS_PER_TOKEN, counter_for
from pipeline.config import get_settings
from pipeline.llm import LlmClient, LlmContextOverflow
from pipeline.schemas import Chapters, check_tiling
from tests.llm_servers.conftest import LlamaServer
from tests.pipeline.chapters.conftest import SLUG, run_chapter, store_hearing
from tests.pipeline.chapters.synthetic import synthetic_hearing

TINY = ChapteringOptions(boundary_reply_tokens=200, chapter_reply_tokens=120)


def test_a_tiny_hearing_is_chaptered_and_tiled(on_llama: LlamaServer) -> None:
    hearing = synthetic_hearing(hours=0.02, section_minutes=0.5)
    context = store_hearing(hearing)
    result = run_chapter(context, chapterer="llm", options=TINY)
    chapters = context.store.read(SLUG, "chapters", Chapters)
    check_tiling(chapters.chapters, len(hearing.lines.lines))
    assert chapters.chapters and all(chapter.bullets for chapter in chapters.chapters)
    usage = result.usage
    assert usage.calls >= 3 and usage.tokens_in > 0 and usage.unpriced_calls == usage.calls
    llm = LlmClient(get_settings().llm, None)
    assert llm.form_for("gpt-4.1-mini") == "json_object"  # learnt from the server's HTTP 500
    assert llm.limit_parameter("gpt-4.1-mini") == "max_tokens"


def test_the_servers_tokenizer_counts_finer_than_four_characters(on_llama: LlamaServer) -> None:
    hearing = synthetic_hearing(hours=0.05, section_minutes=1.0)
    client = LlmClient(get_settings().llm, None)
    counter = counter_for(client, False, prompt_samples(hearing.lines.lines))
    assert counter.name.startswith("calibrated")
    assert counter.count("x" * 4000) > 4000 / CHARACTERS_PER_TOKEN


def test_a_prompt_over_the_context_is_a_clear_error(on_llama: LlamaServer) -> None:
    from pipeline.chapters.prompts import load_prompt
    from tests.pipeline.llm.conftest import Verdict

    prompt = load_prompt("summary")
    chapters = [{"kind": "Q&A", "title": "word " * 20, "summary": "word " * 200}] * 12
    client = LlmClient(get_settings().llm, None)
    with pytest.raises(LlmContextOverflow, match="maximum context length is 2048") as raised:
        client.ask("summary", prompt, {"chapters": chapters}, Verdict, max_output_tokens=50)
    assert "HEARINGS_LLM__CONTEXT_TOKENS" in str(raised.value) and raised.value.limit == 2048
