"""The glossary ships with the package; a setting adds to it; the hotword budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.glossary import (
    GlossaryFileMissing,
    glossary_terms,
    packaged_terms,
    parse_terms,
    plan_hotwords,
)


def test_terms_ignore_comments_and_blank_lines() -> None:
    assert parse_terms("# civic terms\nNYCHA\n\nMyCity  # the portal\n") == ["NYCHA", "MyCity"]


def test_the_package_ships_the_glossary_whatever_the_data_folder(isolated_settings: Path) -> None:
    assert not (isolated_settings / "glossary.txt").exists()
    assert {"NYCHA", "HPD", "DOE", "OTI", "MyCity"} <= set(glossary_terms())


def test_a_glossary_file_adds_terms_once(tmp_path: Path) -> None:
    extra = tmp_path / "terms.txt"
    extra.write_text("nycha\nFulcrum Properties\n", encoding="utf-8")

    terms = glossary_terms(extra)

    assert terms == [*packaged_terms(), "Fulcrum Properties"]


def test_a_missing_glossary_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryFileMissing, match="HEARINGS_ASR__GLOSSARY_FILE"):
        glossary_terms(tmp_path / "absent.txt")


def test_the_budget_is_spent_group_by_group_and_a_shorter_term_may_still_fit() -> None:
    def characters(text: str) -> int:
        return len(text)

    plan = plan_hotwords(
        [["Chair Lee"], ["NYCHA", "A very long civic term"], ["Ng"]], characters, budget=21
    )

    assert plan.kept == ["Chair Lee", "NYCHA", "Ng"]
    assert plan.cut == ["A very long civic term"]
    assert plan.text == "Chair Lee, NYCHA, Ng" and plan.tokens == len(" " + plan.text)
