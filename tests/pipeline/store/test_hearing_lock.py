"""One run per hearing: the claim in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models import HearingClaim
from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.store.hearing_lock import HearingBusy, HearingLock, Holder


@pytest.fixture
def factory(database_url: str) -> sessionmaker[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    return make_session_factory(engine)


def test_a_second_claim_is_refused_until_the_first_is_released(factory) -> None:
    first, second = HearingLock(factory, "a-hearing"), HearingLock(factory, "a-hearing")
    first.claim()
    with pytest.raises(HearingBusy, match="'a-hearing' is already being processed by process"):
        second.claim()
    HearingLock(factory, "another-hearing").claim()  # other hearings are free

    first.release()
    second.claim()
    claimed = second.holder_now()
    second.renew()
    renewed = second.holder_now()
    assert claimed is not None and renewed is not None
    assert renewed.owner == claimed.owner == second.holder.owner
    assert renewed.renewed > claimed.renewed and renewed.since == claimed.since
    second.release()
    assert second.holder_now() is None


def test_a_claim_left_by_a_dead_process_is_taken_over(factory) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    orphan = Holder.for_this_process()
    orphan = Holder(orphan.owner, orphan.host, int(dead.stdout), orphan.since, orphan.renewed)
    with transaction(factory) as session:
        session.add(HearingClaim(slug="a-hearing", **orphan.columns()))

    HearingLock(factory, "a-hearing").claim()


def test_a_claim_not_renewed_for_too_long_is_taken_over(factory) -> None:
    HearingLock(factory, "a-hearing").claim()  # alive (this process) but silent
    late = HearingLock(factory, "a-hearing")
    with pytest.raises(HearingBusy):
        late.claim()
    assert late.try_claim(stale_after=timedelta(seconds=-1)) is None
