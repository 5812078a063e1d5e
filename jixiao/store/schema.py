"""The tables of the store. The Alembic scripts in `migrations/` create exactly these (a test
compares them), so change both together: a new column is a new migration.

A form row keeps the whole form as JSON (`data`, what `jixiao parse --json` writes) and the
check report (`report`, what `jixiao check --json` writes), plus copies of the values people
filter and sort on. The copies are rewritten from the JSON on every save, never edited alone.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import ExactDecimal

# Roles (user-facing words, stored as they are shown).
ROLE_UNIT = "填报"  # a unit: fills in and submits its own forms
ROLE_REVIEWER = "审核"  # reviews the forms of one or more departments
ROLE_ADMIN = "管理员"  # users and rule sets; sees everything
ROLES = (ROLE_UNIT, ROLE_REVIEWER, ROLE_ADMIN)

# Review workflow: 草稿 → 已提交 → 已审核, or 已提交 → 退回 → 已提交 …
DRAFT, SUBMITTED, APPROVED, RETURNED = "草稿", "已提交", "已审核", "退回"
STATUSES = (DRAFT, SUBMITTED, APPROVED, RETURNED)

# A reviewer's decision on one finding.
ACCEPTED, CORRECTION = "说明已接受", "需更正"
DECISIONS = (ACCEPTED, CORRECTION)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# The forms' columns the list sorts or filters on that have an index of their own (with the id).
SORTED_COLUMNS = ("unit", "project", "budget", "executed", "rate", "self_total", "rescored_total",
                  "rescored_grade", "error_count", "warning_count", "updated_at")


SUMMARY_COLUMNS = ("department", "unit", "year", "status", "rescored_grade", "self_grade", "error_count", "rate",
                   "budget", "executed", "self_total", "rescored_total", "kind", "id")


class Base(DeclarativeBase):
    pass


# Indexes a migration creates only where the database can (0006: trigrams of the project name on
# PostgreSQL with pg_trgm): not declared here, and left out when the schema is compared.
OPTIONAL_INDEXES = {"ix_forms_project_trgm"}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter for comparing the database with these tables."""
    return not (type_ == "index" and name in OPTIONAL_INDEXES)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str | None] = mapped_column(String(200))  # 填报: the unit it fills in for
    departments: Mapped[list] = mapped_column(JSON, default=list)  # 审核: departments it reviews
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Department(Base):
    """A 主管部门 in the administration's list; users and units name it as forms print it."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Unit(Base):
    """An 实施单位 of one department, as forms print its name."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    department: Mapped[Department] = relationship()


class SourceFile(Base):
    """An imported file, kept byte for byte; the same bytes are stored once (sha256)."""

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer)
    # Deferred: a form's page names its file but never needs the bytes (Store.source_file loads them).
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    read_errors: Mapped[list] = mapped_column(JSON, default=list)  # [{message, location}]
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class FormRow(Base):
    __tablename__ = "forms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)  # order of the form within its file
    data: Mapped[dict] = mapped_column(JSON)  # form_to_dict(form)
    report: Mapped[dict] = mapped_column(JSON)  # report_to_dict(...) incl. findings
    assessment: Mapped[dict] = mapped_column(JSON)  # the re-scoring, per indicator
    ruleset: Mapped[str] = mapped_column(String(100))

    year: Mapped[int | None] = mapped_column(Integer)
    # project / department / transfer (model.KINDS); a department-wide form's department is the
    # department it is about, a transfer-payment form's its 地方主管部门
    kind: Mapped[str] = mapped_column(String(10), default="project", server_default="project")
    department: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    project: Mapped[str] = mapped_column(String(500), default="")
    amount_unit: Mapped[str] = mapped_column(String(10), default="元")
    budget: Mapped[Decimal | None] = mapped_column(ExactDecimal(4))  # 全年预算数, always in 元
    executed: Mapped[Decimal | None] = mapped_column(ExactDecimal(4))  # 全年执行数, in 元
    rate: Mapped[Decimal | None] = mapped_column(ExactDecimal(4))  # computed 执行率, %
    self_total: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    rescored_total: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    self_grade: Mapped[str | None] = mapped_column(String(4))
    rescored_grade: Mapped[str | None] = mapped_column(String(4))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    info_count: Mapped[int] = mapped_column(Integer, default=0)

    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="form", cascade="all, delete-orphan", order_by="FindingRow.position"
    )
    source_file: Mapped[SourceFile | None] = relationship()

    # The ORM adds "AND version = :old" to every UPDATE and raises StaleDataError when another
    # session got there first: the database itself arbitrates two simultaneous saves.
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        Index("ix_forms_year", "year"),
        Index("ix_forms_department_unit", "department", "unit"),
        Index("ix_forms_status", "status"),
        Index("ix_forms_kind", "kind"),
        # One per filter and sort column of the list (queries.SORTS, FormFilter), with the id that
        # breaks ties, so a page of a sorted list is read from an index (migration 0002).
        *(Index(f"ix_forms_{c}", c, "id") for c in SORTED_COLUMNS),
        Index("ix_forms_source_file", "source_file_id", "position"),
        # Every column the dashboard adds up, so that its scans read this index alone and not the
        # table's rows, which carry the form's JSON (kilobytes each).
        Index("ix_forms_summary", *SUMMARY_COLUMNS),
    )


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    rule: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str | None] = mapped_column(String(500))
    indicator_index: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(100))
    expected: Mapped[str | None] = mapped_column(Text)
    printed: Mapped[str | None] = mapped_column(Text)
    difference: Mapped[str | None] = mapped_column(Text)
    location: Mapped[dict | None] = mapped_column(JSON)
    review_decision: Mapped[str | None] = mapped_column(String(20))  # 说明已接受 / 需更正
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    form: Mapped[FormRow] = relationship(back_populates="findings")

    __table_args__ = (Index("ix_findings_form", "form_id"), Index("ix_findings_rule_form", "rule", "form_id"))


class AuditEntry(Base):
    """Who changed what on a form, when: one row per changed field or status step."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(20))  # 导入 创建 修改 提交 审核通过 退回 复核意见
    field: Mapped[str | None] = mapped_column(String(100))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_form", "form_id"),)


class AttachmentBlob(Base):
    """The bytes of an attached file, once per content (sha256), however often it is attached."""

    __tablename__ = "attachment_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    """A 佐证材料 file attached to a form, or to one indicator row of it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    indicator: Mapped[int | None] = mapped_column(Integer)  # index into the form's indicators; None = whole form
    filename: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_blobs.sha256"))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_attachments_form", "form_id"),)


class RuleSetRow(Base):
    """A rule-set file an administrator uploaded; the active one scores every save and import."""

    __tablename__ = "rulesets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    content: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Setting(Base):
    """Small key/value settings, e.g. the generated session secret."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SessionRow(Base):
    """A log-in session. The browser's cookie holds only a random token; this row holds its
    SHA-256 (a stolen copy of the table opens no session), whose user it is, and the little the
    pages keep between requests (the CSRF token, a flash message). Deleting the row ends it."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (Index("ix_sessions_user", "user_id"), Index("ix_sessions_last_seen", "last_seen"))


class AuthEvent(Base):
    """The security log: every log-in, failed log-in, lockout, unlock, log-out and password
    change, with the user name tried and the client address. Log-in throttling counts its rows."""

    __tablename__ = "auth_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(20))  # see security.EVENTS
    username: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str | None] = mapped_column(Text)
    by_user: Mapped[str | None] = mapped_column(String(100))  # who did it, when not the user (an admin)

    __table_args__ = (Index("ix_auth_events_username", "username", "at"), Index("ix_auth_events_address", "address", "at"),
                      Index("ix_auth_events_at", "at"))


class FormTotal(Base):
    """Running totals of the forms (`store.totals`): per (year, kind, department, unit, status)
    and `item`, the number of forms and, for the item "" , their summed figures. Every write of a
    form or its findings updates them in the same transaction, so the dashboard, the review
    progress and the list's total add up a few hundred of these rows instead of 100,000 forms.

    Items: "" (every form: forms, money, budget, executed, errors, scored, self_sum, rescored_sum),
    "gs:优" / "gr:优" (self / re-scored grade), "hs:3" / "hr:3" (histogram bin of the self / re-scored
    total), "c:2:5" (rate bin × re-score bin), "r:W002" (forms with findings of the rule; `findings`
    counts them). A form without a year counts under year 0."""

    __tablename__ = "form_totals"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    department: Mapped[str] = mapped_column(String(200), primary_key=True)
    unit: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    item: Mapped[str] = mapped_column(String(40), primary_key=True)
    forms: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    money: Mapped[int] = mapped_column(Integer, default=0)  # forms with both a budget and an executed amount
    budget: Mapped[Decimal] = mapped_column(ExactDecimal(4), default=Decimal(0))
    executed: Mapped[Decimal] = mapped_column(ExactDecimal(4), default=Decimal(0))
    errors: Mapped[int] = mapped_column(Integer, default=0)
    scored: Mapped[int] = mapped_column(Integer, default=0)  # forms with both a self and a re-scored total
    self_sum: Mapped[Decimal] = mapped_column(ExactDecimal(2), default=Decimal(0))
    rescored_sum: Mapped[Decimal] = mapped_column(ExactDecimal(2), default=Decimal(0))

    __table_args__ = (Index("ix_form_totals_item", "item", "department", "unit"),)
