"""What a file really is, from its first bytes: the ending on a file name is only a hint.

Budget units rename files freely (an HTML table saved as `.xls` is what many finance systems
export), so the reader trusts the content and uses the ending only to tell text formats apart
and to say clearly what was expected when the content is something it cannot read.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ..errors import ReadError
from ..model import Loc

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PNG, JPEG, TIFF (both byte orders): scans and photos, read by OCR
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")

# ending → the format a person expects from it
ENDINGS: dict[str, str] = {
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".xls": "xls",
    ".docx": "docx",
    ".pdf": "pdf",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html",
    ".csv": "csv",
    ".txt": "text", ".text": "text", ".tsv": "text", "": "text",
    ".json": "json",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
    ".doc": "doc", ".wps": "doc", ".et": "xls", ".ods": "ods", ".odt": "odt",
}

NAMES: dict[str, str] = {
    "xlsx": "Excel（.xlsx）", "xls": "旧版 Excel（.xls）", "docx": "Word（.docx）", "pdf": "PDF",
    "markdown": "Markdown 文本", "html": "HTML 网页", "csv": "CSV 文本", "text": "纯文本",
    "json": "JSON", "doc": "旧版 Word（.doc）或 WPS 文字（.wps）", "ods": "OpenDocument 表格（.ods）",
    "odt": "OpenDocument 文档（.odt）", "image": "图片（扫描件或照片）",
}

TEXT_FORMATS = {"markdown", "html", "csv", "text", "json"}

_HTML_RE = re.compile(rb"<\s*(?:table|html|!doctype\s+html|body|tr|td)\b", re.I)
_MD_SEPARATOR_RE = re.compile(rb"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$", re.M)


def _ole_kind(path: Path) -> str:
    """An OLE compound file: encrypted OOXML, a legacy Word or Excel file, or something else.

    Directory entries store stream names in UTF-16LE; looking for the names in the first
    megabyte is enough for the small directories these files have.
    """
    with path.open("rb") as fh:
        data = fh.read(1 << 20)
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "ole"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError):
        return "badzip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if b"spreadsheet" in mimetype:
        return "ods"
    if b"text" in mimetype:
        return "odt"
    return "zip"


HEAD_BYTES = 8192  # how much of a file sniffing reads


def sniff(path: Path) -> str:
    """The format of the file's content: one of NAMES' keys, or 'encrypted', 'badzip', 'zip',
    'ole', 'binary', 'empty'."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    return sniff_head(head, path)


def sniff_head(head: bytes, path: Path) -> str:
    """`sniff` given the file's first HEAD_BYTES (a ZIP or OLE file is then opened by its path)."""
    if not head or head.isspace():  # `not head.strip()`, without a copy of the head
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    # bytes.find rather than `in`, which first tries its operand as an integer (a byte value) and
    # clears the TypeError that raises: this runs for every file read
    if head.find(b"%PDF-", 0, 1024) >= 0:
        return "pdf"
    if head.startswith(IMAGE_MAGIC):
        return "image"
    if head.find(b"\x00") >= 0:
        return "binary"
    # the cheap byte tests first: each pattern needs its character, and most files are text
    if head.find(b"<") >= 0 and _HTML_RE.search(head):
        return "html"
    if head.find(b"---") >= 0 and _MD_SEPARATOR_RE.search(head):
        return "markdown"
    ending = ENDINGS.get(path.suffix.lower())
    return ending if ending in TEXT_FORMATS else "text"


_REFUSED = {"empty", "encrypted", "badzip", "zip", "ole", "binary"}


def refuse(kind: str, path: Path) -> ReadError | None:
    """The error for content jixiao cannot read, or None when a reader exists for it."""
    if kind not in _REFUSED:
        return None
    loc = Loc(file=str(path))
    expected = ENDINGS.get(path.suffix.lower())
    named = f"（文件扩展名为 {path.suffix}）" if path.suffix else ""
    if kind == "empty":
        return ReadError("文件为空", loc)
    if kind == "encrypted":
        return ReadError("文件已加密（设有打开密码），无法读取；请在 Excel 或 Word 中取消密码后另存，再读取", loc)
    if kind == "badzip":
        return ReadError(f"文件已损坏：看起来是 ZIP 格式（.xlsx/.docx），但无法解压{named}", loc)
    if kind == "zip":
        return ReadError(f"这是一个 ZIP 压缩包，不是 Excel（.xlsx）或 Word（.docx）文件{named}", loc)
    if kind == "ole":
        return ReadError(f"无法识别的 Office 文件{named}：既不是 Excel 也不是 Word", loc)
    if kind == "binary":
        what = f"，也不是{NAMES[expected]}" if expected and expected not in TEXT_FORMATS else ""
        return ReadError(f"无法识别的文件格式：不是文本文件（含二进制内容）{what}，请确认文件格式{named}", loc)
    return None
