"""One source, one slug: the folder name of a hearing, the same on every path.

A Legistar hearing is named by discovery from its date, time and body
("2024-10-01-1000-am-committee-on-finance"). A Viebit video names itself
("NYCC-PV-CH-COM_241001-100512.mp4": room code, date, time), the same behind its page URL
and its direct MP4 URL, so both give "2024-10-01-1005-am-nycc-pv-ch-com". Any other URL or
file is its readable name plus a short hash of the whole source, so two files called
`meeting.mp4` never share a folder.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

from pipeline.artifacts import slugify

SOURCE_NAME_LENGTH = 60
SLUG_BODY_LENGTH = 150
VIEBIT_FILE = re.compile(r"^(?P<code>[A-Za-z0-9-]+?)_(?P<day>\d{6})-(?P<clock>\d{6})$")


def dated_slug(day: date, clock: time | None, body: str) -> str:
    """'2024-10-22-0930-am-subcommittee-on-zoning-and-franchises' (no time part if unknown)."""
    body = slugify(body.replace("&", " and "), SLUG_BODY_LENGTH)
    if clock is None:
        return f"{day.isoformat()}-{body}"
    half = "am" if clock.hour < 12 else "pm"
    return f"{day.isoformat()}-{clock.hour % 12 or 12:02d}{clock.minute:02d}-{half}-{body}"


def source_name(source: str) -> str:
    """The name a source goes by: a `v=` file or video id, else the last path part's stem."""
    parts = urlsplit(source)
    query_name = parse_qs(parts.query).get("v", [""])[0].strip()
    return PurePosixPath(query_name or parts.path).stem or parts.netloc


def viebit_recording(source: str) -> re.Match[str] | None:
    """The parts of a Viebit recording's name, when `source` is a URL naming one."""
    if "://" not in source:
        return None
    return VIEBIT_FILE.match(source_name(source))


def slug_for_source(source: str) -> str:
    """The slug of a URL or (absolute, normalized) file path."""
    recording = viebit_recording(source)
    if recording is not None:
        try:
            held = datetime.strptime(recording["day"] + recording["clock"], "%y%m%d%H%M%S")
            return dated_slug(held.date(), held.time(), recording["code"])
        except ValueError:
            pass  # not a date after all: named like any other source
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:8]
    return f"{slugify(source_name(source), SOURCE_NAME_LENGTH)}-{digest}"
