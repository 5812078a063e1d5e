"""`jixiao synth --kinds` in every format it writes: department-wide and transfer-payment forms as
xlsx, docx and PDF (their standard layouts) as well as text; every injected inconsistency is found
and no clean form is accused (issue 14)."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath

import pytest

from jixiao.synth.corpus import draw, read_manifest, write_corpus
from jixiao.synth.evaluate import evaluate
from jixiao.synth.kinds import KIND_RULES, VARIANTS

FORMATS = ("xlsx", "docx", "pdf", "txt")
N, SEED, SHARE = 96, 21, 0.6


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("kinds-corpus")
    write_corpus(out, N, seed=SEED, formats=FORMATS, error_share=SHARE, rules=KIND_RULES, other_kinds=True)
    return out


def test_forms_of_other_kinds_are_drawn_in_every_format():
    drawn = list(draw(N, seed=SEED, formats=FORMATS, error_share=SHARE, rules=KIND_RULES, other_kinds=True))
    injected = Counter(d.fmt for d in drawn if d.injected is not None)
    clean = Counter(d.fmt for d in drawn if d.injected is None and d.form.kind != "project")
    assert set(injected) == set(FORMATS) and set(clean) == set(FORMATS), (injected, clean)
    assert all(d.form.kind != "project" for d in drawn if d.injected is not None)
    assert {d.variant for d in drawn if d.form.kind != "project"} == {v for vs in VARIANTS.values() for v in vs}


def test_the_manifest_lists_the_injected_rules_in_binary_files(corpus):
    rows = read_manifest(corpus / "manifest.csv")
    by_fmt = {fmt: {r["rule"] for r in rows if PurePath(r["file"]).suffix == "." + fmt and r["rule"]}
              for fmt in FORMATS}
    for fmt in FORMATS:
        assert by_fmt[fmt] & set(KIND_RULES), fmt
    assert set().union(*by_fmt.values()) >= set(KIND_RULES)


def test_every_injected_inconsistency_is_found_and_no_clean_form_is_accused(corpus):
    ev = evaluate(corpus)
    print()
    print(ev.table())
    assert ev.missed == []
    assert all(ev.scores[rule].carrying >= 3 and ev.scores[rule].recall == 1 for rule in KIND_RULES)
    assert ev.spurious == []
    assert ev.clean_forms > 20 and ev.clean_errors == []
