"""Recall and precision of the checks on a synthetic corpus, per rule, against its manifest.

A form "carries" a rule when the manifest says so. Per rule:
- recall = carrying forms on which the rule was found / carrying forms;
- precision = forms on which the rule was found and that carry it / forms on which it was found.
P001 (a file or form that cannot be read) is matched by file, since a broken file may not even
give up its project name.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..checks import check_forms, finding_from_read_error
from ..readers import read_forms
from ..rules import RuleSet, load_ruleset
from .corpus import INHERENT, MANIFEST, read_manifest
from .inject import RULES

Key = tuple[str, str]  # (file relative to the corpus, project)


@dataclass
class RuleScore:
    rule: str
    carrying: int = 0  # forms the manifest says carry the rule
    found: int = 0  # of those, forms with at least one finding of the rule
    flagged: int = 0  # forms with at least one finding of the rule, carrying it or not

    @property
    def recall(self) -> Decimal | None:
        return _ratio(self.found, self.carrying)

    @property
    def precision(self) -> Decimal | None:
        return _ratio(self.found, self.flagged)


def _ratio(a: int, b: int) -> Decimal | None:
    return (Decimal(a) / Decimal(b)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) if b else None


@dataclass
class Evaluation:
    scores: dict[str, RuleScore]
    forms: int
    clean_forms: int
    clean_errors: list[tuple[Key, str, str]] = field(default_factory=list)  # (form, rule, message)
    missed: list[tuple[Key, str]] = field(default_factory=list)  # (form, rule) carried but not found
    spurious: list[tuple[Key, str, str]] = field(default_factory=list)  # (form, rule, message)
    layouts: dict[Key, str] = field(default_factory=dict)  # each form's layout family

    def by_layout(self) -> dict[str, tuple[int, int, int]]:
        """Per layout family: (forms, error findings on clean forms, injections missed)."""
        out: dict[str, list[int]] = {}
        for key, layout in self.layouts.items():
            out.setdefault(layout, [0, 0, 0])[0] += 1
        for key, *_ in self.clean_errors:
            out[self.layouts.get(key, "standard")][1] += 1
        for key, _ in self.missed:
            out[self.layouts.get(key, "standard")][2] += 1
        return {k: (v[0], v[1], v[2]) for k, v in out.items()}

    def table(self) -> str:
        head = ("规则", "注入", "检出", "报告", "召回率", "精确率")
        rows = [head]
        for s in self.scores.values():
            r = "—" if s.recall is None else f"{s.recall:.3f}"
            p = "—" if s.precision is None else f"{s.precision:.3f}"
            rows.append((s.rule, str(s.carrying), str(s.found), str(s.flagged), r, p))
        lines = ["  ".join(_pad(c, w, left=k == 0) for k, (c, w) in enumerate(zip(row, (6, 6, 6, 6, 8, 8)))) for row in rows]
        lines.append(f"共 {self.forms} 张表，其中无注入错误的 {self.clean_forms} 张；"
                     f"无注入表上的“错误”级发现 {len(self.clean_errors)} 条")
        layouts = self.by_layout()
        if set(layouts) - {"standard"}:
            lines.append("按版式：")
            for name, (forms, errors, missed) in layouts.items():
                lines.append(f"  {_pad(name, 20, left=True)} {forms:>5} 张，无注入表上的错误 {errors} 条，漏检 {missed} 处")
        return "\n".join(lines)


def _pad(text: str, width: int, left: bool = False) -> str:
    """Pad to a display width: a Chinese character takes two columns in a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - shown)
    return text + fill if left else fill + text


def evaluate(corpus: str | Path, ruleset: RuleSet | None = None) -> Evaluation:
    """Read and check every file of a corpus and compare with its manifest (holds the corpus in memory:
    D002 compares every form with every other; meant for corpora of test size). Without `ruleset`,
    the forms of each layout family are checked under the rule set made for them (the one
    `jixiao check` picks for such forms: families.Family.ruleset)."""
    from .families import BY_NAME

    corpus = Path(corpus)
    default = ruleset or load_ruleset()
    carries: dict[Key, set[str]] = defaultdict(set)
    files: dict[str, list[Key]] = defaultdict(list)
    layouts: dict[Key, str] = {}
    injected: set[Key] = set()
    for row in read_manifest(corpus / MANIFEST):
        key = (row["file"], row["project"])
        layouts[key] = row.get("layout") or "standard"
        if key not in carries:
            files[row["file"]].append(key)
        carries[key]  # noqa: B018 - every form has an entry, clean ones an empty set
        if row["rule"]:
            carries[key].add(row["rule"])
            if not row["detail"].startswith(INHERENT):  # a rule its family carries on every form is no injection
                injected.add(key)
    found: dict[Key, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    groups: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))  # rule set id → (forms, owners)
    for rel in files:
        got, errors = read_forms(corpus / rel)
        layout = layouts[files[rel][0]]
        rid = default.id if ruleset is not None or layout not in BY_NAME else BY_NAME[layout].ruleset
        for form in got:
            groups[rid][0].append(form)
            groups[rid][1].append((rel, form.project.text))
        for e in errors:
            # a read error names the file; it stands for the form of that file that carries P001
            keys = [k for k in files[rel] if "P001" in carries[k]] or files[rel][:1]
            found[keys[0]]["P001"].append(finding_from_read_error(e, default).message)
    severities: dict[tuple[Key, str], str] = {}
    for rid, (forms, owners) in groups.items():
        rs = default if rid == default.id else load_ruleset(rid)
        for key, report in zip(owners, check_forms(forms, rs)):
            for fd in report.findings:
                found[key][fd.rule].append(fd.message)
                if fd.severity == "error":
                    severities[(key, fd.rule)] = "error"
    for key, rules in found.items():
        if "P001" in rules:
            severities[(key, "P001")] = default.check("P001").severity
    scores = {rule: RuleScore(rule) for rule in RULES}
    clean = set(carries) - injected
    ev = Evaluation(scores=scores, forms=len(carries), clean_forms=len(clean), layouts=layouts)
    for key, carried in carries.items():
        got = found.get(key, {})
        for rule in carried:
            s = scores.setdefault(rule, RuleScore(rule))
            s.carrying += 1
            if rule in got:
                s.found += 1
            else:
                ev.missed.append((key, rule))
        for rule, messages in got.items():
            s = scores.setdefault(rule, RuleScore(rule))
            s.flagged += 1
            if rule not in carried:
                ev.spurious.append((key, rule, messages[0]))
                if key in clean and severities.get((key, rule)) == "error":
                    ev.clean_errors.append((key, rule, messages[0]))
    return ev
