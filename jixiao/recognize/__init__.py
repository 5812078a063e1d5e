"""Recognise forms in a grid of cells: grid → `Form`, recording every repair.

Every format's reader hands its grids here, and one recogniser reads them. It works on content,
not on fixed column positions:

- `vocab`: what header texts and labels mean (which header text names which field), as data;
- `form`: one form, its rows dispatched by section (header → funds → goals → indicators → 总分);
- `header`, `funds`, `indicators` (with `labels`), `totals`: one module per section;
- `align`: the shift that puts a data row under its header's columns (page breaks drop the
  merged leading column); `cells`: what a cell's text is (number, label, quantity), cached;
- `repairs`: each repair recorded on the form with the lines it came from (rule P002).
"""

from __future__ import annotations

from ..errors import ReadError
from ..grid import Grid
from ..model import Form
from ..values import clean_text
from .form import FormReader, Section
from .kinds import spec_of_name_label
from .vocab import starts_form

__all__ = ["recognize"]


def recognize(grid: Grid) -> tuple[list[Form], list[ReadError]]:
    """All forms in a grid, and an error for each form that could not be read."""
    forms: list[Form] = []
    errors: list[ReadError] = []
    reader: FormReader | None = None

    def close() -> None:
        nonlocal reader
        if reader is None:
            return
        try:
            forms.append(reader.finish())
        except ReadError as e:
            errors.append(e)
        reader = None

    for row in grid.rows:
        clean = [clean_text(t) if t else "" for t in row.texts()]  # cleaned once, for every test
        first = next(filter(None, clean), "")
        # a title, or a 项目名称 row after a form's own, starts a new form
        if starts_form(first):
            if reader is None or reader.section is not Section.HEADER or reader.form.project.text:
                close()
                reader = FormReader(grid.source, row)
        elif (reader is None or reader.form.project.text) \
                and (spec := spec_of_name_label(first.replace(" ", ""))) is not None:
            # a form printed without a title: its name label opens it and says its kind
            close()
            reader = FormReader(grid.source, row, spec)
        if reader is None:
            continue
        try:
            reader.feed(row, clean, first)
        except ReadError as e:
            errors.append(e)
            reader = None
    close()
    return forms, errors
