"""What people say that tells who is speaking: one small function per cue.

Each cue reads one line (with the turns around it) and returns claims "label L is the person
named M", with the line that says so as evidence. A cue only fires on its own phrasing, at
its own place in the sentence: "as Council Member Brewer said" names nobody, while "Thank
you, Council Member Brewer" at the start of a turn names the one who just spoke.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pipeline.speakers.mentions import Mention, full_names_inside, leading_name, names_in_list
from pipeline.speakers.names import fold
from pipeline.speakers.turns import Transcript


class Cue(StrEnum):
    SELF_INTRODUCTION = "self_introduction"
    CHAIR_OPENING = "chair_opening"
    THANKS_PREVIOUS = "thanks_previous"
    HANDOFF_NEXT = "handoff_next"
    PANEL = "panel"
    ROLL_CALL = "roll_call"
    SWEARING_IN = "swearing_in"


@dataclass(frozen=True)
class Claim:
    """`label` is the person `mention` names, says line `line`; from line `anchor` on (the
    start of the turn the claim is about) the label is that person."""

    label: str
    mention: Mention
    cue: Cue
    line: int
    role: str | None = None
    organization: str | None = None
    anchor: int = -1

    @property
    def speaking_from(self) -> int:
        return self.line if self.anchor < 0 else self.anchor


SELF_NAME = re.compile(
    r"(?:\bmy name is|(?:^|[,.]\s|\band\s|\bhi\s|\bhello\s|\bmorning\s|\bafternoon\s|\bevening\s)"
    r"\s*(?:I'm|I am|this is))\s+(?P<rest>.+)",
    re.IGNORECASE,
)
CHAIR_OF = re.compile(
    r"\b(?:the\s+)?(?:co-?)?chair(?:person|woman|man)?\s+of\s+(?:the\s+)?(?P<body>.+)", re.I
)
ROLE_AT = re.compile(
    r"^,?\s*(?:and\s+)?(?:I'm\s+|I am\s+)?(?:the\s+|a\s+|an\s+)?(?P<role>[A-Z][^,.]*?)"
    r"\s+(?:at|with|from|of)\s+(?:the\s+)?(?P<org>[A-Z][^,.]*)"
)
LIVE_IN = re.compile(r"\bI live in\s+(?P<place>[A-Z][^,.]*)")
THANKS = re.compile(
    r"^(?:okay[,.]?\s+|great[,.]?\s+)?(?:thank you|thanks)(?:\s+(?:so|very)\s+much)?,?\s+(?:to\s+)?"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
FLOOR_GIVEN = re.compile(
    r"^(?P<who>[^,]+?),?\s+you (?:have the floor|may (?:begin|proceed|start)|can (?:begin|start|"
    r"go ahead)|are recognized)",
    re.IGNORECASE,
)
CALLED_NEXT = re.compile(
    r"\b(?:next (?:up )?(?:is|we(?:'ll| will) (?:hear|have)(?: from)?|speaker is)|next up,|"
    r"we(?:'ll| will) (?:now )?hear from|I (?:now )?recognize|"
    r"(?:we are|we're) (?:now )?joined (?:on zoom |here |in the room )?by|"
    r"(?:let's|let me|I'm going to|I am going to) (?:now )?(?:go|move on|move|turn)"
    r"(?: now)?(?: on)? to|"
    r"(?:I believe )?we (?:now )?have(?=\s+(?:council|counsel|commissioner|borough|mr|ms|dr)\b)|"
    r"I(?:'ll| will) (?:now )?(?:pass|turn|hand)(?: it)?(?: over)?(?: back)? to|"
    r"I(?:'d| would) (?:now )?like to (?:call(?: up)?|recognize|welcome)|"
    r"(?:I'm going to|I am going to|I will|I'll|let me|let's) (?:now )?call(?: up| on)?)"
    r"\s+(?P<rest>.+)",
    re.IGNORECASE,
)
PANEL_CALLED = re.compile(
    r"\bnext panel(?: will be| is| includes)?(?:\s*:|,)?\s+(?:of\s+)?(?P<rest>[A-Z].+)", re.I
)
ANSWERS_PRESENT = re.compile(
    r"^(?:present|here|yes|aye|no|nay|I|I do|abstain)\b[.!?]?$", re.IGNORECASE
)
OATH = re.compile(r"\b(?:affirm|swear) to tell the truth", re.IGNORECASE)
OATH_ANSWER = re.compile(r"^(?:I do|yes|I will|I affirm|I swear)\b", re.IGNORECASE)
OATH_NAMES_BACK = 6
FOLLOWED_BY = re.compile(r"\b(?:followed by|to follow|after (?:that|them|him|her))\b", re.I)
CHAIR_ONLY = Mention(name="", title="Chair")


def self_introduction(transcript: Transcript, line: int) -> list[Claim]:
    """'My name is A B', 'Good morning, I'm Council Member B', 'This is A B': the speaker."""
    text = transcript.lines[line].text
    match = SELF_NAME.search(text)
    mention = leading_name(match["rest"]) if match else None
    if mention is None or (mention.title is None and len(mention.name.split()) < 2):
        return []
    after = match["rest"][len(mention.full) :] if match else ""
    role, organization = role_and_organization(after)
    chair = CHAIR_OF.search(after)
    cue = Cue.CHAIR_OPENING if chair else Cue.SELF_INTRODUCTION
    if chair:
        role, organization = "Chair", chair["body"].strip(" .")
    label = transcript.lines[line].speaker_label
    return [Claim(label, mention, cue, line, role, organization)]


def role_and_organization(text: str) -> tuple[str | None, str | None]:
    """', Deputy Commissioner for Policy at the Department of Buildings' → (role, org)."""
    match = ROLE_AT.search(text)
    if match:
        return match["role"].strip(), match["org"].strip()
    lives = LIVE_IN.search(text)
    return (f"Resident of {lives['place'].strip()}", None) if lives else (None, None)


def chair_opening(transcript: Transcript, line: int) -> list[Claim]:
    """'I'm Council Member X, chair of the Committee on …' in a hearing's first lines."""
    return [c for c in self_introduction(transcript, line) if c.cue is Cue.CHAIR_OPENING]


def thanks_previous(transcript: Transcript, line: int) -> list[Claim]:
    """'Thank you, Council Member X' opening a turn names the one who just spoke."""
    turn = transcript.turn_at(line)
    if line > turn.start + 1:
        return []
    match = THANKS.match(transcript.lines[line].text)
    mention = leading_name(match["rest"]) if match else None
    if mention is None or (not mention.title and len(mention.name.split()) < 2):
        return []
    previous = transcript.previous_speaker(line)
    if previous is None:
        return []
    return [Claim(previous.label, mention, Cue.THANKS_PREVIOUS, line, anchor=previous.start)]


def handoff_next(transcript: Transcript, line: int) -> list[Claim]:
    """'X, you have the floor', 'Next up is X', 'I'll pass it to the chair': the next speaker."""
    text = transcript.lines[line].text
    floor = FLOOR_GIVEN.match(text)
    mentions: list[Mention] = []
    if floor:
        mention = leading_name(floor["who"])
        mentions = [mention] if mention else []
    elif called := CALLED_NEXT.search(text):
        mentions = names_in_list(called["rest"])[:1] or _chair_if_named(called["rest"])
    if not mentions:
        return []
    # Only the first name: whoever was "to be followed by" may be absent or step up later.
    speakers = transcript.next_speakers(line)
    if not speakers or called_someone_else(transcript, line, speakers[0].start, mentions[0]):
        return []
    return [Claim(speakers[0].label, mentions[0], Cue.HANDOFF_NEXT, line, anchor=speakers[0].start)]


def called_someone_else(transcript: Transcript, line: int, until: int, called: Mention) -> bool:
    """Whether the caller names someone else before the next speaker starts ('Julian is not
    here … Arlo Chase. … Sanford Miller.'): the first call then went unanswered."""
    caller = transcript.lines[line].speaker_label
    said = set(fold(called.name).split())
    for later in transcript.lines[line + 1 : until]:
        if later.speaker_label != caller or FOLLOWED_BY.search(later.text):
            continue
        named = full_names_inside(later.text)
        bare = leading_name(later.text)
        alone = bare is not None and bare.full.strip() == later.text.strip(" .?!")
        if bare and alone and (bare.title or len(bare.name.split()) >= 2):
            named.append(bare.name)
        if any(set(fold(name).split()) - said for name in named):
            return True
    return False


def _chair_if_named(text: str) -> list[Mention]:
    return [CHAIR_ONLY] if re.match(r"^(?:the\s+|our\s+)?chair\b", text, re.IGNORECASE) else []


def panel_callout(transcript: Transcript, line: int) -> list[Claim]:
    """'The next panel: A, B and C' → the next new labels to hold the floor, in order."""
    match = PANEL_CALLED.search(transcript.lines[line].text)
    mentions = names_in_list(match["rest"]) if match else []
    mentions = [m for m in mentions if len(m.name.split()) >= 2 or m.title]
    if len(mentions) < 2:
        return []
    speakers = transcript.next_speakers(line, count=len(mentions), new_only=True)
    return [
        Claim(turn.label, mention, Cue.PANEL, line, anchor=turn.start)
        for mention, turn in zip(mentions, speakers, strict=False)
    ]


def roll_call(transcript: Transcript, line: int) -> list[Claim]:
    """'Council Member X?' then another label's 'Present.' names that label."""
    current = transcript.lines[line]
    text = current.text.strip()
    if len(text.split()) > 5 or line + 1 >= len(transcript.lines):
        return []
    mention = leading_name(text)
    if mention is None or len(mention.full) < len(text.rstrip("?.!,").strip()):
        return []
    answer = transcript.lines[line + 1]
    if answer.speaker_label == current.speaker_label or not ANSWERS_PRESENT.match(
        answer.text.strip()
    ):
        return []
    return [Claim(answer.speaker_label, mention, Cue.ROLL_CALL, line + 1)]


def swearing_in(transcript: Transcript, line: int) -> list[Claim]:
    """Counsel names the witnesses, asks 'Do you affirm to tell the truth …?'; each 'I do'
    (by a new label, in order) is the next witness named."""
    if not OATH.search(transcript.lines[line].text):
        return []
    counsel = transcript.lines[line].speaker_label
    named: list[Mention] = []
    for earlier in transcript.lines[max(0, line - OATH_NAMES_BACK) : line + 1]:
        if earlier.speaker_label == counsel:
            named.extend(m for m in _titled_names(earlier.text) if m not in named)
    answers: list[tuple[str, int]] = []
    for later in transcript.lines[line + 1 : line + 1 + 2 * max(1, len(named))]:
        labels = {label for label, _ in answers}
        fresh = later.speaker_label != counsel and later.speaker_label not in labels
        if fresh and OATH_ANSWER.match(later.text.strip()):
            answers.append((later.speaker_label, later.index))
    if len(answers) != len(named):
        return []
    return [
        Claim(label, mention, Cue.SWEARING_IN, index)
        for mention, (label, index) in zip(named, answers, strict=True)
    ]


TITLED = re.compile(
    r"\b(?:Deputy |Assistant |First Deputy )?(?:Commissioner|Director|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|"
    r"Chief|Counsel|President)\s+[A-Z][^\s,.?]+(?:\s+[A-Z][^\s,.?]+)?"
)


def _titled_names(text: str) -> list[Mention]:
    found = [leading_name(match.group(0)) for match in TITLED.finditer(text)]
    return [mention for mention in found if mention is not None and mention.name]


CUES = (
    self_introduction,
    thanks_previous,
    handoff_next,
    panel_callout,
    roll_call,
    swearing_in,
)


def all_claims(transcript: Transcript) -> list[Claim]:
    """Every cue on every line (chair openings come out of self-introductions)."""
    return [
        claim
        for line in range(len(transcript.lines))
        for cue in CUES
        for claim in cue(transcript, line)
    ]
