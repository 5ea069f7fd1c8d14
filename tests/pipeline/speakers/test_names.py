"""Names as said against names on the roster."""

from __future__ import annotations

import pytest

from pipeline.speakers.mentions import full_names_inside, leading_name, names_in_list
from pipeline.speakers.names import RosterIndex, fold, name_tokens, same_name
from tests.pipeline.speakers.transcripts import nyc_roster

ROSTER = RosterIndex(nyc_roster().members)


def test_folding_drops_case_accents_and_punctuation() -> None:
    assert fold("Gutiérrez,") == fold("GUTIERREZ") == "gutierrez"
    assert fold("O'Reilly") == "oreilly"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Jennifer Gutierrez", ("jennifer", "gutierrez")),
        ("Lynn C. Schulman", ("lynn", "schulman")),
        ("Council Member Gale Brewer", ("gale", "brewer")),
        ("CM Restler", ("restler",)),
        ("Chair Riley", ("riley",)),
        ("Rafael Salamanca, Jr.", ("rafael", "salamanca")),
        ("Deputy Commissioner Michael Gerber", ("michael", "gerber")),
    ],
)
def test_titles_middle_initials_and_suffixes_are_not_part_of_a_name(said, expected) -> None:
    assert name_tokens(said) == expected


@pytest.mark.parametrize(
    ("said", "person_id"),
    [
        ("Jennifer Gutierrez", 7612),  # accents
        ("Jennifer Gutieres", 7612),  # an ASR spelling
        ("Lynn Schulman", 7601),  # the roster has a middle initial
        ("Chair Riley", 7620),
        ("CM Brewer", 7590),
        ("Council Member Marte", 7650),
        ("Chris Marte", 7650),  # a short first name
        ("Council Member Nantasha Williams", 7640),
        ("Public Advocate Jumaane Williams", 7641),
    ],
)
def test_roster_match(said, person_id) -> None:
    member = ROSTER.match(said)
    assert member is not None and member.person_id == person_id


@pytest.mark.parametrize("said", ["Council Member Williams", "Mary Smith", "Chair", "Brewster"])
def test_no_match_when_nobody_or_two_members_fit(said) -> None:
    assert ROSTER.match(said) is None  # "Williams": Nantasha and Jumaane


def test_the_chair_is_the_member_titled_chair() -> None:
    assert ROSTER.chair().name == "Pierina Ana Sanchez"


def test_same_name_tolerates_spelling_but_not_another_person() -> None:
    assert same_name("Charlene Jackson Mendez", "Sharlene Jackson Mendez")
    assert same_name("Kevin Riley", "Riley Kevin")
    assert not same_name("Brian Kelley", "Roisin Ford")
    assert not same_name("Emily Kurtz", "Emily Klein")


def test_leading_name_takes_titles_then_capitalised_words() -> None:
    mention = leading_name("Council Member Gale Brewer, you have the floor.")
    assert (mention.title, mention.name) == ("Council Member", "Gale Brewer")
    assert leading_name("Robert Fanuzzi.").name == "Robert Fanuzzi"
    assert leading_name("the next speaker") is None
    assert leading_name("Executive Director of the New York Housing Conference") is None
    assert leading_name("Carmen De La Rosa and others").name == "Carmen De La Rosa"


def test_a_list_of_names() -> None:
    said = names_in_list("Ana Ruiz, Ben Okafor and Council Member Carla Mendes.")
    assert [m.full for m in said] == ["Ana Ruiz", "Ben Okafor", "Council Member Carla Mendes"]
    assert [m.name for m in names_in_list("Mark Ginsburg, followed by Darice Hughes")] == [
        "Mark Ginsburg",
        "Darice Hughes",
    ]


def test_full_names_inside_a_sentence() -> None:
    assert full_names_inside("Did we hear from Arlo Chase on Zoom?") == ["Arlo Chase"]
    assert full_names_inside("Thank You. Good Morning to the City Council.") == []
