"""hearing.json against its schema, captions.vtt through webvtt-py, chapters.txt, feed.xml."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import webvtt
from jsonschema import Draft202012Validator

from tests.pipeline.publish.conftest import all_site_text
from tests.support.seed_hearing import QA_TITLE, SLUG

ATOM = "{http://www.w3.org/2005/Atom}"


def test_hearing_json_validates_against_the_published_schema(site: Path) -> None:
    schema = json.loads((site / "hearing.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    document = json.loads((site / SLUG / "hearing.json").read_text(encoding="utf-8"))
    errors = list(Draft202012Validator(schema).iter_errors(document))
    assert errors == []
    assert document["schema_version"] == 1
    assert [chapter["title"] for chapter in document["chapters"]] == [
        "Opening remarks by Chair Gutiérrez", QA_TITLE, "Vote on Int 1234",
    ]  # fmt: skip
    assert [line["index"] for line in document["lines"]] == [0, 1, 2, 3, 4, 5, 6, 8]
    assert {speaker["display_name"] for speaker in document["speakers"]} == {
        "Jennifer Gutiérrez", "Michael Gerber",
    }  # fmt: skip
    assert document["chapters"][1]["people"] == [
        {"label": "SPEAKER_00", "name": "Jennifer Gutiérrez", "role": "asks"},
        {"label": "SPEAKER_01", "name": "Michael Gerber", "role": "answers"},
    ]
    document["chapters"][0]["start"] = "soon"
    assert list(Draft202012Validator(schema).iter_errors(document)), "the schema checks types"


def test_captions_parse_with_webvtt_and_voices_name_the_speakers(site: Path) -> None:
    captions = webvtt.read(str(site / SLUG / "captions.vtt"))
    document = json.loads((site / SLUG / "hearing.json").read_text(encoding="utf-8"))
    names = {speaker["label"]: speaker["display_name"] for speaker in document["speakers"]}
    expected = [(names[line["speaker_label"]], line["text"]) for line in document["lines"]]
    assert [(caption.voice, caption.text) for caption in captions] == expected
    assert captions[2].start == "02:29:06.000"
    assert captions[2].voice == "Jennifer Gutiérrez"
    assert captions[4].voice == "Michael Gerber"


def test_chapters_txt_is_a_youtube_chapter_list(site: Path) -> None:
    assert (site / SLUG / "chapters.txt").read_text(encoding="utf-8").splitlines() == [
        "0:00 Opening remarks by Chair Gutiérrez",
        f"2:29:06 {QA_TITLE}",
        "2:32:03 Vote on Int 1234",
    ]


def test_feed_is_atom_with_one_entry_per_published_hearing(site: Path) -> None:
    feed = ElementTree.parse(site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href") == f"{SLUG}/"
    assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert entry.find(f"{ATOM}published").text <= entry.find(f"{ATOM}updated").text


def test_no_draft_chapter_reaches_any_published_file(site: Path) -> None:
    assert "DRAFTONLY" not in all_site_text(site)
    assert not (site / SLUG / "chapter" / "draftonly-testimony-on-the-budget").exists()
