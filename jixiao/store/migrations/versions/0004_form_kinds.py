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


def upgrade() -> None:
    # every form stored before this revision is a project form
    op.add_column("forms", sa.Column("kind", sa.String(10), nullable=False, server_default="project"))
    op.create_index("ix_forms_kind", "forms", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_forms_kind", table_name="forms")
    with op.batch_alter_table("forms") as batch:
        batch.drop_column("kind")
