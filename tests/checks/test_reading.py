"""P001 (a form that cannot be read) and P002 (a layout repaired while reading)."""

from __future__ import annotations

from jixiao.checks import finding_from_read_error, read_error_to_dict
from jixiao.readers import read_forms

from .conftest import form_text


# -- P001 ----------------------------------------------------------------------------------------
def test_p001_from_a_read_error(tmp_path):
    cut = "\n".join(form_text().splitlines()[:6]) + "\n"  # the form stops after its funds row
    p = tmp_path / "cut.txt"
    p.write_text(cut, encoding="utf-8")
    forms, errors = read_forms(p)
    assert forms == [] and len(errors) == 1
    f = finding_from_read_error(errors[0])
    assert (f.rule, f.severity) == ("P001", "error")
    assert f.message.startswith("无法读取：") and errors[0].message in f.message
    assert f.location.file == str(p)
    d = read_error_to_dict(errors[0])
    assert d["project"] is None and [x["rule"] for x in d["findings"]] == ["P001"]


def test_p001_not_for_a_whole_form(tmp_path):
    p = tmp_path / "ok.txt"
    p.write_text(form_text(), encoding="utf-8")
    assert read_forms(p)[1] == []


# -- P002: one info finding per repair ----------------------------------------------------------
def test_p002_one_finding_per_repair(findings, read):
    # The name wrapped across two lines in the PDF: '系统建设 完成率' → 系统建设完成率.
    text = form_text().replace("系统建设完成率", "系统建设 完成率")
    form, = read(text)
    assert len(form.repairs) == 1
    [f] = findings(text, rule="P002")
    assert (f.severity, f.indicator, f.field) == ("info", "系统建设完成率", "indicators[0]")
    assert "换行空格" in f.message and "第13行" in f.message
    assert f.location.line == 13
    assert findings(form_text(), rule="P002") == []


# -- P004: a form kept though its indicator table is missing ----------------------------------------
def test_p003_a_form_cut_off_before_its_indicator_table_is_kept(findings, read):
    lines = form_text().splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith("绩效指标"))
    text = "\n".join(lines[:cut]) + "\n"  # header, funds and goals: the page with the table is lost
    [form] = read(text)
    assert form.incomplete and "绩效指标表" in form.incomplete[0]
    assert form.indicators == [] and form.total.score.value is None
    got = findings(text)
    assert [(f.rule, f.severity) for f in got] == [("P004", "info")]  # no T002 for blocks it cannot have
    assert "缺少：绩效指标表" in got[0].message
    assert findings(form_text(), rule="P004") == []
