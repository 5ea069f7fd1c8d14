"""The one place that talks to an LLM: any OpenAI-compatible chat-completions endpoint.

- Structured output: each call names a pydantic model. In `json_schema` mode the model's
  strict JSON schema goes in `response_format`; servers without it (older llama.cpp,
  Ollama) get `json` mode: the schema in the system message. Either way the reply is
  validated by pydantic, and an invalid reply is re-asked once with the validation error.
  (`instructor` would do this, but its 1.17 pins jiter<0.15 while openai 3.57 needs
  jiter>=0.16, so the two cannot be installed together.)
- Retries: the openai client's own `max_retries` (back-off, honours Retry-After) covers
  429, 5xx, timeouts and dropped connections; what is left becomes an `LlmUnavailable`.
- Refusals and truncated replies raise `LlmRefusal` / `LlmTruncated`.
- Every call returns its `TokenUsage` (cost from the price table in settings), and a
  disk cache keyed by (model, prompt file hash, input hash) makes a re-run free.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

import openai
from openai.lib import type_to_response_format_param
from pydantic import BaseModel, ValidationError

from pipeline.artifacts import write_atomic
from pipeline.config import LlmSettings
from pipeline.errors import HearingsError
from pipeline.schemas import TokenUsage

log = logging.getLogger(__name__)

ReplyT = TypeVar("ReplyT", bound=BaseModel)
StructuredMode = Literal["json_schema", "json"]
FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class Prompt(Protocol):
    """A versioned prompt file (see pipeline.chapters.prompts)."""

    version: str
    sha256: str

    def render(self, variables: dict[str, Any]) -> list[dict[str, str]]: ...


class LlmError(HearingsError, RuntimeError):
    """An LLM call failed; the message says why in words a user understands."""

    def __init__(self, message: str, usage: TokenUsage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or TokenUsage()


class LlmUnavailable(LlmError):
    """The endpoint could not be reached or kept failing after the client's retries."""


class LlmRefusal(LlmError):
    """The model declined to answer."""


class LlmTruncated(LlmError):
    """The reply hit the output-token limit before it was complete."""


class LlmInvalidOutput(LlmError):
    """The reply did not match its schema, even after one re-ask with the error."""


@dataclass(frozen=True)
class LlmReply(Generic[ReplyT]):
    value: ReplyT
    usage: TokenUsage
    model: str
    cached: bool


class ReplyCache:
    """Validated replies on disk, one small JSON file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> str | None:
        path = self._path(key)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def put(self, key: str, content: str) -> None:
        write_atomic(self._path(key), content.encode("utf-8"))


def cache_key(model: str, prompt: Prompt, messages: list[dict[str, str]], schema: type) -> str:
    schema_json = json.dumps(schema.model_json_schema(), sort_keys=True)
    canonical = json.dumps([model, prompt.sha256, messages, schema_json], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def price_usage(settings: LlmSettings, model: str, tokens_in: int, tokens_out: int) -> TokenUsage:
    price = settings.prices.get(model)
    cost = 0.0
    if price is not None:
        cost = (tokens_in * price.input_per_million + tokens_out * price.output_per_million) / 1e6
    return TokenUsage(calls=1, tokens_in=tokens_in, tokens_out=tokens_out, cost_usd=cost)


def describe_validation_error(error: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in issue['loc']) or 'reply'}: {issue['msg']}"
        for issue in error.errors()[:8]
    ]
    return "; ".join(problems)


class LlmClient:
    """Structured chat completions with validation, one re-ask, a cache and bounded concurrency."""

    def __init__(
        self,
        settings: LlmSettings,
        cache_folder: Path | None,
        *,
        mode: StructuredMode = "json_schema",
    ) -> None:
        self.settings = settings
        self.mode: StructuredMode = mode
        self._cache = ReplyCache(cache_folder) if cache_folder else None
        self._slots = threading.BoundedSemaphore(settings.max_concurrency)
        api_key = settings.api_key.get_secret_value() if settings.api_key else "unused"
        self._client = openai.OpenAI(
            base_url=settings.base_url,
            api_key=api_key,
            timeout=settings.timeout_seconds,
            max_retries=settings.max_retries,
        )

    def ask(
        self,
        task: str,
        prompt: Prompt,
        variables: dict[str, Any],
        schema: type[ReplyT],
        *,
        max_output_tokens: int = 1024,
    ) -> LlmReply[ReplyT]:
        """Render `prompt`, ask the model for a `schema` object, and return it validated."""
        model = self.settings.model_for(task)
        messages = prompt.render(variables)
        key = cache_key(model, prompt, messages, schema)
        if self._cache and (stored := self._cache.get(key)) is not None:
            try:
                return LlmReply(schema.model_validate_json(stored), TokenUsage(), model, True)
            except ValidationError:
                log.warning("ignoring an unreadable cached reply %s", key)
        with self._slots:
            value, usage = self._ask_with_repair(model, messages, schema, max_output_tokens)
        log.info(
            "%s %s: %d tokens in, %d out, $%.5f",
            task,
            model,
            usage.tokens_in,
            usage.tokens_out,
            usage.cost_usd,
        )
        if self._cache:
            self._cache.put(key, value.model_dump_json())
        return LlmReply(value, usage, model, cached=False)

    def _ask_with_repair(
        self, model: str, messages: list[dict[str, str]], schema: type[ReplyT], max_tokens: int
    ) -> tuple[ReplyT, TokenUsage]:
        content, usage = self._complete(model, messages, schema, max_tokens)
        try:
            return parse_reply(content, schema), usage
        except ValidationError as error:
            problem = describe_validation_error(error)
        log.info(
            "reply to %s did not match %s (%s); asking once more", model, schema.__name__, problem
        )
        repair = [
            *messages,
            {"role": "assistant", "content": content},
            {
                "role": "user",
                "content": f"That reply is invalid: {problem}. "
                "Reply again with only the corrected JSON object.",
            },
        ]
        content, repair_usage = self._complete(model, repair, schema, max_tokens, usage)
        usage = usage + repair_usage
        try:
            return parse_reply(content, schema), usage
        except ValidationError as error:
            raise LlmInvalidOutput(
                f"{model} twice returned output that does not match {schema.__name__}: "
                f"{describe_validation_error(error)}",
                usage,
            ) from None

    def _complete(
        self,
        model: str,
        messages: list[dict[str, str]],
        schema: type[BaseModel],
        max_tokens: int,
        spent: TokenUsage | None = None,
    ) -> tuple[str, TokenUsage]:
        try:
            completion = self._client.chat.completions.create(
                model=model, max_completion_tokens=max_tokens, **self._format(messages, schema)
            )
        except openai.BadRequestError as error:
            if self.mode == "json_schema" and mentions_response_format(error):
                log.warning("%s does not take a JSON schema; switching to plain JSON", model)
                self.mode = "json"
                return self._complete(model, messages, schema, max_tokens, spent)
            raise LlmError(
                f"{self._where()} rejected the request: {error.message}", spent
            ) from None
        except openai.APIError as error:
            raise self._unavailable(error, spent) from None
        return self._content(completion, model, spent)

    def _format(self, messages: list[dict[str, str]], schema: type[BaseModel]) -> dict[str, Any]:
        if self.mode == "json_schema":
            return {"messages": messages, "response_format": type_to_response_format_param(schema)}
        instruction = (
            "Reply with only one JSON object, no prose, that matches this JSON schema:\n"
            + json.dumps(schema.model_json_schema())
        )
        return {"messages": [{"role": "system", "content": instruction}, *messages]}

    def _content(
        self, completion: Any, model: str, spent: TokenUsage | None
    ) -> tuple[str, TokenUsage]:
        counts = completion.usage
        usage = price_usage(
            self.settings,
            model,
            counts.prompt_tokens if counts else 0,
            counts.completion_tokens if counts else 0,
        )
        total = usage + (spent or TokenUsage())
        choice = completion.choices[0]
        if getattr(choice.message, "refusal", None):
            raise LlmRefusal(f"{model} refused: {choice.message.refusal}", total)
        if choice.finish_reason == "content_filter":
            raise LlmRefusal(f"{model}'s reply was withheld by its content filter", total)
        if choice.finish_reason == "length":
            raise LlmTruncated(
                f"{model}'s reply was cut off at the output-token limit "
                f"({usage.tokens_out} tokens); the input is too large for one answer",
                total,
            )
        return choice.message.content or "", usage

    def _where(self) -> str:
        return f"the LLM endpoint {self.settings.base_url or 'api.openai.com'}"

    def _unavailable(self, error: openai.APIError, spent: TokenUsage | None) -> LlmError:
        retries = self.settings.max_retries
        if isinstance(error, openai.APITimeoutError):
            reason = f"timed out after {self.settings.timeout_seconds:g} s"
        elif isinstance(error, openai.APIConnectionError):
            reason = "could not be reached"
        elif isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
            return LlmError(
                f"{self._where()} refused the API key (HTTP {error.status_code})", spent
            )
        elif isinstance(error, openai.APIStatusError):
            reason = f"answered HTTP {error.status_code}"
        else:
            reason = f"failed ({type(error).__name__})"
        return LlmUnavailable(f"{self._where()} {reason} ({retries} retries)", spent)


def mentions_response_format(error: openai.BadRequestError) -> bool:
    text = str(error.message).lower()
    return "response_format" in text or "json_schema" in text


def parse_reply(content: str, schema: type[ReplyT]) -> ReplyT:
    """Validate a reply, tolerating the ```json fences some servers add in plain-JSON mode."""
    match = FENCED_JSON.match(content)
    return schema.model_validate_json(match.group(1) if match else content)
