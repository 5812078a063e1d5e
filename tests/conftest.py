"""Shared fixtures: the seed forms and helpers to write small forms inline in a test."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from jixiao.readers.jsonio import form_to_dict

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "shanghai-2021.txt"
GOLDEN = Path(__file__).resolve().parent / "golden.json"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def golden() -> list[dict]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def tsv(text: str) -> str:
    """A form written in a test with ' | ' between cells → the tab-separated text of the seed."""
    lines = textwrap.dedent(text).strip("\n").splitlines()
    return "\n".join("\t".join(c.strip() for c in line.split("|")) for line in lines) + "\n"


def facts(form) -> dict:
    """What a form says, without where it was read from or how it was repaired: two readings of
    the same form in different layouts or formats must give equal facts."""
    d = form_to_dict(form)
    d.pop("repairs")
    d.pop("source")
    for ind in d["indicators"]:
        ind.pop("source")
    return d


@pytest.fixture(scope="session")
def pg_server():
    """One real PostgreSQL server for the whole test session (initdb/pg_ctl in a temporary
    directory, on a free port; see tests/store/pgserver.py), stopped at the end."""
    from .store.pgserver import PgServer

    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh database of each kind: a SQLite file, and a new database on the session's server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    return request.getfixturevalue("pg_server").new_database()
