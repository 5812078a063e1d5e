"""Legacy Word (.doc), WPS (.wps, .et) and OpenDocument (.odt, .ods) files, made by LibreOffice
from a generated workbook and document, read to the same facts as the .xlsx/.docx they came from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jixiao.readers import convert, read_forms

from ..conftest import facts
from . import build
from .office import office  # noqa: F401 - a fixture
from .test_layouts import BASE, check_base


@pytest.fixture(scope="module")
def files(tmp_path_factory, office) -> dict[str, Path]:  # noqa: F811
    """The form as .xlsx and .docx, and LibreOffice's .odt (from the docx), .doc (from the .odt:
    LibreOffice drops python-docx's table when it writes a .doc straight from the .docx) and
    .ods/.xls (from the workbook); .wps is WPS Writer's OLE2 Word binary and .et its BIFF workbook, as
    WPS Office saves them: the .doc and .xls under those names."""
    d = tmp_path_factory.mktemp("convert")
    build.to_xlsx(BASE, d / "form.xlsx")
    build.to_docx(BASE, d / "form.docx")
    out = {"xlsx": d / "form.xlsx", "docx": d / "form.docx"}
    lo = d / "lo"
    out["doc"], out["odt"] = (lo / "doc" / "form.doc", lo / "odt" / "form.odt")
    office.convert(d / "form.docx", "odt", lo / "odt")
    office.convert(out["odt"], "doc", lo / "doc")
    office.convert(d / "form.xlsx", "ods", lo / "ods")
    office.convert(d / "form.xlsx", "xls", lo / "xls")
    out["ods"], out["xls"] = lo / "ods" / "form.ods", lo / "xls" / "form.xls"
    out["wps"] = shutil.copyfile(out["doc"], d / "form.wps")
    out["et"] = shutil.copyfile(out["xls"], d / "form.et")
    return out


@pytest.mark.parametrize("fmt,like", [("doc", "docx"), ("wps", "docx"), ("odt", "docx"), ("ods", "xlsx"),
                                      ("et", "xlsx")])
def test_read_through_libreoffice_to_the_same_facts(files, fmt, like):
    forms, errors = read_forms(files[fmt])
    assert errors == [], [str(e) for e in errors]
    assert len(forms) == 1
    check_base(forms[0])
    base, _ = read_forms(files[like])
    assert facts(forms[0]) == facts(base[0])
    # locations name the user's file, never the converted copy
    assert forms[0].source.file == str(files[fmt])
    assert {i.name.loc.file for i in forms[0].indicators} == {str(files[fmt])}


def test_without_libreoffice_the_message_says_what_to_do(files, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    forms, errors = read_forms(files["doc"])
    assert forms == []
    assert [e.message for e in errors] == [
        "读取旧版 Word（.doc）或 WPS 文字（.wps）文件需要 LibreOffice（soffice），本机未安装；"
        "请安装 LibreOffice，或用 Word/WPS 另存为 .docx 后再读取"]
    assert errors[0].loc.file == str(files["doc"])


def test_a_conversion_that_runs_over_its_time_limit_is_stopped(files, monkeypatch):
    monkeypatch.setattr(convert, "TIMEOUT", 0.05)
    forms, errors = read_forms(files["ods"])
    assert forms == []
    assert [e.message for e in errors] == [
        "用 LibreOffice 转换OpenDocument 表格（.ods）文件超过 0.05 秒仍未完成，已停止；请用 Word/WPS 另存为 .xlsx 后再读取"]
    monkeypatch.undo()  # the killed run's profile is not left locked for the next conversion
    forms, errors = read_forms(files["ods"])
    assert len(forms) == 1 and errors == []


def test_a_broken_file_is_reported_and_the_batch_goes_on(files, tmp_path):
    broken = tmp_path / "broken.odt"
    data = files["odt"].read_bytes()
    broken.write_bytes(data[: len(data) // 2])  # cut short: the zip directory is gone
    forms, errors = read_forms(broken)
    assert forms == [] and len(errors) == 1
    assert errors[0].loc.file == str(broken)
    forms, errors = read_forms(files["odt"])
    assert len(forms) == 1 and errors == []
