"""The reader survives the damage PDF-to-text tools do (layouts.md §1) wherever it occurs.

Each test takes a seed form, applies one kind of damage somewhere the seed does not have it,
and checks that the same facts come back — and that the repair is recorded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.readers import read_forms

from .conftest import SEED, facts

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()


def form_lines(index: int) -> list[str]:
    """The lines of seed form `index` (0-based), from its title line to its 总分 row."""
    starts = [i for i, line in enumerate(SEED_LINES) if line.startswith("财政项目支出绩效自评表")]
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(SEED_LINES)
    return [line for line in SEED_LINES[start:end]]



def read_lines(tmp_path: Path, lines: list[str]):
    p = tmp_path / "form.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    forms, errors = read_forms(p)
    assert errors == []
    assert len(forms) == 1
    return forms[0]


def row_index(lines: list[str], name: str) -> int:
    return next(i for i, line in enumerate(lines) if name in line.split("\t"))


def split_name(line: str, name: str) -> tuple[str, str]:
    """An indicator row → (the row with its name cell emptied, a row with the name alone)."""
    cells = line.split("\t")
    col = cells.index(name)
    values = cells.copy()
    values[col] = ""
    name_only = [""] * len(cells)
    name_only[col] = name
    return "\t".join(values), "\t".join(name_only)


@pytest.fixture
def original(tmp_path):
    def _original(index: int):
        return read_lines(tmp_path, form_lines(index))
    return _original


def test_rows_shift_left_after_a_page_break(tmp_path, original):
    """A page break (blank line) before 效益指标 drops the merged leading column of every later row."""
    lines = form_lines(0)  # 交换平台运行费: every row aligned in the seed
    k = row_index(lines, "系统运行正常率")
    total = next(i for i, line in enumerate(lines) if line.startswith("总分"))
    damaged = lines[:k] + [""] + [line.split("\t", 1)[1] for line in lines[k:total]] + lines[total:]
    form = read_lines(tmp_path, damaged)
    assert facts(form) == facts(original(0))
    assert any(r.kind == "shift-row" for r in form.repairs)


def test_value_row_printed_before_its_name_row(tmp_path, original):
    """`=100%	100%	15	15` on one line, then the name alone on the next (as 车辆闲置率 in the seed)."""
    lines = form_lines(1)  # 声讯系统运行费
    k = row_index(lines, "问题反馈及时率")
    values, name_only = split_name(lines[k], "问题反馈及时率")
    damaged = lines[:k] + [values, name_only] + lines[k + 1:]
    form = read_lines(tmp_path, damaged)
    assert facts(form) == facts(original(1))
    assert any(r.kind == "join-name-row" for r in form.repairs)


def test_name_row_printed_before_its_value_row(tmp_path, original):
    lines = form_lines(2)  # 制卡设备更新及维护费
    k = row_index(lines, "设备故障排除率")
    values, name_only = split_name(lines[k], "设备故障排除率")
    damaged = lines[:k] + [name_only, values] + lines[k + 1:]
    form = read_lines(tmp_path, damaged)
    assert facts(form) == facts(original(2))
    assert any(r.kind == "join-name-row" for r in form.repairs)


def test_deviation_wrapped_onto_the_next_row(tmp_path, original):
    """The end of a 偏差原因 text lands alone on the next line, past a page break."""
    lines = form_lines(9)  # 社会保障卡制作费
    k = row_index(lines, "社会保障卡制发卡数量 完成率")
    cells = lines[k].split("\t")
    text = cells[-1]
    cells[-1] = text[:20]
    rest = [""] * (len(cells) - 1) + [text[20:]]
    damaged = lines[: k] + ["\t".join(cells), "", "\t".join(rest)] + lines[k + 1:]
    form = read_lines(tmp_path, damaged)
    assert facts(form) == facts(original(9))
    assert any(r.kind == "join-deviation" for r in form.repairs)


def test_deviation_start_printed_on_the_row_before(tmp_path, original):
    """The start of a 偏差原因 text stands alone on the row before its indicator (as in 运维 in the seed)."""
    lines = form_lines(7)  # 正式居住证制作费
    k = row_index(lines, "正式居住证制发卡数量完成率")
    cells = lines[k].split("\t")
    text = cells[-1]
    cells[-1] = text[12:]
    head = [""] * (len(cells) - 1) + [text[:12]]
    damaged = lines[:k] + ["\t".join(head), ""] + ["\t".join(cells)] + lines[k + 1:]
    form = read_lines(tmp_path, damaged)
    assert facts(form) == facts(original(7))
    assert any(r.kind == "join-deviation" for r in form.repairs)


def test_satisfaction_row_above_its_label(tmp_path, original):
    """The first 满意度 row loses its labels, which move to the row after it (as in 敬老卡 in the seed)."""
    lines = form_lines(7)  # 正式居住证制作费: 市民满意度 carries the labels, 相关政府职能部门满意度 does not
    a = row_index(lines, "市民满意度")
    b = row_index(lines, "相关政府职能部门满意度")
    ca, cb = lines[a].split("\t"), lines[b].split("\t")
    # 市民满意度	>=90%…  without labels;  满意度指标	服务对象满意度指标	相关政府职能部门满意度 …
    ca2 = ["", ""] + ca[2:]
    cb2 = ca[:2] + cb[2:]
    damaged = lines[:a] + ["\t".join(ca2), "\t".join(cb2)] + lines[b + 1:]
    form = read_lines(tmp_path, damaged)
    assert facts(form) == facts(original(7))
    assert any(r.kind == "move-satisfaction-row" for r in form.repairs)


def test_level2_label_in_level1_column_and_level1_missing(tmp_path, original):
    lines = form_lines(0)
    k = row_index(lines, "系统运行正常率")
    cells = lines[k].split("\t")  # ['', '效益指标', '社会效益指标', '系统运行正常率', …]
    cells[1], cells[2] = "社会效益指标", ""
    damaged = lines[:k] + ["\t".join(cells)] + lines[k + 1:]
    form = read_lines(tmp_path, damaged)
    assert facts(form) == facts(original(0))
    assert any(r.kind == "infer-level1" for r in form.repairs)


def test_wrap_spaces_inside_labels_and_names(tmp_path, original):
    lines = form_lines(1)
    lines = [line.replace("实施单位", "实施 单位").replace("市民问题反馈率", "市民问题 反馈率")
             .replace("年度总体目标", "年度 总体 目标").replace("三级指标", "三级 指标") for line in lines]
    form = read_lines(tmp_path, lines)
    assert facts(form) == facts(original(1))
    assert any(r.kind == "clean-label" for r in form.repairs)


def test_latex_and_unicode_operators(tmp_path, original):
    lines = form_lines(0)
    lines = [line.replace(">=90%", "$\\geq 90\\%$").replace("=0次", "＝0次") for line in lines]
    form = read_lines(tmp_path, lines)
    assert facts(form) == facts(original(0))


def test_numbers_in_several_styles(tmp_path, original):
    lines = form_lines(2)
    lines = [line.replace("1480000.00\t1480000.00\t1,454,341.54", "1,480,000.00\t1480000\t1454341.54") for line in lines]
    form = read_lines(tmp_path, lines)
    got = facts(form)["funds"]
    assert got["executed"] == "1454341.54"
    assert got["annual_budget"] == "1480000"
