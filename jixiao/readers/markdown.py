"""Markdown, as PDF-to-text tools write it: pipe tables, HTML tables dropped in between, and
text lines (a `# 标题`, `**项目名称**：…`) outside tables.

A pipe table row is `| a | b |`; the `|---|---|` line after a table's first row is skipped (the
first row is data: converters put a form's first row there because markdown needs a header).
Lines outside tables are split on tabs, so tab-separated text reads as the text reader reads it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..grid import Cell, Grid, Row
from ..model import Loc
from .htmltables import rows_from_html
from .text import read_decoded

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BR = re.compile(r"<br\s*/?>", re.I)
_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _split_pipes(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells, buf, i = [], [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] == "|":
            buf.append("|")
            i += 2
            continue
        if s[i] == "|":
            cells.append("".join(buf))
            buf = []
        else:
            buf.append(s[i])
        i += 1
    cells.append("".join(buf))
    return cells


def _cell_text(raw: str) -> str:
    text = _BR.sub("\n", raw)
    text = _EMPHASIS.sub(r"\2", text)
    return html.unescape(text).strip()


def _is_table_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def grid_from_markdown(text: str, name: str) -> Grid:
    grid = Grid(source=name)
    lines = text.splitlines()
    blank = False
    in_table = False
    i = 0
    while i < len(lines):
        line = lines[i]
        n = i + 1
        if not line.strip():
            blank, in_table = True, False
            i += 1
            continue
        if "<table" in line.lower():
            j = i
            while j < len(lines) and "</table>" not in lines[j].lower():
                j += 1
            chunk = "\n".join(lines[i:j + 1])
            rows = rows_from_html(chunk, name, line_offset=i)
            if rows and blank:
                rows[0].blank_before = True
            grid.rows.extend(rows)
            blank, in_table = False, False
            i = j + 1
            continue
        starts_table = i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]) and "|" in line
        if _SEPARATOR.match(line) and in_table:
            i += 1
            continue
        if starts_table or _is_table_row(line) or (in_table and "|" in line):
            raw_cells = _split_pipes(line)
            in_table = True
        else:
            raw_cells = _HEADING.sub("", line).split("\t")
            in_table = False
        cells = [Cell(text=_cell_text(t), loc=Loc(file=name, line=n, col=k + 1)) for k, t in enumerate(raw_cells)]
        if any(c.text for c in cells):
            grid.rows.append(Row(cells=cells, loc=Loc(file=name, line=n), blank_before=blank))
            blank = False
        i += 1
    return grid


def read_markdown(path: Path) -> list[Grid]:
    name = str(path)
    return [grid_from_markdown(read_decoded(path), name)]
