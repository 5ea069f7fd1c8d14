"""Prefect's run logs: a user's error is its one line, a bug keeps its traceback."""

from __future__ import annotations

import logging

import pytest

import flows.runtime  # noqa: F401  (installs the filter on Prefect's run loggers)
from pipeline.acquire import DownloadFailedError


def _log_failure(logger: logging.Logger, error: Exception) -> None:
    try:
        raise error
    except Exception:
        names = {"task_run_name": "acquire-1", "flow_run_name": "run-1"}  # Prefect's formats
        logger.error("Task run failed with exception: %r", error, exc_info=True, extra=names)


@pytest.mark.parametrize("name", ["prefect.task_runs", "prefect.flow_runs"])
def test_a_users_error_is_logged_without_its_traceback(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger(name)
    logger.addHandler(caplog.handler)  # whether or not Prefect lets its loggers propagate
    try:
        _log_failure(logger, DownloadFailedError("download of x.mp4 failed after 4 tries"))
        _log_failure(logger, KeyError("a bug"))
    finally:
        logger.removeHandler(caplog.handler)
    user_error = next(r for r in caplog.records if "DownloadFailedError" in r.getMessage())
    bug = next(r for r in caplog.records if "KeyError" in r.getMessage())
    assert "failed after 4 tries" in user_error.getMessage() and user_error.exc_info is None
    assert bug.exc_info is not None and bug.exc_info[0] is KeyError
