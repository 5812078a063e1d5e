"""Each family of layouts.md in each format reads back to the family's facts.

A family × format the recogniser cannot read yet is a strict xfail naming what is missing
(`Family.missing`): when support lands the test passes, which fails the run until the mark is
removed.
"""

from __future__ import annotations

import pytest

from .families import FAMILIES
from .generate import FORMATS, path_of
from .read import reading

CASES = []
for _family in FAMILIES:
    for _fmt in FORMATS:
        _reason = _family.missing.get(_fmt) or _family.missing.get("*")
        marks = [pytest.mark.xfail(strict=True, reason=_reason)] if _reason else []
        CASES.append(pytest.param(_family, _fmt, marks=marks, id=f"{_family.name}-{_fmt}"))


@pytest.mark.parametrize("family,fmt", CASES)
def test_reads_back_to_the_same_facts(zoo, family, fmt):
    r = reading(family, path_of(zoo, family, fmt))
    assert r.errors == []
    assert r.got == family.expected


def test_chromium_text_layer_damage_is_normalised_and_quiet(zoo, capfd):
    """Chromium writes radical code points into the text layer (⽬ for 目, ⻓ for 长) and fonts
    pdfminer complains about: the form reads as Simplified text, the originals are kept in the
    repair with their locations, and nothing is printed on standard error."""
    from jixiao.readers import read_forms

    from .families import by_name

    path = path_of(zoo, by_name("weight-first"), "pdf-chromium")
    forms, errors = read_forms(path)
    assert errors == [] and len(forms) == 1
    (note,) = [r for r in forms[0].repairs if r.kind == "normalize-text"]
    assert "“项⽬名称”→“项目名称”" in note.message
    assert all(loc.file == str(path) and loc.sheet for loc in note.locs)
    assert forms[0].project.text == "社区养老服务补贴"
    assert capfd.readouterr().err == ""


def test_the_generator_writes_each_family_in_its_own_layout(zoo):
    """Not jixiao's export: the files carry the family's own header texts and merges."""
    import openpyxl

    from .families import by_name

    ws = openpyxl.load_workbook(path_of(zoo, by_name("split-target"), "xlsx")).active
    texts = {c.value for row in ws.iter_rows() for c in row if c.value}
    assert {"指标性质", "计量单位", "≧", "═"} <= texts
    (header,) = [c for row in ws.iter_rows() for c in row if c.value == "年度指标值"]
    assert f"{header.coordinate}:{header.offset(column=2).coordinate}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.max_column == 11
    assert ws.row_breaks.brk  # the page break inside the indicator table


def test_a_pdf_without_character_maps_says_so_in_one_line(zoo, tmp_path, capfd):
    """Fonts without a usable ToUnicode map come out of pdfminer as `(cid:123)`: one clear error
    naming the pages, not library noise or "no form found". (The Chromium PDF with its
    ToUnicode entries renamed, bytes of the same length so the cross-reference stays valid.)"""
    from jixiao.readers import read_forms

    from .families import by_name

    data = path_of(zoo, by_name("standard"), "pdf-chromium").read_bytes()
    assert b"/ToUnicode" in data
    path = tmp_path / "unmapped.pdf"
    path.write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))
    forms, errors = read_forms(path)
    assert forms == []
    assert len(errors) == 1
    assert errors[0].message.startswith("PDF 第1页、第2页有 ")
    assert "字体缺少字符映射（ToUnicode）" in errors[0].message
    assert (errors[0].loc.file, errors[0].loc.sheet) == (str(path), "第1页")
    assert capfd.readouterr().err == ""


def test_group_labels_chromium_prints_away_from_their_rows(tmp_path):
    """The long-group family with other lengths and breaks, printed by Chromium: a merged 一级/二级
    label is centred on its whole span as if the page did not break, so it lands under the first
    page's part of the table, or beside rows of another page's part; every row reads its labels."""
    from . import families as fam
    from .generate import _chromium, to_html

    base = fam.by_name("long-group")
    assert fam._LONG_ROWS in base.table
    variants = []
    for n, before in ((12, 8), (20, 3)):
        rows = "\n".join(f"^ | {'产出指标' if k == 0 else '^'} | {'数量指标' if k == 0 else '^'} | 服务项目{k + 1} | "
                         f"≥{k + 10}个 | {k + 10}个 | 1 | 1 |" for k in range(n))
        indicators = [["产出指标", "数量指标", f"服务项目{k + 1}", f">={k + 10}个", f"{k + 10}个", "1", "1", ""]
                      for k in range(n)] + base.expected[0]["indicators"][fam.LONG:]
        variants.append(fam.Family(f"long-{n}", "", base.table.replace(fam._LONG_ROWS, rows),
                                   [fam.expected(indicators=indicators, total=["70", "67"])],
                                   break_before=f"服务项目{before}"))
    pairs = []
    for v in variants:
        (tmp_path / f"{v.name}.html").write_text(to_html(v), encoding="utf-8")
        pairs.append((tmp_path / f"{v.name}.html", tmp_path / f"{v.name}.pdf"))
    _chromium(pairs)
    for v, (_, pdf) in zip(variants, pairs):
        r = reading(v, pdf)
        assert r.errors == []
        assert r.got == v.expected
