"""A throwaway PostgreSQL cluster for the tests: ``initdb`` + ``pg_ctl`` in a temporary folder,
on a free loopback port, stopped and deleted at the end.

The binaries are looked up on ``PATH`` and in ``/usr/lib/postgresql/*/bin`` (``make install-test``
installs Debian ``postgresql`` when they are absent). PostgreSQL refuses to run as root: as root,
the cluster runs as the ``postgres`` system user the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bin(name: str) -> str | None:
    """``initdb`` / ``pg_ctl``: on PATH, else the newest /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                    if Path(p).parent.name.isdigit() else 0, reverse=True):
        if os.access(Path(d) / name, os.X_OK):
            return str(Path(d) / name)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """``start()`` then ``url(dbname)`` and ``create_database(name)``; ``stop()`` removes it all."""

    user = "eshoppye"

    def __init__(self) -> None:
        self.initdb, self.pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        self.root = None
        self.port = None
        self._run_as = None

    def missing(self) -> str | None:
        """Why the cluster cannot start (None when it can)."""
        if not (self.initdb and self.pg_ctl):
            return "initdb/pg_ctl introuvables (apt-get install postgresql ; make install-test le fait)"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "exécution en root sans utilisateur système postgres (PostgreSQL refuse root)"
        return None

    def _run(self, *args: str, **kw) -> subprocess.CompletedProcess:
        extra = {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}
        return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=120, **extra, **kw)

    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="eshoppye-pg-"))
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        data, log = self.root / "data", self.root / "server.log"
        self._run(self.initdb, "-D", str(data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8" if _has_c_utf8() else "--no-locale", cwd=str(self.root))
        self.port = _free_port()
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c synchronous_commit=off")
        try:
            self._run(self.pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", opts, "start",
                      cwd=str(self.root))
        except subprocess.CalledProcessError as exc:
            text = log.read_text(errors="replace") if log.is_file() else ""
            raise RuntimeError(f"pg_ctl start a échoué: {exc.stderr}\n{text[-2000:]}") from None

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.root is None:
            return
        try:
            self._run(self.pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop",
                      cwd=str(self.root))
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None


def _has_c_utf8() -> bool:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10).stdout.lower()
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "c.utf8" in out or "c.utf-8" in out
