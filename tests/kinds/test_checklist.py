"""A transfer-payment form written as a checklist (说明 | 自查内容 | 完成情况 | 佐证材料, the amounts
inside sentences, no points): read as a transfer form, checked for what can be checked, and bad
sentences refused with their cell (issue 14). Read-back in every format: test_read_back.py."""

from __future__ import annotations

import random

from jixiao.checks import check_form
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset
from jixiao.synth.kinds import layout, transfer_form
from jixiao.synth.text import render

RULES = load_ruleset("cn-2020")


def rows_of(seed: int = 5):
    form = transfer_form(random.Random(seed), "checklist")
    return form, layout(form, "checklist")


def read_rows(tmp_path, rows):
    path = tmp_path / "checklist.txt"
    path.write_text(render(rows), encoding="utf-8")
    return read_forms(path)


def findings(form) -> set[str]:
    return {f.rule for f in check_form(form, RULES) if f.severity != "info"}


def row_where(rows, column: int, text: str) -> int:
    return next(k for k, r in enumerate(rows) if r[column].startswith(text))


def test_read_as_a_transfer_form_without_points(tmp_path):
    form, rows = rows_of()
    (got,), errors = read_rows(tmp_path, rows)
    assert errors == []
    assert got.kind == "transfer" and got.amount_unit == "万元"
    assert got.funds.total.annual_budget.value == form.funds.total.annual_budget.value
    assert [r.label for r in got.funds.rows] == ["中央财政资金", "地方资金", "其他资金"]
    assert len(got.management) == 7 and len(got.indicators) == len(form.indicators)
    assert all(i.weight.value is None for i in got.indicators) and got.total.weight.value is None
    assert got.extra["evidence"] == [{"item": "年度资金总额", "text": "预算批复及资金下达文件"}]
    assert got.funds.total.rate.loc.line == row_where(rows, 1, "年度资金总额") + 1
    assert findings(got) == set()


def test_a_wrong_rate_in_a_sentence_is_f007(tmp_path):
    _, rows = rows_of()
    k = row_where(rows, 1, "中央财政资金")
    rate = rows[k][2].split("预算执行率")[1].rstrip("。")
    rows[k][2] = rows[k][2].replace(rate, "99.99%")
    (got,), _ = read_rows(tmp_path, rows)
    assert "F007" in findings(got)


def test_sub_rows_not_adding_up_is_f001(tmp_path):
    _, rows = rows_of()
    k = row_where(rows, 1, "其他资金")
    rows[k][2] = "全年预算数1.00万元，全年执行数1.00万元，预算执行率100%。"
    (got,), _ = read_rows(tmp_path, rows)
    assert "F001" in findings(got)


def test_an_empty_management_item_is_k005(tmp_path):
    _, rows = rows_of()
    rows[row_where(rows, 1, "拨付合规性")][2] = ""
    (got,), _ = read_rows(tmp_path, rows)
    assert findings(got) == {"K005"}


def test_an_unmet_indicator_without_a_reason_is_k006(tmp_path):
    form, rows = rows_of()
    k = next(k for k, r in enumerate(rows) if r[2].startswith("指标值：≥"))
    target = rows[k][2].split("；")[0].removeprefix("指标值：≥")
    rows[k][2] = f"指标值：≥{target}；全年实际完成值：0{''.join(c for c in target if not c.isdigit() and c != '.')}"
    (got,), _ = read_rows(tmp_path, rows)
    assert "K006" in findings(got)


def test_a_sentence_without_amounts_is_refused_with_its_cell(tmp_path):
    _, rows = rows_of()
    k = row_where(rows, 1, "地方资金")
    rows[k][2] = "资金已按时足额到位。"
    forms, errors = read_rows(tmp_path, rows)
    assert forms == []
    assert "“地方资金”的完成情况中找不到全年预算数" in errors[0].message
    assert errors[0].loc.line == k + 1 and errors[0].loc.col == 3


def test_an_indicator_sentence_of_another_shape_is_refused_with_its_cell(tmp_path):
    _, rows = rows_of()
    k = next(k for k, r in enumerate(rows) if r[2].startswith("指标值"))
    rows[k][2] = "已完成"
    forms, errors = read_rows(tmp_path, rows)
    assert forms == []
    assert "完成情况应写作“指标值：…；全年实际完成值：…”" in errors[0].message and "已完成" in errors[0].message
    assert errors[0].loc.line == k + 1 and errors[0].loc.col == 3
