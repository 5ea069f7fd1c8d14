"""The one base of every error a user can cause or fix.

Bad input, a missing or wrong setting, a service that cannot be reached: each is raised as a
subclass of `HearingsError` whose message is one line saying what went wrong and, where it
helps, what to do. The CLI catches this base once and prints that line; anything else is a
bug and keeps its traceback. Like the schemas, this module imports nothing else of ours, so
every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

Issue = dict[str, Any]


class HearingsError(Exception):
    """Something a user can cause or fix; the message is one line."""


def describe_validation_error(
    error: ValidationError,
    *,
    whole: str = "value",
    where: Callable[[Issue], str] | None = None,
    limit: int = 8,
) -> str:
    """A pydantic error as one line: 'field.sub: message' per problem, joined by '; '.

    `whole` names the value when a problem is about all of it; `where` overrides how each
    problem's place is named (settings name their environment variable)."""

    def place(issue: Issue) -> str:
        if where is not None:
            return where(issue)
        return ".".join(str(part) for part in issue["loc"]) or whole

    return "; ".join(f"{place(issue)}: {issue['msg']}" for issue in error.errors()[:limit])
