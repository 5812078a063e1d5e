"""Every answer bounded and in Chinese (issue 16): ids and numbers out of range give 404 or 422,
never 500; NaN, Infinity and empty forms are refused; validation errors carry no library's
English; lists are paged; a duplicate upload names nothing outside the user's scope; the API's
description needs a session. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pytest

from jixiao.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HUGE = "99999999999999999999"
ENGLISH = re.compile(r"\b(Input|should|valid|Field|required|Internal|Server|Error|Not Found|Method)\b")


def assert_chinese_json(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and isinstance(body["detail"], str)
    assert not ENGLISH.search(r.text), r.text
    return body


def test_ids_too_large_for_the_database_are_not_found(client_for, seeded):
    admin = client_for("admin")
    for url in (f"/api/forms/{HUGE}", "/api/forms/9223372036854775808", "/api/forms/2147483648",
                "/api/forms/0", "/api/forms/-1", "/api/forms/abc", f"/api/forms/{HUGE}/audit",
                f"/api/forms/{seeded['own'][0]}/findings/{HUGE}/review"):
        r = admin.get(url) if "review" not in url else admin.post(url, json={"decision": "需更正"})
        assert_chinese_json(r, 404)
    for url in (f"/forms/{HUGE}", "/forms/9223372036854775808", f"/forms/{HUGE}/edit", f"/files/{HUGE}"):
        page = admin.get(url)
        assert page.status_code == 404 and "找不到" in page.text and not ENGLISH.search(page.text), url


def test_years_out_of_range_are_refused_not_a_crash(client_for, seeded):
    admin = client_for("admin")
    for url in (f"/api/forms?year={HUGE}", f"/api/dashboard?year={HUGE}", "/api/forms?year=-5",
                f"/api/forms/export.xlsx?year={HUGE}"):
        body = assert_chinese_json(admin.get(url), 422)
        assert "年度" in body["detail"]
    for url in (f"/forms?year={HUGE}", f"/dashboard?year={HUGE}"):
        page = admin.get(url)
        assert page.status_code == 422 and "年度" in page.text and not ENGLISH.search(page.text), url
    r = admin.post("/api/forms", json={"form": {"project": "甲", "year": 10**30, "unit": "某单位"}})
    assert "年度" in assert_chinese_json(r, 422)["detail"]


def test_empty_forms_nan_and_infinity_are_refused(client_for, seeded):
    admin = client_for("admin")
    assert "项目名称" in assert_chinese_json(admin.post("/api/forms", json={"form": {}}), 422)["detail"]
    raw = '{"form": {"project": "甲", "funds": {"annual_budget": NaN, "executed": Infinity}}}'
    r = admin.post("/api/forms", content=raw, headers={"Content-Type": "application/json"})
    assert "不是有限的数字" in assert_chinese_json(r, 422)["detail"]
    for word in ("NaN", "Infinity", "-inf"):
        r = admin.post("/api/forms", json={"form": {"project": "甲", "funds": {"executed": word}}})
        assert "form.funds.executed" in assert_chinese_json(r, 422)["detail"]
    own = seeded["own"][0]
    data = admin.get(f"/api/forms/{own}").json()
    data["indicators"][0]["score"] = "Infinity"
    assert_chinese_json(admin.put(f"/api/forms/{own}", json={"version": 1, "form": data}), 422)
    assert admin.get("/api/forms").json()["total"] == 11  # nothing was created


def test_validation_errors_are_in_chinese_and_say_where(client_for):
    admin = client_for("admin")
    body = assert_chinese_json(admin.post("/api/forms", json={"form": "not an object"}), 422)
    assert body["errors"] == [{"where": "body.form", "message": "应为 JSON 对象"}]
    body = assert_chinese_json(admin.post("/api/forms", content=b"{", headers={"Content-Type": "application/json"}), 422)
    assert "不是有效的 JSON" in body["detail"]
    body = assert_chinese_json(admin.get("/api/forms?order=sideways&limit=x"), 422)
    assert {e["where"] for e in body["errors"]} == {"query.order", "query.limit"}
    assert "只能是" in body["detail"]
    assert_chinese_json(admin.post("/api/login", json={}), 422)
    assert_chinese_json(admin._write("DELETE", "/api/forms"), 405)
    assert_chinese_json(admin.get("/api/no-such-thing"), 404)


def test_lists_are_paged_with_a_default_a_maximum_and_a_total(client_for, seeded):
    admin = client_for("admin")
    first = admin.get("/api/forms?limit=3").json()
    assert len(first["items"]) == 3 and first["total"] == 11
    assert "不能大于 500" in assert_chinese_json(admin.get("/api/forms?limit=501"), 422)["detail"]
    assert_chinese_json(admin.get(f"/api/forms?offset={HUGE}"), 422)
    assert admin.get("/api/forms?offset=100").json() == {"items": [], "total": 11, "limit": 50, "offset": 100}


def test_a_server_error_is_a_chinese_answer_not_a_bare_500(store, client_for):
    # A real failure: the table the rule set is read from is gone.
    admin = client_for("admin")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE rulesets")
    quiet = TestClient(create_app(store=store), raise_server_exceptions=False, follow_redirects=False)
    quiet.cookies = admin.http.cookies
    r = quiet.get("/api/rulesets")
    assert_chinese_json(r, 500)
    page = quiet.get("/forms/new")
    assert page.status_code == 500 and "服务器内部错误" in page.text and "<h1>" in page.text
    quiet.close()


def test_a_duplicate_upload_names_nothing_outside_the_users_scope(client_for, seed_path):
    admin, other = client_for("admin"), client_for("other_unit")
    files = [("files", ("shanghai-2021.txt", seed_path.read_bytes(), "text/plain"))]
    assert admin.post("/api/uploads", files=files).json()["forms"] == 10
    again = other.post("/api/uploads", files=files).json()["files"][0]
    assert again["duplicate"] and again["form_ids"] == []
    assert "10 张" not in again["summary"]


def test_the_api_description_needs_a_session(client_for):
    anon = client_for(None)
    docs = anon.get("/docs")
    assert docs.status_code == 303 and docs.headers["location"] == "/login?next=%2Fdocs"
    assert_chinese_json(anon.get("/openapi.json"), 401)
    assert client_for("unit").get("/openapi.json").status_code == 200


@pytest.mark.parametrize("password", ["12345678", "aaaaaaaa", "password", "password1234", "qwertyuiop", "unit-unit-unit"])
def test_weak_passwords_are_refused_by_the_api_and_the_page(client_for, password):
    admin = client_for("admin")
    r = admin.post("/api/users", json={"username": "新用户", "password": password, "role": "管理员"})
    assert r.status_code == 422 and "密码" in r.json()["detail"]
    page = admin.post("/admin/users", data={"csrf_token": admin.csrf, "username": "新用户", "password": password,
                                            "role": "管理员"})
    assert page.status_code == 422 and "密码" in page.text
    uid = admin.get("/api/users").json()[1]["id"]
    assert admin.patch(f"/api/users/{uid}", json={"password": password}).status_code == 422


def test_a_password_that_contains_the_user_name_is_refused(client_for):
    r = client_for("admin").post("/api/users", json={"username": "zhangsan", "password": "zhangsan-2021-long",
                                                     "role": "管理员"})
    assert r.status_code == 422 and r.json()["detail"] == "密码不能包含用户名"


def test_user_add_refuses_a_weak_password(tmp_path):
    db = f"sqlite:///{tmp_path / 'u.db'}"
    for weak in ("12345678", "aaaaaaaaaaaa", "password"):
        done = subprocess.run([sys.executable, "-m", "jixiao.cli", "user", "add", "甲", "--role", "管理员", "--db", db],
                              input=weak + "\n", capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and "密码" in done.stderr, done.stderr
