"""One 分值 and one 得分 merged down over a 二级 group (layouts.md "More scoring shapes"): in text
the merged cells come out empty, and a row of the group whose target and actual are words
(健全 | 健全) is still a row of values, not a name waiting for its numbers."""

from __future__ import annotations

from decimal import Decimal

from jixiao.readers.text import grid_from_text
from jixiao.recognize import recognize

from ..conftest import tsv

FORM = """
项目支出绩效自评表
项目名称 | 乡村道路养护
主管部门 | 某县交通局 | 实施单位 | 某县公路站
项目资金（元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
| 年度资金总额 | 100 | 100 | 100 | 10 | 100% | 10
年度总体目标 | 预期目标 | | | 实际完成情况
| 养护道路50公里。 | | | 养护道路50公里。
一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
产出指标 | 数量指标 | 养护里程 | 50公里 | 50公里 | 50 | 50 |
效益指标 | 可持续影响指标 | 长效管理制度健全性 | 健全 | 健全 | 30 | 30 |
| | 应急响应机制 | 完善 | 完善 | | |
满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |
总分 | | | | | 100 | 100 |
"""


def test_a_row_of_words_under_a_merged_group_score_is_an_indicator():
    forms, errors = recognize(grid_from_text(tsv(FORM), "x.txt"))
    assert errors == []
    (form,) = forms
    rows = [(i.level2.text, i.name.text, i.target.text, i.actual.text, i.weight.value) for i in form.indicators]
    assert rows[1:3] == [("可持续影响指标", "长效管理制度健全性", "健全", "健全", Decimal(30)),
                         ("可持续影响指标", "应急响应机制", "完善", "完善", None)]
    assert not [r for r in form.repairs if r.kind == "orphan-row"]
