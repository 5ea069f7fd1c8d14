"""What can go wrong with an LLM call, each carrying the tokens the server answered with."""

from __future__ import annotations

from pipeline.errors import HearingsError
from pipeline.schemas import TokenUsage


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
    """The reply hit the output-token limit before it was complete: ask for less at once."""


class LlmContextOverflow(LlmError):
    """The prompt and the reply's limit exceed the model's context: send a smaller window."""

    def __init__(
        self, message: str, usage: TokenUsage | None = None, limit: int | None = None
    ) -> None:
        super().__init__(message, usage)
        self.limit = limit


class LlmInvalidOutput(LlmError):
    """The reply did not match its schema, even after one re-ask with the error."""


# Errors a caller can cure by asking for less per call (a smaller window or batch).
SHRINKABLE_ERRORS = (LlmTruncated, LlmContextOverflow)
