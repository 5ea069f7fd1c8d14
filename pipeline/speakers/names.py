"""People's names as said and as on the roster, made comparable.

"Council Member Gutierrez", "CM Gutiérrez", "Chair Gutiérrez" and "Jennifer Gutiérrez" are
one person; "Lynn Schulman" is "Lynn C. Schulman". Names are compared as folded tokens
(lower case, accents and punctuation gone), without titles, honorifics, middle initials
and suffixes, and matched to the roster with rapidfuzz, so an ASR spelling ("Gutieres")
still finds its member. A surname alone names a member only when no other member has it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.roster import RosterMember

# Longest first, so "deputy commissioner" is removed before "commissioner".
TITLES = sorted(
    [
        "council member",
        "councilmember",
        "counsel member",
        "counselmember",
        "council woman",
        "councilwoman",
        "council man",
        "councilman",
        "council president",
        "vice mayor",
        "pro tem",
        "cm",
        "chair",
        "chairperson",
        "chairwoman",
        "chairman",
        "co chair",
        "vice chair",
        "madam chair",
        "mr chair",
        "speaker",
        "madam speaker",
        "public advocate",
        "majority leader",
        "minority leader",
        "deputy commissioner",
        "assistant commissioner",
        "first deputy commissioner",
        "commissioner",
        "borough president",
        "deputy speaker",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mister",
        "madam",
        "dr",
        "doctor",
        "professor",
        "sir",
        "senator",
        "assembly member",
        "assemblymember",
        "director",
        "counsel",
        "reverend",
        "rev",
        "the honorable",
        "honorable",
        "president",
        "deputy mayor",
        "secretary",
    ],
    key=len,
    reverse=True,
)
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "esq"})
TITLE_PREFIX = re.compile(r"^(?:(?:" + "|".join(t.replace(" ", r"\s+") for t in TITLES) + r")\s+)+")
TITLE_WORDS = [tuple(title.split()) for title in TITLES]
FUZZY_FULL_NAME = 86
FUZZY_SURNAME = 90


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: 'Gutiérrez,' → 'gutierrez'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower().replace("'", "")).split())


def strip_title(folded: str) -> str:
    """'council member gale brewer' → 'gale brewer'; 'chair riley' → 'riley'."""
    return TITLE_PREFIX.sub("", folded + " ").strip()


def name_tokens(name: str) -> tuple[str, ...]:
    """The comparable part of a name: no title, no middle initials, no suffix."""
    tokens = strip_title(fold(name)).split()
    return tuple(token for token in tokens if len(token) > 1 and token not in SUFFIXES)


def name_similarity(left: str, right: str) -> float:
    """0–100: how alike two people's names are, order and middle initials ignored."""
    return token_similarity(name_tokens(left), name_tokens(right))


def token_similarity(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    """Character similarity of two token lists, as given or with one of them reversed
    ("Riley Kevin"). Not token-sorted: a misspelt first letter would reorder the tokens."""
    if not left or not right:
        return 0.0
    a = " ".join(left)
    return max(fuzz.ratio(a, " ".join(right)), fuzz.ratio(a, " ".join(reversed(right))))


def same_name(left: str, right: str, threshold: float = FUZZY_FULL_NAME) -> bool:
    return name_similarity(left, right) >= threshold


def is_full_name(name: str) -> bool:
    """At least a first name and a surname."""
    return len(name_tokens(name)) >= 2


@dataclass(frozen=True)
class RosterIndex:
    """The hearing's roster, searchable by what people call its members."""

    members: Sequence[RosterMember]

    def _keys(self, member: RosterMember) -> tuple[str, ...]:
        return name_tokens(member.name)

    def by_surname(self, surname: str) -> list[RosterMember]:
        return [
            member
            for member in self.members
            if (keys := self._keys(member)) and fuzz.ratio(surname, keys[-1]) >= FUZZY_SURNAME
        ]

    def match(self, said: str) -> RosterMember | None:
        """The one member `said` names, or None (nobody, or more than one)."""
        tokens = name_tokens(said)
        if not tokens:
            return None
        if len(tokens) == 1:
            found = self.by_surname(tokens[0])
            return found[0] if len(found) == 1 else None
        scored = sorted(
            ((token_similarity(tokens, self._keys(m)), m) for m in self.members),
            key=lambda pair: pair[0],
            reverse=True,
        )
        if not scored or scored[0][0] < FUZZY_FULL_NAME:
            return self._short_first_name(tokens)
        if len(scored) > 1 and scored[1][0] >= scored[0][0] - 3:
            return None
        return scored[0][1]

    def _short_first_name(self, tokens: tuple[str, ...]) -> RosterMember | None:
        """'Chris Marte' for Christopher Marte: a unique surname and a first name it begins."""
        found = self.by_surname(tokens[-1])
        if len(found) != 1:
            return None
        first = self._keys(found[0])[0]
        return found[0] if len(tokens[0]) >= 3 and first.startswith(tokens[0]) else None

    def chair(self) -> RosterMember | None:
        chairs = [member for member in self.members if member.title == "Chair"]
        return chairs[0] if len(chairs) == 1 else None

    def person(self, person_id: int) -> RosterMember | None:
        return next((m for m in self.members if m.person_id == person_id), None)
