"""Log-in throttling (issue 16): per account and per client address, a delay after a few failures,
then a lockout with a Chinese message that says when to retry; every failure and lockout in the
security log; an administrator unlocks. Waiting is simulated by moving the logged events back in
the database. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from jixiao.store import security
from jixiao.store.schema import AuthEvent

from .conftest import PASSWORD


def attempt(client_for, password: str, username: str = "unit"):
    return client_for(None).http.post("/api/login", json={"username": username, "password": password})


def wait(store, seconds: float) -> None:
    """As if `seconds` had passed: every logged event moves back by that much."""
    with store.Session.begin() as s:
        for e in s.scalars(select(AuthEvent)):
            e.at = e.at - timedelta(seconds=seconds)


def events(store, kind: str) -> list[AuthEvent]:
    with store.Session() as s:
        return list(s.scalars(select(AuthEvent).where(AuthEvent.event == kind).order_by(AuthEvent.id)))


def test_sixty_wrong_passwords_then_the_right_one_does_not_log_in(client_for, store):
    answers = [attempt(client_for, f"wrong-{k}").status_code for k in range(60)]
    assert answers[:3] == [401, 401, 401]
    assert 429 in answers  # delayed, then refused, long before the sixtieth
    right = attempt(client_for, PASSWORD)
    assert right.status_code == 429
    assert int(right.headers["retry-after"]) >= 1
    assert re.search(r"请 \d+ 秒后（\d\d:\d\d:\d\d）再试", right.json()["detail"])


def test_the_delays_leave_room_for_the_lockouts_within_the_window():
    for delay_after, lock_after in ((security.ACCOUNT_DELAY_AFTER, security.ACCOUNT_LOCK_AFTER),
                                    (security.ADDRESS_DELAY_AFTER, security.ADDRESS_LOCK_AFTER)):
        waits = sum(min(2 ** (n - delay_after + 1), security.MAX_DELAY) for n in range(delay_after, lock_after))
        assert waits < security.WINDOW.total_seconds() / 2


def nav_count(page: str) -> int:
    """The to-do number in the navigation bar (none shown: 0)."""
    return int(page.split('id="todo-count"')[1].split(">")[1].split("<")[0]) if 'id="todo-count"' in page else 0


def test_a_delay_then_a_lockout_that_says_when_and_an_admin_unlocks(client_for, store):
    # The administrator's to-do count is kept briefly: seen before the lockout, it must still agree after.
    assert nav_count(client_for("admin").get("/forms").text) == len(client_for("admin").get("/api/todo").json())
    # Three failures: the fourth attempt must wait 2 s, and is refused unchecked if it does not.
    for _ in range(security.ACCOUNT_DELAY_AFTER):
        assert attempt(client_for, "wrong-password").status_code == 401
    early = attempt(client_for, PASSWORD)
    assert early.status_code == 429 and early.json()["retry_after"] <= 2
    assert "秒后" in early.json()["detail"]
    # Waiting out each delay, the failures go on up to the lockout.
    for _ in range(security.ACCOUNT_LOCK_AFTER - security.ACCOUNT_DELAY_AFTER):
        wait(store, security.MAX_DELAY)
        assert attempt(client_for, "wrong-password").status_code == 401
    wait(store, security.MAX_DELAY)
    locked = attempt(client_for, PASSWORD)
    assert locked.status_code == 429
    detail = locked.json()["detail"]
    assert re.fullmatch(r"账号“unit”连续登录失败 10 次，已被锁定，请于 \d\d:\d\d:\d\d（北京时间）后再试，或请管理员解锁", detail)
    assert 13 * 60 <= locked.json()["retry_after"] <= 15 * 60
    assert [e.username for e in events(store, "账号锁定")] == ["unit"]
    assert len(events(store, "登录失败")) == security.ACCOUNT_LOCK_AFTER
    assert events(store, "拒绝登录")[-1].detail == detail
    # The page says the same.
    anon = client_for(None)
    token = anon.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    page = anon.post("/login", data={"username": "unit", "password": PASSWORD, "csrf_token": token})
    assert page.status_code == 429 and "已被锁定" in page.text

    admin = client_for("admin")
    assert admin.get("/api/security-log?username=unit").json()["total"] >= 12
    assert "unit" in admin.get("/admin/security").text
    uid = store.user_by_name("unit").id
    # The locked account is on the administrator's to-do list, linked to the unlock page.
    todo = [i for i in admin.get("/api/todo").json() if i["kind"] == "user" and i["id"] == uid]
    assert len(todo) == 1 and todo[0]["locked"] and "已锁定至" in todo[0]["todo"]
    assert 'href="/admin/security">unit</a>' in admin.get("/todo").text
    assert nav_count(admin.get("/forms").text) == len(admin.get("/api/todo").json())
    assert client_for("reviewer").post(f"/api/users/{uid}/unlock").status_code == 403
    assert admin.post(f"/api/users/{uid}/unlock").status_code == 200
    assert nav_count(admin.get("/forms").text) == len(admin.get("/api/todo").json())
    assert not [i for i in admin.get("/api/todo").json() if i["kind"] == "user" and i["id"] == uid and i["locked"]]
    assert attempt(client_for, PASSWORD).status_code == 200
    assert [e.by_user for e in events(store, "解锁")] == ["admin"]


def test_a_lockout_ends_by_itself(client_for, store):
    for _ in range(security.ACCOUNT_LOCK_AFTER):
        wait(store, security.MAX_DELAY)
        attempt(client_for, "wrong-password")
    assert attempt(client_for, PASSWORD).status_code == 429
    wait(store, security.LOCKOUT.total_seconds() + 1)
    assert attempt(client_for, PASSWORD).status_code == 200


def test_one_address_guessing_many_accounts_is_locked_out(client_for, store):
    # Never the same account twice: only the address's count can stop this. Each attempt waits
    # out the address's delay (all within the 15 minutes that count).
    for k in range(security.ADDRESS_LOCK_AFTER):
        if k >= security.ADDRESS_DELAY_AFTER:
            wait(store, min(2 ** (k - security.ADDRESS_DELAY_AFTER + 1), security.MAX_DELAY))
        assert attempt(client_for, "wrong-password", username=f"guess{k}").status_code == 401
    r = attempt(client_for, PASSWORD, username="admin")
    assert r.status_code == 429 and "来自您所在网络地址" in r.json()["detail"] and "北京时间" in r.json()["detail"]
    assert len(events(store, "地址锁定")) == 1


def test_a_success_resets_the_accounts_count(client_for, store):
    for _ in range(security.ACCOUNT_DELAY_AFTER - 1):
        assert attempt(client_for, "wrong-password").status_code == 401
    assert attempt(client_for, PASSWORD).status_code == 200
    for _ in range(security.ACCOUNT_DELAY_AFTER - 1):
        assert attempt(client_for, "wrong-password").status_code == 401
    assert attempt(client_for, PASSWORD).status_code == 200
