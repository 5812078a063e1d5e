"""The layout families of the project form (layouts.md "Project forms"), each laying out a
generated `Form` its own way: header words, column order, merges, extra columns, units in cells,
Traditional characters, parent rows, the 20/80 block, the 决策/管理/产出/效益 framework, totals in
odd places, several forms per file, a cover sheet.

A family's `render` (renderers.py) gives the sheets of a file as grids of cell texts (`<` merged with the cell
on the left, `^` with the cell above; writers.layout.grid_plan turns a grid into the plan the
Excel and Word writers draw, `text_of` into the tab-separated text PDF-to-text tools write), and
`expect` the form a reader must get back from them (amounts as the family prints them, no parent
rows, no weights where none is printed…). `prepare` shapes a drawn form the way the family's
forms are (parent rows, sub-rows with their own execution); the 20/80 and 决策/管理 families are
drawn under their own `Params` (generate.py) so that a clean form is consistent under the rule
set their forms are checked with (`ruleset`, the one rules/pick.py picks for them).

`rules` lists the rules a family's forms can carry; a rule a family has no place for (a 分值
error in a family that prints no 分值) passes its turn to the next rule, as P002 does outside .txt.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Form
from .generate import DMOE, TWENTY_EIGHTY, Params
from .renderers import (
    Grid,
    L,
    U,
    converts,
    e_blank_actuals,
    e_criteria,
    e_cut_off,
    e_decision,
    e_funds_arrival,
    e_group_score,
    e_no_total_weight,
    e_total_in_funds,
    e_twenty_eighty,
    no_parents,
    one,
    p_budget_unadjusted,
    p_funds_sub_rows,
    p_parent,
    p_zero_total,
    r_blank_actuals,
    r_check_boxes,
    r_column_names,
    r_cover,
    r_criteria,
    r_cut_off,
    r_decision,
    r_extra_columns,
    r_funds_arrival,
    r_group_score,
    r_header_total,
    r_level1_points,
    r_lone_total,
    r_rate_fraction,
    r_review_score,
    r_score_split,
    r_several,
    r_split_target,
    r_standard,
    r_total_in_funds,
    r_traditional,
    r_twenty_eighty,
    r_units_in_cells,
    r_weight_first,
    r_zero_total,
)

STANDARD = "standard"

# every rule of inject.MUTATORS that lives in the form (not in the text's layout)
FORM_RULES = frozenset({
    "P001", "F001", "F002", "F003", "F004", "F005", "F006", "W001", "W002", "T001", "T002",
    "S001", "S002", "S003", "S004", "S005", "S006", "V001", "V002", "V003", "V004", "D001", "D002", "G001",
})
# rules that need the funds row's 分值/得分 (F004, F005) or a 总分 row (S006, W001's total)
FUNDS_POINTS = frozenset({"F004", "F005"})
TOTAL_ROW = frozenset({"S006", "W001"})
# rules about one row's printed 分值 and 得分
ROW_POINTS = frozenset({"W001", "W002", "T002", "S001", "S002", "S003", "S004", "F005"})


@dataclass
class Family:
    name: str
    about: str  # the quirk, in Chinese (docs and --check's table)
    render: Callable[[list[Form], random.Random], list[tuple[str, Grid]]]
    rules: frozenset[str] = FORM_RULES
    forms: int = 1  # forms in one file
    ruleset: str = "cn-2020"
    params: Callable[[], Params] | None = None  # how a clean form of the family is drawn
    prepare: Callable[[Form, random.Random], None] | None = None
    expect: Callable[[Form], Form] | None = None
    # rules every form of the family carries, and why: the reader's note on the quirk it repaired
    # (P002, info), a form kept incomplete (P004), scores it cannot recompute (V004)
    inherent: tuple[str, ...] = ()
    why: str = ""
    repaired: Callable[[Form], bool] | None = None  # the forms of the family the reader repairs (P002)

    def expected(self, form: Form) -> Form:
        return self.expect(copy.deepcopy(form)) if self.expect else form




# rules a family cannot carry, beyond the text-only ones
NO_POINTS = ROW_POINTS | {"S005", "D001", "D002"}  # rows scored or a deviation per row: neither printed
FAMILIES: list[Family] = [
    Family("standard", "标准版式（上海）", one(r_standard)),
    Family("column-names", "列名不同：权重、指标值、全年完成值、全年(调整)预算数", one(r_column_names)),
    Family("weight-first", "分值列在指标值之前", one(r_weight_first)),
    Family("split-target", "指标值拆为 指标性质 | 指标值 | 计量单位", one(r_split_target), inherent=("P002",), why="指标值分三列、表头两行：读取时合并表头并说明"),
    Family("extra-columns", "多出 指标值设置依据、上年完成值、得分系数、佐证资料等列", one(r_extra_columns)),
    Family("units-in-cells", "金额带单位（120万、1,000,000.00元）", one(r_units_in_cells), repaired=converts,
           why="金额以万填写：读取时换算为元并说明"),
    Family("twenty-eighty", "20/80：执行率 20 分，年度绩效目标 80 分，无分值列", one(r_twenty_eighty),
           rules=FORM_RULES - NO_POINTS - {"F005", "W001"} | {"S007", "S009"},
           ruleset="cn-2020-80", params=lambda: Params(funds_weight=20, block_weights=(40, 30, 10), framework=TWENTY_EIGHTY,
                                 equal_weights=True),
           expect=e_twenty_eighty),
    Family("parent-child", "上级行（一、…）下列子行（1、…）", one(r_standard), inherent=("P002",), why="上级行：读取时识别为汇总行并说明", prepare=p_parent, expect=no_parents,
           rules=frozenset({"P001", "F001", "F002", "F003", "F004", "F006", "G001", "S006", "W003"})),
    Family("level1-points", "一级指标带分值（产出指标(50分)），占位行和空类别行", one(r_level1_points), inherent=("P002",), why="占位行：读取时忽略并说明"),
    Family("header-total", "表头印自评得分，无总分行", one(r_header_total), inherent=("P002",), why="无总分行：读取时取表头自评得分并说明", expect=e_no_total_weight,
           rules=FORM_RULES - TOTAL_ROW - {"S001"}),
    Family("lone-total", "总分行只有得分", one(r_lone_total), expect=e_no_total_weight, rules=FORM_RULES - {"W001"}),
    Family("funds-sub-rows", "资金来源各有执行数和执行率", one(r_standard), prepare=p_funds_sub_rows,
           rules=FORM_RULES - {"F001", "F002", "F003"}),
    Family("decision-management", "决策/管理/产出/效益框架，表头自评得分", one(r_decision), ruleset="project-dmoe",
           inherent=("P002",), why="无总分行：读取时取表头自评得分并说明",
           params=lambda: Params(funds_weight=0, block_weights=(10, 20, 40, 30), framework=DMOE), expect=e_decision,
           rules=FORM_RULES - FUNDS_POINTS - TOTAL_ROW - {"W002", "T001", "T002", "S001"}),
    Family("score-split", "得分分三列：单项指标得分、权重占比、折算得分", one(r_score_split)),
    Family("review-score", "自评得分与复评得分两列", one(r_review_score)),
    # a 一级 block's 分值 cannot be added up where a merged group leaves rows blank (W002 skips
    # such a block): W002 and the injections that carry it pass
    Family("group-score", "每个二级指标组一个分值和得分，向下合并", one(r_group_score), expect=e_group_score,
           rules=FORM_RULES - {"W002", "F005", "T002", "W001"}),
    Family("criteria-funds-ab", "评价标准列；资金只有 年初预算数(A)、全年执行数(B)", one(r_criteria),
           prepare=p_budget_unadjusted, expect=e_criteria),
    # a file cut short loses the other form of the file too: P001 passes in the families of two forms
    Family("several-forms", "一个工作表上两张表", r_several, forms=2, rules=FORM_RULES - {"P001"}),
    Family("blank-actuals", "实际完成值和得分均未填", one(r_blank_actuals), expect=e_blank_actuals,
           rules=frozenset({"P001", "F001", "F002", "F003", "F004", "F006", "W001", "W002", "T001", "G001"}),
           inherent=("V004",), why="实际完成值未填：无法重新评分（V004）"),
    Family("check-boxes", "表头项目类型复选框（□新增 ☑延续）", one(r_check_boxes)),
    Family("traditional", "繁体字", one(r_traditional), inherent=("P002",), why="繁体字：读取时转为简体并说明"),
    # an execution above 100 % typed as a fraction (1.0702) cannot be told from a percentage: F002 passes
    Family("rate-as-fraction", "执行率写成小数（0.95）", one(r_rate_fraction), rules=FORM_RULES - {"F002"}),
    Family("funds-arrival", "资金列为 预算数 / 到位数 / 执行数 / 执行进度", one(r_funds_arrival),
           expect=e_funds_arrival, rules=FORM_RULES - {"F003"}),
    Family("tail-before-title", "两张表连排，前一张的末行印在下一张标题之前的一页", r_several, forms=2,
           rules=FORM_RULES - {"P001"}),
    Family("cut-off", "缺少绩效指标表（表被截断），保留并标为不完整", one(r_cut_off), expect=e_cut_off,
           rules=frozenset({"P001", "F001", "F002", "F003", "F006", "G001"}), inherent=("P004",),
           why="缺少绩效指标表（表不完整）"),
    Family("funds-zero-total", "资金合计行为 0，其中各行有数", one(r_zero_total), inherent=("P002",), why="资金合计行为 0：读取时按其中各行之和取值并说明", prepare=p_zero_total,
           rules=FORM_RULES - {"F001", "F002", "F003"}),
    Family("total-in-funds-row", "总分填在资金行的分值/得分格，无总分行", one(r_total_in_funds), inherent=("P002",), why="总分在资金行：读取时移为总分并说明", expect=e_total_in_funds,
           rules=FORM_RULES - FUNDS_POINTS - TOTAL_ROW),
    Family("cover-sheet", "封面加每表一个工作表", r_cover, forms=2, rules=FORM_RULES - {"P001"}),
]
BY_NAME = {f.name: f for f in FAMILIES}
NAMES = tuple(BY_NAME)


def text_of(sheets: list[tuple[str, Grid]]) -> str:
    """The sheets as tab-separated text, merged cells empty (as PDF-to-text tools write the seed)."""
    return "".join("\t".join("" if c in (L, U) else c for c in row) + "\n" for _, grid in sheets for row in grid)


def markdown_of(sheets: list[tuple[str, Grid]]) -> str:
    """The sheets as pipe tables, as PDF-to-markdown tools write them: merged cells empty, a
    separator after each table's first row."""
    out = []
    for _, grid in sheets:
        for k, row in enumerate(grid):
            out.append("| " + " | ".join("" if c in (L, U) else c.replace("|", "\\|") for c in row) + " |")
            if k == 0:
                out.append("|" + "---|" * len(row))
        out.append("")
    return "\n".join(out)


def html_of(family: Family, sheets: list[tuple[str, Grid]]) -> str:
    """The sheets as one web page, a <table> each, merged cells as rowspan/colspan."""
    import html

    out = ['<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>绩效自评表</title></head><body>']
    for _, plan in plans_of(family, sheets):
        by_row: dict[int, list] = {}
        for slot in plan.slots:
            by_row.setdefault(slot.row, []).append(slot)
        out.append('<table border="1">')
        for r in range(plan.n_rows):
            cells = []
            for slot in sorted(by_row.get(r, []), key=lambda x: x.col):
                span = (f' rowspan="{slot.rows}"' if slot.rows > 1 else "") + (f' colspan="{slot.cols}"' if slot.cols > 1 else "")
                cells.append(f"<td{span}>{html.escape(slot.text)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def title_rows(grid: Grid) -> int:
    """Rows above the table: the title and the year, each one cell across the whole width."""
    n = 0
    while n < len(grid) and len(grid[n]) > 1 and all(c == L for c in grid[n][1:]):
        n += 1
    return n


def plans_of(family: Family, sheets: list[tuple[str, Grid]]):
    """The writers' plans of the sheets (writers.layout.grid_plan); a page break inside the first
    form's indicator table for the page-run families."""
    from ..writers.layout import grid_plan

    out = []
    for name, grid in sheets:
        breaks: tuple[int, ...] = ()
        if family.name == "tail-before-title":
            # the first form's total row goes over to the next page, before the second title
            first_total = next(k for k, r in enumerate(grid) if r[0] == "总分")
            breaks = (first_total - 1,)
        out.append((name, grid_plan(grid, title_rows=title_rows(grid), row_breaks=breaks)))
    return out
