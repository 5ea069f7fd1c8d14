"""SQLAlchemy models and Alembic migrations; importing this package registers every table."""

from models.base import Base
from models.editor import Editor
from models.hearing import (
    Chapter,
    Edit,
    Hearing,
    HearingClaim,
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
    "Editor",
    "Hearing",
    "HearingClaim",
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
