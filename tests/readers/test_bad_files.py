"""Broken, hostile and oversized files: a clear Chinese error that says what and where, bounded
time and memory, and the other files of a batch still read."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.errors import ReadError
from jixiao.readers import read_forms, safety

from . import build
from .test_layouts import BASE

SEED_TEXT = Path(__file__).resolve().parents[1].parent / "examples" / "shanghai-2021.txt"


def one_error(path: Path) -> str:
    forms, errors = read_forms(path)
    assert forms == [] and len(errors) == 1, [str(e) for e in errors]
    assert str(path) in str(errors[0])
    return errors[0].message


@pytest.fixture
def good_xlsx(tmp_path) -> Path:
    path = tmp_path / "good.xlsx"
    build.to_xlsx(BASE, path)
    return path


@pytest.fixture
def good_docx(tmp_path) -> Path:
    path = tmp_path / "good.docx"
    build.to_docx(BASE, path)
    return path


# -- corrupt ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ending", ["xlsx", "docx"])
def test_a_file_cut_short(tmp_path, good_xlsx, good_docx, ending):
    good = good_xlsx if ending == "xlsx" else good_docx
    path = tmp_path / f"cut.{ending}"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "已损坏" in one_error(path)


@pytest.mark.parametrize("ending,part", [("xlsx", "xl/workbook.xml"), ("docx", "word/document.xml")])
def test_a_part_that_is_not_xml(tmp_path, good_xlsx, good_docx, ending, part):
    good = good_xlsx if ending == "xlsx" else good_docx
    path = build.rewrite(good, tmp_path / f"broken.{ending}", part, lambda data: b"<not xml" + data[:50])
    assert "已损坏" in one_error(path)


def test_a_workbook_without_its_workbook_part(tmp_path, good_xlsx):
    path = tmp_path / "nobook.xlsx"
    with zipfile.ZipFile(good_xlsx) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            if info.filename != "xl/workbook.xml":
                zout.writestr(info.filename, zin.read(info.filename))
    message = one_error(path)
    assert "ZIP 压缩包" in message  # no workbook part: not an Excel file at all


def test_a_pdf_cut_short(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    assert "PDF" in one_error(path)


# -- password-protected -----------------------------------------------------------------------------
@pytest.mark.parametrize("ending", ["xlsx", "docx"])
def test_a_password_protected_file(tmp_path, good_xlsx, good_docx, ending):
    """Excel and Word save a file with an opening password as an encrypted OLE container."""
    from msoffcrypto.format.ooxml import OOXMLFile

    good = good_xlsx if ending == "xlsx" else good_docx
    path = tmp_path / f"secret.{ending}"
    with good.open("rb") as fh, path.open("wb") as out:
        OOXMLFile(fh).encrypt("secret", out)
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    assert "文件已加密" in one_error(path)


# -- hostile ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ending,part", [("xlsx", "xl/worksheets/sheet1.xml"), ("docx", "word/document.xml")])
def test_a_zip_bomb(tmp_path, good_xlsx, good_docx, ending, part):
    """A part that inflates from kilobytes to 64 MB is refused from the zip directory, unread."""
    good = good_xlsx if ending == "xlsx" else good_docx
    path = tmp_path / f"bomb.{ending}"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == part:
                with zout.open(part, "w") as fh:
                    fh.write(zin.read(part)[:-20])
                    chunk = b" " * (1 << 20)
                    for _ in range(64):
                        fh.write(chunk)
            else:
                zout.writestr(info.filename, zin.read(info.filename))
    assert path.stat().st_size < 1_000_000
    started = time.perf_counter()
    message = one_error(path)
    assert "压缩炸弹" in message and part in message
    assert time.perf_counter() - started < 2


def test_a_zip_larger_than_the_limit(tmp_path, good_xlsx, monkeypatch):
    monkeypatch.setattr(safety, "MAX_TOTAL", 1024 * 1024)
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(good_xlsx) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("xl/media/image1.bin", bytes(range(256)) * 5000)
    assert "文件过大" in one_error(path)


XXE = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'


@pytest.mark.parametrize("ending,part", [("xlsx", "xl/workbook.xml"), ("xlsx", "xl/sharedStrings.xml"),
                                         ("docx", "word/document.xml")])
def test_xml_with_an_external_entity(tmp_path, good_xlsx, good_docx, ending, part):
    good = good_xlsx if ending == "xlsx" else good_docx
    if ending == "xlsx" and part == "xl/sharedStrings.xml":
        with zipfile.ZipFile(good) as zf:
            if part not in zf.namelist():
                part = "xl/styles.xml"

    def add_doctype(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return XXE + body

    path = build.rewrite(good, tmp_path / f"xxe.{ending}", part, add_doctype)
    message = one_error(path)
    assert "实体声明" in message and part in message


def test_a_doctype_hidden_behind_a_comment(tmp_path, good_docx):
    path = build.rewrite(good_docx, tmp_path / "xxe.docx", "word/document.xml",
                    lambda data: b"<?xml version='1.0'?><!-- " + b"x" * 5000 + b" -->" + XXE[22:] + data.split(b"?>", 1)[1])
    assert "实体声明" in one_error(path)


def test_a_2000_page_pdf_is_refused_quickly(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(tiny_pdf(2000))
    started = time.perf_counter()
    message = one_error(path)
    assert message == "PDF 共 2000 页，超过上限 500 页；请拆分后再读取"
    assert time.perf_counter() - started < 5


def tiny_pdf(pages: int) -> bytes:
    """A valid PDF of `pages` empty pages, written by hand (objects, xref table, trailer)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None, b"<< /Length 0 >>\nstream\n\nendstream"]
    kids = []
    for k in range(pages):
        kids.append(f"{4 + k} 0 R".encode())
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count " + str(pages).encode() + b" >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_short_pdf_made_by_the_same_generator_is_read(tmp_path):
    """The generator makes real PDFs: three empty pages read as a file with no form in it."""
    path = tmp_path / "three.pdf"
    path.write_bytes(tiny_pdf(3))
    assert one_error(path).startswith("文件中没有找到自评表")


# -- no form ----------------------------------------------------------------------------------------
def test_a_workbook_with_no_form_names_the_sheets_it_looked_at(tmp_path):
    path = tmp_path / "budget.xlsx"
    wb = build.to_xlsx("科目 | 金额\n办公费 | 1,000.00", path, sheet="预算")
    build.to_xlsx("说明 | 无", path, sheet="说明", workbook=wb)
    assert one_error(path) == "文件中没有找到自评表（没有“项目名称”行或“财政项目支出绩效自评表”标题）（已查看 2 个工作表：预算、说明）"


def test_a_document_with_no_form(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_paragraph("关于2022年度预算编制的通知")
    path = tmp_path / "notice.docx"
    doc.save(str(path))
    assert one_error(path).startswith("文件中没有找到自评表")


def test_a_form_cut_off_in_a_workbook_says_which_sheet_and_row(tmp_path):
    cut = "\n".join([line for line in BASE.splitlines() if line.strip()][:9])  # stops after the funds block
    path = tmp_path / "cut.xlsx"
    build.to_xlsx(cut, path, sheet="自评表")
    forms, errors = read_forms(path)
    assert forms == [] and len(errors) == 1
    assert str(errors[0]).startswith(f"{path} 自评表 第9行: 自评表“社区养老服务补贴”（自第1行起）不完整")
    assert "绩效指标表头" in errors[0].message


# -- a batch goes on ---------------------------------------------------------------------------------
def test_one_broken_file_never_stops_the_batch(tmp_path, good_xlsx):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b" " * (8 << 20))
    scan = tmp_path / "scan.pdf"
    from PIL import Image

    Image.new("RGB", (100, 100), "white").save(scan, "PDF")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    r = subprocess.run([sys.executable, "-m", "jixiao.cli", "parse", str(bomb), str(good_xlsx), str(scan), str(empty),
                        str(SEED_TEXT)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "共读取 11 张自评表，3 处错误" in r.stdout
    # the scan goes to OCR, which finds its one small page too small to read
    assert "压缩炸弹" in r.stderr and "第1页图片太小" in r.stderr and "文件为空" in r.stderr
    assert "Traceback" not in r.stderr


# -- anything at all ----------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ending=st.sampled_from(["xlsx", "docx", "pdf", "xls", "html", "md"]), cut=st.integers(0, 4000),
       noise=st.binary(max_size=64))
def test_damaged_office_files_only_ever_give_read_errors(tmp_path, good_xlsx, good_docx, ending, cut, noise):
    """A real file, cut anywhere and with noise spliced in, under every ending: forms or ReadErrors."""
    source = {"xlsx": good_xlsx, "docx": good_docx}.get(ending, good_xlsx)
    data = source.read_bytes()
    data = data[:cut] + noise + data[cut + len(noise):]
    path = tmp_path / f"damaged.{ending}"
    path.write_bytes(data)
    forms, errors = read_forms(path)
    assert all(isinstance(e, ReadError) for e in errors)
    assert forms or errors
