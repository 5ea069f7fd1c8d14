"""Publishing and search speed: `python benchmarks/publish.py [--data DIR] [--hearings N]`.

Synthesizes hearings from the real City Planning Commission transcript in
../shared/data/citymeetings-cpc-2024-07-10 (CC BY-NC-SA 4.0: read here at run time, never
copied into the repository): each is a window of its sentences, speakers and names.

1. Publishing one 6-hour hearing (5,000 lines, 80 approved chapters) to a fresh site,
   again with nothing changed, and again after one chapter edit. Target: ≤ 2 s.
2. Search over N (default 100) published hearings on SQLite (FTS5): median and 95th
   percentile over a set of queries, with and without filters. Target: ≤ 50 ms.

Prints the figures; the last line is one JSON object with all of them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from models import Chapter, Hearing, HearingStatus, ReviewState, Speaker, TranscriptLine
from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.publish.site import publish_site
from pipeline.schemas import ChapterKind
from pipeline.store.search import SearchQuery, refresh_search_index, search

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CPC = "citymeetings-cpc-2024-07-10"
KINDS = [kind.value for kind in ChapterKind]
COMMITTEES = [
    "Committee on Housing and Buildings", "Committee on Land Use", "Committee on Finance",
    "Subcommittee on Zoning and Franchises", "Committee on Transportation and Infrastructure",
]  # fmt: skip
QUERIES = [
    "housing", "parking mandates", '"City of Yes"', "affordable housing lottery",
    "accessory dwelling units", "transit oriented development", "zoning text amendment",
    "small businesses", "Garodnick", "flood resilience",
]  # fmt: skip
FILTERS: list[dict[str, Any]] = [
    {},
    {"committee": "land use"},
    {"since": datetime(2024, 6, 1, tzinfo=UTC)},
    {"speaker": "garodnick"},
]


def load_source(data: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    folder = data / CPC
    sentences = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    speakers = json.loads((folder / "speakers.json").read_text(encoding="utf-8"))
    return sentences, {str(speaker["label"]): speaker for speaker in speakers}


def _window(sentences: list[dict[str, Any]], offset: int, count: int) -> list[dict[str, Any]]:
    picked = [sentences[(offset + index) % len(sentences)] for index in range(count)]
    clock, lines = 0.0, []
    for index, sentence in enumerate(picked):
        length = max(0.5, float(sentence["end_time"]) - float(sentence["start_time"]))
        lines.append(
            {
                "line_index": index,
                "speaker_label": f"S{sentence['speaker']}",
                "start": clock,
                "end": clock + length,
                "text": sentence["text"],
            }
        )
        clock += length + 0.4  # the pause between sentences
    return lines  # fmt: skip


def _chapters(lines: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    size = len(lines) // count
    chapters = []
    for position in range(count):
        start = position * size
        stop = len(lines) if position == count - 1 else start + size
        opening = " ".join(lines[start]["text"].split()[:9])
        chapters.append({
            "position": position, "kind": KINDS[position % len(KINDS)],
            "title": f"{opening} ({position + 1})",
            "summary": " ".join(line["text"] for line in lines[start + 1 : start + 4]),
            "bullets": [" ".join(ln["text"].split()[:10]) for ln in lines[start + 4 : start + 8]],
            "start_line": start, "stop_line": stop, "start": lines[start]["start"],
            "end": lines[stop - 1]["end"], "review_state": ReviewState.APPROVED,
            "generator": "benchmark",
        })  # fmt: skip
    return chapters


def synthesize(
    session: Session, number: int, source: tuple[list, dict], lines: int, chapters: int
) -> Hearing:
    sentences, people = source
    window = _window(sentences, number * 997, lines)
    scheduled = datetime(2024, 1, 8, 15, tzinfo=UTC) + timedelta(days=3 * number)
    committee = COMMITTEES[number % len(COMMITTEES)]
    hearing = Hearing(
        slug=f"{scheduled:%Y-%m-%d}-1000-am-{committee.lower().replace(' ', '-')}-{number}",
        title=committee, body_name=committee, scheduled_at=scheduled,
        status=HearingStatus.PUBLISHED, duration_seconds=window[-1]["end"],
        video_url=f"https://example.org/video/{number}.mp4",
        summary=" ".join(line["text"] for line in window[:5]),
    )  # fmt: skip
    session.add(hearing)
    session.flush()
    labels = sorted({line["speaker_label"] for line in window})
    session.add_all(
        Speaker(hearing_id=hearing.id, label=label, display_name=_name(people, label),
                role=people.get(label[1:], {}).get("role"))
        for label in labels
    )  # fmt: skip
    session.execute(insert(TranscriptLine), [{"hearing_id": hearing.id, **line} for line in window])
    session.execute(
        insert(Chapter),
        [{"hearing_id": hearing.id, **chapter} for chapter in _chapters(window, chapters)],
    )
    session.expire(hearing)
    return hearing


def _name(people: dict[str, dict[str, Any]], label: str) -> str:
    name = people.get(label[1:], {}).get("name") or "UNKNOWN"
    return f"Speaker {label[1:]}" if name == "UNKNOWN" else name


def _timed(action: Any) -> tuple[float, float, Any]:
    """Wall and CPU seconds: on a shared machine the CPU time is the steadier figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def bench_publish(root: Path, source: tuple[list, dict]) -> dict[str, float]:
    factory = _database(root / "publish.db")
    with transaction(factory) as session:
        hearing_id = synthesize(session, 0, source, lines=5000, chapters=80).id
    out = root / "site"
    first, first_cpu, report = _timed(lambda: publish_site(factory, out))
    assert report.rendered, "nothing was published"
    unchanged, unchanged_cpu, _ = _timed(lambda: publish_site(factory, out))
    with transaction(factory) as session:
        chapter = session.scalar(select(Chapter).where(Chapter.hearing_id == hearing_id).limit(1))
        chapter.summary = "An editor's correction."
    edited, edited_cpu, _ = _timed(lambda: publish_site(factory, out))
    with factory() as session:
        hours = session.get(Hearing, hearing_id).duration_seconds / 3600
    pages = sum(1 for _ in out.rglob("index.html"))
    return {"publish_hours": round(hours, 2), "publish_pages": pages,
            "publish_first_s": round(first, 3), "publish_unchanged_s": round(unchanged, 3),
            "publish_after_edit_s": round(edited, 3), "publish_first_cpu_s": round(first_cpu, 3),
            "publish_unchanged_cpu_s": round(unchanged_cpu, 3),
            "publish_after_edit_cpu_s": round(edited_cpu, 3)}  # fmt: skip


def _database(path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return make_session_factory(engine)


def bench_search(root: Path, source: tuple[list, dict], hearings: int) -> dict[str, float]:
    factory = _database(root / "search.db")
    started = time.perf_counter()
    entries = 0
    for number in range(hearings):
        with transaction(factory) as session:
            hearing = synthesize(session, number, source, lines=2500, chapters=30)
            entries += refresh_search_index(session, hearing)
    indexing = time.perf_counter() - started
    timings: dict[str, list[float]] = {"plain": [], "filtered": [], "cpu": []}
    hits = 0
    with factory() as session:
        for _ in range(3):
            for text in QUERIES:
                for options in FILTERS:
                    request = SearchQuery(text=text, **options)
                    elapsed, cpu, found = _timed(lambda: search(session, request))  # noqa: B023
                    timings["filtered" if options else "plain"].append(elapsed * 1000)
                    timings["cpu"].append(cpu * 1000)
                    hits += len(found)
    all_ms = timings["plain"] + timings["filtered"]
    return {"search_hearings": hearings, "search_entries": entries,
            "search_index_s": round(indexing, 1),
            "search_median_ms": round(statistics.median(all_ms), 2),
            "search_p95_ms": round(statistics.quantiles(all_ms, n=20)[-1], 2),
            "search_max_ms": round(max(all_ms), 2),
            "search_plain_median_ms": round(statistics.median(timings["plain"]), 2),
            "search_filtered_median_ms": round(statistics.median(timings["filtered"]), 2),
            "search_cpu_median_ms": round(statistics.median(timings["cpu"]), 2),
            "search_cpu_p95_ms": round(statistics.quantiles(timings["cpu"], n=20)[-1], 2),
            "search_cpu_max_ms": round(max(timings["cpu"]), 2),
            "search_hits": hits}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--hearings", type=int, default=100, help="hearings to search over")
    args = parser.parse_args()
    source = load_source(args.data)
    with tempfile.TemporaryDirectory(prefix="hearings-bench-") as folder:
        root = Path(folder)
        figures = bench_publish(root, source)
        print(f"publish a {figures['publish_hours']} h hearing (5000 lines, 80 chapters, "
              f"{figures['publish_pages']} pages): first {figures['publish_first_s']} s, "
              f"unchanged {figures['publish_unchanged_s']} s, after one edit "
              f"{figures['publish_after_edit_s']} s (target ≤ 2 s); CPU "
              f"{figures['publish_first_cpu_s']} / {figures['publish_unchanged_cpu_s']} / "
              f"{figures['publish_after_edit_cpu_s']} s")  # fmt: skip
        figures |= bench_search(root, source, args.hearings)
        print(f"search over {figures['search_hearings']} hearings "
              f"({figures['search_entries']} entries, indexed in {figures['search_index_s']} s): "
              f"median {figures['search_median_ms']} ms, p95 {figures['search_p95_ms']} ms, "
              f"max {figures['search_max_ms']} ms (target ≤ 50 ms); CPU median "
              f"{figures['search_cpu_median_ms']} ms, p95 {figures['search_cpu_p95_ms']} ms, "
              f"max {figures['search_cpu_max_ms']} ms")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
