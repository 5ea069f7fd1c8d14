"""What the client assumes about an endpoint before it has learnt anything from it.

A self-hosted server on this machine or the local network (llama.cpp, vLLM, Ollama) often
computes one request at a time and keeps computing a request its client abandoned; so for
those the defaults are one call at a time and no client retry (a retried timeout would
queue the same prompt twice), and every call's timeout grows with its prompt and reply.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlparse

from pipeline.config import LlmSettings

OPENAI_HOST = "api.openai.com"
LOCAL_SUFFIXES = (".local", ".internal", ".lan", ".localhost")
REMOTE_RETRIES = 4
# A local server may be a CPU computing ~10 tokens a second; a hosted one is far faster.
LOCAL_SECONDS_PER_1K_TOKENS = 120.0
REMOTE_SECONDS_PER_1K_TOKENS = 30.0
# A prompt's size in characters is known before its tokens; 3 characters per token is a
# generous token count for the timeout's sake.
CHARACTERS_PER_TOKEN_FOR_TIMEOUT = 3


def is_openai(base_url: str | None) -> bool:
    return base_url is None or urlparse(base_url).hostname == OPENAI_HOST


def is_local(base_url: str | None) -> bool:
    """A loopback, private-network or single-label host (a container name), or *.local."""
    host = urlparse(base_url).hostname if base_url else None
    if not host:
        return False
    if host == "localhost" or host.endswith(LOCAL_SUFFIXES) or "." not in host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def concurrency(settings: LlmSettings) -> int:
    if settings.max_concurrency is not None:
        return settings.max_concurrency
    return 1 if is_local(settings.base_url) else 4


def retries(settings: LlmSettings) -> int:
    if settings.max_retries is not None:
        return settings.max_retries
    return 0 if is_local(settings.base_url) else REMOTE_RETRIES


def call_timeout(settings: LlmSettings, prompt_characters: int, max_output_tokens: int) -> float:
    """Seconds one call may take: a base plus a share per thousand prompt and reply tokens."""
    tokens = prompt_characters / CHARACTERS_PER_TOKEN_FOR_TIMEOUT + max_output_tokens
    share = settings.timeout_seconds_per_1k_tokens
    if share is None:
        share = (
            LOCAL_SECONDS_PER_1K_TOKENS
            if is_local(settings.base_url)
            else REMOTE_SECONDS_PER_1K_TOKENS
        )
    return settings.timeout_seconds + tokens / 1000 * share


def describe(settings: LlmSettings) -> str:
    return f"the LLM endpoint {settings.base_url or OPENAI_HOST}"
