"""Rule sets are data: the bundled files, a user's copy, and clear errors for a broken file."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.errors import RuleSetError
from jixiao.rules import bundled_rulesets, load_ruleset
from jixiao.rules.load import BUNDLED_DIR

CN2020 = BUNDLED_DIR / "cn-2020.toml"


def write(tmp_path: Path, text: str, name: str = "rules.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def error_of(path: Path) -> RuleSetError:
    with pytest.raises(RuleSetError) as e:
        load_ruleset(path)
    return e.value


def test_bundled_rule_sets():
    assert {"cn-2020", "cn-2021-central"} <= set(bundled_rulesets())
    rs = load_ruleset()
    assert rs.id == "cn-2020"
    assert (rs.funds_weight, rs.total_weight) == (Decimal(10), Decimal(100))
    assert rs.level1_weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert rs.taxonomy["产出指标"] == ("数量指标", "质量指标", "时效指标", "成本指标")
    assert rs.grades == [("优", 90), ("良", 80), ("中", 60), ("差", 0)]
    assert rs.param("V003", "ratio") == Decimal("1.3")
    # numbers are Decimal, never float (tomllib parse_float=Decimal)
    assert isinstance(rs.bands["achieved"].low, Decimal)


def test_central_2021_makes_cost_a_level1():
    rs = load_ruleset("cn-2021-central")
    assert rs.taxonomy["成本指标"] == ("经济成本指标", "社会成本指标", "生态环境成本指标")
    assert "成本指标" not in rs.taxonomy["产出指标"]
    assert sum(rs.level1_weights.values()) + rs.funds_weight == 100
    # everything else comes from cn-2020
    assert rs.bands == load_ruleset().bands


def test_a_copy_of_the_bundled_file_loads(tmp_path):
    copy = tmp_path / "my.toml"
    shutil.copy(CN2020, copy)
    rs = load_ruleset(copy)
    assert rs.id == "cn-2020" and rs.path == str(copy)


def test_grade_thresholds_and_rounding():
    rs = load_ruleset()
    assert [rs.grade(Decimal(x)) for x in ("90", "89.99", "80", "60", "59.99")] == ["优", "良", "良", "中", "差"]
    assert rs.round(Decimal("0.125")) == Decimal("0.13")  # half up, not to even
    assert rs.round(Decimal("19.356")) == Decimal("19.36")


def test_extends_changes_only_what_it_lists(tmp_path):
    p = write(tmp_path, 'extends = "cn-2020"\n[weights]\nfunds = 20\n[grades]\n"合格" = 60\n"不合格" = 0\n')
    rs = load_ruleset(p)
    assert rs.funds_weight == 20 and rs.total_weight == 100
    assert rs.grades == [("合格", 60), ("不合格", 0)]  # [grades] replaces the base table as a whole


def test_operator_spellings_come_from_the_rule_set(tmp_path):
    from jixiao.model import Indicator
    from jixiao.score import score_indicator
    from jixiao.values import amount, measure

    ind = Indicator(target=measure("至少95%"), actual=measure("96%"), weight=amount("10"), score=amount("10"))
    assert score_indicator(0, ind, load_ruleset()).kind == "qual"  # the reader does not know 至少
    p = write(tmp_path, 'extends = "cn-2020"\n[operators]\n">=" = [">=", "≥", "至少"]\n')
    ia = score_indicator(0, ind, load_ruleset(p))
    assert (ia.kind, ia.achievement, ia.expected) == ("quant", "met", Decimal(10))


# -- broken files: a Chinese message naming the key and the line ------------------------------
def test_toml_syntax_error_names_the_line(tmp_path):
    p = write(tmp_path, 'extends = "cn-2020"\n[weights]\nfunds = = 10\n')
    e = error_of(p)
    assert e.loc.file == str(p) and e.loc.line == 3
    assert "不是合法的 TOML" in e.message


def test_unknown_key_names_the_key_and_line(tmp_path):
    p = write(tmp_path, 'extends = "cn-2020"\n\n[weights]\nfund = 20\n')
    e = error_of(p)
    assert e.loc.line == 4
    assert "weights.fund" in e.message and "未知的键" in e.message and "funds" in e.message


def test_wrong_type_names_the_key_and_line(tmp_path):
    p = write(tmp_path, 'extends = "cn-2020"\n[checks.V003]\nseverity = "warning"\nratio = "一点三"\n')
    e = error_of(p)
    assert e.loc.line == 4
    assert "checks.V003.ratio" in e.message and "应为数字" in e.message


def test_bad_severity_and_unknown_rule(tmp_path):
    p = write(tmp_path, 'extends = "cn-2020"\n[checks.S002]\nseverity = "fatal"\n[checks.S999]\nseverity = "info"\n')
    e = error_of(p)
    assert "2 处错误" in e.message
    assert "第3行" in e.message and "error、warning、info" in e.message
    assert "第4行" in e.message and "S999" in e.message


def test_missing_key_in_a_full_file(tmp_path):
    text = CN2020.read_text(encoding="utf-8").replace('reverse = "ratio"', "")
    e = error_of(write(tmp_path, text))
    assert "scoring.reverse" in e.message and "缺少" in e.message


def test_band_out_of_range(tmp_path):
    p = write(tmp_path, 'extends = "cn-2020"\n[bands]\npartial = [0.8, 0.6]\n')
    e = error_of(p)
    assert e.loc.line == 3 and "bands.partial" in e.message


def test_level1_weight_needs_a_taxonomy_entry(tmp_path):
    p = write(tmp_path, 'extends = "cn-2020"\n[weights.level1]\n"产出指标" = 50\n"项目管理" = 40\n')
    e = error_of(p)
    assert e.loc.line == 4 and "项目管理" in e.message


def test_missing_file_and_unknown_base(tmp_path):
    assert "不存在" in error_of(tmp_path / "nope.toml").message
    e = error_of(write(tmp_path, 'extends = "cn-1999"\n'))
    assert e.loc.line == 1 and "cn-1999" in e.message and "cn-2020" in e.message


def test_the_example_in_docs_loads(tmp_path):
    import re

    doc = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    rs = load_ruleset(write(tmp_path, example))
    assert (rs.funds_weight, rs.rounding, rs.check("F005").enabled, rs.check("S004").severity) == (20, "down", False, "error")


def test_a_rule_set_from_text():
    from jixiao.rules import loads_ruleset

    rs = loads_ruleset('extends = "cn-2020"\n[weights]\nfunds = 20\n', name="数据库中的规则集")
    assert rs.funds_weight == 20 and rs.path == "数据库中的规则集"
    with pytest.raises(RuleSetError) as e:
        loads_ruleset('extends = "cn-2020"\n[weights]\nfunds = "x"\n', name="数据库中的规则集")
    assert e.value.loc.file == "数据库中的规则集" and e.value.loc.line == 3


@pytest.mark.parametrize("rid", ["cn-2020", "cn-2021-central"])
def test_a_rule_set_pickles_and_copies(rid, seed_path):
    """Frozen rule-set values survive pickle and copy, equal to the original (and so keyed alike
    in the caches of results under a rule set) and scoring alike."""
    import copy
    import pickle

    from jixiao.readers import read_forms
    from jixiao.score import score_form

    rs = load_ruleset(rid)
    forms = read_forms(seed_path)[0]
    before = [score_form(f, rs).rescored_total for f in forms]  # fills the caches
    for again in (pickle.loads(pickle.dumps(rs)), copy.deepcopy(rs), copy.copy(rs)):
        assert again == rs and again is not rs and hash(again) == hash(rs)
        assert again.round(Decimal("1.005")) == rs.round(Decimal("1.005"))
        assert [score_form(f, again).rescored_total for f in forms] == before
    band = rs.bands["partial"]
    assert pickle.loads(pickle.dumps(band)) == band
    assert pickle.loads(pickle.dumps(rs.check("V001"))) == rs.check("V001")
