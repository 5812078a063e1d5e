"""The complete list of findings on the ten seed forms, derived by hand from rules.md.

Every expectation below was worked out from the printed numbers (see `jixiao parse` of the seed)
and the rules, not copied from jixiao's output; the comments show the arithmetic. The P002
findings mirror the reader's repairs one to one and are checked against `form.repairs`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.checks import check_forms
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset

from .conftest import SEED

# Form index → project (file order).
PROJECTS = [
    "2021年(社保卡中心)交换平台运行费",
    "2021年(社保卡中心)声讯系统运行费",
    "2021年(社保卡中心)制卡设备更新及维护费",
    "2021年(社保卡中心)公务车辆购置费",
    "上海市社会保障卡服务中心信息系统(运维)",
    "居住证一网通办业务受理与AI即审即批接入平台",
    "上海市社会保障卡服务中心信息系统(2021升级改造)",
    "2021年(社保卡中心)正式居住证制作费",
    "2021年(社保卡中心)敬老卡制作费",
    "2021年(社保卡中心)社会保障卡制作费",
]

# S004 on every 长效管理…健全性 row: target 健全, actual 基本健全 → partial (rules.md §4); the
# partial band is [0.6, 0.8) of w = 5, i.e. [3, 4); printed 2.5 (0.5 × w) is below it, so the
# re-score is the band's lower edge 3, difference 2.5 − 3 = −0.5. Nine of the ten forms have it
# (公务车辆购置费 does not). It is a warning, so no error.
LONG_TERM = {
    0: "长效管理制度健全性", 1: "长效管理机制健全性", 2: "长效管理制度健全性", 4: "长效管理机制健全性",
    5: "长效管理机制健全性", 6: "长效管理机制健全性", 7: "长效管理机制健全性", 8: "长效管理机制健全性",
    9: "长效管理机制健全性",
}

# (form, rule, indicator, expected, printed)
EXPECTED = [(k, "S004", name, "3", "2.5") for k, name in LONG_TERM.items()] + [
    # -- errors -------------------------------------------------------------------------------
    # 社会保障卡制作费, 社会保障卡制发卡数量完成率: target =100%, actual 96.78%, w 20 → not met,
    # s = round2(96.78 ÷ 100 × 20) = round2(19.356) = 19.36; printed 19.4 (one decimal).
    (9, "S002", "社会保障卡制发卡数量完成率", "19.36", "19.4"),
    # 公务车辆购置费, 管理人员责任制度: actual 完善 is printed exactly as the target 完善, yet it
    # scores 2 of w = 4 → S003, expected 4.
    (3, "S003", "管理人员责任制度", "4", "2"),
    # -- warnings: F003, the printed 执行率 is the rate rounded up, not half up ----------------------
    # 信息系统(2021升级改造): 1410000 ÷ 1454161 = 96.9631…% → 96.96%; printed 96.97%.
    (6, "F003", None, "96.96", "96.97"),
    # 敬老卡制作费: 2557145 ÷ 2564000 = 99.7326…% → 99.73%; printed 99.74%.
    (8, "F003", None, "99.73", "99.74"),
    # -- info ------------------------------------------------------------------------------------
    # F006: 信息系统(运维) 3503794.7 ÷ 4104326 = 85.37% < 90%.
    (4, "F006", None, None, None),
    # V001: actuals printed with an operator. '=' is dropped (a measurement written like a target):
    # 交换平台运行费 has four '=100%' actuals, 公务车辆购置费 '=0%' and '=0次', 敬老卡制作费 '=100%'.
    (0, "V001", "系统运行电力保障率", None, None),
    (0, "V001", "报销审核准确率", None, None),
    (0, "V001", "电力保障及时率", None, None),
    (0, "V001", "系统运行正常率", None, None),
    (3, "V001", "车辆闲置率", None, None),
    (3, "V001", "车辆使用有责投诉", None, None),
    (8, "V001", "员工上岗前培训合格率", None, None),
    # 居住证一网通办, 系统平均响应时间: actual ≤5毫秒 is a bound; it guarantees the target ≤5毫秒,
    # so it is scored as met (3 of 3, no S-finding).
    (5, "V001", "系统平均响应时间", None, None),
    # D001: the same 偏差原因 on two rows of one form. 正式居住证制作费: the text of
    # 正式居住证制发卡数量完成率 is repeated on 长效管理机制健全性; 社会保障卡制作费 likewise.
    (7, "D001", "长效管理机制健全性", None, None),
    (9, "D001", "长效管理机制健全性", None, None),
    # D002: 居住证一网通办 and 信息系统(2021升级改造) give the same text
    # '建设方考评机制尚需完善。今后将根据项目需求完善建设方考评机制。' (one finding on each form).
    (5, "D002", "长效管理机制健全性", None, None),
    (6, "D002", "长效管理机制健全性", None, None),
]

# What is consistent and must stay silent: every other 执行率 rounds half up to the printed rate
# and every execution score is round2(min(r, 1) × 10) (e.g. 1454341.54 ÷ 1480000 = 98.2663…% →
# 9.83); every form has funds 10 + Σ weights = 100 with 50 / 30 / 10 per 一级; every total is
# the execution score plus the printed row scores (97.5, 97.5, 97.33, 98, 96.04, 97.06, 97.2,
# 94.95, 97.47, 96.84); 正式居住证 89.5% × 20 = 17.9 is right; no actual reaches 1.3 × its target
# (the highest is 99.58% against ≥80%, 124%); all qualitative wording is known.

# Re-scored totals by hand: execution score + each row's re-score (S004 rows 2.5 → 3).
RESCORED = ["98", "98", "97.83", "100", "96.54", "97.56", "97.70", "95.45", "97.97", "97.30"]
SELF = ["97.5", "97.5", "97.33", "98", "96.04", "97.06", "97.2", "94.95", "97.47", "96.84"]


@pytest.fixture(scope="module")
def reports():
    forms, errors = read_forms(SEED)
    assert errors == []
    return check_forms(forms, load_ruleset())


def test_forms_in_order(reports):
    assert [r.form.project.text for r in reports] == PROJECTS


def test_the_complete_list_of_findings(reports):
    got = [(k, f.rule, f.indicator, f.expected, f.printed)
           for k, r in enumerate(reports) for f in r.findings if f.rule != "P002"]
    assert sorted(got, key=_key) == sorted(EXPECTED, key=_key)


def _key(t: tuple) -> tuple:
    return tuple("" if x is None else str(x) for x in t)


def test_severities(reports):
    sev = {(k, f.rule, f.indicator): f.severity for k, r in enumerate(reports) for f in r.findings}
    assert [key for key, s in sev.items() if s == "error"] == [
        (3, "S003", "管理人员责任制度"), (9, "S002", "社会保障卡制发卡数量完成率")]
    assert sorted(key[1] for key, s in sev.items() if s == "warning") == ["F003"] * 2 + ["S004"] * 9


def test_one_p002_per_repair(reports):
    for r in reports:
        p002 = [f for f in r.findings if f.rule == "P002"]
        assert [f.message for f in p002] == [rep.message + _lines(rep) for rep in r.form.repairs]
        assert all(f.severity == "info" for f in p002)


def _lines(rep) -> str:
    lines = [str(loc.line) for loc in rep.locs if loc.line is not None]
    return f"（第{'、'.join(lines)}行）" if lines else ""


def test_self_and_rescored_totals(reports):
    assert [str(r.assessment.self_total) for r in reports] == SELF
    assert [r.assessment.rescored_total for r in reports] == [Decimal(x) for x in RESCORED]
    assert {r.assessment.self_grade for r in reports} == {r.assessment.rescored_grade for r in reports} == {"优"}


def test_findings_point_at_their_cells(reports):
    s002 = next(f for f in reports[9].findings if f.rule == "S002")
    assert (s002.field, s002.difference) == ("indicators[0].score", "0.04")
    assert s002.location.line == 243  # the 社会保障卡制发卡数量 完成率 row of the seed
    f003 = next(f for f in reports[6].findings if f.rule == "F003")
    assert (f003.field, f003.location.line) == ("funds.rate", 160)
    assert "向上进位" in f003.message
