"""Scoring and checking a form for the store: the same `score_form` / `check_form` the command
line uses, turned into what a form row keeps (JSON documents, filter columns, finding rows)."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from ..checks import FormReport, check_form, check_forms, report_to_dict
from ..model import DEPARTMENT, TRANSFER, Form
from ..readers.jsonio import assessment_to_dict, form_to_dict
from ..rules import RuleSet, load_ruleset
from ..score import score_form
from .schema import FindingRow, FormRow

TEN_THOUSAND = Decimal(10000)


def ruleset_from_text(content: str) -> RuleSet:
    """A rule set stored in the database (TOML text) → RuleSet, through the one file loader."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ruleset.toml"
        path.write_text(content, encoding="utf-8")
        return load_ruleset(path)


def report_one(form: Form, ruleset: RuleSet) -> FormReport:
    """Score and check a single form (an edit or a new form; no cross-form checks)."""
    assessment = score_form(form, ruleset)
    return FormReport(form, assessment, check_form(form, ruleset, assessment))


def report_many(forms: list[Form], ruleset: RuleSet) -> list[FormReport]:
    """Score and check the forms of one file together (adds the cross-form D002)."""
    return check_forms(forms, ruleset)


def store_department(form: Form) -> str:
    """The department a stored form belongs to (who may see it): the 主管部门 of a project form,
    the department a department-wide form is about, the 地方主管部门 of a transfer payment."""
    if form.kind == DEPARTMENT:
        return form.department.text or form.project.text
    if form.kind == TRANSFER:
        return form.local_department.text or form.department.text
    return form.department.text


def _in_yuan(value: Decimal | None, amount_unit: str) -> Decimal | None:
    if value is None:
        return None
    return value * TEN_THOUSAND if amount_unit == "万元" else value


def apply_report(row: FormRow, report: FormReport, ruleset: RuleSet) -> None:
    """Write a freshly checked form into its row: JSON, filter columns and finding rows.

    A reviewer's comment on a finding survives a re-check when the same rule still fires on the
    same cell, so that editing an unrelated value does not erase the review.
    """
    # Read the old findings before changing any column: loading them may flush the session, and
    # every flush of a changed row is a new version (version_id_col).
    reviewed = {
        (f.rule, f.field, f.indicator_index): f for f in row.findings if f.review_decision or f.review_comment
    }
    form, a = report.form, report.assessment
    t = form.funds.total
    row.data = form_to_dict(form)
    row.report = report_to_dict(report)
    row.assessment = assessment_to_dict(a)
    row.ruleset = ruleset.id
    row.year = form.year
    row.kind = form.kind
    row.department = store_department(form)
    row.unit = form.unit.text
    row.project = form.project.text
    row.amount_unit = form.amount_unit
    row.budget = _in_yuan(t.annual_budget.value, form.amount_unit)
    row.executed = _in_yuan(t.executed.value, form.amount_unit)
    row.rate = a.rate
    row.self_total = a.self_total
    row.rescored_total = a.rescored_total
    row.self_grade = a.self_grade
    row.rescored_grade = a.rescored_grade
    sev = [f.severity for f in report.findings]
    row.error_count, row.warning_count, row.info_count = (sev.count(s) for s in ("error", "warning", "info"))

    row.findings.clear()
    for pos, f in enumerate(report.findings):
        fr = FindingRow(
            position=pos,
            rule=f.rule,
            severity=f.severity,
            message=f.message,
            indicator=f.indicator,
            indicator_index=f.index,
            field=f.field,
            expected=f.expected,
            printed=f.printed,
            difference=f.difference,
            location=f.location.to_dict() if f.location else None,
        )
        old = reviewed.get((f.rule, f.field, f.index))
        if old is not None:
            fr.review_decision, fr.review_comment = old.review_decision, old.review_comment
            fr.reviewed_by, fr.reviewed_at = old.reviewed_by, old.reviewed_at
        row.findings.append(fr)

