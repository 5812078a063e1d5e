"""Writing worker results into the store, many files per transaction.

This is the bulk path next to `Store.import_forms`: the same tables and the same row values
(the worker computed them with the store's `apply_report`), written with SQLAlchemy Core in one
transaction per chunk of files instead of one ORM session per file. When a chunk fails (a
constraint, a value the database refuses) it is written again file by file, so only the file at
fault is left out, with the database's reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import json

from sqlalchemy import JSON, Column, Connection, MetaData, Table, delete, insert, select, update
from sqlalchemy.types import TypeDecorator
from sqlalchemy.exc import SQLAlchemyError

from ..store import Store, totals
from ..store.schema import DRAFT, AuditEntry, FindingRow, FormRow, SourceFile, utcnow

FILES, FORMS, FINDINGS, AUDIT = SourceFile.__table__, FormRow.__table__, FindingRow.__table__, AuditEntry.__table__


class EncodedJSON(TypeDecorator):
    """A JSON column whose values arrive already encoded (`json.dumps`, exactly what the JSON type
    would store): passed to the driver as they are, with the database's own JSON cast."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


def _json_as_text(table: Table) -> Table:
    """The same table for the bulk path: workers encode the JSON, in parallel, so that the one
    process that writes does not spend its time encoding."""
    cols = [Column(c.name, EncodedJSON() if isinstance(c.type, JSON) else c.type, primary_key=c.primary_key)
            for c in table.columns]
    return Table(table.name, MetaData(), *cols)


FILES_TEXT, FORMS_TEXT, FINDINGS_TEXT = _json_as_text(FILES), _json_as_text(FORMS), _json_as_text(FINDINGS)
IN_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


@dataclass(slots=True)
class Written:
    result: dict  # the worker's result for one file
    form_ids: list[int]
    source_file_id: int | None = None
    failed: str | None = None  # the database refused the file; why (Chinese)


def _db_reason(e: Exception) -> str:
    orig = getattr(e, "orig", None)
    detail = f"{type(orig).__name__}: {str(orig).strip()}" if orig is not None else f"{type(e).__name__}: {e}"
    return f"数据库写入出错，此文件未保存（{detail[:200]}）"


class StoreWriter:
    def __init__(self, store: Store):
        self.store = store
        self.engine = store.engine

    # -- reading what is there -------------------------------------------------------------
    def known(self, shas: Iterable[str]) -> dict[str, int]:
        """sha256 → source file id, for the given hashes already in the store."""
        shas = list(dict.fromkeys(shas))
        out: dict[str, int] = {}
        with self.engine.connect() as c:
            for k in range(0, len(shas), IN_CHUNK):
                out.update(c.execute(select(FILES.c.sha256, FILES.c.id).where(FILES.c.sha256.in_(shas[k:k + IN_CHUNK]))).all())
        return out

    def stored_forms(self, file_ids: list[int]) -> dict[int, list[tuple[int, dict]]]:
        """source file id → [(form id, form JSON)] in file order: the forms of files skipped as stored."""
        out: dict[int, list[tuple[int, dict]]] = {}
        with self.engine.connect() as c:
            for k in range(0, len(file_ids), IN_CHUNK):
                rows = c.execute(select(FORMS.c.source_file_id, FORMS.c.id, FORMS.c.data)
                                 .where(FORMS.c.source_file_id.in_(file_ids[k:k + IN_CHUNK]))
                                 .order_by(FORMS.c.source_file_id, FORMS.c.position, FORMS.c.id))
                for fid, form_id, data in rows:
                    out.setdefault(fid, []).append((form_id, data))
        return out

    def read_errors(self, file_ids: list[int]) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {}
        with self.engine.connect() as c:
            for k in range(0, len(file_ids), IN_CHUNK):
                for fid, errors in c.execute(select(FILES.c.id, FILES.c.read_errors)
                                             .where(FILES.c.id.in_(file_ids[k:k + IN_CHUNK]))):
                    if errors:
                        out[fid] = errors
        return out

    # -- writing ---------------------------------------------------------------------------
    def write(self, results: list[dict]) -> list[Written]:
        """Store every result that has forms; one transaction for all, or file by file on failure."""
        todo = [r for r in results if r["forms"]]
        if not todo:
            return []
        try:
            with self.engine.begin() as c:
                return self._write_many(c, todo)
        except SQLAlchemyError:
            pass
        out = []
        for r in todo:
            try:
                with self.engine.begin() as c:
                    out.extend(self._write_many(c, [r]))
            except SQLAlchemyError as e:
                out.append(Written(r, [], failed=_db_reason(e)))
        return out

    def _write_many(self, c: Connection, results: list[dict]) -> list[Written]:
        """Four statements for any number of files: their files, forms, findings, audit entries."""
        if c.dialect.name == "sqlite":
            # WAL + NORMAL: a crash loses at most the last chunks, which a re-run stores again;
            # the database itself stays consistent. Saves an fsync per chunk.
            c.exec_driver_sql("PRAGMA synchronous=NORMAL")
        file_ids = list(c.execute(insert(FILES_TEXT).returning(FILES_TEXT.c.id, sort_by_parameter_order=True), [
            {"sha256": r["sha256"], "filename": r["rel"][:500], "size": r["size"], "content": r["content"],
             "read_errors": json.dumps([{k: v for k, v in e.items() if k != "finding"} for e in r["errors"]]),
             "imported_at": utcnow(), "imported_by": None}
            for r in results
        ]).scalars())
        now = utcnow()
        rows = [{**f["row"], "source_file_id": fid, "status": DRAFT, "version": 1, "created_at": now,
                 "updated_at": now, "created_by": None, "updated_by": None}
                for fid, r in zip(file_ids, results) for f in r["forms"]]
        form_ids = list(c.execute(insert(FORMS_TEXT).returning(FORMS_TEXT.c.id, sort_by_parameter_order=True),
                                  rows).scalars())
        out, findings, audit, k = [], [], [], 0
        for fid, r in zip(file_ids, results):
            ids = form_ids[k:k + len(r["forms"])]
            k += len(ids)
            for pos, (form_id, f) in enumerate(zip(ids, r["forms"])):
                findings.extend({**fd, "form_id": form_id, "review_decision": None, "review_comment": None,
                                 "reviewed_by": None, "reviewed_at": None} for fd in f["findings"])
                audit.append({"form_id": form_id, "at": now, "user_id": None, "username": "系统", "action": "导入",
                              "field": None, "old": None, "new": None,
                              "comment": f"批量导入：从文件“{r['rel']}”导入（第{pos + 1}张表）"})
            out.append(Written(r, ids, fid))
        if findings:
            c.execute(insert(FINDINGS_TEXT), findings)
        c.execute(insert(AUDIT), audit)
        totals.added(c, form_ids)
        return out

    # -- the D002 pass ---------------------------------------------------------------------
    def forms_data(self, form_ids: list[int]) -> dict[int, tuple[dict, dict]]:
        """form id → (form JSON, report JSON)."""
        out = {}
        with self.engine.connect() as c:
            for k in range(0, len(form_ids), IN_CHUNK):
                for fid, data, report in c.execute(select(FORMS.c.id, FORMS.c.data, FORMS.c.report)
                                                   .where(FORMS.c.id.in_(form_ids[k:k + IN_CHUNK]))):
                    out[fid] = (data, report)
        return out

    def forms_with_rule(self, rule: str) -> list[int]:
        with self.engine.connect() as c:
            return list(c.execute(select(FINDINGS.c.form_id).where(FINDINGS.c.rule == rule).distinct()).scalars())

    def replace_rule(self, c: Connection, form_id: int, rule: str, new: list[dict], report: dict) -> None:
        """Put `new` in place of the form's findings of `rule`, in its rows and in its report JSON."""
        with totals.changing(c, [form_id]):
            self._replace_rule(c, form_id, rule, new, report)

    @staticmethod
    def _replace_rule(c: Connection, form_id: int, rule: str, new: list[dict], report: dict) -> None:
        c.execute(delete(FINDINGS).where(FINDINGS.c.form_id == form_id, FINDINGS.c.rule == rule))
        top = c.execute(select(FINDINGS.c.position).where(FINDINGS.c.form_id == form_id)
                        .order_by(FINDINGS.c.position.desc()).limit(1)).scalar()
        start = 0 if top is None else top + 1
        if new:
            c.execute(insert(FINDINGS), [
                {**fd, "form_id": form_id, "position": start + k, "review_decision": None, "review_comment": None,
                 "reviewed_by": None, "reviewed_at": None} for k, fd in enumerate(new)
            ])
        counts = {s: sum(1 for f in report["findings"] if f["severity"] == s) for s in ("error", "warning", "info")}
        c.execute(update(FORMS).where(FORMS.c.id == form_id).values(
            report=report, error_count=counts["error"], warning_count=counts["warning"], info_count=counts["info"],
            version=FORMS.c.version + 1, updated_at=utcnow()))
