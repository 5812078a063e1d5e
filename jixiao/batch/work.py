"""What a batch worker does with its share of files: read → score → check, and hand back compact,
picklable results (plain dicts, bytes, Decimals), never ORM objects or open handles.

The row values come from the store's own `apply_report` applied to a detached row object, so
a form stored by `jixiao batch` is exactly what `Store.import_file` would have stored. The
cross-form check D002 needs every form of the batch and is done once at the end (`d002.py`);
a worker hands back the keys of its forms' 偏差原因 texts for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import traceback
from pathlib import Path

from ..checks import FormReport, check_form, finding_from_read_error
from ..checks.texts import deviation_key
from ..errors import JixiaoError
from ..model import Form, Loc
from ..readers import read_forms
from ..rules import RuleSet, load_ruleset
from ..score import score_form

# Loaded once per worker process (or thread) and reused for every task.
_RULESETS: dict[str | None, RuleSet] = {}


def ruleset_for(spec: str | None) -> RuleSet:
    """The rule set of a batch: None = the bundled default, else the TOML text the store keeps."""
    rs = _RULESETS.get(spec)
    if rs is None:
        if spec is None:
            rs = load_ruleset(None)
        else:
            from ..store.assess import ruleset_from_text

            rs = ruleset_from_text(spec)
        _RULESETS[spec] = rs
    return rs


def dev_digest(key: str) -> bytes:
    """A 偏差原因 text (as D002 compares it) → 16 bytes; the batch ledger keeps these, not texts."""
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()


def relabel_form(form: Form, old: str, new: str) -> None:
    """Point every Loc read from `old` (the path on the worker) at `new` (the path in the batch).

    The fields are named one by one: a generic walk over the dataclasses cost more than the checks.
    """
    def fix(loc: Loc | None) -> None:
        if loc is not None and loc.file == old:
            loc.file = new

    fix(form.source)
    for t in (form.project, form.department, form.unit, form.goals.planned, form.goals.achieved):
        fix(t.loc)
    for fr in (form.funds.total, *form.funds.rows):
        fix(fr.loc)
        for cell in (fr.initial_budget, fr.annual_budget, fr.executed, fr.weight, fr.rate, fr.score):
            fix(cell.loc)
    for ind in form.indicators:
        fix(ind.loc)
        for cell in (ind.level1, ind.level2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.deviation):
            fix(cell.loc)
    fix(form.total.loc)
    fix(form.total.weight.loc)
    fix(form.total.score.loc)
    for r in form.repairs:
        for loc in r.locs:
            fix(loc)


def process_file(root: str, rel: str, sha: str, ruleset: RuleSet) -> dict:
    """One file → {rel, sha256, size, content, errors, forms: [{row, findings, devs}], failed}."""
    from ..store.assess import apply_report
    from ..store.schema import FormRow

    out: dict = {"rel": rel, "sha256": sha, "size": 0, "content": b"", "errors": [], "forms": [], "failed": None}
    path = os.path.join(root, rel)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        out["failed"] = f"无法读取文件：{e.strerror or e}"
        out["errors"].append(JixiaoError(out["failed"], Loc(file=rel)).to_dict())
        return out
    out["size"], out["content"] = len(data), data
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha:  # changed since the scan: keep what was actually read
        out["sha256"] = digest
    try:
        forms, errors = read_forms(path)
        for form in forms:
            relabel_form(form, path, rel)
        for e in errors:
            if e.loc is not None and e.loc.file == path:
                e.loc.file = rel
        for e in errors:
            out["errors"].append({**e.to_dict(), "finding": finding_from_read_error(e, ruleset).to_dict()})
        min_chars = ruleset.param("D002", "min_chars", 6)
        for pos, form in enumerate(forms):
            assessment = score_form(form, ruleset)
            report = FormReport(form, assessment, check_form(form, ruleset, assessment))
            row = FormRow(position=pos)
            apply_report(row, report, ruleset)
            values = {c: getattr(row, c) for c in FORM_COLUMNS}
            for c in JSON_COLUMNS:  # encoded here, in parallel, exactly as the JSON column type would
                values[c] = json.dumps(values[c])
            findings = [{c: getattr(f, c) for c in FINDING_COLUMNS} for f in row.findings]
            for fd in findings:
                fd["location"] = json.dumps(fd["location"])  # None → 'null', as the JSON type stores it
            devs: dict[bytes, int] = {}
            for k, ind in enumerate(form.indicators):
                key = deviation_key(ind.deviation.text)
                if len(key) >= min_chars:
                    devs.setdefault(dev_digest(key), k)
            out["forms"].append({"row": values, "findings": findings, "devs": list(devs.items())})
    except Exception as e:  # noqa: BLE001 - one broken file never stops the batch
        where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
        at = f"（{where.filename.rsplit('/', 1)[-1]}:{where.lineno}）" if where else ""
        out["forms"] = []
        out["failed"] = f"处理时程序出错：{type(e).__name__}: {e}{at}"
        out["errors"].append(JixiaoError(out["failed"], Loc(file=rel)).to_dict())
    return out


# The columns of a form row that `apply_report` fills in; the writer adds the file, status and times.
FORM_COLUMNS = ("position", "data", "report", "assessment", "ruleset", "year", "kind", "department", "unit", "project",
                "amount_unit", "budget", "executed", "rate", "self_total", "rescored_total", "self_grade",
                "rescored_grade", "error_count", "warning_count", "info_count")
JSON_COLUMNS = ("data", "report", "assessment")
FINDING_COLUMNS = ("position", "rule", "severity", "message", "indicator", "indicator_index", "field",
                   "expected", "printed", "difference", "location")


def process_files(tasks: list[tuple[str, str, str, int]], ruleset_spec: str | None) -> list[dict]:
    """A worker's task: several files (base directory, path in the batch, sha256, walk number) at
    once, so that the cost of sending a task is shared."""
    rs = ruleset_for(ruleset_spec)
    out = []
    for base, rel, sha, seq in tasks:
        result = process_file(base, rel, sha, rs)
        result["seq"] = seq
        out.append(result)
    return out
