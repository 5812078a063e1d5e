"""Every store test runs twice: on a SQLite file and on a real PostgreSQL server started for the
test session (the `db_url` and `pg_server` fixtures in tests/conftest.py)."""

from __future__ import annotations

import pytest

from jixiao.store import open_store


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    yield s
    s.close()
