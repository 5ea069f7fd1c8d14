"""Each cue on its own: what it names, whom, and what it must leave alone."""

from __future__ import annotations

from pipeline.speakers.cues import (
    Cue,
    all_claims,
    chair_opening,
    handoff_next,
    panel_callout,
    roll_call,
    self_introduction,
    swearing_in,
    thanks_previous,
)
from pipeline.speakers.turns import Transcript
from tests.pipeline.speakers.transcripts import statement, transcript


def view(*turns: tuple[str, str]) -> Transcript:
    return Transcript.of(transcript(*turns).lines)


def names(claims) -> list[tuple[str, str]]:
    return [(claim.label, claim.mention.full) for claim in claims]


def test_self_introductions() -> None:
    said = view(
        ("A", "Good morning, my name is Tyler Baldwin, and I'm a resident of Astoria, Queens."),
        ("B", "Hello, I'm Council Member Gale Brewer."),
        ("C", "I am not BJ Jones."),
        ("C", "I'm Peter Estes, reading for BJ Jones."),
        ("D", "I'm here to support the proposal."),
        ("E", "Good afternoon, my name is Maria Torres, I live in Sunset Park."),
    )
    claims = [claim for line in range(6) for claim in self_introduction(said, line)]
    assert names(claims) == [
        ("A", "Tyler Baldwin"),
        ("B", "Council Member Gale Brewer"),
        ("C", "Peter Estes"),
        ("E", "Maria Torres"),
    ]
    assert (claims[-1].role, claims[-1].organization) == ("Resident of Sunset Park", None)


def test_agency_witness_role_and_organization_from_their_own_words() -> None:
    said = view(
        ("W", "Good morning, I'm Michael Gerber, Deputy Commissioner for Legal Matters at the "
              "New York City Police Department."),
    )  # fmt: skip
    (claim,) = self_introduction(said, 0)
    assert claim.mention.name == "Michael Gerber"
    assert claim.role == "Deputy Commissioner for Legal Matters"
    assert claim.organization == "New York City Police Department"


def test_chair_opening() -> None:
    said = view(
        ("C", "Good morning, I'm Council Member Pierina Sanchez, chair of the Committee on "
              "Housing and Buildings."),
    )  # fmt: skip
    (claim,) = chair_opening(said, 0)
    assert claim.cue is Cue.CHAIR_OPENING and claim.role == "Chair"
    assert claim.organization == "Committee on Housing and Buildings"


def test_thanks_names_who_just_spoke() -> None:
    # Oakland City Council special meeting (public comment), re-cased.
    said = view(
        ("CLERK", "We have Ms. Olugbala, good morning, please unmute, you may begin."),
        *statement("SPEAKER_7"),
        ("CHAIR", "Thank you, Ms. Olugbala."),
        ("CHAIR", "Blair?"),
    )
    (claim,) = thanks_previous(said, 5)
    assert (claim.label, claim.mention.name, claim.cue) == (
        "SPEAKER_7",
        "Olugbala",
        Cue.THANKS_PREVIOUS,
    )


def test_a_roster_name_inside_someone_elses_sentence_names_nobody() -> None:
    said = view(
        *statement("A"),
        ("B", "As Council Member Brewer said, the agency has not answered our letters."),
        ("B", "I agree with what Council Member Brewer said earlier about the backlog."),
        *statement("B"),
    )
    assert all_claims(said) == []


def test_handoff_names_the_next_speaker_holding_the_floor() -> None:
    said = view(
        ("CHAIR", "Council Member Restler, you have the floor."),
        ("AUDIENCE", "Yes."),  # a crumb, not the next speaker
        *statement("RESTLER", 2),
        ("CHAIR", "Thank you. Next up is Robert Fanuzzi, followed by Claudia Valentino."),
        ("HOST", "Robert, you can unmute now."),
        *statement("FANUZZI", 2),
    )
    assert names(handoff_next(said, 0)) == [("RESTLER", "Council Member Restler")]
    # only the first name: whoever is "to be followed" may not be there yet
    assert names(handoff_next(said, 4)) == [("FANUZZI", "Robert Fanuzzi")]


def test_pass_it_to_the_chair() -> None:
    said = view(("CLERK", "I'll pass it to the chair."), *statement("CHAIR", 2))
    (claim,) = handoff_next(said, 0)
    assert claim.label == "CHAIR" and claim.mention.title == "Chair" and not claim.mention.name


def test_a_call_nobody_answers_is_dropped() -> None:
    said = view(
        ("CHAIR", "Let's move on to Julian Hirsch."),
        ("HOST", "Julian is not in the Zoom."),
        ("CHAIR", "Sanford Miller."),
        ("HOST", "Sanford is in the Zoom, and we're promoting."),
        *statement("MILLER", 2),
    )
    assert handoff_next(said, 0) == []
    assert all(claim.mention.name != "Julian Hirsch" for claim in all_claims(said))


def test_panel_callout_names_the_next_new_labels_in_order() -> None:
    said = view(
        *statement("CHAIR", 1),
        ("CHAIR", "The next panel: Ana Ruiz, Ben Okafor and Carla Mendes."),
        *statement("CHAIR", 1),  # the chair goes on: not new
        *statement("RUIZ", 2),
        *statement("OKAFOR", 2),
        *statement("MENDES", 2),
    )
    assert names(panel_callout(said, 1)) == [
        ("RUIZ", "Ana Ruiz"),
        ("OKAFOR", "Ben Okafor"),
        ("MENDES", "Carla Mendes"),
    ]


def test_roll_call() -> None:
    # Seattle City Council briefing, 2021-08-02, re-cased.
    said = view(
        ("CLERK", "Juarez?"), ("S1", "Here."),
        ("CLERK", "Lewis?"), ("S2", "Present."),
        ("CLERK", "Council President Gonzalez?"), ("S3", "Here."),
        ("CLERK", "Eight present."),
    )  # fmt: skip
    claims = [claim for line in range(len(said.lines)) for claim in roll_call(said, line)]
    assert [(c.label, c.mention.name, c.line) for c in claims] == [
        ("S1", "Juarez", 1),
        ("S2", "Lewis", 3),
        ("S3", "Gonzalez", 5),
    ]


def test_swearing_in_maps_each_i_do_to_the_witnesses_named() -> None:
    said = view(
        ("COUNSEL", "We will hear from Deputy Commissioner Michael Gerber and Director Ana Diaz."),
        ("COUNSEL", "Please raise your right hands."),
        ("COUNSEL", "Do you affirm to tell the truth, the whole truth and nothing but the truth "
                    "before this committee, and to respond honestly to council member questions?"),
        ("GERBER", "I do."),
        ("DIAZ", "I do."),
    )  # fmt: skip
    assert names(swearing_in(said, 2)) == [
        ("GERBER", "Deputy Commissioner Michael Gerber"),
        ("DIAZ", "Director Ana Diaz"),
    ]


def test_a_label_that_never_finishes_a_sentence_gives_no_claim() -> None:
    said = view(("A", "and I think that's a"), ("B", "my name is"), ("A", "the whole"))
    assert all_claims(said) == []
