"""Administration: users and rule sets, through the API and the pages."""

from __future__ import annotations

import copy

STRICT = '''
extends = "cn-2020"

[ruleset]
id = "strict-local"
name = "某地从严规则"

[grades]
"优" = 99
"良" = 90
"中" = 60
"差" = 0
'''


def test_an_administrator_creates_users_and_they_can_log_in(client_for):
    admin = client_for("admin")
    r = admin.post("/api/users", json={"username": "新单位", "password": "a-long-password", "role": "填报",
                                       "unit": "新单位全称", "departments": ["某局"]})
    assert r.status_code == 201 and r.json()["unit"] == "新单位全称"
    assert admin.post("/api/users", json={"username": "审核乙", "password": "a-long-password", "role": "审核"}
                      ).json()["detail"] == "审核用户必须指定至少一个主管部门"
    assert admin.post("/api/users", json={"username": "短", "password": "short", "role": "管理员"}
                      ).json()["detail"] == "密码至少需要10个字符"
    fresh = client_for(None)
    assert fresh.http.post("/api/login", json={"username": "新单位", "password": "a-long-password"}).status_code == 200


def test_a_deactivated_user_loses_its_session_at_once(client_for, store):
    unit, admin = client_for("unit"), client_for("admin")
    assert unit.get("/api/forms").status_code == 200
    uid = store.user_by_name("unit").id

    assert admin.patch(f"/api/users/{uid}", json={"active": False}).json()["active"] is False
    assert unit.get("/api/forms").status_code == 401
    again = client_for(None).http.post("/api/login", json={"username": "unit", "password": "correct-horse-42"})
    assert again.status_code == 401


def test_an_administrator_cannot_lock_itself_out(client_for, store):
    admin = client_for("admin")
    r = admin.patch(f"/api/users/{store.user_by_name('admin').id}", json={"active": False})
    assert r.status_code == 422 and r.json()["detail"] == "不能停用自己的账号"


def test_an_uploaded_rule_set_scores_the_next_save(client_for, seeded):
    admin = client_for("admin")
    broken = admin.post("/api/rulesets", json={"name": "坏的", "content": "[grades\n"})
    assert broken.status_code == 422 and broken.json()["detail"].startswith("规则集文件有误")

    r = admin.post("/api/rulesets", json={"name": "从严", "content": STRICT, "activate": True})
    assert r.status_code == 201
    assert admin.get("/api/rulesets").json()["active"] == "strict-local"

    form = admin.get(f"/api/forms/{seeded['own'][0]}").json()  # re-scored 98: 优 under cn-2020
    assert (form["ruleset"], form["rescored_grade"]) == ("cn-2020", "优")
    edited = copy.deepcopy(form)
    edited["goals"]["achieved"] += "。"
    saved = admin.put(f"/api/forms/{form['id']}", json={"version": 1, "form": edited}).json()
    assert (saved["ruleset"], saved["rescored_grade"]) == ("strict-local", "良")

    assert admin.post("/api/rulesets/0/activate").json() == {"active": "cn-2020"}


def test_the_admin_pages_create_users(client_for):
    admin = client_for("admin")
    r = admin.post("/admin/users", data={"csrf_token": admin.csrf, "username": "页面用户", "password": "a-long-password",
                                         "role": "审核", "departments": "甲局，乙局"})
    assert r.status_code == 303
    users = {u["username"]: u for u in admin.get("/api/users").json()}
    assert users["页面用户"]["departments"] == ["甲局", "乙局"]
    page = admin.post("/admin/users", data={"csrf_token": admin.csrf, "username": "页面用户",
                                            "password": "a-long-password", "role": "审核", "departments": "甲局"})
    assert page.status_code == 422 and "已存在" in page.text
