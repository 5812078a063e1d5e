"""What each reader does beyond a plain table: several forms per file, formulas, number formats,
tables continued after a page break, paragraphs and text lines around tables, sloppy HTML, files
whose ending does not match their content."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.readers import read_forms
from jixiao.readers.htmltables import rows_from_html
from jixiao.readers.markdown import grid_from_markdown

from . import build
from .test_layouts import BASE, EXPECTED, check_base


def other_form(table: str = BASE) -> str:
    """A second form: the base form with another project name."""
    return table.replace("社区养老服务补贴", "老年助餐点建设")


# -- Excel ------------------------------------------------------------------------------------------
def test_several_forms_in_one_sheet_and_one_per_sheet(tmp_path):
    path = tmp_path / "forms.xlsx"
    wb = build.to_xlsx(BASE, path, sheet="两张表")
    build.to_xlsx(other_form(), path, sheet="两张表", workbook=wb, start_row=40)
    build.to_xlsx("填表说明 | 请按财政部门要求填写", path, sheet="说明", workbook=wb)
    build.to_xlsx(other_form().replace("老年助餐点建设", "第三个项目"), path, sheet="第三张", workbook=wb)
    forms, errors = read_forms(path)
    assert errors == []
    assert [(f.project.text, f.source.sheet) for f in forms] == [
        ("社区养老服务补贴", "两张表"), ("老年助餐点建设", "两张表"), ("第三个项目", "第三张"),
    ]
    for f in forms:
        assert build.indicator_facts(f) == EXPECTED


def test_numbers_read_as_their_number_format_prints_them(tmp_path):
    """The sheet stores floats; the form is read as a person sees it."""
    path = tmp_path / "form.xlsx"
    build.to_xlsx(BASE, path)
    form = read_forms(path)[0][0]
    t = form.funds.total
    assert (t.initial_budget.text, t.executed.text, t.rate.text) == ("1,200,000.00", "950,000.00", "95.00%")
    assert t.rate.value == Decimal("95.00")


def test_formulas_without_a_stored_result_are_computed(tmp_path):
    """A workbook written by a program has formulas but no results until a spreadsheet opens it."""
    path = tmp_path / "form.xlsx"
    wb = build.to_xlsx(BASE, path)
    ws = wb.active
    ws["H6"], ws["H6"].number_format = "=IFERROR(F6/E6,0)", "0.00%"
    ws["I6"] = "=IFERROR(ROUND(MIN(F6/E6,1)*G6,2),0)"
    ws["G20"] = "=G6+SUM(G13:G19)"
    ws["H20"] = "=ROUND(I6+SUM(H13:H19),2)"
    wb.save(path)
    form = read_forms(path)[0][0]
    assert (form.funds.total.rate.text, form.funds.total.score.text) == ("95.00%", "9.5")
    assert (form.total.weight.text, form.total.score.text) == ("100", "95.5")


def test_xls_made_by_libreoffice(tmp_path, office):
    src = tmp_path / "form.xlsx"
    build.to_xlsx(BASE, src)
    (xls,) = office.convert(src, "xls", tmp_path / "out")
    forms, errors = read_forms(xls)
    assert errors == []
    check_base(forms[0])
    assert forms[0].funds.total.rate.text == "95.00%"


# -- Word -------------------------------------------------------------------------------------------
def test_word_table_continued_after_a_page_break(tmp_path):
    """Word splits a table at a page break into two; the second part has no header and has lost
    the merged 绩效指标 column. The two parts read as one form."""
    lines = BASE.strip().splitlines()
    cut = next(k for k, line in enumerate(lines) if "社会效益指标" in line)
    first = "\n".join(lines[:cut])
    rest = "\n".join(line.split(" | ", 1)[1] for line in lines[cut:-1])
    rest = rest.replace("^ | 社会效益指标", "效益指标 | 社会效益指标").replace("^ | 服务对象", "满意度指标 | 服务对象")
    rest += "\n总分 | < | < | < | < | 100 | 95.5 |"
    path = tmp_path / "form.docx"
    build.to_docx([first, rest], path)
    forms, errors = read_forms(path)
    assert errors == []
    check_base(forms[0])
    assert any(r.kind == "shift-row" for r in forms[0].repairs)


def test_word_paragraphs_before_the_table(tmp_path):
    """Title, year and 项目名称 as paragraphs; the table starts at 主管部门."""
    import docx

    doc = docx.Document()
    for text in ("财政项目支出绩效自评表", "（2022年度）", "项目名称：社区养老服务补贴"):
        doc.add_paragraph(text)
    path = tmp_path / "form.docx"
    doc.save(str(path))
    lines = BASE.strip().splitlines()
    body = "\n".join(lines[3:])
    build.to_docx(body, tmp_path / "table.docx")
    table_doc = docx.Document(str(tmp_path / "table.docx"))
    doc = docx.Document(str(path))
    doc.element.body.append(table_doc.tables[0]._tbl)
    doc.save(str(path))
    forms, errors = read_forms(path)
    assert errors == []
    check_base(forms[0])
    assert forms[0].project.loc.sheet == "正文段落"


# -- HTML and markdown ------------------------------------------------------------------------------
def test_html_spans_and_sloppy_markup():
    rows = rows_from_html("""
    <h1>财政项目支出绩效自评表</h1>
    <table><caption>（2022年度）</caption>
      <tr><td rowspan="2">绩效指标<td>一级指标<td colspan=2>二级指标
      <tr><td>产出指标<td>数量指标<td>x<br>y
    </table>
    <p>填报人：张三</p>
    """, "t.html")
    assert [[(c.text, c.merged, c.span) for c in r.cells] for r in rows] == [
        [("财政项目支出绩效自评表", False, (1, 1))],
        [("（2022年度）", False, (1, 1))],
        [("绩效指标", False, (2, 1)), ("一级指标", False, (1, 1)), ("二级指标", False, (1, 2)), ("", True, (1, 1))],
        [("", True, (1, 1)), ("产出指标", False, (1, 1)), ("数量指标", False, (1, 1)), ("x\ny", False, (1, 1))],
        [("填报人：张三", False, (1, 1))],
    ]
    assert [r.loc.line for r in rows] == [2, 3, 4, 5, 7]


def test_html_file_of_several_documents(tmp_path):
    """Some systems export several forms as whole HTML documents one after the other in one file."""
    path = tmp_path / "forms.html"
    path.write_text(build.to_html(BASE) + "\n" + build.to_html(other_form()), encoding="utf-8")
    forms, errors = read_forms(path)
    assert errors == []
    assert [f.project.text for f in forms] == ["社区养老服务补贴", "老年助餐点建设"]
    check_base(forms[0])
    assert forms[1].project.loc.line > BASE.strip().count("\n") + 2


def test_html_text_outside_tables_and_tables_inside_cells():
    rows = rows_from_html("""<html><head><title>不读</title><style>td {}</style></head><body>
项目名称：<b>社区
养老</b>服务<br>
主管部门：某局<script>var x = "<td>";</script>
<table><tr><th>指标<td>说明<table><tr><td>a<td>b<tr><td>c</table></td></tr></table>
填报人：张三</body></html>""", "t.html")
    assert [([c.text for c in r.cells], r.loc.line) for r in rows] == [
        (["项目名称：社区 养老服务"], 2), (["主管部门：某局"], 4), (["指标", "说明\n a b\n c"], 5), (["填报人：张三"], 6),
    ]


def test_markdown_tables_html_tables_and_text_lines(tmp_path):
    md = """# 财政项目支出绩效自评表

（2022年度）

**项目名称**：社区养老服务补贴

| 主管部门 | 某市民政局 | 实施单位 | 某区养老服务中心 |
|---|---|---|---|
| 备注 | a \\| b | c<br>d | |

<table><tr><td rowspan="2">A</td><td>B</td></tr><tr><td>C</td></tr></table>
"""
    grid = grid_from_markdown(md, "x.md")
    texts = [[c.text for c in r.cells] for r in grid.rows]
    assert texts == [
        ["财政项目支出绩效自评表"], ["（2022年度）"], ["项目名称：社区养老服务补贴"],
        ["主管部门", "某市民政局", "实施单位", "某区养老服务中心"],
        ["备注", "a | b", "c\nd", ""],
        ["A", "B"], ["", "C"],
    ]
    assert [r.loc.line for r in grid.rows] == [1, 3, 5, 7, 9, 11, 11]


def test_markdown_from_a_pdf_converter_reads_the_seed_layout(tmp_path, seed_path):
    """The seed forms as pipe tables (each page a table of its own, LaTeX left in) read as from text."""
    text = seed_path.read_text(encoding="utf-8")
    md = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        md.append("| " + " | ".join(lines[0].split("\t")) + " |")
        md.append("|" + "---|" * len(lines[0].split("\t")))
        md += ["| " + " | ".join(line.split("\t")) + " |" for line in lines[1:]]
        md.append("")
    path = tmp_path / "seed.md"
    path.write_text("\n".join(md), encoding="utf-8")
    from jixiao.readers.jsonio import form_to_dict

    def facts(f):
        d = form_to_dict(f)
        d.pop("repairs"), d.pop("source")
        for i in d["indicators"]:
            i.pop("source")
        return d

    expected = [facts(f) for f in read_forms(seed_path)[0]]
    forms, errors = read_forms(path)
    assert errors == []
    assert [facts(f) for f in forms] == expected


# -- contents that do not match the ending --------------------------------------------------------
def test_html_saved_as_xls_is_read_as_html(tmp_path):
    """Many finance systems export an HTML table named .xls."""
    path = tmp_path / "export.xls"
    path.write_text(build.to_html(BASE), encoding="utf-8")
    forms, errors = read_forms(path)
    assert errors == []
    check_base(forms[0])
    assert forms[0].repairs[0].message == "文件扩展名为 .xls，但内容是HTML 网页，已按HTML 网页读取"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_html_in_gbk_with_declarations(tmp_path, encoding):
    """An XHTML export in GBK declares its encoding twice; a UTF-8 copy keeps the (now wrong)
    declarations. Both read by their bytes, the declarations notwithstanding."""
    head = ('<?xml version="1.0" encoding="gb2312"?>\n<html><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>')
    path = tmp_path / "export.xls"
    path.write_bytes((head + build.to_html(BASE).replace("<html>", "", 1)).encode(encoding))
    forms, errors = read_forms(path)
    assert errors == []
    check_base(forms[0])


def test_workbook_named_txt_is_read_as_a_workbook(tmp_path):
    path = tmp_path / "form.txt"
    build.to_xlsx(BASE, tmp_path / "form.xlsx")
    path.write_bytes((tmp_path / "form.xlsx").read_bytes())
    forms, errors = read_forms(path)
    assert errors == []
    check_base(forms[0])
    assert forms[0].repairs[0].kind == "format-by-content"


def test_csv(tmp_path):
    import csv

    rows, _ = build.parse(BASE)
    path = tmp_path / "form.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["" if c in ("<", "^") else c for c in r] for r in rows])
    forms, errors = read_forms(path)
    assert errors == []
    check_base(forms[0])


@pytest.mark.parametrize("ending", [".pdf", ".xlsx", ".docx", ".dat"])
def test_an_image_under_any_name_gets_a_clear_message(tmp_path, ending):
    path = tmp_path / f"scan{ending}"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    forms, errors = read_forms(path)
    assert forms == []
    # read as the image it is (by OCR), and refused as the broken image it is
    assert len(errors) == 1 and "图片文件已损坏" in errors[0].message and str(path) in str(errors[0])
