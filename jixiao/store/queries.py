"""Reading the store: the filtered, sorted form list and the dashboard figures.

Everything goes through `access.scoped`, so a list or a sum never includes a form the user may
not see. Sums are exact (Decimal); the weighted execution rate is Σ执行数 / Σ预算数, not an average
of rates, so a large project weighs as much as its money.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..values import round2
from .access import scoped
from .schema import FindingRow, FormRow, User

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
    grade: str | None = None  # the re-scored grade 优/良/中/差
    has_errors: bool | None = None
    rule: str | None = None  # forms with at least one finding of this rule
    status: str | None = None
    q: str | None = None  # part of the project name

    def where(self, stmt):
        if self.year is not None:
            stmt = stmt.where(FormRow.year == self.year)
        if self.department:
            stmt = stmt.where(FormRow.department == self.department)
        if self.unit:
            stmt = stmt.where(FormRow.unit == self.unit)
        if self.grade:
            stmt = stmt.where(FormRow.rescored_grade == self.grade)
        if self.has_errors is True:
            stmt = stmt.where(FormRow.error_count > 0)
        elif self.has_errors is False:
            stmt = stmt.where(FormRow.error_count == 0)
        if self.rule:
            stmt = stmt.where(FormRow.id.in_(select(FindingRow.form_id).where(FindingRow.rule == self.rule.upper())))
        if self.status:
            stmt = stmt.where(FormRow.status == self.status)
        if self.q:
            stmt = stmt.where(FormRow.project.contains(self.q, autoescape=True))
        return stmt


def list_forms(s: Session, user: User | None, flt: FormFilter | None = None, sort: str = "id",
               descending: bool = False, limit: int | None = None, offset: int = 0) -> list[FormRow]:
    stmt = (flt or FormFilter()).where(scoped(select(FormRow), user))
    col = SORTS.get(sort, FormRow.id)
    order = col.desc() if descending else col.asc()
    # NULLs last in both directions and on both databases; id breaks ties so pages are stable.
    stmt = stmt.order_by(col.is_(None), order, FormRow.id)
    if limit:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return list(s.scalars(stmt))


def count(s: Session, user: User | None, flt: FormFilter | None = None) -> int:
    return s.scalar((flt or FormFilter()).where(scoped(select(func.count(FormRow.id)), user))) or 0


def choices(s: Session, user: User | None) -> dict[str, list]:
    """The values the filter menus offer: only those present in forms the user may see."""
    def distinct_of(col):
        return [v for v in s.scalars(scoped(select(col), user).where(col.is_not(None)).distinct().order_by(col)) if v != ""]

    rules = s.scalars(
        select(FindingRow.rule).where(FindingRow.form_id.in_(scoped(select(FormRow.id), user)))
        .distinct().order_by(FindingRow.rule)
    )
    return {"year": distinct_of(FormRow.year), "department": distinct_of(FormRow.department),
            "unit": distinct_of(FormRow.unit), "rule": list(rules)}


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
    points: list[dict] = field(default_factory=list)  # [{id, project, rate, score}]

    def to_dict(self) -> dict:
        return {
            "total": self.total.to_dict(),
            "departments": [g.to_dict() for g in self.departments],
            "units": [g.to_dict() for g in self.units],
            "grades": self.grades,
            "histogram": self.histogram,
            "rules": [{"rule": r, "findings": n, "forms": m} for r, n, m in self.rules],
            "points": self.points,
        }


HIST_EDGES = [Decimal(x) for x in (0, 60, 70, 80, 85, 90, 95, 100)]


def _bin(score: Decimal) -> int:
    for i in range(len(HIST_EDGES) - 2, -1, -1):
        if score >= HIST_EDGES[i]:
            return i
    return 0


def dashboard(s: Session, user: User | None, flt: FormFilter | None = None) -> Dashboard:
    rows = s.execute(
        (flt or FormFilter()).where(scoped(select(
            FormRow.id, FormRow.project, FormRow.department, FormRow.unit, FormRow.budget, FormRow.executed,
            FormRow.rate, FormRow.self_total, FormRow.rescored_total, FormRow.self_grade, FormRow.rescored_grade,
            FormRow.error_count), user)).order_by(FormRow.id)
    ).all()
    total = Group("合计")
    deps: dict[str, Group] = {}
    units: dict[tuple[str, str], Group] = {}
    grades = {g: {"self": 0, "rescored": 0} for g in GRADES}
    hist = [{"low": str(HIST_EDGES[i]), "high": str(HIST_EDGES[i + 1]), "self": 0, "rescored": 0}
            for i in range(len(HIST_EDGES) - 1)]
    points = []
    for r in rows:
        for g in (total, deps.setdefault(r.department, Group(r.department or "（未填）")),
                  units.setdefault((r.department, r.unit), Group(r.unit or "（未填）"))):
            g.add(r)
            g.errors += r.error_count
        if r.self_grade in grades:
            grades[r.self_grade]["self"] += 1
        if r.rescored_grade in grades:
            grades[r.rescored_grade]["rescored"] += 1
        if r.self_total is not None:
            hist[_bin(r.self_total)]["self"] += 1
        if r.rescored_total is not None:
            hist[_bin(r.rescored_total)]["rescored"] += 1
        if r.rate is not None and r.rescored_total is not None:
            points.append({"id": r.id, "project": r.project, "rate": str(r.rate),
                           "score": str(r.rescored_total), "self": None if r.self_total is None else str(r.self_total)})
    ids = [r.id for r in rows]
    rule_counts: list[tuple[str, int, int]] = []
    if ids:
        counted = Counter()
        forms_per_rule: dict[str, set[int]] = {}
        # Chunked IN lists: SQLite allows ~32k bound parameters, PostgreSQL 65k.
        for k in range(0, len(ids), 5000):
            for rule, form_id in s.execute(select(FindingRow.rule, FindingRow.form_id)
                                           .where(and_(FindingRow.form_id.in_(ids[k:k + 5000])))):
                counted[rule] += 1
                forms_per_rule.setdefault(rule, set()).add(form_id)
        rule_counts = sorted(((r, n, len(forms_per_rule[r])) for r, n in counted.items()),
                             key=lambda t: (-t[2], -t[1], t[0]))
    return Dashboard(total=total, departments=sorted(deps.values(), key=lambda g: g.name),
                     units=sorted(units.values(), key=lambda g: g.name), grades=grades, histogram=hist,
                     rules=rule_counts, points=points)
