"""Project-name search by trigrams on PostgreSQL: the list's `q` (project LIKE '%…%') reads a GIN
index instead of every form. Needs the pg_trgm extension (in PostgreSQL's contrib, trusted since
PostgreSQL 13, so a database owner may create it); where it cannot be created the migration logs
why and the search keeps working without the index. SQLite keeps its plain LIKE.

Revision ID: 0006
Revises: 0005
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "ix_forms_project_trgm"  # schema.OPTIONAL_INDEXES: not declared in the schema


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as e:
        logging.getLogger("jixiao.store").warning(
            "未建立项目名称的三元组索引（pg_trgm 扩展无法创建：%s）；按项目名称搜索仍可用，但需逐表查找",
            str(getattr(e, "orig", e)).strip().splitlines()[0])
        return
    op.create_index(INDEX, "forms", ["project"], postgresql_using="gin", postgresql_ops={"project": "gin_trgm_ops"})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
