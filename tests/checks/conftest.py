"""Small forms written inline in the check tests.

`form_text()` assembles a complete form in the seed's layout from the parts a test is about
(the 年度资金总额 row, the indicator rows, the 总分 row), each written with ' | ' between
cells. With no arguments it is a consistent form on which no check fires.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from jixiao.checks import check_forms
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset

from ..conftest import tsv

FUNDS = " | 年度资金总额 | 1000.00 | 1000.00 | 1,000 | 10 | 100.00% | 10"
SUBROWS = """
 | 其中：当年财政拨款 | 1000.00 | 1000.00 | | — | |
 | 上年结转资金 | 0 | 0 | | — | |
 | 其他资金 | 0 | 0 | | — | |
"""
GOALS = " | 保障系统正常运行。 | | | 保障了系统正常运行。"
INDICATORS = """
 | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |
 | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |
 | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |
"""
TOTAL = "100 | 100"


def form_text(funds: str = FUNDS, indicators: str = INDICATORS, total: str = TOTAL, goals: str = GOALS,
              subrows: str = SUBROWS, project: str = "示例项目") -> str:
    parts = [
        "财政项目支出绩效自评表",
        "(2021 年度)",
        f"项目名称 | {project}",
        "主管部门 | 示例局 | | | 实施单位 | 示例中心",
        "项目资金 (元) | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
        funds,
        textwrap.dedent(subrows).strip("\n"),
        "年度总体目标 | 预算目标 | | | 实际完成情况",
        goals,
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
        textwrap.dedent(indicators).strip("\n"),
        f"总分 | | | | | {total} |",
    ]
    return tsv("\n".join(p for p in parts if p))


@pytest.fixture
def read(tmp_path: Path):
    """Write form texts to files and read them back as forms (the reader must not complain)."""
    def _read(*texts: str):
        forms = []
        for k, text in enumerate(texts):
            p = tmp_path / f"form{k}.txt"
            p.write_text(text, encoding="utf-8")
            f, errors = read_forms(p)
            assert errors == [], errors
            forms.extend(f)
        return forms
    return _read


@pytest.fixture
def findings(read):
    """findings(text, rule) → the findings of that rule on the form(s), checked together."""
    def _findings(*texts: str, rule: str | None = None, rules=None):
        ruleset = rules or load_ruleset()
        reports = check_forms(read(*texts), ruleset)
        out = [f for r in reports for f in r.findings]
        return [f for f in out if rule is None or f.rule == rule]
    return _findings
