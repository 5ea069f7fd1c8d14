"""A synthetic hearing with known chapters, and a scripted model that reads it like an LLM.

Every section opens with the chair handing over ("Thank you. Our next panel will testify
about <topic>." or "… We will now take questions about <topic>."), and its other lines draw
on that topic's own words, so both the scripted model and the offline segmenter have
something real to find.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.schemas import ChapterKind, Line, Lines, SpeakerIdentities, SpeakerIdentity
from tests.support.fake_openai import FakeReply, ReceivedRequest

TOPICS = {
    "parking": "garage curb meters spaces drivers mandates lots vehicles",
    "housing": "apartments rent tenants landlords vouchers units affordability eviction",
    "transit": "subway buses fares riders stations signals commuters routes",
    "schools": "students teachers classrooms principals enrollment curriculum tutoring lunches",
    "parks": "playgrounds trees lawns benches gardeners pools trails rangers",
    "sanitation": "garbage recycling compost trucks collection litter rodents bins",
    "libraries": "books librarians branches readers hours programs literacy shelves",
    "policing": "officers precincts patrols overtime complaints cameras response training",
}
WITNESSES = [
    ("Maria Lopez", "Director", "Tenants United"),
    ("Kevin Chen", "Deputy Commissioner", "Department of Transportation"),
    ("Aisha Brown", None, "Member of the public"),
    ("Sam Ortiz", "Organizer", "Riders Alliance"),
]
CHAIR = ("Jennifer Gutiérrez", "Chair", "NYC Council")
OPENERS = {"testimony": "Our next panel will testify", "questions": "We will now take questions"}
KIND_PHRASES = {
    OPENERS["testimony"]: ChapterKind.PUBLIC_TESTIMONY,
    OPENERS["questions"]: ChapterKind.QA,
}
SECTION_OPENING = re.compile(rf"\[(\d+)\] [^\n[]*?({'|'.join(KIND_PHRASES)})")
BATCH_HEADING = re.compile(r"^## (chapter_\d+): .*$", re.M)


@dataclass(frozen=True)
class SyntheticHearing:
    lines: Lines
    speakers: SpeakerIdentities
    starts: list[int]


def sentence(rng: random.Random, topic: str) -> str:
    words = TOPICS[topic].split()
    picked = rng.sample(words, 4)
    return (
        f"We looked at the {picked[0]} and the {picked[1]} in our district, "
        f"and the {picked[2]} affect {picked[3]} every single day."
    )


def section_texts(
    rng: random.Random, section: int, lines_per_section: int
) -> list[tuple[str, str]]:
    """(speaker label, text) of one section: the chair's opening, then testimony or Q&A."""
    topic = list(TOPICS)[section % len(TOPICS)]
    phrase = "testimony" if section % 2 == 0 else "questions"
    witness = f"SPEAKER_{1 + section % len(WITNESSES):02d}"
    texts = [("SPEAKER_00", f"Thank you. {OPENERS[phrase]} about {topic}.")]
    for position in range(lines_per_section - 1):
        asking = phrase == "questions" and position % 6 == 0
        text = sentence(rng, topic) + (" Why is that?" if asking else "")
        texts.append(("SPEAKER_00" if asking else witness, text))
    return texts


def synthetic_hearing(
    hours: float, section_minutes: float = 6.0, seed: int = 7
) -> SyntheticHearing:
    rng = random.Random(seed)
    seconds_per_line = 6.0
    lines_per_section = int(section_minutes * 60 / seconds_per_line)
    lines: list[Line] = []
    starts: list[int] = []
    section = 0
    while len(lines) * seconds_per_line < hours * 3600:
        starts.append(len(lines))
        for speaker, text in section_texts(rng, section, lines_per_section):
            start = len(lines) * seconds_per_line
            lines.append(
                Line(
                    index=len(lines),
                    speaker_label=speaker,
                    start=start,
                    end=start + seconds_per_line - 0.5,
                    text=text,
                )
            )
        section += 1
    speakers = SpeakerIdentities(
        speakers=[
            SpeakerIdentity(
                label=f"SPEAKER_{number:02d}",
                name=name,
                display_name=name,
                role=role,
                organization=organization,
            )
            for number, (name, role, organization) in enumerate([CHAIR, *WITNESSES])
        ]
    )
    return SyntheticHearing(Lines(lines=lines), speakers, starts)


def true_boundaries(request: ReceivedRequest) -> list[dict[str, object]]:
    """The section openings visible in a boundaries request, as the model's chapter starts."""
    return [
        {"start_line": int(number), "kind": KIND_PHRASES[phrase].value}
        for number, phrase in SECTION_OPENING.findall(request.prompt_text)
    ]


def batch_sections(request: ReceivedRequest) -> dict[str, str]:
    """Each chapter's text in a writing request, by its key."""
    parts = BATCH_HEADING.split(request.prompt_text)
    return dict(zip(parts[1::2], (part.strip() for part in parts[2::2]), strict=True))


def batch_schemas(request: ReceivedRequest) -> dict[str, str]:
    """The schema each key of a writing request asks for, by name."""
    properties = (request.schema or {})["properties"]
    return {key: value["$ref"].rsplit("/", 1)[-1] for key, value in properties.items()}


def scripted_chapter(transcript: str, schema_name: str) -> dict[str, object]:
    topic = re.search(r"about (\w+)", transcript)
    subject = topic.group(1) if topic else "the hearing"
    speakers = list(dict.fromkeys(re.findall(r"^([^:\n]+?):", transcript, re.M)))
    text: dict[str, object] = {
        "title": f"Discussion of {subject}",
        "summary": f"The chapter covers {subject}.",
        "bullets": [f"{subject} point {n}" for n in (1, 2, 3)],
    }
    if schema_name == "QaChapterText":
        text |= {"asked_by": speakers[:1], "answered_by": speakers[1:2]}
    if schema_name == "TestimonyChapterText":
        text |= {"witness": speakers[-1], "organization": None}
    return text


def batch_texts(request: ReceivedRequest) -> dict[str, object]:
    sections = batch_sections(request)
    return {
        key: scripted_chapter(sections[key], schema_name)
        for key, schema_name in batch_schemas(request).items()
    }


BoundaryScript = Callable[[ReceivedRequest], list[dict[str, object]]]


class ScriptedModel:
    """Answers each request the way a good model would for a synthetic hearing."""

    def __init__(self, boundaries: BoundaryScript = true_boundaries) -> None:
        self.boundaries = boundaries

    def __call__(self, request: ReceivedRequest) -> FakeReply:
        name = request.schema_name
        if name == "ChapterStarts":
            return FakeReply.json({"chapters": self.boundaries(request)})
        if name == "HearingSummary":
            return FakeReply.json({"summary": "A hearing on city services."})
        if name == "ChapterTexts":
            return FakeReply.json(batch_texts(request))
        return FakeReply(content=json.dumps({"unexpected": name}))
