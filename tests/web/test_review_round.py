"""The review round through the API, on SQLite and PostgreSQL: to-dos, comments where they are
read, decisions in one go, batch approval and return with confirmation of open errors, scope,
departments and units, users edited (their sessions end), evidence files, progress."""

from __future__ import annotations

import copy

from .conftest import DEPARTMENT, OTHER_UNIT, PASSWORD, UNIT

CAR, ROW = 3, 12  # the seed's 公务车辆购置费: S003 (an error) on 管理人员责任制度's score
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit_all(client, ids):
    for i in ids:
        r = client.post(f"/api/forms/{i}/submit", json={"confirm": True})
        assert r.status_code == 200, r.text


def test_to_dos_of_each_role(client_for, seeded):
    unit, reviewer, admin = client_for("unit"), client_for("reviewer"), client_for("admin")
    todo = unit.get("/api/todo").json()
    assert {i["id"] for i in todo} == set(seeded["own"]) and {i["status"] for i in todo} == {"草稿"}
    assert todo[0]["todo"] == "填写完成后提交审核"
    assert reviewer.get("/api/todo").json() == []

    car = seeded["own"][CAR]
    submit_all(unit, [car])
    waiting = reviewer.get("/api/todo").json()
    assert [(i["id"], i["status"], i["todo"]) for i in waiting] == [(car, "已提交", "审核")]
    assert reviewer.post(f"/api/forms/{car}/return", json={"comment": "请补充佐证材料"}).status_code == 200
    first = unit.get("/api/todo").json()[0]
    assert (first["id"], first["status"], first["comment"]) == (car, "退回", "请补充佐证材料")
    assert first["todo"] == "按退回意见修改后重新提交"
    assert 'id="todo-count" aria-label="10 项待办">10<' in unit.get("/forms").text

    # Administrators: accounts to look at (users placed in units or departments not in the lists).
    accounts = admin.get("/api/todo").json()
    assert {i["username"] for i in accounts} == {"unit", "other_unit", "reviewer", "other_reviewer"}
    assert all(i["kind"] == "user" for i in accounts)


def test_a_returned_form_carries_the_comment_and_every_opinion(client_for, seeded):
    unit, reviewer = client_for("unit"), client_for("reviewer")
    car = seeded["own"][CAR]
    submit_all(unit, [car])
    form = reviewer.get(f"/api/forms/{car}").json()
    assert form["review"] is None
    s003 = next(f for f in form["findings"] if f["rule"] == "S003")
    others = [f for f in form["findings"] if f["id"] != s003["id"]]
    decisions = [{"finding_id": s003["id"], "decision": "需更正", "comment": "完善即达成，应得满分"}]
    decisions += [{"finding_id": f["id"], "decision": "说明已接受", "comment": ""} for f in others]
    saved = reviewer.post(f"/api/forms/{car}/findings/review", json={"decisions": decisions})
    assert saved.status_code == 200, saved.text
    assert {f["decision"] for f in saved.json()["findings"]} == {"需更正", "说明已接受"}

    # A comment without a decision is refused with the finding named; nothing is half saved.
    bad = reviewer.post(f"/api/forms/{car}/findings/review",
                        json={"decisions": [{"finding_id": s003["id"], "decision": "", "comment": "x"}]})
    assert bad.status_code == 422 and "S003" in bad.json()["detail"]

    assert reviewer.post(f"/api/forms/{car}/return", json={"comment": "请更正得分"}).status_code == 200
    seen = unit.get(f"/api/forms/{car}").json()
    assert seen["review"]["status"] == "退回" and seen["review"]["comment"] == "请更正得分"
    assert seen["review"]["reviewer"] == "reviewer" and seen["review"]["at"]
    mine = next(f for f in seen["findings"] if f["id"] == s003["id"])
    assert (mine["decision"], mine["comment"]) == ("需更正", "完善即达成，应得满分")

    # The page opens with them at the top, each linked to its cell; the log names the cell.
    page = unit.get(f"/forms/{car}").text
    assert page.index('id="review-banner"') < page.index('class="paper"')
    assert "请更正得分" in page and 'href="#cell-indicators-12-score"' in page
    audit = unit.get(f"/api/forms/{car}/audit").json()
    entry = next(e for e in audit if e["action"] == "复核意见" and e["new"] == "需更正")
    assert entry["field"] == f"indicators[{ROW}].score"
    assert "第13行指标“管理人员责任制度”的得分" in page


def test_submitting_or_approving_with_open_errors_asks_first_and_records_it(client_for, seeded):
    unit, reviewer = client_for("unit"), client_for("reviewer")
    car = seeded["own"][CAR]
    asked = unit.post(f"/api/forms/{car}/submit", json={})
    assert asked.status_code == 409
    assert [e["rule"] for e in asked.json()["open_errors"]] == ["S003"] and "S003" in asked.json()["detail"]
    assert unit.get(f"/api/forms/{car}").json()["status"] == "草稿"
    assert unit.post(f"/api/forms/{car}/submit", json={"confirm": True}).json()["status"] == "已提交"

    # An accepted explanation closes the error: approving needs no confirmation then.
    form = reviewer.get(f"/api/forms/{car}").json()
    s003 = next(f for f in form["findings"] if f["rule"] == "S003")
    assert reviewer.post(f"/api/forms/{car}/approve", json={}).status_code == 409
    reviewer.post(f"/api/forms/{car}/findings/review",
                  json={"decisions": [{"finding_id": s003["id"], "decision": "说明已接受", "comment": "制度在完善"}]})
    assert reviewer.post(f"/api/forms/{car}/approve", json={}).json()["status"] == "已审核"
    steps = [e for e in unit.get(f"/api/forms/{car}/audit").json() if e["field"] == "status"]
    assert "经确认，仍有 1 处错误未更正时提交" in steps[0]["comment"]
    assert steps[1]["comment"] is None


def test_batch_approve_and_return_with_a_result_per_id(client_for, seeded):
    unit, reviewer, other = client_for("unit"), client_for("reviewer"), client_for("other_reviewer")
    own = seeded["own"]
    ids = [own[0], own[1], own[CAR], own[CAR + 1]]  # three submitted (the car form has an error), one draft
    submit_all(unit, ids[:3])
    with_errors = [i for i in ids[:3] if any(f["severity"] == "error" for f in unit.get(f"/api/forms/{i}").json()["findings"])]
    assert with_errors  # the car form among them

    asked = reviewer.post("/api/forms/batch", json={"action": "approve", "ids": ids[:3]})
    assert asked.status_code == 409 and {p["id"] for p in asked.json()["open_errors"]} == set(with_errors)
    assert all(unit.get(f"/api/forms/{i}").json()["status"] == "已提交" for i in ids[:3])  # nothing changed

    no_comment = reviewer.post("/api/forms/batch", json={"action": "return", "ids": ids[:1]})
    assert no_comment.status_code == 422 and "退回意见" in no_comment.json()["detail"]

    done = reviewer.post("/api/forms/batch", json={"action": "approve", "ids": ids, "confirm": True}).json()["results"]
    by_id = {r["id"]: r for r in done}
    assert all(by_id[i]["ok"] and by_id[i]["status"] == "已审核" for i in ids[:3])
    assert not by_id[ids[3]]["ok"] and "没有编号" in by_id[ids[3]]["detail"]  # a draft: the reviewer does not see it
    # Another department's reviewer cannot act on them either.
    assert not any(r["ok"] for r in other.post("/api/forms/batch", json={"action": "return", "ids": ids,
                                                                       "comment": "x"}).json()["results"])


def test_departments_units_and_users_edited_end_their_sessions(client_for, store):
    admin, unit = client_for("admin"), client_for("unit")
    dep = admin.post("/api/departments", json={"name": DEPARTMENT})
    assert dep.status_code == 201
    assert admin.post("/api/departments", json={"name": DEPARTMENT}).json()["detail"] == f"已有主管部门“{DEPARTMENT}”"
    other_dep = admin.post("/api/departments", json={"name": "上海市某区财政局"}).json()
    u = admin.post("/api/units", json={"name": UNIT, "department_id": dep.json()["id"]}).json()
    assert (u["name"], u["department"]) == (UNIT, DEPARTMENT)
    assert [d["name"] for d in unit.get("/api/departments").json()] == sorted([DEPARTMENT, "上海市某区财政局"])
    assert unit.post("/api/departments", json={"name": "x"}).status_code == 403

    # Moving the unit to another department moves its users, and ends their sessions.
    moved = admin.patch(f"/api/units/{u['id']}", json={"department_id": other_dep["id"]}).json()
    assert moved["department"] == "上海市某区财政局"
    assert store.user_by_name("unit").departments == ["上海市某区财政局"]
    assert unit.get("/api/me").status_code == 401

    # A user's role, unit and departments are edited; the session ends; a deactivated unit is refused.
    reviewer = client_for("reviewer")
    rid = store.user_by_name("reviewer").id
    r = admin.patch(f"/api/users/{rid}", json={"role": "填报", "unit": UNIT})
    assert r.status_code == 200 and (r.json()["role"], r.json()["unit"], r.json()["departments"]) == \
        ("填报", UNIT, ["上海市某区财政局"])
    assert reviewer.get("/api/me").status_code == 401
    admin.patch(f"/api/departments/{dep.json()['id']}", json={"active": False})
    refused = admin.patch(f"/api/users/{rid}", json={"role": "审核", "departments": [DEPARTMENT]})
    assert refused.status_code == 422 and refused.json()["detail"] == f"主管部门“{DEPARTMENT}”已停用，不能分配给用户"
    assert "--" not in refused.json()["detail"]
    fresh = client_for(None).http.post("/api/login", json={"username": "reviewer", "password": PASSWORD})
    assert fresh.status_code == 200 and fresh.json()["user"]["role"] == "填报"

    # Renaming a department renames it on its users.
    admin.patch(f"/api/departments/{other_dep['id']}", json={"name": "上海市某区财政局（新）"})
    assert store.user_by_name("unit").departments == ["上海市某区财政局（新）"]


def test_evidence_is_attached_listed_downloaded_and_deleted(client_for, seeded, store):
    unit, reviewer, other = client_for("unit"), client_for("reviewer"), client_for("other_unit")
    car = seeded["own"][CAR]
    r = unit.post(f"/api/forms/{car}/attachments", files={"file": ("制度文件.pdf", PDF, "application/pdf")},
                  data={"indicator": str(ROW)})
    assert r.status_code == 201, r.text
    a = r.json()
    assert (a["indicator"], a["filename"], a["size"]) == (ROW, "制度文件.pdf", len(PDF))
    again = unit.post(f"/api/forms/{car}/attachments", files={"file": ("副本.pdf", PDF, "application/pdf")}).json()
    assert again["sha256"] == a["sha256"]  # stored once by content
    from jixiao.store.schema import AttachmentBlob
    with store.Session() as s:
        assert s.query(AttachmentBlob).count() == 1

    bad = unit.post(f"/api/forms/{car}/attachments", files={"file": ("x.exe", b"MZ", "application/octet-stream")})
    assert bad.status_code == 422 and "不能作为佐证材料的文件类型" in bad.json()["detail"]
    fake = unit.post(f"/api/forms/{car}/attachments", files={"file": ("假.pdf", b"<html>", "application/pdf")})
    assert fake.status_code == 422 and "文件内容与扩展名 .pdf 不符" in fake.json()["detail"]

    got = unit.get(f"/api/attachments/{a['id']}")
    assert got.content == PDF and got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert other.get(f"/api/attachments/{a['id']}").status_code == 404
    assert other.get(f"/api/forms/{car}/attachments").status_code == 404

    submit_all(unit, [car])
    assert [x["filename"] for x in reviewer.get(f"/api/forms/{car}/attachments").json()] == ["制度文件.pdf", "副本.pdf"]
    assert reviewer.get(f"/api/attachments/{a['id']}").content == PDF
    assert unit.http.delete(f"/api/attachments/{a['id']}", headers={"X-CSRF-Token": unit.csrf}).status_code == 403
    reviewer.post(f"/api/forms/{car}/return", json={"comment": "请补充"})
    assert unit.http.delete(f"/api/attachments/{again['id']}", headers={"X-CSRF-Token": unit.csrf}).status_code == 200
    log = [(e["action"], e["comment"]) for e in unit.get(f"/api/forms/{car}/audit").json() if "佐证" in e["action"]]
    assert log == [("上传佐证材料", "第13行指标“管理人员责任制度”：制度文件.pdf"), ("上传佐证材料", "整张表：副本.pdf"),
                   ("删除佐证材料", "整张表：副本.pdf")]
    with store.Session() as s:
        assert s.query(AttachmentBlob).count() == 1  # still used by the first


def test_progress_counts_forms_by_status_and_waiting_time(client_for, seeded):
    unit, admin = client_for("unit"), client_for("admin")
    submit_all(unit, seeded["own"][:2])
    p = admin.get("/api/dashboard/progress").json()
    assert p["total"]["counts"] == {"草稿": 9, "已提交": 2, "退回": 0, "已审核": 0}
    units = {r["unit"]: r for r in p["units"]}
    assert units[UNIT]["counts"]["已提交"] == 2 and units[UNIT]["waiting_days"] == 0
    assert units[OTHER_UNIT]["counts"]["草稿"] == 1 and units[OTHER_UNIT]["waiting_days"] is None
    assert p["waiting"] == [{"label": "3天以内", "forms": 2}, {"label": "3–7天", "forms": 0},
                            {"label": "7天以上", "forms": 0}]
    page = admin.get("/dashboard").text
    assert 'id="progress-table"' in page and 'id="progress-st-submitted">2<' in page
    reviewer = client_for("reviewer").get("/api/dashboard/progress").json()
    assert reviewer["total"]["counts"]["草稿"] == 0  # reviewers never see drafts


def test_the_pages_keep_a_refused_action_on_the_form_and_ask_before_passing_errors(client_for, seeded):
    unit, reviewer = client_for("unit"), client_for("reviewer")
    car = seeded["own"][CAR]
    asked = unit.post(f"/forms/{car}/status", data={"csrf_token": unit.csrf, "action": "submit", "version": "1"})
    assert asked.status_code == 409 and 'id="confirm-box"' in asked.text and 'name="confirm" value="1"' in asked.text
    done = unit.post(f"/forms/{car}/status", data={"csrf_token": unit.csrf, "action": "submit", "version": "1",
                                                    "confirm": "1"})
    assert done.status_code == 303
    refused = reviewer.post(f"/forms/{car}/status", data={"csrf_token": reviewer.csrf, "action": "return",
                                                          "version": "2", "comment": " "})
    assert refused.status_code == 303 and refused.headers["location"] == f"/forms/{car}"
    page = reviewer.get(f"/forms/{car}").text
    assert 'class="flash flash-error"' in page and "退回时必须填写退回意见" in page

    # From the list: approving a form with an open error asks on a page of its own first.
    batch = reviewer.post("/forms/batch", data={"csrf_token": reviewer.csrf, "action": "approve", "ids": [str(car)]})
    assert batch.status_code == 409 and 'id="confirm-batch"' in batch.text and "S003" in batch.text
    ok = reviewer.post("/forms/batch", data={"csrf_token": reviewer.csrf, "action": "approve", "ids": [str(car)],
                                             "confirm": "1"})
    assert ok.status_code == 303
    assert "已审核通过 1 张自评表。" in reviewer.get(ok.headers["location"]).text


def test_an_administrator_edits_users_and_organisation_on_the_pages(client_for, store):
    admin = client_for("admin")
    for what, extra in (("add-department", {"name": "甲局"}), ("add-department", {"name": "乙局"})):
        assert admin.post("/admin/organisation", data={"csrf_token": admin.csrf, "what": what, **extra}).status_code == 303
    deps = {d["name"]: d["id"] for d in admin.get("/api/departments").json()}
    admin.post("/admin/organisation", data={"csrf_token": admin.csrf, "what": "add-unit", "name": "甲单位",
                                            "department_id": str(deps["甲局"])})
    uid = store.user_by_name("other_reviewer").id
    r = admin.post(f"/admin/users/{uid}", data={"csrf_token": admin.csrf, "edit": "1", "role": "审核", "unit": "",
                                                "departments": ["甲局", "乙局"]})
    assert r.status_code == 303
    assert store.user_by_name("other_reviewer").departments == ["甲局", "乙局"]
    page = admin.get("/admin/users").text
    assert "该用户需重新登录" in page
    dup = admin.post("/admin/organisation", data={"csrf_token": admin.csrf, "what": "add-department", "name": "甲局"})
    assert "已有主管部门“甲局”" in admin.get(dup.headers["location"]).text
