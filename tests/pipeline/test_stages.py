"""The media stages chained through the artifact store, and `hearings transcribe` on top."""

from __future__ import annotations

import json
import os
import shutil
import weakref
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import asr
from pipeline.acquire import acquire
from pipeline.asr import load_model
from pipeline.captions import CaptionsUnavailableError
from pipeline.cli import app
from pipeline.cli.common import error_console
from pipeline.config import get_settings
from pipeline.diarization import load_pipeline
from pipeline.glossary import term_groups
from pipeline.roster import ROSTER_ARTIFACT, Priority, Roster, RosterMember
from pipeline.schemas import Lines, SourceInfo
from pipeline.sources.slugs import slug_for_source
from pipeline.stages import HearingContext, Stage
from tests.pipeline.test_acquire import CAPTIONS
from tests.support.media_fixtures import SCRIPT_SENTENCES
from tests.support.media_server import MediaServer, Route
from tests.support.stages import run

pytestmark = pytest.mark.filterwarnings("ignore:std\\(\\):UserWarning", "ignore::RuntimeWarning")
VIDEO_PAGE = (
    b'<html><body><video src="/media/meeting.mp4">'
    b'<track kind="captions" srclang="en" src="/media/meeting.vtt"></video></body></html>'
)


def run_all(context: HearingContext, source: str) -> list[bool]:
    results = [
        run(context, "acquire", source=source),
        run(context, "audio"),
        run(context, "transcribe"),
        run(context, "diarize"),
        run(context, "attribute"),
    ]
    return [result.skipped for result in results]


def with_asr(context: HearingContext, **changes: object) -> HearingContext:
    settings = context.settings.model_copy(
        update={"asr": context.settings.asr.model_copy(update=changes)}
    )
    return HearingContext(context.store, context.slug, settings)


def test_chain_writes_lines_and_reruns_only_what_a_changed_setting_touches(
    context: HearingContext, speech_wav: Path, tmp_path: Path
) -> None:
    assert run_all(context, str(speech_wav)) == [False] * 5
    lines = context.store.read(context.slug, "lines", Lines).lines
    assert [line.text for line in lines] == SCRIPT_SENTENCES
    assert {line.speaker_label for line in lines} <= {"SPEAKER_00", "SPEAKER_01", "SPEAKER_02"}

    assert run_all(context, str(speech_wav)) == [True] * 5

    # The terms reach the recognizer (and its fingerprint) only when settings give them.
    hotwords = with_asr(context, vocabulary="hotwords")
    assert run_all(hotwords, str(speech_wav)) == [True, True, False, True, False]
    extra = tmp_path / "more-terms.txt"
    extra.write_text("Fulcrum Properties\n", encoding="utf-8")
    more = with_asr(hotwords, glossary_file=extra)
    assert run_all(more, str(speech_wav)) == [True, True, False, True, False]
    assert term_groups(extra, None)[-1][-1] == "Fulcrum Properties"

    member = RosterMember(
        person_id=7631, name="Jennifer Gutiérrez", title="Chair",
        body="Committee on Technology", priority=Priority.CHAIR,
    )  # fmt: skip
    roster = Roster(members=[member])
    context.store.write(context.slug, ROSTER_ARTIFACT, roster, stage_version="1",
                        input_fingerprint="r1")  # fmt: skip
    committee, glossary, others = term_groups(extra, roster)
    assert committee == ["Jennifer Gutiérrez"] and "NYCHA" in glossary and others == []
    # A roster sync never re-transcribes a finished hearing by itself (identify reads it).
    assert run_all(more, str(speech_wav)) == [True] * 5
    assert run(more, "transcribe", force=True).skipped is False  # --from-stage uses it


def test_the_fingerprint_follows_the_model_files_not_their_folder(
    context: HearingContext, speech_wav: Path, tiny_whisper: Path, tmp_path: Path
) -> None:
    run_all(context, str(speech_wav))
    moved = tmp_path / "elsewhere" / "whisper"
    shutil.copytree(tiny_whisper, moved)  # copies keep the files' modification times

    assert run(with_asr(context, model=str(moved)), "transcribe").skipped

    os.utime(moved / "model.bin", ns=(0, 1))  # the weights were replaced
    load_model.cache_clear()
    assert not run(with_asr(context, model=str(moved)), "transcribe").skipped


def test_a_new_batch_size_keeps_the_transcript(context: HearingContext, speech_wav: Path) -> None:
    run_all(context, str(speech_wav))

    # Speed and memory only: each chunk is decoded alone (test_asr_real checks the words).
    assert run(with_asr(context, batch_size=1), "transcribe").skipped
    assert not run(with_asr(context, chunk_seconds=10), "transcribe").skipped


def test_a_changed_decoding_guard_reruns_transcribe_and_what_follows(
    context: HearingContext, speech_wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_all(context, str(speech_wav)) == [False] * 5
    monkeypatch.setitem(asr.DECODING_GUARDS, "no_speech_threshold", 0.5)

    assert run_all(context, str(speech_wav)) == [True, True, False, True, False]
    assert run_all(context, str(speech_wav)) == [True] * 5
    # Both GPU stages gave their models back when they ended.
    assert load_model.cache_info().currsize == load_pipeline.cache_info().currsize == 0


def test_the_whisper_model_is_released_after_the_stage(
    context: HearingContext, speech_wav: Path
) -> None:
    run(context, "acquire", source=str(speech_wav))
    run(context, "audio")
    loaded: list[weakref.ref[object]] = []
    original = asr.WhisperModel

    def remembered(*args: object, **kwargs: object) -> object:
        model = original(*args, **kwargs)
        loaded.append(weakref.ref(model))
        return model

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(asr, "WhisperModel", remembered)
        assert not run(context, "transcribe").skipped

    assert len(loaded) == 1 and load_model.cache_info().currsize == 0
    assert loaded[0]() is None  # nothing holds the model: its memory is back


def test_captions_path_from_a_viebit_page(
    context: HearingContext, server: MediaServer, clip_mp4: bytes
) -> None:
    server.routes["/vod/?v=hearing.mp4"] = Route(b"player.php?hash=0123456789abcdef", "text/html")
    server.routes["/counciln/0123456789abcdef/hearing.mp4"] = Route(clip_mp4, "video/mp4")
    server.routes["/counciln/0123456789abcdef/hearing.vtt"] = Route(CAPTIONS.encode(), "text/vtt")
    media_base = server.url("/counciln")
    folder = context.store.hearing_dir(context.slug)
    info = acquire(server.url("/vod/?v=hearing.mp4"), folder, viebit_media_base=media_base)
    context.store.write(context.slug, "source", info, stage_version="1", input_fingerprint="x")

    result = run(context, "captions")

    lines = context.store.read(context.slug, "lines", Lines).lines
    assert [line.text for line in lines] == ["Good morning."]
    assert result.stage is Stage.ATTRIBUTE and not result.skipped


def test_captions_path_without_captions_is_a_clear_error(
    context: HearingContext, speech_wav: Path
) -> None:
    run(context, "acquire", source=str(speech_wav))
    with pytest.raises(CaptionsUnavailableError, match="no captions"):
        run(context, "captions")


def test_cli_transcribes_a_file_and_prints_a_summary(
    model_settings: object, speech_wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rich draws progress bars only on an interactive terminal: make stderr look like one.
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setattr(error_console, "is_interactive", True)

    result = CliRunner().invoke(app, ["transcribe", str(speech_wav), "--slug", "cli-test"])

    assert result.exit_code == 0, result.output
    assert "transcribing" in result.output and "diarizing" in result.output
    assert "100%" in result.output
    assert "real-time factor" in result.output
    assert "lines" in result.output and "speakers" in result.output
    lines_file = Path("data/hearings/cli-test/lines.json")
    assert len(json.loads(lines_file.read_text())["data"]["lines"]) == len(SCRIPT_SENTENCES)


def test_cli_stops_after_the_requested_stage(model_settings: object, speech_wav: Path) -> None:
    result = CliRunner().invoke(app, ["transcribe", str(speech_wav), "--until", "audio"])

    assert result.exit_code == 0, result.output
    folder = Path("data/hearings") / slug_for_source(str(speech_wav.resolve()))
    assert (folder / "audio.wav").is_file() and not (folder / "transcript.json").exists()


def test_cli_falls_back_to_captions_when_the_model_is_missing(
    model_settings: object,
    server: MediaServer,
    clip_mp4: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEARINGS_ASR__MODEL", "/no/such/model")
    get_settings.cache_clear()
    load_model.cache_clear()
    server.routes["/meeting"] = Route(VIDEO_PAGE, "text/html")
    server.routes["/media/meeting.mp4"] = Route(clip_mp4, "video/mp4")
    server.routes["/media/meeting.vtt"] = Route(CAPTIONS.encode(), "text/vtt")

    result = CliRunner().invoke(app, ["transcribe", server.url("/meeting"), "--slug", "page"])

    assert result.exit_code == 0, result.output
    assert "using the captions instead" in result.output
    source = json.loads(Path("data/hearings/page/source.json").read_text())["data"]
    assert SourceInfo.model_validate(source).captions_url == server.url("/media/meeting.vtt")
    lines = json.loads(Path("data/hearings/page/lines.json").read_text())["data"]["lines"]
    assert [line["text"] for line in lines] == ["Good morning."]


@pytest.mark.parametrize(
    ("source", "message"),
    [("file:///etc/passwd", "not accepted"), ("/no/such/file.mp4", "neither")],
)
def test_cli_bad_source_is_a_one_line_error(source: str, message: str) -> None:
    result = CliRunner().invoke(app, ["transcribe", source])

    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_captions_mode_without_captions_is_a_clear_error(speech_wav: Path) -> None:
    result = CliRunner().invoke(app, ["transcribe", str(speech_wav), "--captions"])

    assert result.exit_code == 1
    assert "offered no captions" in result.output


@pytest.mark.parametrize(
    ("source", "slug"),
    [
        ("https://councilnyc.viebit.com/vod/?s=true&v=NYCC-PV-CH-COM_241001-100512.mp4",
         "2024-10-01-1005-am-nycc-pv-ch-com"),
        ("https://www.youtube.com/watch?v=abc", "abc-"),
        ("/videos/Budget Hearing (Day 2).MP4", "budget-hearing-day-2-"),
    ],
)  # fmt: skip
def test_cli_names_the_folder_after_the_source(source: str, slug: str) -> None:
    assert slug_for_source(source).startswith(slug)
