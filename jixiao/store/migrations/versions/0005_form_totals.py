"""Running totals of the forms (`form_totals`, kept by `store.totals`), built from the stored forms.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

from jixiao.store.types import ExactDecimal

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_totals",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("department", sa.String(200), primary_key=True),
        sa.Column("unit", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(10), primary_key=True),
        sa.Column("item", sa.String(40), primary_key=True),
        *(sa.Column(c, sa.Integer, nullable=False) for c in ("forms", "findings", "money")),
        sa.Column("budget", ExactDecimal(4), nullable=False),
        sa.Column("executed", ExactDecimal(4), nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("scored", sa.Integer, nullable=False),
        sa.Column("self_sum", ExactDecimal(2), nullable=False),
        sa.Column("rescored_sum", ExactDecimal(2), nullable=False),
    )
    op.create_index("ix_form_totals_item", "form_totals", ["item", "department", "unit"])
    # The totals of the forms already stored: the code that keeps them afterwards adds them up
    # (one definition of what a form contributes).
    from jixiao.store import totals

    totals.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("form_totals")
