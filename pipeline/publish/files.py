"""The plain files beside a hearing's pages: `captions.vtt` and `chapters.txt`."""

from __future__ import annotations

from html import escape

from webvtt import Caption, WebVTT

from pipeline.formatting import short_clock
from pipeline.publish.document import HearingDocument

MIN_CUE_SECONDS = 0.5


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _voice_name(name: str) -> str:
    """A voice annotation ends at '>' and cannot span lines: keep the name to one safe line."""
    return " ".join(name.replace(">", " ").replace("<", " ").replace("&", "and").split())


def captions_vtt(document: HearingDocument) -> str:
    """WebVTT with one cue per published line, `<v Name>` naming its speaker."""
    names = {speaker.label: speaker.display_name for speaker in document.speakers}
    captions = []
    for line in document.lines:
        end = max(line.end, line.start + MIN_CUE_SECONDS)
        voice = _voice_name(names.get(line.speaker_label, line.speaker_label))
        text = " ".join(escape(line.text, quote=False).split())
        captions.append(Caption(_vtt_time(line.start), _vtt_time(end), f"<v {voice}>{text}</v>"))
    return WebVTT(captions=captions).content


def chapters_txt(document: HearingDocument) -> str:
    """YouTube's chapter list ('0:00 Opening remarks'): it must begin at 0:00."""
    entries = [(chapter.start, " ".join(chapter.title.split())) for chapter in document.chapters]
    if entries:
        first_start, first_title = entries[0]
        if first_start < 1:
            entries[0] = (0.0, first_title)
        else:
            entries.insert(0, (0.0, "Start of the hearing"))
    return "".join(f"{short_clock(start)} {title}\n" for start, title in entries)
