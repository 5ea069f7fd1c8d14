"""One run per hearing at a time, across processes and machines sharing the database.

A claim is a `hearing_claim` row keyed by the hearing's slug; inserting it is atomic on
SQLite and PostgreSQL alike. A claim left behind by a process that died (same host, pid
gone) or that stopped renewing for `stale_after` is taken over by a compare-and-set on its
owner, a token unique to each claiming run.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models import HearingClaim
from models.db import transaction
from pipeline.errors import HearingsError

DEFAULT_STALE_AFTER = timedelta(hours=6)
POLL_SECONDS = 2.0


class HearingBusy(HearingsError, RuntimeError):
    """Another run is processing this hearing now."""


@dataclass(frozen=True)
class Holder:
    owner: str
    host: str
    pid: int
    since: datetime
    renewed: datetime

    @classmethod
    def for_this_process(cls) -> Holder:
        now = datetime.now(UTC)
        return cls(uuid.uuid4().hex, socket.gethostname(), os.getpid(), now, now)

    @classmethod
    def of(cls, claim: HearingClaim) -> Holder:
        return cls(claim.owner, claim.host, claim.pid, claim.claimed_at, claim.renewed_at)

    def columns(self) -> dict[str, object]:
        return {
            "owner": self.owner,
            "host": self.host,
            "pid": self.pid,
            "claimed_at": self.since,
            "renewed_at": self.renewed,
        }

    def is_stale(self, stale_after: timedelta) -> bool:
        if self.host == socket.gethostname() and not _process_alive(self.pid):
            return True
        return datetime.now(UTC) - self.renewed > stale_after

    def describe(self) -> str:
        return f"process {self.pid} on {self.host} (since {self.since:%Y-%m-%d %H:%M:%S} UTC)"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_is_live(claim: HearingClaim | None, stale_after: timedelta = DEFAULT_STALE_AFTER) -> bool:
    """Whether a run holds the hearing now: a claim whose process lives (or, on another
    host, was renewed lately)."""
    return claim is not None and not Holder.of(claim).is_stale(stale_after)


def live_claims(session: Session) -> dict[str, HearingClaim]:
    """The claims of runs that are alive, by hearing slug."""
    return {
        claim.slug: claim for claim in session.scalars(select(HearingClaim)) if claim_is_live(claim)
    }


class HearingLock:
    def __init__(self, factory: sessionmaker[Session], slug: str) -> None:
        self.factory = factory
        self.slug = slug
        self.holder = Holder.for_this_process()

    def _try_insert(self) -> bool:
        try:
            with transaction(self.factory) as session:
                session.add(HearingClaim(slug=self.slug, **self.holder.columns()))
        except IntegrityError:
            return False
        return True

    def _swap(self, session: Session, expected_owner: str, new: Holder) -> bool:
        result = session.execute(
            update(HearingClaim)
            .where(HearingClaim.slug == self.slug, HearingClaim.owner == expected_owner)
            .values(**new.columns())
        )
        return result.rowcount == 1

    def try_claim(self, stale_after: timedelta = DEFAULT_STALE_AFTER) -> Holder | None:
        """Claim the hearing; on failure return who holds it."""
        if self._try_insert():
            return None
        with transaction(self.factory) as session:
            claim = session.get(HearingClaim, self.slug)
            if claim is None:
                return self.try_claim(stale_after)  # released meanwhile
            holder = Holder.of(claim)
            if holder.is_stale(stale_after) and self._swap(session, holder.owner, self.holder):
                return None
            return holder

    def claim(
        self, *, wait_seconds: float = 0.0, stale_after: timedelta = DEFAULT_STALE_AFTER
    ) -> None:
        """Claim or raise HearingBusy, after waiting up to `wait_seconds` for the holder."""
        deadline = time.monotonic() + wait_seconds
        while (holder := self.try_claim(stale_after)) is not None:
            if time.monotonic() >= deadline:
                raise HearingBusy(
                    f"hearing {self.slug!r} is already being processed by {holder.describe()}; "
                    "not starting a second run (try again when it has finished)"
                )
            time.sleep(POLL_SECONDS)

    def renew(self) -> None:
        renewed = Holder(
            self.holder.owner,
            self.holder.host,
            self.holder.pid,
            self.holder.since,
            datetime.now(UTC),
        )
        with transaction(self.factory) as session:
            if self._swap(session, self.holder.owner, renewed):
                self.holder = renewed

    def release(self) -> None:
        with transaction(self.factory) as session:
            session.execute(
                delete(HearingClaim).where(
                    HearingClaim.slug == self.slug, HearingClaim.owner == self.holder.owner
                )
            )

    def holder_now(self) -> Holder | None:
        with self.factory() as session:
            claim = session.scalar(select(HearingClaim).where(HearingClaim.slug == self.slug))
            return Holder.of(claim) if claim else None
