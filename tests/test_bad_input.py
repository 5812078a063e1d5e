"""Bad input gets a clear Chinese message with file and line, exit status 2, and no traceback;
the other files in the list are still read."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.errors import ReadError
from jixiao.readers import read_forms
from jixiao.recognize import recognize
from jixiao.readers.text import grid_from_text

from .conftest import SEED
from .test_damage import form_lines


def run_parse(*files):
    return subprocess.run([sys.executable, "-m", "jixiao.cli", "parse", *map(str, files)],
                          capture_output=True, text=True)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("")
    r = run_parse(p)
    assert r.returncode == 2
    assert "文件为空" in r.stderr and str(p) in r.stderr
    assert "Traceback" not in r.stderr


def test_binary_file(tmp_path):
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    r = run_parse(p)
    assert r.returncode == 2
    # a PNG under a text name is read as the image it is (by OCR), and refused as a broken one
    assert "图片文件已损坏" in r.stderr and str(p) in r.stderr
    assert "Traceback" not in r.stderr


def test_binary_file_that_is_no_image(tmp_path):
    p = tmp_path / "data.txt"
    p.write_bytes(b"\x00\x01\x02\x03" + bytes(range(256)))
    r = run_parse(p)
    assert r.returncode == 2
    assert "不是文本文件" in r.stderr
    assert "Traceback" not in r.stderr


def test_text_without_a_form(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("会议纪要\n今天讨论了预算编制。\n", encoding="utf-8")
    r = run_parse(p)
    assert r.returncode == 2
    assert "没有找到自评表" in r.stderr


def test_form_cut_off_in_the_middle(tmp_path):
    """A form that stops after its funds block: says what is missing and the last line read."""
    lines = form_lines(0)
    cut = next(i for i, line in enumerate(lines) if line.startswith("年度 总体 目标"))
    p = tmp_path / "cut.txt"
    p.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
    r = run_parse(p)
    assert r.returncode == 2
    assert "不完整" in r.stderr and "绩效指标表头" in r.stderr
    assert f"{p} 第{cut}行" in r.stderr
    assert "Traceback" not in r.stderr


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    missing = tmp_path / "missing.txt"
    r = run_parse(bad, SEED, missing)
    assert r.returncode == 2
    assert "共读取 10 张自评表，2 处错误" in r.stdout
    assert "文件不存在" in r.stderr


def test_cut_form_among_good_forms_keeps_the_good_ones(tmp_path):
    lines = form_lines(0)[:12] + [""] + form_lines(1)
    p = tmp_path / "two.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    forms, errors = read_forms(p)
    assert [f.project.text for f in forms] == ["2021年(社保卡中心)声讯系统运行费"]
    assert len(errors) == 1 and "交换平台运行费" in errors[0].message


def test_a_directory_is_no_file(tmp_path):
    """A directory given as a file says so, whatever its name ends with (POSIX opens a
    directory for reading; reading it fails), and a missing file says it is missing."""
    for name in ("forms", "forms.txt", "forms.json", "forms.xlsx"):
        d = tmp_path / name
        d.mkdir()
        forms, errors = read_forms(d)
        assert forms == [] and [e.message for e in errors] == ["这是一个目录，不是文件"], name
        assert errors[0].loc.file == str(d)
    forms, errors = read_forms(tmp_path / "missing.txt")
    assert forms == [] and [e.message for e in errors] == ["文件不存在"]


def test_gb18030_text_is_read(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    forms, errors = read_forms(p)
    assert len(forms) == 10 and errors == []


def test_a_byte_order_mark_is_not_text(tmp_path):
    """UTF-8 with a BOM reads as without it; a BOM before bytes that are no UTF-8 leaves the
    whole file, BOM included, to GB18030 (as the utf-8-sig codec the reader stands in for)."""
    from jixiao.readers.text import decode

    plain, with_bom = tmp_path / "plain.txt", tmp_path / "bom.txt"
    plain.write_bytes(SEED.read_bytes())
    with_bom.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes())
    a, b = read_forms(plain)[0], read_forms(with_bom)[0]
    assert [x.project.text for x in a] == [x.project.text for x in b] and len(a) == 10

    def by_codecs(data: bytes) -> str | None:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                pass
        return None

    def by_reader(data: bytes) -> str | None:
        try:
            return decode(data, "x.txt")
        except ReadError:
            return None

    gb_after_bom = b"\xef\xbb\xbfa" + "中文".encode("gb18030")
    for data in (gb_after_bom, b"\xef\xbb\xbf\xd6\xd0\xce\xc4", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbfabc",
                 "项目".encode("gb18030"), b"\xef\xbb", "\ufeff项目\t1".encode("utf-8")):
        assert by_reader(data) == by_codecs(data), data
    assert by_reader(gb_after_bom) == gb_after_bom.decode("gb18030")  # no UTF-8 after the BOM: GB18030 reads it all


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text):
    forms, errors = recognize(grid_from_text(text, "x.txt"))
    assert all(isinstance(e, ReadError) for e in errors)


SEED_ROWS = SEED.read_text(encoding="utf-8").splitlines()
_cell = st.sampled_from(sorted({c for line in SEED_ROWS for c in line.split("\t")}) + ["", "—", "总分", "1,2", "%"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(SEED_ROWS), st.lists(_cell, max_size=10).map("\t".join)), max_size=60))
def test_shuffled_seed_rows_never_raise(rows):
    """Rows of real forms in any order and mixture: forms or clear errors, never a crash."""
    forms, errors = recognize(grid_from_text("\n".join(rows), "x.txt"))
    assert all(isinstance(e, ReadError) for e in errors)
    for f in forms:
        assert f.project.text


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("b") / "x.txt"
    p.write_bytes(data)
    forms, errors = read_forms(p)
    assert all(isinstance(e, ReadError) for e in errors)
    assert forms or errors


def test_parse_names_the_layout_family_and_what_a_cut_off_form_lacks(tmp_path):
    """`jixiao parse` says which layout family it read (版式) and keeps a form cut off before its
    indicator table, saying what is missing; `--json` has `layout` and `incomplete`."""
    import json

    lines = form_lines(0)
    cut = next(i for i, line in enumerate(lines) if line.split("\t")[1:2] == ["一级指标"])
    p = tmp_path / "cut.txt"
    p.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
    r = run_parse(p, SEED)
    assert r.returncode == 0, r.stderr
    assert "版式：不完整（缺少绩效指标表）" in r.stdout and "不完整，缺少：绩效指标表" in r.stdout
    assert "版式：标准版式" in r.stdout
    out = subprocess.run([sys.executable, "-m", "jixiao.cli", "parse", str(p), "--json"], capture_output=True,
                         text=True)
    [d] = json.loads(out.stdout)
    assert d["layout"] == "cut-off" and d["incomplete"][0].startswith("绩效指标表")
