"""Excel exports: one form in the standard layout, the filtered list as a summary; text that a
spreadsheet would run as a formula stays text — checked by opening the files in LibreOffice."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

HOSTILE = ["=1+1", "+2+3", "-4+5", "@SUM(6,7)", '=HYPERLINK("http://example.invalid","点我")']


def hostile_form() -> dict:
    """A form whose text cells all start like formulas."""
    return {
        "project": HOSTILE[0], "year": 2021, "department": "上海市公安局", "unit": "上海市社会保障卡服务中心",
        "funds": {"annual_budget": "100", "executed": "100", "weight": "10", "rate": "100%", "score": "10"},
        "goals": {"planned": HOSTILE[1], "achieved": HOSTILE[2]},
        "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": HOSTILE[3], "target": ">=1个",
                        "actual": "1个", "weight": "90", "score": "90", "deviation": HOSTILE[4]}],
        "total": {"weight": "100", "score": "100"},
    }


def xlsx_cells(data: bytes, sheet: int = 0) -> list[openpyxl.cell.Cell]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[sheet]
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def libreoffice_csv(data: bytes, tmp: Path) -> str:
    """The first sheet as LibreOffice computes and prints it."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("找不到 LibreOffice（soffice）：请先运行 scripts/setup.sh")
    src = tmp / "in.xlsx"
    src.write_bytes(data)
    env = dict(os.environ, HOME=str(tmp))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                    "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76', "--outdir", str(tmp), str(src)],
                   check=True, capture_output=True, timeout=180, env=env)
    return (tmp / "in.csv").read_text(encoding="utf-8")


@pytest.fixture
def hostile(client_for):
    admin = client_for("admin")
    r = admin.post("/api/forms", json={"form": hostile_form()})
    assert r.status_code == 201, r.text
    return admin, r.json()["id"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_formula_like_text_is_quoted_in_both_exports(hostile, tmp_path):
    admin, form_id = hostile
    one = admin.get(f"/forms/{form_id}/export.xlsx")
    summary = admin.get("/forms/export.xlsx")
    assert one.status_code == summary.status_code == 200
    assert one.headers["content-type"].startswith("application/vnd.openxmlformats")

    for data in (one.content, summary.content):
        texts = {c.value: c for c in xlsx_cells(data) if c.value in HOSTILE}
        assert texts, "the hostile texts are in the workbook"
        for value, cell in texts.items():
            assert cell.data_type == "s" and cell.quotePrefix, value

    # LibreOffice prints the text as typed, never the result of a formula.
    (tmp_path / "form").mkdir()
    (tmp_path / "summary").mkdir()
    form_rows = list(csv.reader(io.StringIO(libreoffice_csv(one.content, tmp_path / "form"))))
    summary_rows = list(csv.reader(io.StringIO(libreoffice_csv(summary.content, tmp_path / "summary"))))
    form_cells = {c for row in form_rows for c in row}
    assert {"=1+1", "+2+3", "-4+5", "@SUM(6,7)"} <= form_cells
    assert "100.00%" in form_cells  # the writer's own 执行率 formula still computes
    assert summary_rows[1][1] == "=1+1"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_summary_lists_the_filtered_forms_with_their_findings(client_for, seeded):
    admin = client_for("admin")
    data = admin.get("/forms/export.xlsx?rule=S003").content
    wb = openpyxl.load_workbook(io.BytesIO(data))

    summary, findings = wb["自评表汇总"], wb["问题明细"]
    projects = [row[1].value for row in summary.iter_rows(min_row=2) if isinstance(row[0].value, int)]
    assert projects == ["2021年(社保卡中心)公务车辆购置费"]
    assert "S003" in [row[2].value for row in findings.iter_rows(min_row=2)]
    assert "rule=S003" in summary.cell(row=4, column=1).value


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_form_export_has_the_standard_layout_and_the_reviews(client_for, seeded):
    admin = client_for("admin")
    form_id = seeded["own"][3]
    data = admin.get(f"/api/forms/{form_id}/export.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(data))

    assert wb.sheetnames == ["2021年(社保卡中心)公务车辆购置费", "复核结果", "问题与复核意见"]
    values = [c.value for c in xlsx_cells(data)]
    assert "项目名称" in values and "2021年(社保卡中心)公务车辆购置费" in values
    issues = [[c.value for c in row] for row in wb["问题与复核意见"].iter_rows(min_row=2)]
    assert any(r[2] == "S003" and r[4] == "第13行指标“管理人员责任制度”的得分" for r in issues)
