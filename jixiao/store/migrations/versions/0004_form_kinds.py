"""Form kinds: a project, department-wide (部门整体支出) or transfer-payment (转移支付) form.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Written out (not imported from schema.py): a migration is a record of what it did.
SUMMARY_COLUMNS = ("department", "unit", "year", "status", "rescored_grade", "self_grade", "error_count", "rate",
                   "budget", "executed", "self_total", "rescored_total", "kind", "id")


def upgrade() -> None:
    # every form stored before this revision is a project form
    op.add_column("forms", sa.Column("kind", sa.String(10), nullable=False, server_default="project"))
    op.create_index("ix_forms_kind", "forms", ["kind"])
    # the dashboard adds up by kind too: its covering index (0002) gains the column
    op.drop_index("ix_forms_summary", "forms")
    op.create_index("ix_forms_summary", "forms", list(SUMMARY_COLUMNS))


def downgrade() -> None:
    op.drop_index("ix_forms_summary", "forms")
    op.create_index("ix_forms_summary", "forms", [c for c in SUMMARY_COLUMNS if c != "kind"])
    op.drop_index("ix_forms_kind", table_name="forms")
    with op.batch_alter_table("forms") as batch:
        batch.drop_column("kind")
