"""score_form and check_form give the results recorded for a corpus, and the results the scoring
engine and the checks keep (lru_cache) for one rule set never answer for another.

`score_check_expected.json` holds every Assessment field and every finding of the ten seed forms
under both bundled rule sets, and a digest of the same for generated forms under the bundled rule
sets and a user rule set that changes rounding, bands, units, operators, words and checks.

After a deliberate change of a result, rewrite the file with
`python -m tests.checks.test_score_check_regression` and review its diff.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from decimal import Decimal
from pathlib import Path

from jixiao.checks import check_form, check_forms
from jixiao.model import Form, FundsRow, Goals, Indicator, Loc, Repair, Text, Total
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset, loads_ruleset
from jixiao.score import qualitative_level, reread, score_form, score_indicator
from jixiao.values import amount, measure, rate

from ..conftest import SEED

EXPECTED = Path(__file__).with_name("score_check_expected.json")

# A user's rule set: everything the engine keeps per rule set differs from cn-2020.
USER_RULES = """
extends = "cn-2020"
[ruleset]
id = "user"
name = "用户规则"
[arithmetic]
decimals = 1
rounding = "down"
[weights]
funds = 20
total = 110
[weights.level1]
"产出指标" = 40
"效益指标" = 30
"满意度指标" = 20
[operators]
">=" = [">=", "≥", "至少"]
[qualitative]
achieved = ["达成", "已完成", "良好"]
[bands]
achieved = [0.9, 1.0]
partial = [0.5, 0.9]
not_achieved = [0.0, 0.5]
achieved_rescore = "edge"
[scoring]
reverse = "linear"
[units]
allow_missing = false
aliases = [["%", "％"], ["小时", "h", "时"]]
[checks.F005]
enabled = false
[checks.S004]
severity = "error"
[checks.F004]
tolerance = 0.5
[checks.S002]
tolerance = 0.1
severity = "info"
[checks.F006]
threshold = 95.5
[checks.V003]
ratio = 1.1
[checks.D001]
min_chars = 3
[checks.D002]
min_chars = 3
"""

MEASURES = [
    "", "=100%", "100%", "≥90%", ">=90％", "89.99%", "95%", "120%", "130%", "不低于95%", "至少90%", "至少 3次",
    "≤5毫秒", "<=5ms", "5毫秒", "8毫秒", "=0", "0", "0次", "=0次", "1次", "<0.5", "不超过10小时", "12h", "9小时",
    "-5", "3", "4.5", "=-3", ">5", "<5", "100万元", "1,000元", "健全", "基本健全", "不健全", "较健全", "提升",
    "有所提升", "下降", "明显下降", "降低", "达成", "已完成", "完成", "未完成", "基本完成", "部分达成", "良好",
    "无", "是", "否", ".", "—", "高于同类水平", "100%完成年度任务",
]
AMOUNTS = ["", "0", "10", "5", "2.5", "3", "-1", "12", "4.99", "3.995", "7.5", "20", "—", "1.33", "9.99", "6", "5.0"]
LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出", "时效"), ("效益指标", "社会效益指标"),
          ("效益指标(30分)", "可持续影响指标"), ("满意度指标", "满意度"), ("成本指标", "经济成本指标"),
          ("其他指标", "奇怪指标"), ("", ""), ("产出指标", "社会效益指标")]
DEVIATIONS = ["", " ", "资金未按时到位，影响进度", "资金未按时到位，影响进度。", "无", "已完成"]


def generated_forms(count: int = 80) -> list[Form]:
    """Forms with every kind of target, actual, weight and score, the same on every run."""
    rnd = random.Random(20240611)
    forms = []
    for n in range(count):
        f = Form(project=Text(f"生成项目{n % 7}"), source=Loc(f"gen{n}.txt", 1))
        f.funds.total = FundsRow(
            label="年度资金总额", initial_budget=amount(rnd.choice(["", "1000", "900"])),
            annual_budget=amount(rnd.choice(["", "0", "1000", "333", "446,048"])),
            executed=amount(rnd.choice(["", "0", "500", "999.99", "1200", "1000", "446,047.5"])),
            weight=amount(rnd.choice(["", "10", "20"])),
            rate=rate(rnd.choice(["", "50%", "100%", "99.99%", "0.9", "33.33%", "33.34%", "120%"])),
            score=amount(rnd.choice(["", "0", "5", "10", "9.99", "3.33", "20"])), loc=Loc(f"gen{n}.txt", 5))
        f.funds.rows = [FundsRow(label=label, initial_budget=amount(rnd.choice(["", "0", "500", "1000"])),
                                 annual_budget=amount(rnd.choice(["", "0", "500", "1000"])),
                                 executed=amount(rnd.choice(["", "0", "500"])))
                        for label in ("当年财政拨款", "上年结转资金")[: rnd.randrange(3)]]
        f.goals = Goals(planned=Text(rnd.choice(["", "目标"])), achieved=Text(rnd.choice(["", "完成"])))
        for k in range(rnd.randrange(12)):
            level1, level2 = rnd.choice(LEVELS)
            f.indicators.append(Indicator(
                level1=Text(level1), level2=Text(level2), name=Text(f"指标{k}"),
                target=measure(rnd.choice(MEASURES)), actual=measure(rnd.choice(MEASURES)),
                weight=amount(rnd.choice(AMOUNTS)), score=amount(rnd.choice(AMOUNTS)),
                deviation=Text(rnd.choice(DEVIATIONS)), loc=Loc(f"gen{n}.txt", 10 + k) if rnd.random() < 0.9 else None,
            ))
        f.total = Total(weight=amount(rnd.choice(["", "100", "90", "110"])),
                        score=amount(rnd.choice(["", "100", "90", "95.5", "0"])), inferred=rnd.random() < 0.1)
        if rnd.random() < 0.2:
            f.repairs.append(Repair("x", "修复示例", [Loc(f"gen{n}.txt", rnd.choice([None, 10, 11, 30]))]))
        forms.append(f)
    return forms


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)  # keeps the exponent: 5 and 5.00 differ
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _finding(f) -> dict:
    d = f.to_dict()
    if d["location"]:
        d["location"] = d["location"].replace(f"{SEED.parent}/", "")  # wherever the checkout is
    return d


def outcome(forms: list[Form], ruleset) -> list[dict]:
    """Every Assessment field and every finding of each form, checked alone and in one batch."""
    out = []
    reports = check_forms(forms, ruleset)
    for form, report in zip(forms, reports):
        assessment = score_form(form, ruleset)
        out.append({
            "assessment": _plain(dataclasses.asdict(assessment)),
            "findings": [_finding(f) for f in check_form(form, ruleset, assessment)],
            "batch": [_finding(f) for f in report.findings],
        })
    return out


def digest(items: list[dict]) -> str:
    return hashlib.sha256(json.dumps(items, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def current() -> dict:
    seed = read_forms(SEED)[0]
    gen = generated_forms()
    user = loads_ruleset(USER_RULES, "user.toml")
    return {
        "seed": {rid: outcome(seed, load_ruleset(rid)) for rid in ("cn-2020", "cn-2021-central")},
        "generated": {
            "cn-2020": digest(outcome(gen, load_ruleset("cn-2020"))),
            "cn-2021-central": digest(outcome(gen, load_ruleset("cn-2021-central"))),
            "user": digest(outcome(gen, user)),
        },
    }


def test_seed_forms_score_and_check_as_before():
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = current()
    for rid, forms in expected["seed"].items():
        for k, want in enumerate(forms):
            assert got["seed"][rid][k] == want, (rid, k)
    assert got["generated"] == expected["generated"]


def test_kept_results_belong_to_one_rule_set():
    """The same texts give each rule set its own answer, in any order, however warm the caches."""
    bundled = load_ruleset("cn-2020")
    ind = Indicator(name=Text("指标"), target=measure("至少90%"), actual=measure("良好"),
                    weight=amount("10"), score=amount("8.5"))
    twice = []
    for _ in range(2):
        user = loads_ruleset(USER_RULES, "user.toml")  # a new object, equal to the last
        for rs in (bundled, user, bundled):
            twice.append(dataclasses.asdict(score_indicator(0, ind, rs)))
    assert twice[:3] == twice[3:]
    assert twice[0] == twice[2]
    assert twice[0]["kind"] == "qual" and twice[1]["kind"] == "quant"  # 至少 is an operator of the user's
    # 良好 is an achieved word of the user's rule set only
    assert qualitative_level("健全", "良好", bundled)[0] == "unknown"
    assert qualitative_level("健全", "良好", loads_ruleset(USER_RULES, "user.toml"))[0] == "achieved"
    again = reread(measure("至少90%"), loads_ruleset(USER_RULES, "user.toml"))
    assert (again.kind, again.op, again.number, again.text) == ("quant", ">=", Decimal(90), "至少90%")
    assert reread(measure("至少90%"), bundled).kind == "qual"


def test_a_check_switched_off_by_one_rule_set_runs_under_another():
    form = generated_forms(1)[0]
    form.funds.total.weight = amount("20")  # F005 under cn-2020; switched off by the user's rule set
    user = loads_ruleset(USER_RULES, "user.toml")
    bundled = load_ruleset("cn-2020")
    for _ in range(2):
        assert "F005" in {f.rule for f in check_form(form, bundled)}
        assert "F005" not in {f.rule for f in check_form(form, user)}


def test_equal_numbers_that_print_differently():
    # 0 and -0 are equal but print differently.
    from jixiao.values import decimal_text

    assert [decimal_text(Decimal(t)) for t in ("0", "-0", "-0.00", "0", "2.50", "2.5", "1E+2")] == \
        ["0", "-0", "-0", "0", "2.5", "2.5", "100"]
    rules = load_ruleset("cn-2020")
    bands = {}
    for w in ("5", "0", "-0", "0.00", "5.0", "-0"):
        ind = Indicator(name=Text("指标"), target=measure("健全"), actual=measure("基本健全"),
                        weight=amount(w), score=amount("3"))
        ia = score_indicator(0, ind, rules)
        bands[w] = (str(ia.band[0]), str(ia.band[1]), ia.reason)
    assert bands["5"] == bands["5.0"] == ("3.00", "4.00", "部分达成，得分 3 在区间 [3, 4) 内，予以认可")
    assert bands["0"] == bands["0.00"] == ("0.00", "0.00", "部分达成，得分应在区间 [0, 0) 内，重新评分取区间内最近的值 -0.01")
    assert bands["-0"] == ("-0.00", "-0.00", "部分达成，得分应在区间 [-0, -0) 内，重新评分取区间内最近的值 -0.01")


if __name__ == "__main__":  # rewrite the expectation (review the diff!)
    EXPECTED.write_text(json.dumps(current(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED}")
