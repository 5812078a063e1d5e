"""Indicator labels the recogniser knows, across frameworks.

Recognition accepts every label any known framework uses, so that a form is read the same way
whatever rule set later checks it; whether a 二级 is *allowed* under its 一级 is the rule set's
business (check T001), not the reader's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .values import clean_text

# 一级 → its 二级, for every framework we know (cn-2020 and the central 2021 成本指标 framework).
KNOWN: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}

LEVEL1 = tuple(KNOWN)

# The 项目决策 / 项目管理 / 项目产出 / 项目效益 framework (rule set project-dmoe). Kept apart from
# KNOWN: its 二级 社会效益 and 满意度 are also cn-2020 labels (社会效益指标, 满意度指标), which a
# form of that framework means only under one of these 一级 (recognize/labels.py).
OTHER_KNOWN: dict[str, tuple[str, ...]] = {
    "项目决策": ("项目立项", "绩效目标", "资金投入"),
    "项目管理": ("资金管理", "组织实施"),
    "项目产出": ("产出数量", "产出质量", "产出时效", "产出成本"),
    "项目效益": ("社会效益", "经济效益", "生态效益", "可持续影响", "满意度", "服务对象满意度"),
}
OTHER_PARENT = {l2: l1 for l1, l2s in OTHER_KNOWN.items() for l2 in l2s}
# Where a 二级 belongs when its 一级 must be inferred: the first 一级 that lists it, except that
# 服务对象满意度指标 belongs to 满意度指标 (older forms list it under 效益指标 too).
PARENT: dict[str, str] = {}
for _l1, _l2s in KNOWN.items():
    for _l2 in _l2s:
        PARENT.setdefault(_l2, _l1)
PARENT["服务对象满意度指标"] = "满意度指标"
LEVEL2 = tuple(PARENT)

_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|★|☆|其中[:：]?)+")
_POINTS = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[)）]$")


# strip_label and classify keep their results (lru_cache): the same labels stand on every form.
@lru_cache(maxsize=16384)
def strip_label(text: str) -> tuple[str, str | None]:
    """('产出指标(50分)') → ('产出指标', '50'); removes numbering such as '一、' or '★'."""
    t = clean_text(text).rstrip(":：")
    t = _PREFIX.sub("", t).strip()
    points = None
    m = _POINTS.search(t)
    if m:
        points = re.sub(r"[^\d.]", "", m.group(0))
        t = t[: m.start()].strip()
    if t.endswith("指标等"):  # a template's own label: 服务对象满意度指标等
        t = t[:-1]
    return t, points


@lru_cache(maxsize=16384)
def classify(text: str) -> tuple[int, str] | None:
    """(1, canonical) for a 一级 label, (2, canonical) for a 二级 label, None for anything else."""
    t, _ = strip_label(text)
    if not t or len(t) > 12:
        return None
    for candidate in (t, t + "指标"):
        if candidate == "成本指标":
            # A 二级 under 产出指标 in cn-2020; the recogniser promotes it to 一级 when 经济成本指标
            # and its siblings follow (the central 2021 framework).
            return 2, candidate
        if candidate in KNOWN:
            return 1, candidate
        if candidate in PARENT:
            return 2, candidate
    if t in ("服务对象满意度", "满意度"):
        return (2, "服务对象满意度指标") if t == "服务对象满意度" else (1, "满意度指标")
    return None


def parent_of(level2: str) -> str | None:
    return PARENT.get(level2)


@lru_cache(maxsize=4096)
def completed(text: str) -> tuple[int, str] | None:
    """A label cut short where a PDF broke its merged cell across pages (产出指 | 标): the one
    label of KNOWN it begins, classified; None when it begins none or several."""
    t = clean_text(text).replace(" ", "")
    if len(t) < 3 or classify(t):
        return None
    found = {label for label in (*LEVEL1, *LEVEL2) if label.startswith(t)}
    return classify(found.pop()) if len(found) == 1 else None
