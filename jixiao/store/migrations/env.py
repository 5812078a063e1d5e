"""Alembic environment. jixiao runs migrations itself (`jixiao.store.db.upgrade`), passing the
open connection in `config.attributes["connection"]`; there is no alembic.ini to keep in sync."""

from alembic import context

from jixiao.store.schema import Base, include_object

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("jixiao migrations need an open connection (use jixiao.store.db.upgrade)")
    context.configure(connection=connection, target_metadata=target_metadata, include_object=include_object,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run()
