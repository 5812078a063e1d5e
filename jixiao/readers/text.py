"""Text made from PDFs: one table row per line, cells separated by tabs."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from pathlib import Path

from ..errors import ReadError
from ..grid import Cell, Grid, Row, TextRow
from ..model import Loc
from .sniff import HEAD_BYTES

MAX_BYTES = 64 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters other than \t \n \f \r
_BOM = codecs.BOM_UTF8
_NOT_CONTROL = bytes(b for b in range(256) if not (b <= 0x08 or b == 0x0B or 0x0E <= b <= 0x1F))


def decode(data: bytes, name: str) -> str:
    """Bytes → text; UTF-8 (with or without BOM) first, then GB18030, which Chinese tools write."""
    if not data or data.isspace():  # what `not data.strip()` says, without copying the file
        raise ReadError("文件为空", Loc(file=name))
    if data.find(b"\x00", 0, HEAD_BYTES) >= 0:  # find, not `in`: see sniff.sniff_head
        raise ReadError("不是文本文件（含二进制内容），请确认文件格式", Loc(file=name, line=1))
    # a control byte is one character in UTF-8 and GB18030 alike, and 4,096 characters are at
    # most 16 KiB: with none in the first 16 KiB, no decoding has any to count
    controls = bool(data[:16384].translate(None, _NOT_CONTROL))
    # UTF-8 without its BOM is what the utf-8-sig codec reads, but that codec is Python code behind
    # a codec lookup, and cost half the time of reading a form's file
    for body, enc in ((data[3:] if data.startswith(_BOM) else data, "utf-8"), (data, "gb18030")):
        try:
            text = body.decode(enc)
        except UnicodeDecodeError:
            continue
        if not controls:
            return text
        # GB18030 decodes almost any byte soup; reject text full of control characters.
        bad = len(_CONTROL.findall(text, 0, 4096))
        if bad > 8:
            break
        return text
    raise ReadError("不是可识别的文本文件（既不是 UTF-8 也不是 GB18030 编码）", Loc(file=name, line=1))


def grid_from_text(text: str, name: str) -> Grid:
    grid = Grid(source=name)
    blank = False
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            blank = True
            continue
        # this runs for every line of every file: the row keeps its cell texts, and its cells
        # (and their locations) are made only if the recogniser asks for them
        grid.rows.append(TextRow(line.split("\t"), Loc(name, n), blank))
        blank = False
    return grid


# Files are read through their descriptors (os.open, os.read): a Python file object (a FileIO
# and a BufferedReader, their context manager and finaliser) costs more than reading a form's
# few kilobytes, and every text form is read this way.
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # O_BINARY: Windows, no newline translation


def read_decoded(path: Path) -> str:
    """The text of a file of bounded size, decoded as `decode` does."""
    fd = os.open(path, OPEN_FLAGS)
    try:
        return decode(read_rest(fd, str(path)), str(path))
    finally:
        os.close(fd)


def read_head(fd: int, size: int) -> bytes:
    """The first `size` bytes of an open file, or all of it when it is shorter: as a buffered
    read gives them, which reads on until it has them (a pipe may give fewer at a time)."""
    head = os.read(fd, size)
    while 0 < len(head) < size:
        more = os.read(fd, size - len(head))
        if not more:
            break
        head += more
    return head


def read_rest(fd: int, name: str) -> bytes:
    """The rest of an open file, refused when the whole file is over the size limit."""
    size = os.fstat(fd).st_size
    if size > MAX_BYTES:
        raise ReadError(f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）", Loc(file=name))
    chunks = []
    while True:
        chunk = os.read(fd, max(size, 1 << 16))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def read_text(path: Path) -> list[Grid]:
    return [grid_from_text(read_decoded(path), str(path))]


def grid_from_csv(text: str, name: str) -> Grid:
    """Comma-separated values (what a spreadsheet saves as .csv): one row per record."""
    grid = Grid(source=name)
    blank = False
    reader = csv.reader(io.StringIO(text, newline=""))
    for record in reader:
        n = reader.line_num
        if not any(t.strip() for t in record):
            blank = True
            continue
        cells = [Cell(text=t, loc=Loc(file=name, line=n, col=i + 1)) for i, t in enumerate(record)]
        grid.rows.append(Row(cells=cells, loc=Loc(file=name, line=n), blank_before=blank))
        blank = False
    return grid


def read_csv(path: Path) -> list[Grid]:
    try:
        return [grid_from_csv(read_decoded(path), str(path))]
    except csv.Error as e:
        raise ReadError(f"CSV 格式错误：{e}", Loc(file=str(path))) from None
