"""One Prefect task for every stage: runs the declared stage and records its StageRun.

The task takes the hearing's context, the stage's key and plain parameters (never sessions
or loaded models). The artifacts are the cache, so Prefect's task caching is off; and it
never retries: the clients retry what is worth retrying, in one layer, so tries do not
multiply. A GPU stage holds the `gpu` slot while it runs and frees its models after.
Long stages report their progress as a Prefect progress artifact and a log line every tenth.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any
from uuid import UUID

from prefect import task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.exceptions import MissingContextError
from prefect.runtime import flow_run

from flows.hearing_run import record_stage
from flows.runtime import gpu_slot, run_log, session_factory
from flows.store_stage import STORE_STAGE
from pipeline.progress import StageProgress
from pipeline.stages import HearingContext, Outcome, StageDeclaration, declared


def declaration_of(key: str) -> StageDeclaration[Any]:
    """A pipeline stage from the registry, or the store stage (which lives with the flows)."""
    return STORE_STAGE if key == STORE_STAGE.key else declared(key)


def in_a_run() -> bool:
    """Inside a flow or task run (a task body called with `.fn()` is not)."""
    try:
        get_run_context()
    except MissingContextError:
        return False
    return True


class PrefectProgress(StageProgress):
    """A progress artifact on the run's page, updated each percent; a log line each tenth."""

    def __init__(self, slug: str, stage: str) -> None:
        self.slug, self.stage = slug, stage
        self.artifact: UUID | None = None
        self.percent = -1
        self.logged_tenth = 0

    def fraction(self, done: float) -> None:
        percent = int(done * 100)
        if percent <= self.percent:
            return
        self.percent = percent
        if in_a_run():
            self._show(percent)
        if percent // 10 > self.logged_tenth:
            self.logged_tenth = percent // 10
            run_log().info("%s: %d%%", self.stage, self.logged_tenth * 10)

    def _show(self, percent: int) -> None:
        description = f"{self.slug}: {self.stage}"
        if self.artifact is None:
            key = f"{self.slug}-{self.stage}"[:100].strip("-")
            self.artifact = create_progress_artifact(percent, key=key, description=description)
        else:
            update_progress_artifact(self.artifact, percent, description=description)

    def transferred(self, done: int, total: int | None) -> None:
        if total:
            self.fraction(done / total)
        elif done // 100_000_000 > self.logged_tenth:  # unknown size: a line every 100 MB
            self.logged_tenth = done // 100_000_000
            run_log().info("%s: downloaded %.0f MB", self.stage, done / 1e6)


@task(name="stage", task_run_name="{key}", cache_policy=NO_CACHE, retries=0)
def stage_task(
    context: HearingContext, key: str, params: Mapping[str, Any], force: bool = False
) -> Outcome:
    """Run stage `key` of the hearing in `context`, with its StageRun row."""
    declaration = declaration_of(key)
    with gpu_slot() if declaration.gpu else nullcontext():
        return record_stage(
            session_factory(context.settings),
            context,
            declaration,
            params=params,
            force=force,
            progress=PrefectProgress(context.slug, declaration.name.value),
            flow_run_id=flow_run.get_id(),
            log=run_log(),
        )
