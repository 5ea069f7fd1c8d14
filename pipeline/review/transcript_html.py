"""A chapter's transcript lines as HTML, built directly rather than by the template engine.

A six-hour hearing has about 5,000 lines; rendering each through Jinja2 cost more than the
page's whole time budget. The markup is fixed and every piece of text goes through
`markupsafe.escape`, exactly as the template's autoescaping would do it.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from pipeline.formatting import clock
from pipeline.store.review_queries import LineRow


def lines_html(
    lines: Sequence[LineRow], names: dict[str, str], previous_label: str | None = None
) -> Markup:
    """`<li>` per line; the speaker's name opens each turn (a change of speaker)."""
    parts = []
    for line in lines:
        label = line.speaker_label
        speaker = ""
        if label != previous_label:
            speaker = f'<span class="spk">{escape(names.get(label, label))}</span>'
            previous_label = label
        parts.append(
            f'<li class="line" id="line-{line.index:d}" data-start="{line.start!r}">'
            f'<span class="ts">{clock(line.start)}</span>{speaker}'
            f'<span class="text">{escape(line.text)}</span>'
            f'<span class="ln">{line.index:d}</span></li>'
        )
    return Markup("\n".join(parts))
