"""Who does what in a chapter: who chairs, who asks, who answers, who testifies.

From the chapter's speakers (named by the identify stage, or "Speaker N") and, when an LLM
wrote the chapter, the names it gave for who asked, answered or testified, mapped back to
the labels whose names they are. Without those names: in Q&A the council side (chair,
council members, Speaker, Public Advocate) asks and everyone else answers; in testimony the
one who speaks most testifies. A label saying only a few words ("Thank you.") is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pipeline.chapters.render import SpeakerDirectory
from pipeline.schemas import ChapterKind, ChapterPerson, Line, PersonRole
from pipeline.speakers.names import name_tokens, same_name

MIN_WORDS = 8
COUNCIL_SIDE = re.compile(r"\b(chair|council ?member|speaker|public advocate)\b", re.I)
TESTIMONY = frozenset({ChapterKind.AGENCY_TESTIMONY, ChapterKind.PUBLIC_TESTIMONY})


def words_by_label(lines: Sequence[Line]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in lines:
        counts[line.speaker_label] += len(line.text.split())
    return counts


def labels_named(
    names: Sequence[str], labels: Sequence[str], speakers: SpeakerDirectory
) -> set[str]:
    """The labels whose display names are among `names` (spelling and titles aside)."""
    return {label for label in labels for name in names if names_one(speakers.name(label), name)}


def names_one(display_name: str, said: str) -> bool:
    """'Council Member Restler' names 'Lincoln Restler'; 'Jennifer Gutierrez' names
    'Jennifer Gutiérrez'."""
    said_tokens, own = name_tokens(said), name_tokens(display_name)
    if len(said_tokens) == 1 and own:
        return same_name(said_tokens[0], own[-1])
    return same_name(display_name, said)


def chapter_people(
    kind: ChapterKind,
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    *,
    asked_by: Sequence[str] = (),
    answered_by: Sequence[str] = (),
    witness: str | None = None,
) -> list[ChapterPerson]:
    """The people of one chapter's lines, in order of how much they say."""
    counts = words_by_label(lines)
    labels = [label for label, words in counts.most_common() if words >= MIN_WORDS]
    roles: dict[str, PersonRole] = {}
    for label in labels:
        if (speakers.role(label) or "").lower() == "chair":
            roles[label] = PersonRole.CHAIRS
    if kind is ChapterKind.QA:
        askers = labels_named(asked_by, labels, speakers) or {
            label for label in labels if COUNCIL_SIDE.search(speakers.role(label) or "")
        }
        answerers = labels_named(answered_by, labels, speakers) or set(labels) - askers
        roles |= {label: PersonRole.ANSWERS for label in answerers}
        roles |= {label: PersonRole.ASKS for label in askers}
    elif kind in TESTIMONY and labels:
        testifying = labels_named([witness] if witness else [], labels, speakers)
        main = next((label for label in labels if label not in roles), labels[0])
        testifying = testifying or {main}
        roles |= {label: PersonRole.TESTIFIES for label in testifying}
    return [
        ChapterPerson(
            label=label,
            person_id=speakers.person_id(label),
            name=speakers.name(label),
            role=roles[label],
        )
        for label in labels
        if label in roles
    ]
