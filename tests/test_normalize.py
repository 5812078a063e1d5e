"""Text normalisation before labels are matched: radical code points, compatibility characters
and Traditional characters read as the Simplified text they stand for; the original is kept."""

from __future__ import annotations

import unicodedata

import opencc
import pytest

from jixiao.normalize import normalize
from jixiao.readers import read_forms

from .conftest import facts

# every Kangxi radical → the code point it stands for, reversed: what Chromium writes for it
KANGXI = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)}


@pytest.mark.parametrize("damaged,clean", [
    ("项⽬⽀出绩效⾃评表", "项目支出绩效自评表"),  # Kangxi Radicals (NFKC)
    ("⻓效管理 ⻅效 ⻛险 ⻜⾏ ⻔户 ⻘年 ⻋辆 ⻚⾯", "长效管理 见效 风险 飞行 门户 青年 车辆 页面"),  # Supplement (table)
    ("項目名稱", "项目名称"),
    ("產出指標 滿意度 質量指標 時效指標", "产出指标 满意度 质量指标 时效指标"),
    ("１２０万元 ９３％", "120万元 93%"),  # full-width digits and per cent
])
def test_damaged_text_reads_as_simplified(damaged, clean):
    assert normalize(damaged) == clean


def test_every_radical_of_the_supplement_reads_as_its_unified_ideograph():
    """The whole CJK Radicals Supplement block: each assigned code point but U+2E80 (which has no
    equivalent) becomes a CJK unified ideograph (Simplified where OpenCC simplifies it), and the
    ten rare ones mapped last read as Unicode's EquivalentUnifiedIdeograph.txt says."""
    mapped = 0
    for cp in range(0x2E80, 0x2F00):
        ch = chr(cp)
        name = unicodedata.name(ch, "")
        got = normalize(ch)
        if not name or cp == 0x2E80:
            assert got == ch, hex(cp)
            continue
        assert name.startswith("CJK RADICAL"), hex(cp)
        assert len(got) == 1 and unicodedata.name(got).startswith("CJK UNIFIED IDEOGRAPH"), (hex(cp), got)
        mapped += 1
    assert mapped == 114
    rare = "⺇⺈⺑⺪⺴⺵⻊⻕⻞⻡"
    assert normalize(rare) == "\U00020628刀\U00021BC2\U00024D14冗\U0002626B\U00027FB7\U00028E0F\U0002967F\U00029810"


@pytest.mark.parametrize("text", [
    "其中：当年财政拨款", "项目资金（元）", "项目指标不够完善，影响项目长效管理。", "≥90%", "ASCII only", "",
])
def test_clean_text_and_cjk_punctuation_are_kept(text):
    assert normalize(text) is text


@pytest.mark.parametrize("damage", ["traditional", "radicals"])
def test_damaged_seed_reads_to_the_same_facts(seed_path, tmp_path, damage):
    text = seed_path.read_text(encoding="utf-8")
    if damage == "traditional":
        damaged = opencc.OpenCC("s2t").convert(text)
    else:
        damaged = "".join(KANGXI.get(ch, ch) for ch in text)
    assert damaged != text
    path = tmp_path / "damaged.txt"
    path.write_text(damaged, encoding="utf-8")
    base, _ = read_forms(seed_path)
    forms, errors = read_forms(path)
    assert errors == []
    assert [facts(f) for f in forms] == [facts(f) for f in base]
    # each form says what was changed, where: its own rows only
    notes = [[r for r in f.repairs if r.kind == "normalize-text"] for f in forms]
    assert all(len(n) == 1 for n in notes)
    first = notes[0][0]
    assert "“财政项⽬⽀出绩效⾃评表”→“财政项目支出绩效自评表”（第3行第1列）" in first.message or \
        "“財政項目支出績效自評表”→“财政项目支出绩效自评表”（第3行第1列）" in first.message
    lines = [[loc.line for loc in n[0].locs] for n in notes]
    for mine, nxt in zip(lines, lines[1:]):
        assert max(mine) < min(nxt)
