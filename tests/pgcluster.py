"""A throwaway PostgreSQL cluster: `initdb` and `pg_ctl` in a temporary folder, listening on a
Unix socket in that folder and on a free port of 127.0.0.1, gone when stopped.

The tests start one per session (conftest's `postgres` fixture); bench/perf.py and
bench/load.py start their own. PostgreSQL's programs come from PATH, else from Debian's
/usr/lib/postgresql/<version>/bin (scripts/test-deps installs the `postgresql` package).
PostgreSQL refuses to run as root: as root (CI), the cluster runs as the `postgres` user the
package made, through runuser.

    with Cluster() as cluster:
        url = cluster.database("mine")   # a new database owned by the role `crosscheck`
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

ROLE, PASSWORD = "crosscheck", "test-password"
FAST = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]


def program(name: str) -> str:
    """A PostgreSQL server program: from PATH, else Debian's newest /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                     key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    for folder in reversed(folders):
        if (folder / name).exists():
            return str(folder / name)
    raise RuntimeError(f"PostgreSQL's {name} is not installed: scripts/test-deps installs it "
                       "(apt-get install postgresql)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, fast: bool = True, settings: tuple[str, ...] = ()):
        """`fast` turns fsync off (for tests: a crash loses nothing that matters)."""
        root = os.geteuid() == 0  # then the server runs as `postgres`, who must reach the folder
        self.folder = Path(tempfile.mkdtemp(prefix="crosscheck-pg-", dir="/tmp" if root else None))
        self.data, self.log = self.folder / "data", self.folder / "server.log"
        self.port = free_port()
        self.prefix: list[str] = []
        if root:
            self.prefix = ["runuser", "-u", "postgres", "--"]
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.run(program("initdb"), "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
                 "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "-N")
        options = ["-k", str(self.folder), "-p", str(self.port), "-h", "127.0.0.1",
                   "-c", "max_connections=200", *(FAST if fast else []), *settings]
        self.run(program("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                 "-o", " ".join(options), "start")
        self.admin(f"create role {ROLE} login createdb password '{PASSWORD}'")

    def run(self, *command: str) -> None:
        done = subprocess.run([*self.prefix, *command], cwd=self.folder, capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stdout}{done.stderr}")

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def url(self, database: str, role: str = ROLE) -> str:
        """The database over the Unix socket (no password asked there)."""
        return f"postgresql://{role}@/{database}?host={self.folder}&port={self.port}"

    def tcp_url(self, database: str, password: str = PASSWORD) -> str:
        """The database over 127.0.0.1, where the password is checked."""
        return f"postgresql://{ROLE}:{password}@127.0.0.1:{self.port}/{database}"

    def database(self, name: str) -> str:
        """A new, empty database owned by the role ROLE; its URL."""
        self.admin(f"create database {name} owner {ROLE}")
        return self.url(name)

    def drop(self, name: str) -> None:
        self.admin(f"drop database if exists {name} with (force)")

    def stop(self) -> None:
        try:
            self.run(program("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
