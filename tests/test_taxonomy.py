"""taxonomy.classify: the labels it reads, and its quick refusal of texts with no label stem."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao import taxonomy

# Pieces labels are printed with: the labels and their stems, numbering, points, wrap spaces,
# and the kinds of text that stand in the other cells of a row.
_PIECES = [*taxonomy.KNOWN, *taxonomy.PARENT, "服务对象满意度", "满意度", "产出", "效益", "成本", "数量", "质量",
           "时效", "可持续影响", "指标", "一、", "1.", "（二）", "★", "其中：", "(50分)", "（10）", " ", "\u3000",
           "：", "=100%", "≥90%", "10", "合规", "设备验收完成率", "产", "出", "满意", "度", "社会", "经济", "生态环境"]


def _reference(text: str) -> tuple[int, str] | None:
    """classify as written before the stem test: strip_label, then the table lookups."""
    t, _ = taxonomy.strip_label(text)
    if not t or len(t) > 12:
        return None
    for candidate in (t, t + "指标"):
        if candidate == "成本指标":
            return 2, candidate
        if candidate in taxonomy.KNOWN:
            return 1, candidate
        if candidate in taxonomy.PARENT:
            return 2, candidate
    if t in ("服务对象满意度", "满意度"):
        return (2, "服务对象满意度指标") if t == "服务对象满意度" else (1, "满意度指标")
    return None


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=5))
def test_the_stem_test_never_turns_a_label_away(pieces):
    text = "".join(pieces)
    assert taxonomy.classify(text) == _reference(text)


def test_labels_as_printed():
    assert taxonomy.classify("产出指标(50分)") == (1, "产出指标")
    assert taxonomy.classify("一、产出 指标") == (1, "产出指标")
    assert taxonomy.classify("产 出") == (1, "产出指标")
    assert taxonomy.classify("服务对象满意度") == (2, "服务对象满意度指标")
    assert taxonomy.classify("成本指标") == (2, "成本指标")
    assert taxonomy.classify("设备验收完成率") is None
    assert taxonomy.classify("≥90%") is None


def test_a_templates_label_ending_in_deng_is_the_label():
    """Templates print 服务对象满意度指标等 as the 二级 label: it is 服务对象满意度指标 (no T001)."""
    from jixiao.taxonomy import classify

    assert classify("服务对象满意度指标等") == (2, "服务对象满意度指标")
    assert classify("产出指标等") == (1, "产出指标")
    assert classify("老人满意度等") is None
