"""Structured chat completions with validation, one re-ask, a cache and bounded concurrency.

What the client learns about a server (which structured-output form it takes, which
output-limit parameter it honours) is remembered per endpoint and model for the process,
so only the first call of a run pays for finding out.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal

import openai
from pydantic import BaseModel, ValidationError

from pipeline.config import LlmSettings
from pipeline.llm import endpoint
from pipeline.llm.accounting import UsageLedger, price_usage
from pipeline.llm.cache import Prompt, ReplyCache, cache_key
from pipeline.llm.errors import (
    LlmContextOverflow,
    LlmError,
    LlmInvalidOutput,
    LlmRefusal,
    LlmTruncated,
    LlmUnavailable,
)
from pipeline.llm.forms import (
    StructuredForm,
    instruction,
    means_unsupported,
    next_form,
    request_fields,
    with_instruction,
)
from pipeline.llm.parsing import ReplyT, describe_validation_error, parse_reply
from pipeline.llm.tokenize import server_token_count
from pipeline.llm.transport import OpenAICompatible, context_limit_in, mentions_context_limit
from pipeline.schemas import TokenUsage

log = logging.getLogger(__name__)

LimitParameter = Literal["max_tokens", "max_completion_tokens"]
LIMIT_PARAMETERS: tuple[LimitParameter, ...] = ("max_tokens", "max_completion_tokens")
SERVER_TEXT_CHARS = 400
_learned: dict[tuple[str, str | None, str], str] = {}
_learned_lock = threading.Lock()


def learn(kind: str, base_url: str | None, model: str, value: str) -> None:
    with _learned_lock:
        _learned[(kind, base_url, model)] = value


def forget_learned() -> None:
    """Forget what servers were found to take (a server at the same address may differ)."""
    with _learned_lock:
        _learned.clear()


def server_text(error: openai.APIStatusError) -> str:
    """The server's own words about a rejection, whatever shape its error body has."""
    body = error.body
    if isinstance(body, dict):
        body = body.get("error", body)
        if isinstance(body, dict):
            body = body.get("message") or body.get("detail") or body
    text = str(body) if body else str(error.message)
    return " ".join(text.split())[:SERVER_TEXT_CHARS]


@dataclass(frozen=True)
class LlmReply(Generic[ReplyT]):
    value: ReplyT
    usage: TokenUsage
    model: str
    cached: bool


class LlmClient:
    def __init__(self, settings: LlmSettings, cache_folder: Path | None) -> None:
        self.settings = settings
        self.ledger = UsageLedger()
        self._cache = ReplyCache(cache_folder) if cache_folder else None
        self._slots = threading.BoundedSemaphore(endpoint.concurrency(settings))
        api_key = settings.api_key.get_secret_value() if settings.api_key else "unused"
        self._client = OpenAICompatible(
            base_url=settings.base_url,
            api_key=api_key,
            timeout=settings.timeout_seconds,
            max_retries=endpoint.retries(settings),
        )

    @property
    def concurrency(self) -> int:
        return endpoint.concurrency(self.settings)

    @property
    def spent(self) -> TokenUsage:
        """Every call the server answered so far, also those whose reply was then refused."""
        return self.ledger.total

    def form_for(self, model: str) -> StructuredForm:
        if self.settings.structured_output != "auto":
            return self.settings.structured_output
        return _learned.get(("form", self.settings.base_url, model), "json_schema")  # type: ignore[return-value]

    def limit_parameter(self, model: str) -> LimitParameter:
        if self.settings.output_limit != "auto":
            return self.settings.output_limit
        default = (
            "max_completion_tokens" if endpoint.is_openai(self.settings.base_url) else "max_tokens"
        )
        return _learned.get(("limit", self.settings.base_url, model), default)  # type: ignore[return-value]

    def count_tokens(self, text: str) -> int | None:
        """`text`'s tokens by the server's own tokenizer, when it offers one."""
        if endpoint.is_openai(self.settings.base_url):
            return None
        return server_token_count(self._client, self.settings.model, text)

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
        log.info("%s %s: %d tokens in, %d out", task, model, usage.tokens_in, usage.tokens_out)
        if self._cache:
            self._cache.put(key, value.model_dump_json())
        return LlmReply(value, usage, model, cached=False)

    def _ask_with_repair(
        self, model: str, messages: list[dict[str, str]], schema: type[ReplyT], max_tokens: int
    ) -> tuple[ReplyT, TokenUsage]:
        content, usage = self._complete(model, messages, schema, max_tokens, TokenUsage())
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
        content, usage = self._complete(model, repair, schema, max_tokens, usage)
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
        spent: TokenUsage,
    ) -> tuple[str, TokenUsage]:
        """One answered completion (after switching forms as the server requires)."""
        while True:
            form, limit = self.form_for(model), self.limit_parameter(model)
            sent = with_instruction(messages, instruction(form, schema))
            characters = sum(len(message["content"]) for message in sent)
            try:
                completion = self._client.chat.completions.create(
                    model=model,
                    messages=sent,  # type: ignore[arg-type]
                    timeout=endpoint.call_timeout(self.settings, characters, max_tokens),
                    **{limit: max_tokens},
                    **request_fields(form, schema),
                )
            except openai.APIStatusError as error:
                self._adapt_or_raise(error, model, form, limit, spent)
                continue
            except openai.APIError as error:
                raise self._unavailable(error, spent) from None
            return self._content(completion, model, limit, max_tokens, spent)

    def _adapt_or_raise(
        self,
        error: openai.APIStatusError,
        model: str,
        form: StructuredForm,
        limit: LimitParameter,
        spent: TokenUsage,
    ) -> None:
        """Learn from a rejection that names an unsupported parameter; raise on any other."""
        text, where = server_text(error), endpoint.describe(self.settings)
        if mentions_context_limit(text):
            raise LlmContextOverflow(
                f"{where} rejected the prompt as too long for {model}: {text} (set "
                "HEARINGS_LLM__CONTEXT_TOKENS to the server's context size)",
                spent,
                limit=context_limit_in(text),
            )
        if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
            raise LlmError(f"{where} refused the API key (HTTP {error.status_code})", spent)
        unsupported = means_unsupported(error.status_code, text)
        if unsupported and limit in text and self.settings.output_limit == "auto":
            other = LIMIT_PARAMETERS[1 - LIMIT_PARAMETERS.index(limit)]
            log.warning("%s does not take %s (%s); sending %s", where, limit, text, other)
            return learn("limit", self.settings.base_url, model, other)
        if unsupported and self.settings.structured_output == "auto" and (after := next_form(form)):
            log.warning("%s does not take %s output (%s); trying %s", where, form, text, after)
            return learn("form", self.settings.base_url, model, after)
        if not unsupported and (error.status_code >= 500 or error.status_code == 429):
            retried = endpoint.retries(self.settings)
            raise LlmUnavailable(
                f"{where} answered HTTP {error.status_code} ({retried} retries): {text}", spent
            )
        raise LlmError(f"{where} rejected the request (HTTP {error.status_code}): {text}", spent)

    def _content(
        self, completion: Any, model: str, limit: LimitParameter, max_tokens: int, spent: TokenUsage
    ) -> tuple[str, TokenUsage]:
        counts = completion.usage
        tokens_in = counts.prompt_tokens if counts else 0
        tokens_out = counts.completion_tokens if counts else 0
        usage = price_usage(self.settings, model, tokens_in, tokens_out)
        self.ledger.add(usage)
        total = spent + usage
        if tokens_out > max_tokens and self.settings.output_limit == "auto":
            other = LIMIT_PARAMETERS[1 - LIMIT_PARAMETERS.index(limit)]
            log.warning(
                "%s ignored %s (%d tokens out); sending %s", model, limit, tokens_out, other
            )
            learn("limit", self.settings.base_url, model, other)
        choice = completion.choices[0]
        if getattr(choice.message, "refusal", None):
            raise LlmRefusal(f"{model} refused: {choice.message.refusal}", total)
        if choice.finish_reason == "content_filter":
            raise LlmRefusal(f"{model}'s reply was withheld by its content filter", total)
        if choice.finish_reason == "length":
            raise LlmTruncated(
                f"{model}'s reply was cut off at the output-token limit "
                f"({tokens_out} of {max_tokens} tokens)",
                total,
            )
        return choice.message.content or "", total

    def _unavailable(self, error: openai.APIError, spent: TokenUsage) -> LlmError:
        where, retried = endpoint.describe(self.settings), endpoint.retries(self.settings)
        if isinstance(error, openai.APITimeoutError):
            reason = "did not answer in time"
        elif isinstance(error, openai.APIConnectionError):
            reason = "could not be reached"
        else:
            reason = f"failed ({type(error).__name__})"
        hint = " (raise HEARINGS_LLM__TIMEOUT_SECONDS or __MAX_RETRIES)" if retried == 0 else ""
        return LlmUnavailable(f"{where} {reason} ({retried} retries){hint}", spent)
