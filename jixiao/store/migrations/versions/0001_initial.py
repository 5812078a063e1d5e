"""The first schema: users, source files, forms, findings, audit log, rule sets, settings.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from jixiao.store.types import ExactDecimal

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("unit", sa.String(200)),
        sa.Column("departments", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        _ts("created_at"),
    )
    op.create_table(
        "source_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("filename", sa.String(500), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("read_errors", sa.JSON, nullable=False),
        _ts("imported_at"),
        sa.Column("imported_by", sa.Integer, sa.ForeignKey("users.id")),
    )
    op.create_table(
        "forms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_file_id", sa.Integer, sa.ForeignKey("source_files.id")),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
        sa.Column("assessment", sa.JSON, nullable=False),
        sa.Column("ruleset", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("project", sa.String(500), nullable=False),
        sa.Column("amount_unit", sa.String(10), nullable=False),
        sa.Column("budget", ExactDecimal(4)),
        sa.Column("executed", ExactDecimal(4)),
        sa.Column("rate", ExactDecimal(4)),
        sa.Column("self_total", ExactDecimal(2)),
        sa.Column("rescored_total", ExactDecimal(2)),
        sa.Column("self_grade", sa.String(4)),
        sa.Column("rescored_grade", sa.String(4)),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("warning_count", sa.Integer, nullable=False),
        sa.Column("info_count", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id")),
    )
    op.create_index("ix_forms_year", "forms", ["year"])
    op.create_index("ix_forms_department_unit", "forms", ["department", "unit"])
    op.create_index("ix_forms_status", "forms", ["status"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.Integer, sa.ForeignKey("forms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("rule", sa.String(10), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("indicator", sa.String(500)),
        sa.Column("indicator_index", sa.Integer),
        sa.Column("field", sa.String(100)),
        sa.Column("expected", sa.Text),
        sa.Column("printed", sa.Text),
        sa.Column("difference", sa.Text),
        sa.Column("location", sa.JSON),
        sa.Column("review_decision", sa.String(20)),
        sa.Column("review_comment", sa.Text),
        sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("users.id")),
        _ts("reviewed_at", nullable=True),
    )
    op.create_index("ix_findings_form", "findings", ["form_id"])
    op.create_index("ix_findings_rule", "findings", ["rule"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.Integer, sa.ForeignKey("forms.id", ondelete="CASCADE"), nullable=False),
        _ts("at"),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("field", sa.String(100)),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ix_audit_form", "audit_log", ["form_id"])
    op.create_table(
        "rulesets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        _ts("uploaded_at"),
        sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("users.id")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("settings", "rulesets", "audit_log", "findings", "forms", "source_files", "users"):
        op.drop_table(table)
