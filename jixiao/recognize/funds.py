"""The 项目资金 block: its header, and the 年度资金总额 row and its 其中 rows under it."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from ..grid import Row
from ..model import BY_USE, Amount, Form, FundsRow, Loc
from ..values import MONEY_UNITS, decimal_text, money, parse_decimal, parse_rate
from .align import funds_shift
from .cells import kinds_of
from .repairs import record
from .vocab import FUNDS, FUNDS_BLOCK, POINTS_IN_HEADER, FundsRowKind, funds_label, funds_row_kind, header_map

class FundsHeader(NamedTuple):
    columns: tuple[tuple[str, int], ...]  # (field, column) of each field the header names
    # the execution's points printed in the 得分 header, 得分 (20分*执行率), when no 分值 column has them
    weight: Amount | None = None


def read_funds_header(row: Row) -> FundsHeader:
    fields, _ = header_map(row, FUNDS)
    weight = None
    if "weight" not in fields and "score" in fields:
        col = fields["score"]
        m = POINTS_IN_HEADER.search(row.texts()[col].replace(" ", ""))
        if m:
            weight = Amount(m.group(1), parse_decimal(m.group(1)), row.cell_loc(col))
    return FundsHeader(tuple(fields.items()), weight)


class FundsRead(NamedTuple):
    kind: FundsRowKind
    row: FundsRow
    shift: int  # the shift that aligned it to the header


def read_funds_row(texts: list[str], clean: list[str], hdr: FundsHeader, row_loc: Loc, loc,
                   amount_unit: str = "元") -> FundsRead | None:
    """A row of the funds block (年度资金总额 or a 其中 row) under the funds header `hdr`, or None
    for any other row. `loc(j)` is the location of cell j; an amount typed with a unit other than
    the block's `amount_unit` (120万 in a block in 元) is converted to it."""
    cells = [(i, c) for i, c in enumerate(clean) if c]
    if not cells:
        return None
    label_i, label = cells[0]
    label_ns = funds_label(label)
    if label_ns.startswith(FUNDS_BLOCK) and len(cells) > 1:
        # the block label and the row label share a row: 项目资金 | 年度资金总额 | …
        label_i, label = cells[1]
        label_ns = funds_label(label)
    if not label_ns and len(cells) > 1:
        # 其中： | 当年财政拨款 | … : the word 其中 in a cell of its own
        label_i, label = cells[1]
        label_ns = label.replace(" ", "")
    kind = funds_row_kind(label_ns)
    if kind is None:
        return None
    columns = hdr.columns
    shift = funds_shift(columns, label_i, kinds_of(texts)) if columns else 0
    n = len(texts)
    values: dict[str, Amount] = {}
    for fname, col in columns:
        j = col + shift
        if 0 <= j < n:
            t = texts[j].strip()
            values[fname] = Amount(t, parse_rate(t), loc(j)) if fname == "rate" else money(t, amount_unit, loc(j))
        else:
            values[fname] = Amount("", None, row_loc)
    fr = FundsRow(label=label_ns, loc=row_loc, **values)  # the vocabulary's fields are FundsRow's
    return FundsRead(kind, fr, shift)


def read_funds(form: Form, hdr: FundsHeader, row: Row, clean: list[str]) -> bool:
    """A row of the funds block added to the form: True; False (nothing changed) for any other row."""
    got = read_funds_row(row.texts(), clean, hdr, row.loc, row.cell_loc, form.amount_unit)
    if got is None:
        return False
    converted = [a for a in (got.row.initial_budget, got.row.annual_budget, got.row.executed, got.row.weight,
                             got.row.score) if a.unit and MONEY_UNITS[a.unit] != MONEY_UNITS[form.amount_unit]]
    if converted:
        record(form, "convert-unit",
               "金额单位与资金表单位（" + form.amount_unit + "）不同，已换算：" + "、".join(
                   f"“{a.text}”→{decimal_text(a.value)}" for a in converted), *[a.loc for a in converted])
    if got.shift:
        record(form, "shift-row", f"资金行整体错位 {got.shift:+d} 列，已按表头对齐", row.loc)
    if got.kind is FundsRowKind.TOTAL:
        form.funds.total = got.row
        if hdr.weight is not None and not got.row.weight.text:
            got.row.weight = hdr.weight
    else:
        form.funds.rows.append(got.row)
    return True


_SUMMED = (("initial_budget", "年初预算数"), ("annual_budget", "全年预算数"), ("executed", "全年执行数"))


def total_from_rows(form: Form) -> None:
    """A 年度资金总额 row printed as zeros above 其中 rows that are filled in: each zero amount
    of the total is the sum of the rows' (by source, for a department-wide form), a repair."""
    total = form.funds.total
    rows = [r for r in form.funds.rows if r.group != BY_USE]
    if not rows:
        return
    fixed = []
    for name, label in _SUMMED:
        a: Amount = getattr(total, name)
        if a.value != 0:
            continue
        vals = [getattr(r, name).value for r in rows if getattr(r, name).value is not None]
        if not vals or sum(vals) == 0:
            continue
        s = sum(vals, Decimal(0))
        setattr(total, name, Amount(decimal_text(s), s, a.loc))
        fixed.append((label, s, a.loc))
    if fixed:
        record(form, "funds-total-from-rows",
               "年度资金总额行为 0，其下各行有金额，已按各行之和取值：" + "、".join(
                   f"{label} {decimal_text(s)}" for label, s, _ in fixed), *[loc for _, _, loc in fixed])
