"""The check stage (rules.md §6): form + assessment → findings.

`check_form` runs every check of the catalogue the rule set keeps on; `check_forms` also runs the
cross-form check D002. A check that raises becomes an internal finding (X000) on its form and
never stops the other checks or forms.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from ..model import Form
from ..rules import RuleSet
from ..score import Assessment, score_form
from ..values import decimal_text
from . import funds, kinds, measures, ocr, reading, scores, texts, weights  # noqa: F401 - they register the checks
from ..rules.catalogue import INTERNAL, RULES
from ..rules.implied import imply_weights
from ..rules.pick import ruleset_for
from .finding import Finding
from .reading import finding_from_read_error
from .registry import CHECKS, Context, finding_order

__all__ = [
    "Finding", "FormReport", "check_form", "check_forms", "report_to_dict", "read_error_to_dict",
    "finding_from_read_error", "RULES",
]

@dataclass(slots=True)
class FormReport:
    form: Form
    assessment: Assessment
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


def _internal(form: Form, what: str, exc: BaseException) -> Finding:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f"（{where.filename.rsplit('/', 1)[-1]}:{where.lineno}）" if where else ""
    return Finding(
        rule=INTERNAL.id, severity=INTERNAL.severity,
        message=f"{what}时程序出错：{type(exc).__name__}: {exc}{at}；其他检查不受影响，请报告此问题",
        location=form.source,
    )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; within a severity by rule, then by indicator."""
    return sorted(findings, key=finding_order)


# Checks that read only the form, not the assessment: they still run when scoring failed.
_UNSCORED = frozenset(("P002", "P003", "G001", "F001", "F002", "F005", "W001", "W002", "T001", "T002", "D001", "S006",
                       "F007", "K001", "K003", "K004", "K005"))


def _score(form: Form, ruleset: RuleSet) -> tuple[Assessment, list[Finding]]:
    try:
        return score_form(form, ruleset), []
    except Exception as e:  # noqa: BLE001 - a scoring bug must not stop the batch
        return Assessment(), [_internal(form, "重新评分", e)]


def check_form(form: Form, ruleset: RuleSet, assessment: Assessment | None = None) -> list[Finding]:
    """Every finding of one form (not D002, which needs the other forms). Never raises. A form of
    a kind a bundled rule set is made for, headed in that rule set's taxonomy, is checked under it
    (rules/pick.py)."""
    out: list[Finding] = []
    ruleset = ruleset_for(form, ruleset)
    imply_weights(form, ruleset)  # a form without 分值: the weights this rule set implies (S009)
    if assessment is None:
        assessment, out = _score(form, ruleset)
    ctx = Context(form, ruleset, assessment)
    scored = len(assessment.indicators) == len(form.indicators)
    off = ruleset.switched_off
    for rule, fn in CHECKS.items():  # read on every call: a test may swap a check
        if rule in off or (not scored and rule not in _UNSCORED):
            continue  # switched off, or reads the assessment that is missing (X000 says why)
        try:
            out.extend(fn(ctx))
        except Exception as e:  # noqa: BLE001 - one broken check never stops the others
            out.append(_internal(form, f"检查 {rule}（{RULES[rule].title}）", e))
    return sort_findings(out) if len(out) > 1 else out


def check_forms(forms: list[Form], ruleset: RuleSet) -> list[FormReport]:
    """Score and check every form; add D002 (the same 偏差原因 in several forms)."""
    reports = []
    for form in forms:
        assessment, internal = _score(form, ruleset)
        reports.append(FormReport(form, assessment, internal + check_form(form, ruleset, assessment)))
    if ruleset.check("D002").enabled and len(forms) > 1:
        try:
            shared = texts.repeated_across_forms(forms, ruleset.param("D002", "min_chars", 6))
        except Exception as e:  # noqa: BLE001
            shared = {}
            for r in reports:
                r.findings.append(_internal(r.form, "检查 D002（多张表之间偏差原因重复）", e))
        for fi, items in shared.items():
            r = reports[fi]
            ctx = Context(form=r.form, ruleset=ruleset, assessment=r.assessment)
            try:
                r.findings.extend(texts.cross_form_findings(ctx, forms, items))
            except Exception as e:  # noqa: BLE001
                r.findings.append(_internal(r.form, "检查 D002（多张表之间偏差原因重复）", e))
    for r in reports:
        r.findings = sort_findings(r.findings)
    return reports


def _dec(d) -> str | None:
    return None if d is None else decimal_text(d, exact=True)


def report_to_dict(report: FormReport) -> dict:
    """The `jixiao check --json` object of one form."""
    a = report.assessment
    return {
        "project": report.form.project.text or None,
        "source": str(report.form.source) if report.form.source else None,
        "self_total": _dec(a.self_total),
        "rescored_total": _dec(a.rescored_total),
        "self_grade": a.self_grade,
        "rescored_grade": a.rescored_grade,
        "findings": [f.to_dict() for f in report.findings],
    }


def read_error_to_dict(error, ruleset: RuleSet | None = None) -> dict:
    """A file or form that could not be read, in the same shape, with its P001 finding."""
    return {
        "project": None,
        "source": str(error.loc) if error.loc else None,
        "self_total": None,
        "rescored_total": None,
        "self_grade": None,
        "rescored_grade": None,
        "findings": [finding_from_read_error(error, ruleset).to_dict()],
    }
