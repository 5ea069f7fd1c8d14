"""prefect.yaml, checked offline: `prefect deploy` itself only warns about a bad file."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from prefect.cli.deploy._models import PrefectYamlModel
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def prefect_yaml() -> PrefectYamlModel:
    raw: dict[str, Any] = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text())
    return PrefectYamlModel.model_validate(raw)


def deployment(model: PrefectYamlModel, name: str) -> Any:
    return next(item for item in model.deployments if item.name == name)


def test_nightly_runs_at_two_new_york_time_on_the_cpu_pool(prefect_yaml) -> None:
    nightly = deployment(prefect_yaml, "nightly")
    (schedule,) = nightly.schedules
    cron = CronSchedule(cron=schedule.cron, timezone=schedule.timezone)
    assert (cron.cron, cron.timezone) == ("0 2 * * *", "America/New_York")
    assert nightly.work_pool.name == "cpu"


def test_hearings_run_on_the_gpu_pool(prefect_yaml) -> None:
    assert deployment(prefect_yaml, "process-hearing").work_pool.name == "gpu"
    for name in ("nightly", "backfill"):
        target = deployment(prefect_yaml, name).parameters["process_deployment"]
        assert target == "process-hearing/process-hearing"


def test_every_entrypoint_loads_and_takes_its_parameters(prefect_yaml, monkeypatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    assert {item.name for item in prefect_yaml.deployments} == {
        "nightly",
        "backfill",
        "process-hearing",
    }
    for item in prefect_yaml.deployments:
        flow = load_flow_from_entrypoint(item.entrypoint)
        assert flow.name == item.name
        accepted = set(flow.parameters.properties)
        assert set(item.parameters) <= accepted, f"{item.name}: unknown parameters"
        assert item.work_pool.name in {"cpu", "gpu"}
