"""Who may see and do what. One place, used by the store's services and by every web route.

- 填报 (a unit): sees and edits the forms of its own unit, submits them.
- 审核 (a reviewer): sees the forms of its departments from submission on (never a unit's
  draft), approves or returns submitted ones.
- 管理员: sees everything, manages users and rule sets, may act in every role.
"""

from __future__ import annotations

from sqlalchemy import Select, false

from .schema import APPROVED, DRAFT, RETURNED, ROLE_ADMIN, ROLE_REVIEWER, ROLE_UNIT, SUBMITTED, FormRow, User

EDITABLE = (DRAFT, RETURNED)


def sees(user: User | None, department: str, unit: str) -> bool:
    """May this user see a form of this department and unit? (None = the system itself.)"""
    if user is None or user.role == ROLE_ADMIN:
        return True
    if user.role == ROLE_UNIT:
        return bool(user.unit) and unit == user.unit
    if user.role == ROLE_REVIEWER:
        return department in (user.departments or [])
    return False


def sees_form(user: User | None, row: FormRow) -> bool:
    """May this user open this stored form? A reviewer never sees a draft."""
    if user is not None and user.role == ROLE_REVIEWER and row.status == DRAFT:
        return False
    return sees(user, row.department, row.unit)


def unrestricted(user: User | None) -> bool:
    """Does this user see every form (so a query need not be restricted at all)?"""
    return user is None or user.role == ROLE_ADMIN


def scoped(stmt: Select, user: User | None, on=FormRow) -> Select:
    """Restrict a query over FormRow to the forms the user may see (`on`: another table with the
    forms' unit, department and status columns, such as the running totals' `FormTotal.__table__.c`)."""
    if unrestricted(user):
        return stmt
    if user.role == ROLE_UNIT:
        return stmt.where(on.unit == user.unit) if user.unit else stmt.where(false())
    if user.role == ROLE_REVIEWER:
        deps = list(user.departments or [])
        return stmt.where(on.department.in_(deps), on.status != DRAFT) if deps else stmt.where(false())
    return stmt.where(false())


def can_edit(user: User, row: FormRow) -> bool:
    return user.role in (ROLE_UNIT, ROLE_ADMIN) and sees_form(user, row) and row.status in EDITABLE


def can_submit(user: User, row: FormRow) -> bool:
    return can_edit(user, row)


def can_review(user: User, row: FormRow) -> bool:
    return user.role in (ROLE_REVIEWER, ROLE_ADMIN) and sees_form(user, row) and row.status == SUBMITTED


def can_create(user: User) -> bool:
    return user.role in (ROLE_UNIT, ROLE_ADMIN)


def status_after(action: str) -> tuple[tuple[str, ...], str]:
    """The statuses an action starts from, and the status it leads to."""
    return {
        "submit": (EDITABLE, SUBMITTED),
        "approve": ((SUBMITTED,), APPROVED),
        "return": ((SUBMITTED,), RETURNED),
    }[action]


def permissions(user: User, row: FormRow) -> dict[str, bool]:
    """What the user may do with this form now (the pages show only these buttons)."""
    return {"edit": can_edit(user, row), "submit": can_submit(user, row), "review": can_review(user, row),
            "attach": can_edit(user, row)}
