"""A small corpus for the batch tests: synthetic forms with injected errors, the seed, and files
no reader can read. Built once per module; each test gets its own copy of the directory when it
changes files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jixiao.synth.corpus import write_corpus

from ..conftest import SEED


def make_corpus(root: Path) -> Path:
    """corpus/ = 48 synthetic forms (000/…), the seed's ten forms, and three broken files."""
    corpus = root / "corpus"
    write_corpus(corpus, 48, seed=7, error_share=0.7)
    (corpus / "manifest.csv").unlink()  # not a form: the synth corpus' own list
    shutil.copy(SEED, corpus / "shanghai-2021.txt")
    broken = corpus / "broken"
    broken.mkdir()
    (broken / "empty.txt").write_bytes(b"")
    (broken / "binary.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    (broken / "note.md").write_text("# 会议纪要\n\n没有表格。\n", encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("batch"))
