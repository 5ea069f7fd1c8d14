"""Structured output in whatever form a server takes, and knowing when it takes none.

- `json_schema`: `response_format: {type: json_schema, json_schema: {name, strict, schema}}`
  (OpenAI, vLLM, Ollama ≥ 0.5, llama.cpp's own `llama-server`);
- `json_object`: `response_format: {type: json_object, schema}` (llama-cpp-python's
  `llama_cpp.server`, which answers json_schema with HTTP 500);
- `guided_json`: the body field `guided_json: schema` (vLLM before 0.10);
- `structured_outputs`: the body field `structured_outputs: {json: schema}` (vLLM ≥ 0.10);
- `ollama_format`: the body field `format: schema` (Ollama's native field);
- `plain`: the schema in the system message only, for anything else.

`auto` tries them in the order json_schema, json_object, plain: the body-field forms are
never guessed, because a server that does not know a field usually ignores it silently.
Every form keeps one system message (some chat templates reject a second one).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from openai.lib import type_to_response_format_param
from pydantic import BaseModel

StructuredForm = Literal[
    "json_schema", "json_object", "guided_json", "structured_outputs", "ollama_format", "plain"
]
AUTO_ORDER: tuple[StructuredForm, ...] = ("json_schema", "json_object", "plain")
# Words of a server's answer that say a parameter or its value is not supported.
UNSUPPORTED_WORDS = re.compile(
    r"response_format|json_schema|json_object|guided_json|structured_outputs|"
    r"input should be|not supported|unsupported|unrecognized|extra inputs|not permitted",
    re.IGNORECASE,
)
# A schema the server understood and found wrong is our bug, not a missing feature.
SCHEMA_BUG_WORDS = re.compile(r"invalid schema", re.IGNORECASE)
UNSUPPORTED_STATUSES = frozenset({400, 422, 500, 501})


def strict_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The schema in OpenAI's strict form (every property required, no extra keys)."""
    return type_to_response_format_param(schema)["json_schema"]


def request_fields(form: StructuredForm, schema: type[BaseModel]) -> dict[str, Any]:
    """The `create()` keyword arguments that ask for `schema` in `form`."""
    described = strict_schema(schema)
    if form == "json_schema":
        return {"response_format": {"type": "json_schema", "json_schema": described}}
    if form == "json_object":
        return {"response_format": {"type": "json_object", "schema": described["schema"]}}
    body = {
        "guided_json": {"guided_json": described["schema"]},
        "structured_outputs": {"structured_outputs": {"json": described["schema"]}},
        "ollama_format": {"format": described["schema"]},
    }
    return {"extra_body": body[form]} if form in body else {}


def instruction(form: StructuredForm, schema: type[BaseModel]) -> str:
    """What the system message adds: the whole schema only when nothing else enforces it."""
    if form == "plain":
        return (
            "Reply with only one JSON object, no prose and no code fence, matching this JSON "
            "schema:\n" + json.dumps(schema.model_json_schema())
        )
    return "Reply with only one JSON object."


def with_instruction(messages: list[dict[str, str]], extra: str) -> list[dict[str, str]]:
    """`messages` with `extra` appended to the one system message (or as the first one)."""
    if messages and messages[0]["role"] == "system":
        head = {"role": "system", "content": f"{messages[0]['content']}\n\n{extra}"}
        return [head, *messages[1:]]
    return [{"role": "system", "content": extra}, *messages]


def means_unsupported(status: int | None, message: str) -> bool:
    """True when a rejection says the form is not supported (try the next), not an outage."""
    if status not in UNSUPPORTED_STATUSES or SCHEMA_BUG_WORDS.search(message):
        return False
    return bool(UNSUPPORTED_WORDS.search(message))


def next_form(form: StructuredForm) -> StructuredForm | None:
    position = AUTO_ORDER.index(form) if form in AUTO_ORDER else len(AUTO_ORDER) - 1
    return AUTO_ORDER[position + 1] if position + 1 < len(AUTO_ORDER) else None
