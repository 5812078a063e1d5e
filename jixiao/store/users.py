"""Users and their passwords (argon2id, the OWASP-recommended password hash)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from . import security
from .errors import Invalid
from .schema import ROLE_ADMIN, ROLE_REVIEWER, ROLE_UNIT, ROLES, User

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so that a wrong name costs as long as a
# wrong password and response times do not tell which user names exist.
_DUMMY = _hasher.hash("jixiao-dummy-password")

MIN_PASSWORD = 10
MAX_PASSWORD = 200  # hashing a megabyte of "password" would be a cheap way to keep a worker busy
MIN_STRENGTH = 3  # zxcvbn's score 0–4: 3 = "safely unguessable" against an offline attack on a slow hash


class UserError(Invalid):
    """A user cannot be created or changed (the message says why)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str, username: str = "", hints: list[str] | tuple[str, ...] = ()) -> None:
    """Refuse a short, common or guessable password (the same rule for `jixiao user add`, the
    pages and the API): at least MIN_PASSWORD characters and a zxcvbn score of MIN_STRENGTH,
    counting the user name, unit and departments as words an attacker would try first."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少需要{MIN_PASSWORD}个字符")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"密码不能超过{MAX_PASSWORD}个字符")
    if username and username.lower() in password.lower():
        raise UserError("密码不能包含用户名")
    from zxcvbn import zxcvbn

    result = zxcvbn(password, user_inputs=[username, *hints, "jixiao", "绩效", "自评"])
    if result["score"] < MIN_STRENGTH:
        raise UserError("密码太容易被猜到（常见密码、重复或连续的字符、键盘顺序、日期、用户名或单位名称都很容易被猜中）；"
                        "请用几个不相关的词加上数字或符号组成，至少10个字符")


def validate(username: str, password: str | None, role: str, unit: str | None, departments: list[str]) -> None:
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise UserError("用户名不能为空、不能含空格，且不超过100个字符")
    if role not in ROLES:
        raise UserError(f"角色“{role}”无效，只能是：{'、'.join(ROLES)}")
    if password is not None:
        check_password(password, username, [unit or "", *departments])
    if role == ROLE_UNIT and not unit:
        raise UserError("填报用户必须指定所属实施单位")
    if role == ROLE_REVIEWER and not departments:
        raise UserError("审核用户必须指定至少一个主管部门")


def end_sessions(user: User, why: str = "", by: str | None = None) -> int:
    """End every session of this user at once (they log in again and get what they may do now):
    their rows in the `sessions` table are deleted, and the security log says why. Returns how
    many ended."""
    s = object_session(user)
    s.flush()
    n = security.end_sessions(s, user.id)
    security.log(s, security.SESSIONS_ENDED, user.username, user_id=user.id, by=by,
                 detail=f"{why or '账号变更'}：结束 {n} 个会话")
    return n


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
                departments=deps, active=True)
    s.add(user)
    s.flush()
    return user


def update_user(s: Session, u: User, *, role: str | None = None, unit: str | None = None,
                departments: list[str] | None = None, active: bool | None = None,
                password: str | None = None, by: str | None = None) -> User:
    """Change a user; a change of role, unit, departments, state or password ends their sessions."""
    new_role = role or u.role
    new_unit = (unit.strip() or None) if unit is not None else u.unit
    new_deps = [d.strip() for d in departments if d and d.strip()] if departments is not None else list(u.departments or [])
    if new_role == ROLE_UNIT and departments is None and unit is not None and new_unit != u.unit:
        new_deps = []  # a unit user's department follows its new unit
    validate(u.username, password, new_role, new_unit, new_deps)
    new_unit, new_deps = _placed(s, new_role, new_unit, new_deps)
    changes = []
    if new_role != u.role:
        changes.append(f"角色改为“{new_role}”")
    if (new_unit, new_deps) != (u.unit, list(u.departments or [])):
        changes.append("所属单位或主管部门变更")
    if active is not None and active != u.active:
        changes.append("启用" if active else "停用")
    u.role, u.unit, u.departments = new_role, new_unit, new_deps
    if active is not None:
        u.active = active
    if password is not None:
        u.password_hash = hash_password(password)
        security.log(s, security.PASSWORD_RESET, u.username, user_id=u.id, by=by, detail="管理员重设密码")
        changes.append("重设密码")
    if changes:
        end_sessions(u, "、".join(changes), by)
    return u


def authenticate(s: Session, username: str, password: str) -> User | None:
    user = s.scalar(select(User).where(User.username == (username or "").strip()))
    return user if password_matches(user, password) else None


def password_matches(user: User | None, password: str) -> bool:
    """Is this the active user's password? An unknown or deactivated user costs one hash too."""
    if user is None or not user.active:
        verify_password(_DUMMY, password or "")
        return False
    return verify_password(user.password_hash, password or "")
