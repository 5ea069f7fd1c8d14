"""The chapter stage's LLM path on a real server: `python -m benchmarks.chapters_llm_server PATH`.

PATH is a hearing in the citymeetings.nyc format (see chapters_eval.py); the server is the
one in HEARINGS_LLM__BASE_URL (and __MODEL, __CONTEXT_TOKENS, …), e.g. llama-cpp-python:

    python -m llama_cpp.server --model SmolLM2-135M-Instruct.Q4_1.gguf --host 127.0.0.1 \\
        --port 8080 --n_ctx 8192 --n_threads 1
    HEARINGS_LLM__BASE_URL=http://127.0.0.1:8080/v1 HEARINGS_LLM__CONTEXT_TOKENS=8192 \\
        python -m benchmarks.chapters_llm_server ../shared/data/citymeetings-cpc-2024-07-10

It measures finishing, not quality: wall time, calls and tokens per task, how far through
the hearing the run got (also when it fails or is stopped with Ctrl-C or SIGTERM, after
which a re-run resumes from the reply cache), and whether the chapters tile the hearing.
One progress line per call goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.chapters_eval import load_hearing
from pipeline.chapters.llm_chapterer import ChapterPrompts, chapter_with_llm
from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.render import SpeakerDirectory, prompt_samples, transcript_text
from pipeline.chapters.tokens import counter_for
from pipeline.config import get_settings
from pipeline.llm import LlmClient, LlmError, LlmReply
from pipeline.llm.endpoint import is_openai
from pipeline.schemas import check_tiling

SIZES = {
    "window_tokens",
    "boundary_reply_tokens",
    "max_chapter_tokens",
    "chapter_reply_tokens",
    "batch_tokens",
    "batch_chapters",
    "max_outline_tokens",
}


class ProgressClient(LlmClient):
    """Counts calls per task and remembers the furthest transcript line a call covered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: Counter[str] = Counter()
        self.furthest_boundary_line = -1
        self.started = time.perf_counter()
        self._lock = threading.Lock()

    def ask(self, task, prompt, variables, schema, *, max_output_tokens=1024) -> LlmReply:  # type: ignore[no-untyped-def]
        reply = super().ask(task, prompt, variables, schema, max_output_tokens=max_output_tokens)
        with self._lock:
            self.calls[task] += 1
            if task == "boundaries":
                self.furthest_boundary_line = max(
                    self.furthest_boundary_line, variables["last_line"]
                )
            spent = self.spent
            print(
                f"{time.perf_counter() - self.started:8.1f} s  {task:<10}"
                f" call {self.calls[task]:>4}"
                f"  in {reply.usage.tokens_in:>5} out {reply.usage.tokens_out:>5}"
                f"  total in {spent.tokens_in} out {spent.tokens_out}",
                file=sys.stderr,
                flush=True,
            )
        return reply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="folder with transcript.json and speakers.json")
    parser.add_argument("--boundary-reply-tokens", type=int, default=1000)
    parser.add_argument("--chapter-reply-tokens", type=int, default=300)
    parser.add_argument("--cache", type=Path, default=None, help="reply cache (resumes a run)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings().llm
    if not settings.configured:
        parser.error("set HEARINGS_LLM__BASE_URL (and __CONTEXT_TOKENS) to the server")
    lines, identities, _ = load_hearing(args.path)
    options = ChapteringOptions(
        boundary_reply_tokens=args.boundary_reply_tokens,
        chapter_reply_tokens=args.chapter_reply_tokens,
    ).fit_to_context(settings)
    cache = args.cache or Path(tempfile.mkdtemp(prefix="llm-cache-"))
    client = ProgressClient(settings, cache)
    counter = counter_for(client, is_openai(settings.base_url), prompt_samples(lines))
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    figures: dict[str, Any] = {
        "hearing": args.path.name,
        "hours": round((lines[-1].end - lines[0].start) / 3600, 2),
        "lines": len(lines),
        "model": settings.model_for("chapter"),
        "context_tokens": settings.context_tokens,
        "token_counter": counter.name,
        "transcript_tokens": counter.count(transcript_text(lines)),
        "options": options.model_dump(include=SIZES),
        "cache": str(cache),
    }
    outcome: dict[str, Any] = {"finished": False}
    try:
        chapters, _ = chapter_with_llm(
            lines,
            SpeakerDirectory.from_identities(identities),
            client,
            ChapterPrompts.load(),
            counter,
            options,
        )
        check_tiling(chapters.chapters, len(lines))
        outcome = {"finished": True, "chapters": len(chapters.chapters), "tiled": True}
    except LlmError as error:
        outcome["error"] = str(error)
    except KeyboardInterrupt:
        outcome["error"] = "stopped"
    spent = client.spent
    wall = time.perf_counter() - client.started
    figures |= outcome | {
        "wall_seconds": round(wall, 1),
        "calls": spent.calls,
        "calls_by_task": dict(client.calls),
        "tokens_in": spent.tokens_in,
        "tokens_out": spent.tokens_out,
        "tokens_per_second": round((spent.tokens_in + spent.tokens_out) / max(wall, 1e-9), 1),
        "boundary_lines_covered": client.furthest_boundary_line + 1,
        "cost": spent.cost_text,
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
