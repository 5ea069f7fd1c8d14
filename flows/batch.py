"""Many hearings, a bounded number at a time; one hearing's failure never stops the others."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.deployments import run_deployment
from prefect.futures import as_completed
from sqlalchemy import select

from flows.process_hearing import HearingReport, process_hearing
from flows.runtime import run_log, session_factory
from models import Hearing, HearingStatus
from pipeline.chapters.step import ChaptererChoice
from pipeline.config import Settings
from pipeline.schemas import TokenUsage
from pipeline.stages import Stage

# A hearing a run started but did not finish (the process died, or a stage failed).
UNFINISHED = (HearingStatus.PROCESSING, HearingStatus.FAILED)


@dataclass(frozen=True)
class BatchSummary:
    reports: list[HearingReport] = field(default_factory=list)
    waiting_for_video: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> Counter[str]:
        return Counter(report.status for report in self.reports)

    @property
    def usage(self) -> TokenUsage:
        return sum((report.usage for report in self.reports), TokenUsage())

    def describe(self) -> str:
        counts, usage = self.counts, self.usage
        return (
            f"processed {counts[HearingStatus.DRAFT.value]}, "
            f"skipped {len(self.skipped) + counts['busy']}, "
            f"waiting for video {len(self.waiting_for_video)}, "
            f"failed {counts[HearingStatus.FAILED.value]}; "
            f"LLM tokens {usage.tokens_in} in / {usage.tokens_out} out, "
            f"cost ${usage.cost_usd:.4f}"
        )


def _through_deployment(name: str, parameters: dict[str, object]) -> HearingReport:
    """Run the hearing on a worker of the deployment's pool (the GPU pool) and wait for it."""
    flow_run = run_deployment(name, parameters=parameters)
    state = flow_run.state
    completed = state is not None and state.is_completed()
    status = HearingStatus.DRAFT if completed else HearingStatus.FAILED
    message = state.message if state is not None and state.message else ""
    return HearingReport(str(parameters["slug"]), status.value, message=message)


@task(name="process-one", cache_policy=NO_CACHE)
def process_one(
    slug: str, from_stage: Stage | None, chapterer: ChaptererChoice, deployment: str | None = None
) -> HearingReport:
    """Process one hearing (a subflow, or a run of `deployment`); a failure becomes a report."""
    try:
        if deployment:
            parameters = {"slug": slug, "from_stage": from_stage, "chapterer": chapterer}
            return _through_deployment(deployment, parameters)
        return process_hearing(slug, from_stage=from_stage, chapterer=chapterer)
    except Exception as error:
        run_log().error("%s failed: %s: %s", slug, type(error).__name__, error)
        return HearingReport(slug, HearingStatus.FAILED.value, message=str(error))


def process_many(
    slugs: list[str],
    *,
    max_parallel: int,
    from_stage: Stage | None = None,
    chapterer: ChaptererChoice = "auto",
    deployment: str | None = None,
) -> list[HearingReport]:
    """Process `slugs`, at most `max_parallel` at a time: each time one hearing ends the next
    one starts, so a slow hearing never holds back the others. Reports in finishing order."""
    waiting = iter(slugs)
    running = [
        process_one.submit(slug, from_stage, chapterer, deployment)
        for slug in islice(waiting, max_parallel)
    ]
    reports: list[HearingReport] = []
    while running:
        finished = next(as_completed(running))
        running.remove(finished)
        reports.append(finished.result())
        following = next(waiting, None)
        if following is not None:
            running.append(process_one.submit(following, from_stage, chapterer, deployment))
    return reports


def unfinished_slugs(settings: Settings) -> list[str]:
    """Hearings a previous run left processing or failed, oldest first."""
    with session_factory(settings)() as session:
        query = (
            select(Hearing.slug)
            .where(Hearing.status.in_([status.value for status in UNFINISHED]))
            .order_by(Hearing.scheduled_at, Hearing.id)
        )
        return list(session.scalars(query))
