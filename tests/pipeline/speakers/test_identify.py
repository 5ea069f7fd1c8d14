"""identify_speakers end to end on the rules: evidence weighed, never a name invented."""

from __future__ import annotations

from pipeline.roster import Priority, Roster
from pipeline.schemas import IdentityMethod
from pipeline.speakers import identify_speakers
from tests.pipeline.speakers.transcripts import member, nyc_roster, statement, transcript


def by_label(lines, roster=None):
    return identify_speakers(lines, roster).by_label()


def test_chair_opening_roll_call_and_witness_self_introduction() -> None:
    lines = transcript(
        ("S0", "Good morning, I'm Council Member Pierina Sanchez, chair of the Committee on "
               "Housing and Buildings."),
        *statement("S0", 2),
        ("S0", "Council Member Brewer?"), ("S1", "Present."),
        ("S0", "Council Member Schulman?"), ("S2", "Here."),
        ("S3", "Good morning, I'm Ana Diaz, Assistant Commissioner for Code Enforcement at the "
               "Department of Housing Preservation and Development."),
        *statement("S3"),
    )  # fmt: skip
    speakers = by_label(lines, nyc_roster())
    assert (speakers["S0"].name, speakers["S0"].role, speakers["S0"].person_id) == (
        "Pierina Ana Sanchez", "Chair", 7631,
    )  # fmt: skip
    assert speakers["S0"].organization == "New York City Council"
    assert speakers["S1"].name == "Gale A. Brewer" and speakers["S2"].name == "Lynn C. Schulman"
    witness = speakers["S3"]
    assert (witness.name, witness.person_id, witness.method) == (
        "Ana Diaz",
        None,
        IdentityMethod.RULE,
    )
    assert witness.organization == "Department of Housing Preservation and Development"
    assert witness.evidence == [7] and 0 < witness.confidence <= 1


def test_seattle_roll_call_names_members_by_surname() -> None:
    # Seattle City Council briefing, 2021-08-02 (captions re-cased); the members are public record.
    roster = Roster(members=[
        member(1, "Debora Juarez"), member(2, "Andrew J. Lewis"), member(3, "Tammy J. Morales"),
        member(4, "M. Lorena González", "Council President", Priority.CHAIR),
    ])  # fmt: skip
    lines = transcript(
        ("CLERK", "Juarez?"), ("A", "Here."), ("CLERK", "Lewis?"), ("B", "Present."),
        ("CLERK", "Morales?"), ("C", "Here."), ("CLERK", "Council President Gonzalez?"),
        ("D", "Here."), ("CLERK", "Eight present."),
    )  # fmt: skip
    speakers = by_label(lines, roster)
    assert [speakers[label].person_id for label in "ABCD"] == [1, 2, 3, 4]
    assert speakers["CLERK"].name is None and speakers["CLERK"].display_name == "Speaker 1"


def test_two_members_with_the_same_surname_are_not_guessed() -> None:
    lines = transcript(
        ("CHAIR", "Council Member Williams?"), ("A", "Present."),
        ("CHAIR", "Council Member Nantasha Williams, you have the floor."), *statement("B"),
    )  # fmt: skip
    speakers = by_label(lines, nyc_roster())
    assert speakers["A"].name is None
    assert speakers["B"].name == "Nantasha M. Williams"


def test_without_a_roster_only_people_who_say_their_names_are_named() -> None:
    lines = transcript(
        ("S0", "Good morning, I'm Council Member Pierina Sanchez, chair of this committee."),
        ("S0", "Council Member Brewer?"), ("S1", "Present."),
        ("S2", "My name is Ana Diaz and I live in the Bronx."), *statement("S2"),
    )  # fmt: skip
    speakers = by_label(lines, None)
    assert speakers["S0"].name == "Pierina Sanchez" and speakers["S0"].person_id is None
    assert speakers["S1"].name is None  # a surname alone names nobody
    assert speakers["S2"].name == "Ana Diaz"


def test_a_name_said_about_someone_else_does_not_name_the_speaker() -> None:
    lines = transcript(
        *statement("A"),
        ("B", "As Council Member Brewer said, the agency has not answered our letters."),
        *statement("B"),
    )
    speakers = by_label(lines, nyc_roster())
    assert speakers["B"].name is None and speakers["B"].display_name == "Speaker 2"


def test_a_label_that_never_finishes_a_sentence_stays_unknown() -> None:
    lines = transcript(("A", "and I think that's a"), ("B", "so the"), ("A", "my name is"))
    speakers = identify_speakers(lines, nyc_roster())
    assert [(s.label, s.display_name, s.name) for s in speakers.speakers] == [
        ("A", "Speaker 1", None),
        ("B", "Speaker 2", None),
    ]


def test_two_labels_that_are_one_person_share_the_identity() -> None:
    lines = transcript(
        ("A", "Good morning, my name is Maria Torres, and I live in Sunset Park."),
        *statement("A", 2),
        ("B", "Thank you, Ms. Torres."),
        ("A2", "Sorry, my name is Maria Torres, I was cut off."),
        *statement("A2", 2),
    )
    speakers = by_label(lines, None)
    assert speakers["A"].name == speakers["A2"].name == "Maria Torres"


def test_one_label_that_is_two_people_is_named_only_when_one_dominates() -> None:
    balanced = transcript(
        ("M", "My name is Maria Torres."), *statement("M", 3), ("X", "Thank you."),
        ("M", "My name is Dev Patel."), *statement("M", 3),
    )  # fmt: skip
    assert by_label(balanced)["M"].name is None
    dominant = transcript(
        ("M", "My name is Maria Torres."), *statement("M", 12), ("X", "Thank you."),
        ("M", "My name is Dev Patel."), *statement("M", 1),
    )  # fmt: skip
    assert by_label(dominant)["M"].name == "Maria Torres"


def test_a_label_named_once_after_hours_of_speaking_is_not_named() -> None:
    """A diarization merge: the label spoke long before the self-introduction it got."""
    lines = transcript(*statement("M", 10), ("X", "Thank you."), ("M", "My name is Dev Patel."),
                       *statement("M", 1))  # fmt: skip
    assert by_label(lines)["M"].name is None


def test_unknown_numbers_are_stable_when_other_labels_get_named() -> None:
    plain = transcript(*statement("A", 1), *statement("B", 1), *statement("C", 1))
    named = transcript(("A", "My name is Maria Torres."), *statement("A", 1),
                       *statement("B", 1), *statement("C", 1))  # fmt: skip
    before = {s.label: s.display_name for s in identify_speakers(plain).speakers}
    after = {s.label: s.display_name for s in identify_speakers(named).speakers}
    assert before == {"A": "Speaker 1", "B": "Speaker 2", "C": "Speaker 3"}
    assert after == {"A": "Maria Torres", "B": "Speaker 2", "C": "Speaker 3"}


def test_no_lines_no_speakers() -> None:
    assert identify_speakers(transcript(), nyc_roster()).speakers == []


def test_a_witness_is_never_taken_for_a_council_member_with_a_like_name() -> None:
    lines = transcript(
        ("W", "Good morning, I'm Julie Menon, Deputy Commissioner for Planning at the "
              "Department of Transportation."),
        *statement("W"),
    )  # fmt: skip
    roster = nyc_roster([member(7700, "Julie Menin")])
    witness = by_label(lines, roster)["W"]
    assert (witness.name, witness.person_id) == ("Julie Menon", None)
    assert witness.organization == "Department of Transportation"
