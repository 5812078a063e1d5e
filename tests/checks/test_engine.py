"""How checks run: the rule set switches them off or changes severity; a crashing check becomes
an internal finding (X000) on its form and stops nothing else; findings come errors first."""

from __future__ import annotations

from jixiao.checks import check_form, check_forms, report_to_dict
from jixiao.rules.catalogue import RULES
from jixiao.checks.registry import CHECKS
from jixiao.rules import load_ruleset

from .conftest import form_text

BAD_TOTAL = form_text(total="100 | 99")  # S006: 10 + 50 + 30 + 10 = 100


def rules_file(tmp_path, body: str):
    p = tmp_path / "rules.toml"
    p.write_text('extends = "cn-2020"\n' + body, encoding="utf-8")
    return load_ruleset(p)


def test_every_catalogue_rule_is_implemented():
    # P001 comes from read errors and D002 from check_forms; every other rule is a registered check.
    assert set(RULES) - set(CHECKS) == {"P001", "D002"}


def test_a_rule_set_switches_a_check_off(findings, tmp_path):
    assert [f.rule for f in findings(BAD_TOTAL)] == ["S006"]
    off = rules_file(tmp_path, "[checks.S006]\nenabled = false\n")
    assert findings(BAD_TOTAL, rules=off) == []


def test_a_rule_set_changes_a_severity(findings, tmp_path):
    softer = rules_file(tmp_path, '[checks.S006]\nseverity = "warning"\n')
    [f] = findings(BAD_TOTAL, rules=softer)
    assert (f.rule, f.severity) == ("S006", "warning")


def test_a_crashing_check_becomes_an_internal_finding(read, monkeypatch):
    def broken(ctx):
        raise ZeroDivisionError("division by zero")
        yield  # pragma: no cover

    monkeypatch.setitem(CHECKS, "S005", broken)
    form, = read(BAD_TOTAL)
    found = check_form(form, load_ruleset())
    assert [f.rule for f in found] == ["X000", "S006"]
    x = next(f for f in found if f.rule == "X000")
    assert x.severity == "error" and "S005" in x.message and "ZeroDivisionError" in x.message
    # the other forms of a batch are checked as usual
    reports = check_forms([form, form], load_ruleset())
    assert all(any(f.rule == "S006" for f in r.findings) for r in reports)


def test_findings_come_errors_first(findings):
    text = BAD_TOTAL.replace("=100%\t100%", "=100%\t=100%")  # adds V001 (info)
    assert [f.severity for f in findings(text)] == ["error", "info"]


def test_report_to_dict_is_the_json_shape(read):
    form, = read(BAD_TOTAL)
    [report] = check_forms([form], load_ruleset())
    d = report_to_dict(report)
    assert {k: d[k] for k in ("project", "self_total", "rescored_total", "self_grade", "rescored_grade")} == {
        "project": "示例项目", "self_total": "99", "rescored_total": "100.00", "self_grade": "优", "rescored_grade": "优",
    }
    [f] = d["findings"]
    assert {k: f[k] for k in ("rule", "severity", "indicator", "expected", "printed", "difference")} == {
        "rule": "S006", "severity": "error", "indicator": None, "expected": "100", "printed": "99", "difference": "-1",
    }
    assert f["location"].endswith("第16行 第7列") and "总分" in f["message"]
