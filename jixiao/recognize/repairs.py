"""Recording a repair: what the recogniser inferred or moved, and the places it came from.

Every repair is kept on the form (rule P002 reports them), so a person can see what was read
other than as printed. The kinds, by the section that makes them:
header and funds: shift-row, convert-unit, funds-total-from-rows; indicators: join-header,
shift-row, clean-label, move-cell, join-name-row, join-deviation, label-after-rows, infer-level1,
move-satisfaction-row, subtotal-row, orphan-row, missing-name, parent-row; total: header-total,
total-in-funds-row, infer-total, missing-total.
"""

from __future__ import annotations

from ..model import Form, Loc, Repair


def record(form: Form, kind: str, message: str, *locs: Loc | None) -> None:
    reps = form.repairs
    if kind == "shift-row" and reps and reps[-1].kind == kind and reps[-1].message == message:
        reps[-1].locs.extend(locs)  # one repair for a run of shifted rows
        return
    reps.append(Repair(kind=kind, message=message, locs=list(locs)))
