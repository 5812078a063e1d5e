"""`Store`: the one service object other code uses (the web application, `jixiao batch`, scripts).

    store = open_store("sqlite:///jixiao.db")          # or postgresql+psycopg://…; None = default
    result = store.import_file("examples/shanghai-2021.txt")
    print(result.summary())

Each method opens its own short transaction. Objects handed back are detached snapshots: read
them freely, change the store only through these methods.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker, undefer

from ..errors import JixiaoError, ReadError, RuleSetError
from ..model import Form, Loc
from ..rules import RuleSet, load_ruleset
from . import access, editing, evidence, organisation, queries, security, todo, totals
from .figures import Figures, scope_key
from .assess import ruleset_from_text
from .db import default_url, make_engine, normalise_url, upgrade
from .errors import Invalid, NeedsConfirmation, NotFound
from .security import LoginFailed
from .imports import ImportResult, has_skipped, import_in_transaction, read_bytes, safe_filename, sha256_of
from .schema import (Attachment, AuditEntry, AuthEvent, Department, FindingRow, FormRow, RuleSetRow, SessionRow,
                     Setting, SourceFile, Unit, User)
from .users import (UserError, add_user, authenticate, check_password, hash_password, password_matches,
                    update_user, verify_password)


@dataclass
class FormPage:
    row: FormRow
    audit: list[AuditEntry]
    review: dict | None
    attachments: list[Attachment]


class Store:
    def __init__(self, url: str | None = None, *, migrate: bool = True):
        self.url = normalise_url(url or default_url())
        self.engine = make_engine(self.url)
        if migrate:
            upgrade(self.engine)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.figures = Figures()  # the dashboard's and the list's sums, kept briefly (figures.py)
        self.figures.watch(self.Session)
        totals.watch(self.Session)  # the running totals follow every write (totals.py)
        self._ruleset: tuple[int | None, RuleSet] | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- rule set ------------------------------------------------------------------------------
    def ruleset(self) -> RuleSet:
        """The active rule set: the one an administrator activated, else the bundled cn-2020."""
        with self.Session() as s:
            row = s.scalar(select(RuleSetRow).where(RuleSetRow.active.is_(True)))
            key = row.id if row else None
            with self._lock:
                if self._ruleset is None or self._ruleset[0] != key:
                    self._ruleset = (key, ruleset_from_text(row.content) if row else load_ruleset(None))
                return self._ruleset[1]

    def rulesets(self) -> list[RuleSetRow]:
        with self.Session() as s:
            return list(s.scalars(select(RuleSetRow).order_by(RuleSetRow.id)))

    def add_ruleset(self, name: str, content: str, user: User | None = None, activate: bool = False) -> RuleSetRow:
        name = (name or "").strip()
        if not name:
            raise Invalid("请填写规则集名称")
        try:
            ruleset_from_text(content)  # refuse a broken file now, not at the next save
        except RuleSetError as e:
            raise Invalid(f"规则集文件有误：{e.message}" + (f"（第{e.loc.line}行）" if e.loc and e.loc.line else "")) from e
        except (UnicodeError, ValueError) as e:
            raise Invalid(f"规则集文件无法读取：{e}") from e
        with self.Session.begin() as s:
            if s.scalar(select(RuleSetRow.id).where(RuleSetRow.name == name)) is not None:
                raise Invalid(f"已有名为“{name}”的规则集")
            row = RuleSetRow(name=name, content=content, active=False, uploaded_by=user.id if user else None)
            s.add(row)
            s.flush()
            if activate:
                self._activate(s, row.id)
            return row

    def activate_ruleset(self, ruleset_id: int | None) -> None:
        """Make a stored rule set the active one (None: back to the bundled default)."""
        with self.Session.begin() as s:
            self._activate(s, ruleset_id)

    def _activate(self, s: Session, ruleset_id: int | None) -> None:
        if ruleset_id is not None and s.get(RuleSetRow, ruleset_id) is None:
            raise NotFound(f"没有编号为 {ruleset_id} 的规则集")
        s.execute(update(RuleSetRow).values(active=False))
        if ruleset_id is not None:
            s.execute(update(RuleSetRow).where(RuleSetRow.id == ruleset_id).values(active=True))

    # -- imports -------------------------------------------------------------------------------
    def has_file(self, sha256: str) -> bool:
        with self.Session() as s:
            return s.scalar(select(SourceFile.id).where(SourceFile.sha256 == sha256)) is not None

    def import_file(self, source: str | Path | bytes, filename: str | None = None,
                    user: User | str | None = None) -> ImportResult:
        """Read a file (a path, or its bytes with its name) and store its forms, all or nothing."""
        if isinstance(source, (str, Path)):
            path = Path(source)
            filename = filename or path.name
            try:
                data = path.read_bytes()
            except OSError as e:
                error = JixiaoError(f"无法读取文件：{e.strerror or e}", Loc(file=filename))
                return ImportResult(filename=filename, errors=[error.to_dict()])
        else:
            data = bytes(source)
        filename = safe_filename(filename)
        sha = sha256_of(data)
        with self.Session() as s:
            known, incomplete = self.has_file(sha), has_skipped(s, sha)
        if known and not incomplete:  # skip reading a file we already have whole
            return self.import_forms([], data=data, filename=filename, user=user)
        forms, errors = read_bytes(data, filename)
        return self.import_forms(forms, data=data, filename=filename, read_errors=errors, user=user)

    def import_forms(self, forms: list[Form], *, data: bytes, filename: str,
                     read_errors: list[ReadError] = (), user: User | str | None = None) -> ImportResult:
        """Store forms already read (e.g. by a batch worker) with the bytes of their file."""
        user_id = self._user_id(user)
        return import_in_transaction(self.Session, list(forms), data=data, filename=filename,
                                     read_errors=list(read_errors), user_id=user_id, ruleset=self.ruleset())

    def source_file(self, file_id: int) -> SourceFile | None:
        with self.Session() as s:
            return s.get(SourceFile, file_id, options=[undefer(SourceFile.content)])

    # -- forms ---------------------------------------------------------------------------------
    def get_form(self, form_id: int, user: User | None = None) -> FormRow:
        """The form with its findings; NotFound when it does not exist or the user may not see it."""
        with self.Session() as s:
            return self._visible_form(s, form_id, user)

    @staticmethod
    def _visible_form(s: Session, form_id: int, user: User | None) -> FormRow:
        """The form with its findings and file loaded while the session is open; NotFound as
        `editing.visible` says."""
        row = editing.visible(s, form_id, user)
        _ = row.findings, row.source_file
        if row.source_file is not None:
            _ = row.source_file.filename
        return row

    def form_page(self, form_id: int, user: User | None = None) -> FormPage:
        """What a form's page shows, read in one short session: the form with its findings and
        file, its audit trail, its latest review and its evidence."""
        with self.Session() as s:
            row = self._visible_form(s, form_id, user)
            return FormPage(row=row, audit=self._audit(s, form_id), review=editing.last_review(s, form_id),
                            attachments=evidence.attachments_of(s, form_id))

    def list_forms(self, user: User | None = None, flt: queries.FormFilter | None = None, sort: str = "id",
                   descending: bool = False, limit: int | None = None, offset: int = 0,
                   summary: bool = False) -> list[FormRow]:
        with self.Session() as s:
            return queries.list_forms(s, user, flt, sort, descending, limit, offset, summary)

    def _figure(self, what: str, user: User | None, flt: queries.FormFilter | None, compute):
        return self.figures.get((what, scope_key(user), repr(flt or queries.FormFilter())), compute)

    def count_forms(self, user: User | None = None, flt: queries.FormFilter | None = None) -> int:
        def compute():
            with self.Session() as s:
                n = queries.count_from_totals(s, user, flt)
                return queries.count(s, user, flt) if n is None else n
        return self._figure("count", user, flt, compute)

    def list_forms_full(self, user: User | None = None, flt: queries.FormFilter | None = None, sort: str = "id",
                        descending: bool = False) -> list[FormRow]:
        """Like list_forms, with each form's findings loaded (for exports)."""
        return list(self.iter_forms_full(user, flt, sort, descending))

    def iter_forms_full(self, user: User | None = None, flt: queries.FormFilter | None = None, sort: str = "id",
                        descending: bool = False, chunk: int = 1000):
        """The listed forms with their findings, read `chunk` at a time, each chunk in a short
        session of its own: an export of 100,000 forms holds neither them all nor a connection."""
        offset = 0
        while True:
            with self.Session() as s:
                rows = queries.list_forms(s, user, flt, sort, descending, limit=chunk, offset=offset)
                if rows:
                    list(s.scalars(select(FormRow).where(FormRow.id.in_([r.id for r in rows]))
                                   .options(selectinload(FormRow.findings))))
            yield from rows
            if len(rows) < chunk:
                return
            offset += chunk

    def filter_choices(self, user: User | None = None) -> dict[str, list]:
        def compute():
            with self.Session() as s:
                return queries.choices(s, user)
        return self._figure("choices", user, None, compute)

    def dashboard(self, user: User | None = None, flt: queries.FormFilter | None = None) -> queries.Dashboard:
        """The figures, summed by the database in a few statements (see `queries.dashboard`), and
        kept a few seconds (`figures.py`)."""
        def compute():
            with self.Session() as s:
                if self.engine.dialect.name == "postgresql":
                    # One snapshot for all the statements, so the figures agree with each other while a
                    # batch imports; a transaction that only reads never fails for it.
                    s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                if (flt or queries.FormFilter()).by_key_only():
                    return queries.dashboard_from_totals(s, user, flt)
                return queries.dashboard(s, user, flt)
        return self._figure("dashboard", user, flt, compute)

    def create_form(self, form: Form, user: User) -> FormRow:
        with self.Session.begin() as s:
            return editing.create_form(s, form, self._attach(s, user), self.ruleset())

    def save_form(self, form_id: int, form: Form, *, version: int | None, user: User) -> FormRow:
        rs = self.ruleset()
        with self.Session.begin() as s:
            row = editing.save_form(s, form_id, form, version, self._attach(s, user), rs)
        return self.get_form(row.id, user)

    def change_status(self, form_id: int, action: str, *, version: int | None, user: User,
                      comment: str | None = None, confirm: bool = False) -> FormRow:
        """submit / approve / return. Submitting or approving a form with open errors raises
        NeedsConfirmation (with the errors) unless `confirm`; a confirmed one says so in the log."""
        with self.Session.begin() as s:
            row = editing.change_status(s, form_id, action, version, self._attach(s, user), comment, confirm)
        return self.get_form(row.id, user)

    def batch(self, action: str, ids: list[int], *, user: User, comment: str | None = None,
              confirm: bool = False) -> list[dict]:
        """Approve or return several forms, each in its own transaction: a result per id. Approving
        forms with open errors without `confirm` changes nothing and raises NeedsConfirmation
        listing them."""
        if action not in ("approve", "return"):
            raise Invalid("批量操作只能是审核通过或退回")
        ids = list(dict.fromkeys(int(i) for i in ids))
        if not ids:
            raise Invalid("请先勾选要处理的自评表")
        if action == "return" and not (comment or "").strip():
            raise Invalid("退回时必须填写退回意见，说明需要更正什么")
        if action == "approve" and not confirm:
            pending = []
            with self.Session() as s:
                me = self._attach(s, user)
                for i in ids:
                    row = s.get(FormRow, i)
                    if row is not None and access.can_review(me, row) and editing.open_errors(row):
                        pending.append({"id": i, "project": row.project,
                                        "errors": [editing.open_error_json(f) for f in editing.open_errors(row)]})
            if pending:
                raise NeedsConfirmation(
                    f"选中的表中有 {len(pending)} 张还有未更正的错误："
                    + "、".join(f"{p['project'] or p['id']}（{len(p['errors'])} 处）" for p in pending)
                    + "。如确需审核通过，请确认后再操作。", pending)
        results = []
        for i in ids:
            try:
                row = self.change_status(i, action, version=None, user=user, comment=comment, confirm=confirm)
                results.append({"id": i, "ok": True, "status": row.status, "project": row.project, "detail": None})
            except JixiaoError as e:
                results.append({"id": i, "ok": False, "status": None, "project": None, "detail": e.message})
        return results

    def review_findings(self, form_id: int, decisions: list[tuple[int, str | None, str | None]], *,
                        user: User) -> FormRow:
        """Every decision a reviewer set on the form's findings, saved at once."""
        with self.Session.begin() as s:
            editing.review_findings(s, form_id, self._attach(s, user), decisions)
        return self.get_form(form_id, user)

    def review_finding(self, form_id: int, finding_id: int, *, user: User, decision: str,
                       comment: str | None = None) -> FindingRow:
        with self.Session.begin() as s:
            return editing.review_finding(s, form_id, finding_id, self._attach(s, user), decision, comment)

    def last_review(self, form_id: int, user: User | None = None) -> dict | None:
        """The latest approval or return of the form: status, comment, reviewer, time."""
        with self.Session() as s:
            editing.visible(s, form_id, user, light=True)
            return editing.last_review(s, form_id)

    def todo(self, user: User) -> list[dict]:
        with self.Session() as s:
            return todo.todo(s, user)

    def todo_count(self, user: User) -> int:
        """The navigation bar's number, on every page: kept like the figures (`figures.py`), and
        dropped here too when a failed log-in or an unlock may change the accounts to look at."""
        def compute():
            with self.Session() as s:
                return todo.count(s, user)
        return self._figure("todo", user, None, compute)

    def progress(self, user: User | None = None, flt: queries.FormFilter | None = None) -> queries.Progress:
        def compute():
            with self.Session() as s:
                return queries.progress(s, user, flt, from_totals=(flt or queries.FormFilter()).by_key_only())
        return self._figure("progress", user, flt, compute)

    # -- evidence (佐证材料) ------------------------------------------------------------------------
    def attach(self, form_id: int, filename: str, data: bytes, *, user: User, indicator: int | None = None) -> Attachment:
        with self.Session.begin() as s:
            return evidence.attach(s, form_id, self._attach(s, user), filename, data, indicator)

    def attachments(self, form_id: int, user: User | None = None) -> list[Attachment]:
        with self.Session() as s:
            return evidence.listed(s, form_id, user)

    def attachment(self, attachment_id: int, user: User | None = None) -> tuple[Attachment, bytes]:
        with self.Session() as s:
            return evidence.fetch(s, attachment_id, user)

    def delete_attachment(self, attachment_id: int, *, user: User) -> Attachment:
        with self.Session.begin() as s:
            return evidence.delete(s, attachment_id, self._attach(s, user))

    # -- departments and units -----------------------------------------------------------------
    def departments(self) -> list[Department]:
        with self.Session() as s:
            return organisation.departments(s)

    def units(self) -> list[Unit]:
        with self.Session() as s:
            found = organisation.units(s)
            for u in found:
                _ = u.department.name
            return found

    def add_department(self, name: str) -> Department:
        with self.Session.begin() as s:
            return organisation.add_department(s, name)

    def update_department(self, dep_id: int, *, name: str | None = None, active: bool | None = None) -> Department:
        with self.Session.begin() as s:
            return organisation.update_department(s, dep_id, name, active)

    def add_unit(self, name: str, department: int | str) -> Unit:
        with self.Session.begin() as s:
            u = organisation.add_unit(s, name, department)
            _ = u.department.name
            return u

    def update_unit(self, unit_id: int, *, name: str | None = None, department: int | None = None,
                    active: bool | None = None) -> Unit:
        with self.Session.begin() as s:
            u = organisation.update_unit(s, unit_id, name, department, active)
            _ = u.department.name
            return u

    def audit(self, form_id: int, user: User | None = None) -> list[AuditEntry]:
        with self.Session() as s:
            editing.visible(s, form_id, user, light=True)
            return self._audit(s, form_id)

    @staticmethod
    def _audit(s: Session, form_id: int) -> list[AuditEntry]:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.form_id == form_id)
                              .order_by(AuditEntry.at, AuditEntry.id)))

    # -- users ---------------------------------------------------------------------------------
    def add_user(self, username: str, password: str, role: str, unit: str | None = None,
                 departments: list[str] | tuple[str, ...] = ()) -> User:
        with self.Session.begin() as s:
            return add_user(s, username, password, role, unit, departments)

    def authenticate(self, username: str, password: str) -> User | None:
        with self.Session() as s:
            return authenticate(s, username, password)

    def user(self, user_id: int) -> User | None:
        with self.Session() as s:
            return s.get(User, user_id)

    def user_by_name(self, username: str) -> User | None:
        with self.Session() as s:
            return s.scalar(select(User).where(User.username == username))

    def users(self) -> list[User]:
        with self.Session() as s:
            return list(s.scalars(select(User).order_by(User.id)))

    def update_user(self, user_id: int, *, active: bool | None = None, password: str | None = None,
                    unit: str | None = None, departments: list[str] | None = None, role: str | None = None,
                    by: User | None = None) -> User:
        """Change a user's role, unit, departments, state or password (an administrator's edit); any
        such change ends the user's sessions at once (`users.end_sessions`)."""
        with self.Session.begin() as s:
            u = s.get(User, user_id)
            if u is None:
                raise NotFound(f"没有编号为 {user_id} 的用户")
            return update_user(s, u, role=role, unit=unit, departments=departments, active=active, password=password,
                               by=by.username if by else None)

    # -- log-in, sessions, passwords -----------------------------------------------------------
    def login(self, username: str, password: str, address: str = "") -> User:
        """Check a log-in: throttled per account and address (`security`), logged either way.
        Raises TooManyAttempts before checking the password, or LoginFailed."""
        username = (username or "").strip()[:100]
        refused = None
        with self.Session.begin() as s:
            try:
                security.check_allowed(s, username, address)
            except security.TooManyAttempts as e:
                refused = e  # raised after the refusal's log entry is committed
        if refused is not None:
            raise refused
        with self.Session() as s:
            user = s.scalar(select(User).where(User.username == username))
        ok = password_matches(user, password)  # the slow hash, with no connection held
        with self.Session.begin() as s:  # committed before anything is raised
            if ok:
                security.log(s, security.LOGIN, username, address, user.id)
            else:
                security.record_failure(s, username, address, user)
        if not ok:
            self.figures.changed()  # the failure may have locked the account: an administrator's to-do
            raise LoginFailed("用户名或密码错误，或账号已停用")
        return user

    def log_event(self, event: str, user: User | None, address: str = "", detail: str | None = None) -> None:
        with self.Session.begin() as s:
            security.log(s, event, user.username if user else "", address, user.id if user else None, detail)

    def unlock(self, user_id: int, by: User | None = None) -> User:
        """An administrator lifts a lockout: the account's earlier failures no longer count."""
        with self.Session.begin() as s:
            u = s.get(User, user_id)
            if u is None:
                raise NotFound(f"没有编号为 {user_id} 的用户")
            security.log(s, security.UNLOCKED, u.username, user_id=u.id, by=by.username if by else None,
                         detail="管理员解锁")
        self.figures.changed()  # one to-do fewer
        return u

    def locked_accounts(self) -> dict[str, object]:
        with self.Session() as s:
            return security.locked_accounts(s)

    def security_log(self, limit: int = 100, offset: int = 0, username: str | None = None) -> tuple[list[AuthEvent], int]:
        """The newest security events first, a page of them, and how many there are."""
        with self.Session() as s:
            stmt = select(AuthEvent)
            count = select(func.count(AuthEvent.id))
            if username:
                stmt, count = stmt.where(AuthEvent.username == username), count.where(AuthEvent.username == username)
            rows = list(s.scalars(stmt.order_by(AuthEvent.at.desc(), AuthEvent.id.desc()).limit(limit).offset(offset)))
            return rows, int(s.scalar(count) or 0)

    def change_password(self, user: User, current: str, new: str, keep_session: int | None = None,
                        address: str = "") -> None:
        """A user changes their own password: the current one must be right; every other session
        of theirs ends (the one they are using stays)."""
        with self.Session.begin() as s:
            u = s.get(User, user.id)
            if u is None or not u.active:
                raise NotFound("用户不存在或已停用")
            if not verify_password(u.password_hash, current or ""):
                raise UserError("当前密码不正确")
            if new == current:
                raise UserError("新密码不能与当前密码相同")
            check_password(new or "", u.username, [u.unit or "", *(u.departments or [])])
            u.password_hash = hash_password(new)
            n = security.end_sessions(s, u.id, keep=keep_session)
            security.log(s, security.PASSWORD_CHANGED, u.username, address, u.id, f"本人修改密码；结束其他 {n} 个会话")

    def open_session(self, user: User | None, data: dict, address: str = "", agent: str = "") -> tuple[int, str]:
        with self.Session.begin() as s:
            return security.open_session(s, user.id if user else None, data, address, agent)

    def load_session(self, token: str) -> security.Loaded | None:
        with self.Session.begin() as s:
            return security.load_session(s, token)

    def save_session(self, session_id: int, data: dict) -> None:
        with self.Session.begin() as s:
            security.save_data(s, session_id, data)

    def end_session(self, session_id: int, user: User | None = None) -> bool:
        """End one session (one of `user`'s only, when given)."""
        with self.Session.begin() as s:
            return security.end_session(s, session_id, user.id if user else None)

    def end_sessions(self, user: User, keep: int | None = None) -> int:
        with self.Session.begin() as s:
            n = security.end_sessions(s, user.id, keep)
            security.log(s, security.SESSIONS_ENDED, user.username, user_id=user.id, detail=f"本人结束其他 {n} 个会话")
            return n

    def sessions_of(self, user: User) -> list[SessionRow]:
        with self.Session() as s:
            return security.sessions_of(s, user.id)

    def _user_id(self, user: User | str | None) -> int | None:
        if user is None:
            return None
        if isinstance(user, User):
            return user.id
        found = self.user_by_name(user)
        if found is None:
            raise NotFound(f"没有用户“{user}”")
        return found.id

    @staticmethod
    def _attach(s: Session, user: User) -> User:
        """The caller's user object, re-read in this transaction (it may be a detached snapshot)."""
        fresh = s.get(User, user.id)
        if fresh is None or not fresh.active:
            raise NotFound("用户不存在或已停用")
        return fresh

    # -- settings ------------------------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.Session() as s:
            row = s.get(Setting, key)
            return row.value if row else default


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and create or upgrade) the store at a database URL; None = $JIXIAO_DB or sqlite:///jixiao.db."""
    return Store(url, migrate=migrate)


__all__ = ["ImportResult", "Store", "open_store"]
