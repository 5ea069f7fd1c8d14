"""A throwaway PostgreSQL cluster for tests: initdb into a temp folder, start on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

SEARCH_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


@dataclass(frozen=True)
class PostgresBinaries:
    initdb: Path
    pg_ctl: Path


def find_postgres_binaries() -> PostgresBinaries | None:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return PostgresBinaries(Path(initdb), Path(pg_ctl))
    for folder in SEARCH_DIRS:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return PostgresBinaries(folder / "initdb", folder / "pg_ctl")
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    """PostgreSQL refuses to run as root, so as root the cluster runs as user `postgres`."""

    def __init__(self, binaries: PostgresBinaries) -> None:
        self.binaries = binaries
        # Not under pytest's tmp_path: that is private to root, and the server user
        # must be able to reach its own folder.
        self.folder = Path(tempfile.mkdtemp(prefix="hearings-postgres-"))
        self.data_dir = self.folder / "cluster"
        self.port = _free_port()
        self.user = "test"

    def _run(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60, cwd=self.folder)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            os.chmod(self.folder, 0o700)
        self._run(
            str(self.binaries.initdb), "-D", str(self.data_dir), "-A", "trust",
            "-U", self.user, "--no-sync",
        )  # fmt: skip
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.binaries.pg_ctl), "-D", str(self.data_dir), "-l", str(self.folder / "log"),
            "-w", "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            self._run(
                str(self.binaries.pg_ctl), "-D", str(self.data_dir), "-m", "immediate", "stop"
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
