"""Running totals of the forms: the dashboard, the review progress and the list's total read them
instead of adding up every form (table `form_totals`, `schema.FormTotal`).

A form contributes to one key (year, kind, department, unit, status) a few items: its figures
(item ""), its grades, histogram bins, rate × score cell and the rules of its findings
(`contribution`). Every write keeps them equal to a fresh aggregate, in the same transaction as
the write:

- through the ORM (imports, edits, status changes, reviews, deletes): `watch` reads the old
  contributions of the forms a flush touches before it and the new ones after it, and adds the
  difference (`apply`) when the transaction commits;
- through Core statements (the batch writer): `added` after inserting forms, `changing` around an
  update;
- in bulk (the migration that creates the table, a load script that copies rows in SQL): `rebuild`.

Adding to a row is one `INSERT … ON CONFLICT DO UPDATE` (PostgreSQL and SQLite), rows in key
order so two transactions never wait for each other in a cycle; a row whose forms fall to 0 is
deleted. Sums are exact: the same Decimal columns as the forms'.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import Connection, and_, bindparam, delete, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from .schema import FindingRow, FormRow, FormTotal

T, F, FI = FormTotal.__table__, FormRow.__table__, FindingRow.__table__
KEY = ("year", "kind", "department", "unit", "status", "item")
SUMS = ("forms", "findings", "money", "budget", "executed", "errors", "scored", "self_sum", "rescored_sum")
FORM_COLUMNS = (F.c.id, F.c.year, F.c.kind, F.c.department, F.c.unit, F.c.status, F.c.budget, F.c.executed, F.c.rate,
                F.c.error_count, F.c.self_total, F.c.rescored_total, F.c.self_grade, F.c.rescored_grade)
CHUNK = 500
ZERO = Decimal(0)

HIST_EDGES = [Decimal(x) for x in (0, 60, 70, 80, 85, 90, 95, 100)]
RATE_EDGES = [Decimal(x) for x in (0, 50, 60, 70, 80, 90, 95, 100)]


def bin_of(value: Decimal, edges: list[Decimal], last_open: bool) -> int:
    """The bin of a value, as `queries._bin_of` counts it in SQL."""
    top = len(edges) - 1 if last_open else len(edges) - 2
    for i in range(top, 0, -1):
        if value >= edges[i]:
            return i
    return 0


def contribution(r, rules: dict[str, int]) -> dict[tuple, list]:
    """(key…, item) → [forms, findings, money, budget, executed, errors, scored, self_sum, rescored_sum]
    of one form row (any row with FORM_COLUMNS) and its findings counted per rule."""
    key = (r.year or 0, r.kind, r.department or "", r.unit or "", r.status)
    money = r.budget is not None and r.executed is not None
    scored = r.self_total is not None and r.rescored_total is not None
    out = {key + ("",): [1, 0, int(money), r.budget if money else ZERO, r.executed if money else ZERO,
                         r.error_count or 0, int(scored), r.self_total if scored else ZERO,
                         r.rescored_total if scored else ZERO]}

    def count(item: str, findings: int = 0) -> None:
        out[key + (item,)] = [1, findings, 0, ZERO, ZERO, 0, 0, ZERO, ZERO]

    if r.self_grade:
        count(f"gs:{r.self_grade}")
    if r.rescored_grade:
        count(f"gr:{r.rescored_grade}")
    if r.self_total is not None:
        count(f"hs:{bin_of(r.self_total, HIST_EDGES, False)}")
    if r.rescored_total is not None:
        count(f"hr:{bin_of(r.rescored_total, HIST_EDGES, False)}")
        if r.rate is not None:
            count(f"c:{bin_of(r.rate, RATE_EDGES, True)}:{bin_of(r.rescored_total, HIST_EDGES, False)}")
    for rule, n in rules.items():
        count(f"r:{rule}", n)
    return out


def _add(into: dict[tuple, list], more: dict[tuple, list], sign: int = 1) -> None:
    for k, vec in more.items():
        have = into.get(k)
        if have is None:
            into[k] = [sign * v for v in vec]
        else:
            for i, v in enumerate(vec):
                have[i] += sign * v


def read(conn: Connection, ids: Iterable[int]) -> dict[tuple, list]:
    """The summed contributions of these forms as they are now in the database."""
    ids = sorted({i for i in ids if i is not None})
    out: dict[tuple, list] = {}
    for k in range(0, len(ids), CHUNK):
        chunk = ids[k:k + CHUNK]
        rules: dict[int, dict[str, int]] = {}
        for form_id, rule, n in conn.execute(select(FI.c.form_id, FI.c.rule, func.count())
                                             .where(FI.c.form_id.in_(chunk)).group_by(FI.c.form_id, FI.c.rule)):
            rules.setdefault(form_id, {})[rule] = n
        for r in conn.execute(select(*FORM_COLUMNS).where(F.c.id.in_(chunk))):
            _add(out, contribution(r, rules.get(r.id, {})))
    return out


def _upsert(conn: Connection):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(T)
    return stmt.on_conflict_do_update(index_elements=[T.c[k] for k in KEY],
                                      set_={c: T.c[c] + stmt.excluded[c] for c in SUMS})


def apply(conn: Connection, delta: dict[tuple, list]) -> None:
    """Add `delta` to the totals; rows left with no form are deleted."""
    rows = [dict(zip(KEY + SUMS, (*k, *vec))) for k, vec in sorted(delta.items()) if any(vec)]
    if not rows:
        return
    conn.execute(_upsert(conn), rows)
    emptied = [{f"k_{c}": r[c] for c in KEY} for r in rows if r["forms"] < 0]
    if emptied:
        conn.execute(delete(T).where(and_(*[T.c[c] == bindparam(f"k_{c}") for c in KEY]), T.c.forms == 0), emptied)


def added(conn: Connection, ids: Iterable[int]) -> None:
    """Count forms just inserted (with their findings)."""
    apply(conn, read(conn, ids))


@contextmanager
def changing(conn: Connection, ids: Iterable[int]):
    """Around Core statements that change these forms or their findings."""
    ids = list(ids)
    before = read(conn, ids)
    yield
    delta = read(conn, ids)
    _add(delta, before, -1)
    apply(conn, delta)


def rebuild(conn: Connection) -> int:
    """Every total computed afresh from the forms (in chunks of ids); returns the number of rows."""
    conn.execute(delete(T))
    out: dict[tuple, list] = {}
    last = 0
    while True:
        ids = list(conn.execute(select(F.c.id).where(F.c.id > last).order_by(F.c.id).limit(5000)).scalars())
        if not ids:
            break
        rules: dict[int, dict[str, int]] = {}
        for form_id, rule, n in conn.execute(select(FI.c.form_id, FI.c.rule, func.count())
                                             .where(FI.c.form_id.between(ids[0], ids[-1]))
                                             .group_by(FI.c.form_id, FI.c.rule)):
            rules.setdefault(form_id, {})[rule] = n
        for r in conn.execute(select(*FORM_COLUMNS).where(F.c.id.between(ids[0], ids[-1]))):
            _add(out, contribution(r, rules.get(r.id, {})))
        last = ids[-1]
    apply(conn, out)
    return len(out)


# -- the ORM's writes --------------------------------------------------------------------------
def _touched(session: Session, new_too: bool) -> set[int]:
    """Ids of the forms whose rows or findings this flush writes (new forms only after the flush)."""
    ids = set()
    for o in session.dirty:
        if isinstance(o, FormRow) and session.is_modified(o):
            ids.add(o.id)
    for o in session.deleted:
        if isinstance(o, FormRow):
            ids.add(o.id)
    for o in (*session.new, *session.dirty, *session.deleted):
        if isinstance(o, FindingRow):
            ids.add(o.form_id if o.form_id is not None else (o.form.id if o.form is not None else None))
        elif new_too and isinstance(o, FormRow) and o in session.new:
            ids.add(o.id)
    ids.discard(None)
    return ids


def watch(factory: sessionmaker) -> None:
    """Keep the totals in step with every write of `factory`'s sessions. Each flush (and each
    UPDATE/DELETE statement) adds its difference to the transaction's pending delta; the delta is
    applied once, just before the commit, in key order: two transactions never wait for each
    other's rows in a cycle, however their forms are ordered."""

    def pending(session: Session) -> dict[tuple, list]:
        return session.info.setdefault("totals.delta", {})

    @event.listens_for(factory, "before_flush")
    def before_flush(session: Session, _context, _instances) -> None:
        ids = _touched(session, new_too=False)
        session.info["totals.before"] = (ids, read(session.connection(), ids) if ids else {})

    @event.listens_for(factory, "after_flush")
    def after_flush(session: Session, _context) -> None:
        ids, before = session.info.pop("totals.before", (set(), {}))
        ids = ids | _touched(session, new_too=True)
        if ids:
            delta = pending(session)
            _add(delta, read(session.connection(), ids))
            _add(delta, before, -1)

    @event.listens_for(factory, "do_orm_execute")
    def bulk(state):
        """An UPDATE or DELETE statement over forms or findings run through a session."""
        if not (state.is_update or state.is_delete):
            return None
        name = getattr(getattr(state.statement, "table", None), "name", None)
        column = {F.name: F.c.id, FI.name: FI.c.form_id}.get(name)
        if column is None:
            return None
        where = state.statement.whereclause
        conn = state.session.connection()
        ids = list(conn.execute(select(column).where(where) if where is not None else select(column)).scalars())
        before = read(conn, ids)
        result = state.invoke_statement()
        delta = pending(state.session)
        _add(delta, read(conn, ids))
        _add(delta, before, -1)
        return result

    @event.listens_for(factory, "before_commit")
    def before_commit(session: Session) -> None:
        session.flush()  # the commit's own flush comes after this event: its difference too
        delta = session.info.pop("totals.delta", None)
        if delta:
            apply(session.connection(), delta)

    @event.listens_for(factory, "after_rollback")
    def after_rollback(session: Session) -> None:
        session.info.pop("totals.delta", None)
        session.info.pop("totals.before", None)
