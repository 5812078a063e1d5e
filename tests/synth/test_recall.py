"""The checks find every inconsistency the synthetic corpus carries, and accuse no clean form.

A corpus with every rule of the catalogue injected several times is generated, read and checked;
each finding is compared with `manifest.csv`. The per-rule table is printed (run with `-s`).
"""

from __future__ import annotations

import pytest

from jixiao.synth.corpus import write_corpus
from jixiao.synth.evaluate import evaluate
from jixiao.synth.inject import RULES


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    # 0.7 of 360 forms injected → each of the 32 rules about 8 times, and ~110 clean forms
    write_corpus(out, 360, seed=2024, error_share=0.7, other_kinds=True)
    ev = evaluate(out)
    print()
    print(ev.table())
    return ev


def test_every_rule_is_injected(evaluation):
    assert all(evaluation.scores[rule].carrying >= 5 for rule in RULES)


def test_every_injected_inconsistency_is_found(evaluation):
    assert evaluation.missed == []
    assert all(evaluation.scores[rule].recall == 1 for rule in RULES)


def test_no_error_finding_on_a_clean_form(evaluation):
    assert evaluation.clean_forms > 50
    assert evaluation.clean_errors == []


def test_no_finding_where_nothing_was_injected(evaluation):
    """Precision: a rule reported on a form that does not carry it is a false accusation."""
    assert evaluation.spurious == []
    assert all(evaluation.scores[rule].precision == 1 for rule in RULES)
