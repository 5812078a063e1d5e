"""The recogniser reads its regression corpora exactly as it did when they were frozen.

`corpus.json.gz` holds texts and, for each, the forms (every field, value, location and repair)
and errors the recogniser gave for it when the file was written (commit 1a683c2, before the two
readers of the standard layout became one package). The texts are generated forms (one and three
per file, 元 and 万元, every kind of injected inconsistency, files cut short), the seed and each of
its forms alone, and those texts damaged at random in the ways PDF-to-text tools damage them
(`damage` below, with fixed seeds). The generated texts are stored, not regenerated, so that a
change of the generator does not change this test.

After a deliberate change of what the recogniser gives, rewrite the file with
`python -m tests.recognize.test_regression` and review the differences it prints.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.readers.text import grid_from_text
from jixiao.recognize import recognize

from ..conftest import SEED

CORPUS = Path(__file__).with_name("corpus.json.gz")

LABELS = ["", "产出指标", "效益指标", "满意度指标", "数量指标", "质量指标", "社会效益指标", "服务对象满意度指标",
          "成本指标", "经济成本指标", "产出指标(50分)", "满意度", "10", "=100%", "健全", "合计", "总分", "其中：",
          "1、测试", "★核心", "偏差原因", "项目名称", "实施单位", "主管部门：某局", "—", "0", "98.5%", "≥90%",
          "单位：万元", "年度总体目标", "预算目标", "实际完成情况", "一级指标", "自评表", "产出 指标"]


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


# Fields the model gained after the corpus was frozen (the layout families of issue 13, the other
# kinds of form of issue 14): left out while they hold their default, so that an additive field does
# not rewrite the corpus (a reading that sets one still differs).
ADDED = {"Amount": ("unit",), "FundsRow": ("group",),
         "Indicator": ("parent", "adjusted", "coefficient", "core", "implied_weight"),
         "Form": ("layout", "incomplete", "header_total", "deviation", "kind", "local_department", "management")}


def _default(f: dataclasses.Field):
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


def plain(value):
    """A form (or any part of one) as JSON data: every field of every dataclass, by name."""
    if dataclasses.is_dataclass(value):
        added = ADDED.get(type(value).__name__, ())
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not (f.name in added and getattr(value, f.name) == _default(f))}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def reading(text: str, name: str) -> dict | str:
    """What the recogniser finds in a text, as JSON data; for a damaged copy (there are many) a
    digest of it, to keep the file small: `write` prints which cases changed."""
    forms, errors = recognize(grid_from_text(text, name))
    got = {"forms": plain(forms), "errors": [[e.message, plain(e.loc)] for e in errors]}
    if name.startswith(("damaged-", "random-")):
        return hashlib.sha256(json.dumps(got, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return got


def cases(base: dict[str, str]) -> list[tuple[str, str]]:
    """(name, text) of every case: the stored texts, the seed's forms alone, and damaged copies."""
    out = list(base.items())
    seed = base["seed.txt"]
    lines = seed.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("财政项目支出绩效自评表")] + [len(lines)]
    out += [(f"seed-{k}.txt", "\n".join(lines[a:b])) for k, (a, b) in enumerate(zip(starts, starts[1:]))]
    generated = [t for n, t in sorted(base.items()) if n != "seed.txt"]
    rng = random.Random(5)
    for i, text in enumerate(generated[:120] + [seed] * 20):
        for j in range(3):
            lines = text.splitlines()
            for _ in range(rng.randrange(1, 4)):
                damage(lines, rng)
            out.append((f"damaged-{i}-{j}.txt", "\n".join(lines) + "\n"))
    pick = random.Random(77)
    for i in range(300):
        rng = random.Random(pick.randrange(2**32))
        lines = generated[i % len(generated)].splitlines()
        for _ in range(rng.randrange(1, 6)):
            damage(lines, rng)
        out.append((f"random-{i}.txt", "\n".join(lines) + "\n"))
    return out


def load() -> dict:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def frozen() -> dict:
    return load()


def test_every_case_reads_as_frozen(frozen):
    expected = frozen["expected"]
    all_cases = cases(frozen["texts"])
    assert len(all_cases) == len(expected)
    differ = [name for name, text in all_cases if reading(text, name) != expected[name]]
    assert differ == [], f"{len(differ)} of {len(all_cases)} cases read differently, e.g. {differ[:5]}"


def test_the_corpus_covers_repairs_and_errors(frozen):
    """The frozen readings are not trivial: they hold repairs of every common kind and forms cut short."""
    full = [e for e in frozen["expected"].values() if isinstance(e, dict)]
    kinds = {r["kind"] for e in full for f in e["forms"] for r in f["repairs"]}
    assert {"shift-row", "join-name-row", "join-deviation", "infer-level1", "clean-label"} <= kinds
    # files cut short: refused with an error, or (cut before the indicator table only) kept incomplete
    assert sum(bool(e["errors"]) or any(f.get("incomplete") for f in e["forms"]) for e in full) >= 3


def write() -> None:
    from jixiao.synth.corpus import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_corpus(root / "one", 160, seed=21, formats=("txt",), error_share=0.6)
        write_corpus(root / "many", 60, seed=22, formats=("txt",), error_share=0.3, per_file=3)
        texts = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.txt"))}
    texts["seed.txt"] = SEED.read_text(encoding="utf-8")
    old = load()["expected"] if CORPUS.exists() else {}
    expected = {name: reading(text, name) for name, text in cases(texts)}
    changed = [name for name in sorted(set(old) | set(expected)) if old and old.get(name) != expected.get(name)]
    print(f"{len(expected)} cases, {len(changed)} changed:", *changed[:50], file=sys.stderr)
    with gzip.open(CORPUS, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump({"texts": texts, "expected": expected}, f, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    write()
