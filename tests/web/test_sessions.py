"""Sessions that end (issue 16): log-out, password change or reset, deactivation and a role
change end sessions at once; idle and absolute timeouts; a user sees and ends their sessions.
Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jixiao.store import security
from jixiao.store.schema import AuthEvent, SessionRow

from .conftest import PASSWORD, Client

NEW_PASSWORD = "violet-anchor-harbor-1907"


def cookie_of(c: Client) -> str:
    return c.http.cookies.get("jixiao_session")


def replay(client_for, cookie: str) -> Client:
    """Another client that presents a copied session cookie (what a thief of the cookie does)."""
    c = client_for(None)
    c.http.cookies.set("jixiao_session", cookie)
    return c


def user_id(store, name: str) -> int:
    return store.user_by_name(name).id


def test_logging_out_ends_the_session_for_every_copy_of_its_cookie(client_for, seeded):
    unit = client_for("unit")
    stolen = replay(client_for, cookie_of(unit))
    stolen.csrf = unit.csrf
    assert stolen.get("/api/me").status_code == 200  # a copy works while the session lives

    assert unit.post("/api/logout").status_code == 200
    own = seeded["own"][0]
    assert stolen.get("/api/me").status_code == 401
    assert stolen.get("/api/forms").status_code == 401
    assert stolen.post(f"/api/forms/{own}/submit", json={"version": 1}).status_code == 401
    assert stolen.get("/forms").status_code == 303  # pages send it to the log-in page


def test_the_page_log_out_ends_it_too(client_for):
    unit = client_for("unit")
    cookie = cookie_of(unit)
    r = unit.post("/logout", data={"csrf_token": unit.csrf})
    assert r.status_code == 303 and "max-age=0" in r.headers["set-cookie"].lower()
    assert replay(client_for, cookie).get("/api/me").status_code == 401


def test_an_admins_password_reset_ends_the_users_sessions(client_for, store):
    unit, admin = client_for("unit"), client_for("admin")
    r = admin.patch(f"/api/users/{user_id(store, 'unit')}", json={"password": NEW_PASSWORD})
    assert r.status_code == 200
    assert unit.get("/api/me").status_code == 401
    assert admin.get("/api/me").status_code == 200  # the admin's own session is untouched
    fresh = client_for(None).http.post("/api/login", json={"username": "unit", "password": NEW_PASSWORD})
    assert fresh.status_code == 200


def test_deactivation_and_a_role_change_end_the_users_sessions(client_for, store):
    unit, reviewer, admin = client_for("unit"), client_for("reviewer"), client_for("admin")
    assert admin.patch(f"/api/users/{user_id(store, 'unit')}", json={"active": False}).status_code == 200
    assert unit.get("/api/me").status_code == 401
    r = admin.patch(f"/api/users/{user_id(store, 'reviewer')}", json={"role": "填报", "unit": "某单位"})
    assert r.status_code == 200 and r.json()["role"] == "填报"
    assert reviewer.get("/api/me").status_code == 401
    # An admin cannot take their own rights away by accident.
    assert admin.patch(f"/api/users/{user_id(store, 'admin')}", json={"role": "填报"}).status_code == 422


def test_changing_ones_own_password_ends_the_other_sessions_and_keeps_this_one(client_for):
    here, elsewhere = client_for("unit"), client_for("unit")
    wrong = here.post("/api/me/password", json={"current_password": "not-the-password", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and wrong.json()["detail"] == "当前密码不正确"
    weak = here.post("/api/me/password", json={"current_password": PASSWORD, "new_password": "password"})
    assert weak.status_code == 422 and "密码至少需要10个字符" in weak.json()["detail"]

    ok = here.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert ok.status_code == 200
    assert here.get("/api/me").status_code == 200
    assert elsewhere.get("/api/me").status_code == 401
    anon = client_for(None).http
    assert anon.post("/api/login", json={"username": "unit", "password": PASSWORD}).status_code == 401
    assert anon.post("/api/login", json={"username": "unit", "password": NEW_PASSWORD}).status_code == 200


def test_the_password_page_changes_it(client_for):
    unit = client_for("unit")
    page = unit.get("/account")
    assert page.status_code == 200 and "修改密码" in page.text and "当前会话" in page.text
    mismatch = unit.post("/account/password", data={"csrf_token": unit.csrf, "current_password": PASSWORD,
                                                     "new_password": NEW_PASSWORD, "repeat_password": "x"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.text
    r = unit.post("/account/password", data={"csrf_token": unit.csrf, "current_password": PASSWORD,
                                              "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
    assert r.status_code == 303
    assert "密码已修改" in unit.get("/account").text


def test_a_user_lists_their_sessions_and_ends_another(client_for):
    here, elsewhere, other_user = client_for("unit"), client_for("unit"), client_for("reviewer")
    listed = here.get("/api/me/sessions").json()
    assert len(listed) == 2 and sum(s["current"] for s in listed) == 1
    theirs = next(s["id"] for s in listed if not s["current"])
    mine = here.get("/api/me").json()["session"]
    # Nobody ends a session that is not theirs (it looks as if it did not exist).
    assert other_user._write("DELETE", f"/api/me/sessions/{mine}").status_code == 404
    assert here._write("DELETE", f"/api/me/sessions/{theirs}").status_code == 200
    assert elsewhere.get("/api/me").status_code == 401
    assert here.get("/api/me").status_code == 200
    again = client_for("unit")
    assert here._write("DELETE", "/api/me/sessions").json() == {"ended": 1}
    assert again.get("/api/me").status_code == 401 and here.get("/api/me").status_code == 200


def _age_sessions(store, **shift) -> None:
    """Move every session's times back (what waiting does), in the database itself."""
    with store.Session.begin() as s:
        for row in s.scalars(select(SessionRow)):
            if "idle" in shift:
                row.last_seen = row.last_seen - shift["idle"]
            if "age" in shift:
                row.created_at = row.created_at - shift["age"]


def test_a_session_ends_after_the_idle_timeout(client_for, store):
    unit = client_for("unit")
    _age_sessions(store, idle=security.IDLE - timedelta(minutes=1))
    assert unit.get("/api/me").status_code == 200  # used in time: and that use counts
    _age_sessions(store, idle=security.IDLE + timedelta(minutes=1))
    assert unit.get("/api/me").status_code == 401
    with store.Session() as s:
        assert s.scalar(select(SessionRow).where(SessionRow.user_id == user_id(store, "unit"))) is None


def test_a_session_ends_after_the_absolute_timeout_however_busy(client_for, store):
    unit = client_for("unit")
    _age_sessions(store, age=security.ABSOLUTE - timedelta(minutes=1))
    assert unit.get("/api/me").status_code == 200
    _age_sessions(store, age=timedelta(minutes=2))
    assert unit.get("/api/me").status_code == 401


def test_the_cookie_is_only_a_random_token(client_for, store):
    unit = client_for("unit")
    token = cookie_of(unit)
    assert len(token) >= 40 and "unit" not in token
    with store.Session() as s:
        rows = list(s.scalars(select(SessionRow)))
    assert all(r.token_hash != token for r in rows)  # the table keeps only its hash
    assert security.token_hash(token) in {r.token_hash for r in rows}


def test_log_ins_and_log_outs_are_in_the_security_log(client_for, store):
    unit = client_for("unit")
    unit.post("/api/logout")
    with store.Session() as s:
        events = [(e.event, e.username) for e in s.scalars(select(AuthEvent).order_by(AuthEvent.id))]
    assert events == [("登录", "unit"), ("退出", "unit")]
