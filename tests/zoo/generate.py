"""Write each family of the zoo in every format, as its own template lays it out.

A family's form is written inline (tests/readers/build.py's notation: ' | ' between cells, `<`
merged with the cell on the left, `^` with the cell above). From it:

- xlsx: merged cells as the template has them, bordered, landscape, one page wide, and a
  manual page break (or several) inside the indicator table (`Family.break_before`);
- docx: the title rows as paragraphs, the rest one Word table with merged cells; the row at
  the break starts a new page;
- html: one <table> with rowspan/colspan, the row at the break `break-before: page`;
- md: a pipe table as PDF-to-markdown tools write it; txt: tab-separated lines, merged cells
  empty, as PDF-to-text tools write the seed;
- pdf-calc / pdf-writer: the workbook / the document printed by LibreOffice
  (`soffice --headless --convert-to pdf`);
- pdf-chromium: the web page printed by headless Chromium (Debian's, driven by Playwright as
  the browser tests drive it: the print path of `--print-to-pdf`, one browser for every file),
  whose text layer has the radical code points of layouts.md "Text-layer damage".

The heavy files (the PDFs) are made once per generator content: `build_all(root)` writes every
format of every family under `root/<hash of this file, families.py and build.py>/`, and a later run with
the same generator finds them there.
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..readers import build
from .families import FAMILIES, Family, title_rows

FORMATS = ("xlsx", "docx", "html", "md", "txt", "pdf-calc", "pdf-writer", "pdf-chromium")
ENDING = {"pdf-calc": ".calc.pdf", "pdf-writer": ".writer.pdf", "pdf-chromium": ".chromium.pdf"}
CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).resolve().parent


def generator_hash() -> str:
    """The content hash of everything that decides what the files are (not the tests)."""
    h = hashlib.sha256()
    for p in (HERE / "generate.py", HERE / "families.py", HERE.parent / "readers" / "build.py"):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def path_of(root: Path, family: Family, fmt: str) -> Path:
    return root / f"{family.name}{ENDING.get(fmt, '.' + fmt)}"


def _break_rows(family: Family) -> list[int]:
    """The 0-based table rows before which the printed forms break the page: for each cell text
    of `break_before`, the first row with that cell."""
    if family.break_before is None:
        return []
    rows, _ = build.parse(family.table)
    out = []
    for text in (family.break_before,) if isinstance(family.break_before, str) else family.break_before:
        hits = [k for k, row in enumerate(rows) if text in row]
        if not hits:
            raise ValueError(f"{family.name}: no row has the cell {text!r} (break_before)")
        out.append(hits[0])
    return out


def to_xlsx(family: Family, path: Path) -> None:
    from openpyxl.worksheet.pagebreak import Break

    if family.sheets:
        wb = None
        for name, table in family.sheets:
            wb = build.to_xlsx(table, path, sheet=name, workbook=wb, unbordered=title_rows(table))
        return
    wb = build.to_xlsx(family.table, path, sheet=family.sheet, unbordered=family.title_rows)
    ws = wb.active
    for at in _break_rows(family):
        ws.row_breaks.append(Break(id=at))  # the break comes after 1-based row `at`
    wb.save(path)


def to_docx(family: Family, path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    build.to_docx(family.table, path)
    doc = docx.Document(str(path))
    section = doc.sections[0]  # A4, as Chinese templates are; landscape when the form is wide
    wide = len(build.parse(family.table)[0][0]) > 9
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if wide else (Mm(210), Mm(297))
    for at in _break_rows(family):
        row = doc.tables[0].rows[at - family.title_rows]
        ppr = row.cells[0].paragraphs[0]._p.get_or_add_pPr()
        ppr.append(OxmlElement("w:pageBreakBefore"))  # the table continues on the next page
        trpr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        cant.set(qn("w:val"), "true")
        trpr.append(cant)
    doc.save(str(path))


def to_html(family: Family) -> str:
    rows, merges = build.parse(family.table)
    breaks = _break_rows(family)
    by_row: dict[int, list[build.Merge]] = {}
    for m in merges:
        by_row.setdefault(m.row, []).append(m)
    out = ['<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>绩效自评表</title>',
           "<style>table{width:100%;border-collapse:collapse;font:10pt 'Noto Sans CJK SC',sans-serif}"
           "td{border:1px solid #000;padding:2px 4px}</style></head><body><table>"]
    for r in range(len(rows)):
        cells = []
        for m in by_row.get(r, []):
            span = (f' rowspan="{m.rows}"' if m.rows > 1 else "") + (f' colspan="{m.cols}"' if m.cols > 1 else "")
            cells.append(f"<td{span}>{html.escape(m.text)}</td>")
        style = ' style="break-before:page"' if r in breaks else ""
        out.append(f"<tr{style}>" + "".join(cells) + "</tr>")
    out.append("</table></body></html>")
    return "\n".join(out)


def to_text(family: Family) -> str:
    rows, _ = build.parse(family.table)
    lines = ["\t".join("" if c in ("<", "^") else c for c in row) for row in rows]
    return "\n".join(lines) + "\n"


def to_markdown(family: Family) -> str:
    return build.to_markdown(family.table)


def _soffice(sources: list[Path], outdir: Path, profile: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: run scripts/setup.sh")
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, sources)], check=True, capture_output=True, timeout=600)


def _chromium(pairs: list[tuple[Path, Path]]) -> None:
    """Print each (html, pdf) pair with headless Chromium (Debian's, as the browser tests use),
    one browser for all: what Chromium's "Save as PDF" and `--print-to-pdf` write."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            for source, out in pairs:
                page.goto(source.as_uri())
                page.pdf(path=str(out), format="A4", print_background=True,
                         margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"})
        finally:
            browser.close()


def write_family(family: Family, root: Path) -> None:
    """The light formats of one family (every format but the PDFs)."""
    to_xlsx(family, path_of(root, family, "xlsx"))
    to_docx(family, path_of(root, family, "docx"))
    path_of(root, family, "html").write_text(to_html(family), encoding="utf-8")
    path_of(root, family, "md").write_text(to_markdown(family), encoding="utf-8")
    path_of(root, family, "txt").write_text(to_text(family), encoding="utf-8")


def build_all(cache: Path) -> Path:
    """Every family in every format under `cache/<generator hash>`, made unless already there."""
    root = cache / generator_hash()
    if (root / "DONE").exists():
        return root
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="building-", dir=cache))
    for family in FAMILIES:
        write_family(family, work)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zoo-lo-") as tmp:
        tmp = Path(tmp)
        for fmt, src in (("pdf-calc", "xlsx"), ("pdf-writer", "docx")):
            out = tmp / fmt
            _soffice([path_of(work, f, src) for f in FAMILIES], out, tmp / "profile")
            for f in FAMILIES:
                (out / f"{f.name}.pdf").replace(path_of(work, f, fmt))
    office = time.perf_counter()
    _chromium([(path_of(work, f, "html"), path_of(work, f, "pdf-chromium")) for f in FAMILIES])
    print(f"zoo: LibreOffice printed {2 * len(FAMILIES)} PDFs in {office - started:.0f} s, Chromium "
          f"{len(FAMILIES)} in {time.perf_counter() - office:.0f} s", file=sys.stderr)
    (work / "DONE").write_text("\n".join(f.name for f in FAMILIES) + "\n", encoding="utf-8")
    try:
        work.rename(root)
    except OSError:  # another session finished first: use its files
        shutil.rmtree(work, ignore_errors=True)
    return root


def default_cache() -> Path:
    return Path(os.environ.get("JIXIAO_ZOO_CACHE", Path(tempfile.gettempdir()) / "jixiao-zoo"))
