"""The bundled roster files are exactly what the build makes from the shared public records."""

from __future__ import annotations

from pathlib import Path

from pipeline.sources.bundled_roster import (
    BUNDLED_ROSTER_DIR,
    build_bundled_roster,
    load_bundled_roster,
)


def test_bundled_files_match_a_fresh_build(shared_data: Path, tmp_path: Path) -> None:
    build_bundled_roster(shared_data, tmp_path)
    for bundled in sorted(BUNDLED_ROSTER_DIR.iterdir()):
        assert (tmp_path / bundled.name).read_bytes() == bundled.read_bytes(), bundled.name


def test_bundled_roster_loads_with_districts() -> None:
    roster = load_bundled_roster()
    assert (len(roster.bodies), len(roster.persons), len(roster.office_records)) == (43, 59, 2135)
    marte = roster.places[7801]
    assert (marte.district, marte.borough) == (1, "Manhattan")
