"""Who chairs, asks, answers or testifies in a chapter, from the speakers' names and roles."""

from __future__ import annotations

from pipeline.chapters.people import chapter_people
from pipeline.chapters.render import SpeakerDirectory
from pipeline.schemas import ChapterKind, Line, SpeakerIdentities, SpeakerIdentity

LONG = "We reviewed every inspection report from the last two years and found real gaps."


def lines(*labels_and_texts: tuple[str, str]) -> list[Line]:
    return [
        Line(index=i, speaker_label=label, start=i * 5.0, end=i * 5.0 + 4, text=text)
        for i, (label, text) in enumerate(labels_and_texts)
    ]


SPEAKERS = SpeakerDirectory.from_identities(
    SpeakerIdentities(
        speakers=[
            SpeakerIdentity(label="CHAIR", person_id=7612, name="Jennifer Gutiérrez",
                            display_name="Jennifer Gutiérrez", role="Chair"),
            SpeakerIdentity(label="CM", person_id=7660, name="Lincoln Restler",
                            display_name="Lincoln Restler", role="Council Member"),
            SpeakerIdentity(label="DC", name="Michael Gerber", display_name="Michael Gerber",
                            role="Deputy Commissioner", organization="NYPD"),
            SpeakerIdentity(label="X", display_name="Speaker 4"),
        ]
    )
)  # fmt: skip


def roles(people) -> dict[str, str]:
    return {person.name: person.role.value for person in people}


def test_qa_council_side_asks_and_the_rest_answer() -> None:
    part = lines(("CHAIR", LONG), ("CM", LONG + " Why?"), ("DC", LONG), ("X", LONG), ("X", "Yes."))
    people = chapter_people(ChapterKind.QA, part, SPEAKERS)
    assert roles(people) == {
        "Jennifer Gutiérrez": "asks",
        "Lincoln Restler": "asks",
        "Michael Gerber": "answers",
        "Speaker 4": "answers",
    }
    assert next(p for p in people if p.name == "Lincoln Restler").person_id == 7660


def test_the_llm_names_map_back_to_labels() -> None:
    part = lines(("CHAIR", "Thank you, Council Member Restler." + LONG), ("CM", LONG), ("DC", LONG))
    people = chapter_people(ChapterKind.QA, part, SPEAKERS, asked_by=["Council Member Restler"],
                            answered_by=["Deputy Commissioner Michael Gerber"])  # fmt: skip
    assert roles(people) == {
        "Jennifer Gutiérrez": "chairs",
        "Lincoln Restler": "asks",
        "Michael Gerber": "answers",
    }


def test_testimony_names_the_witness_and_the_chair() -> None:
    part = lines(("CHAIR", LONG), ("DC", LONG), ("DC", LONG), ("X", "Thank you."))
    assert roles(chapter_people(ChapterKind.AGENCY_TESTIMONY, part, SPEAKERS)) == {
        "Jennifer Gutiérrez": "chairs",
        "Michael Gerber": "testifies",
    }
    unnamed = chapter_people(ChapterKind.PUBLIC_TESTIMONY, lines(("X", LONG)), SPEAKERS)
    assert [(p.label, p.name, p.role.value) for p in unnamed] == [("X", "Speaker 4", "testifies")]


def test_other_kinds_only_record_the_chair() -> None:
    part = lines(("CHAIR", LONG), ("CM", LONG))
    assert roles(chapter_people(ChapterKind.REMARKS, part, SPEAKERS)) == {
        "Jennifer Gutiérrez": "chairs"
    }
