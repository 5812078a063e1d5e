"""Importing files: read → score → check → store, all of one file in one transaction.

The file's bytes are kept (sha256; the same bytes are stored once), and either every form of a
file is stored with its findings and audit entry, or — when anything fails on the way — nothing
is: the result says why, and the next file of a batch goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import ReadError
from ..model import Form, Loc
from ..readers import read_forms
from ..rules import RuleSet
from . import access
from .assess import apply_report, report_many
from .schema import DRAFT, AuditEntry, FormRow, SourceFile, User


@dataclass
class ImportResult:
    """What happened to one file."""

    filename: str
    sha256: str = ""
    form_ids: list[int] = field(default_factory=list)  # forms stored (or already stored, if duplicate)
    errors: list[dict] = field(default_factory=list)  # [{message, location}] per unreadable form or file
    duplicate: bool = False  # the same bytes were imported before; nothing new was stored
    failed: str | None = None  # the import was rolled back; why

    @property
    def forms(self) -> int:
        return len(self.form_ids)

    @property
    def ok(self) -> bool:
        return self.failed is None

    def summary(self) -> str:
        """One line in Chinese for a person."""
        if self.failed:
            return f"{self.filename}：导入失败，未保存任何内容（{self.failed}）"
        if self.duplicate:
            return f"{self.filename}：此文件已导入过（{self.forms} 张表），未重复保存"
        line = f"{self.filename}：导入 {self.forms} 张自评表"
        return line + (f"，{len(self.errors)} 处错误" if self.errors else "")

    def to_dict(self) -> dict:
        return {"filename": self.filename, "sha256": self.sha256, "forms": self.forms,
                "form_ids": self.form_ids, "errors": self.errors, "duplicate": self.duplicate,
                "failed": self.failed, "summary": self.summary()}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_filename(name: str | None) -> str:
    """The last part of an uploaded name, without characters a file system could trip on."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base)[:200]
    return base or "upload"


def _relabel(obj, old: str, new: str, seen: set[int] | None = None) -> None:
    """Point every Loc read from the temporary copy back at the uploaded file's own name."""
    seen = seen if seen is not None else set()
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Loc):
        if obj.file == old or obj.file.endswith(old):
            obj.file = new
        return
    if isinstance(obj, list):
        for x in obj:
            _relabel(x, old, new, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _relabel(getattr(obj, f.name), old, new, seen)
    elif isinstance(obj, ReadError) and obj.loc is not None:
        _relabel(obj.loc, old, new, seen)


def read_bytes(data: bytes, filename: str) -> tuple[list[Form], list[ReadError]]:
    """Run `read_forms` on the bytes, in a temporary file that keeps the original ending (the
    reader chooses the format by it), and name the original file in every location."""
    name = safe_filename(filename)
    with tempfile.TemporaryDirectory(prefix="jixiao-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        forms, errors = read_forms(path)
        for f in forms:
            _relabel(f, str(path), name)
        for e in errors:
            _relabel(e, str(path), name)
    return forms, errors


def existing_forms(s: Session, sha: str, user: User | None = None) -> list[int] | None:
    """The ids of the stored forms of a file that the user may see (None: no such file)."""
    sf = s.scalar(select(SourceFile).where(SourceFile.sha256 == sha))
    if sf is None:
        return None
    stmt = access.scoped(select(FormRow.id).where(FormRow.source_file_id == sf.id), user)
    return list(s.scalars(stmt.order_by(FormRow.position)))


def has_skipped(s: Session, sha: str) -> bool:
    """Were forms of this stored file left out because the uploader could not import them?"""
    sf = s.scalar(select(SourceFile).where(SourceFile.sha256 == sha))
    return sf is not None and any(e.get("skipped") for e in sf.read_errors or [])


def _skipped(f: Form, pos: int) -> dict:
    where = f.source.to_dict() if f.source else None
    return {"message": f"“{f.label}”属于{f.department.text}/{f.unit.text}，您只能导入本人负责范围内的自评表，已跳过",
            "location": where, "text": f"{f.label}：不在您的权限范围内，已跳过", "skipped": True, "position": pos}


def store_forms(s: Session, forms: list[Form], *, data: bytes, filename: str, read_errors: list[ReadError],
                user: User | None, ruleset: RuleSet) -> ImportResult:
    """Store one file's forms inside the caller's transaction (the caller commits or rolls back).

    A file is stored once. When its first uploader could import only some of its forms (a unit
    uploading a file that also holds other units' forms), the file remembers the ones it skipped,
    and a later upload of the same bytes by someone who may import them adds those, and only those.
    """
    sha = sha256_of(data)
    result = ImportResult(filename=filename, sha256=sha, errors=[e.to_dict() for e in read_errors])
    sf = s.scalar(select(SourceFile).where(SourceFile.sha256 == sha))
    stored = set()
    if sf is not None:
        stored = set(s.scalars(select(FormRow.position).where(FormRow.source_file_id == sf.id)))
    todo: list[tuple[int, Form]] = []
    skipped: list[dict] = []
    for pos, f in enumerate(forms):
        if pos in stored:
            continue
        if access.sees(user, f.department.text, f.unit.text):
            todo.append((pos, f))
        else:
            skipped.append(_skipped(f, pos))
    if sf is not None and not todo:
        # Only the forms this user may see: a duplicate upload must not reveal the ids of forms
        # of other units or departments that the same file holds.
        result.duplicate, result.form_ids = True, existing_forms(s, sha, user)
        result.errors = [e for e in sf.read_errors if not e.get("skipped")] + skipped
        return result
    result.errors.extend(skipped)
    if not todo:
        return result  # nothing to keep: a file with no storable form is not stored
    uid = user.id if user else None
    uname = user.username if user else "系统"
    if sf is None:
        sf = SourceFile(sha256=sha, filename=filename, size=len(data), content=data,
                        read_errors=result.errors, imported_by=uid)
        s.add(sf)
    else:
        added = {pos for pos, _ in todo}
        sf.read_errors = [e for e in sf.read_errors if not (e.get("skipped") and e.get("position") in added)]
    s.flush()
    for (pos, _), report in zip(todo, report_many([f for _, f in todo], ruleset)):
        row = FormRow(source_file_id=sf.id, position=pos, status=DRAFT, created_by=uid, updated_by=uid)
        apply_report(row, report, ruleset)
        s.add(row)
        s.flush()  # each form hits the database now, so a failure on a later one is a real rollback
        s.add(AuditEntry(form_id=row.id, user_id=uid, username=uname, action="导入",
                         comment=f"从文件“{filename}”导入（第{pos + 1}张表）"))
        result.form_ids.append(row.id)
    return result


def import_in_transaction(session_factory, forms, *, data, filename, read_errors, user_id, ruleset) -> ImportResult:
    """One file, one transaction: commit all of it, or roll all of it back and say why."""
    try:
        with session_factory.begin() as s:
            user = s.get(User, user_id) if user_id is not None else None
            return store_forms(s, forms, data=data, filename=filename, read_errors=read_errors,
                               user=user, ruleset=ruleset)
    except IntegrityError:
        # Someone imported the same bytes at the same moment: theirs is kept.
        with session_factory() as s:
            user = s.get(User, user_id) if user_id is not None else None
            known = existing_forms(s, sha256_of(data), user)
        if known is not None:
            return ImportResult(filename=filename, sha256=sha256_of(data), form_ids=known, duplicate=True)
        return ImportResult(filename=filename, sha256=sha256_of(data),
                            failed="数据库拒绝了其中的数据（约束冲突），已全部撤销")
    except SQLAlchemyError as e:
        orig = getattr(e, "orig", None)
        detail = f"{type(orig).__name__}: {str(orig).strip()}" if orig is not None else type(e).__name__
        return ImportResult(filename=filename, sha256=sha256_of(data),
                            failed=f"数据库写入出错，已全部撤销（{detail[:200]}）")
    except Exception as e:  # noqa: BLE001 - one broken file must never stop a batch
        return ImportResult(filename=filename, sha256=sha256_of(data),
                            failed=f"处理时出错，已全部撤销：{type(e).__name__}: {e}")
