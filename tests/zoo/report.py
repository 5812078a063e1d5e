"""`python -m tests.zoo.report`: read every family of the zoo in every format and print the table
family × format → read? facts right (%); `--write` also puts it into docs/formats.md."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .families import FAMILIES
from .generate import FORMATS, build_all, default_cache, path_of
from .read import reading

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats.md"
BEGIN = "<!-- zoo table: written by python -m tests.zoo.report --write -->"
END = "<!-- end of zoo table -->"


def table() -> tuple[str, dict]:
    root = build_all(default_cache())
    head = "| family | " + " | ".join(FORMATS) + " |"
    lines = [head, "|---|" + "---|" * len(FORMATS)]
    totals = {fmt: [0, 0, 0] for fmt in FORMATS}  # read, exact, forms
    for family in FAMILIES:
        cells = []
        for fmt in FORMATS:
            r = reading(family, path_of(root, family, fmt))
            t = totals[fmt]
            t[0] += r.read
            t[1] += r.exact
            t[2] += 1
            mark = "✓" if r.exact else ("read" if r.read else "✗")
            cells.append(f"{mark} {r.percent:.0f} %")
        lines.append(f"| {family.name} | " + " | ".join(cells) + " |")
    lines.append("| **exact / read / all** | " + " | ".join(f"{e} / {r} / {n}" for r, e, n in totals.values()) + " |")
    return "\n".join(lines), totals


def main(argv: list[str]) -> None:
    start = time.perf_counter()
    text, _ = table()
    print(text)
    print(f"\n({len(FAMILIES)} families × {len(FORMATS)} formats, {time.perf_counter() - start:.1f} s)")
    if "--write" in argv:
        doc = DOC.read_text(encoding="utf-8")
        block = f"{BEGIN}\n{text}\n{END}"
        if BEGIN in doc:
            doc = doc[:doc.index(BEGIN)] + block + doc[doc.index(END) + len(END):]
        else:
            raise SystemExit(f"{DOC} has no zoo table section ({BEGIN})")
        DOC.write_text(doc, encoding="utf-8")
        print(f"written to {DOC}")


if __name__ == "__main__":
    main(sys.argv[1:])
