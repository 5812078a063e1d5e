"""`jixiao synth`: realistic forms, written in the seed's text layout, deterministic for a seed.

A clean generated form must read back as exactly the form that was generated — otherwise a
finding on it could come from the writer rather than from an injected inconsistency.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli import main
from jixiao.readers import read_forms
from jixiao.synth import text as textfmt
from jixiao.synth.corpus import MANIFEST_COLUMNS, draw, read_manifest, write_corpus
from jixiao.synth.generate import FormMaker
from jixiao.synth.inject import RULES
from ..conftest import facts



def read_back(tmp_path: Path, rows) -> tuple:
    p = tmp_path / "form.txt"
    p.write_text(textfmt.render(rows), encoding="utf-8")
    forms, errors = read_forms(p)
    assert errors == []
    assert len(forms) == 1
    return forms[0]


def test_a_clean_form_reads_back_as_generated_with_no_repair(tmp_path):
    maker = FormMaker(random.Random(7))
    for _ in range(60):
        form = maker.make()
        got = read_back(tmp_path, textfmt.form_rows(form))
        assert facts(got) == facts(form)
        assert got.repairs == []


@pytest.mark.parametrize("kind", textfmt.DAMAGE_KINDS)
def test_layout_damage_is_repaired_back_to_the_same_form(tmp_path, kind):
    """P002 is injected as the seed's damage; the reader must repair it and say so."""
    rng = random.Random(kind)
    maker = FormMaker(rng)
    for _ in range(30):
        form = maker.make()
        rows, note = textfmt.damage(textfmt.form_rows(form), kind, rng)
        got = read_back(tmp_path, rows)
        assert facts(got) == facts(form), note
        assert got.repairs, note


def test_a_truncated_form_cannot_be_read(tmp_path):
    form = FormMaker(random.Random(1)).make()
    rows, _ = textfmt.truncate(textfmt.form_rows(form))
    p = tmp_path / "cut.txt"
    p.write_text(textfmt.render(rows), encoding="utf-8")
    forms, errors = read_forms(p)
    assert forms == []
    assert "绩效指标表头" in errors[0].message


def test_forms_look_like_real_ones():
    """Targets in the styles real forms print, weights 10 + 50/30/10, a total that adds up."""
    forms = [d.form for d in draw(200, seed=3, error_share=0)]
    targets = {i.target.text for f in forms for i in f.indicators}
    assert {"=100%", "=0次", "健全", "完善", "提升"} <= targets
    assert any(t.startswith(("≥", ">=")) and t.endswith("%") for t in targets)
    assert any(t.startswith(("≤", "<=")) and t.endswith("毫秒") for t in targets)
    assert any(t.endswith("人次") for t in targets)
    for f in forms:
        blocks = {}
        for i in f.indicators:
            blocks[i.level1.text] = blocks.get(i.level1.text, 0) + i.weight.value
        assert blocks == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
        assert f.funds.total.weight.value == 10
        t = f.funds.total
        assert t.executed.value <= t.annual_budget.value and t.rate.value >= 90  # no F002, F006
        scores = f.funds.total.score.value + sum(i.score.value for i in f.indicators)
        assert f.total.score.value == scores
    assert len({f.project.text for f in forms}) == len(forms)
    assert len({f.department.text for f in forms}) > 20


def test_same_seed_same_corpus_other_seed_other_corpus(tmp_path):
    a = write_corpus(tmp_path / "a", 80, seed=42)
    b = write_corpus(tmp_path / "b", 80, seed=42)
    c = write_corpus(tmp_path / "c", 80, seed=43)
    files_a = sorted(p.relative_to(a.out) for p in a.out.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b.out) for p in b.out.rglob("*") if p.is_file())
    for rel in files_a:
        assert (a.out / rel).read_bytes() == (b.out / rel).read_bytes()
    assert (a.out / "manifest.csv").read_bytes() != (c.out / "manifest.csv").read_bytes()


def test_manifest_names_every_form_and_what_it_carries(tmp_path):
    info = write_corpus(tmp_path, 2 * len(RULES) * 2, seed=1, error_share=1.0, other_kinds=True)
    rows = read_manifest(tmp_path / "manifest.csv")
    assert tuple(rows[0]) == MANIFEST_COLUMNS
    assert {r["rule"] for r in rows} == set(RULES)  # every rule is injected at least once
    assert len({(r["file"], r["project"]) for r in rows}) == info.forms == 4 * len(RULES)
    for r in rows:
        assert (tmp_path / r["file"]).is_file()
    # a D002 form always comes with its partner: the same 偏差原因 in another file
    d002 = [r for r in rows if r["rule"] == "D002"]
    assert len(d002) % 2 == 0 and len({r["file"] for r in d002}) == len(d002)


def test_several_forms_per_text_file(tmp_path):
    info = write_corpus(tmp_path, 25, seed=2, per_file=10, error_share=0)
    assert info.files == 3
    forms, errors = read_forms(next(tmp_path.rglob("000000.txt")))
    assert len(forms) == 10 and errors == []


def test_cli_writes_the_corpus_and_reports_in_chinese(tmp_path):
    result = CliRunner().invoke(main, ["synth", "--forms", "30", "--out", str(tmp_path / "c"), "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "已生成 30 张自评表" in result.output
    assert (tmp_path / "c" / "manifest.csv").is_file()
    bad = CliRunner().invoke(main, ["synth", "--forms", "3", "--out", str(tmp_path / "d"), "--formats", "odt"])
    assert bad.exit_code != 0 and "不支持的格式" in bad.output


def test_clean_text_corpora_hold_forms_of_every_kind():
    """A share of the clean .txt forms are department-wide and transfer-payment forms, in every
    layout variant (issue 14)."""
    assert all(d.form.kind == "project" for d in draw(100, seed=3, error_share=0))  # only when asked
    drawn = list(draw(200, seed=3, error_share=0, other_kinds=True))
    assert {(d.form.kind, d.variant) for d in drawn if d.form.kind != "project"} == {
        ("department", "levels"), ("department", "flat"), ("department", "province"), ("transfer", "points"),
        ("transfer", "plain"), ("transfer", "checklist")}
    assert all(d.injected is None for d in drawn)
