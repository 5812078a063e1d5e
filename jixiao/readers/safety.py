"""Checks an Office file must pass before a library parses it: bounded size, no zip bomb, no
XML entities.

.xlsx and .docx files are zip archives of XML parts. A hostile (or broken) file can declare a
few kilobytes that inflate to gigabytes, or carry a DOCTYPE whose entities expand without end or
fetch other files. Both are caught here, from the zip directory and the first bytes of each part,
before openpyxl or python-docx sees the file, so that reading a batch stays bounded in memory and
time whatever one file holds.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..errors import ReadError
from ..model import Loc

MAX_TOTAL = 200 * 1024 * 1024  # all parts together, as declared in the zip directory
MAX_PART = 30 * 1024 * 1024  # one worksheet or document body; real forms are well under 1 MB
MAX_RATIO = 100  # compression ratio above which a large part is taken for a bomb
RATIO_FLOOR = 1024 * 1024  # small parts compress well and are harmless whatever their ratio
MAX_MEMBERS = 10_000
PROLOGUE_LIMIT = 64 * 1024  # an XML prologue longer than this is not from an office program

_XML_ENDINGS = (".xml", ".rels", ".vml")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_zip(path: Path, what: str) -> None:
    """Refuse a zip whose declared contents are too large or suspiciously compressed.

    zipfile stops inflating a member at its declared size (and then fails its CRC), so declared
    sizes bound what any later read can produce.
    """
    checked_zip(path, what)[0].close()


def checked_zip(path: Path, what: str) -> tuple[zipfile.ZipFile, dict[str, bytes]]:
    """check_zip, keeping the zip open: (the ZipFile, the XML parts the check read whole, by
    name), so that a reader neither opens the file again nor inflates those parts twice."""
    loc = Loc(file=str(path))
    read: dict[str, bytes] = {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise ReadError(f"{what}文件已损坏，无法解压（{e}）", loc) from None
    except (RuntimeError, NotImplementedError) as e:  # encrypted zip members, unknown compression
        raise ReadError(f"{what}文件无法解压（{e}）", loc) from None
    try:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReadError(f"{what}文件异常：压缩包内有 {len(infos)} 个部件，超过上限 {MAX_MEMBERS}", loc)
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > RATIO_FLOOR and (
                info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO
            ):
                raise ReadError(
                    f"{what}文件异常（疑似“压缩炸弹”）：部件 {info.filename} 压缩后 {info.compress_size} 字节，"
                    f"解压后 {_mb(info.file_size)}，压缩比超过 {MAX_RATIO} 倍，已拒绝读取",
                    loc,
                )
            if info.file_size > MAX_PART and info.filename.endswith(_XML_ENDINGS):
                raise ReadError(
                    f"{what}文件过大：部件 {info.filename} 解压后 {_mb(info.file_size)}，超过上限 {_mb(MAX_PART)}",
                    loc,
                )
        if total > MAX_TOTAL:
            raise ReadError(f"{what}文件过大：解压后共 {_mb(total)}，超过上限 {_mb(MAX_TOTAL)}", loc)
        for info in infos:
            if info.filename.endswith(_XML_ENDINGS) and info.file_size:
                data = _check_prologue(zf, info, what, loc)
                if info.file_size <= PROLOGUE_LIMIT:  # read to its end, its CRC checked
                    read[info.filename] = data
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        zf.close()
        raise ReadError(f"{what}文件已损坏，无法解压（{e}）", loc) from None
    except (RuntimeError, NotImplementedError) as e:  # encrypted zip members, unknown compression
        zf.close()
        raise ReadError(f"{what}文件无法解压（{e}）", loc) from None
    except BaseException:
        zf.close()
        raise
    return zf, read


def _check_prologue(zf: zipfile.ZipFile, info: zipfile.ZipInfo, what: str, loc: Loc) -> bytes:
    """Read the part up to its root element and refuse any DOCTYPE or ENTITY declaration.
    Returns what was read (the first PROLOGUE_LIMIT bytes)."""
    with zf.open(info) as fh:
        data = read = fh.read(PROLOGUE_LIMIT)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    i = 0
    n = len(data)
    while True:
        while i < n and data[i] in b" \t\r\n\xef\xbb\xbf":
            i += 1
        if i >= n:
            if n >= PROLOGUE_LIMIT:
                raise ReadError(f"{what}文件异常：部件 {info.filename} 的 XML 开头过长", loc)
            return read  # an empty or whitespace-only part: the library will say what is wrong
        if data.startswith(b"<?", i):
            close = b"?>"
        elif data.startswith(b"<!--", i):
            close = b"-->"
        elif data.startswith(b"<!", i):
            raise ReadError(
                f"{what}文件含有 XML 实体声明（DOCTYPE/ENTITY，部件 {info.filename}），可能是恶意文件，已拒绝读取", loc
            )
        else:
            return read  # the root element: no declaration can follow it
        end = data.find(close, i + 2)
        if end < 0:
            raise ReadError(f"{what}文件异常：部件 {info.filename} 的 XML 开头不完整", loc)
        i = end + len(close)
