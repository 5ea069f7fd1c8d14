"""`hearings publish`: the static site, rebuilt incrementally, one hearing folder at a time.

Each published hearing becomes a folder named by its stable slug. A hearing is rendered
again only when what its pages show (or a template) changed, into a hidden staging folder
that then replaces the live one by rename, so a reader never sees half a hearing. The
index, the feed and the schema are rewritten every run (they are small); a hearing no
longer published leaves the site, and the search index follows what was published.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Hearing, HearingPage
from models.db import transaction
from pipeline.publish import render
from pipeline.publish.document import SCHEMA_FILE, HearingDocument, build_document, schema_json
from pipeline.publish.files import captions_vtt, chapters_txt
from pipeline.publish.paths import inside, remove_folder, staging_folder, swap_in, write_text
from pipeline.publish.slugs import chapter_slug, site_slug_for, title_slug
from pipeline.store.publication import (
    chapter_slugs,
    hearing_page,
    public_chapters,
    published_hearings,
    record_content,
    retired_chapter_slugs,
    transcript_rows,
)
from pipeline.store.search import refresh_search_index

MANIFEST = ".publish-manifest.json"
PUBLISHER_VERSION = "1"
LEFTOVER_PREFIXES = (".build-", ".old-")
LEFTOVER_AGE_SECONDS = 3600


@dataclass(frozen=True)
class PreparedHearing:
    hearing_id: int
    hearing_slug: str
    document: HearingDocument
    redirects: dict[str, str]  # chapter slug → where its page now lives
    fingerprint: str

    @property
    def page_slug(self) -> str:
        return self.document.hearing.slug


@dataclass
class PublishReport:
    out_dir: Path
    rendered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{len(self.rendered)} hearings rendered, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, in {self.out_dir}"
        )


def _redirects(hearing: Hearing, slugs: dict[int, str], retired: list[str]) -> dict[str, str]:
    """Old slugs lead to the hearing; a renamed chapter's new title slug leads to its page."""
    redirects = dict.fromkeys(retired, "../../")
    live = set(slugs.values())
    for chapter in public_chapters(hearing):
        wanted = title_slug(chapter.title)
        if wanted != slugs[chapter.id] and wanted not in live:
            redirects[wanted] = f"../{slugs[chapter.id]}/"
    return redirects


def prepare_hearing(
    session: Session, hearing: Hearing, templates: str, now: datetime
) -> PreparedHearing:
    page = hearing_page(session, hearing, site_slug_for(hearing), now)
    slugs = chapter_slugs(session, hearing, public_chapters(hearing), chapter_slug)
    document = build_document(hearing, transcript_rows(session, hearing.id), page.slug, slugs)
    redirects = _redirects(
        hearing, slugs, retired_chapter_slugs(session, hearing, set(slugs.values()))
    )
    fingerprint = hashlib.sha256(
        "\n".join(
            [PUBLISHER_VERSION, templates, document.content_json(), json.dumps(redirects)]
        ).encode()
    ).hexdigest()
    record_content(page, fingerprint, now)
    document = document.model_copy(
        update={"first_published": page.first_published_at, "updated": page.content_changed_at}
    )
    return PreparedHearing(hearing.id, hearing.slug, document, redirects, fingerprint)


def write_hearing_folder(out_dir: Path, prepared: PreparedHearing) -> None:
    live = inside(out_dir, prepared.page_slug)
    staging = staging_folder(out_dir, prepared.page_slug)
    document = prepared.document
    try:
        (staging / "index.html").write_text(render.render_hearing(document), encoding="utf-8")
        (staging / "hearing.json").write_text(document.model_dump_json(indent=1), encoding="utf-8")
        (staging / "captions.vtt").write_text(captions_vtt(document), encoding="utf-8")
        (staging / "chapters.txt").write_text(chapters_txt(document), encoding="utf-8")
        pages = {
            chapter.slug: render.render_chapter(document, position)
            for position, chapter in enumerate(document.chapters)
        }
        for slug, target in prepared.redirects.items():
            pages[slug] = render.render_redirect(target, document.hearing.title, "../../../")
        for slug, html in pages.items():
            folder = inside(staging, "chapter", slug)
            folder.mkdir(parents=True)
            (folder / "index.html").write_text(html, encoding="utf-8")
        swap_in(staging, live)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _read_manifest(out_dir: Path) -> dict[str, str]:
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return {str(key): str(value) for key, value in manifest.items()}


def _clear_leftovers(out_dir: Path) -> None:
    """Staging or retired folders a killed run left behind."""
    cutoff = time.time() - LEFTOVER_AGE_SECONDS
    for path in out_dir.iterdir():
        if path.name.startswith(LEFTOVER_PREFIXES) and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def write_site_files(
    out_dir: Path, documents: list[HearingDocument], base_url: str, now: datetime
) -> None:
    write_text(out_dir / "index.html", render.render_index(documents))
    write_text(out_dir / "feed.xml", render.render_feed(documents, base_url, now))
    write_text(out_dir / "style.css", render.STYLESHEET.read_text(encoding="utf-8"))
    write_text(out_dir / SCHEMA_FILE, schema_json())


def _refresh_search(
    factory: sessionmaker[Session], hearing_ids: set[int], removed: list[str]
) -> None:
    with transaction(factory) as session:
        if removed:
            pages = select(HearingPage.hearing_id).where(HearingPage.slug.in_(removed))
            hearing_ids |= set(session.scalars(pages))
        for hearing_id in sorted(hearing_ids):
            hearing = session.get(Hearing, hearing_id)
            if hearing is not None:
                refresh_search_index(session, hearing)


def _sync_folders(
    out_dir: Path,
    prepared: list[PreparedHearing],
    only: list[str] | None,
    manifest: dict[str, str],
    report: PublishReport,
) -> set[int]:
    """Write the hearings whose pages changed, remove those no longer published; updates
    `manifest` as it goes and returns the ids of the hearings written."""
    changed = set()
    for item in prepared:
        if only is not None and not {item.hearing_slug, item.page_slug} & set(only):
            continue
        live = out_dir / item.page_slug
        if manifest.get(item.page_slug) == item.fingerprint and live.is_dir():
            report.unchanged.append(item.page_slug)
            continue
        write_hearing_folder(out_dir, item)
        manifest[item.page_slug] = item.fingerprint
        report.rendered.append(item.page_slug)
        changed.add(item.hearing_id)
    for slug in sorted(set(manifest) - {item.page_slug for item in prepared}):
        remove_folder(inside(out_dir, slug))
        del manifest[slug]
        report.removed.append(slug)
    return changed


def publish_site(
    factory: sessionmaker[Session],
    out_dir: Path,
    *,
    only: list[str] | None = None,
    base_url: str = "",
) -> PublishReport:
    """Render published hearings (all, or the slugs in `only`) and drop unpublished ones."""
    now = datetime.now(UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(out_dir)
    templates = render.templates_fingerprint()
    with transaction(factory) as session:
        prepared = [
            prepare_hearing(session, hearing, templates, now)
            for hearing in published_hearings(session)
        ]
    manifest = _read_manifest(out_dir)
    report = PublishReport(out_dir)
    try:
        changed = _sync_folders(out_dir, prepared, only, manifest, report)
        write_site_files(out_dir, [item.document for item in prepared], base_url.rstrip("/"), now)
    finally:
        write_text(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    _refresh_search(factory, changed, report.removed)
    return report
