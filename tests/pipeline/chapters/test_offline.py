"""The offline chapterer finds topic shifts and writes from the hearing's own words."""

from __future__ import annotations

from pipeline.chapters.offline import chapter_offline, describe_length, monologue_kind
from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.render import SpeakerDirectory
from pipeline.schemas import ChapterKind, check_tiling
from tests.pipeline.chapters.synthetic import synthetic_hearing


def test_offline_chapters_find_the_sections() -> None:
    hearing = synthetic_hearing(hours=1.0, section_minutes=6.0)
    lines = hearing.lines.lines
    chapters = chapter_offline(
        lines, SpeakerDirectory.from_identities(hearing.speakers), ChapteringOptions()
    )
    check_tiling(chapters.chapters, len(lines))
    found = [chapter.start_line for chapter in chapters.chapters]
    near = [start for start in hearing.starts if any(abs(start - f) <= 2 for f in found)]
    assert len(near) >= 0.8 * len(hearing.starts), (found, hearing.starts)
    assert len(found) <= 1.5 * len(hearing.starts)
    for chapter in chapters.chapters:
        assert chapter.provenance.generator == "offline"
        assert chapter.title and chapter.summary
        chapter_words = " ".join(
            line.text for line in lines[chapter.start_line : chapter.stop_line]
        )
        assert all(bullet.rstrip(" …") in chapter_words for bullet in chapter.bullets)
    testimony = [c for c in chapters.chapters if c.kind is ChapterKind.PUBLIC_TESTIMONY]
    assert any(c.title.startswith("Testimony from Maria Lopez (Tenants United)") for c in testimony)
    assert chapters.summary.startswith(f"A 60-minute hearing in {len(found)} chapters.")
    assert chapters.chapters[0].kind is ChapterKind.OPENING_REMARKS


def test_long_sections_are_split_and_labels_stand_in_for_names() -> None:
    hearing = synthetic_hearing(hours=0.5, section_minutes=15.0)
    lines = hearing.lines.lines
    options = ChapteringOptions(max_chapter_seconds=300)
    chapters = chapter_offline(lines, SpeakerDirectory.from_identities(None), options)
    check_tiling(chapters.chapters, len(lines))
    for chapter in chapters.chapters:
        seconds = lines[chapter.stop_line - 1].end - lines[chapter.start_line].start
        assert seconds <= 300
    assert any("SPEAKER_0" in chapter.title for chapter in chapters.chapters)


def test_who_speaks_decides_a_monologue_kind() -> None:
    assert monologue_kind("Chair", "NYC Council") is ChapterKind.REMARKS
    assert monologue_kind("Deputy Commissioner", "Department of Transportation") is (
        ChapterKind.AGENCY_TESTIMONY
    )
    assert monologue_kind("Member of the Public", "") is ChapterKind.PUBLIC_TESTIMONY


def test_hearing_length_reads_naturally() -> None:
    assert describe_length(61.2, 1) == "A 1-minute hearing in 1 chapter."
    assert describe_length(2700, 6) == "A 45-minute hearing in 6 chapters."
    assert describe_length(11520, 40) == "A 3.2-hour hearing in 40 chapters."


def test_an_empty_hearing_has_no_chapters() -> None:
    chapters = chapter_offline([], SpeakerDirectory.from_identities(None), ChapteringOptions())
    assert chapters.chapters == [] and chapters.line_count == 0
