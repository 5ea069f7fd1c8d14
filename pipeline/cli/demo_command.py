"""`hearings demo`: the main job on the embedded defaults and the bundled sample."""

from __future__ import annotations

from pipeline.cli.common import console, load_settings_or_fail

PLANNED_STAGES = (
    "acquire",
    "audio",
    "transcribe",
    "diarize",
    "attribute",
    "identify",
    "chapter",
    "store",
)


def demo() -> None:
    """Run the bundled sample hearing through every stage (SQLite, local Prefect)."""
    settings = load_settings_or_fail()
    console.print("[bold]hearings demo[/]")
    console.print(f"data folder: {settings.data_dir.resolve()}")
    console.print(f"database:    {settings.effective_database_url}")
    console.print(
        "The end-to-end flow is not built yet (see the Prefect flows issue). "
        "When it is, this command runs the sample in data/samples/ through: "
        + " → ".join(PLANNED_STAGES)
    )
