"""Sessions that end, and log-ins that cannot be guessed at speed.

Sessions: the cookie carries a random token (256 bits); the `sessions` table keeps its SHA-256,
the user and the page data (CSRF token, flash message). A session ends when its row is deleted:
on log-out, when the user's password is changed or reset, when the user is deactivated or their
role changes, after `IDLE` without a request, and `ABSOLUTE` after log-in whatever happens.

Throttling counts the failed log-ins in the security log (`auth_events`), so every worker
process of `jixiao serve --workers N` sees the same counts:

- per account, the failures since its last successful log-in or unlock, within `WINDOW`: from
  the `ACCOUNT_DELAY_AFTER`-th on, the next attempt must wait 2, 4, 8 … (at most `MAX_DELAY`)
  seconds; at `ACCOUNT_LOCK_AFTER` the account is locked for `LOCKOUT`;
- per client address, the failures within `WINDOW` (a success does not reset them): from
  `ADDRESS_DELAY_AFTER` on a delay, at `ADDRESS_LOCK_AFTER` the address is locked for `LOCKOUT`.

An attempt refused for a delay or a lockout does not check the password and does not count as
a failure (so an attacker cannot keep a user locked out for ever), but it is logged. An
administrator can unlock an account (`unlock`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..errors import JixiaoError
from .schema import AuthEvent, SessionRow, User, utcnow


def _minutes(name: str, default: float) -> timedelta:
    return timedelta(minutes=float(os.environ.get(name, default)))


IDLE = _minutes("JIXIAO_SESSION_IDLE_MINUTES", 120)
ABSOLUTE = _minutes("JIXIAO_SESSION_MAX_MINUTES", 12 * 60)
ANONYMOUS_IDLE = timedelta(minutes=30)  # a log-in page's session (only its CSRF token) lasts less
TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute per session

WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
ACCOUNT_DELAY_AFTER, ACCOUNT_LOCK_AFTER = 3, 10
ADDRESS_DELAY_AFTER, ADDRESS_LOCK_AFTER = 10, 20
MAX_DELAY = 60  # seconds

# The security log's events (stored as shown).
LOGIN, FAILED, REFUSED, LOCKED, ADDRESS_LOCKED, UNLOCKED, LOGOUT = (
    "登录", "登录失败", "拒绝登录", "账号锁定", "地址锁定", "解锁", "退出")
PASSWORD_CHANGED, PASSWORD_RESET, SESSIONS_ENDED = "修改密码", "重设密码", "结束会话"
EVENTS = (LOGIN, FAILED, REFUSED, LOCKED, ADDRESS_LOCKED, UNLOCKED, LOGOUT, PASSWORD_CHANGED, PASSWORD_RESET,
          SESSIONS_ENDED)

BEIJING = timezone(timedelta(hours=8))


class LoginFailed(JixiaoError):
    """Wrong user name or password, or a deactivated account (one message for all three)."""


class TooManyAttempts(JixiaoError):
    """Refused before the password is checked: the account or the address must wait."""

    def __init__(self, message: str, retry_at: datetime):
        super().__init__(message)
        self.retry_at = retry_at

    @property
    def retry_after(self) -> int:
        """Whole seconds to wait (the Retry-After header)."""
        return max(1, int((self.retry_at - utcnow()).total_seconds() + 0.999))


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)  # SQLite gives naive UTC


def when_text(t: datetime) -> str:
    """A retry time for a person: Beijing time, to the second."""
    return _aware(t).astimezone(BEIJING).strftime("%H:%M:%S")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- sessions -----------------------------------------------------------------------------------
@dataclass
class Loaded:
    """A live session as a request sees it."""

    id: int
    user: User | None
    data: dict


def open_session(s: Session, user_id: int | None, data: dict, address: str, agent: str) -> tuple[int, str]:
    """A new session row; returns its id and the token for the cookie (shown only here)."""
    now = utcnow()
    # Sessions nobody finished are deleted by whoever starts the next one (an index range scan).
    s.execute(delete(SessionRow).where(SessionRow.last_seen < now - IDLE))
    s.execute(delete(SessionRow).where(SessionRow.user_id.is_(None), SessionRow.last_seen < now - ANONYMOUS_IDLE))
    token = secrets.token_urlsafe(32)
    row = SessionRow(token_hash=token_hash(token), user_id=user_id, data=data, created_at=now, last_seen=now,
                     address=address[:64], user_agent=agent[:300])
    s.add(row)
    s.flush()
    return row.id, token


def load_session(s: Session, token: str) -> Loaded | None:
    """The live session of a cookie's token with its user, or None (unknown, timed out, or its user
    deactivated: then the row is deleted)."""
    # The row and its user in one statement: every request asks this.
    found = s.execute(select(SessionRow, User).outerjoin(User, User.id == SessionRow.user_id)
                      .where(SessionRow.token_hash == token_hash(token))).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    idle = IDLE if row.user_id is not None else ANONYMOUS_IDLE
    if (now - _aware(row.last_seen) > idle or now - _aware(row.created_at) > ABSOLUTE
            or (row.user_id is not None and (user is None or not user.active))):
        s.delete(row)
        return None
    if now - _aware(row.last_seen) > TOUCH_EVERY:
        row.last_seen = now
    return Loaded(row.id, user, dict(row.data or {}))


def save_data(s: Session, session_id: int, data: dict) -> None:
    s.execute(update(SessionRow).where(SessionRow.id == session_id).values(data=data))


def end_session(s: Session, session_id: int, user_id: int | None = None) -> bool:
    """Delete one session (only one of `user_id`'s when given); True when there was one."""
    stmt = delete(SessionRow).where(SessionRow.id == session_id)
    if user_id is not None:
        stmt = stmt.where(SessionRow.user_id == user_id)
    return s.execute(stmt).rowcount > 0


def end_sessions(s: Session, user_id: int, keep: int | None = None) -> int:
    """End every session of a user (but `keep`); returns how many ended."""
    stmt = delete(SessionRow).where(SessionRow.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(SessionRow.id != keep)
    return s.execute(stmt).rowcount


def sessions_of(s: Session, user_id: int) -> list[SessionRow]:
    now = utcnow()
    rows = s.scalars(select(SessionRow).where(SessionRow.user_id == user_id).order_by(SessionRow.last_seen.desc()))
    return [r for r in rows if now - _aware(r.last_seen) <= IDLE and now - _aware(r.created_at) <= ABSOLUTE]


# -- the security log and throttling ---------------------------------------------------------
def log(s: Session, event: str, username: str = "", address: str = "", user_id: int | None = None,
        detail: str | None = None, by: str | None = None) -> None:
    s.add(AuthEvent(at=utcnow(), event=event, username=(username or "")[:100], user_id=user_id,
                    address=(address or "")[:64], detail=detail, by_user=by))


def _failures(s: Session, since: datetime, username: str | None = None, address: str | None = None):
    """(count, latest) of failed log-ins since a time, for an account or an address."""
    stmt = select(func.count(AuthEvent.id), func.max(AuthEvent.at)).where(AuthEvent.event == FAILED,
                                                                          AuthEvent.at > since)
    stmt = stmt.where(AuthEvent.username == username) if username is not None else stmt.where(AuthEvent.address == address)
    n, latest = s.execute(stmt).one()
    return int(n or 0), _aware(latest) if latest is not None else None


def _account_since(s: Session, username: str, now: datetime) -> datetime:
    """Failures count from the last successful log-in or unlock, at most `WINDOW` back."""
    reset = s.scalar(select(func.max(AuthEvent.at)).where(AuthEvent.username == username,
                                                         AuthEvent.event.in_((LOGIN, UNLOCKED))))
    start = now - WINDOW
    return max(start, _aware(reset)) if reset is not None else start


def _wait(n: int, latest: datetime | None, delay_after: int, lock_after: int) -> tuple[datetime | None, bool]:
    """(the earliest next attempt, locked?) after n failures, the latest at `latest`."""
    if latest is None or n < delay_after:
        return None, False
    if n >= lock_after:
        return latest + LOCKOUT, True
    return latest + timedelta(seconds=min(2 ** (n - delay_after + 1), MAX_DELAY)), False


def check_allowed(s: Session, username: str, address: str) -> None:
    """Raise TooManyAttempts (and log it) when this account or address must wait."""
    now = utcnow()
    refusals = []
    n, latest = _failures(s, _account_since(s, username, now), username=username)
    until, locked = _wait(n, latest, ACCOUNT_DELAY_AFTER, ACCOUNT_LOCK_AFTER)
    if until is not None and until > now:
        refusals.append((until, f"账号“{username}”连续登录失败 {n} 次，已被锁定，请于 {when_text(until)}（北京时间）后再试，"
                                "或请管理员解锁" if locked else
                         f"登录失败次数过多，请 {_secs(until, now)} 秒后（{when_text(until)}）再试"))
    n, latest = _failures(s, now - WINDOW, address=address)
    until, locked = _wait(n, latest, ADDRESS_DELAY_AFTER, ADDRESS_LOCK_AFTER)
    if until is not None and until > now:
        refusals.append((until, f"来自您所在网络地址的登录失败次数过多，已暂时禁止登录，请于 {when_text(until)}（北京时间）后再试"
                         if locked else f"来自您所在网络地址的登录失败次数过多，请 {_secs(until, now)} 秒后（{when_text(until)}）再试"))
    if refusals:
        until, message = max(refusals, key=lambda r: r[0])
        log(s, REFUSED, username, address, detail=message)
        raise TooManyAttempts(message, until)


def _secs(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 0.999))


def record_failure(s: Session, username: str, address: str, user: User | None) -> None:
    """Log a failed log-in; log a lockout when this failure reaches the limit."""
    now = utcnow()
    log(s, FAILED, username, address, user.id if user else None,
        "用户名不存在" if user is None else ("账号已停用" if not user.active else "密码错误"))
    s.flush()
    n, _ = _failures(s, _account_since(s, username, now), username=username)
    if n == ACCOUNT_LOCK_AFTER:
        log(s, LOCKED, username, address, user.id if user else None,
            f"连续失败 {n} 次，锁定至 {when_text(now + LOCKOUT)}（北京时间）")
    n, _ = _failures(s, now - WINDOW, address=address)
    if n == ADDRESS_LOCK_AFTER:
        log(s, ADDRESS_LOCKED, username, address, None, f"该地址 {n} 次失败，锁定至 {when_text(now + LOCKOUT)}（北京时间）")


def locked_accounts(s: Session) -> dict[str, datetime]:
    """User names whose account is locked now → until when."""
    now = utcnow()
    names = s.scalars(select(AuthEvent.username).where(AuthEvent.event == LOCKED, AuthEvent.at > now - LOCKOUT - WINDOW)
                      .distinct())
    out = {}
    for name in names:
        n, latest = _failures(s, _account_since(s, name, now), username=name)
        until, locked = _wait(n, latest, ACCOUNT_DELAY_AFTER, ACCOUNT_LOCK_AFTER)
        if locked and until > now:
            out[name] = until
    return out
