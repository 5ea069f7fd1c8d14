"""Server-side speed of the review app on a six-hour hearing: the hearing page and a save.

Run from the repository root (it seeds the hearing with `tests.support`):

    .venv/bin/python -m benchmarks.review                      # SQLite, and PostgreSQL when
    .venv/bin/python -m benchmarks.review --backend sqlite     # initdb/pg_ctl are installed

A hearing of `--lines` lines (4.3 s each: 5,000 lines ≈ 6 hours) in `--chapters` chapters
is stored through the pipeline's store; the app runs in-process (no network), so the times
are the server's: routing, session and CSRF checks, queries, template rendering.
Targets: page ≤ 200 ms, chapter save round trip ≤ 50 ms (medians).
The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from models import Chapter
from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.config import load_settings
from pipeline.review.app import create_app
from pipeline.review.security import hash_password
from pipeline.store.editors import add_editor
from pipeline.testing.postgres import PostgresCluster, find_postgres_binaries
from pipeline.testing.review_hearing import CSRF_INPUT, seed_hearing

SLUG = "six-hour-hearing"
PASSWORD = "benchmark password"
PAGE_TARGET_MS, SAVE_TARGET_MS = 200.0, 50.0


def timed(
    action: Callable[[object], object], repeat: int, prepare: Callable[[], object] = lambda: None
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per call of `action`, after one warm-up (templates, pool,
    caches); `prepare` runs untimed before each call. CPU time covers every thread of this
    process (the in-process server and the test client), so it is what the request cost
    even when other work on the machine stretches the wall-clock time."""
    action(prepare())
    wall, cpu = [], []
    for _ in range(repeat):
        argument = prepare()
        started, started_cpu = time.perf_counter(), time.process_time()
        action(argument)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def logged_in_client(
    url: str, data_dir: Path, lines: int, chapters: int
) -> tuple[TestClient, object]:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    seed_hearing(factory, SLUG, line_count=lines, chapter_count=chapters,
                 seconds_per_line=21600 / 5000)  # fmt: skip
    with transaction(factory) as session:
        add_editor(session, "bench", hash_password(PASSWORD))
    client = TestClient(create_app(load_settings(data_dir=data_dir), factory))
    token = CSRF_INPUT.search(client.get("/login").text).group(1)
    client.post("/login", data={"name": "bench", "password": PASSWORD, "csrf_token": token})
    return client, factory


def measure(url: str, data_dir: Path, lines: int, chapters: int, repeat: int) -> dict[str, float]:
    client, factory = logged_in_client(url, data_dir, lines, chapters)
    page_path = f"/hearings/{SLUG}"
    page = client.get(page_path)
    token = CSRF_INPUT.search(page.text).group(1)
    with factory() as session:
        chapter_id = session.query(Chapter.id).filter_by(position=chapters // 2).scalar()
    counter = iter(range(10**6))

    def current_version() -> int:
        with factory() as session:
            return session.get(Chapter, chapter_id).version

    def save(version: object) -> None:
        response = client.post(
            f"{page_path}/chapters/{chapter_id}",
            data={"csrf_token": token, "version": version, "kind": "qa",
                  "title": f"Saved title {next(counter)}", "summary": "A summary.",
                  "bullets": ["One", "Two", "Three"]},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303, response.text

    def render(_: object) -> None:
        assert client.get(page_path).status_code == 200

    page_ms, page_cpu_ms = timed(render, repeat)
    save_ms, save_cpu_ms = timed(save, repeat, current_version)
    client.close()
    return {
        "page_ms_median": statistics.median(page_ms),
        "page_ms_max": max(page_ms),
        "page_cpu_ms_median": statistics.median(page_cpu_ms),
        "save_ms_median": statistics.median(save_ms),
        "save_ms_max": max(save_ms),
        "save_cpu_ms_median": statistics.median(save_cpu_ms),
        "page_kib": len(page.content) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--chapters", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    results: dict[str, object] = {"lines": args.lines, "chapters": args.chapters}
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        if args.backend in ("sqlite", "both"):
            url = f"sqlite:///{data_dir / 'bench.db'}"
            results["sqlite"] = measure(url, data_dir, args.lines, args.chapters, args.repeat)
        if args.backend in ("postgresql", "both"):
            binaries = find_postgres_binaries()
            if binaries is None:
                print("PostgreSQL: skipped (initdb and pg_ctl are not installed)")
            else:
                cluster = PostgresCluster(binaries)
                cluster.start()
                try:
                    url = cluster.create_database()
                    results["postgresql"] = measure(
                        url, data_dir, args.lines, args.chapters, args.repeat
                    )
                finally:
                    cluster.stop()
    for backend in ("sqlite", "postgresql"):
        figures = results.get(backend)
        if isinstance(figures, dict):
            print(
                f"{backend:10s} page {figures['page_ms_median']:6.1f} ms median, "
                f"{figures['page_cpu_ms_median']:.1f} ms CPU (max {figures['page_ms_max']:.1f}; "
                f"target ≤ {PAGE_TARGET_MS:.0f}; {figures['page_kib']:.0f} KiB) · "
                f"save {figures['save_ms_median']:5.1f} ms median, "
                f"{figures['save_cpu_ms_median']:.1f} ms CPU (max {figures['save_ms_max']:.1f}; "
                f"target ≤ {SAVE_TARGET_MS:.0f})"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
