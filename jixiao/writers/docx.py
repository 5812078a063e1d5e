"""Write forms as a Word document in the standard layout (python-docx): one section per form.

Each section is A4 landscape and starts on a new page: the title and the year as paragraphs,
then the form as one table with merged cells (一级/二级 merged down their rows), fixed column
widths, rows that do not split across pages. Word has no formulas, so 执行率, the execution score
and the total print as the form printed them; with a review, jixiao's re-score and findings follow
the table as a list.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Form
from .layout import Plan, blank_form, plan_form
from .review import Review, num

FONT = "宋体"
PAGE_W_CM, PAGE_H_CM, MARGIN_CM = 29.7, 21.0, 1.5


def _east_asian_font(rpr) -> None:
    """Set the font for Chinese text (w:rFonts w:eastAsia) in run properties; Word takes the
    Latin font name for Latin text only."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), FONT)


def _set_font(run, size: float, bold: bool = False) -> None:
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    _east_asian_font(run._element.get_or_add_rPr())


def _paragraph(container, text: str, size: float = 10.5, bold: bool = False, center: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = container.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run(text), size, bold)
    return p


def _table(doc, plan: Plan):
    """The plan below its title rows (0 and 1, printed as paragraphs) as one table."""
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    first = plan.title_rows
    n_rows = plan.n_rows - first
    table = doc.add_table(rows=n_rows, cols=plan.n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    usable = PAGE_W_CM - 2 * MARGIN_CM
    widths = [Cm(usable * w / sum(plan.widths)) for w in plan.widths]
    # Word and LibreOffice lay a table out by its grid columns; the cell widths alone are hints
    for grid_col, width in zip(table._tbl.tblGrid.iterchildren(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(int(width.twips)))
    # Every cell fetched once before merging: table.cell() recomputes the whole grid on each
    # call. Slots never overlap, so each fetched cell is used by one slot at most.
    grid = []
    for k, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))  # a row never breaks across pages
        if k + first in plan.row_breaks:  # the table goes on on the next page
            ppr = row.cells[0].paragraphs[0]._p.get_or_add_pPr()
            ppr.append(ppr.makeelement(qn("w:pageBreakBefore"), {}))
        cells = list(row.cells)
        for c, cell in enumerate(cells):
            cell.width = widths[c]
        grid.append(cells)
    for slot in plan.slots:
        if slot.row < first:
            continue
        r = slot.row - first
        cell = grid[r][slot.col]
        if slot.rows > 1 or slot.cols > 1:
            cell = cell.merge(grid[r + slot.rows - 1][slot.col + slot.cols - 1])
        if slot.text:
            p = cell.paragraphs[0]
            _set_font(p.add_run(slot.text), 10, bold=slot.style in ("header", "label"))
            if slot.style in ("label", "header", "group", "number", "measure"):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.vertical_alignment = WD_ALIGN_VERTICAL.TOP if slot.style == "group" else WD_ALIGN_VERTICAL.CENTER
    return table


def _section(doc, first: bool):
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = doc.sections[0] if first else doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(PAGE_W_CM), Cm(PAGE_H_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    return section


def _draw(doc, plan: Plan, first: bool) -> None:
    _section(doc, first)
    for slot in sorted((s for s in plan.slots if s.row < plan.title_rows), key=lambda s: (s.row, s.col)):
        title = slot.row == 0
        _paragraph(doc, slot.text, size=18 if title else 12, bold=title, center=True)
    _table(doc, plan)


def _new_document():
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    _east_asian_font(normal.element.get_or_add_rPr())
    return doc


def write_docx(forms: list[Form], out: str | Path, reviews: list[Review] | None = None) -> None:
    doc = _new_document()
    for k, form in enumerate(forms):
        _draw(doc, plan_form(form), first=k == 0)
        if reviews is not None:
            _review(doc, reviews[k])
    doc.save(str(out))


def write_plans_docx(plans: list[Plan], out: str | Path) -> None:
    """Plans of any layout (layout.grid_plan), each in a section of its own."""
    doc = _new_document()
    for k, plan in enumerate(plans):
        _draw(doc, plan, first=k == 0)
    doc.save(str(out))


def _review(doc, review: Review) -> None:
    _paragraph(doc, "")
    _paragraph(doc, f"复核结果（jixiao，规则集 {review.ruleset}）", size=10.5, bold=True)
    rate = f"{num(review.rate)}%" if review.rate is not None else "—"
    grade = f"（{review.grade}）" if review.grade else ""
    _paragraph(doc, f"重新评分：执行率 {rate}，执行得分 {num(review.execution_score)}；总分 {num(review.total)}{grade}", size=9)
    if not review.findings:
        _paragraph(doc, "未发现问题。", size=9)
    for rule, sev, message, _, _ in review.findings:
        _paragraph(doc, f"【{rule} {sev}】{message}", size=9)


def write_template_docx(out: str | Path, blank_rows: int = 15, kind: str = "project") -> None:
    doc = _new_document()
    _draw(doc, plan_form(blank_form(kind), blank_rows=blank_rows), first=True)
    doc.save(str(out))
