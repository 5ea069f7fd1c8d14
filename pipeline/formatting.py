"""How times, lengths, kinds and video links read to people, in every face (CLI, review app,
published site)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.schemas import ChapterKind

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}
WEB_SCHEMES = {"http", "https"}


def clock(seconds: float) -> str:
    """Seconds from the media start as H:MM:SS."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def short_clock(seconds: float) -> str:
    """YouTube's chapter-list form: M:SS under an hour, H:MM:SS from there."""
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}:{whole % 60:02d}"
    return clock(whole)


def kind_label(kind: str) -> str:
    try:
        return ChapterKind(kind).label
    except ValueError:
        return kind


def chapter_heading(kind: str, start: float, end: float) -> str:
    """'Q&A · 2:29:06 · 126 sec'."""
    return f"{kind_label(kind)} · {clock(start)} · {round(end - start)} sec"


def hearing_length(seconds: float | None) -> str:
    """'2 h 14 min', '48 min' or '' when unknown."""
    if not seconds:
        return ""
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def public_video_url(url: str | None) -> str | None:
    """Only web addresses are shown to readers: never a local path or another scheme."""
    if not url:
        return None
    return url if urlsplit(url).scheme.lower() in WEB_SCHEMES else None


def video_at(url: str | None, seconds: float) -> str | None:
    """The video at that second: YouTube's `t=` parameter, else a media fragment `#t=`."""
    url = public_video_url(url)
    if url is None:
        return None
    parts = urlsplit(url)
    second = int(seconds)
    if parts.hostname in YOUTUBE_HOSTS:
        query = [(key, value) for key, value in parse_qsl(parts.query) if key != "t"]
        return urlunsplit(parts._replace(query=urlencode([*query, ("t", f"{second}s")])))
    return urlunsplit(parts._replace(fragment=f"t={second}"))
