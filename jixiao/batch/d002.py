"""D002 over a whole batch: the same 偏差原因 text in two or more forms, wherever they are.

Workers check one file at a time, so the cross-form check runs once at the end, over the keys
the ledger collected from every form of the batch (the forms stored by this run and those of
files skipped because an earlier run stored them). Findings are built by the checks' own
`cross_form_findings` from the forms as stored, so the wording is the one `jixiao check` uses;
the location is the indicator's row (the stored form keeps row locations, not cell ones), for a
fresh run and a resumed one alike. The pass is idempotent: a form's D002 findings are replaced,
and left alone when nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..rules.catalogue import RULES, SEVERITY_RANK
from ..checks.registry import Context
from ..checks.texts import cross_form_findings
from ..readers.jsonio import form_from_dict
from ..rules import RuleSet
from ..score import Assessment
from .ledger import Ledger
from .sink import StoreWriter

_ORDER = {rule: k for k, rule in enumerate(RULES)}
CHUNK = 200


@dataclass(slots=True)
class _Label:
    label: str


def sort_key(f: dict):
    """The order `sort_findings` gives, on finding dicts (errors first, by rule, by indicator)."""
    return (SEVERITY_RANK.get(f["severity"], 9), _ORDER.get(f["rule"], -1), -1 if f.get("index") is None else f["index"])


def row_of(f) -> dict:
    return {"rule": f.rule, "severity": f.severity, "message": f.message, "indicator": f.indicator,
            "indicator_index": f.index, "field": f.field, "expected": f.expected, "printed": f.printed,
            "difference": f.difference, "location": f.location.to_dict() if f.location else None}


def cross_form_pass(ledger: Ledger, writer: StoreWriter, ruleset: RuleSet) -> int:
    """Add (or refresh) D002 on the batch's forms; returns how many forms carry D002 now."""
    enabled = ruleset.check("D002").enabled
    heads, per_form = ledger.shared_texts() if enabled else ({}, iter(()))
    head_ids = sorted({fid for _, ids in heads.values() for fid in ids})
    labels = {fid: _Label(form_from_dict(data, "", 0).label) for fid, (data, _) in writer.forms_data(head_ids).items()}
    carrying: set[int] = set()
    chunk: list[tuple[int, list[tuple[int, bytes]]]] = []

    def flush() -> None:
        stored = writer.forms_data([fid for fid, _ in chunk])
        with writer.engine.begin() as c:
            for fid, items in chunk:
                data, report = stored[fid]
                form = form_from_dict(data, "", 0)
                shared = []
                for idx, digest in items:
                    n, firsts = heads[digest]
                    others = [o for o in firsts if o != fid][:3]
                    shared.append((idx, others + [None] * (n - 1 - len(others))))
                ctx = Context(form=form, ruleset=ruleset, assessment=Assessment())
                new = sorted(cross_form_findings(ctx, labels, shared), key=lambda f: -1 if f.index is None else f.index)
                old = [f for f in report["findings"] if f["rule"] == "D002"]
                if [f.to_dict() for f in new] == old:
                    continue
                report = dict(report)
                report["findings"] = sorted([f for f in report["findings"] if f["rule"] != "D002"]
                                            + [f.to_dict() for f in new], key=sort_key)
                writer.replace_rule(c, fid, "D002", [row_of(f) for f in new], report)
        chunk.clear()

    for fid, items in per_form:
        carrying.add(fid)
        chunk.append((fid, items))
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    # forms of this batch that carried D002 from an earlier run but share no text any more
    stale = [fid for fid in writer.forms_with_rule("D002") if fid not in carrying and ledger.has_form(fid)]
    for k in range(0, len(stale), CHUNK):
        ids = stale[k:k + CHUNK]
        stored = writer.forms_data(ids)
        with writer.engine.begin() as c:
            for fid in ids:
                report = dict(stored[fid][1])
                report["findings"] = [f for f in report["findings"] if f["rule"] != "D002"]
                writer.replace_rule(c, fid, "D002", [], report)
    return len(carrying)
