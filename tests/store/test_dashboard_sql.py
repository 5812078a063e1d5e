"""The dashboard's figures are computed in SQL and equal, to the last digit and the last trailing
zero, what the straightforward Python aggregation gives (`reference` below: the dashboard as it
was written before the sums moved into SQL, kept here as the specification).

The database: 300 synthetic forms (`jixiao.synth`, errors injected, layout damage and truncated
forms included) in files of ten, imported through `Store.import_file`; two thirds of them moved
into a few departments and units so that groups have many forms (one unit name under two
departments, a department's own unit, an unnamed unit), then a handful of summary columns set to
the edge cases a real database has (missing money or scores, scores on and outside the histogram
edges, zero budgets, sums beyond float precision, unknown grades, every status). Several users of
every role look at it through several filters, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import event, func, insert, select, update

from jixiao.model import Text
from jixiao.store import FormFilter, open_store
from jixiao.store import queries
from jixiao.store.access import scoped
from jixiao.store.schema import FindingRow, FormRow, User
from jixiao.synth.corpus import _text_of, draw
from jixiao.values import round2

# -- the reference: the dashboard aggregated in Python, one form row at a time ------------------
GRADES = ("优", "良", "中", "差")
HIST_EDGES = [Decimal(x) for x in (0, 60, 70, 80, 85, 90, 95, 100)]
RATE_EDGES = [Decimal(x) for x in (0, 50, 60, 70, 80, 90, 95, 100)]


class RefGroup:
    def __init__(self, name):
        self.name, self.forms, self.errors, self.scored = name, 0, 0, 0
        self.budget = self.executed = self.self_sum = self.rescored_sum = Decimal(0)

    def add(self, r):
        self.forms += 1
        if r.budget is not None and r.executed is not None:
            self.budget += r.budget
            self.executed += r.executed
        if r.self_total is not None and r.rescored_total is not None:
            self.self_sum += r.self_total
            self.rescored_sum += r.rescored_total
            self.scored += 1
        self.errors += r.error_count

    def to_dict(self):
        rate = round2(self.executed / self.budget * 100) if self.budget else None
        self_avg = round2(self.self_sum / self.scored) if self.scored else None
        rescored_avg = round2(self.rescored_sum / self.scored) if self.scored else None
        return {"name": self.name, "forms": self.forms, "budget": str(self.budget), "executed": str(self.executed),
                "rate": None if rate is None else str(rate), "errors": self.errors,
                "self_avg": None if self_avg is None else str(self_avg),
                "rescored_avg": None if rescored_avg is None else str(rescored_avg),
                # the raw sums too, with their exponents
                "_sums": (str(self.self_sum), str(self.rescored_sum), self.scored)}


def _bin(score, edges=HIST_EDGES, last_open=False):
    for i in range(len(edges) - (1 if last_open else 2), -1, -1):
        if score >= edges[i]:
            return i
    return 0


def reference(s, user, flt) -> dict:
    rows = s.execute(
        (flt or FormFilter()).where(scoped(select(
            FormRow.id, FormRow.project, FormRow.department, FormRow.unit, FormRow.budget, FormRow.executed,
            FormRow.rate, FormRow.self_total, FormRow.rescored_total, FormRow.self_grade, FormRow.rescored_grade,
            FormRow.error_count, FormRow.kind), user)).order_by(FormRow.id)
    ).all()
    total, deps, units, kinds = RefGroup("合计"), {}, {}, {}
    grades = {g: {"self": 0, "rescored": 0} for g in GRADES}
    hist = [{"low": str(HIST_EDGES[i]), "high": str(HIST_EDGES[i + 1]), "self": 0, "rescored": 0}
            for i in range(len(HIST_EDGES) - 1)]
    cells = Counter()
    for r in rows:
        for g in (total, deps.setdefault(r.department, RefGroup(r.department or "（未填）")),
                  units.setdefault((r.department, r.unit), RefGroup(r.unit or "（未填）")),
                  kinds.setdefault(r.kind, RefGroup(r.kind))):
            g.add(r)
        if r.self_grade in grades:
            grades[r.self_grade]["self"] += 1
        if r.rescored_grade in grades:
            grades[r.rescored_grade]["rescored"] += 1
        if r.self_total is not None:
            hist[_bin(r.self_total)]["self"] += 1
        if r.rescored_total is not None:
            hist[_bin(r.rescored_total)]["rescored"] += 1
        if r.rate is not None and r.rescored_total is not None:
            cells[(_bin(r.rate, RATE_EDGES, True), _bin(r.rescored_total))] += 1
    ids = {r.id for r in rows}
    counted, forms_per_rule = Counter(), {}
    for rule, form_id in s.execute(select(FindingRow.rule, FindingRow.form_id)):
        if form_id in ids:
            counted[rule] += 1
            forms_per_rule.setdefault(rule, set()).add(form_id)
    rules = sorted(((r, n, len(forms_per_rule[r])) for r, n in counted.items()), key=lambda t: (-t[2], -t[1], t[0]))
    return {"total": total.to_dict(),
            "departments": [g.to_dict() for g in sorted(deps.values(), key=lambda g: g.name)],
            "units": [g.to_dict() for g in sorted(units.values(), key=lambda g: g.name)],
            "grades": grades, "histogram": hist,
            "rules": [{"rule": r, "findings": n, "forms": m} for r, n, m in rules],
            "kinds": [kinds[k].to_dict() for k in ("project", "department", "transfer") if k in kinds],
            "rate_edges": [str(e) for e in RATE_EDGES], "score_edges": [str(e) for e in HIST_EDGES],
            "cells": [{"rate": x, "score": y, "forms": n} for (x, y), n in sorted(cells.items())]}


def figures(d) -> dict:
    """What the dashboard shows, with each group's raw sums (as the reference gives them)."""
    out = d.to_dict()
    for key, groups in (("departments", d.departments), ("units", d.units), ("kinds", d.kinds)):
        for g, gd in zip(groups, out[key]):
            gd["_sums"] = (str(g.self_sum), str(g.rescored_sum), g.scored)
    out["total"]["_sums"] = (str(d.total.self_sum), str(d.total.rescored_sum), d.total.scored)
    return out


# -- the database ---------------------------------------------------------------------------------
GROUPS = [  # (department, unit): where two thirds of the forms are moved
    ("甲市财政局", "甲市财政局"), ("甲市财政局", "办公室"), ("甲市财政局", "甲市预算评审中心"),
    ("甲市教育局", "办公室"), ("甲市教育局", "甲市第一中学"), ("甲市教育局", "甲市第一中学"),
    ("乙县教育局", "乙县实验小学"), ("乙县教育局", "乙县实验小学"), ("乙县教育局", ""),
]


def build(url: str):
    store = open_store(url)
    with store.Session.begin() as s:
        for name, role, unit, deps in USERS:
            s.add(User(username=name, password_hash="-", role=role, unit=unit, departments=deps, active=True))
    rng = random.Random(20240611)
    layout = random.Random("layout")
    texts = []
    for d in draw(300, seed=11, error_share=0.6):
        if d.index % 3:
            dep, unit = rng.choice(GROUPS)
            d.form.department, d.form.unit = Text(dep), Text(unit)
        texts.append(_text_of(d, layout)[0])
    for k in range(0, len(texts), 10):
        result = store.import_file("\n".join(texts[k:k + 10]).encode("utf-8"), f"synth-{k // 10:02d}.txt", user="admin")
        assert result.forms, result
    ids = [r.id for r in store.list_forms()]  # in id order
    edits = [  # (rows, values): the edge cases
        (ids[0:5], {"executed": None}),
        (ids[5:8], {"budget": None}),
        (ids[8:12], {"self_total": None, "self_grade": None}),
        (ids[12:15], {"rescored_total": None, "rescored_grade": None}),
        (ids[15:18], {"rate": None}),
        (ids[18:19], {"self_grade": "优秀", "rescored_grade": ""}),
        (ids[20:21], {"department": "乙县教育局", "unit": "零预算单位", "budget": Decimal(0), "executed": Decimal(0)}),
        (ids[21:22], {"department": "乙县教育局", "unit": "零预算单位", "budget": Decimal(0),
                      "executed": Decimal("12.3400")}),
        (ids[22:23], {"budget": Decimal("98765432109876.5432"), "executed": Decimal("98765432109875.4321")}),
        (ids[23:24], {"budget": Decimal("12345678901234.0001"), "executed": Decimal("-0.0001")}),
        (ids[24:25], {"department": "", "unit": ""}),
        (ids[25:26], {"department": "", "unit": "办公室"}),
        (ids[30:60:3], {"status": "已提交"}),
        (ids[31:60:3], {"status": "已审核"}),
        (ids[32:60:6], {"status": "退回"}),
    ]
    for k, score in enumerate(("60", "59.99", "70", "69.99", "80", "85", "90", "95", "100", "100.5", "-3", "0",
                               "94.99", "84.99", "0.01", "-0.01")):
        edits.append(([ids[40 + k]], {"rescored_total": Decimal(score)}))
        edits.append(([ids[70 + k]], {"self_total": Decimal(score)}))
    with store.Session.begin() as s:
        for rows, values in edits:
            s.execute(update(FormRow).where(FormRow.id.in_(rows)).values(**values))
    return store


USERS = [  # (name, role, unit, departments)
    ("admin", "管理员", None, []),
    ("office", "填报", "办公室", ["甲市财政局"]),  # this unit name is under two departments: sees both
    ("school", "填报", "甲市第一中学", []),
    ("unit-without-unit", "填报", None, []),
    ("unit-elsewhere", "填报", "不存在的单位", []),
    ("finance", "审核", None, ["甲市财政局"]),
    ("education", "审核", None, ["甲市教育局", "乙县教育局", "不存在的部门"]),
    ("reviewer-without-departments", "审核", None, []),
    ("guest", "访客", None, ["甲市财政局"]),  # no known role: sees nothing
]

FILTERS = [
    FormFilter(),
    FormFilter(year=2021),
    FormFilter(department="甲市教育局"),
    FormFilter(unit="办公室"),
    FormFilter(department="甲市财政局", year=2022),
    FormFilter(grade="优"),
    FormFilter(has_errors=True),
    FormFilter(has_errors=False),
    FormFilter(rule="s003"),
    FormFilter(rule="W002", year=2020),
    FormFilter(status="已提交"),
    FormFilter(q="中学"),
    FormFilter(q="%"),
    FormFilter(year=1990),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def synth_store(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('dash') / 'jixiao.db'}"
    else:
        url = request.getfixturevalue("pg_server").new_database()
    store = build(url)
    yield store
    store.close()


def users_of(store) -> list[User | None]:
    with store.Session() as s:
        found = {u.username: u for u in s.scalars(select(User))}
    return [None] + [found[name] for name, *_ in USERS]


def test_the_database_is_varied(synth_store):
    """The fixture has what the comparison needs: many forms per group, every kind of gap."""
    with synth_store.Session() as s:
        n, deps, groups, years = s.execute(select(
            func.count(FormRow.id), func.count(FormRow.department.distinct()),
            func.count(func.distinct(FormRow.department + "/" + FormRow.unit)),
            func.count(FormRow.year.distinct()))).one()
        rules = s.scalar(select(func.count(FindingRow.rule.distinct())))
        wan = s.scalar(select(func.count()).where(FormRow.amount_unit == "万元"))
    assert n > 280 and deps > 20 and groups > 30 and years >= 5
    assert rules >= 15 and wan > 10
    d = synth_store.dashboard()
    assert max(g.forms for g in d.units) > 20
    assert [g.name for g in d.units].count("办公室") == 3  # under two departments and none
    assert [g.name for g in d.departments].count("（未填）") == 1


def test_the_dashboard_equals_the_python_aggregation(synth_store):
    users = users_of(synth_store)
    seen = set()
    with synth_store.Session() as s:
        for user in users:
            for flt in FILTERS:
                expected = reference(s, user, flt)
                got = figures(queries.dashboard(s, user, flt))
                assert got == expected, (user and user.username, flt)
                seen.add(expected["total"]["forms"] > 0)
    assert seen == {True, False}


def test_the_rate_score_bins_cover_every_plotted_form_once(synth_store):
    with synth_store.Session() as s:
        d = queries.dashboard(s, None, FormFilter())
        plotted = s.scalar(select(func.count()).where(FormRow.rate.is_not(None), FormRow.rescored_total.is_not(None)))
    assert d.plotted == plotted > 200
    assert len({(c["rate"], c["score"]) for c in d.cells}) == len(d.cells) <= 8 * 7
    assert len({c["rate"] for c in d.cells}) >= 3 and len({c["score"] for c in d.cells}) >= 3


# -- scale: the dashboard's queries return group rows, never form rows ------------------------------
def multiplied_seed(store, seed_path, times: int) -> int:
    """The ten seed forms (one department, one unit) copied 2**times over, findings with them."""
    store.import_file(seed_path)
    forms, findings = FormRow.__table__, FindingRow.__table__
    with store.engine.begin() as c:
        for _ in range(times):
            k, m = c.scalar(select(func.max(forms.c.id))), c.scalar(select(func.max(findings.c.id)))
            c.execute(insert(forms).from_select(
                [col.name for col in forms.c],
                select(*[(col + k).label(col.name) if col.name == "id" else col for col in forms.c])))
            c.execute(insert(findings).from_select(
                [col.name for col in findings.c],
                select(*[(col + m).label(col.name) if col.name == "id" else
                         (col + k).label(col.name) if col.name == "form_id" else col for col in findings.c])))
        return c.scalar(select(func.count(forms.c.id)))


def test_the_dashboard_fetches_no_form_rows(store, seed_path):
    """1,280 forms of one unit: the dashboard's statements return a handful of rows (the group, the
    counts, the rules, the capped dots) and load no ORM object, so it cannot have slipped back to
    adding forms up in Python. Rows are counted by running each captured statement again."""
    n = multiplied_seed(store, seed_path, 7)
    assert n == 1280
    statements, loaded = [], []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    def load(target, context):
        loaded.append(target)

    event.listen(store.engine, "before_cursor_execute", capture)
    event.listen(FormRow, "load", load)
    event.listen(FindingRow, "load", load)
    try:
        with store.Session() as s:
            d = queries.dashboard(s, None, FormFilter())
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
        event.remove(FormRow, "load", load)
        event.remove(FindingRow, "load", load)
    assert loaded == []
    with store.Session() as s:
        expected = reference(s, None, FormFilter())
    assert d.total.forms == 1280 and len(d.units) == 1 and d.plotted == 1280
    assert figures(d) == expected
    rows = []
    with store.engine.connect() as c:
        for statement, parameters in statements:
            assert "forms.data" not in statement and "forms.report" not in statement
            rows.append(len(c.exec_driver_sql(statement, parameters).fetchall()))
    assert 1 <= len(statements) <= 5
    assert sum(rows) <= 1 + 1 + len(d.rules) + 8 * 7, rows  # group, distribution, rules, bins
