"""The one place that talks to an LLM: any OpenAI-compatible chat-completions endpoint.

- Structured output in the form the server takes (`forms`), learnt from its answers or set.
- Bounded output: `max_tokens` or `max_completion_tokens`, whichever the server honours.
- Tolerant parsing, strict validation (`parsing`); an invalid reply is re-asked once with
  the validation error. (`instructor` would do this, but its 1.17 pins jiter<0.15 while
  openai 3.57 needs jiter>=0.16, so the two cannot be installed together.)
- Retries: the openai client's own `max_retries` is the one layer (`endpoint` sets it to
  0 for local servers); what is left becomes an `LlmUnavailable` with the server's words.
- Every answered call's `TokenUsage` is kept (`accounting`), also in a failed run; a disk
  cache keyed by (model, prompt file hash, input hash) makes a re-run free.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pipeline.llm.accounting import price_usage
from pipeline.llm.cache import Prompt, ReplyCache, cache_key
from pipeline.llm.errors import (
    SHRINKABLE_ERRORS,
    LlmContextOverflow,
    LlmError,
    LlmInvalidOutput,
    LlmRefusal,
    LlmTruncated,
    LlmUnavailable,
)
from pipeline.llm.parsing import describe_validation_error, parse_reply

if TYPE_CHECKING:
    from pipeline.llm.client import LlmClient, LlmReply

# The client imports openai (1.5 s): loaded when first asked for, so that commands and
# fingerprints that never call a model (a no-op re-ingest, `show`) do not pay for it.
_LAZY = {"LlmClient": "pipeline.llm.client", "LlmReply": "pipeline.llm.client"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SHRINKABLE_ERRORS",
    "LlmClient",
    "LlmContextOverflow",
    "LlmError",
    "LlmInvalidOutput",
    "LlmRefusal",
    "LlmReply",
    "LlmTruncated",
    "LlmUnavailable",
    "Prompt",
    "ReplyCache",
    "cache_key",
    "describe_validation_error",
    "parse_reply",
    "price_usage",
]
