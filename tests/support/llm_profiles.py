"""How a fake OpenAI-compatible server departs from OpenAI: the traits of other servers.

`LLAMA_CPP` is llama-cpp-python 0.3.36's `llama_cpp.server` as seen in issue 14 (see
../shared/wheels/README.md): HTTP 500 on `json_schema`, `json_object`+`schema` instead,
`max_completion_tokens` ignored, raw newlines inside JSON strings, a context limit with its
own message, one slot that computes abandoned requests to the end, `/extras/tokenize/count`
and a tokenizer that cuts English finer than 4 characters a token.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.chapters.tokens import token_counter

LLAMA_CPP_FORMAT_ERROR = (
    "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}]"
)


@dataclass(frozen=True)
class ServerProfile:
    """How this fake server departs from OpenAI's behaviour (the defaults are OpenAI's)."""

    json_schema_status: int | None = None  # answer `json_schema` with this status
    json_object_schema: bool = True  # honour `{"type": "json_object", "schema": …}`
    honoured_limits: tuple[str, ...] = ("max_tokens", "max_completion_tokens")
    rejected_limits: tuple[str, ...] = ()  # answered 400 "Unsupported parameter"
    raw_newlines: bool = False  # sentence breaks inside strings as raw newlines
    context_tokens: int | None = None  # reject prompt + limit above this
    single_slot: bool = False  # one request at a time, abandoned ones computed to the end
    tokenize: bool = False  # `POST /extras/tokenize/count`
    characters_per_token: float | None = None  # None: the suite's token counter

    def count(self, text: str) -> int:
        if self.characters_per_token is None:
            return token_counter().count(text)
        return math.ceil(len(text) / self.characters_per_token)


OPENAI = ServerProfile()
LLAMA_CPP = ServerProfile(
    json_schema_status=500,
    honoured_limits=("max_tokens",),
    raw_newlines=True,
    context_tokens=8192,
    single_slot=True,
    tokenize=True,
    characters_per_token=2.9,
)
