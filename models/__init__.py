"""SQLAlchemy models and Alembic migrations; importing this package registers every table."""

from models.base import Base
from models.hearing import (
    Chapter,
    Edit,
    Hearing,
    HearingStatus,
    ReviewState,
    Speaker,
    StageRun,
    StageStatus,
    SyncState,
    TranscriptLine,
)
from models.roster import Body, Membership, Person

__all__ = [
    "Base",
    "Body",
    "Chapter",
    "Edit",
    "Hearing",
    "HearingStatus",
    "Membership",
    "Person",
    "ReviewState",
    "Speaker",
    "StageRun",
    "StageStatus",
    "SyncState",
    "TranscriptLine",
]
