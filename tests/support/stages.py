"""Run one declared stage of a hearing the way the flows do, without a database."""

from __future__ import annotations

from typing import Any

from pipeline.stages import HearingContext, Outcome, declared, run_stage


def run(context: HearingContext, key: str, *, force: bool = False, **params: Any) -> Outcome:
    """Stage `key` ('acquire', 'captions', 'chapter' …) with `params` as its caller's."""
    return run_stage(declared(key), context, params=params, force=force)
