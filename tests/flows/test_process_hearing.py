"""`process-hearing` on the bundled sample: every stage, fallbacks, resuming, re-running."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from flows.process_hearing import process_hearing
from models import Chapter, Hearing, Speaker, StageRun, TranscriptLine
from models.db import transaction
from pipeline.artifacts import ArtifactStore
from pipeline.cli import app
from pipeline.cli.common import console
from pipeline.config import Settings, get_settings
from pipeline.schemas import Chapters, Lines
from pipeline.sources.manual import manual_hearing
from pipeline.stages import Stage
from pipeline.store.processing import ensure_manual_hearing
from pipeline.testing.tiny_pyannote import build_tiny_pyannote
from pipeline.testing.tiny_whisper import build_tiny_whisper

pytestmark = pytest.mark.usefixtures("prefect_api_url")

ARTIFACTS = ("source", "audio", "lines", "speakers", "chapters")
SCRIPT = "Good morning and welcome to the Subcommittee on Landmarks."


def count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def created(settings: Settings, slug: str) -> dict[str, object]:
    store = ArtifactStore(settings.hearings_dir)
    return {name: store.header(slug, name).created for name in ARTIFACTS}  # type: ignore[union-attr]


def test_sample_goes_through_every_stage_with_fallbacks(settings, factory, sample_slug, caplog):
    report = process_hearing(sample_slug)

    fallbacks = [r.getMessage() for r in caplog.records if r.getMessage().startswith("fallback")]
    assert len(fallbacks) == 2
    assert "no speech recognition model" in fallbacks[0] and "captions" in fallbacks[0]
    assert (
        fallbacks[1] == "fallback: no LLM is configured, so the offline chapterer writes chapters"
    )

    assert report.status == "draft"
    outcomes = {outcome.stage: outcome for outcome in report.stages}
    assert list(outcomes) == Stage.ordered()
    assert "cannot be loaded" in (outcomes[Stage.TRANSCRIBE].unavailable or "")
    assert outcomes[Stage.DIARIZE].summary == "not needed: lines come from the captions"
    assert "offline" in outcomes[Stage.CHAPTER].summary
    store = ArtifactStore(settings.hearings_dir)
    lines = store.read(sample_slug, "lines", Lines)
    assert lines.lines[0].text.startswith("Good morning, and welcome to this meeting")
    assert len({line.speaker_label for line in lines.lines}) >= 3  # from the '>>' marks
    assert store.read(sample_slug, "chapters", Chapters).line_count == len(lines.lines)
    with factory() as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == sample_slug))
        assert hearing.status == "draft" and hearing.error is None
        assert len(hearing.lines) == len(lines.lines)
        assert [s.display_name for s in hearing.speakers][:2] == ["Speaker 1", "Speaker 2"]
        assert hearing.chapters and hearing.chapters[-1].stop_line == len(lines.lines)
        runs = {run.stage: run for run in hearing.stage_runs}
        assert runs["store"].status == "succeeded" and runs["store"].flow_run_id
        assert (
            runs["transcribe"].status == "skipped"
            and "cannot be loaded" in runs["transcribe"].error
        )


def test_second_run_skips_every_stage_and_duplicates_nothing(settings, factory, sample_slug):
    process_hearing(sample_slug)
    before = created(settings, sample_slug)
    rows = [count(factory, model) for model in (TranscriptLine, Speaker, Chapter)]

    report = process_hearing(sample_slug)

    assert all(outcome.skipped for outcome in report.stages)
    assert created(settings, sample_slug) == before
    assert [count(factory, model) for model in (TranscriptLine, Speaker, Chapter)] == rows


def test_from_stage_reruns_that_stage_and_the_later_ones(settings, factory, sample_slug):
    process_hearing(sample_slug)
    before = created(settings, sample_slug)

    report = process_hearing(sample_slug, from_stage=Stage.IDENTIFY)

    ran = [outcome.stage for outcome in report.stages if not outcome.skipped]
    assert ran == [Stage.IDENTIFY, Stage.CHAPTER, Stage.STORE]
    after = created(settings, sample_slug)
    assert [after[name] == before[name] for name in ARTIFACTS] == [True, True, True, False, False]


def test_a_failing_stage_marks_the_hearing_failed_with_its_error(
    factory, sample_media: Path, tmp_path: Path
):
    cut = tmp_path / "cut-off.mp4"  # an interrupted copy: readable header, half the audio
    cut.write_bytes(sample_media.read_bytes()[: sample_media.stat().st_size // 2])
    runner = CliRunner()

    result = runner.invoke(app, ["ingest", str(cut)])

    assert result.exit_code == 1
    with factory() as session:
        hearing = session.scalar(select(Hearing))
        assert hearing.status == "failed" and hearing.error
        failed = session.scalar(select(StageRun).where(StageRun.status == "failed"))
        assert failed.stage == "audio" and failed.error == hearing.error


def test_cli_ingest_and_status(factory, sample_media: Path, monkeypatch) -> None:
    monkeypatch.setattr(console, "width", 200)  # a wide terminal: the table has 11 columns
    runner = CliRunner()
    ingest = runner.invoke(app, ["ingest", str(sample_media), "--chapterer", "offline"])
    assert ingest.exit_code == 0, ingest.output
    assert "draft" in ingest.output

    status = runner.invoke(app, ["status"])

    assert status.exit_code == 0, status.output
    assert "landmarks-2024-10-01" in status.output and "draft" in status.output
    assert "0.0000" in status.output  # the cost column: nothing spent offline


def test_ingest_of_a_missing_file_says_so(factory) -> None:
    result = CliRunner().invoke(app, ["ingest", "no/such/video.mp4"])
    assert result.exit_code == 1
    assert "no/such/video.mp4: no such media file" in result.output


def progress_artifact(key: str) -> float | None:
    """The latest value of the Prefect progress artifact `key`."""
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), limit=1
        )
    return found[0].data if found and found[0].type == "progress" else None  # type: ignore[return-value]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A faster-whisper model that always says SCRIPT, and a random-weight pyannote pipeline."""
    folder = tmp_path_factory.mktemp("models")
    return build_tiny_whisper(folder / "whisper", SCRIPT), build_tiny_pyannote(folder / "pyannote")


@pytest.fixture
def short_sample_slug(factory, sample_media: Path) -> str:
    """The sample's first 12 seconds (diarization on CPU is slow), with its captions file."""
    clip = sample_media.with_name("opening.mp4")
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(sample_media), "-t", "12", "-c", "copy",
         str(clip)],
        check=True,
    )  # fmt: skip
    shutil.copyfile(sample_media.with_suffix(".vtt"), clip.with_suffix(".vtt"))
    with transaction(factory) as session:
        return ensure_manual_hearing(session, manual_hearing(str(clip))).slug


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")  # random weights
def test_with_models_words_come_from_asr_and_speakers_from_diarization(
    settings, factory, short_sample_slug, tiny_models, monkeypatch, caplog
) -> None:
    sample_slug = short_sample_slug
    whisper, pyannote = tiny_models
    monkeypatch.setenv("HEARINGS_ASR__MODEL", str(whisper))
    get_settings.cache_clear()

    without_pyannote = process_hearing(sample_slug)

    outcomes = {outcome.stage: outcome for outcome in without_pyannote.stages}
    assert not outcomes[Stage.TRANSCRIBE].skipped and not outcomes[Stage.TRANSCRIBE].unavailable
    assert outcomes[Stage.DIARIZE].unavailable
    assert any("speakers from the captions' '>>' marks" in r.getMessage() for r in caplog.records)
    messages = [record.getMessage() for record in caplog.records]
    assert "transcribe: 100%" in messages
    # The recognizer's words stay; the captions' marks (at 0 s and 12.1 s) give the turns.
    lines = ArtifactStore(settings.hearings_dir).read(sample_slug, "lines", Lines)
    assert " ".join(line.text for line in lines.lines) == SCRIPT
    assert lines.lines[0].speaker_label == "SPEAKER_00"
    assert {line.speaker_label for line in lines.lines} <= {"SPEAKER_00", "SPEAKER_01"}
    assert progress_artifact(f"{sample_slug}-transcribe") == 100  # on the flow run's page

    monkeypatch.setenv("HEARINGS_DIARIZATION__PIPELINE", str(pyannote))
    get_settings.cache_clear()
    with_pyannote = process_hearing(sample_slug)

    assert "diarize: 100%" in [record.getMessage() for record in caplog.records]
    ran = [outcome.stage for outcome in with_pyannote.stages if not outcome.skipped]
    assert ran == [Stage.DIARIZE, Stage.ATTRIBUTE, Stage.IDENTIFY, Stage.CHAPTER, Stage.STORE]
    lines = ArtifactStore(settings.hearings_dir).read(sample_slug, "lines", Lines)
    assert SCRIPT.startswith(lines.lines[0].text)  # the words are the recognizer's now
    with factory() as session:
        stored = session.scalars(select(TranscriptLine.text).order_by(TranscriptLine.line_index))
        assert list(stored) == [line.text for line in lines.lines]


def test_demo_runs_the_bundled_sample_and_says_where_to_look(settings) -> None:
    result = CliRunner().invoke(app, ["demo"])

    assert result.exit_code == 0, result.output
    assert "at revision" in result.output  # it migrated the database itself
    assert "draft" in result.output and "Where to look" in result.output
    assert "hearings show landmarks-2024-10-01-" in result.output
    assert "the guide, as a reader sees it" in result.output
    assert "Opening remarks · 0:00:00" in result.output
    assert list(settings.hearings_dir.glob("landmarks-2024-10-01-*/chapters.json"))
    slug = next(settings.hearings_dir.glob("landmarks-2024-10-01-*")).name
    guide = CliRunner().invoke(app, ["show", slug, "--lines"])
    assert guide.exit_code == 0, guide.output
    assert "Opening remarks · 0:00:00" in guide.output
    assert "Speaker 1 0:00:00 Good morning" in guide.output
    # The recognizer's words (the real tiny.en), not the captions': they say "Sitings".
    assert "sightings" in guide.output.casefold()
    lines = ArtifactStore(settings.hearings_dir).read(slug, "lines", Lines).lines
    assert "public sightings" in lines[0].text.casefold()
    assert "Speaker 2 0:00:11" in guide.output  # the captions' second '>>' mark
