"""Generated department-wide and transfer-payment forms, in each layout variant, written in every
format jixiao reads and read back to the same facts (issue 14)."""

from __future__ import annotations

import csv
import random

import pytest

from jixiao.model import DEPARTMENT, TRANSFER
from jixiao.readers import read_forms
from jixiao.readers.jsonio import dumps, form_to_dict
from jixiao.synth.kinds import VARIANTS, department_form, layout, transfer_form
from jixiao.synth.text import render
from tests.readers import build
from tests.readers.office import office  # noqa: F401 - a fixture

MAKERS = {DEPARTMENT: department_form, TRANSFER: transfer_form}
CASES = [(kind, variant, seed) for kind in VARIANTS for variant in VARIANTS[kind] for seed in (1, 2)]
FORMATS = ("txt", "csv", "md", "html", "xlsx", "docx", "json")


def facts(form) -> dict:
    """What a form says, without where or how it says it or how it was repaired."""
    d = form_to_dict(form)
    for key in ("repairs", "source", "extra", "layout"):  # layout: how the file was laid out
        d.pop(key, None)
    for ind in d["indicators"]:
        ind.pop("source")
    return d


def generated(kind: str, variant: str, seed: int):
    form = MAKERS[kind](random.Random(seed), variant)
    return form, layout(form, variant)


def write(fmt: str, form, rows: list[list[str]], path):
    path = path.with_suffix("." + fmt)
    table = "\n".join(" | ".join(r) for r in rows)
    if fmt == "txt":
        path.write_text(render(rows), encoding="utf-8")
    elif fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    elif fmt == "md":
        path.write_text(build.to_markdown(table), encoding="utf-8")
    elif fmt == "html":
        path.write_text(build.to_html(table), encoding="utf-8")
    elif fmt == "xlsx":
        build.to_xlsx(table, path)
    elif fmt == "docx":
        build.to_docx(table, path)
    elif fmt == "json":
        path.write_text(dumps([form]), encoding="utf-8")
    return path


def print_ready(path):
    """A Word file as one prints a wide form: landscape, and no table row broken across pages."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement

    doc = docx.Document(str(path))
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    usable = sec.page_width - sec.left_margin - sec.right_margin
    for table in doc.tables:
        ncols = len(table.columns)
        for col in table.columns:
            for cell in col.cells:
                cell.width = usable // ncols
        for row in table.rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    doc.save(str(path))
    return path


def read_one(path):
    forms, errors = read_forms(path)
    assert errors == [], [str(e) for e in errors]
    assert len(forms) == 1
    return forms[0]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind,variant,seed", CASES)
def test_reads_back_to_the_same_facts(tmp_path, kind, variant, seed, fmt):
    form, rows = generated(kind, variant, seed)
    got = read_one(write(fmt, form, rows, tmp_path / "form"))
    assert got.kind == kind
    assert facts(got) == facts(form)
    if fmt != "json":
        assert [r.message for r in got.repairs] == []  # the clean layout needs no repair


def test_pdf_made_by_libreoffice_reads_back(tmp_path, office):  # noqa: F811 - the fixture
    docs = []
    expected = []
    # the flat list's eleven columns are narrow enough that LibreOffice wraps a rate inside its
    # cell ('97.2' / '9%'): the reader joins it back into one number
    for kind, variant, seed in CASES:
        form, rows = generated(kind, variant, seed)
        docs.append(print_ready(write("docx", form, rows, tmp_path / f"{kind}-{variant}-{seed}")))
        expected.append(form)
    pdfs = office.convert(docs, "pdf", tmp_path / "pdf")
    for pdf, form in zip(pdfs, expected):
        got = read_one(pdf)
        assert got.kind == form.kind
        assert facts(got) == facts(form), pdf.name


def test_xls_made_by_libreoffice_reads_back(tmp_path, office):  # noqa: F811 - the fixture
    books = []
    expected = []
    for kind, variant, seed in CASES:
        form, rows = generated(kind, variant, seed)
        books.append(write("xlsx", form, rows, tmp_path / f"{kind}-{variant}-{seed}"))
        expected.append(form)
    for xls, form in zip(office.convert(books, "xls", tmp_path / "xls"), expected):
        got = read_one(xls)
        assert got.kind == form.kind
        assert facts(got) == facts(form), xls.name


def test_old_json_without_a_kind_reads_as_a_project_form(tmp_path):
    form, _ = generated(TRANSFER, "points", 1)
    d = form_to_dict(form)
    d.pop("kind")
    path = tmp_path / "old.json"
    import json
    path.write_text(json.dumps([d], ensure_ascii=False), encoding="utf-8")
    assert read_one(path).kind == "project"


def test_an_unknown_kind_in_json_is_refused_with_its_place(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[{"kind": "budget", "project": "x"}]', encoding="utf-8")
    forms, errors = read_forms(path)
    assert forms == []
    assert "第1张表" in errors[0].message and "kind" in errors[0].message


@pytest.mark.parametrize("kind,variant", [(k, v) for k in VARIANTS for v in VARIANTS[k]])
def test_a_form_cut_off_before_its_indicators_says_what_is_missing(tmp_path, kind, variant):
    form, rows = generated(kind, variant, 3)
    checklist = variant == "checklist"  # no indicator header: the checklist's first indicator row
    cut = next(k for k, r in enumerate(rows) if (r[2].startswith("指标值") if checklist else r[0] == "绩效指标"))
    path = tmp_path / "cut.txt"
    path.write_text(render(rows[:cut]), encoding="utf-8")
    forms, errors = read_forms(path)
    if checklist:  # refused, saying what is missing and where
        assert forms == []
        assert "绩效指标行" in errors[0].message and f"第{cut}行" in errors[0].message
    else:  # kept, marked incomplete with what it lacks (layouts.md: a form cut off before its table)
        assert errors == [] and len(forms) == 1
        assert forms[0].incomplete[0].startswith("绩效指标表") and forms[0].project.text == form.project.text
