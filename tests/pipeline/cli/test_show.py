"""`hearings show` prints a stored hearing the way a chapter page reads."""

from __future__ import annotations

from typer.testing import CliRunner

from models import Chapter, Hearing, Speaker, TranscriptLine
from models.db import make_engine, make_session_factory, transaction
from pipeline.cli import app
from pipeline.cli.show_command import clock
from pipeline.config import get_settings

runner = CliRunner()


def _store_seed_hearing() -> None:
    engine = make_engine(get_settings().effective_database_url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    with transaction(make_session_factory(engine)) as session:
        hearing = Hearing(slug="2024-10-22-1000-am-technology", title="Committee on Technology")
        hearing.speakers.append(
            Speaker(label="SPEAKER_03", display_name="Jennifer Gutiérrez", role="Chair")
        )
        hearing.lines.extend(
            TranscriptLine(
                line_index=index, speaker_label=label, start=start, end=start + 5, text=text
            )
            for index, (label, start, text) in enumerate(
                [
                    ("SPEAKER_03", 8946.0, "Thank you for your testimony."),
                    ("SPEAKER_03", 8948.0, "I have just one more question."),
                    ("SPEAKER_07", 9067.0, "We will follow up with the committee."),
                ]
            )
        )
        hearing.chapters.append(
            Chapter(
                position=0, kind="qa", title="Follow-up on the MyCity portal", summary="Why.",
                bullets=["Costs", "Timeline", "Staffing"], start_line=0, stop_line=3,
                start=8946.0, end=9072.0, generator="offline",
            )
        )  # fmt: skip
        session.add(hearing)


def test_show_prints_chapter_pages_with_speakers_and_times() -> None:
    _store_seed_hearing()
    result = runner.invoke(app, ["show", "2024-10-22-1000-am-technology", "--lines"])
    assert result.exit_code == 0, result.output
    assert "Q&A · 2:29:06 · 126 sec" in result.output
    assert "Follow-up on the MyCity portal" in result.output
    assert "• Timeline" in result.output
    assert "Jennifer Gutiérrez 2:29:08 I have just one more question." in result.output
    assert "SPEAKER_07 2:31:07" in result.output


def test_show_without_lines_and_unknown_slug() -> None:
    _store_seed_hearing()
    brief = runner.invoke(app, ["show", "2024-10-22-1000-am-technology"])
    assert "Q&A · 2:29:06" in brief.output
    assert "one more question" not in brief.output
    missing = runner.invoke(app, ["show", "no-such-hearing"])
    assert missing.exit_code == 1
    assert "no hearing 'no-such-hearing'" in missing.output


def test_clock_formats_hours_minutes_seconds() -> None:
    assert [clock(0), clock(59.9), clock(8946.2), clock(36000)] == [
        "0:00:00", "0:00:59", "2:29:06", "10:00:00",
    ]  # fmt: skip
