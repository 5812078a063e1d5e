"""Every store test runs twice: on a SQLite file and on a real PostgreSQL server started for the
test session (see pgserver.py)."""

from __future__ import annotations

import pytest

from jixiao.store import open_store

from .pgserver import PgServer


@pytest.fixture(scope="session")
def pg_server():
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    yield s
    s.close()
