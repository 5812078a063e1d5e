"""A stored form as the pages draw it: every cell has a key (the same key `Finding.field` uses,
e.g. "indicators[3].actual"), so each finding lands on the cell it is about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..rules.catalogue import SEVERITY_NAME
from ..score import ACHIEVEMENT_NAMES
from ..store.schema import FindingRow

FUNDS_COLS = ("initial_budget", "annual_budget", "executed", "weight", "rate", "score")
IND_COLS = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation")

COL_NAMES = {
    "initial_budget": "年初预算数", "annual_budget": "全年预算数", "executed": "全年执行数", "weight": "分值",
    "rate": "执行率", "score": "得分", "label": "项目", "level1": "一级指标", "level2": "二级指标",
    "name": "三级指标", "target": "年度指标值", "actual": "实际完成值", "deviation": "偏差原因分析及改进措施",
    "planned": "预算目标", "achieved": "实际完成情况",
    "adjusted": "调整指标值", "coefficient": "得分系数", "core": "是否核心指标",  # a department-wide flat list
}
TOP_NAMES = {"project": "项目名称", "year": "年度", "department": "主管部门", "unit": "实施单位",
             "amount_unit": "金额单位", "title": "标题"}
SEVERITY_NAMES = SEVERITY_NAME  # the checks' names of the severities

_INDEXED = re.compile(r"^(indicators|funds\.rows|management)\[(\d+)\](?:\.(\w+))?")


def cell_id(key: str) -> str:
    """An HTML id for a cell key: 'indicators[3].actual' → 'cell-indicators-3-actual'."""
    return "cell-" + re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")


def field_label(key: str | None, data: dict | None = None) -> str:
    """A cell key as people read it: 'indicators[3].actual' → '第4行指标“电力保障及时率”的实际完成值'."""
    if not key:
        return "整张表"
    if key in TOP_NAMES:
        return TOP_NAMES[key]
    m = _INDEXED.match(key)
    if m:
        k, col = int(m.group(2)), m.group(3)
        if m.group(1) == "indicators":
            name = ""
            inds = (data or {}).get("indicators") or []
            if k < len(inds) and inds[k].get("name"):
                name = f"“{inds[k]['name']}”"
            return f"第{k + 1}行指标{name}" + _of(col)
        if m.group(1) == "management":
            items = (data or {}).get("management") or []
            name = items[k].get("name") if k < len(items) else None
            return f"资金管理情况“{name or f'第{k + 1}项'}”" + ("的自评情况" if col == "text" else "")
        rows = ((data or {}).get("funds") or {}).get("rows") or []
        label = rows[k].get("label") if k < len(rows) else None
        return f"资金“{label or f'其中第{k + 1}行'}”" + _of(col)
    head, _, col = key.partition(".")
    if head == "funds":
        return "年度资金总额" + _of(col)
    if head == "goals":
        return "年度总体目标" + _of(col)
    if head == "total":
        return "总分栏" + _of(col)
    if head == "status":
        return "状态"
    if head == "findings":
        return "问题复核"
    return key


def _of(col: str | None) -> str:
    """'的得分': a column of a row, as a person says it; nothing for the row itself or its label."""
    return f"的{COL_NAMES.get(col, col)}" if col and col != "label" else ""


def known_cells(data: dict) -> set[str]:
    keys = {"project", "year", "department", "unit", "goals.planned", "goals.achieved", "total.weight",
            "total.score", "total.label", "funds.label"}
    keys.update(f"funds.{c}" for c in FUNDS_COLS)
    for k, _ in enumerate((data.get("funds") or {}).get("rows") or []):
        keys.update(f"funds.rows[{k}].{c}" for c in (*FUNDS_COLS, "label"))
    for k, _ in enumerate(data.get("indicators") or []):
        keys.update(f"indicators[{k}].{c}" for c in IND_COLS)
    if data.get("kind") == "department":  # a flat list's own columns
        for k, _ in enumerate(data.get("indicators") or []):
            keys.update(f"indicators[{k}].{c}" for c in ("adjusted", "coefficient", "core"))
    if data.get("kind") == "transfer":  # a transfer-payment form's header and 资金管理情况 (K005)
        keys.add("local_department")
        for k, _ in enumerate(data.get("management") or []):
            keys.update((f"management[{k}].name", f"management[{k}].text"))
    return keys


# A finding about a whole row or block is drawn on the row's first cell.
_ANCHORS = {"funds": "funds.label", "total": "total.label", "goals": "goals.planned", "funds.rows": "funds.label"}


def cell_of(fieldname: str | None, index: int | None, cells: set[str]) -> str | None:
    if fieldname:
        k = fieldname
        while k:
            if k in cells:
                return k
            if k in _ANCHORS:
                return _ANCHORS[k]
            m = re.fullmatch(r"(indicators|funds\.rows)\[(\d+)\]", k)
            if m:
                anchor = f"{k}.name" if m.group(1) == "indicators" else f"{k}.label"
                return anchor if anchor in cells else None
            cut = max(k.rfind("."), k.rfind("["))
            k = k[:cut] if cut > 0 else ""
    if index is not None and f"indicators[{index}].name" in cells:
        return f"indicators[{index}].name"
    return None


@dataclass
class FindingView:
    n: int  # 1-based number shown on the cell and in the list
    row: FindingRow | None
    rule: str
    severity: str
    message: str
    key: str | None  # the cell it is drawn on; None = about the whole form
    where: str  # the cell in words
    location: str  # the source location in words
    expected: str | None = None
    printed: str | None = None
    difference: str | None = None

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES.get(self.severity, self.severity)

    @property
    def anchor(self) -> str | None:
        return cell_id(self.key) if self.key else None


def loc_text(loc: dict | str | None) -> str:
    if not loc:
        return ""
    if isinstance(loc, str):
        return loc
    parts = [loc.get("file") or ""]
    if loc.get("sheet"):
        parts.append(str(loc["sheet"]))
    if loc.get("line") is not None:
        parts.append(f"第{loc['line']}行")
    if loc.get("col") is not None:
        parts.append(f"第{loc['col']}列")
    return " ".join(p for p in parts if p)


@dataclass
class FormView:
    data: dict
    assessment: dict
    findings: list[FindingView]
    marks: dict[str, list[FindingView]] = field(default_factory=dict)
    general: list[FindingView] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # (一级 rowspan, 二级 rowspan); 0 = merged

    def cell_class(self, key: str) -> str:
        marks = self.marks.get(key)
        if not marks:
            return ""
        worst = min(marks, key=lambda f: {"error": 0, "warning": 1, "info": 2}.get(f.severity, 3))
        return f"marked sev-{worst.severity}"

    def cell_title(self, key: str) -> str:
        return "\n".join(f"[{f.rule}] {f.message}" for f in self.marks.get(key, []))

    def rescore(self, k: int) -> dict:
        inds = self.assessment.get("indicators") or []
        return inds[k] if k < len(inds) and isinstance(inds[k], dict) else {}

    def score_differs(self, k: int) -> bool:
        """Does the re-score of indicator k differ from its printed score?"""
        printed = _dec((self.data.get("indicators") or [])[k].get("score"))
        rescored = _dec(self.rescore(k).get("rescored"))
        return printed is not None and rescored is not None and printed != rescored

    def notes(self, row: str) -> list[FindingView]:
        """The findings drawn on the cells of one printed row ("indicators[3]", "funds", …),
        shown beside the row like margin notes on paper."""
        return [f for f in self.findings if f.key and row_of(f.key) == row]

    def funds_differs(self, col: str) -> str | None:
        """The computed 执行率 / execution score when it differs from the printed one."""
        funds = self.data.get("funds") or {}
        if col == "rate":
            printed = _dec(str(funds.get("rate") or "").replace("%", "").replace("％", "").strip())
            computed = _dec(self.assessment.get("rate"))
        else:
            printed = _dec(funds.get("score"))
            computed = _dec(self.assessment.get("execution_score"))
        if computed is None or printed == computed:
            return None
        return format(computed, "f")

    def achievement(self, k: int) -> str:
        a = self.rescore(k).get("achievement")
        return ACHIEVEMENT_NAMES.get(a, a or "")


def renumber(key: str, rows: list[int]) -> str:
    """'indicators[k].x' → 'indicators[rows[k]].x': from the form's row numbers to the page's."""
    m = re.match(r"^indicators\[(\d+)\](.*)$", key)
    if not m or int(m.group(1)) >= len(rows):
        return key
    return f"indicators[{rows[int(m.group(1))]}]{m.group(2)}"


def row_of(key: str) -> str:
    """The printed row a cell belongs to: 'indicators[3].actual' → 'indicators[3]'."""
    m = _INDEXED.match(key)
    if m:
        return f"{m.group(1)}[{m.group(2)}]"
    head = key.split(".")[0]
    return {"year": "project", "unit": "department", "local_department": "department"}.get(head, head)


def _dec(v) -> Decimal | None:
    try:
        return None if v in (None, "") else Decimal(str(v))
    except InvalidOperation:
        return None


def level_spans(indicators: list[dict]) -> list[tuple[int, int]]:
    """Rowspans that merge repeated 一级 / 二级 labels, as on the paper form."""
    n = len(indicators)
    spans = [[1, 1] for _ in range(n)]
    for col, key in ((0, "level1"), (1, "level2")):
        start = 0
        for k in range(1, n + 1):
            same = k < n and (indicators[k].get(key) or "") == (indicators[start].get(key) or "")
            if col == 1 and same:  # a 二级 run never crosses a 一级 boundary
                same = (indicators[k].get("level1") or "") == (indicators[start].get("level1") or "")
            if not same:
                spans[start][col] = k - start
                for j in range(start + 1, k):
                    spans[j][col] = 0
                start = k
    return [(a, b) for a, b in spans]


def build(data: dict, assessment: dict, findings: list[FindingRow] | list[dict]) -> FormView:
    cells = known_cells(data)
    views = []
    for n, f in enumerate(findings, start=1):
        get = (lambda k, f=f: f.get(k)) if isinstance(f, dict) else (lambda k, f=f: getattr(f, k))
        index = get("index") if isinstance(f, dict) else f.indicator_index
        key = cell_of(get("field"), index, cells)
        views.append(FindingView(
            n=n, row=None if isinstance(f, dict) else f, rule=get("rule"), severity=get("severity"),
            message=get("message"), key=key, where=field_label(key or get("field"), data),
            location=loc_text(get("location")), expected=get("expected"), printed=get("printed"),
            difference=get("difference"),
        ))
    view = FormView(data=data, assessment=assessment or {}, findings=views,
                    spans=level_spans(data.get("indicators") or []))
    for v in views:
        if v.key:
            view.marks.setdefault(v.key, []).append(v)
        else:
            view.general.append(v)
    return view
