"""The base form of the check tests is consistent: no check fires on it."""

from __future__ import annotations

from jixiao.checks import check_form
from jixiao.rules import load_ruleset

from .conftest import form_text


def test_no_check_fires_on_a_consistent_form(read, findings):
    assert findings(form_text()) == []
    form, = read(form_text())
    assert check_form(form, load_ruleset()) == []
