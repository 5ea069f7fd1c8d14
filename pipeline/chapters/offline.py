"""The offline chapterer: no API key, no network, and the baseline an LLM must beat.

Boundaries come from TextTiling-style topic shifts (see segmentation.py); kinds from who
speaks and how; titles, summaries and bullets are extracted, not written: the most
central sentences of a chapter and its most distinctive words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.people import chapter_people
from pipeline.chapters.render import SpeakerDirectory, shorten
from pipeline.chapters.segmentation import (
    PROCEDURAL_CUE,
    TermWeights,
    best_split,
    content_words,
    gap_scores,
)
from pipeline.chapters.tiling import Proposal, Span, enforce_invariants
from pipeline.schemas import Chapter, ChapterKind, Chapters, Line, Provenance

OFFLINE_GENERATOR = "offline"
OFFLINE_VERSION = "offline.v1"

VOTE_CUE = re.compile(r"\b(aye|nay|abstain|roll call vote|the vote is|motion carries)\b", re.I)
AGENCY_ORGANIZATION = re.compile(
    r"\b(department|agency|administration|authority|office of|mayor|nypd|fdny|dot|hpd|dcp)\b",
    re.I,
)
PRESIDING_ROLE = re.compile(r"\b(chair|council ?member|speaker|public advocate|president)\b", re.I)
BODY_ROLE = re.compile(r"\b(commissioner|secretary|counsel|clerk)\b", re.I)


def offline_proposals(
    lines: Sequence[Line], weights: TermWeights, min_seconds: float, threshold_sigmas: float
) -> list[Proposal]:
    """Chapter starts at the strongest gaps, no two closer than `min_seconds`."""
    scores = gap_scores(lines, weights)
    if scores.size == 0:
        return [Proposal(0, ChapterKind.OTHER)] if lines else []
    threshold = float(scores.mean() + threshold_sigmas * scores.std())
    starts: list[int] = [0]
    for gap_index in np.argsort(-scores, kind="stable"):
        if scores[gap_index] < threshold:
            break
        start = int(gap_index) + 1
        if all(abs(lines[start].start - lines[other].start) >= min_seconds for other in starts):
            starts.append(start)
    return [Proposal(start, ChapterKind.OTHER) for start in sorted(starts)]


def speaker_shares(lines: Sequence[Line]) -> Counter[str]:
    words: Counter[str] = Counter()
    for line in lines:
        words[line.speaker_label] += len(line.text.split())
    return words


def classify(span: Span, lines: Sequence[Line], speakers: SpeakerDirectory) -> ChapterKind:
    """A kind from the chapter's speakers and phrasing."""
    part = lines[span.start_line : span.stop_line]
    text = " ".join(line.text for line in part)
    shares = speaker_shares(part)
    total = sum(shares.values()) or 1
    dominant, dominant_words = shares.most_common(1)[0]
    if len(VOTE_CUE.findall(text)) >= 3:
        return ChapterKind.VOTE
    if span.start_line == 0:
        return ChapterKind.OPENING_REMARKS  # a hearing opens with the chair's remarks
    if dominant_words / total >= 0.7:
        return monologue_kind(speakers.role(dominant) or "", speakers.organization(dominant) or "")
    if text.count("?") >= 3 and len(shares) >= 2:
        return ChapterKind.QA
    if total < 150 and PROCEDURAL_CUE.search(text):
        return ChapterKind.PROCEDURE
    return ChapterKind.OTHER


def monologue_kind(role: str, organization: str) -> ChapterKind:
    """What one person speaking at length is doing, judged from who they are."""
    if PRESIDING_ROLE.search(role):
        return ChapterKind.REMARKS
    if AGENCY_ORGANIZATION.search(organization) and "council" not in organization.lower():
        return ChapterKind.AGENCY_TESTIMONY
    if BODY_ROLE.search(role):
        return ChapterKind.REMARKS
    return ChapterKind.PUBLIC_TESTIMONY


def keywords(part: Sequence[Line], weights: TermWeights, count: int = 3) -> list[str]:
    frequency = Counter(word for line in part for word in content_words(line.text))
    scored = {
        word: times * float(weights.idf[weights.vocabulary[word]])
        for word, times in frequency.items()
        if word in weights.vocabulary
    }
    return sorted(scored, key=lambda word: -scored[word])[:count]


def central_lines(part: Sequence[Line], rows: np.ndarray, min_words: int = 6) -> list[Line]:
    """The chapter's lines, most typical of the chapter first."""
    centroid = rows.sum(axis=0)
    centrality = rows @ centroid
    order = np.argsort(-centrality, kind="stable")
    return [part[i] for i in order if len(part[i].text.split()) >= min_words]


def offline_title(kind: ChapterKind, part: Sequence[Line], speakers: SpeakerDirectory) -> str:
    ranked = [label for label, _ in speaker_shares(part).most_common(2)]
    if kind in (ChapterKind.PUBLIC_TESTIMONY, ChapterKind.AGENCY_TESTIMONY):
        organization = speakers.organization(ranked[0])
        witness = speakers.name(ranked[0])
        return f"Testimony from {witness}" + (f" ({organization})" if organization else "")
    if kind is ChapterKind.QA and len(ranked) == 2:
        return f"Q&A: {speakers.name(ranked[0])} and {speakers.name(ranked[1])}"
    return kind.label


def write_offline(
    span: Span, lines: Sequence[Line], speakers: SpeakerDirectory, weights: TermWeights
) -> tuple[str, str, list[str]]:
    """Title, summary and bullets taken from the chapter's own words."""
    part = lines[span.start_line : span.stop_line]
    terms = keywords(part, weights)
    title = offline_title(span.kind, part, speakers)
    if terms:
        title += " on " + ", ".join(terms)
    ranked = central_lines(part, weights.rows[span.start_line : span.stop_line]) or list(part)
    in_order = sorted(ranked[:2], key=lambda line: line.index)
    summary = " ".join(shorten(line.text, 40) for line in in_order)
    bullets = [shorten(line.text, 25) for line in sorted(ranked[2:6], key=lambda line: line.index)]
    return title, summary, bullets


def describe_length(seconds: float, chapter_count: int) -> str:
    """'A 45-minute hearing in 6 chapters.' or 'A 3.2-hour hearing in 1 chapter.'"""
    span = (
        f"{seconds / 3600:.1f}-hour" if seconds >= 3600 else f"{max(1, round(seconds / 60))}-minute"
    )
    return f"A {span} hearing in {chapter_count} chapter{'s' if chapter_count != 1 else ''}."


def offline_hearing_summary(
    chapters: Sequence[Chapter],
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    weights: TermWeights,
) -> str:
    seconds = lines[-1].end - lines[0].start if lines else 0.0
    topics = keywords(lines, weights, count=5)
    witnesses = [
        speakers.name(speaker_shares(lines[c.start_line : c.stop_line]).most_common(1)[0][0])
        for c in chapters
        if c.kind in (ChapterKind.PUBLIC_TESTIMONY, ChapterKind.AGENCY_TESTIMONY)
    ]
    sentences = [describe_length(seconds, len(chapters))]
    if topics:
        sentences.append("Discussions focused on " + ", ".join(topics) + ".")
    if witnesses:
        named = list(dict.fromkeys(witnesses))
        more = f" and {len(named) - 5} others" if len(named) > 5 else ""
        sentences.append("Features testimony from " + ", ".join(named[:5]) + more + ".")
    return " ".join(sentences)


def offline_chapter(
    span: Span, lines: Sequence[Line], speakers: SpeakerDirectory, weights: TermWeights
) -> Chapter:
    """One chapter of `span`, written from its own words and marked as the offline writer's."""
    title, summary, bullets = write_offline(span, lines, speakers, weights)
    return Chapter(
        start_line=span.start_line,
        stop_line=span.stop_line,
        kind=span.kind,
        title=title,
        summary=summary,
        bullets=bullets,
        people=chapter_people(span.kind, lines[span.start_line : span.stop_line], speakers),
        provenance=Provenance(generator=OFFLINE_GENERATOR, prompt_version=OFFLINE_VERSION),
    )


def chapter_offline(
    lines: Sequence[Line], speakers: SpeakerDirectory, options: ChapteringOptions
) -> Chapters:
    """Chapters for a hearing with no LLM at all."""
    weights = TermWeights.of(lines)
    proposals = offline_proposals(
        lines, weights, options.min_chapter_seconds, options.offline_threshold_sigmas
    )
    spans = enforce_invariants(
        proposals,
        lines,
        max_seconds=options.max_chapter_seconds,
        min_seconds=options.min_chapter_seconds,
        choose_split=best_split,
    )
    chapters = [
        offline_chapter(
            replace(span, kind=classify(span, lines, speakers)), lines, speakers, weights
        )
        for span in spans
    ]
    summary = offline_hearing_summary(chapters, lines, speakers, weights)
    return Chapters(line_count=len(lines), chapters=chapters, summary=summary)
