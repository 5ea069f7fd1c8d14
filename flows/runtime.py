"""What every flow shares: the database of the current settings and the GPU limit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from logging import Filter, Logger, LoggerAdapter, LogRecord, getLogger

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import MissingContextError, ObjectAlreadyExists, ObjectNotFound
from sqlalchemy.orm import Session, sessionmaker

from models.db import ensure_migrated, make_engine, make_session_factory
from pipeline.config import Settings
from pipeline.errors import HearingsError

GPU_LIMIT = "gpu"
GPU_SLOTS = 1
# A GPU stage on a long hearing can hold the GPU for an hour or more.
GPU_LEASE_SECONDS = 3 * 3600
PREFECT_RUN_LOGGERS = ("prefect.task_runs", "prefect.flow_runs")


class _UserErrorsInOneLine(Filter):
    """Prefect logs a failed task or flow run with its traceback; an error the user can fix
    (`HearingsError`) needs only its one line, which the record's message already holds."""

    def filter(self, record: LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], HearingsError):
            record.exc_info = None
            record.exc_text = None
        return True


def keep_user_errors_to_one_line() -> None:
    for name in PREFECT_RUN_LOGGERS:
        logger = getLogger(name)
        if not any(isinstance(known, _UserErrorsInOneLine) for known in logger.filters):
            logger.addFilter(_UserErrorsInOneLine())


keep_user_errors_to_one_line()


def run_log() -> Logger | LoggerAdapter[Logger]:
    """The Prefect run's logger inside a flow or task run; a plain logger elsewhere
    (a task body called with `.fn()`)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return getLogger("flows")


@lru_cache(maxsize=8)
def _factory_for(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    ensure_migrated(engine)
    return make_session_factory(engine)


def session_factory(settings: Settings) -> sessionmaker[Session]:
    """Sessions on the database of `settings` (it must be migrated), one pool per URL."""
    return _factory_for(settings.effective_database_url)


def ensure_gpu_limit() -> None:
    """Create the global `gpu` concurrency limit (one slot) unless it exists already."""
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(GPU_LIMIT)
        except ObjectNotFound:
            with suppress(ObjectAlreadyExists):  # another run created it meanwhile
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=GPU_LIMIT, limit=GPU_SLOTS)
                )


@contextmanager
def gpu_slot() -> Iterator[None]:
    """Hold the one GPU slot, so two GPU stages never load models at the same time."""
    with concurrency(GPU_LIMIT, occupy=1, lease_duration=GPU_LEASE_SECONDS, strict=True):
        yield
