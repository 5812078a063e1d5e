"""Format-specific readers: each turns a file into grids of cells for the recogniser.

`read_forms(path)` is the one entry point every stage uses: it finds out what the file really
is from its content (`sniff`), hands it to the reader registered for that format, runs the
recogniser on every grid, and returns the forms found and one error per form or file that could
not be read. It never raises for bad input: a broken file becomes a `ReadError` in the list.
"""

from __future__ import annotations

import importlib
import os
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from ..errors import ReadError
from ..grid import Grid
from ..model import Form, Loc, Repair
from ..normalize import Change, normalize_grid, normalize_text, note_changes
from ..recognize import recognize
from .sniff import ENDINGS, HEAD_BYTES, NAMES, TEXT_FORMATS, refuse, sniff_head
from .text import OPEN_FLAGS, decode, grid_from_text, read_head, read_rest

# format (what sniff finds) → "module:function" taking a Path and returning list[Grid];
# imported on first use so that reading a text file does not load openpyxl or pdfminer.
READERS: dict[str, str] = {
    "xlsx": "jixiao.readers.xlsx:read_xlsx",
    "xls": "jixiao.readers.xls:read_xls",
    "docx": "jixiao.readers.docx:read_docx",
    "doc": "jixiao.readers.convert:read_doc",  # .doc and WPS .wps, through LibreOffice
    "odt": "jixiao.readers.convert:read_odt",
    "ods": "jixiao.readers.convert:read_ods",
    "pdf": "jixiao.readers.pdf:read_pdf",
    "image": "jixiao.readers.ocr:read_image",
    "markdown": "jixiao.readers.markdown:read_markdown",
    "html": "jixiao.readers.htmltables:read_html",
    "csv": "jixiao.readers.text:read_csv",
    "text": "jixiao.readers.text:read_text",
}


def reader_for(kind: str) -> Callable[[Path], list[Grid]]:
    module, attr = READERS[kind].split(":")
    return getattr(importlib.import_module(module), attr)


def _where(grids: list[Grid], kind: str) -> str:
    sheets = [g.sheet for g in grids if g.sheet]
    if kind in ("xlsx", "xls") and sheets:
        return f"（已查看 {len(sheets)} 个工作表：{'、'.join(sheets[:10])}{'…' if len(sheets) > 10 else ''}）"
    if kind == "pdf" and grids:
        pages = grids[0].rows[-1].loc.sheet if grids[0].rows else None
        return f"（已读到{pages}）" if pages else "（PDF 中没有可识别的文字或表格）"
    return ""


def read_forms(path: str | Path) -> tuple[list[Form], list[ReadError]]:
    p = path if isinstance(path, Path) else Path(path)
    name = str(path)
    try:
        try:
            fd = os.open(p, OPEN_FLAGS)
        except FileNotFoundError:
            return [], [ReadError("文件不存在", Loc(file=name))]
        suffix = p.suffix.lower()
        grids: list[Grid] | None = None
        changed: list[Change] = []  # what text normalisation changed in a text file
        try:
            if suffix == ".json":
                kind = "json"
            else:
                head = read_head(fd, HEAD_BYTES)
                kind = sniff_head(head, p)
                refused = refuse(kind, p)
                if refused is not None:
                    return [], [refused]
                if kind == "text":
                    # the commonest input, read from the handle already open: one open per file;
                    # a short first read was the whole file (read_head stops short only at its
                    # end): no size check and no second read to make
                    text = decode(head if len(head) < HEAD_BYTES else head + read_rest(fd, name), name)
                    text, changed = normalize_text(text, name)
                    grids = [grid_from_text(text, name)]
        finally:
            os.close(fd)
        if kind == "json":
            from .jsonio import read_json

            return read_json(p)
        if grids is None:
            grids = reader_for(kind)(p)
        forms: list[Form] = []
        errors: list[ReadError] = []
        for grid in grids:
            errors.extend(grid.problems)
            # labels are matched on normalised text (radicals, Traditional characters…); a text
            # file's grid was made from its normalised text
            changes = [] if kind == "text" else normalize_grid(grid)
            f, e = recognize(grid)
            note_changes(f, changed, None)
            note_changes(f, changes, grid)
            if grid.confidence:  # read by OCR: each number keeps how sure the recogniser was
                from .ocr import attach_confidence

                attach_confidence(f, grid.confidence)
            forms.extend(f)
            errors.extend(e)
        expected = ENDINGS.get(suffix)
        if expected is not None and expected != kind and not (expected in TEXT_FORMATS and kind in TEXT_FORMATS):
            note = f"文件扩展名为 {p.suffix}，但内容是{NAMES.get(kind, kind)}，已按{NAMES.get(kind, kind)}读取"
            for form in forms:
                form.repairs.insert(0, Repair(kind="format-by-content", message=note, locs=[Loc(file=name)]))
        if not forms and not errors:
            errors.append(ReadError(
                "文件中没有找到自评表（没有“项目名称”行或“财政项目支出绩效自评表”标题）" + _where(grids, kind),
                Loc(file=name),
            ))
        return forms, errors
    except ReadError as e:
        return [], [e]
    except IsADirectoryError:  # from os.open, or on POSIX (which opens a directory) from reading it
        return [], [ReadError("这是一个目录，不是文件", Loc(file=name))]
    except (OSError, UnicodeError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as e:
        return [], [ReadError(f"无法读取文件：{e}", Loc(file=name))]
