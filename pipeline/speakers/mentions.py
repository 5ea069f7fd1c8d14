"""A person's name where a sentence says one: an optional title, then capitalised words.

"Council Member Gale Brewer, you have the floor" → title "Council Member", name "Gale Brewer";
"Next up is Robert Fanuzzi." → "Robert Fanuzzi". Lower-case words, numbers and a list of
capitalised words that are not names ("Thank", "Good", "The", "New") end a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.speakers.names import TITLE_WORDS, fold

MAX_NAME_WORDS = 4
PARTICLES = frozenset({"de", "la", "del", "della", "di", "da", "van", "der", "von", "le", "du"})
NOT_NAMES = frozenset(
    {
        "i",
        "i'm",
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "so",
        "thank",
        "thanks",
        "good",
        "hello",
        "hi",
        "yes",
        "no",
        "okay",
        "ok",
        "well",
        "now",
        "next",
        "here",
        "there",
        "this",
        "that",
        "these",
        "those",
        "we",
        "you",
        "your",
        "our",
        "my",
        "it",
        "he",
        "she",
        "they",
        "his",
        "her",
        "their",
        "us",
        "today",
        "council",
        "committee",
        "city",
        "new",
        "york",
        "department",
        "office",
        "chair",
        "members",
        "member",
        "everyone",
        "all",
        "public",
        "please",
        "sorry",
        "great",
        "let",
        "let's",
        "just",
        "also",
        "again",
        "first",
        "second",
        "last",
        "mayor",
        "borough",
        "brooklyn",
        "bronx",
        "manhattan",
        "queens",
        "staten",
        "island",
        "nyc",
        "dob",
        "hpd",
        "nypd",
        "dcp",
        "zoom",
        "executive",
        "senior",
        "vice",
        "deputy",
        "associate",
        "assistant",
        "policy",
        "manager",
        "founder",
        "resident",
        "representative",
        "attorney",
        "analyst",
        "organizer",
        "coordinator",
        "architect",
        "planner",
        "board",
        "community",
        "district",
        "program",
        "general",
        "legislative",
        "principal",
        "partner",
        "owner",
        "co",
        "ceo",
        "cfo",
        "coo",
        "welcome",
        "alright",
        "sure",
        "right",
        "perfect",
        "wonderful",
        "excellent",
        "hey",
        "absolutely",
        "bye",
        "folks",
        "everybody",
        "colleagues",
        "ladies",
        "gentlemen",
    }
)
WORD = re.compile(r"[^\s,;:!?()\"]+[,;:!?.]?")


@dataclass(frozen=True)
class Mention:
    """A name as said; `title` is the title said before it, if any."""

    name: str
    title: str | None = None

    @property
    def full(self) -> str:
        return f"{self.title} {self.name}" if self.title else self.name


def _title_at(words: list[str], position: int) -> int:
    """How many words from `position` form a title ('Deputy Commissioner' → 2), or 0."""
    for title in TITLE_WORDS:
        end = position + len(title)
        if end <= len(words) and tuple(fold(w) for w in words[position:end]) == title:
            return len(title)
    return 0


def _is_name_word(word: str) -> bool:
    bare = word.strip(",;:!?.")
    if not bare or not bare[0].isalpha():
        return False
    if fold(bare) in PARTICLES:
        return True
    return bare[0].isupper() and fold(bare) not in NOT_NAMES and not bare.isupper()


def leading_name(text: str) -> Mention | None:
    """The name (after any titles) at the start of `text`, or None."""
    words = WORD.findall(text)
    position, titles = 0, []
    while position < len(words) and (size := _title_at(words, position)):
        titles.append(" ".join(w.strip(",;:!?.") for w in words[position : position + size]))
        position += size
    name: list[str] = []
    for word in words[position:]:
        if len(name) == MAX_NAME_WORDS or not _is_name_word(word):
            break
        name.append(word.strip(",;:!?."))
        if word[-1] in ",;:!?.":
            break
    while name and fold(name[-1]) in PARTICLES:
        name.pop()
    if not name:
        return None
    return Mention(" ".join(name), " ".join(titles) or None)


def names_in_list(text: str) -> list[Mention]:
    """Each name of a list: 'A, B and C', 'A, followed by B', 'A; B; C'."""
    parts = re.split(r",\s*(?:and\s+|followed by\s+|then\s+)?|\s+and\s+|\s+followed by\s+|;", text)
    found = [leading_name(part) for part in parts if part.strip()]
    return [mention for mention in found if mention is not None]


CAPITALISED_RUN = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)+)")


def full_names_inside(text: str) -> list[str]:
    """Runs of two or more capitalised words inside a sentence (not at its start) that could
    be someone's full name: 'Did we hear from Arlo Chase' → ['Arlo Chase']."""
    found = []
    for match in CAPITALISED_RUN.finditer(text):
        words = [word for word in match.group(1).split() if fold(word) not in NOT_NAMES]
        if len(words) >= 2:
            found.append(" ".join(words))
    return found
