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
    assert [f["project"] for f in (api["forms"] if isinstance(api, dict) else api)] == [dept.project.text]
