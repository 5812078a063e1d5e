"""`jixiao synth --layouts`: every layout family of the project form (jixiao/synth/families.py)
written in its own way, in text, Excel, Word, HTML, markdown (and PDF for a few), reads back to the facts the
family must give, with no error or warning; a corpus of every family with injections is checked
with recall and precision 1 against its manifest, each family under the rule set made for it.
"""

from __future__ import annotations

import random
from decimal import Decimal
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao import writers
from jixiao.checks import check_forms
from jixiao.cli import main
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset
from jixiao.rules.pick import pick_ruleset
from jixiao.synth.corpus import injectable, read_manifest, write_corpus
from jixiao.synth.evaluate import evaluate
from jixiao.synth.families import BY_NAME, FAMILIES, NAMES, html_of, markdown_of, plans_of, text_of
from jixiao.synth.generate import FormMaker, retotal
from jixiao.synth.inject import plan
from jixiao.writers.layout import grid_plan

FORMATS = ("txt", "xlsx", "docx", "html", "md")
PDF_FAMILIES = ("standard", "twenty-eighty", "decision-management", "traditional")


def _num(a):
    return format(a.value.normalize(), "f") if a.value is not None else (a.text or None)


def facts(f) -> dict:
    """What a form says: header, funds (as numbers), goals, indicators, total."""
    t = f.funds.total
    return {
        "header": [f.project.text, f.year, f.department.text, f.unit.text, f.amount_unit],
        "funds": [_num(t.initial_budget), _num(t.annual_budget), _num(t.executed), _num(t.weight), _num(t.rate),
                  _num(t.score)],
        "funds_rows": [[r.label, _num(r.initial_budget), _num(r.annual_budget), _num(r.executed)] for r in f.funds.rows],
        "goals": [f.goals.planned.text, f.goals.achieved.text],
        "indicators": [[i.level1.text, i.level2.text, i.name.text, i.target.norm, i.actual.norm, _num(i.weight),
                        _num(i.score), i.deviation.text] for i in f.indicators],
        "total": [_num(f.total.weight), _num(f.total.score)],
    }


def clean_forms(family, seed: int) -> list:
    rng = random.Random(f"{family.name}-{seed}")
    maker = FormMaker(rng)
    forms = []
    for _ in range(family.forms):
        form = maker.make(plan(None, rng, family.params() if family.params else None).params)
        if family.prepare:
            family.prepare(form, rng)
            retotal(form)
        forms.append(form)
    return forms


def write(family, forms, path: Path) -> None:
    sheets = family.render(forms, random.Random(1))
    if path.suffix == ".txt":
        path.write_text(text_of(sheets), encoding="utf-8")
    elif path.suffix == ".xlsx":
        writers.write_plans_xlsx(plans_of(family, sheets), path)
    elif path.suffix == ".html":
        path.write_text(html_of(family, sheets), encoding="utf-8")
    elif path.suffix == ".md":
        path.write_text(markdown_of(sheets), encoding="utf-8")
    else:
        writers.write_plans_docx([p for _, p in plans_of(family, sheets)], path)


def assert_reads_back(family, forms, path: Path) -> None:
    got, errors = read_forms(path)
    assert errors == []
    assert [facts(g) for g in got] == [facts(family.expected(f)) for f in forms]
    reports = check_forms(got, load_ruleset(family.ruleset))
    loud = [(fd.rule, fd.message) for r in reports for fd in r.findings if fd.severity in ("error", "warning")]
    assert loud == [(rule, m) for rule, m in loud if rule in family.inherent]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_a_clean_form_of_each_family_reads_back_to_its_facts(tmp_path, name, fmt):
    family = BY_NAME[name]
    forms = clean_forms(family, 0)
    path = tmp_path / f"{name}.{fmt}"
    write(family, forms, path)
    assert_reads_back(family, forms, path)


def test_each_family_is_written_its_own_way(tmp_path):
    """Not the standard layout with another name: the family's header words, widths and merges."""
    import openpyxl

    def cells(name):
        family = BY_NAME[name]
        path = tmp_path / f"{name}.xlsx"
        write(family, clean_forms(family, 1), path)
        wb = openpyxl.load_workbook(path)
        return wb, {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}

    wb, texts = cells("split-target")
    assert {"指标性质", "计量单位"} <= texts and wb.active.max_column == 11
    assert "年初目标值(A)" in cells("twenty-eighty")[1] and "分值" not in cells("twenty-eighty")[1]
    assert {"项目决策(10分)", "调整预算数(A)", "自评得分"} <= cells("decision-management")[1]
    assert "項目名稱" in cells("traditional")[1]
    assert cells("cover-sheet")[0].sheetnames == ["封面", "表1", "表2"]
    assert any(t.startswith("一、") for t in cells("parent-child")[1])
    assert cells("tail-before-title")[0].active.row_breaks.brk  # the first form's tail on the next page


@pytest.mark.parametrize("name", [f.name for f in FAMILIES if f.ruleset != "cn-2020"] + ["standard"])
def test_check_picks_the_rule_set_a_family_is_made_for(name):
    family = BY_NAME[name]
    forms = clean_forms(family, 2) + clean_forms(family, 3)
    assert pick_ruleset(forms)[0].id == family.ruleset


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """A few families printed by LibreOffice from their Word files (one soffice call)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: scripts/setup.sh installs it")
    out = tmp_path_factory.mktemp("family-pdf")
    written = {}
    for name in PDF_FAMILIES:
        forms = clean_forms(BY_NAME[name], 4)
        write(BY_NAME[name], forms, out / f"{name}.docx")
        written[name] = forms
    profile = out / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *(str(out / f"{n}.docx") for n in PDF_FAMILIES)],
                   check=True, capture_output=True, timeout=300)
    return out, written


@pytest.mark.parametrize("name", PDF_FAMILIES)
def test_a_family_printed_to_pdf_reads_back(pdfs, name):
    out, written = pdfs
    assert_reads_back(BY_NAME[name], written[name], out / f"{name}.pdf")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    text = tmp_path_factory.mktemp("families-txt")
    write_corpus(text, 9 * len(NAMES), seed=13, error_share=0.75, layouts=NAMES)
    office = tmp_path_factory.mktemp("families-office")
    write_corpus(office, 3 * len(NAMES) + 6, seed=14, formats=("xlsx", "docx", "html"), error_share=0.75, layouts=NAMES)
    return [(text, evaluate(text)), (office, evaluate(office))]


def test_every_family_carries_injections(corpora):
    (text, _), _ = corpora
    rows = read_manifest(text / "manifest.csv")
    injected = {r["layout"] for r in rows if r["rule"] and not r["detail"].startswith("版式固有")}
    assert injected == set(NAMES)
    rules = {r["rule"] for r in rows}
    assert {"W003", "F004", "S002", "D002", "P004", "V001"} <= rules


def test_the_family_rules_are_found_in_their_families(tmp_path):
    """S007 (a 20/80 block scored above its implied points) and W003 (a parent row that is not
    its children's sum) where the family prints them, in text and Excel."""
    write_corpus(tmp_path, 16, seed=3, formats=("txt", "xlsx"), error_share=1, rules=("S007", "W003"),
                 layouts=("twenty-eighty", "parent-child"))
    rows = read_manifest(tmp_path / "manifest.csv")
    assert {(r["layout"], r["rule"]) for r in rows} >= {("twenty-eighty", "S007"), ("parent-child", "W003")}
    ev = evaluate(tmp_path)
    assert ev.missed == [] and ev.spurious == []


def test_recall_and_precision_are_one_in_every_family(corpora):
    for out, ev in corpora:
        assert ev.missed == [], out
        assert ev.spurious == [], out
        assert ev.clean_errors == [], out
        assert all(s.recall == 1 for s in ev.scores.values() if s.carrying)
        assert all(s.precision == 1 for s in ev.scores.values() if s.flagged)
        assert set(ev.by_layout()) == set(NAMES)


def test_a_rule_a_family_cannot_carry_passes_its_turn(corpora):
    """No 分值 printed in the 20/80 family: no score-above-weight (S001) there, S007 instead."""
    (text, _), (office, _) = corpora
    rows = read_manifest(text / "manifest.csv") + read_manifest(office / "manifest.csv")
    for r in rows:
        if r["rule"] and not r["detail"].startswith("版式固有"):
            family = BY_NAME[r["layout"]]
            # the rule injected, one carried along with it, or one every form of the family carries
            fmt = r["file"].rsplit(".", 1)[1]
            assert injectable(r["rule"], fmt, False, family.name) or r["rule"] in {*family.inherent, "P002", "W002",
                                                                                  "F001"}, r
    assert not [r for r in rows if r["layout"] == "twenty-eighty" and r["rule"] == "S001"]


def test_cli_writes_every_layout_and_prints_a_line_per_family(tmp_path):
    out = tmp_path / "c"
    result = CliRunner().invoke(main, ["synth", "--forms", str(len(NAMES) + 3), "--out", str(out), "--layouts", "all",
                                       "--check"])
    assert result.exit_code == 0, result.output
    assert "按版式" in result.output and "decision-management" in result.output
    assert {r["layout"] for r in read_manifest(out / "manifest.csv")} == set(NAMES)
    bad = CliRunner().invoke(main, ["synth", "--forms", "3", "--out", str(tmp_path / "d"), "--layouts", "standard,wavy"])
    assert bad.exit_code != 0 and "未知的版式：wavy" in bad.output


def test_the_standard_corpus_is_unchanged_by_the_families(tmp_path):
    """--layouts standard (the default) writes the .txt corpus byte for byte as before the families
    (the digest of the files as the synth of commit fafb4f4 wrote them); the layout column says standard."""
    import hashlib

    write_corpus(tmp_path, 40, seed=5, error_share=0.6)
    h = hashlib.sha256()
    for p in sorted(tmp_path.rglob("*.txt")):
        h.update(p.read_bytes())
    assert h.hexdigest() == "eb88967fea79993a8c5b9dcdf4f1f49c815f4b47aa179ee3a0eb219e6a8309b2"
    assert {r["layout"] for r in read_manifest(tmp_path / "manifest.csv")} == {"standard"}


def test_grid_plan_merges_left_and_up():
    p = grid_plan([["标题", "<", "<"], ["年度", "<", "<"], ["a", "<", "1,200.00"], ["^", "<", "95.00%"]])
    by_pos = {(s.row, s.col): s for s in p.slots}
    assert (by_pos[(0, 0)].cols, by_pos[(2, 0)].rows, by_pos[(2, 0)].cols) == (3, 2, 2)
    assert by_pos[(2, 2)].value == 1200 and by_pos[(2, 2)].fmt == "#,##0.00"
    assert by_pos[(3, 2)].value == Decimal("0.95") and by_pos[(3, 2)].fmt == "0.00%"
    assert p.n_cols == 3 and p.n_rows == 4
