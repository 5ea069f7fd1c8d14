"""Prompt files in `prompts/`: Jinja2 templates named `<name>.v<version>.j2`.

Each file defines a `system` and a `user` block. Undefined variables are errors
(StrictUndefined), so a prompt never silently renders an empty hole. The version in the
file name goes into every chapter's provenance; the file's hash goes into the LLM cache key.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template

from pipeline.errors import HearingsError

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
PROMPT_FILE = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<number>\d+)\.j2$")
_environment = Environment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)


class PromptError(HearingsError, ValueError):
    """A prompt file is missing or malformed."""


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    sha256: str
    template: Template

    def render(self, variables: dict[str, Any]) -> list[dict[str, str]]:
        context = self.template.new_context(dict(variables))
        return [
            {"role": role, "content": "".join(self.template.blocks[role](context)).strip()}
            for role in ("system", "user")
        ]


@lru_cache(maxsize=32)
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> Prompt:
    """The highest version of prompt `name` in `folder`."""
    versions = [
        (int(match["number"]), path)
        for path in folder.glob(f"{name}.v*.j2")
        if (match := PROMPT_FILE.match(path.name)) and match["name"] == name
    ]
    if not versions:
        raise PromptError(f"no prompt file {name}.v<N>.j2 in {folder}")
    number, path = max(versions)
    source = path.read_text(encoding="utf-8")
    template = _environment.from_string(source)
    missing = {"system", "user"} - set(template.blocks)
    if missing:
        raise PromptError(f"{path} lacks the block(s) {', '.join(sorted(missing))}")
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return Prompt(name=name, version=f"{name}.v{number}", sha256=digest, template=template)
