"""A short cache of the figures that sum over every visible form: the dashboard, the review
progress, the list's total and the filter menus. At 100,000 forms each costs the database a
fraction of a second per view, yet they change only when forms do.

An entry is kept per (what, the user's scope, the filter) and used while both hold:
- no write was committed through this process's store since it was computed (any flush or ORM
  insert/update/delete other than a session's or the security log's), and
- it is younger than `FIGURES_SECONDS` (default 10, environment `JIXIAO_FIGURES_SECONDS`; 0 turns
  the cache off): the bound on how stale a figure can be when another worker process changed a
  form. The dashboard page says so.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from .schema import AuthEvent, SessionRow, User

FIGURES_SECONDS = float(os.environ.get("JIXIAO_FIGURES_SECONDS", "10"))
MAX_ENTRIES = 2000
_QUIET = (SessionRow, AuthEvent)  # writes that change no figure: a request's session, the security log
_QUIET_TABLES = {c.__tablename__ for c in _QUIET}


def scope_key(user: User | None) -> tuple:
    """What decides which forms a user sees (access.scoped): not the user's id, so users of the
    same unit or departments share entries."""
    if user is None:
        return ("system",)
    return (user.role, user.unit, tuple(sorted(user.departments or ())))


class Figures:
    def __init__(self, seconds: float = FIGURES_SECONDS):
        self.seconds = seconds
        self.generation = 0
        self._entries: dict[tuple, tuple[int, float, Any]] = {}
        self._computing: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if self.seconds <= 0:
            return compute()
        hit = self._fresh(key)
        if hit is not None:
            return hit[0]
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:  # requests that miss the same entry together wait for one computation
            hit = self._fresh(key)
            if hit is not None:
                return hit[0]
            with self._lock:
                generation = self.generation
            started = time.monotonic()
            value = compute()
            with self._lock:
                if self.generation == generation:  # no write committed meanwhile
                    if len(self._entries) >= MAX_ENTRIES:
                        self._entries.clear()
                    self._entries[key] = (generation, started, value)
                self._computing.pop(key, None)
            return value

    def _fresh(self, key: tuple) -> tuple[Any] | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == self.generation and time.monotonic() - hit[1] < self.seconds:
                return (hit[2],)
        return None

    def changed(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def watch(self, factory: sessionmaker) -> None:
        """Forget every entry when a session of `factory` commits a write that may change a figure."""

        def mark(session: Session, *_args) -> None:
            session.info["figures.changed"] = True

        @event.listens_for(factory, "after_flush")
        def after_flush(session: Session, _context) -> None:
            if any(not isinstance(o, _QUIET) for o in (*session.new, *session.dirty, *session.deleted)):
                mark(session)

        @event.listens_for(factory, "do_orm_execute")
        def on_execute(state) -> None:
            if state.is_insert or state.is_update or state.is_delete:
                table = getattr(state.statement, "table", None)
                if getattr(table, "name", None) not in _QUIET_TABLES:
                    mark(state.session)

        @event.listens_for(factory, "after_commit")
        def after_commit(session: Session) -> None:
            if session.info.pop("figures.changed", False):
                self.changed()

        @event.listens_for(factory, "after_rollback")
        def after_rollback(session: Session) -> None:
            session.info.pop("figures.changed", None)
