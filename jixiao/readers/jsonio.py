"""Forms and their assessments as JSON, the one way for the command line, the store, the web
and batch: what `jixiao parse --json` writes, an input format of its own, and what a stored form
row keeps.

Numbers are decimal strings (never floats), targets and actuals are the printed values with the
operators in ASCII, and each form keeps its source location, so reading this JSON back gives the
same forms and the same JSON.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ReadError
from ..model import (KINDS, PROJECT, TRANSFER, Amount, Form, Funds, FundsRow, Goals, Indicator, Loc,
                     ManagementItem, Measure, Repair, Text, Total)
from ..values import amount, decimal_text, measure, rate

if TYPE_CHECKING:
    from ..score import Assessment


def _num(a: Amount) -> str | None:
    if a.value is not None:
        return decimal_text(a.value, exact=True)
    return a.text or None


def _funds_row(fr: FundsRow, with_label: bool) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if with_label:
        d["label"] = fr.label
    d.update(
        initial_budget=_num(fr.initial_budget),
        annual_budget=_num(fr.annual_budget),
        executed=_num(fr.executed),
        weight=_num(fr.weight),
        rate=fr.rate.text or None,
        score=_num(fr.score),
    )
    if fr.group:
        d["group"] = fr.group
    return d


def _indicator(i: Indicator) -> dict[str, Any]:
    d = {
        "level1": i.level1.text or None,
        "level2": i.level2.text or None,
        "name": i.name.text,
        "target": i.target.norm,
        "actual": i.actual.norm,
        "weight": _num(i.weight),
        "score": _num(i.score),
        "deviation": i.deviation.text,
        "source": i.loc.to_dict() if i.loc else None,
    }
    # a department-wide form's flat list adds these (absent for every other form)
    if i.adjusted.text:
        d["adjusted"] = i.adjusted.norm
    if i.coefficient.text:
        d["coefficient"] = i.coefficient.text
    if i.core.text:
        d["core"] = i.core.text
    if i.implied_weight is not None:  # a form without 分值 (the 20/80 family): the rule set's share
        d["implied_weight"] = decimal_text(i.implied_weight)
    return d


def form_to_dict(f: Form) -> dict[str, Any]:
    funds = _funds_row(f.funds.total, with_label=False)
    funds["rows"] = [_funds_row(r, with_label=True) for r in f.funds.rows]
    kind_fields: dict[str, Any] = {}
    if f.kind == TRANSFER:
        kind_fields["local_department"] = f.local_department.text
        kind_fields["management"] = [{"name": m.name.text, "text": m.text.text} for m in f.management]
    return {
        "kind": f.kind,
        "title": f.title,
        "project": f.project.text,
        "year": f.year,
        "department": f.department.text,
        "unit": f.unit.text,
        "amount_unit": f.amount_unit,
        "funds": funds,
        "goals": {"planned": f.goals.planned.text, "achieved": f.goals.achieved.text},
        **kind_fields,
        "indicators": [_indicator(i) for i in f.indicators],
        "total": {"weight": _num(f.total.weight), "score": _num(f.total.score), "inferred": f.total.inferred},
        "repairs": [r.to_dict() for r in f.repairs],
        "source": f.source.to_dict() if f.source else None,
        # what the recogniser found besides the standard form's fields (issue 13); left out when empty
        **({"layout": f.layout} if f.layout else {}),
        **({"incomplete": f.incomplete} if f.incomplete else {}),
        **({"header_total": _num(f.header_total)} if f.header_total is not None else {}),
        **({"deviation": f.deviation.text} if f.deviation is not None else {}),
        **({"extra": f.extra} if f.extra else {}),  # columns and rows the model does not need
    }


def _s(d: dict, key: str, where: str) -> str:
    v = d.get(key)
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise ReadError(f"字段“{where}{key}”应为文本或数字，实际为 {type(v).__name__}")
    if isinstance(v, float):
        v = repr(v)
    return str(v)


def form_from_dict(d: dict[str, Any], name: str, index: int) -> Form:
    if not isinstance(d, dict):
        raise ReadError(f"第{index + 1}个元素不是对象", Loc(file=name))
    src = Loc.from_dict(d.get("source")) or Loc(file=name)
    kind = _s(d, "kind", "") or PROJECT  # JSON written before form kinds is a project form
    if kind not in KINDS:
        raise ReadError(f"字段“kind”应为 {'、'.join(KINDS)} 之一，实际为“{kind}”", Loc(file=name))
    f = Form(
        kind=kind,
        local_department=Text(_s(d, "local_department", "")),
        title=_s(d, "title", "") or "财政项目支出绩效自评表",
        project=Text(_s(d, "project", "")),
        year=int(d["year"]) if d.get("year") not in (None, "") else None,
        department=Text(_s(d, "department", "")),
        unit=Text(_s(d, "unit", "")),
        amount_unit=_s(d, "amount_unit", "") or "元",
        source=src,
    )
    funds = d.get("funds") or {}

    def frow(r: dict, label: str) -> FundsRow:
        return FundsRow(
            label=_s(r, "label", "funds.") or label,
            initial_budget=amount(_s(r, "initial_budget", "funds.")),
            annual_budget=amount(_s(r, "annual_budget", "funds.")),
            executed=amount(_s(r, "executed", "funds.")),
            weight=amount(_s(r, "weight", "funds.")),
            rate=rate(_s(r, "rate", "funds.")),
            score=amount(_s(r, "score", "funds.")),
            group=_s(r, "group", "funds."),
        )

    f.funds = Funds(total=frow(funds, "年度资金总额"), rows=[frow(r, "") for r in funds.get("rows") or []])
    goals = d.get("goals") or {}
    f.goals = Goals(planned=Text(_s(goals, "planned", "goals.")), achieved=Text(_s(goals, "achieved", "goals.")))
    for k, i in enumerate(d.get("indicators") or []):
        where = f"indicators[{k}]."
        if not isinstance(i, dict):
            raise ReadError(f"{where} 不是对象", Loc(file=name))
        dev = i.get("deviation")
        dev_text = dev if isinstance(dev, str) else ""
        loc = Loc.from_dict(i.get("source"))
        f.indicators.append(
            Indicator(
                level1=Text(_s(i, "level1", where)),
                level2=Text(_s(i, "level2", where)),
                name=Text(_s(i, "name", where)),
                target=measure(_s(i, "target", where)),
                actual=measure(_s(i, "actual", where)),
                weight=amount(_s(i, "weight", where)),
                score=amount(_s(i, "score", where)),
                deviation=Text(dev_text),
                loc=loc,
                adjusted=measure(_s(i, "adjusted", where)) if i.get("adjusted") else Measure(),
                coefficient=rate(_s(i, "coefficient", where)),
                core=Text(_s(i, "core", where)),
                implied_weight=amount(_s(i, "implied_weight", where)).value,
            )
        )
    for k, m in enumerate(d.get("management") or []):
        if not isinstance(m, dict):
            raise ReadError(f"management[{k}] 不是对象", Loc(file=name))
        f.management.append(ManagementItem(name=Text(_s(m, "name", f"management[{k}].")),
                                           text=Text(_s(m, "text", f"management[{k}]."))))
    tot = d.get("total") or {}
    f.total = Total(weight=amount(_s(tot, "weight", "total.")), score=amount(_s(tot, "score", "total.")),
                    inferred=bool(tot.get("inferred", False)))
    if isinstance(d.get("extra"), dict):
        f.extra = d["extra"]
    f.layout = _s(d, "layout", "")
    if isinstance(d.get("incomplete"), list):
        f.incomplete = [str(x) for x in d["incomplete"]]
    if d.get("header_total") not in (None, ""):
        f.header_total = amount(_s(d, "header_total", ""))
    if d.get("deviation") is not None:
        f.deviation = Text(_s(d, "deviation", ""))
    for r in d.get("repairs") or []:
        f.repairs.append(Repair(kind=r.get("kind", ""), message=r.get("message", ""),
                                locs=[x for x in (Loc.from_dict(l) for l in r.get("locs") or []) if x]))
    return f


def read_json(path: Path) -> tuple[list[Form], list[ReadError]]:
    name = str(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        return [], [ReadError("JSON 文件不是 UTF-8 编码", Loc(file=name))]
    except json.JSONDecodeError as e:
        return [], [ReadError(f"JSON 格式错误：{e.msg}", Loc(file=name, line=e.lineno, col=e.colno))]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return [], [ReadError("JSON 顶层应为自评表对象的数组", Loc(file=name))]
    forms, errors = [], []
    for k, d in enumerate(data):
        try:
            forms.append(form_from_dict(d, name, k))
        except ReadError as e:
            e.loc = e.loc or Loc(file=name)
            e.message = f"第{k + 1}张表：{e.message}"
            errors.append(e)
        except (TypeError, ValueError, AttributeError) as e:
            errors.append(ReadError(f"第{k + 1}张表：字段格式不对（{e}）", Loc(file=name)))
    return forms, errors


def dumps(forms: list[Form]) -> str:
    return json.dumps([form_to_dict(f) for f in forms], ensure_ascii=False, indent=2)


def assessment_to_dict(a: Assessment) -> dict[str, Any]:
    """A form's assessment as JSON: every field by its name, numbers as exact decimal strings,
    the indicators' as a list of objects, a band as [low, high]."""
    return _json_value(a)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_text(value, exact=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value
