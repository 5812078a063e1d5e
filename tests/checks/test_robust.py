"""No check crashes, whatever a form holds: an X000 finding would mean a bug in a check."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.checks import check_forms
from jixiao.model import Form, FundsRow, Goals, Indicator, Text, Total
from jixiao.rules import load_ruleset
from jixiao.values import amount, measure, rate

RULES = load_ruleset()

numbers = st.sampled_from(["", "0", "-5", "0.001", "10", "100", "1,000.50", "—", "abc", "1e3", "99.995"])
measures = st.one_of(
    st.sampled_from(["", "=100%", "≥90%", "<=5毫秒", "=0次", "0", "<0", ">=0", "健全", "基本健全", "不健全", "提升",
                     "下降", "未提升", "达成", "=", "≤", "100", "-3%", "100万元", "5个", "$\\geq 90\\%$"]),
    st.text(max_size=12),
)
levels = st.sampled_from(["", "产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "其他", "产出指标(50分)"])


@st.composite
def forms(draw) -> Form:
    f = Form(project=Text(draw(st.sampled_from(["甲", "乙", ""]))))
    f.funds.total = FundsRow(label="年度资金总额", initial_budget=amount(draw(numbers)),
                             annual_budget=amount(draw(numbers)), executed=amount(draw(numbers)),
                             weight=amount(draw(numbers)), rate=rate(draw(st.sampled_from(["", "100%", "0.95", "x"]))),
                             score=amount(draw(numbers)))
    f.funds.rows = [FundsRow(label="当年财政拨款", initial_budget=amount(draw(numbers)),
                             annual_budget=amount(draw(numbers)), executed=amount(draw(numbers)))]
    f.goals = Goals(planned=Text(draw(st.sampled_from(["", "目标"]))), achieved=Text(draw(st.sampled_from(["", "完成"]))))
    for _ in range(draw(st.integers(0, 5))):
        f.indicators.append(Indicator(
            level1=Text(draw(levels)), level2=Text(draw(levels)), name=Text(draw(st.text(max_size=6))),
            target=measure(draw(measures)), actual=measure(draw(measures)),
            weight=amount(draw(numbers)), score=amount(draw(numbers)),
            deviation=Text(draw(st.sampled_from(["", "原因说明文字一二三", "原因说明文字一二三。", "短"]))),
        ))
    f.total = Total(weight=amount(draw(numbers)), score=amount(draw(numbers)), inferred=draw(st.booleans()))
    return f


@settings(max_examples=300, deadline=None)
@given(st.lists(forms(), min_size=1, max_size=3))
def test_no_check_crashes(batch):
    for report in check_forms(batch, RULES):
        assert [f.message for f in report.findings if f.rule == "X000"] == []
        for f in report.findings:
            assert f.severity in ("error", "warning", "info") and f.message
