"""Fill-in, audit log, optimistic locking and the review workflow, on SQLite and PostgreSQL.

The seed's 公务车辆购置费 (4th form) has 管理人员责任制度: target 完善, actual 完善, 2 of 4 points
— S003 (met but not full points). Its re-score is 100, its printed total 98.
"""

from __future__ import annotations

import copy

CAR = 3  # index of 公务车辆购置费 among the seed forms
ROW = 12  # 管理人员责任制度


def car(seeded) -> int:
    return seeded["own"][CAR]


def rules_of(form: dict) -> set[tuple[str, str]]:
    return {(f["rule"], f["field"]) for f in form["findings"]}


def test_changing_an_actual_value_rescores_and_rechecks_the_form(client_for, seeded):
    unit = client_for("unit")
    form = unit.get(f"/api/forms/{car(seeded)}").json()
    assert ("S003", f"indicators[{ROW}].score") in rules_of(form)
    assert form["rescored_total"] == "100.00"

    edited = copy.deepcopy(form)
    edited["indicators"][ROW]["actual"] = "基本完善"  # now only partly achieved: 60–80 % of 4 points
    r = unit.put(f"/api/forms/{form['id']}", json={"version": form["version"], "form": edited})

    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["version"] == 2
    assert saved["indicators"][ROW]["actual"] == "基本完善"
    assert ("S003", f"indicators[{ROW}].score") not in rules_of(saved)
    assert ("S004", f"indicators[{ROW}].score") in rules_of(saved)  # 2 is below the partial band 2.4–3.2
    assert saved["rescored_total"] == "98.40"
    assert saved["assessment"]["indicators"][ROW]["achievement"] == "partial"


def test_every_change_is_in_the_audit_log(client_for, seeded):
    unit = client_for("unit")
    form = unit.get(f"/api/forms/{car(seeded)}").json()
    edited = copy.deepcopy(form)
    edited["indicators"][ROW]["score"] = "4"
    edited["total"]["score"] = "100"
    unit.put(f"/api/forms/{form['id']}", json={"version": 1, "form": edited})

    log = unit.get(f"/api/forms/{form['id']}/audit").json()
    changes = [(e["username"], e["action"], e["field"], e["old"], e["new"]) for e in log if e["action"] == "修改"]
    assert changes == [("unit", "修改", f"indicators[{ROW}].score", "2", "4"),
                       ("unit", "修改", "total.score", "98", "100")]
    page = unit.get(f"/forms/{form['id']}").text
    assert "第13行指标“管理人员责任制度”的得分" in page


def test_two_people_saving_the_same_version_cannot_overwrite_each_other(client_for, seeded, store):
    first, second = client_for("unit"), client_for("admin")
    form = first.get(f"/api/forms/{car(seeded)}").json()
    mine, theirs = copy.deepcopy(form), copy.deepcopy(form)
    mine["indicators"][ROW]["score"] = "4"
    theirs["indicators"][ROW]["score"] = "3"

    ok = first.put(f"/api/forms/{form['id']}", json={"version": 1, "form": mine})
    late = second.put(f"/api/forms/{form['id']}", json={"version": 1, "form": theirs})

    assert ok.status_code == 200
    assert late.status_code == 409
    assert "已被其他人修改" in late.json()["detail"] and late.json()["current_version"] == 2
    assert store.get_form(form["id"]).data["indicators"][ROW]["score"] == "4"


def test_the_conflict_page_keeps_what_the_user_typed(client_for, seeded, store):
    unit = client_for("unit")
    form_id = car(seeded)
    data = store.get_form(form_id).data
    fields = {"csrf_token": unit.csrf, "version": "1", "project": data["project"], "year": "2021",
              "department": data["department"], "unit": data["unit"], "amount_unit": "元"}
    for k, ind in enumerate(data["indicators"]):
        for col in ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation"):
            fields[f"indicators[{k}].{col}"] = ind.get(col) or ""
    first = dict(fields, **{f"indicators[{ROW}].score": "4"})
    second = dict(fields, **{f"indicators[{ROW}].deviation": "我写的偏差原因"})

    assert unit.post(f"/forms/{form_id}/edit", data=first).status_code == 303
    page = unit.post(f"/forms/{form_id}/edit", data=second)

    assert page.status_code == 409
    assert "已被其他人修改" in page.text and "我写的偏差原因" in page.text
    assert store.get_form(form_id).data["indicators"][ROW]["deviation"] != "我写的偏差原因"


def test_review_workflow_draft_submitted_returned_submitted_approved(client_for, seeded):
    unit, reviewer = client_for("unit"), client_for("reviewer")
    form_id = car(seeded)

    assert reviewer.post(f"/api/forms/{form_id}/approve", json={"version": 1}).status_code == 404  # a draft: unseen
    asked = unit.post(f"/api/forms/{form_id}/submit", json={"version": 1})
    assert asked.status_code == 409 and [e["rule"] for e in asked.json()["open_errors"]] == ["S003"]
    submitted = unit.post(f"/api/forms/{form_id}/submit", json={"version": 1, "confirm": True}).json()
    assert submitted["status"] == "已提交"
    edited = copy.deepcopy(submitted)
    assert unit.put(f"/api/forms/{form_id}", json={"version": 2, "form": edited}).status_code == 403  # locked

    no_comment = reviewer.post(f"/api/forms/{form_id}/return", json={"version": 2})
    assert no_comment.status_code == 422 and "退回意见" in no_comment.json()["detail"]
    finding = next(f for f in submitted["findings"] if f["rule"] == "S003")
    r = reviewer.post(f"/api/forms/{form_id}/findings/{finding['id']}/review",
                      json={"decision": "需更正", "comment": "完善即达成，应得满分"})
    assert r.status_code == 200 and r.json()["review"]["decision"] == "需更正"
    returned = reviewer.post(f"/api/forms/{form_id}/return", json={"version": 2, "comment": "请更正得分"}).json()
    assert returned["status"] == "退回"

    edited = copy.deepcopy(returned)
    edited["indicators"][ROW]["deviation"] = "已按审核意见说明"
    fixed = unit.put(f"/api/forms/{form_id}", json={"version": returned["version"], "form": edited}).json()
    kept = next(f for f in fixed["findings"] if f["rule"] == "S003")
    assert kept["review"]["comment"] == "完善即达成，应得满分"  # the review survives the re-check
    again = unit.post(f"/api/forms/{form_id}/submit", json={"version": fixed["version"], "confirm": True}).json()
    assert reviewer.post(f"/api/forms/{form_id}/approve", json={"version": again["version"]}).status_code == 409
    approved = reviewer.post(f"/api/forms/{form_id}/approve", json={"version": again["version"], "confirm": True}).json()
    assert approved["status"] == "已审核"

    steps = [(e["username"], e["action"], e["new"]) for e in reviewer.get(f"/api/forms/{form_id}/audit").json()
             if e["field"] == "status"]
    assert steps == [("unit", "提交", "已提交"), ("reviewer", "退回", "退回"), ("unit", "提交", "已提交"),
                     ("reviewer", "审核通过", "已审核")]


def test_a_new_form_from_the_blank_template_is_scored_on_creation(client_for):
    unit = client_for("unit")
    page = unit.get("/forms/new")
    assert page.status_code == 200 and 'value="上海市社会保障卡服务中心"' in page.text

    fields = {"csrf_token": unit.csrf, "project": "新项目", "year": "2022", "department": "上海市公安局",
              "unit": "上海市社会保障卡服务中心", "amount_unit": "元", "funds.annual_budget": "1000",
              "funds.executed": "900", "funds.weight": "10", "funds.rate": "90%", "funds.score": "9",
              "goals.planned": "目标", "goals.achieved": "完成",
              "indicators[0].level1": "产出指标", "indicators[0].level2": "数量指标", "indicators[0].name": "完成数",
              "indicators[0].target": ">=10个", "indicators[0].actual": "8个", "indicators[0].weight": "90",
              "indicators[0].score": "90", "indicators[1].name": "", "total.weight": "100", "total.score": "99"}
    r = unit.post("/forms/new", data=fields)
    assert r.status_code == 303
    form = unit.get("/api" + r.headers["location"]).json()
    assert form["status"] == "草稿" and len(form["indicators"]) == 1  # the blank row is dropped
    assert form["rescored_total"] == "81.00"  # 9 + 8/10 × 90
    assert ("S002", "indicators[0].score") in rules_of(form)


def test_the_preview_rescores_without_saving(client_for, seeded, store):
    unit = client_for("unit")
    form_id = car(seeded)
    data = store.get_form(form_id).data
    fields = {"csrf_token": unit.csrf, "project": data["project"], "year": "2021", "unit": data["unit"],
              "department": data["department"]}
    for k, ind in enumerate(data["indicators"]):
        for col in ("level1", "level2", "name", "target", "actual", "weight", "score"):
            fields[f"indicators[{k}].{col}"] = ind.get(col) or ""
    fields[f"indicators[{ROW}].score"] = "4"

    r = unit.post(f"/forms/{form_id}/preview", data=fields)
    assert r.status_code == 200 and "preview-marks" in r.text
    assert "S003" not in r.text
    assert store.get_form(form_id).version == 1


def test_a_unit_user_cannot_create_a_form_for_another_unit(client_for):
    r = client_for("unit").post("/api/forms", json={"form": {"project": "x", "unit": "别的单位", "department": "d"}})
    assert r.status_code == 403


def test_the_blank_form_rescores_as_it_is_filled_in(client_for):
    unit = client_for("unit")
    fields = {"csrf_token": unit.csrf, "project": "试填", "unit": "上海市社会保障卡服务中心", "funds.weight": "10",
              "funds.annual_budget": "100", "funds.executed": "50", "funds.rate": "50%", "funds.score": "10"}
    r = unit.post("/forms/new/preview", data=fields)
    assert r.status_code == 200
    assert "F004" in r.text  # 50% executed earns 5 of 10 points, not 10
    assert 'id="preview-rescored">5<' in r.text
    assert client_for("reviewer").get("/forms/new").status_code == 403


def test_audit_times_are_shown_in_beijing_time(client_for, seeded, store):
    from datetime import timedelta, timezone

    unit = client_for("unit")
    entry = store.audit(car(seeded))[0]
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=timezone.utc)
    shown = at.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")
    assert shown in unit.get(f"/forms/{car(seeded)}").text
