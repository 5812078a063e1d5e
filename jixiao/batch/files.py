"""Finding the files of a batch: every file under the given directories whose ending a reader
knows (or refuses with a clear reason: an old .doc is reported, not silently left out).

The walk is sorted, so the order of files — and with it the order of forms in the store and in
the report — is the same on every run and on every machine.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

try:  # the readers' table of endings, when it is there
    from ..readers.sniff import ENDINGS as _ENDINGS

    ENDINGS = frozenset(e for e in _ENDINGS if e)
except ImportError:  # pragma: no cover - older readers package
    ENDINGS = frozenset({".txt", ".text", ".tsv", ".csv", ".md", ".markdown", ".html", ".htm", ".xlsx", ".xlsm",
                         ".xls", ".docx", ".pdf", ".json"})


def wanted(name: str, exclude: tuple[str, ...]) -> bool:
    if name.startswith((".", "~$")):  # hidden files, Office lock files
        return False
    if any(fnmatch.fnmatch(name, pat) for pat in exclude):
        return False
    return os.path.splitext(name)[1].lower() in ENDINGS


def base_of(root: str | Path) -> str:
    """What paths are relative to: the folder that holds the root, so the root's own name is part of
    every path ('corpus/000/000017.txt') and two roots with the same inner names stay apart."""
    return os.path.dirname(os.path.abspath(str(root).rstrip("/\\") or "/"))


def walk(root: str | Path, exclude: tuple[str, ...] = ()) -> Iterator[str]:
    """Paths relative to `base_of(root)` (with '/'), sorted, one directory at a time: never the whole list."""
    root = os.path.abspath(str(root))
    base = base_of(root)
    if os.path.isfile(root):
        yield os.path.basename(root)
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = os.path.relpath(dirpath, base).replace(os.sep, "/")
        for name in sorted(filenames):
            if wanted(name, exclude):
                yield f"{rel_dir}/{name}"


def count(roots: list[str], exclude: tuple[str, ...] = ()) -> int:
    return sum(1 for root in roots for _ in walk(root, exclude))


def sha256_file(path: str) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()
