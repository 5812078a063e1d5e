"""The Alembic migrations create exactly the tables the code declares, and run again harmlessly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from jixiao.store import open_store
from jixiao.store.schema import Base, include_object


def test_migrations_match_the_declared_schema(store):
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"include_object": include_object}),
                                 Base.metadata)
        indexes = {i["name"] for i in inspect(conn).get_indexes("forms")}
    assert diffs == []
    # the project name's trigram index where the database has pg_trgm (contrib is installed here)
    assert ("ix_forms_project_trgm" in indexes) == (store.engine.dialect.name == "postgresql")


def test_opening_an_existing_store_again_runs_no_migration_twice(db_url, seed_path):
    with open_store(db_url) as first:
        first.import_file(seed_path)
    with open_store(db_url) as again:
        assert len(again.list_forms()) == 10
        tables = set(inspect(again.engine).get_table_names())
    assert {"alembic_version", "forms", "findings", "source_files", "audit_log", "users"} <= tables
