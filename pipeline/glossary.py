"""Terms that speech recognition and captions cleaning should spell right.

The civic glossary file, plus the names of the people who could be speaking when the
hearing's roster is known.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.roster import Roster


def load_glossary(path: Path) -> list[str]:
    """Terms, one per line; blank lines and '#' comments are ignored. Missing file: none."""
    if not path.is_file():
        return []
    terms = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [term for term in terms if term]


def with_roster_names(terms: list[str], roster: Roster | None) -> list[str]:
    """`terms`, then the roster's names for speech recognition that are not among them."""
    names = roster.names_for_asr() if roster is not None else []
    return terms + [name for name in names if name not in terms]
