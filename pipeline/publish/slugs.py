"""The names pages are published under: '{date}-{time}-{body}' and the chapter's title."""

from __future__ import annotations

import re
import unicodedata

from models import Chapter, Hearing
from pipeline.artifacts import SLUG_PATTERN, slugify
from pipeline.sources.events import NEW_YORK

CHAPTER_SLUG_CHARS = 80
HEARING_SLUG_CHARS = 200
DATED_SLUG = re.compile(r"^\d{4}-\d{2}-\d{2}-")


def title_slug(title: str) -> str:
    """'Opening remarks by Chair Gutiérrez' → 'opening-remarks-by-chair-gutierrez'."""
    folded = unicodedata.normalize("NFKD", title)
    return slugify("".join(c for c in folded if not unicodedata.combining(c)), CHAPTER_SLUG_CHARS)


def chapter_slug(chapter: Chapter) -> str:
    return title_slug(chapter.title)


def site_slug_for(hearing: Hearing) -> str:
    """Legistar slugs already read '{date}-{time}-{body}'; other hearings get that form from
    their date and body when both are known, else a slug of their own."""
    if DATED_SLUG.match(hearing.slug) or not (hearing.scheduled_at and hearing.body_name):
        if SLUG_PATTERN.match(hearing.slug):
            return hearing.slug
        return slugify(hearing.slug, HEARING_SLUG_CHARS)
    local = hearing.scheduled_at.astimezone(NEW_YORK)
    return slugify(f"{local:%Y-%m-%d-%I%M-%p}-{hearing.body_name}", HEARING_SLUG_CHARS)
