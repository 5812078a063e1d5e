"""Format-specific readers: each turns a file into grids of cells for the recogniser.

`read_forms(path)` is the one entry point every stage uses: it picks the reader by the file's
ending (and content), and returns the forms found and one error per form or file that could not
be read. It never raises for bad input: a broken file becomes a `ReadError` in the list.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from ..model import Form, Loc
from ..recognize import recognize

# ending → reader module; readers register here as they are added.
TEXT_ENDINGS = {".txt", ".text", ".tsv", ""}


def read_forms(path: str | Path) -> tuple[list[Form], list[ReadError]]:
    p = Path(path)
    name = str(path)
    try:
        if not p.exists():
            return [], [ReadError("文件不存在", Loc(file=name))]
        if p.is_dir():
            return [], [ReadError("这是一个目录，不是文件", Loc(file=name))]
        suffix = p.suffix.lower()
        if suffix == ".json":
            from .jsonio import read_json

            return read_json(p)
        from .text import read_text

        grids = read_text(p)
        forms: list[Form] = []
        errors: list[ReadError] = []
        for grid in grids:
            f, e = recognize(grid)
            forms.extend(f)
            errors.extend(e)
        if not forms and not errors:
            errors.append(ReadError("文件中没有找到自评表（没有“项目名称”行或“财政项目支出绩效自评表”标题）", Loc(file=name)))
        return forms, errors
    except ReadError as e:
        return [], [e]
    except (OSError, UnicodeError, ValueError) as e:
        return [], [ReadError(f"无法读取文件：{e}", Loc(file=name))]
