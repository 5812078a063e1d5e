"""What waits for whom: each role's to-do list (the page 待办, `GET /api/todo`, and the count in
the navigation bar).

- 填报: its returned forms (with the reviewer's comment), then its drafts;
- 审核: the submitted forms of its departments, longest waiting first;
- 管理员: accounts that need a look (locked after failed log-ins, deactivated, or placed in a unit
  or department that is not in the lists or has been deactivated).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import security
from .access import scoped
from .schema import (DRAFT, RETURNED, ROLE_ADMIN, ROLE_REVIEWER, ROLE_UNIT, SUBMITTED, AuditEntry, Department,
                     FormRow, Unit, User)

TODO_WORDS = {RETURNED: "按退回意见修改后重新提交", DRAFT: "填写完成后提交审核", SUBMITTED: "审核"}


def _return_comments(s: Session, ids: list[int]) -> dict[int, str | None]:
    """The latest return comment of each form (later rows overwrite earlier ones)."""
    out: dict[int, str | None] = {}
    for k in range(0, len(ids), 1000):
        for form_id, comment in s.execute(
                select(AuditEntry.form_id, AuditEntry.comment)
                .where(AuditEntry.form_id.in_(ids[k:k + 1000]), AuditEntry.field == "status", AuditEntry.new == RETURNED)
                .order_by(AuditEntry.at, AuditEntry.id)):
            out[form_id] = comment
    return out


def _form_items(s: Session, user: User, statuses: tuple[str, ...]) -> list[dict]:
    rows = list(s.execute(scoped(select(FormRow.id, FormRow.project, FormRow.status, FormRow.department,
                                        FormRow.unit, FormRow.updated_at), user)
                          .where(FormRow.status.in_(statuses))))
    order = {st: k for k, st in enumerate(statuses)}
    rows.sort(key=lambda r: (order[r.status], r.updated_at if r.status == SUBMITTED else -r.id))
    comments = _return_comments(s, [r.id for r in rows if r.status == RETURNED])
    return [{"kind": "form", "id": r.id, "project": r.project, "status": r.status, "department": r.department,
             "unit": r.unit, "todo": TODO_WORDS[r.status], "comment": comments.get(r.id), "since": r.updated_at}
            for r in rows]


def _account_items(s: Session) -> list[dict]:
    deps = {d.name: d.active for d in s.scalars(select(Department))}
    units = {u.name: u.active for u in s.scalars(select(Unit))}
    locked = security.locked_accounts(s)
    items = []
    for u in s.scalars(select(User).order_by(User.id)):
        why = None
        if not u.active:
            why = "账号已停用：如仍需使用请启用，否则无需处理"
        elif u.username in locked:
            why = (f"登录失败次数过多，已锁定至 {security.when_text(locked[u.username])}（北京时间）："
                   "如确认是本人，可在“安全日志”页解锁")
        elif u.role == ROLE_UNIT and not units.get(u.unit or "", False):
            why = f"所属实施单位“{u.unit}”不在单位名录中或已停用：请核对并重新分配"
        elif u.role == ROLE_REVIEWER and not all(deps.get(d, False) for d in u.departments or []):
            why = "负责的主管部门有的不在名录中或已停用：请核对并重新分配"
        if why:
            items.append({"kind": "user", "id": u.id, "username": u.username, "role": u.role, "todo": why,
                          "locked": u.username in locked and u.active})
    return items


def _waiting(user: User) -> tuple[str, ...]:
    return {ROLE_UNIT: (RETURNED, DRAFT), ROLE_REVIEWER: (SUBMITTED,)}.get(user.role, ())


def todo(s: Session, user: User) -> list[dict]:
    if user.role == ROLE_ADMIN:
        return _account_items(s)
    return _form_items(s, user, _waiting(user)) if _waiting(user) else []


def count(s: Session, user: User) -> int:
    """How many to-dos (the navigation bar's number): one COUNT for the forms."""
    if user.role == ROLE_ADMIN:
        return len(_account_items(s))
    statuses = _waiting(user)
    if not statuses:
        return 0
    return s.scalar(scoped(select(func.count(FormRow.id)), user).where(FormRow.status.in_(statuses))) or 0
