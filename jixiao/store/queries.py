"""Reading the store: the filtered, sorted form list and the dashboard figures.

Everything goes through `access.scoped`, so a list or a sum never includes a form the user may
not see. Sums are exact (Decimal); the weighted execution rate is Σ执行数 / Σ预算数, not an average
of rates, so a large project weighs as much as its money.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import DateTime, and_, case, exists, func, select
from sqlalchemy.orm import Session, defer

from ..model import KINDS
from ..rules.catalogue import RULES
from ..values import round2
from .access import scoped, unrestricted
from .errors import Invalid
from .schema import STATUSES, SUBMITTED, FindingRow, FormRow, FormTotal, User
from .totals import HIST_EDGES, RATE_EDGES

GRADES = ("优", "良", "中", "差")

# Sort keys a user may ask for → column. Anything else falls back to the id (upload order).
SORTS = {
    "id": FormRow.id,
    "project": FormRow.project,
    "year": FormRow.year,
    "department": FormRow.department,
    "unit": FormRow.unit,
    "budget": FormRow.budget,
    "executed": FormRow.executed,
    "rate": FormRow.rate,
    "self_total": FormRow.self_total,
    "rescored_total": FormRow.rescored_total,
    "errors": FormRow.error_count,
    "warnings": FormRow.warning_count,
    "status": FormRow.status,
    "updated": FormRow.updated_at,
}


@dataclass
class FormFilter:
    year: int | None = None
    department: str | None = None
    unit: str | None = None
    kind: str | None = None  # project / department / transfer
    grade: str | None = None  # the re-scored grade 优/良/中/差
    has_errors: bool | None = None
    rule: str | None = None  # forms with at least one finding of this rule
    status: str | None = None
    q: str | None = None  # part of the project name

    def __post_init__(self):
        # Checked here, once for the pages and the API: a year no form can have is a wrong
        # request (422), not a query that overflows the database's integer.
        if self.year is not None and not 1000 <= self.year <= 9999:
            raise Invalid(f"年度“{self.year}”无效：应为四位数的年份")
        for name in ("department", "unit", "rule", "status", "q"):
            value = getattr(self, name)
            if value is not None and len(value) > 500:
                raise Invalid("筛选条件过长（最多500个字符）")

    def by_key_only(self) -> bool:
        """Does the filter name only columns of the running totals' key (`totals`)?"""
        return self.grade is None and self.has_errors is None and not self.rule and not self.q

    def where(self, stmt, on=FormRow):
        """`on`: FormRow, or the running totals' columns for a filter `by_key_only`."""
        if self.year is not None:
            stmt = stmt.where(on.year == self.year)
        if self.department:
            stmt = stmt.where(on.department == self.department)
        if self.unit:
            stmt = stmt.where(on.unit == self.unit)
        if self.kind:
            stmt = stmt.where(on.kind == self.kind)
        if self.status:
            stmt = stmt.where(on.status == self.status)
        if self.grade:
            stmt = stmt.where(FormRow.rescored_grade == self.grade)
        if self.has_errors is True:
            stmt = stmt.where(FormRow.error_count > 0)
        elif self.has_errors is False:
            stmt = stmt.where(FormRow.error_count == 0)
        if self.rule:
            stmt = stmt.where(FormRow.id.in_(select(FindingRow.form_id).where(FindingRow.rule == self.rule.upper())))
        if self.q:
            stmt = stmt.where(FormRow.project.contains(self.q, autoescape=True))
        return stmt


def list_forms(s: Session, user: User | None, flt: FormFilter | None = None, sort: str = "id",
               descending: bool = False, limit: int | None = None, offset: int = 0,
               summary: bool = False) -> list[FormRow]:
    """A page of the list. With `summary`, only the summary columns are read, not the form,
    report and assessment JSON (tens of kilobytes a form): what the list page and API show."""
    stmt = (flt or FormFilter()).where(scoped(select(FormRow), user))
    if summary:
        stmt = stmt.options(defer(FormRow.data, raiseload=True), defer(FormRow.report, raiseload=True),
                            defer(FormRow.assessment, raiseload=True))
    col = SORTS.get(sort, FormRow.id)
    order = col.desc() if descending else col.asc()
    # NULLs last in both directions and on both databases; id breaks ties so pages are stable.
    # Written as NULLS LAST (not "col IS NULL, col") so that the (col, id) indexes serve it.
    stmt = stmt.order_by(order.nulls_last(), FormRow.id)
    if limit:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return list(s.scalars(stmt))


def count(s: Session, user: User | None, flt: FormFilter | None = None) -> int:
    return s.scalar((flt or FormFilter()).where(scoped(select(func.count(FormRow.id)), user))) or 0


def skip_scan(col):
    """The distinct values of an indexed column in order, one index probe per value (a recursive
    "loose index scan"): 40 departments cost 40 probes, not a pass over 100,000 forms."""
    step = select(func.min(col).label("v")).where(col.is_not(None)).cte("steps", recursive=True)
    nxt = select(select(func.min(col)).where(col > step.c.v).scalar_subquery().label("v")).where(step.c.v.is_not(None))
    step = step.union_all(nxt)
    return select(step.c.v).where(step.c.v.is_not(None))


def choices(s: Session, user: User | None) -> dict[str, list]:
    """The values the filter menus offer: only those present in forms the user may see."""
    def distinct_of(col):
        if unrestricted(user):
            return [v for v in s.scalars(skip_scan(col)) if v != ""]
        return [v for v in s.scalars(scoped(select(col), user).where(col.is_not(None)).distinct().order_by(col)) if v != ""]

    # Which of the catalogue's rules occur: one EXISTS per rule, each an index probe on
    # (rule, form_id), instead of reading every finding for a DISTINCT.
    known = sorted(RULES)
    # Every finding belongs to a form (foreign key): someone who sees all forms needs no IN.
    mine = [] if unrestricted(user) else [FindingRow.form_id.in_(scoped(select(FormRow.id), user))]
    found = s.execute(select(*[exists().where(FindingRow.rule == r, *mine) for r in known])).one()
    return {"year": distinct_of(FormRow.year), "department": distinct_of(FormRow.department),
            "unit": distinct_of(FormRow.unit), "rule": [r for r, hit in zip(known, found) if hit]}


@dataclass
class Group:
    """The figures of one department or unit."""

    name: str
    forms: int = 0
    budget: Decimal = Decimal(0)
    executed: Decimal = Decimal(0)
    errors: int = 0
    self_sum: Decimal = Decimal(0)
    rescored_sum: Decimal = Decimal(0)
    scored: int = 0

    @property
    def rate(self) -> Decimal | None:
        return round2(self.executed / self.budget * 100) if self.budget else None

    @property
    def self_avg(self) -> Decimal | None:
        return round2(self.self_sum / self.scored) if self.scored else None

    @property
    def rescored_avg(self) -> Decimal | None:
        return round2(self.rescored_sum / self.scored) if self.scored else None

    def add(self, r) -> None:
        """Count one form (any row with budget, executed, self_total and rescored_total)."""
        self.forms += 1
        # Only forms with both figures count towards the weighted rate, so that a form
        # without an executed amount does not pull the rate down.
        if r.budget is not None and r.executed is not None:
            self.budget += r.budget
            self.executed += r.executed
        if r.self_total is not None and r.rescored_total is not None:
            self.self_sum += r.self_total
            self.rescored_sum += r.rescored_total
            self.scored += 1

    def include(self, other: Group) -> None:
        """Count another group's forms in this one (a unit's in its department's and the total)."""
        self.forms += other.forms
        self.budget += other.budget
        self.executed += other.executed
        self.errors += other.errors
        self.self_sum += other.self_sum
        self.rescored_sum += other.rescored_sum
        self.scored += other.scored

    def to_dict(self) -> dict:
        return {"name": self.name, "forms": self.forms, "budget": str(self.budget), "executed": str(self.executed),
                "rate": None if self.rate is None else str(self.rate), "errors": self.errors,
                "self_avg": None if self.self_avg is None else str(self.self_avg),
                "rescored_avg": None if self.rescored_avg is None else str(self.rescored_avg)}


@dataclass
class Dashboard:
    total: Group
    departments: list[Group] = field(default_factory=list)
    units: list[Group] = field(default_factory=list)
    grades: dict[str, dict[str, int]] = field(default_factory=dict)  # grade → {self, rescored}
    histogram: list[dict] = field(default_factory=list)  # [{low, high, self, rescored}]
    rules: list[tuple[str, int, int]] = field(default_factory=list)  # (rule, findings, forms)
    kinds: list[Group] = field(default_factory=list)  # the same figures per form kind (project first)
    # Execution rate against re-scored total, counted in bins (RATE_EDGES × HIST_EDGES): the
    # non-empty cells as {rate, score, forms} with bin numbers; at most 8 × 7 whatever the forms.
    cells: list[dict] = field(default_factory=list)

    @property
    def plotted(self) -> int:
        return sum(c["forms"] for c in self.cells)

    def to_dict(self) -> dict:
        return {
            "total": self.total.to_dict(),
            "departments": [g.to_dict() for g in self.departments],
            "units": [g.to_dict() for g in self.units],
            "grades": self.grades,
            "histogram": self.histogram,
            "rules": [{"rule": r, "findings": n, "forms": m} for r, n, m in self.rules],
            "kinds": [g.to_dict() for g in self.kinds],
            "rate_edges": [str(e) for e in RATE_EDGES],
            "score_edges": [str(e) for e in HIST_EDGES],
            "cells": self.cells,
        }


# Score bins of the histogram, and execution-rate bins of the rate × score chart: below 50 %,
# 50–60, …, 95–100, and 100 % or more (defined with the running totals, which count in them too).


def _count_if(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _sum_if(cond, col):
    # NULL when no row qualifies; the column's type turns the sum back into an exact Decimal
    # (NUMERIC on PostgreSQL, the scaled integer on SQLite).
    return func.sum(case((cond, col)))


def _bins(col) -> list:
    """One condition per histogram bar [low, high): a score below 60 (a negative one too) counts
    in the first, one of 95 or more (over 100 too) in the last."""
    conds = []
    for i in range(len(HIST_EDGES) - 1):
        low, high = HIST_EDGES[i], HIST_EDGES[i + 1]
        if i == 0:
            conds.append(and_(col.is_not(None), col < high))
        elif i == len(HIST_EDGES) - 2:
            conds.append(col >= low)
        else:
            conds.append(and_(col >= low, col < high))
    return conds


def _plotted():
    return and_(FormRow.rate.is_not(None), FormRow.rescored_total.is_not(None))


def _groups(s: Session, visible) -> tuple[Group, list[Group], list[Group], list[Group]]:
    """合计, per department, per unit, per form kind: one row per (kind, department, unit) from the
    database, added up here; Decimal sums of the group sums are the sums of the forms, exactly."""
    money = and_(FormRow.budget.is_not(None), FormRow.executed.is_not(None))
    scored = and_(FormRow.self_total.is_not(None), FormRow.rescored_total.is_not(None))
    stmt = visible(select(
        FormRow.department, FormRow.unit, func.count(FormRow.id), func.min(FormRow.id),
        _sum_if(money, FormRow.budget), _sum_if(money, FormRow.executed), func.coalesce(func.sum(FormRow.error_count), 0),
        _sum_if(scored, FormRow.self_total), _sum_if(scored, FormRow.rescored_total), _count_if(scored), FormRow.kind,
    )).group_by(FormRow.kind, FormRow.department, FormRow.unit)
    # In the order of each group's first form, so that groups of equal name keep the order the
    # form-by-form aggregation gave them (Python's sort in _add_up is stable).
    return _add_up((dep, unit, kind, forms, budget, executed, errors, self_sum, rescored_sum, n_scored)
                   for dep, unit, forms, _, budget, executed, errors, self_sum, rescored_sum, n_scored, kind
                   in sorted(s.execute(stmt), key=lambda r: r[3]))


def _add_up(rows) -> tuple[Group, list[Group], list[Group], list[Group]]:
    """合计, per department, per unit, per kind from rows of (department, unit, kind, forms, budget,
    executed, errors, self_sum, rescored_sum, scored) per (kind, department, unit); budget and
    executed None when no form has both, the score sums None when none has both scores."""
    total = Group("合计")
    deps: dict[str, Group] = {}
    units: dict[tuple[str, str], Group] = {}
    kinds: dict[str, Group] = {}
    for dep, unit, kind, forms, budget, executed, errors, self_sum, rescored_sum, n_scored in rows:
        g = Group(unit or "（未填）", forms=int(forms), errors=int(errors), scored=int(n_scored))
        # Decimal(0) + x as the form-by-form sums started from Decimal(0): the same digits and sign.
        if budget is not None:
            g.budget, g.executed = Decimal(0) + budget, Decimal(0) + executed
        if self_sum is not None:
            g.self_sum, g.rescored_sum = Decimal(0) + self_sum, Decimal(0) + rescored_sum
        for into in (total, deps.setdefault(dep, Group(dep or "（未填）")),
                     units.setdefault((dep, unit), Group(unit or "（未填）")), kinds.setdefault(kind, Group(kind))):
            into.include(g)
    by_kind = [kinds[k] for k in KINDS if k in kinds]
    return (total, sorted(deps.values(), key=lambda g: g.name), sorted(units.values(), key=lambda g: g.name),
            by_kind)


def _distribution(s: Session, visible) -> tuple[dict[str, dict[str, int]], list[dict]]:
    """Grade counts and the score histogram: one row of conditional counts."""
    cols = [_count_if(FormRow.self_grade == g) for g in GRADES] + [_count_if(FormRow.rescored_grade == g) for g in GRADES]
    cols += [_count_if(c) for c in _bins(FormRow.self_total)] + [_count_if(c) for c in _bins(FormRow.rescored_total)]
    row = [int(v) for v in s.execute(visible(select(*cols))).one()]
    n, m = len(GRADES), len(HIST_EDGES) - 1
    grades = {g: {"self": row[k], "rescored": row[n + k]} for k, g in enumerate(GRADES)}
    hist = [{"low": str(HIST_EDGES[i]), "high": str(HIST_EDGES[i + 1]), "self": row[2 * n + i],
             "rescored": row[2 * n + m + i]} for i in range(m)]
    return grades, hist


def _rules(s: Session, visible, everything: bool = False) -> list[tuple[str, int, int]]:
    """(rule, findings, forms) over the visible forms' findings, most forms first.

    Counted per (form, rule) first, then per rule: the number of forms is the number of those
    rows, with no COUNT(DISTINCT) sort; the findings are looked up by form (ix_findings_form), so
    a unit's dashboard reads only its own forms' findings.
    """
    # Grouped in the order of ix_findings_rule_form (rule, form_id): an index-only scan feeds the
    # aggregate. Over every form (`everything`) no IN is needed: each finding has its form.
    per_form = select(FindingRow.rule, func.count().label("n"))
    if not everything:
        per_form = per_form.where(FindingRow.form_id.in_(visible(select(FormRow.id))))
    per_form = per_form.group_by(FindingRow.rule, FindingRow.form_id).subquery()
    stmt = select(per_form.c.rule, func.sum(per_form.c.n), func.count()).group_by(per_form.c.rule)
    return sorted(((r, int(n), int(m)) for r, n, m in s.execute(stmt)), key=lambda t: (-t[2], -t[1], t[0]))


def _bin_of(col, edges: list[Decimal], last_open: bool):
    """The bin number of a value: below edges[1] → 0 (negatives too); with `last_open`, one bin
    more for edges[-1] and above, else edges[-2] and above share the last bin."""
    top = len(edges) - 1 if last_open else len(edges) - 2
    return case(*[(col >= edges[i], i) for i in range(top, 0, -1)], else_=0)


def _cells(s: Session, visible) -> list[dict]:
    """Forms counted per (rate bin, re-score bin): one GROUP BY, at most 8 × 7 rows."""
    inner = visible(select(_bin_of(FormRow.rate, RATE_EDGES, True).label("x"),
                           _bin_of(FormRow.rescored_total, HIST_EDGES, False).label("y")).where(_plotted())).subquery()
    stmt = select(inner.c.x, inner.c.y, func.count()).group_by(inner.c.x, inner.c.y).order_by(inner.c.x, inner.c.y)
    return [{"rate": int(x), "score": int(y), "forms": int(n)} for x, y, n in s.execute(stmt)]


def dashboard(s: Session, user: User | None, flt: FormFilter | None = None) -> Dashboard:
    """The dashboard's figures, aggregated by the database: what Python holds grows with the
    number of departments, units and rules, not of forms (the rate × score chart is binned)."""
    flt = flt or FormFilter()

    def visible(stmt):
        return flt.where(scoped(stmt, user))

    total, departments, units, kinds = _groups(s, visible)
    grades, hist = _distribution(s, visible)
    rules = _rules(s, visible, everything=unrestricted(user) and flt == FormFilter())
    return Dashboard(total=total, departments=departments, units=units, grades=grades, histogram=hist,
                     rules=rules, cells=_cells(s, visible), kinds=kinds)


# -- from the running totals (`totals`) ------------------------------------------------------------
TOTALS = FormTotal.__table__.c


def _totals_visible(user: User | None, flt: FormFilter):
    def visible(stmt):
        return flt.where(scoped(stmt, user, on=TOTALS), on=TOTALS)
    return visible


def dashboard_from_totals(s: Session, user: User | None, flt: FormFilter | None = None) -> Dashboard:
    """The same figures as `dashboard`, added up from the running totals: two statements over a few
    rows per (year, kind, department, unit, status), whatever the number of forms. Only for a
    filter `by_key_only`. Units of the same name (under different departments) come in the order
    of their departments' names, not of their first forms."""
    flt = flt or FormFilter()
    assert flt.by_key_only()
    visible = _totals_visible(user, flt)
    t = TOTALS
    rows = s.execute(visible(select(
        t.department, t.unit, t.kind, func.sum(t.forms), func.sum(t.money), func.sum(t.budget), func.sum(t.executed),
        func.sum(t.errors), func.sum(t.self_sum), func.sum(t.rescored_sum), func.sum(t.scored),
    ).where(t.item == "")).group_by(t.department, t.unit, t.kind).order_by(t.department, t.unit, t.kind))
    total, departments, units, kinds = _add_up(
        (dep, unit, kind, forms, budget if money else None, executed if money else None, errors,
         self_sum if scored else None, rescored_sum if scored else None, scored)
        for dep, unit, kind, forms, money, budget, executed, errors, self_sum, rescored_sum, scored in rows)
    grades = {g: {"self": 0, "rescored": 0} for g in GRADES}
    hist = [{"low": str(HIST_EDGES[i]), "high": str(HIST_EDGES[i + 1]), "self": 0, "rescored": 0}
            for i in range(len(HIST_EDGES) - 1)]
    cells, rules = [], []
    for item, forms, findings in s.execute(visible(select(t.item, func.sum(t.forms), func.sum(t.findings))
                                                   .where(t.item != "")).group_by(t.item)):
        what, _, value = item.partition(":")
        forms = int(forms)
        if what in ("gs", "gr") and value in grades:
            grades[value]["self" if what == "gs" else "rescored"] += forms
        elif what in ("hs", "hr"):
            hist[int(value)]["self" if what == "hs" else "rescored"] += forms
        elif what == "c":
            x, y = value.split(":")
            cells.append({"rate": int(x), "score": int(y), "forms": forms})
        elif what == "r":
            rules.append((value, int(findings), forms))
    return Dashboard(total=total, departments=departments, units=units, grades=grades, histogram=hist,
                     rules=sorted(rules, key=lambda t: (-t[2], -t[1], t[0])),
                     cells=sorted(cells, key=lambda c: (c["rate"], c["score"])), kinds=kinds)


def count_from_totals(s: Session, user: User | None, flt: FormFilter | None = None) -> int | None:
    """The number of listed forms from the running totals, or None when the filter needs the forms
    themselves (errors or not, part of the project name, a grade and a rule together)."""
    flt = flt or FormFilter()
    if flt.has_errors is not None or flt.q or (flt.grade and flt.rule):
        return None
    item = f"gr:{flt.grade}" if flt.grade else f"r:{flt.rule.upper()}" if flt.rule else ""
    visible = _totals_visible(user, replace(flt, grade=None, rule=None))
    return int(s.scalar(visible(select(func.coalesce(func.sum(TOTALS.forms), 0)).where(TOTALS.item == item))))


# -- review progress ----------------------------------------------------------------------------
WAIT_DAYS = (3, 7)  # the dashboard counts forms waiting for review up to 3 days, 3–7, more than 7


@dataclass
class ProgressRow:
    department: str
    unit: str
    counts: dict[str, int]  # status → forms
    oldest_waiting: datetime | None = None  # the earliest submission still waiting for review

    def include(self, other: ProgressRow) -> None:
        for k, n in other.counts.items():
            self.counts[k] = self.counts.get(k, 0) + n
        if other.oldest_waiting is not None and (self.oldest_waiting is None or other.oldest_waiting < self.oldest_waiting):
            self.oldest_waiting = other.oldest_waiting

    @property
    def forms(self) -> int:
        return sum(self.counts.values())

    def waiting_days(self, now: datetime) -> int | None:
        return None if self.oldest_waiting is None else (now - _aware(self.oldest_waiting)).days

    def to_dict(self, now: datetime) -> dict:
        return {"department": self.department, "unit": self.unit, "counts": self.counts,
                "oldest_waiting": _aware(self.oldest_waiting).isoformat() if self.oldest_waiting else None,
                "waiting_days": self.waiting_days(now)}


@dataclass
class Progress:
    """Where the review round stands: forms by status per department and unit, and how long the
    submitted ones have waited."""

    now: datetime
    total: ProgressRow
    departments: list[ProgressRow] = field(default_factory=list)
    units: list[ProgressRow] = field(default_factory=list)
    waiting: list[tuple[str, int]] = field(default_factory=list)  # (label, forms) by time waited

    def to_dict(self) -> dict:
        return {"total": self.total.to_dict(self.now), "departments": [r.to_dict(self.now) for r in self.departments],
                "units": [r.to_dict(self.now) for r in self.units],
                "waiting": [{"label": k, "forms": n} for k, n in self.waiting]}


def _aware(t: datetime) -> datetime:
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t  # SQLite hands back naive UTC


def progress(s: Session, user: User | None, flt: FormFilter | None = None, now: datetime | None = None,
             from_totals: bool = False) -> Progress:
    """Two statements: the forms per status and (department, unit), from the forms or, with
    `from_totals` (a filter `by_key_only`), from the running totals; and the forms waiting for
    review per (department, unit), the earliest and how many by time waited (an index range of
    the submitted forms). A submitted form is unchanged until it is reviewed, so its `updated_at`
    is the time it was submitted."""
    flt = flt or FormFilter()
    now = now or datetime.now(timezone.utc)
    if from_totals:
        t, visible = TOTALS, _totals_visible(user, flt)
        counts = visible(select(t.department, t.unit, t.status, func.sum(t.forms)).where(t.item == ""))
        counts = counts.group_by(t.department, t.unit, t.status)
    else:
        counts = flt.where(scoped(select(FormRow.department, FormRow.unit, FormRow.status, func.count()), user))
        counts = counts.group_by(FormRow.department, FormRow.unit, FormRow.status)
    short, long = (now - timedelta(days=d) for d in WAIT_DAYS)
    at = FormRow.updated_at
    waiting = flt.where(scoped(select(
        FormRow.department, FormRow.unit, func.min(at, type_=DateTime(timezone=True)),
        _count_if(at > short), _count_if(and_(at <= short, at > long)), _count_if(at <= long),
    ).where(FormRow.status == SUBMITTED), user)).group_by(FormRow.department, FormRow.unit)
    by_unit: dict[tuple[str, str], ProgressRow] = {}

    def row_of(dep: str, unit: str) -> ProgressRow:
        key = (dep or "（未填）", unit or "（未填）")
        if key not in by_unit:
            by_unit[key] = ProgressRow(key[0], key[1], {st: 0 for st in STATUSES})
        return by_unit[key]

    for dep, unit, status, n in s.execute(counts):
        if status in STATUSES:
            row_of(dep, unit).counts[status] += int(n)
    buckets = [0, 0, 0]
    for dep, unit, oldest, *ns in s.execute(waiting):
        r = row_of(dep, unit)
        r.oldest_waiting = oldest if r.oldest_waiting is None or oldest < r.oldest_waiting else r.oldest_waiting
        buckets = [a + int(b) for a, b in zip(buckets, ns)]
    total = ProgressRow("合计", "", {st: 0 for st in STATUSES})
    deps: dict[str, ProgressRow] = {}
    units = sorted(by_unit.values(), key=lambda r: (r.department, r.unit))
    for r in units:
        for into in (total, deps.setdefault(r.department, ProgressRow(r.department, "", {st: 0 for st in STATUSES}))):
            into.include(r)
    a, b = WAIT_DAYS
    labels = (f"{a}天以内", f"{a}–{b}天", f"{b}天以上")
    return Progress(now=now, total=total, departments=sorted(deps.values(), key=lambda r: r.department),
                    units=units, waiting=list(zip(labels, buckets)))
