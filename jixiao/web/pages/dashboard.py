"""The dashboard: per department and unit — forms, budget, weighted execution rate, self-score
vs re-score, grades, the rules most often violated, execution rate against score. The figures
are summed by the database (`store.queries.dashboard`); every chart has a fixed number of marks
(bins), so the page is the same size for ten forms or 100,000."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from ...rules.catalogue import RULES
from ...store import FormFilter
from ...store.queries import GRADES, HIST_EDGES, RATE_EDGES
from ...store.schema import User
from .. import charts
from ..auth import check_csrf, page_user, store_of
from ..render import render
from ...model import KIND_NAMES
from . import int_or_none

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
GROUP_ROWS = 200  # the units table shows the units with most forms; the list page has the rest


def largest(groups: list, n: int | None = None) -> list:
    """The n (GROUP_ROWS) groups with most forms, in name order (all when there are no more)."""
    n = GROUP_ROWS if n is None else n
    if len(groups) <= n:
        return groups
    keep = {id(g) for g in sorted(groups, key=lambda g: -g.forms)[:n]}
    return [g for g in groups if id(g) in keep]
PageUser = Annotated[User, Depends(page_user)]


@router.get("/dashboard")
def dashboard_page(request: Request, user: PageUser, year: str = "", department: str = "", unit: str = ""):
    store = store_of(request)
    flt = FormFilter(year=int_or_none(year), department=department or None, unit=unit or None)
    d = store.dashboard(user, flt)
    hist = [(f"{h['low']}–{h['high']}" if h["low"] != "0" else "<60", h["self"], h["rescored"]) for h in d.histogram]
    grades = [(g, d.grades[g]["self"], d.grades[g]["rescored"]) for g in GRADES]
    top = d.rules[:10]
    rule_bars = [(r, forms, f"{r} {RULES[r].title if r in RULES else ''}：{forms} 张表，{n} 处") for r, n, forms in top]
    chosen = {"year": year, "department": department, "unit": unit}
    base = {k: v for k, v in chosen.items() if v}
    progress = store.progress(user, flt)
    # The progress table's units under their departments, as many as the units table shows.
    progress_units: dict[str, list] = {}
    shown = largest(progress.units)
    for r in shown:
        progress_units.setdefault(r.department, []).append(r)
    return render(
        request, "dashboard.html", user, d=d, units=largest(d.units), group_rows=GROUP_ROWS, chosen=chosen, choices=store.filter_choices(user),
        hist_svg=charts.paired_bars(hist, "自评分与重新评分分布"),
        grade_svg=charts.paired_bars(grades, "等级分布", width=360),
        rules_svg=charts.hbars(rule_bars, "最常见的问题"),
        heat_svg=charts.heatmap(d.cells, charts.bin_labels(RATE_EDGES, True, "%"), charts.bin_labels(HIST_EDGES, False),
                                "执行率与重新评分"),
        rule_titles={r: RULES[r].title for r, _, _ in top if r in RULES}, top=top,
        list_link=lambda **kw: "/forms?" + urlencode({**base, **kw}),
        progress=progress, progress_units=progress_units, progress_capped=len(shown) < len(progress.units),
        kind_names=KIND_NAMES, figures_seconds=store.figures.seconds,
    )
