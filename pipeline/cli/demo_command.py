"""`hearings demo`: the bundled sample hearing through every stage on the embedded defaults.

SQLite under the data folder and Prefect's embedded server: nothing to set up. Each missing
model falls back (captions, caption speaker marks, offline chapterer) and says so.
"""

from __future__ import annotations

from pathlib import Path

from models.db import current_revision, describe_url, upgrade
from models.db import transaction as db_transaction
from pipeline.cli.common import console, engine_or_fail, fail, load_settings_or_fail, open_database
from pipeline.cli.show_command import show
from pipeline.sources.manual import manual_hearing
from pipeline.store.processing import ensure_manual_hearing

SAMPLE_MEDIA = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "samples"
    / "landmarks-2024-10-01"
    / "landmarks-2024-10-01.mp4"
)
SAMPLE_TITLE = "Subcommittee on Landmarks, Public Sitings and Dispositions (sample)"


def demo() -> None:
    """Run the bundled sample hearing through every stage (SQLite, local Prefect)."""
    settings = load_settings_or_fail()
    engine = engine_or_fail(settings)
    upgrade(engine)
    console.print(
        f"database {describe_url(settings.effective_database_url)} "
        f"at revision {current_revision(engine)}"
    )
    if not SAMPLE_MEDIA.is_file():
        fail(f"the bundled sample {SAMPLE_MEDIA} is missing")
    with db_transaction(open_database(settings)) as session:
        slug = ensure_manual_hearing(session, manual_hearing(str(SAMPLE_MEDIA), SAMPLE_TITLE)).slug

    from pipeline.cli.flow_commands import print_report, use_prefect_server

    use_prefect_server()
    from flows.process_hearing import process_hearing

    console.print(f"processing the sample hearing [bold]{slug}[/] (Prefect runs it locally)")
    report = process_hearing(slug)
    print_report(report)
    console.rule("the guide, as a reader sees it")
    show(slug, with_lines=True)
    folder = (settings.hearings_dir / slug).resolve()
    console.print(
        "\n[bold]Where to look[/]\n"
        f"  the guide (chapters, summaries):  hearings show {slug} --lines\n"
        "  stages, times and cost:           hearings status\n"
        f"  artifacts (source, audio, lines, speakers, chapters): {folder}"
    )
