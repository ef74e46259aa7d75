"""A private, throwaway PostgreSQL server for the tests: Debian's PostgreSQL
(``make postgres`` installs it), a new cluster in a temporary folder, listening
on a free loopback port with its unix socket in that folder, and stopped and
deleted at the end.

PostgreSQL refuses to run as root, so under root (CI, this machine) the cluster
belongs to the ``postgres`` system user and its programs run through
``runuser -u postgres --``. Logins go over TCP with a password (scram-sha-256),
which the tests hand to libpq through ``PGPASSWORD``, as a deployment would.

When the server cannot be started the PostgreSQL tests fail: CI must prove the
backend works. ``NRR_TESTS_WITHOUT_POSTGRES=1`` opts out explicitly (they are
then skipped, saying so).
"""
from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

OPT_OUT = "NRR_TESTS_WITHOUT_POSTGRES"
USER = "nrr"


def bin_dir() -> Path | None:
    """The newest Debian PostgreSQL's programs (``/usr/lib/postgresql/<version>/bin``), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


@dataclass
class Server:
    folder: Path
    port: int
    password: str
    bin: Path
    as_postgres: bool

    def url(self, database: str, user: str = USER) -> str:
        """The store URL of ``database`` (no password: that is in PGPASSWORD)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(self.url(database), password=self.password, autocommit=True)

    def new_database(self) -> str:
        """A new, empty database's URL."""
        name = f"t_{secrets.token_hex(6)}"
        with self.connect() as con:
            con.execute(f"CREATE DATABASE {name}")  # name made above, from hex digits only
        return self.url(name)

    def restart(self) -> None:
        """Stop and start the server on the same port (every open connection breaks)."""
        _run(self, [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "server.log"),
                    "-m", "fast", "-w", "-t", "60", "restart"])

    def stop(self) -> None:
        _run(self, [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
             check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(server_or_flag, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
    as_postgres = server_or_flag if isinstance(server_or_flag, bool) else server_or_flag.as_postgres
    if as_postgres:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {(done.stderr or done.stdout)[-2000:]}")
    return done


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> Server:
    """initdb, then pg_ctl start; RuntimeError saying why when it cannot."""
    programs = bin_dir()
    if programs is None:
        raise RuntimeError("no PostgreSQL server programs under /usr/lib/postgresql/*/bin: run `make postgres` "
                           "(apt-get install postgresql)")
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="nrr-postgres-"))
    password = secrets.token_urlsafe(18)
    (folder / "pw").write_text(password + "\n")
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(folder / "pw", "postgres", "postgres")
    try:
        _run(as_postgres, [str(programs / "initdb"), "-D", str(folder / "data"), "-U", USER,
                           f"--pwfile={folder / 'pw'}", "--auth-local=trust", "--auth-host=scram-sha-256",
                           "-E", "UTF8", "--locale=C", "--no-sync"])
        for _ in range(3):  # another process may take the free port between the look and the start
            port = _free_port()
            # fsync off: a throwaway cluster needs no durability, and the machine's disk is shared.
            options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
                       f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            done = _run(as_postgres, [str(programs / "pg_ctl"), "-D", str(folder / "data"), "-l",
                                      str(folder / "server.log"), "-o", options, "-w", "-t", "60", "start"],
                        check=False)
            if done.returncode == 0:
                return Server(folder, port, password, programs, as_postgres)
        log = (folder / "server.log").read_text(errors="replace")[-2000:] if (folder / "server.log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {done.stderr[-1000:]}\n{log}")
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
