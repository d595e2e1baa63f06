"""A real PostgreSQL server for tests: Debian's `postgresql` binaries, a throw-away cluster on a free local port,
stopped and removed afterwards. `initdb` refuses to run as root, so as root the cluster belongs to `postgres`."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    host: str
    port: int
    user: str
    db: str

    def env(self) -> dict[str, str]:
        """What deploy/team/dagster.yaml reads."""
        return {"MCATLAS_PG_URL": f"postgresql+psycopg2://{self.user}@{self.host}:{self.port}/{self.db}"}


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def missing_reason() -> str | None:
    """Why no server can be started here, or None."""
    if binaries() is None:
        return "PostgreSQL is not installed (`make postgres` installs Debian's package as root)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb cannot run as root"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(db: str = "mcatlas") -> Iterator[Server]:
    bin_dir = binaries()
    assert bin_dir is not None, missing_reason()
    root = Path(tempfile.mkdtemp(prefix="mcatlas-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    os.chmod(root, 0o755)
    data, port = root / "data", _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*as_owner, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {(done.stdout + done.stderr).strip()[-800:]}")

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "mcatlas", "-E", "UTF8", "--no-sync")
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start")
        try:
            run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "mcatlas", db)
            yield Server("127.0.0.1", port, "mcatlas", db)
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
