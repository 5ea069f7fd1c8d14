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
from models.publication import ChapterPage, HearingPage
from models.roster import Body, Membership, Person
from models.search import SearchEntry

__all__ = [
    "Base",
    "Body",
    "Chapter",
    "ChapterPage",
    "Edit",
    "Editor",
    "Hearing",
    "HearingClaim",
    "HearingPage",
    "HearingStatus",
    "Membership",
    "Person",
    "ReviewState",
    "SearchEntry",
    "Speaker",
    "StageRun",
    "StageStatus",
    "SyncState",
    "TranscriptLine",
]
