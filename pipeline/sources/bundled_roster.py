"""The roster shipped in `data/rosters/nyc/`, used when no Legistar token is configured.

Built from NYC public records (the Legistar mirror in ../shared/data, see data/rosters/README.md)
by `build_bundled_roster`; the files keep the Legistar field names so the same record models
read them. `districts.csv` adds what Legistar's Persons lack: each member's district and borough.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import HearingsError
from pipeline.records import PersonPlace, RosterRecords
from pipeline.sources.legistar_records import (
    LegistarBody,
    LegistarOfficeRecord,
    LegistarPerson,
    parse_records,
)
from pipeline.sources.roster_records import roster_records

BUNDLED_ROSTER_DIR = Path(__file__).resolve().parents[2] / "data" / "rosters" / "nyc"
SHARED_ROSTER_CSV = "nyc_council_roster_2022_2025.csv"
SHARED_API_SHAPE = "legistar_api_shape"
SHARED_FILES = {
    "bodies.json": "nyc_bodies_seen_in_events_2024_2025.json",
    "persons.json": "nyc_persons_2022_2025_reconstructed.json",
    "office_records.json": "nyc_officerecords_2022_2025_reconstructed.json",
}
KEPT_FIELDS = {
    "bodies.json": LegistarBody.model_fields,
    "persons.json": LegistarPerson.model_fields,
    "office_records.json": LegistarOfficeRecord.model_fields,
}


class BundledRosterMissing(HearingsError, FileNotFoundError):
    """The bundled roster files are not where they should be."""


@dataclass(frozen=True)
class BundledRoster:
    """Legistar's roster records (bundled, or fetched) and the districts file's places."""

    bodies: list[LegistarBody]
    persons: list[LegistarPerson]
    office_records: list[LegistarOfficeRecord]
    places: dict[int, PersonPlace]

    def records(self) -> RosterRecords:
        """Our own records of these, ready for `pipeline.store.roster.upsert_roster`."""
        return roster_records(self.bodies, self.persons, self.office_records, self.places)


def read_places(path: Path) -> dict[int, PersonPlace]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            int(row["person_id"]): PersonPlace(
                district=int(row["district"]) if row["district"] else None,
                borough=row["borough"] or None,
            )
            for row in csv.DictReader(handle)
        }


def _read_json(path: Path) -> list[Any]:
    if not path.is_file():
        raise BundledRosterMissing(f"bundled roster file {path} is missing")
    return json.loads(path.read_text(encoding="utf-8"))


def load_bundled_roster(folder: Path = BUNDLED_ROSTER_DIR) -> BundledRoster:
    places_path = folder / "districts.csv"
    if not places_path.is_file():
        raise BundledRosterMissing(f"bundled roster file {places_path} is missing")
    return BundledRoster(
        bodies=parse_records(LegistarBody, _read_json(folder / "bodies.json")),
        persons=parse_records(LegistarPerson, _read_json(folder / "persons.json")),
        office_records=parse_records(
            LegistarOfficeRecord, _read_json(folder / "office_records.json")
        ),
        places=read_places(places_path),
    )


def build_bundled_roster(shared_data: Path, folder: Path = BUNDLED_ROSTER_DIR) -> None:
    """Rewrite the bundled files from the shared public records, keeping the fields we read."""
    folder.mkdir(parents=True, exist_ok=True)
    for target, source in SHARED_FILES.items():
        raws = json.loads((shared_data / SHARED_API_SHAPE / source).read_text(encoding="utf-8"))
        kept = [{key: raw[key] for key in KEPT_FIELDS[target] if key in raw} for raw in raws]
        text = "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in kept) + "\n]\n"
        (folder / target).write_text(text, encoding="utf-8")
    with (shared_data / SHARED_ROSTER_CSV).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (folder / "districts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "full_name", "district", "borough"])
        for row in rows:
            writer.writerow(
                [
                    row["person_id"],
                    row["full_name"],
                    row["district"],
                    row["borough_derived_from_district"],
                ]
            )


if __name__ == "__main__":
    import sys

    build_bundled_roster(Path(sys.argv[1]))
