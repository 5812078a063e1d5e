"""Checks of the texts: G001 (年度总体目标) and D001/D002 (repeated 偏差原因)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from ..model import Form
from .finding import Finding
from .registry import Context, check

_NOISE = re.compile(r"[\s，。,.;；:：、！!？?“”\"'‘’（）()《》\-—…]+")


@lru_cache(maxsize=16384)
def deviation_key(text: str) -> str:
    """The 偏差原因 text as compared: spaces and punctuation do not make two texts different.
    Kept (lru_cache): the same explanations recur across forms."""
    return _NOISE.sub("", text)


def _quote(text: str, limit: int = 30) -> str:
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"


@check("G001")
def goals_present(ctx: Context) -> Iterator[Finding]:
    g = ctx.form.goals
    for field, text, name in (("planned", g.planned, "预算目标（预期目标）"), ("achieved", g.achieved, "实际完成情况")):
        if not text.text.strip():
            yield ctx.finding(
                "G001", f"年度总体目标的“{name}”未填写；自评表必须写明年度总体目标及其完成情况",
                field=f"goals.{field}", location=text.loc or ctx.form.source,
            )


@check("D001")
def repeated_in_form(ctx: Context) -> Iterator[Finding]:
    min_chars = ctx.ruleset.param("D001", "min_chars", 6)
    first: dict[str, int] = {}
    for k, ind in enumerate(ctx.form.indicators):
        text = ind.deviation.text
        if len(text) < min_chars:
            continue  # the key is never longer than the text
        key = deviation_key(text)
        if len(key) < min_chars:
            continue
        if key not in first:
            first[key] = k
            continue
        j = first[key]
        yield ctx.finding(
            "D001",
            f"偏差原因与第{j + 1}项指标“{ctx.form.indicators[j].name.text}”的相同：{_quote(ind.deviation.text)}；"
            f"同一段说明用于多项指标，可能没有针对本项指标分析原因",
            index=k, field=f"indicators[{k}].deviation", location=ind.deviation.loc or ind.loc,
        )


def repeated_across_forms(forms: list[Form], min_chars: int) -> dict[int, list[tuple[int, list[int]]]]:
    """form index → [(indicator index, [other form indices])] for texts shared with other forms.

    Each form gets one entry per shared text, at the text's first indicator in that form.
    """
    where: dict[str, dict[int, int]] = {}
    for fi, form in enumerate(forms):
        for k, ind in enumerate(form.indicators):
            key = deviation_key(ind.deviation.text)
            if len(key) >= min_chars:
                where.setdefault(key, {}).setdefault(fi, k)
    out: dict[int, list[tuple[int, list[int]]]] = {}
    for places in where.values():
        if len(places) < 2:
            continue
        for fi, k in places.items():
            out.setdefault(fi, []).append((k, sorted(o for o in places if o != fi)))
    return out


def cross_form_findings(ctx: Context, forms: Sequence[Form] | Mapping[int, Any],
                        shared: list[tuple[int, list[Any]]]) -> Iterator[Finding]:
    """D002 on one form: for each (indicator index, the other forms with its text), a finding
    naming up to three of them. `forms` gives those forms' labels by index: the list of forms
    checked together, or (batch/d002.py) a mapping of stored form id → an object with .label,
    whose lists of others are padded with None past the third to count them."""
    for k, others in shared:
        ind = ctx.form.indicators[k]
        names = "、".join(f"《{forms[o].label}》" for o in others[:3]) + (f"等 {len(others)} 张表" if len(others) > 3 else "")
        yield ctx.finding(
            "D002",
            f"偏差原因与{names}中的相同：{_quote(ind.deviation.text)}；不同项目使用同一段说明，可能没有针对本项目分析原因",
            index=k, field=f"indicators[{k}].deviation", location=ind.deviation.loc or ind.loc,
        )
