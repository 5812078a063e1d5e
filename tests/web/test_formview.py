"""Where a finding is drawn on the paper form: `Finding.field` names the cell."""

from __future__ import annotations

from jixiao.web.formview import build, cell_id, field_label, level_spans

DATA = {
    "project": "项目", "funds": {"rows": [{"label": "其中：当年财政拨款"}]},
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "甲"},
        {"level1": "产出指标", "level2": "数量指标", "name": "乙"},
        {"level1": "产出指标", "level2": "质量指标", "name": "丙"},
        {"level1": "效益指标", "level2": "质量指标", "name": "丁"},
    ],
}


def finding(field, index=None, rule="S002"):
    return {"rule": rule, "severity": "error", "message": "说明", "field": field, "index": index, "location": None,
            "expected": None, "printed": None, "difference": None}


def test_findings_land_on_their_cells_rows_or_the_whole_form():
    view = build(DATA, {}, [
        finding("indicators[2].score", 2),  # a cell
        finding("indicators[1]", 1, "P002"),  # a row: its name cell
        finding("funds.rate", rule="F003"),
        finding("funds.rows[0].annual_budget", rule="F001"),
        finding("funds", rule="F002"),  # the block: the 年度资金总额 label
        finding(None, 3, "V004"),  # only an index: the indicator's name cell
        finding(None, rule="W001"),  # the whole form
        finding("indicators[9].score", 9),  # no such row: the whole form
    ])
    keys = [f.key for f in view.findings]
    assert keys == ["indicators[2].score", "indicators[1].name", "funds.rate", "funds.rows[0].annual_budget",
                    "funds.label", "indicators[3].name", None, None]
    assert [f.rule for f in view.general] == ["W001", "S002"]
    assert view.cell_class("indicators[2].score") == "marked sev-error"
    assert [f.rule for f in view.notes("funds")] == ["F003", "F002"]


def test_repeated_level_labels_merge_like_on_paper():
    # 二级 "质量指标" repeats across a 一级 boundary and must not merge there.
    assert level_spans(DATA["indicators"]) == [(3, 2), (0, 0), (0, 1), (1, 1)]


def test_cells_are_named_in_words_and_have_html_ids():
    assert field_label("indicators[1].actual", DATA) == "第2行指标“乙”的实际完成值"
    assert field_label("funds.rows[0].executed", DATA) == "资金“其中：当年财政拨款”的全年执行数"
    assert field_label("total.score", DATA) == "总分栏的得分"
    assert cell_id("indicators[12].score") == "cell-indicators-12-score"
