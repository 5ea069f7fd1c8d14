"""`hearings demo`: the bundled sample hearing through every stage on the embedded defaults.

SQLite under the data folder and Prefect's embedded server: nothing to set up. Unless
HEARINGS_ASR__MODEL says otherwise, the recognizer is the bundled Whisper tiny.en (installed
with the project, no download); each other missing model falls back (the captions' speaker
marks, the offline chapterer) and says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from models.db import current_revision, describe_url, upgrade
from models.db import transaction as db_transaction
from pipeline.asr_model import BUNDLED_TINY_EN
from pipeline.cli.common import console, engine_or_fail, fail, load_settings_or_fail, open_database
from pipeline.cli.show_command import show
from pipeline.config import ENV_PREFIX, NESTED_DELIMITER, get_settings
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
    if "model" not in settings.asr.model_fields_set:
        # The flow's tasks read the settings themselves: hand them the bundled model.
        os.environ[f"{ENV_PREFIX}ASR{NESTED_DELIMITER}MODEL"] = BUNDLED_TINY_EN
        get_settings.cache_clear()
        console.print(f"speech model: {BUNDLED_TINY_EN} (set HEARINGS_ASR__MODEL for another)")
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
