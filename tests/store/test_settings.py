"""The session secret: from $JIXIAO_SECRET, or generated once and kept in the database."""

from __future__ import annotations

from jixiao.store import open_store


def test_the_generated_secret_survives_a_restart(db_url, monkeypatch):
    monkeypatch.delenv("JIXIAO_SECRET", raising=False)
    with open_store(db_url) as first:
        secret = first.secret()
    with open_store(db_url) as again:
        assert again.secret() == secret and len(secret) >= 48


def test_the_environment_wins(db_url, monkeypatch):
    monkeypatch.setenv("JIXIAO_SECRET", "from-the-environment")
    with open_store(db_url) as store:
        assert store.secret() == "from-the-environment"
