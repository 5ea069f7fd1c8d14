"""A hearing's roster: the seats the database holds on its date, ranked by `pipeline.roster`.

Storage answers who held which seat on a day; the ranking (chairs, members, the rest of the
council, officers) is the pure function of the roster module. No Prefect here: `hearings
roster show` uses it directly, the process-hearing flow to write `roster.json`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from pipeline.roster import RosterMember, rank_roster
from pipeline.sources.events import NEW_YORK
from pipeline.store.roster import RosterError, hearing_committees, resolve_body_name, seats_on


def roster_on(session: Session, on: date, body_names: list[str]) -> list[RosterMember]:
    """Who could speak at a hearing of `body_names` (any case) on `on`, most likely first."""
    committees = [resolve_body_name(session, name) for name in body_names]
    return rank_roster(seats_on(session, on), committees)


def roster_for(session: Session, hearing_id: int) -> list[RosterMember]:
    """The roster of a stored hearing on its (New York) date."""
    scheduled_at, committees = hearing_committees(session, hearing_id)
    return roster_on(session, scheduled_at.astimezone(NEW_YORK).date(), committees)


def roster_or_empty(session: Session, hearing_id: int) -> list[RosterMember]:
    """Who could be speaking at a stored hearing; empty when no roster is stored for it."""
    try:
        return roster_for(session, hearing_id)
    except RosterError:
        return []
