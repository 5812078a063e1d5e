"""The dashboard: per department and unit — forms, budget, weighted execution rate, self-score
vs re-score, grades, the rules most often violated, execution rate against score. The figures
are summed by the database (`store.queries.dashboard`); the scatter draws at most
`queries.POINTS_CAP` forms and says so when it leaves some out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from ...rules.catalogue import RULES
from ...store import FormFilter
from ...store.queries import GRADES
from ...store.schema import User
from .. import charts
from ..auth import check_csrf, page_user, store_of
from ..render import render
from ...model import KIND_NAMES
from . import int_or_none

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
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
    return render(
        request, "dashboard.html", user, d=d, chosen=chosen, choices=store.filter_choices(user),
        hist_svg=charts.paired_bars(hist, "自评分与重新评分分布"),
        grade_svg=charts.paired_bars(grades, "等级分布", width=360),
        rules_svg=charts.hbars(rule_bars, "最常见的问题"),
        scatter_svg=charts.scatter(d.points, "执行率与重新评分" + (f"（仅显示 {len(d.points)} 张）" if d.points_capped else "")),
        rule_titles={r: RULES[r].title for r, _, _ in top if r in RULES}, top=top,
        list_link=lambda **kw: "/forms?" + urlencode({**base, **kw}),
        progress=store.progress(user, flt), kind_names=KIND_NAMES,
    )
