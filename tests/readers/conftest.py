"""Write an inline form as a file of a given format and read it back."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.readers import read_forms

from . import build
from .office import office  # noqa: F401 - a fixture

FORMATS = ("xlsx", "docx", "html", "md")


def write_as(fmt: str, table: str, path_stem: Path) -> Path:
    path = path_stem.with_suffix("." + fmt)
    if fmt == "xlsx":
        build.to_xlsx(table, path)
    elif fmt == "docx":
        build.to_docx(table, path)
    elif fmt == "html":
        path.write_text(build.to_html(table), encoding="utf-8")
    elif fmt == "md":
        path.write_text(build.to_markdown(table), encoding="utf-8")
    else:
        raise ValueError(fmt)
    return path


@pytest.fixture
def read_as(tmp_path):
    """read_as(fmt, table) → the one form read from the table written as `fmt`; no errors allowed."""
    def _read(fmt: str, table: str, expect_errors: bool = False):
        path = write_as(fmt, table, tmp_path / "form")
        forms, errors = read_forms(path)
        if not expect_errors:
            assert errors == [], [str(e) for e in errors]
            assert len(forms) == 1
            return forms[0]
        return forms, errors
    return _read
