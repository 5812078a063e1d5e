"""Scoring and checking a form for the store: the same `score_form` / `check_form` the command
line uses, turned into what a form row keeps (JSON documents, filter columns, finding rows)."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..checks import FormReport, check_form, check_forms, report_to_dict
from ..model import Form, Loc
from ..readers.jsonio import form_to_dict
from ..rules import RuleSet, load_ruleset
from ..score import score_form
from .schema import FindingRow, FormRow

TEN_THOUSAND = Decimal(10000)


def plain(value: Any) -> Any:
    """Any result object → JSON-safe values: Decimal → str (never float), dataclass → dict."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Loc):
        return value.to_dict()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


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


def assessment_dict(report: FormReport) -> dict:
    return plain(report.assessment)


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
    row.report = plain(report_to_dict(report))
    row.assessment = plain(a)
    row.ruleset = ruleset.id
    row.year = form.year
    row.department = form.department.text
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
            expected=_text(f.expected),
            printed=_text(f.printed),
            difference=_text(f.difference),
            location=f.location.to_dict() if f.location else None,
        )
        old = reviewed.get((f.rule, f.field, f.index))
        if old is not None:
            fr.review_decision, fr.review_comment = old.review_decision, old.review_comment
            fr.reviewed_by, fr.reviewed_at = old.reviewed_by, old.reviewed_at
        row.findings.append(fr)


def _text(v: Any) -> str | None:
    if v is None:
        return None
    return format(v, "f") if isinstance(v, Decimal) else str(v)
