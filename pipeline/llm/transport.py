"""The openai client, taught which server answers are not worth retrying.

openai retries every 5xx. llama.cpp answers a request parameter it does not know with a 500
carrying a validation message; retrying that only repeats the rejection (issue 14 saw 20
requests and 442 s to fail that way), so such a 500 is handed back at once. Context-length
rejections, which some servers send as 500 too, are not retried either.
"""

from __future__ import annotations

import re

import httpx
import openai

from pipeline.llm.forms import means_unsupported

CONTEXT_WORDS = re.compile(
    r"context length|context window|context size|maximum context|too many tokens|"
    r"prompt is too long|exceeds the (?:model's )?(?:maximum )?(?:context|length)",
    re.IGNORECASE,
)
CONTEXT_LIMIT = re.compile(
    r"(?:context length|context window|context size|n_ctx)\D{0,20}?(\d{3,7})", re.IGNORECASE
)


def mentions_context_limit(message: str) -> bool:
    return bool(CONTEXT_WORDS.search(message))


def context_limit_in(message: str) -> int | None:
    match = CONTEXT_LIMIT.search(message)
    return int(match.group(1)) if match else None


class OpenAICompatible(openai.OpenAI):
    """`openai.OpenAI` whose retry decision skips rejections that would only repeat."""

    def _should_retry(self, response: httpx.Response) -> bool:
        try:
            text = response.text
        except httpx.ResponseNotRead:
            text = ""
        if means_unsupported(response.status_code, text) or mentions_context_limit(text):
            return False
        return super()._should_retry(response)
