"""Receiving uploaded files (the page and `POST /api/uploads` share this): size and type limits,
then one import per file; a file that breaks never stops the others."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePath

from starlette.datastructures import UploadFile

from ..readers.sniff import ENDINGS
from ..store import ImportResult, Store
from ..store.imports import safe_filename
from ..store.schema import User

# The endings the readers know (jixiao.readers.sniff); anything else is refused before it is
# read. Kinds read through a LibreOffice conversion (.doc, .wps, .odt, .ods) pass like the others;
# a kind the readers know but refuse passes too, so the reader can say what to do instead.
ALLOWED_ENDINGS = {e for e in ENDINGS if e}
MAX_FILE_BYTES = int(float(os.environ.get("JIXIAO_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
MAX_FILES = int(os.environ.get("JIXIAO_MAX_UPLOAD_FILES", "100"))
# The whole request may carry every file at its limit, plus the multipart overhead.
MAX_REQUEST_BYTES = MAX_FILE_BYTES * 4 + 1024 * 1024


@dataclass
class Received:
    filename: str
    data: bytes | None = None
    refused: str | None = None  # why the file was not accepted


def check_name(name: str) -> str | None:
    ending = PurePath(name).suffix.lower()
    if ending not in ALLOWED_ENDINGS:
        shown = ending or "（无扩展名）"
        return f"不支持的文件类型 {shown}；支持：{' '.join(sorted(ALLOWED_ENDINGS))}"
    return None


async def receive(files: list) -> list[Received]:
    """Read the uploaded files within the limits; each refusal is a line of its own."""
    out: list[Received] = []
    uploads = [f for f in files if isinstance(f, UploadFile)]
    if len(uploads) > MAX_FILES:
        return [Received(filename="（全部）", refused=f"一次最多上传 {MAX_FILES} 个文件，本次有 {len(uploads)} 个")]
    for f in uploads:
        name = safe_filename(f.filename)
        why = check_name(name)
        if why:
            out.append(Received(name, refused=why))
            continue
        data = await f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            out.append(Received(name, refused=f"文件超过大小上限 {MAX_FILE_BYTES // (1024 * 1024)} MB"))
            continue
        if not data:
            out.append(Received(name, refused="文件是空的"))
            continue
        out.append(Received(name, data=data))
    return out


def import_all(store: Store, user: User, received: list[Received]) -> list[ImportResult]:
    results = []
    for r in received:
        if r.refused:
            results.append(ImportResult(filename=r.filename, failed=r.refused))
        else:
            results.append(store.import_file(r.data, r.filename, user=user))
    return results
