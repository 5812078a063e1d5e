"""Changing stored forms: saving an edit, the review workflow, reviewers' comments on findings.

Every change is re-scored and re-checked with the active rule set and leaves one audit entry per
changed field (who, when, field, old → new). A save names the version the user started from;
if the form has moved on since, the save is refused instead of overwriting the other person.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.exc import StaleDataError

from ..model import Form
from ..readers.jsonio import form_to_dict
from ..rules import RuleSet
from . import access
from .assess import apply_report, report_one
from .errors import Conflict, Forbidden, Invalid, NeedsConfirmation, NotFound
from .schema import ACCEPTED, DECISIONS, DRAFT, AuditEntry, FindingRow, FormRow, User, utcnow

ACTION_WORDS = {"submit": "提交", "approve": "审核通过", "return": "退回"}
# Passing a form on with open errors needs the person's confirmation (returning it does not).
CONFIRMED_ACTIONS = ("submit", "approve")


def flatten(data: dict, prefix: str = "") -> dict[str, str]:
    """A form's JSON as cell → printed value, keyed like Finding.field ('indicators[3].actual').

    Source locations and reading repairs are not values a person edits, so they are left out.
    """
    out: dict[str, str] = {}
    for key, value in data.items():
        if key in ("source", "repairs", "inferred"):
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    out.update(flatten(item, f"{name}[{i}]."))
                else:
                    out[f"{name}[{i}]"] = "" if item is None else str(item)
        else:
            out[name] = "" if value is None else str(value)
    return out


def changes(old: dict, new: dict) -> list[tuple[str, str, str]]:
    a, b = flatten(old), flatten(new)
    keys = list(a) + [k for k in b if k not in a]
    return [(k, a.get(k, ""), b.get(k, "")) for k in keys if a.get(k, "") != b.get(k, "")]


def visible(s: Session, form_id: int, user: User | None, light: bool = False) -> FormRow:
    """The form if the user may see it, else NotFound. `light`: without its JSON columns (the form,
    report and re-scoring), for a caller that reads only what belongs to the form (its audit
    trail, review, evidence)."""
    options = [defer(FormRow.data), defer(FormRow.report), defer(FormRow.assessment)] if light else []
    row = s.get(FormRow, form_id, options=options)
    if row is None or not access.sees_form(user, row):
        raise NotFound(f"没有编号为 {form_id} 的自评表，或您无权查看")
    return row


def _check_version(row: FormRow, version: int | None) -> None:
    if version is not None and int(version) != row.version:
        raise Conflict(
            f"保存失败：这张表在您打开之后已被其他人修改（您打开的是第 {version} 版，现在是第 {row.version} 版）。"
            "为避免覆盖他人的修改，本次修改未保存，请刷新页面查看最新内容后再修改。",
            current_version=row.version,
        )


def _flush(s: Session, row: FormRow) -> None:
    try:
        s.flush()
    except StaleDataError as e:  # another session saved between our read and our write
        raise Conflict("保存失败：这张表刚刚被其他人修改，本次修改未保存，请刷新页面后再修改。") from e


def _audit(s: Session, row: FormRow, user: User | None, action: str, field: str | None = None,
           old: str | None = None, new: str | None = None, comment: str | None = None) -> None:
    s.add(AuditEntry(form_id=row.id, user_id=user.id if user else None, username=user.username if user else "系统",
                     action=action, field=field, old=old, new=new, comment=comment, at=utcnow()))


YEAR_MIN, YEAR_MAX = 1900, 2100


def check_content(form: Form) -> None:
    """A form a person saves must name its project, and its year must be a year."""
    if not form.project.text.strip():
        raise Invalid("表内容为空或缺少项目名称：请至少填写项目名称")
    if form.year is not None and not YEAR_MIN <= form.year <= YEAR_MAX:
        raise Invalid(f"年度“{form.year}”无效：应在 {YEAR_MIN}–{YEAR_MAX} 之间")


def _keep_in_scope(user: User, form: Form) -> None:
    if not access.sees(user, form.department.text, form.unit.text):
        raise Forbidden(f"您只能填报本人负责范围内的自评表（实施单位：{user.unit or '—'}），"
                        f"不能把实施单位或主管部门改为“{form.unit.text}”/“{form.department.text}”")


def create_form(s: Session, form: Form, user: User, ruleset: RuleSet) -> FormRow:
    if not access.can_create(user):
        raise Forbidden("只有填报用户或管理员可以新建自评表")
    check_content(form)
    _keep_in_scope(user, form)
    row = FormRow(status=DRAFT, created_by=user.id, updated_by=user.id, position=0)
    apply_report(row, report_one(form, ruleset), ruleset)
    s.add(row)
    s.flush()
    _audit(s, row, user, "创建", comment="新建自评表")
    return row


def save_form(s: Session, form_id: int, form: Form, version: int | None, user: User, ruleset: RuleSet) -> FormRow:
    row = visible(s, form_id, user)
    if not access.can_edit(user, row):
        raise Forbidden(f"这张表当前状态为“{row.status}”，您不能修改（只有草稿或退回的表可由填报单位修改）")
    _check_version(row, version)
    check_content(form)
    _keep_in_scope(user, form)
    diff = changes(row.data, form_to_dict(form))
    if not diff:
        return row  # nothing changed: keep the version and the findings, write no audit entry
    with s.no_autoflush:  # one UPDATE, so one new version, however many attributes change
        row.updated_at, row.updated_by = utcnow(), user.id
        apply_report(row, report_one(form, ruleset), ruleset)
    _flush(s, row)
    for field, before, after in diff:
        _audit(s, row, user, "修改", field, before, after)
    return row


def open_errors(row: FormRow) -> list[FindingRow]:
    """The errors a reviewer has not accepted: what submitting or approving would pass on."""
    return [f for f in row.findings if f.severity == "error" and f.review_decision != ACCEPTED]


def open_error_json(f: FindingRow) -> dict:
    return {"id": f.id, "rule": f.rule, "field": f.field, "message": f.message}


def change_status(s: Session, form_id: int, action: str, version: int | None, user: User,
                  comment: str | None = None, confirm: bool = False) -> FormRow:
    row = visible(s, form_id, user)
    allowed = access.can_review(user, row) if action in ("approve", "return") else access.can_submit(user, row)
    word = ACTION_WORDS[action]
    if not allowed:
        raise Forbidden(f"这张表当前状态为“{row.status}”，您不能执行“{word}”")
    _check_version(row, version)
    comment = (comment or "").strip() or None
    if action == "return" and not comment:
        raise Invalid("退回时必须填写退回意见，说明需要更正什么")
    errors = open_errors(row) if action in CONFIRMED_ACTIONS else []
    if errors and not confirm:
        raise NeedsConfirmation(
            f"这张表还有 {len(errors)} 处错误未更正（也未经审核认可）：" + "；".join(f"{f.rule} {f.message}" for f in errors[:5])
            + ("……" if len(errors) > 5 else "") + f"。如确需{word}，请确认后再{word}。",
            [open_error_json(f) for f in errors])
    if errors:
        note = f"经确认，仍有 {len(errors)} 处错误未更正时{word}"
        comment = f"{comment}（{note}）" if comment else note
    before = row.status
    row.status = access.status_after(action)[1]
    row.updated_at, row.updated_by = utcnow(), user.id
    _flush(s, row)
    _audit(s, row, user, word, "status", before, row.status, comment)
    return row


def review_findings(s: Session, form_id: int, user: User, decisions: list[tuple[int, str | None, str | None]]
                    ) -> list[FindingRow]:
    """Record a reviewer's decisions on several findings at once: (finding id, decision, comment).
    An empty decision with an empty comment leaves the finding undecided. One audit entry per
    finding whose decision or comment changed, naming its cell."""
    row = visible(s, form_id, user)
    if not access.can_review(user, row):
        raise Forbidden(f"只有负责该主管部门的审核人员，在表已提交后，才能对问题填写复核意见（当前状态：{row.status}）")
    by_id = {f.id: f for f in row.findings}
    changed = []
    for finding_id, decision, comment in decisions:
        finding = by_id.get(finding_id)
        if finding is None:
            raise NotFound(f"这张表没有编号为 {finding_id} 的问题")
        decision = (decision or "").strip() or None
        comment = (comment or "").strip() or None
        if decision is None and comment is not None:
            raise Invalid(f"问题 {finding.rule}（{finding.message[:30]}）填写了意见，请同时选择复核结论")
        if decision is not None and decision not in DECISIONS:
            raise Invalid(f"复核结论只能是：{'、'.join(DECISIONS)}")
        if (decision, comment) == (finding.review_decision, finding.review_comment):
            continue
        before = finding.review_decision
        finding.review_decision, finding.review_comment = decision, comment
        finding.reviewed_by, finding.reviewed_at = (user.id, utcnow()) if decision else (None, None)
        _audit(s, row, user, "复核意见", finding.field or None, before, decision,
               f"{finding.rule}：{comment}" if comment else finding.rule)
        changed.append(finding)
    return changed


def review_finding(s: Session, form_id: int, finding_id: int, user: User, decision: str, comment: str | None) -> FindingRow:
    if decision not in DECISIONS:
        raise Invalid(f"复核结论只能是：{'、'.join(DECISIONS)}")
    review_findings(s, form_id, user, [(finding_id, decision, comment)])
    return s.get(FindingRow, finding_id)


def last_review(s: Session, form_id: int) -> dict | None:
    """The latest 审核通过 or 退回 step: its status, comment, reviewer and time."""
    e = s.scalar(select(AuditEntry).where(AuditEntry.form_id == form_id, AuditEntry.field == "status",
                                          AuditEntry.action.in_((ACTION_WORDS["approve"], ACTION_WORDS["return"])))
                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))
    if e is None:
        return None
    return {"status": e.new, "comment": e.comment, "reviewer": e.username, "at": e.at}
