"""The fill-in form: submitted fields (named by cell key, e.g. "indicators[3].actual") → the form
JSON → a `Form`, through the same `form_from_dict` that reads `jixiao parse --json` files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from ..errors import ReadError
from ..model import DEPARTMENT, KIND_TITLES, KINDS, PROJECT, TRANSFER, Form
from ..readers.jsonio import form_from_dict, form_to_dict
from ..rules import RuleSet
from ..store.errors import Invalid
from ..store.schema import User
from .formview import FUNDS_COLS, IND_COLS

_ROW = re.compile(r"^(indicators|funds\.rows|management)\[(\d+)\]\.(\w+)$")
MAX_ROWS = 200
FUNDS_ROW_LABELS = ("其中：当年财政拨款", "上年结转资金", "其他资金")
FLAT_COLS = ("adjusted", "coefficient", "core")  # a department-wide flat list's own columns
FLAT_ROWS = 8  # blank rows of a new flat list


def _clean(v) -> str:
    return v.strip() if isinstance(v, str) else ""


def _rows(fields: Mapping[str, str]) -> dict[str, dict[int, dict]]:
    rows: dict[str, dict[int, dict]] = {"indicators": {}, "funds.rows": {}, "management": {}}
    for key in fields.keys():
        m = _ROW.match(key)
        if m and int(m.group(2)) < MAX_ROWS:
            rows[m.group(1)].setdefault(int(m.group(2)), {})[m.group(3)] = _clean(fields.get(key))
    return rows


def kept_indicator_rows(fields: Mapping[str, str]) -> list[int]:
    """The page's row numbers of the indicator rows that make it into the form, in order (the
    page may hold blank rows in between, so row k of the form is row kept[k] of the page)."""
    rows = _rows(fields)["indicators"]
    # The template's rows come with their 一级/二级 labels; labels alone make no row.
    return [k for k in sorted(rows)
            if any(rows[k].get(c) for c in (*IND_COLS, *FLAT_COLS) if c not in ("level1", "level2"))]


def dict_from_fields(fields: Mapping[str, str], base: dict | None = None) -> dict:
    """The form JSON from submitted fields. Indicator rows with nothing but their 一级/二级 labels
    are dropped (that is how a row is removed); rows keep the source location they had in `base`."""
    base = base or {}
    get = lambda k: _clean(fields.get(k))  # noqa: E731
    year_text = get("year")
    year = None
    if year_text:
        if not re.fullmatch(r"\d{4}", year_text):
            raise Invalid(f"年度应为四位数字（如 2021），现在是“{year_text}”")
        year = int(year_text)
    rows = _rows(fields)
    base_inds = base.get("indicators") or []
    indicators = []
    for k in kept_indicator_rows(fields):
        r = rows["indicators"][k]
        item = {c: r.get(c, "") for c in IND_COLS}
        item["level1"] = item["level1"] or None
        item["level2"] = item["level2"] or None
        item["source"] = base_inds[k].get("source") if k < len(base_inds) else None
        if k < len(base_inds):  # a flat list's columns the page does not show stay as they were
            item.update({c: base_inds[k][c] for c in FLAT_COLS if c in base_inds[k]})
        item.update({c: r[c] for c in FLAT_COLS if c in r})  # the flat list's page shows them
        indicators.append(item)
    funds_rows = []
    for k in sorted(rows["funds.rows"]):
        r = rows["funds.rows"][k]
        if not any(r.get(c) for c in (*FUNDS_COLS, "label")):
            continue
        funds_rows.append({"label": r.get("label", ""), **{c: r.get(c) or None for c in FUNDS_COLS},
                           **({"group": r["group"]} if r.get("group") else {})})
    funds = {c: get(f"funds.{c}") or None for c in FUNDS_COLS}
    funds["rows"] = funds_rows
    kind = get("kind") or base.get("kind") or PROJECT
    if kind not in KINDS:
        raise Invalid(f"表的种类只能是 {'、'.join(KINDS)} 之一")
    management = [{"name": r.get("name", ""), "text": r.get("text", "")}
                  for _, r in sorted(rows["management"].items()) if r.get("name") or r.get("text")]
    return {
        "kind": kind,
        **({"local_department": get("local_department"), "management": management} if kind == TRANSFER else {}),
        "title": base.get("title") or KIND_TITLES[kind],
        "project": get("project"),
        "year": year,
        "department": get("department"),
        "unit": get("unit"),
        "amount_unit": get("amount_unit") or base.get("amount_unit") or "元",
        "funds": funds,
        "goals": {"planned": get("goals.planned"), "achieved": get("goals.achieved")},
        "indicators": indicators,
        "total": {"weight": get("total.weight") or None, "score": get("total.score") or None,
                  "inferred": False},
        "repairs": base.get("repairs") or [],
        "source": base.get("source"),
    }


def form_from_fields(fields: Mapping[str, str], base: dict | None = None) -> Form:
    d = dict_from_fields(fields, base)
    if d["amount_unit"] not in ("元", "万元"):
        raise Invalid("金额单位只能是“元”或“万元”")
    if not d["project"]:
        raise Invalid(f"请填写{NAME_LABELS[d['kind']]}")
    try:
        return form_from_dict(d, "网页填报", 0)
    except ReadError as e:
        raise Invalid(f"表中有无法识别的内容：{e.message}") from e


NAME_LABELS = {PROJECT: "项目名称", DEPARTMENT: "部门（单位）名称", TRANSFER: "转移支付（项目）名称"}


def is_flat(data: dict) -> bool:
    """A department-wide form whose indicators are the flat list (no 一级指标 on any row): its page
    shows 调整指标值, 得分系数 and 是否核心指标 instead of 一级/二级."""
    inds = data.get("indicators") or []
    return data.get("kind") == DEPARTMENT and bool(inds) and not any(i.get("level1") for i in inds)


def blank_dict(user: User, ruleset: RuleSet, kind: str = PROJECT, flat: bool = False) -> dict:
    """A new form of a kind to fill in: the unit's names, the default weights, one row per 二级
    kind that most forms use, and the 其中 rows of the funds block (another kind: its own 其中
    rows and, for a transfer payment, the 资金管理情况 items), in 万元 for the other kinds. A
    department-wide form with `flat` gets blank rows of the flat list instead of 二级 rows."""
    rows = []
    for level1, level2s in ruleset.taxonomy.items():
        for level2 in level2s[: 4 if level1 == "产出指标" else 2]:
            rows.append({"level1": level1, "level2": level2, "name": "", "target": "", "actual": "",
                         "weight": None, "score": None, "deviation": "", "source": None})
    if flat and kind == DEPARTMENT:
        rows = [{"level1": None, "level2": None, "name": "", "target": "", "actual": "", "weight": None,
                 "score": None, "deviation": "", "source": None, **dict.fromkeys(FLAT_COLS, "")}
                for _ in range(FLAT_ROWS)]
    if kind != PROJECT:
        from ..writers.kinds import blank_kind_form  # the kind's 其中 rows and 资金管理情况 items

        blank = form_to_dict(blank_kind_form(kind))
        funds_rows = blank["funds"]["rows"]
        extra = {"kind": kind, **({"local_department": "", "management": blank["management"]} if kind == TRANSFER else {})}
    else:
        funds_rows = [{"label": label} for label in FUNDS_ROW_LABELS]
        extra = {"kind": PROJECT}
    return {
        **extra,
        "title": KIND_TITLES[kind],
        "project": "",
        "year": date.today().year - 1,
        "department": (user.departments or [""])[0],
        "unit": user.unit or "",
        "amount_unit": "元" if kind == PROJECT else "万元",
        "funds": {"initial_budget": None, "annual_budget": None, "executed": None,
                  "weight": format(ruleset.funds_weight, "f"), "rate": None, "score": None,
                  "rows": [{"initial_budget": None, "annual_budget": None, "executed": None,
                            "weight": None, "rate": None, "score": None, **r} for r in funds_rows]},
        "goals": {"planned": "", "achieved": ""},
        "indicators": rows,
        "total": {"weight": format(ruleset.total_weight, "f"), "score": None, "inferred": False},
        "repairs": [],
        "source": None,
    }
