"""The same recall and precision when the corpus is Excel, Word and PDF (made by LibreOffice from
the Word file), through the writers' standard layout and the format readers.

Layout damage (P002) exists only in text: the writers lay a form out one way, so its turn goes
to the next rule; P001 is a file cut short, which no reader can open.
"""

from __future__ import annotations

import shutil

import pytest

from jixiao.synth.corpus import read_manifest, write_corpus
from jixiao.synth.evaluate import evaluate
from jixiao.synth.inject import RULES


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: scripts/setup.sh installs it")
    out = tmp_path_factory.mktemp("mixed")
    write_corpus(out, 4 * 30, seed=99, formats=("txt", "xlsx", "docx", "pdf"), error_share=0.9)
    ev = evaluate(out)
    print()
    print(ev.table())
    return out, ev


def test_each_format_carries_injected_rules(mixed):
    out, _ = mixed
    rows = read_manifest(out / "manifest.csv")
    by_format: dict[str, set[str]] = {}
    for r in rows:
        by_format.setdefault(r["file"].rsplit(".", 1)[1], set()).add(r["rule"])
    assert set(by_format) == {"txt", "xlsx", "docx", "pdf"}
    for fmt in ("xlsx", "docx", "pdf"):
        assert "P002" not in by_format[fmt]
        assert len(by_format[fmt] - {""}) >= 15, fmt
    assert "P001" in by_format["xlsx"] | by_format["docx"] | by_format["pdf"]


def test_recall_and_precision_hold_in_every_format(mixed):
    _, ev = mixed
    assert ev.missed == []
    assert ev.spurious == []
    assert ev.clean_errors == []
    assert all(ev.scores[r].recall == 1 for r in RULES if ev.scores[r].carrying)
