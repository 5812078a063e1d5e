"""Server-side sessions, the security log (log-ins, failures, lockouts), and an index for every
filter and sort of the form list.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Written out (not imported from schema.py): a migration is a record of what it did.
SORTED_COLUMNS = ("unit", "project", "budget", "executed", "rate", "self_total", "rescored_total",
                  "rescored_grade", "error_count", "warning_count", "updated_at")

SUMMARY_COLUMNS = ("department", "unit", "year", "status", "rescored_grade", "self_grade", "error_count", "rate",
                   "budget", "executed", "self_total", "rescored_total", "id")


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
    )
    op.create_index("ix_sessions_user", "sessions", ["user_id"])
    op.create_index("ix_sessions_last_seen", "sessions", ["last_seen"])
    op.create_table(
        "auth_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("by_user", sa.String(100)),
    )
    op.create_index("ix_auth_events_username", "auth_events", ["username", "at"])
    op.create_index("ix_auth_events_address", "auth_events", ["address", "at"])
    op.create_index("ix_auth_events_at", "auth_events", ["at"])
    for c in SORTED_COLUMNS:
        op.create_index(f"ix_forms_{c}", "forms", [c, "id"])
    op.create_index("ix_forms_source_file", "forms", ["source_file_id", "position"])
    op.create_index("ix_forms_summary", "forms", list(SUMMARY_COLUMNS))
    op.drop_index("ix_findings_rule", "findings")
    op.create_index("ix_findings_rule_form", "findings", ["rule", "form_id"])


def downgrade() -> None:
    op.drop_index("ix_forms_summary", "forms")
    op.drop_index("ix_findings_rule_form", "findings")
    op.create_index("ix_findings_rule", "findings", ["rule"])
    op.drop_index("ix_forms_source_file", "forms")
    for c in SORTED_COLUMNS:
        op.drop_index(f"ix_forms_{c}", "forms")
    op.drop_table("auth_events")
    op.drop_table("sessions")
