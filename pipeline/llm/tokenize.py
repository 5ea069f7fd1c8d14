"""Counting tokens with the server's own tokenizer, where the server offers one.

llama-cpp-python's server answers `POST /extras/tokenize/count`; llama.cpp's `llama-server`
and vLLM answer `POST /tokenize` (one with `content`, the other with `prompt` and `model`).
Each lives beside `/v1`, not under it. Ollama has none: the caller then estimates.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import openai

log = logging.getLogger(__name__)

TOKENIZE_TIMEOUT_SECONDS = 30.0


def tokenize_requests(model: str, text: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("extras/tokenize/count", {"input": text}),
        ("tokenize", {"content": text, "prompt": text, "model": model}),
    ]


def count_in(answer: Any) -> int | None:
    if not isinstance(answer, dict):
        return None
    if isinstance(answer.get("count"), int):
        return answer["count"]
    tokens = answer.get("tokens")
    return len(tokens) if isinstance(tokens, list) else None


def server_token_count(client: openai.OpenAI, model: str, text: str) -> int | None:
    root = str(client.base_url).rstrip("/").removesuffix("/v1")
    headers = {"Authorization": f"Bearer {client.api_key}"}
    for path, body in tokenize_requests(model, text):
        try:
            response = httpx.post(
                f"{root}/{path}", json=body, headers=headers, timeout=TOKENIZE_TIMEOUT_SECONDS
            )
        except httpx.HTTPError:
            continue
        if response.is_success:
            try:
                count = count_in(response.json())
            except ValueError:
                count = None
            if count is not None:
                log.info("counting tokens with the server's tokenizer (%s)", path)
                return count
    return None
