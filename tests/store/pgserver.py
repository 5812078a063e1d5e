"""A real, throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary directory on
a free localhost port, stopped and deleted afterwards. PostgreSQL refuses to run as root, so as
root the server runs as the `postgres` system user (created by the Debian package)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("找不到 PostgreSQL 服务器程序（initdb）：请先运行 scripts/setup.sh 安装 postgresql")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """`keep`: a directory whose data survives `stop()` (made on the first start, reused after),
    for the load benchmark's filled database; by default a temporary directory deleted on stop."""

    def __init__(self, keep: Path | None = None) -> None:
        self.bin = pg_bin()
        self.keep = keep is not None
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
        self.dir = keep if keep is not None else Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_user: str | None = None
        if os.geteuid() == 0:
            self.as_user = "postgres"
            pw = pwd.getpwnam(self.as_user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._n = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=self.dir)

    def start(self) -> PgServer:
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync")
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast" if self.keep else "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def new_database(self, name: str | None = None) -> str:
        """A fresh, empty database on this server (named `name`, else a new name); returns its URL."""
        import psycopg

        self._n += 1
        name = name or f"t{self._n}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
