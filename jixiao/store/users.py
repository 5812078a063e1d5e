"""Users and their passwords (argon2id, the OWASP-recommended password hash)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Invalid
from .schema import ROLE_ADMIN, ROLE_REVIEWER, ROLE_UNIT, ROLES, User

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so that a wrong name costs as long as a
# wrong password and response times do not tell which user names exist.
_DUMMY = _hasher.hash("jixiao-dummy-password")

MIN_PASSWORD = 8


class UserError(Invalid):
    """A user cannot be created or changed (the message says why)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def validate(username: str, password: str | None, role: str, unit: str | None, departments: list[str]) -> None:
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise UserError("用户名不能为空、不能含空格，且不超过100个字符")
    if role not in ROLES:
        raise UserError(f"角色“{role}”无效，只能是：{'、'.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少需要{MIN_PASSWORD}个字符")
    if role == ROLE_UNIT and not unit:
        raise UserError("填报用户必须指定所属实施单位")
    if role == ROLE_REVIEWER and not departments:
        raise UserError("审核用户必须指定至少一个主管部门")


def end_sessions(user: User) -> None:
    """End every session of this user (they log in again and get what they may do now).

    Sessions are signed cookies that remember the user's `session_version`; a request whose
    number differs is treated as logged out (`web.auth.session_user`). With sessions kept on the
    server, this is the one place to delete the user's session rows instead."""
    user.session_version = (user.session_version or 0) + 1


def _placed(s: Session, role: str, unit: str | None, deps: list[str]) -> tuple[str | None, list[str]]:
    from .organisation import place  # organisation imports end_sessions from here

    if role == ROLE_ADMIN:
        return None, []
    if role == ROLE_REVIEWER:
        unit = None
    try:
        return place(s, role, unit, deps)
    except Invalid as e:
        raise UserError(e.message) from e


def add_user(s: Session, username: str, password: str, role: str, unit: str | None = None,
             departments: list[str] | tuple[str, ...] = ()) -> User:
    username = username.strip()
    deps = [d.strip() for d in departments if d and d.strip()]
    unit = unit.strip() if unit else None
    validate(username, password, role, unit, deps)
    if s.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(f"用户“{username}”已存在")
    unit, deps = _placed(s, role, unit, deps)
    user = User(username=username, password_hash=hash_password(password), role=role, unit=unit,
                departments=deps, active=True, session_version=0)
    s.add(user)
    s.flush()
    return user


def update_user(s: Session, u: User, *, role: str | None = None, unit: str | None = None,
                departments: list[str] | None = None, active: bool | None = None,
                password: str | None = None) -> User:
    """Change a user; a change of role, unit, departments, state or password ends their sessions."""
    new_role = role or u.role
    new_unit = (unit.strip() or None) if unit is not None else u.unit
    new_deps = [d.strip() for d in departments if d and d.strip()] if departments is not None else list(u.departments or [])
    if new_role == ROLE_UNIT and departments is None and unit is not None and new_unit != u.unit:
        new_deps = []  # a unit user's department follows its new unit
    validate(u.username, password, new_role, new_unit, new_deps)
    new_unit, new_deps = _placed(s, new_role, new_unit, new_deps)
    before = (u.role, u.unit, list(u.departments or []), u.active)
    u.role, u.unit, u.departments = new_role, new_unit, new_deps
    if active is not None:
        u.active = active
    if password is not None:
        u.password_hash = hash_password(password)
    if before != (u.role, u.unit, list(u.departments or []), u.active) or password is not None:
        end_sessions(u)
    return u


def authenticate(s: Session, username: str, password: str) -> User | None:
    user = s.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        verify_password(_DUMMY, password or "")
        return None
    return user if verify_password(user.password_hash, password or "") else None
