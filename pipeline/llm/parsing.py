"""Reading a reply: tolerant of what is harmless, strict about what the schema says.

Some servers' grammars let raw control characters (a newline, a tab) into JSON strings,
and some models wrap the object in a ```json fence. Neither changes the meaning, so both
are accepted; the result is then validated against the schema in pydantic's JSON mode.
"""

from __future__ import annotations

import json
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

ReplyT = TypeVar("ReplyT", bound=BaseModel)
FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def unfenced(content: str) -> str:
    match = FENCED_JSON.match(content)
    return match.group(1) if match else content


def parse_reply(content: str, schema: type[ReplyT]) -> ReplyT:
    """The reply as a validated `schema`; raises pydantic's ValidationError when it is not one."""
    text = unfenced(content)
    try:
        value = json.loads(text, strict=False)
    except json.JSONDecodeError:
        return schema.model_validate_json(text)  # raises, naming where the JSON broke
    return schema.model_validate_json(json.dumps(value))


def describe_validation_error(error: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in issue['loc']) or 'reply'}: {issue['msg']}"
        for issue in error.errors()[:8]
    ]
    return "; ".join(problems)
