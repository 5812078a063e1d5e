"""The line-by-line reader of the standard text layout (jixiao/recognize_plain.py) gives exactly
the forms the general recogniser gives, or declines.

Every text is read both ways: `read_plain` must either return None (the file goes to the general
recogniser) or forms equal, field by field and location by location, to what `recognize` finds
in the same text. The texts are generated forms (one and several per file, 元 and 万元, every
kind of injected inconsistency, files cut short), the seed, and the same texts damaged at random
in the ways PDF-to-text tools damage them. The fast path must also actually be taken for clean
generated forms, or the speed it exists for would be lost without any test failing.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.readers import read_forms
from jixiao.readers.text import grid_from_text
from jixiao.recognize import recognize
from jixiao.recognize_plain import read_plain
from jixiao.synth.corpus import write_corpus

from .conftest import SEED

LABELS = ["", "产出指标", "效益指标", "满意度指标", "数量指标", "质量指标", "社会效益指标", "服务对象满意度指标",
          "成本指标", "经济成本指标", "产出指标(50分)", "满意度", "10", "=100%", "健全", "合计", "总分", "其中：",
          "1、测试", "★核心", "偏差原因", "项目名称", "实施单位", "主管部门：某局", "—", "0", "98.5%", "≥90%",
          "单位：万元", "年度总体目标", "预算目标", "实际完成情况", "一级指标", "自评表", "产出 指标"]


def general(text: str, name: str):
    return recognize(grid_from_text(text, name))


def assert_same(text: str, name: str = "x.txt") -> bool:
    """read_plain agrees with the general recogniser on `text`; True when it read the text."""
    got = read_plain(text, name)
    if got is None:
        return False
    forms, errors = general(text, name)
    assert errors == []
    assert got == forms
    return True


def damage(lines: list[str], rng: random.Random) -> None:
    """One random change of the kinds real text forms have: a cell split or emptied, a row shifted,
    split, doubled or moved, a label or value put somewhere, wrap spaces, other operators."""
    k = rng.randrange(len(lines))
    cells = lines[k].split("\t")
    op = rng.randrange(12)
    if op == 0:
        i = rng.randrange(len(cells))
        t = cells[i]
        if len(t) > 2:
            p = rng.randrange(1, len(t))
            cells[i] = t[:p] + " " + t[p:]
    elif op == 1 and len(cells) > 1:
        del cells[0]
    elif op == 2 and k + 1 < len(lines):
        lines[k], lines[k + 1] = lines[k + 1], lines[k]
        return
    elif op == 3 and len(cells) > 1:
        del cells[rng.randrange(len(cells))]
    elif op == 4:
        lines.insert(k, lines[k])
        return
    elif op == 5:
        cells.insert(0, "")
    elif op == 6:
        cells.append(rng.choice(["", "x", "备注", "10"]))
    elif op == 7:
        lines.insert(k, "")
        return
    elif op == 8:
        cells[rng.randrange(len(cells))] = rng.choice(LABELS)
    elif op == 9:
        a = [c if j < 4 else "" for j, c in enumerate(cells)]
        b = ["" if j < 4 else c for j, c in enumerate(cells)]
        lines[k:k + 1] = ["\t".join(b), "\t".join(a)] if rng.random() < 0.5 else ["\t".join(a), "\t".join(b)]
        return
    elif op == 10:
        i = rng.randrange(len(cells))
        cells[i] = cells[i].replace("%", "％").replace(">=", "≥").replace("=", "＝")
    else:
        i = rng.randrange(len(cells))
        cells[i] = cells[i] + "（50分）" if cells[i] else cells[i]
    lines[k] = "\t".join(cells)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """Generated text forms: 160 of one form per file (every injected rule, 2 % cut short) and
    20 files of three forms each."""
    root = tmp_path_factory.mktemp("plain")
    write_corpus(root / "one", 160, seed=21, formats=("txt",), error_share=0.6)
    write_corpus(root / "many", 60, seed=22, formats=("txt",), error_share=0.3, per_file=3)
    return sorted(root.rglob("*.txt"))


def test_generated_forms_read_the_same_and_mostly_fast(corpus):
    fast = sum(assert_same(p.read_text(encoding="utf-8"), str(p)) for p in corpus)
    assert fast >= 0.8 * len(corpus), f"only {fast} of {len(corpus)} generated files took the fast path"


def test_the_seed_reads_the_same():
    assert_same(SEED.read_text(encoding="utf-8"), str(SEED))
    # each seed form on its own: some are plain, some need repairs
    lines = SEED.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("财政项目支出绩效自评表")] + [len(lines)]
    taken = sum(assert_same("\n".join(lines[a:b])) for a, b in zip(starts, starts[1:]))
    assert taken >= 1


def test_damaged_forms_read_the_same(corpus):
    rng = random.Random(5)
    sources = [p.read_text(encoding="utf-8") for p in corpus[:120]] + [SEED.read_text(encoding="utf-8")] * 20
    declined = 0
    for text in sources:
        for _ in range(3):
            lines = text.splitlines()
            for _ in range(rng.randrange(1, 4)):
                damage(lines, rng)
            declined += not assert_same("\n".join(lines) + "\n")
    assert declined > 0  # the damage is real: some of it must need the general recogniser


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 5))
def test_any_damage_reads_the_same(corpus, seed, n):
    rng = random.Random(seed)
    lines = corpus[seed % len(corpus)].read_text(encoding="utf-8").splitlines()
    for _ in range(n):
        damage(lines, rng)
    assert_same("\n".join(lines) + "\n")


def test_read_forms_takes_either_path_with_the_same_result(corpus, tmp_path, monkeypatch):
    """Through the real entry point: the same forms and errors with the fast path switched off."""
    import jixiao.readers as readers

    paths = corpus[:60]
    fast = [read_forms(p) for p in paths]
    monkeypatch.setattr(readers, "read_plain", lambda text, name: None)
    slow = [read_forms(p) for p in paths]
    assert [f for f, _ in fast] == [f for f, _ in slow]
    assert [[(e.message, e.loc) for e in es] for _, es in fast] == [[(e.message, e.loc) for e in es] for _, es in slow]


def test_a_text_without_a_form_says_so(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("会议纪要\n没有表格\n", encoding="utf-8")
    forms, errors = read_forms(p)
    assert forms == [] and len(errors) == 1
    assert "没有找到自评表" in errors[0].message


_CELLS = LABELS + ["", " ", "15", "5", "4.89", "100%", ">=90%", "≤5毫秒", "19批", "合规", "基本合规", "提升",
                   "设备验收完成率", "0.5", "—", "10分", "-3", "=0%", " 12 ", "偏差原因分析：受疫情影响"]


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(st.sampled_from(_CELLS), min_size=0, max_size=11),
       cols=st.tuples(*(st.one_of(st.none(), st.integers(0, 9)) for _ in range(4))), last=st.integers(0, 10))
def test_fits_as_printed_is_what_row_fit_says(cells, cols, last):
    """The shortcut of `fits_as_printed` (four value cells settle most rows) answers exactly as
    `row_fit` does: shift 0 with a fit above 0."""
    from jixiao.recognize import _Geometry, fits_as_printed, row_fit

    weight, score, target, actual = cols
    g = _Geometry(0, last, weight, score, target, actual)
    shift, fit = row_fit(g, cells)
    assert fits_as_printed(g, cells) == (shift == 0 and fit > 0)


def test_fits_as_printed_takes_its_shortcut_on_plain_rows():
    """The shortcut is taken (row_fit is not asked) for a row with numbers under 分值/得分 and a
    quantity under 年度指标值: the rows it exists for. (row_fit always keeps its pattern's fit in
    the memo table `_FIT`.)"""
    import jixiao.recognize as recognize

    g = recognize._Geometry(3, 7, 5, 6, 3, 4)
    row = ["", "", "设备验收完成率", "=100%", "100%", "15", "15", ""]
    recognize._FIT.clear()
    recognize.row_fit(g, ["", "", "设备验收完成率", "=100%", "100%", "15", "15", "原因"])
    assert len(recognize._FIT) == 1  # the table is the one row_fit uses
    recognize._FIT.clear()
    assert recognize.fits_as_printed(g, row)
    assert not recognize._FIT
