"""StageRun rows keep an honest cost: unknown when a model has no price, never 0.0."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from models import Hearing, StageRun
from models.db import transaction
from pipeline.cli import app
from pipeline.cli.common import open_database
from pipeline.config import get_settings
from pipeline.schemas import TokenUsage
from pipeline.store.processing import fail_stage_run, finish_stage_run, start_stage_run

PRICED = TokenUsage(calls=2, tokens_in=900, tokens_out=100, cost_usd=0.0125)
UNPRICED = TokenUsage(calls=3, tokens_in=900, tokens_out=100, unpriced_calls=3)


@dataclass
class Finished:
    usage: TokenUsage
    skipped: bool = False
    fingerprint: str = field(default="f" * 64)


def stage_costs(isolated_settings: Path, *usages: TokenUsage, failed: bool = False) -> list:
    factory = open_database(get_settings(), create_local=True)
    with transaction(factory) as session:
        session.add(Hearing(slug="costed", title="Costed"))
    for usage in usages:
        with transaction(factory) as session:
            run_id = start_stage_run(session, "costed", "chapter", None)
            if failed:
                fail_stage_run(session, run_id, "the server went away", usage)
            else:
                finish_stage_run(session, run_id, Finished(usage))
    with factory() as session:
        return list(session.scalars(select(StageRun.cost_usd).order_by(StageRun.id)))


def test_a_priced_model_stores_its_cost(isolated_settings: Path) -> None:
    assert stage_costs(isolated_settings, PRICED) == [0.0125]
    assert "0.0125" in CliRunner().invoke(app, ["status"]).output


def test_an_unpriced_model_stores_an_unknown_cost_also_when_it_failed(
    isolated_settings: Path,
) -> None:
    assert stage_costs(isolated_settings, UNPRICED, failed=True) == [None]


def test_status_says_unknown_rather_than_summing_a_guess(isolated_settings: Path) -> None:
    assert stage_costs(isolated_settings, PRICED, UNPRICED) == [0.0125, None]

    output = CliRunner().invoke(app, ["status"], terminal_width=200).output
    assert "unknown" in output and "0.0125" not in output
