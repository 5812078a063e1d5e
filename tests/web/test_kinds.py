"""The web application with forms of the other kinds: the list filtered by kind, the form page
drawn like each paper form with the findings on their cells, the dashboard split by kind."""

from __future__ import annotations

import random

from jixiao.synth.generate import FormMaker
from jixiao.synth.kinds import draw_kind, layout
from jixiao.synth.text import render
from jixiao.web.formview import cell_id


def _import(store, tmp_path, rule: str, seed: int):
    rng = random.Random(seed)
    form, variant, _, _ = draw_kind(rng, FormMaker(rng), rule)
    path = tmp_path / f"{rule}.txt"
    path.write_text(render(layout(form, variant)), encoding="utf-8")
    result = store.import_file(path)
    assert result.forms == 1
    return form, result.form_ids[0]


def test_pages_of_a_transfer_and_a_department_form(store, client_for, tmp_path):
    transfer, t_id = _import(store, tmp_path, "K005", 1)
    dept, d_id = _import(store, tmp_path, "K001", 2)
    admin = client_for("admin")

    page = admin.get(f"/forms/{t_id}").text
    assert "转移支付（项目）名称" in page and "地方主管部门" in page and "资金管理情况" in page
    empty = next(k for k, m in enumerate(transfer.management) if not m.text.text)
    cell = page.split(f'id="{cell_id(f"management[{empty}].text")}"', 1)[1].split("</td>", 1)[0]
    assert "marked sev-warning" in cell and "mark sev-warning" in cell  # K005 on the empty 自评情况

    page = admin.get(f"/forms/{d_id}").text
    assert "部门（单位）名称" in page and "部门预算资金" in page and "得分系数 90%" in page
    k = next(k for k, i in enumerate(dept.indicators) if i.coefficient.text == "90")
    cell = page.split(f'id="{cell_id(f"indicators[{k}].score")}"', 1)[1].split("</td>", 1)[0]
    assert "marked sev-error" in cell and "mark sev-error" in cell  # K001 on the score

    listing = admin.get("/forms?kind=transfer").text
    assert f'href="/forms/{t_id}"' in listing and f'href="/forms/{d_id}"' not in listing
    assert 'value="transfer" selected' in listing
    board = admin.get("/dashboard").text
    assert 'id="by-kind"' in board and "部门整体支出" in board and "转移支付" in board
    api = admin.get("/api/forms?kind=department").json()
    assert [f["project"] for f in api["items"]] == [dept.project.text]


def _fields(page: str) -> dict:
    """The named inputs and text areas of a fill-in page, with their values."""
    import re
    out = {m.group(1): m.group(2) for m in re.finditer(r'<input[^>]*name="([^"]+)" value="([^"]*)"', page)}
    out.update({m.group(1): m.group(2) for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)})
    out.update({m.group(1): "" for m in re.finditer(r'<textarea name="([^"]+)"', page)})
    return out


def test_filling_in_a_new_transfer_form_rescores_live_and_saves_it(store, client_for):
    c = client_for("admin")
    page = c.get("/forms/new?kind=transfer").text
    assert "转移支付区域（项目）绩效自评表" in page and "地方主管部门" in page and "分配科学性" in page
    fields = _fields(page)
    assert fields["kind"] == "transfer"
    fields.update({"project": "农村饮水安全转移支付", "department": "水利部", "local_department": "某市水利局",
                   "unit": "某县水务局", "funds.annual_budget": "800", "funds.executed": "760",
                   "funds.rows[0].annual_budget": "800", "funds.rows[0].executed": "0",
                   "goals.planned": "解决饮水安全问题", "goals.achieved": "基本完成",
                   "indicators[0].name": "受益人口", "indicators[0].target": "≥5000人", "indicators[0].actual": "4000人",
                   "indicators[0].weight": "", "indicators[0].score": ""})
    for k in range(1, 7):
        fields[f"management[{k}].text"] = f"第{k + 1}项情况良好"
    r = c.post("/forms/new/preview", data=fields, headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 200
    marks = r.text.split('id="preview-marks">', 1)[1]
    for key, rule in (("management[0].text", "K005"), ("funds.rows[0].executed", "K004"),
                      ("indicators[0].deviation", "K006")):
        assert cell_id(key) in marks, (key, rule)
        assert rule in r.text
    r = c.post("/forms/new", data=fields, headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 303, r.text[:500]
    row = store.get_form(int(r.headers["location"].rsplit("/", 1)[1]))
    assert row.kind == "transfer" and row.data["local_department"] == "某市水利局"
    assert [f.rule for f in row.findings if f.rule.startswith("K")] == ["K006", "K004", "K005"]


def test_editing_a_flat_list_keeps_its_coefficients(store, client_for, tmp_path):
    dept, d_id = _import(store, tmp_path, "K003", 4)
    c = client_for("admin")
    row = store.get_form(d_id)
    page = c.get(f"/forms/{d_id}/edit").text
    fields = _fields(page)
    fields["goals.achieved"] = "全部完成"
    r = c.post(f"/forms/{d_id}/edit", data=fields, headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 303, r.text[:300]
    after = store.get_form(d_id)
    assert after.version == row.version + 1 and after.kind == "department"
    assert [(i.get("coefficient"), i.get("core")) for i in after.data["indicators"]] == [
        (i.get("coefficient"), i.get("core")) for i in row.data["indicators"]]
    assert any(f.rule == "K003" for f in after.findings)


def test_filling_in_a_new_department_flat_list_rescores_live_and_saves_it(store, client_for):
    c = client_for("admin")
    assert 'href="/forms/new?kind=department&amp;layout=flat"' in c.get("/forms").text
    page = c.get("/forms/new?kind=department&layout=flat").text
    assert "部门（单位）名称" in page and "得分系数(%)" in page and "是否核心指标" in page
    assert "<th>一级指标</th>" not in page
    fields = _fields(page)
    assert fields["kind"] == "department" and "indicators[7].coefficient" in fields
    fields.update({"project": "某市教育局", "funds.annual_budget": "1000", "funds.executed": "950",
                   "funds.weight": "10", "funds.rate": "95%", "funds.score": "9.5",
                   "goals.planned": "保障学校运转", "goals.achieved": "全部完成"})
    flat = [("教师培训人次", "≥500人次", "520人次", "100", "30", "30", "是"),
            ("校舍维修及时率", "≥95%", "98%", "90", "30", "30", "否"),  # met, coefficient 90, full score: K001
            ("家长满意度", "≥90%", "93%", "100", "30", "", "是")]  # a core indicator not scored: K003
    for k, (name, target, actual, coef, weight, score, core) in enumerate(flat):
        fields.update({f"indicators[{k}].name": name, f"indicators[{k}].target": target,
                       f"indicators[{k}].actual": actual, f"indicators[{k}].coefficient": coef,
                       f"indicators[{k}].weight": weight, f"indicators[{k}].score": score,
                       f"indicators[{k}].core": core})
    fields["total.score"] = "99.5"
    r = c.post("/forms/new/preview", data=fields, headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 200
    marks = r.text.split('id="preview-marks">', 1)[1]
    assert cell_id("indicators[1].score") in marks and "K001" in r.text
    assert "K003" in r.text
    r = c.post("/forms/new", data=fields, headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 303, r.text[:500]
    form_id = int(r.headers["location"].rsplit("/", 1)[1])
    row = store.get_form(form_id)
    assert row.kind == "department"
    assert [(i.get("level1"), i.get("coefficient"), i.get("core")) for i in row.data["indicators"]] == [
        (None, "100", "是"), (None, "90", "否"), (None, "100", "是")]
    assert {"K001", "K003"} <= {f.rule for f in row.findings}
    edit = c.get(f"/forms/{form_id}/edit").text  # drawn again as the flat list
    assert "得分系数(%)" in edit and 'name="indicators[1].coefficient" value="90"' in edit
    assert '<option value="否" selected>' in edit
