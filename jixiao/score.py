"""The scoring engine (rules.md §3–§5): what the official rules say a form's numbers should be.

`score_form(form, ruleset)` computes the execution rate and score, each indicator's achievement
and expected score (or band), and the re-scored total and grade next to the self-reported ones.
All arithmetic is Decimal, rounded the rule set's way (cn-2020: half up, 2 decimals). Where the
rules cannot decide (unknown wording, units that differ, a blank actual) nothing is guessed: the
row keeps its printed score in the re-score and the reason says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from .model import EMPTY, QUAL, QUANT, Form, Indicator, Measure
from .rules import RuleSet
from .rules.model import Band
from .values import decimal_text, measure

# Achievement levels.
MET = "met"  # quantitative
NOT_MET = "not_met"
ACHIEVED = "achieved"  # qualitative
PARTIAL = "partial"
NOT_ACHIEVED = "not_achieved"
UNKNOWN = "unknown"
BLANK = "blank"

ACHIEVEMENT_NAMES = {
    MET: "达到", NOT_MET: "未达到", ACHIEVED: "达成", PARTIAL: "部分达成", NOT_ACHIEVED: "未达成",
    UNKNOWN: "无法判断", BLANK: "未填写",
}

# Directions of a quantitative target.
POSITIVE = "positive"
REVERSE = "reverse"
ZERO = "zero"

ZERO_DEC = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_Q4 = Decimal("0.0001")


@dataclass(slots=True)
class IndicatorAssessment:
    index: int
    kind: str  # "quant" / "qual" / "blank" (no target)
    achievement: str
    expected: Decimal | None = None  # the score the rules give; None when they cannot decide
    band: tuple[Decimal, Decimal] | None = None  # qualitative: accepted points (low, high)
    rescored: Decimal | None = None  # the score counted in the re-scored total
    direction: str = ""  # quantitative: positive / reverse / zero
    target: Decimal | None = None  # A
    actual: Decimal | None = None  # B
    raw: Decimal | None = None  # quantitative not met: the unrounded formula value
    bound: bool = False  # the actual is a bound (≤5毫秒), not a measurement
    unit_mismatch: bool = False
    non_numeric_actual: bool = False  # a quantitative target with words as the actual
    identical: bool = False  # the actual is printed exactly as the target
    reason: str = ""  # Chinese: how `expected` follows from the rules, or why it cannot

    @property
    def kept_printed(self) -> bool:
        """The re-score could not be computed and keeps the printed score for this row."""
        return self.expected is None


@dataclass(slots=True)
class Assessment:
    rate: Decimal | None = None  # computed 执行率 as a percentage, rounded as it should be printed
    rate_exact: Decimal | None = None  # the same, unrounded (F006 compares this)
    funds_weight: Decimal | None = None  # the weight the execution score is computed with
    execution_score: Decimal | None = None
    indicators: list[IndicatorAssessment] = field(default_factory=list)
    self_total: Decimal | None = None  # the printed total (inferred by the reader when no 总分 row)
    rescored_total: Decimal | None = None
    self_grade: str | None = None
    rescored_grade: str | None = None
    notes: list[str] = field(default_factory=list)  # Chinese: what the re-score could not compute


_TRIM = re.compile(r"[\s。．.，,；;！!]+$")


def norm_words(text: str) -> str:
    """Qualitative text for comparison: no spaces, no trailing punctuation."""
    return _TRIM.sub("", re.sub(r"\s+", "", text))


def reread(m: Measure, ruleset: RuleSet) -> Measure:
    """A measure the reader left as words, read again with the rule set's operator spellings."""
    if m.kind != QUAL:
        return m
    again_text = _reread_text(m.norm, ruleset)
    if again_text is None:
        return m
    again = measure(again_text, m.loc)
    again.text = m.text
    return again


@lru_cache(maxsize=4096)
def _reread_text(text: str, ruleset: RuleSet) -> str | None:
    """The text `reread` measures again instead of `text` (a measure's norm), or None: the words
    stay words. Kept: a pure function of the text and the rule set's operators."""
    for spelling, op in ruleset.operators:
        if text.startswith(spelling):
            rest = text[len(spelling):].strip()
            if rest[:1].isdigit():
                again = op + rest
                if measure(again).kind == QUANT:  # the kind of a measure does not depend on its loc
                    return again
            break
    return None


def _direction_of(text: str, ruleset: RuleSet) -> str | None:
    up = any(w in text for w in ruleset.words.up)
    down = any(w in text for w in ruleset.words.down)
    if up == down:
        return None
    return "up" if up else "down"


@lru_cache(maxsize=4096)
def qualitative_level(target: str, actual: str, ruleset: RuleSet) -> tuple[str, bool]:
    """(achievement level, identical) of a qualitative actual against its target word (§4).
    Kept: a pure function of the two texts and the rule set's words."""
    w = ruleset.words
    x, y = norm_words(target), norm_words(actual)
    if not y:
        return BLANK, False
    if y == x:
        return ACHIEVED, True
    if y in w.achieved:
        return ACHIEVED, False
    negated = y in w.not_achieved or any(
        y.startswith(p) and (y[len(p):] == x or y[len(p):] in _stems(w.achieved)) for p in w.not_achieved_prefixes
    )
    partial = y in w.partial or any(
        y.startswith(p) and (y[len(p):] == x or y[len(p):] in _stems(w.achieved)) for p in w.partial_prefixes
    )
    target_dir = _direction_of(x, ruleset)
    if target_dir:
        if negated or any(y.startswith(p) for p in w.not_achieved_prefixes):
            return NOT_ACHIEVED, False
        if partial:
            return PARTIAL, False
        actual_dir = _direction_of(y, ruleset)
        if actual_dir == target_dir:
            return ACHIEVED, False
        if actual_dir is not None:
            return NOT_ACHIEVED, False
        return UNKNOWN, False
    if partial:
        return PARTIAL, False
    if negated:
        return NOT_ACHIEVED, False
    return UNKNOWN, False


def _stems(words: tuple[str, ...]) -> set[str]:
    """达成 / 已完成 → {达成, 已完成, 完成}: '未完成' and '基本完成' name the same word."""
    out = set(words)
    out.update(w[1:] for w in words if w.startswith("已") and len(w) > 1)
    return out


def _raw(d: Decimal) -> str:
    """An unrounded intermediate value, at most 4 decimals ('19.356', '≈0.3333')."""
    short = d.quantize(_Q4)
    return decimal_text(d) if short == d else "≈" + decimal_text(short)


def _round_name(ruleset: RuleSet) -> str:
    mode = {"half_up": "四舍五入", "down": "截尾", "up": "进位"}[ruleset.rounding]
    return f"{mode}保留{ruleset.decimals}位小数"


def _clamp(value: Decimal, weight: Decimal) -> Decimal:
    return min(max(value, ZERO_DEC), weight)


def _direction(op: str, a: Decimal) -> str:
    if op in ("<=", "<"):
        return ZERO if a == ZERO_DEC else REVERSE
    if op in ("=", "") and a == ZERO_DEC:
        return ZERO
    return POSITIVE


def _units_agree(t: Measure, a: Measure, ruleset: RuleSet) -> bool:
    aliases = ruleset.unit_aliases
    tu, au = aliases.get(t.unit, t.unit), aliases.get(a.unit, a.unit)
    if tu == au:
        return True
    return ruleset.allow_missing_unit and (not tu or not au)


def _score_quant(ia: IndicatorAssessment, ind: Indicator, t: Measure, a: Measure, ruleset: RuleSet) -> None:
    w = ind.weight.value
    A = t.number
    assert A is not None  # a QUANT measure has its number (values.measure)
    ia.target = A
    ia.direction = direction = _direction(t.op, A)
    if a.kind == EMPTY:
        ia.achievement = BLANK
        ia.reason = "实际完成值未填写，无法重新评分"
        return
    if a.kind != QUANT:
        ia.achievement, ia.non_numeric_actual = UNKNOWN, True
        ia.reason = f"指标值“{t.text}”是数值，实际完成值“{a.text}”却不是数值，无法重新评分"
        return
    B = a.number
    assert B is not None
    ia.actual = B
    if t.unit != a.unit and not _units_agree(t, a, ruleset):  # the same text is the same unit
        ia.achievement, ia.unit_mismatch = UNKNOWN, True
        ia.reason = f"指标值单位“{t.unit or '无'}”与实际完成值单位“{a.unit or '无'}”不同，无法重新评分"
        return
    if A < ZERO_DEC:
        ia.achievement = UNKNOWN
        ia.reason = f"指标值 {decimal_text(A)} 为负数，规则未规定如何计分"
        return
    ia.bound = bound = a.op in ("<=", ">=", "<", ">")
    if bound:
        # §3: a bound is met when it guarantees the target; otherwise it does not say enough.
        guaranteed = (
            (direction == POSITIVE and a.op in (">=", ">") and B >= A)
            or (direction == REVERSE and a.op in ("<=", "<") and B <= A)
            or (direction == ZERO and a.op in ("<=", "<") and B <= ZERO_DEC)
        )
        if not guaranteed:
            ia.achievement = UNKNOWN
            ia.reason = f"实际完成值“{a.text}”是一个界限而不是实测值，不能说明是否达到“{t.text}”，无法重新评分"
            return
        ia.achievement = MET
    elif direction == POSITIVE:
        ia.achievement = MET if B >= A else NOT_MET
    elif direction == REVERSE:
        ia.achievement = MET if B <= A else NOT_MET
    else:
        ia.achievement = MET if B == ZERO_DEC else NOT_MET
    if w is None:
        ia.reason = "分值未填写，无法计算应得分"
        return
    if ia.achievement == MET:
        ia.expected = w
        ia.reason = f"已达到指标值，应得满分 {decimal_text(w)}（超额完成不加分）"
        return
    if ia.direction == POSITIVE and A == ZERO_DEC:
        ia.expected = ZERO_DEC
        ia.reason = f"指标值为 {decimal_text(A)}，实际 {decimal_text(B)} 为负数，应得 0 分"
    elif ia.direction == POSITIVE:
        raw = ia.raw = B / A * w
        ia.expected = _clamp(ruleset.round(raw), w)
        ia.reason = (f"实际 {a.text} 未达到指标值 {t.text}，应得 实际÷指标值×分值 = "
                     f"{decimal_text(B)}÷{decimal_text(A)}×{decimal_text(w)} = {_raw(raw)}，{_round_name(ruleset)}为 {decimal_text(ia.expected)}")
    elif ia.direction == REVERSE and ruleset.reverse == "ratio":
        raw = ia.raw = A / B * w
        ia.expected = _clamp(ruleset.round(raw), w)
        ia.reason = (f"反向指标：实际 {a.text} 未达到指标值 {t.text}，应得 指标值÷实际×分值 = "
                     f"{decimal_text(A)}÷{decimal_text(B)}×{decimal_text(w)} = {_raw(raw)}，{_round_name(ruleset)}为 {decimal_text(ia.expected)}")
    elif ia.direction == REVERSE:
        raw = ia.raw = (2 - B / A) * w
        ia.expected = _clamp(ruleset.round(raw), w)
        ia.reason = (f"反向指标：实际 {a.text} 未达到指标值 {t.text}，应得 (2−实际÷指标值)×分值 = "
                     f"(2−{decimal_text(B)}÷{decimal_text(A)})×{decimal_text(w)} = {_raw(raw)}，取 {decimal_text(ia.expected)}（不低于 0）")
    else:
        ia.expected = ZERO_DEC
        ia.reason = f"指标值 {t.text} 要求为 0，实际 {a.text} 不为 0，应得 0 分"


def _score_qual(ia: IndicatorAssessment, ind: Indicator, t: Measure, a: Measure, ruleset: RuleSet) -> None:
    w = ind.weight.value
    s = ind.score.value
    if a.kind == EMPTY:
        ia.achievement = BLANK
        ia.reason = "实际完成值未填写，无法重新评分"
        return
    if a.kind == QUANT:
        ia.achievement = UNKNOWN
        ia.reason = f"指标值“{t.text}”是文字，实际完成值“{a.text}”却是数值，无法判断完成程度"
        return
    level, ia.identical = qualitative_level(t.text, a.text, ruleset)
    if level == BLANK:
        # only punctuation or spaces ('.', '—'): printed, but says nothing about achievement
        level = UNKNOWN
    ia.achievement = level
    if level == UNKNOWN:
        ia.reason = f"实际完成值“{a.text}”不是规则集中表示完成程度的用语，无法判断是否达成“{t.text}”"
        return
    if w is None:
        ia.reason = "分值未填写，无法计算应得分"
        return
    band, low, high, interval = _band(level, w, ruleset)
    ia.band = (low, high)
    name = ACHIEVEMENT_NAMES[level]
    if ia.identical:
        ia.expected = w
        ia.reason = f"实际完成值与指标值相同（{a.text}），应得满分 {decimal_text(w)}"
    elif s is None:
        if level == ACHIEVED:
            ia.expected = w
            ia.reason = f"{name}，得分未填写，按满分 {decimal_text(w)} 计"
        else:
            ia.reason = f"{name}，得分区间 {interval}，得分未填写，无法确定应得分"
    elif band.contains(s / w if w else ZERO_DEC):
        ia.expected = s
        ia.reason = f"{name}，得分 {decimal_text(s)} 在区间 {interval} 内，予以认可"
    elif level == ACHIEVED and ruleset.achieved_rescore == "full":
        ia.expected = w
        ia.reason = f"{name}，得分应在区间 {interval} 内，重新评分取满分 {decimal_text(w)}"
    else:
        # The upper edge of [low, high) belongs to the next band: the nearest score inside is one
        # unit of the rule set's rounding below it.
        top = high if band.high >= 1 else high - Decimal(1).scaleb(-ruleset.decimals)
        ia.expected = low if s < low else top
        ia.reason = f"{name}，得分应在区间 {interval} 内，重新评分取区间内最近的值 {decimal_text(ia.expected)}"


def _band(level: str, w: Decimal, ruleset: RuleSet) -> tuple[Band, Decimal, Decimal, str]:
    """The band of an achievement level for weight w: (band, low, high, '[low, high)')."""
    # Equal weights (5 and 5.0) give one band, rounded to the rule set's places, but for the sign
    # of a zero weight, which the interval prints.
    return _band_of(level, w, w.is_signed(), ruleset)


@lru_cache(maxsize=4096)
def _band_of(level: str, w: Decimal, signed: bool, ruleset: RuleSet) -> tuple[Band, Decimal, Decimal, str]:
    band = ruleset.bands[level]
    low, high = ruleset.round(band.low * w), ruleset.round(band.high * w)
    return band, low, high, f"[{decimal_text(low)}, {decimal_text(high)}{']' if band.high >= 1 else ')'}"


def score_indicator(index: int, ind: Indicator, ruleset: RuleSet) -> IndicatorAssessment:
    t = reread(ind.target, ruleset)
    a = reread(ind.actual, ruleset)
    kind = t.kind
    if kind == QUANT:
        ia = IndicatorAssessment(index, "quant", UNKNOWN)
        _score_quant(ia, ind, t, a, ruleset)
    elif kind == QUAL:
        ia = IndicatorAssessment(index, "qual", UNKNOWN)
        _score_qual(ia, ind, t, a, ruleset)
    else:
        ia = IndicatorAssessment(index, "blank", BLANK if a.kind == EMPTY else UNKNOWN)
        ia.reason = "年度指标值未填写，无法重新评分"
    expected = ia.expected
    ia.rescored = expected if expected is not None else ind.score.value
    return ia


def rate_budget(fr) -> Decimal | None:
    """The budget a funds row's execution rate is taken against: 全年预算数, or 年初预算数 where the
    form prints no other (年初预算数(A) | 全年执行数(B) | 执行率(B/A))."""
    return fr.annual_budget.value if fr.annual_budget.value is not None else fr.initial_budget.value


def score_form(form: Form, ruleset: RuleSet) -> Assessment:
    """Re-score a form under a rule set (rules.md §5)."""
    out = Assessment()
    fr = form.funds.total
    budget, executed = rate_budget(fr), fr.executed.value
    out.funds_weight = fr.weight.value if fr.weight.value is not None else ruleset.funds_weight
    if budget is not None and executed is not None and budget > ZERO_DEC:
        r = executed / budget
        out.rate_exact = r * HUNDRED
        out.rate = ruleset.round(out.rate_exact)
        out.execution_score = ruleset.round(min(r, ONE) * out.funds_weight)
    else:
        out.notes.append("全年预算数或全年执行数未填写（或预算数为 0），无法计算执行率；重新评分沿用填报的执行率得分")
    out.indicators = ias = [score_indicator(k, ind, ruleset) for k, ind in enumerate(form.indicators)]
    for ia in ias:
        if ia.expected is None and ia.rescored is not None:
            out.notes.append(f"第{ia.index + 1}项指标“{form.indicators[ia.index].name.text}”无法重新评分，沿用填报得分 {decimal_text(ia.rescored)}")
    out.self_total = form.total.score.value
    parts = [out.execution_score if out.execution_score is not None else fr.score.value]
    parts += [ia.rescored for ia in ias]
    total = ZERO_DEC
    for p in parts:  # not `None in parts`: comparing a Decimal with None is slow
        if p is None:
            out.notes.append("有得分既无法计算也未填写，无法得出重新评分的总分")
            break
        total += p
    else:
        out.rescored_total = total
    out.self_grade = ruleset.grade(out.self_total)
    out.rescored_grade = ruleset.grade(out.rescored_total)
    return out
