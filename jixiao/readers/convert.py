"""Office formats people still save in, read by converting them with LibreOffice first.

Legacy Word (.doc), WPS Office's .wps (the same OLE2 Word binary), OpenDocument text (.odt) and
spreadsheets (.ods) are converted by LibreOffice, headless, to .docx/.xlsx in a temporary
directory, which the normal reader then reads with its own safety limits. (.xls and WPS's .et,
the same BIFF workbook, are read directly by xlrd: see xls.py.)

Each conversion runs with a time limit in its own process group (killed whole when it runs
over) and a LibreOffice user profile private to this process, so that parallel conversions in
other processes, or a LibreOffice the user has open, do not lock each other out; conversions in
one process take turns. The locations the reader reports name the file the user gave, never
the temporary copy.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from ..errors import ReadError
from ..grid import Grid
from ..model import Loc
from .safety import check_zip

TIMEOUT = float(os.environ.get("JIXIAO_CONVERT_TIMEOUT", "120"))  # seconds per file
MAX_BYTES = 64 * 1024 * 1024  # as for .xls: a real form is well under 1 MB

# the format sniff found → (what to convert to, the reader of that, what the user calls the file)
TARGETS: dict[str, tuple[str, str, str]] = {
    "doc": ("docx", "jixiao.readers.docx:read_docx", "旧版 Word（.doc）或 WPS 文字（.wps）"),
    "odt": ("docx", "jixiao.readers.docx:read_docx", "OpenDocument 文档（.odt）"),
    "ods": ("xlsx", "jixiao.readers.xlsx:read_xlsx", "OpenDocument 表格（.ods）"),
}

_lock = threading.Lock()
_profile: Path | None = None


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile_dir() -> Path:
    """This process's LibreOffice user profile, made on first use and removed at exit."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="jixiao-lo-profile-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def _drop_profile() -> None:
    global _profile
    if _profile is not None:
        shutil.rmtree(_profile, ignore_errors=True)
        _profile = None


def convert(path: Path, target: str, outdir: Path, what: str) -> Path:
    """`path` converted by LibreOffice to `target` ('docx' or 'xlsx') in `outdir`; a ReadError
    in Chinese when LibreOffice is missing, runs over the time limit or writes nothing."""
    name = str(path)
    exe = soffice()
    if exe is None:
        raise ReadError(f"读取{what}文件需要 LibreOffice（soffice），本机未安装；请安装 LibreOffice，"
                        f"或用 Word/WPS 另存为 .{target} 后再读取", Loc(file=name))
    # a copy under a plain name: LibreOffice takes an argument starting with '-' for an option,
    # and names its output after the input's stem
    source = outdir / ("input" + path.suffix.lower())
    shutil.copyfile(path, source)
    with _lock:
        proc = subprocess.Popen(
            [exe, f"-env:UserInstallation={_profile_dir().as_uri()}", "--headless", "--norestore",
             "--convert-to", target, "--outdir", str(outdir), str(source)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            _drop_profile()  # a killed LibreOffice leaves its profile locked: the next run makes a new one
            raise ReadError(f"用 LibreOffice 转换{what}文件超过 {TIMEOUT:g} 秒仍未完成，已停止；"
                            f"请用 Word/WPS 另存为 .{target} 后再读取", Loc(file=name)) from None
    out = outdir / f"input.{target}"
    if not out.exists():
        detail = err.decode("utf-8", "replace").strip().splitlines()
        reason = f"（{detail[-1][:200]}）" if detail else ""
        raise ReadError(f"LibreOffice 无法转换此{what}文件，文件可能已损坏或已加密{reason}", Loc(file=name))
    return out


def _rename(grids: list[Grid], temp: str, name: str) -> None:
    """Locations in the converted copy → the same locations in the user's file."""
    for grid in grids:
        grid.source = name
        for problem in grid.problems:
            if problem.loc is not None and problem.loc.file == temp:
                problem.loc.file = name
        for row in grid.rows:
            if row.loc.file == temp:
                row.loc.file = name
            for cell in row.cells:
                loc = cell._loc  # a cell without its own location takes its row's
                if loc is not None and loc.file == temp:
                    loc.file = name


def read_converted(path: Path, kind: str) -> list[Grid]:
    """Grids of a file in one of TARGETS' formats, read through its LibreOffice conversion."""
    import importlib

    target, reader, what = TARGETS[kind]
    name = str(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReadError(f"{what}文件过大（{size} 字节，上限 {MAX_BYTES} 字节）", Loc(file=name))
    if kind in ("odt", "ods"):
        check_zip(path, what)  # an OpenDocument file is a zip: no bombs handed to LibreOffice
    module, attr = reader.split(":")
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as tmp:
        out = convert(path, target, Path(tmp), what)
        try:
            grids = getattr(importlib.import_module(module), attr)(out)
        except ReadError as e:
            if e.loc is not None and e.loc.file == str(out):
                e.loc.file = name
            raise
    _rename(grids, str(out), name)
    return grids


def read_doc(path: Path) -> list[Grid]:
    return read_converted(path, "doc")


def read_odt(path: Path) -> list[Grid]:
    return read_converted(path, "odt")


def read_ods(path: Path) -> list[Grid]:
    return read_converted(path, "ods")
