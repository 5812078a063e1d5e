"""Connecting to the database and bringing its schema up to date.

SQLite (a file) is the default and needs nothing installed; PostgreSQL is chosen by its URL
(`postgresql+psycopg://user@host:port/db`). Every start runs the Alembic migrations shipped in
`migrations/` up to head, so an older database is upgraded in place.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_URL = "sqlite:///jixiao.db"


def default_url() -> str:
    return os.environ.get("JIXIAO_DB") or DEFAULT_URL


def normalise_url(url: str) -> str:
    """Accept the URLs people type: a bare file path means SQLite, postgres:// means psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{url}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def pool_size() -> int:
    """Connections each process keeps open ($JIXIAO_DB_POOL, default 8). The web server runs as
    many request threads as this (`jixiao.web.app`), and a thread may briefly hold a second
    connection (reading the rule set inside a save), so the pool may overflow by as many again:
    a process opens at most 2 × this; with `--workers N`, N × 2 × this must stay below the
    server's max_connections (PostgreSQL: 100 by default)."""
    return max(1, int(os.environ.get("JIXIAO_DB_POOL", "8")))


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    size = pool_size()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **({} if ":memory:" in url else {"pool_size": size, "max_overflow": size}))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - runs inside the driver
            cur = dbapi_conn.cursor()
            # Foreign keys are off by default in SQLite; WAL lets pages read while an import writes.
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=size, max_overflow=size, pool_timeout=30)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    """Run every migration not yet applied (alembic `upgrade head`)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
