"""`jixiao check`: the terminal report (detailed for a few forms or with --detail, one line per form
for more), --json, --html, --rules, --min-severity and exit status."""

from __future__ import annotations

import json
import re

import click
from click.testing import CliRunner

from jixiao.checks import check_forms
from jixiao.checks.terminal import DETAIL_UP_TO, _form_detail
from jixiao.cli import main
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset
from rich.cells import cell_len

from ..conftest import SEED
from .conftest import form_text


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def test_seed_detailed_report_and_exit_status_1():
    r = run(str(SEED), "--detail")
    assert r.exit_code == 1  # the seed has two error-severity findings (S002, S003)
    out = r.output
    assert out.count("【") == 10
    assert "自评总分 96.84（优）" in out and "重新评分 97.3（优）" in out
    assert "19.356" in out and "S002" in out
    assert "共检查 10 张自评表：错误 2 处" in out
    # errors first within a form: in 公务车辆购置费, S003 comes before P002/V001
    block = out.split("【2021年(社保卡中心)公务车辆购置费】")[1].split("【")[0]
    assert block.index("S003") < block.index("P002") < block.index("V001")
    # not a terminal: one finding a line, nothing wrapped (grep finds a finding whole)
    s002 = next(line for line in out.splitlines() if "S002" in line)
    assert "社会保障卡制发卡数量完成率 第243行" in s002 and "19.356" in s002 and "保留2位小数" in s002
    assert "\x1b[" not in out  # no colour codes in a pipe


def test_many_forms_one_line_each():
    r = run(str(SEED))  # ten forms: more than DETAIL_UP_TO
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[0].split() == ["项目", "自评总分", "重新评分", "错误", "警告", "提示", "来源", "最严重的问题"]
    rows = lines[1:11]
    assert len(rows) == 10 and lines[11] == "" and "【" not in r.output
    car = next(line for line in rows if line.startswith("2021年(社保卡中心)公务车辆购置费 "))
    # project, self-score, re-score, errors / warnings / infos, source, the worst finding (errors first)
    assert car.split()[1:8] == ["98（优）", "100（优）", "1", "0", "7", str(SEED), "第69行"]
    assert car.split("第69行")[1].split()[:3] == ["错误", "S003", "管理人员责任制度"]
    assert "应得满分 4，填报 2" in car
    last = rows[-1]
    assert last.startswith("2021年(社保卡中心)社会保障卡制作费 ") and "96.84（优）" in last and "97.3（优）" in last
    assert "错误 S002 社会保障卡制发卡数量完成率 第243行：" in last
    clean = next(line for line in rows if line.startswith("2021年(社保卡中心)声讯系统运行费 "))
    assert clean.split()[3:6] == ["0", "1", "0"] and "警告 S004" in clean
    assert lines[-1] == ("共检查 10 张自评表：错误 2 处，警告 11 处，提示 34 处；2 张表有错误。"
                         "逐条列出每张表的问题：加 --detail。")


def test_detail_up_to_five_forms_one_line_each_beyond(tmp_path):
    paths = []
    for k in range(DETAIL_UP_TO + 1):
        p = tmp_path / f"f{k}.txt"
        p.write_text(form_text(project=f"项目{k}"), encoding="utf-8")
        paths.append(str(p))
    few = run(*paths[:DETAIL_UP_TO]).output
    assert few.count("【") == DETAIL_UP_TO and few.count("未发现问题。") == DETAIL_UP_TO and "--detail" not in few
    many = run(*paths).output
    assert "【" not in many and many.count("未发现问题") == DETAIL_UP_TO + 1
    assert [line.split()[0] for line in many.splitlines()[1:DETAIL_UP_TO + 2]] == [f"项目{k}" for k in range(6)]
    assert many.splitlines()[-1].startswith(f"共检查 {DETAIL_UP_TO + 1} 张自评表：错误 0 处")
    assert run(*paths, "--detail").output.count("【") == DETAIL_UP_TO + 1
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    r = run(*paths, str(empty))
    assert r.exit_code == 2 and "【" not in r.output
    assert f"  P001 错误  {empty}" in r.output.split("无法读取：")[1]
    assert f"共检查 {DETAIL_UP_TO + 1} 张自评表，1 处无法读取：错误 0 处" in r.output


def test_detail_wraps_to_a_terminal_width():
    rs = load_ruleset()
    reports = check_forms(read_forms(SEED)[0], rs)
    report = next(r for r in reports if r.form.label.endswith("社会保障卡制作费"))
    lines = [click.unstyle(line) for line in _form_detail(report, report.findings, 90)]
    header = next(line for line in lines if "级别" in line)
    table = lines[lines.index(header) + 1:-1]
    assert all(cell_len(line) <= 90 for line in table) and len(table) > len(report.findings)
    s002 = table.index(next(line for line in table if "S002" in line))
    finding = next(x for x in report.findings if x.rule == "S002")
    indent = cell_len(header.split("说明")[0])  # continuation lines start under 说明
    pieces = [table[s002].split("第243行  ", 1)[1]]
    for line in table[s002 + 1:]:
        if line[:indent].strip():
            break
        pieces.append(line[indent:])
    assert len(pieces) > 2 and "".join(pieces) == finding.message


def test_consistent_form_exits_0(tmp_path):
    p = tmp_path / "ok.txt"
    p.write_text(form_text(), encoding="utf-8")
    r = run(str(p))
    assert r.exit_code == 0 and "未发现问题" in r.output


def test_json(tmp_path):
    r = run(str(SEED), "--json")
    data = json.loads(r.output)
    assert r.exit_code == 1 and len(data) == 10
    last = data[9]
    assert (last["project"], last["self_total"], last["rescored_total"], last["self_grade"], last["rescored_grade"]) == (
        "2021年(社保卡中心)社会保障卡制作费", "96.84", "97.30", "优", "优")
    s002 = last["findings"][0]
    assert {k: s002[k] for k in ("rule", "severity", "indicator", "expected", "printed", "difference")} == {
        "rule": "S002", "severity": "error", "indicator": "社会保障卡制发卡数量完成率",
        "expected": "19.36", "printed": "19.4", "difference": "0.04"}
    assert s002["location"].endswith("第243行 第8列")


def test_unreadable_input_exits_2_and_the_others_are_still_checked(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    ok = tmp_path / "ok.txt"
    ok.write_text(form_text(), encoding="utf-8")
    r = run(str(empty), str(ok), "--json")
    assert r.exit_code == 2
    data = json.loads(r.stdout)
    assert [d["project"] for d in data] == ["示例项目", None]
    assert data[1]["findings"][0]["rule"] == "P001" and str(empty) in data[1]["findings"][0]["location"]


def test_min_severity_hides_lower_findings():
    data = json.loads(run(str(SEED), "--json", "--min-severity", "error").output)
    assert sorted(f["rule"] for d in data for f in d["findings"]) == ["S002", "S003"]
    r = run(str(SEED), "--min-severity", "warning", "--detail")
    assert "V001" not in r.output and "F003" in r.output and r.exit_code == 1


def test_html_report_is_standalone_and_marks_cells(tmp_path):
    out = tmp_path / "report.html"
    r = run(str(SEED), "--html", str(out))
    assert r.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    # nothing to fetch: no external stylesheet, script, image or font
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html) and "<link" not in html and "<script" not in html
    assert html.count('<section class="form"') == 10
    # S002 is marked on the 得分 cell of 社会保障卡制发卡数量完成率, with the expected value
    cell = re.search(r'<td class="num sev-error">19\.4<sup class="mark"><a href="#f10-1"[^>]*>1</a></sup>'
                     r'<div class="exp">应为 19\.36</div></td>', html)
    assert cell, "the S002 cell is not marked"
    assert '<li id="f10-1">' in html and "19.356" in html
    # F003 is marked on the 执行率 cell of 敬老卡制作费 (form 9)
    assert re.search(r'<td class="num sev-warning">99\.74%<sup class="mark"><a href="#f9-1"', html)


def test_rules_option(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('extends = "cn-2020"\n[checks.S002]\nseverity = "warning"\n[checks.S003]\nenabled = false\n',
                     encoding="utf-8")
    r = run(str(SEED), "--rules", str(rules))
    assert r.exit_code == 0 and "错误 0 处" in r.output
    r = run(str(SEED), "--rules", "cn-2021-central", "--json")
    assert json.loads(r.output)[0]["findings"]  # a bundled rule set by its id


def test_broken_rules_file_exits_2_with_the_line(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('extends = "cn-2020"\n[weights]\nfunds = "十"\n', encoding="utf-8")
    r = run(str(SEED), "--rules", str(rules))
    assert r.exit_code == 2
    assert "第3行" in r.stderr and "weights.funds" in r.stderr and "应为数字" in r.stderr


def test_html_that_cannot_be_written_exits_2(tmp_path):
    r = run(str(SEED), "--html", str(tmp_path / "no-such-dir" / "report.html"))
    assert r.exit_code == 2 and "无法写入 HTML 报告" in r.stderr


def test_min_severity_says_what_it_hides():
    out = run(str(SEED), "--min-severity", "error", "--detail").output
    first = out.split("【")[1]  # 交换平台运行费: one S004 warning and four V001 infos
    assert "未发现问题（另有 5 处较低级别的问题未显示）" in first


def test_the_rule_set_is_picked_by_the_forms_taxonomy_when_none_is_given(tmp_path):
    """A form of the 决策/管理/产出/效益 framework is checked under its own rule set, and the
    report says so; the seed keeps the default (cn-2020) and no line about it."""
    from ..conftest import tsv

    text = tsv("""
    项目支出绩效自评表
    (2022 年度)
    项目名称 | 示例项目
    主管部门 | 示例局 | | | 实施单位 | 示例中心
    项目资金 (元) | | 年初预算数 | 调整预算数(A) | 全年执行数(B) | 执行率(B/A)
     | 年度资金总额 | 1000.00 | 1000.00 | 1,000 | 100.00%
    年度总体目标 | 预期目标 | | | 实际完成情况
     | 保障系统正常运行。 | | | 保障了系统正常运行。
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
     | 项目决策(10分) | 项目立项 | 立项依据充分性 | 充分 | 充分 | 10 | 10 |
     | 项目管理(20分) | 资金管理 | 预算执行率 | =100% | 100% | 20 | 20 |
     | 项目产出(40分) | 产出数量 | 系统建设完成率 | =100% | 100% | 40 | 40 |
     | 项目效益(30分) | 社会效益 | 管理制度健全性 | 健全 | 健全 | 20 | 20 |
     | | 满意度 | 群众满意度 | >=90% | 95% | 10 | 10 |
    总分 | | | | | | 100 | 100 |
    """)
    p = tmp_path / "dmoe.txt"
    p.write_text(text, encoding="utf-8")
    r = run(str(p), "--detail")
    assert r.output.splitlines()[0] == ("规则集：未指定规则集，按表的指标体系和执行率分值选用"
                                        "“决策/管理/产出/效益框架（项目支出绩效评价指标体系）”（project-dmoe）")
    assert "T001" not in r.output and r.exit_code == 0, r.output
    assert "规则集" not in run(str(SEED)).output.splitlines()[0]
