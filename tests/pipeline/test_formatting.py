"""Times, lengths and video links as a published page shows them."""

from __future__ import annotations

from pipeline.formatting import (
    chapter_heading,
    hearing_length,
    public_video_url,
    short_clock,
    video_at,
)


def test_video_links_point_at_the_second() -> None:
    assert video_at("https://example.org/a.mp4", 8948.7) == "https://example.org/a.mp4#t=8948"
    assert video_at("https://www.youtube.com/watch?v=abc&t=5s", 61) == (
        "https://www.youtube.com/watch?v=abc&t=61s"
    )
    assert video_at("https://youtu.be/abc", 3) == "https://youtu.be/abc?t=3s"


def test_only_web_addresses_are_public() -> None:
    for url in ["javascript:alert(1)", "/home/editor/meeting.mp4", "file:///x.mp4", "", None]:
        assert public_video_url(url) is None
        assert video_at(url, 10) is None
    assert public_video_url("HTTPS://example.org/v.mp4") == "HTTPS://example.org/v.mp4"


def test_headings_and_lengths_read_as_people_say_them() -> None:
    assert chapter_heading("qa", 8946.2, 9072.4) == "Q&A · 2:29:06 · 126 sec"
    assert chapter_heading("made_up_kind", 0, 5) == "made_up_kind · 0:00:00 · 5 sec"
    assert [short_clock(0), short_clock(59), short_clock(754), short_clock(8946)] == [
        "0:00", "0:59", "12:34", "2:29:06",
    ]  # fmt: skip
    assert [hearing_length(None), hearing_length(2880), hearing_length(9148.5)] == [
        "", "48 min", "2 h 32 min",
    ]  # fmt: skip
