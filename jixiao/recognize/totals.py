"""The 总分 row (or, when a form has none, the total inferred from its parts), and parent rows:
rows whose points are the sum of the rows under them."""

from __future__ import annotations

from decimal import Decimal

from ..model import Amount, Form, Indicator, Loc, Total
from ..values import amount, round2
from .align import SHIFTS
from .cells import child_marked, is_number, numbering
from .repairs import record


def read_total(texts: list[str], w_col: int | None, s_col: int | None, row_loc: Loc, loc) -> Total:
    """The 总分 row: the numbers under 分值 and 得分 (allowing the row to be shifted as data rows
    are), else the last two numbers of the row. `loc(j)` is the location of cell j."""
    tot = Total(loc=row_loc)
    n = len(texts)
    if w_col is not None and s_col is not None:
        for shift in SHIFTS:
            jw, js = w_col + shift, s_col + shift
            if 0 <= jw < n and 0 <= js < n and is_number(texts[jw]) and is_number(texts[js]):
                tot.weight = amount(texts[jw], loc(jw))
                tot.score = amount(texts[js], loc(js))
                return tot
    nums = [j for j, c in enumerate(texts) if is_number(c)]
    if len(nums) >= 2:
        jw, js = nums[-2], nums[-1]
        tot.weight = amount(texts[jw], loc(jw))
        tot.score = amount(texts[js], loc(js))
    elif len(nums) == 1:
        j = nums[0]
        if s_col is not None and (w_col is None or abs(j - s_col) < abs(j - w_col)):
            tot.score = amount(texts[j], loc(j))  # a table without a 分值 column totals its scores only
        else:
            tot.weight = amount(texts[j], loc(j))
    return tot


def infer_total(form: Form, end: Loc) -> None:
    """A form without a 总分 row: its total is the funds score plus the indicators' scores when
    all are printed (a repair), else the missing row is recorded. `end`: the table's last row."""
    scores = [i.score.value for i in form.indicators]
    weights = [i.weight.value for i in form.indicators]
    funds = form.funds.total
    if all(s is not None for s in scores) and funds.score.value is not None:
        total_score = funds.score.value + sum([s for s in scores if s is not None], Decimal(0))
        total_weight = (funds.weight.value or Decimal(0)) + sum([w for w in weights if w is not None], Decimal(0))
        form.total = Total(
            weight=Amount(text=str(total_weight), value=total_weight),
            score=Amount(text=str(round2(total_score).normalize()), value=total_score),
            inferred=True,
        )
        record(form, "infer-total",
               f"缺少“总分”行（表格在第{end.line}行结束），总分按执行得分与各指标得分之和推算为 {total_score}", end)
    else:
        record(form, "missing-total", f"缺少“总分”行（表格在第{end.line}行结束）", end)


def total_in_funds_row(form: Form) -> bool:
    """A form without a 总分 row whose funds row carries the form's total in its 分值/得分 cells
    (100 | 95.5): a funds weight above all the indicators' weights together, and a funds score at
    least their scores, is no execution's points. The two move to the total (a repair): True."""
    funds = form.funds.total
    w, s = funds.weight.value, funds.score.value
    weights = sum_of(i.weight for i in form.indicators)
    scores = sum_of(i.score for i in form.indicators) or Decimal(0)
    if w is None or s is None or weights is None or w <= weights or s < scores:
        return False
    form.total = Total(weight=funds.weight, score=funds.score, loc=funds.loc)
    funds.weight, funds.score = Amount(), Amount()
    record(form, "total-in-funds-row",
           f"表格没有“总分”行，资金行的分值 {form.total.weight.text}、得分 {form.total.score.text} 大于各指标分值之和"
           f"（{weights}），是全表总分，不计为执行分", form.total.weight.loc, form.total.score.loc)
    return True


def parent_rows(inds: list[Indicator]):
    """The parent rows of a table, bottom up, as (index, number of children): rows whose weight
    is the sum of the rows under them (一、/1、/★ parents, 其中 children) are headings with
    subtotals, not indicators. Bottom up, so that a parent of parents sees its direct children
    only after the children's own parents are gone: the caller removes each before the next."""
    k = len(inds) - 2
    while k >= 0:
        children = _children_of(inds, k)
        if children:
            yield k, children
        k -= 1


def _children_of(inds: list[Indicator], k: int) -> int:
    """How many rows after row k make up row k's weight (and score), when row k is marked as a
    parent or the row after it as a child; 0 when row k is an ordinary indicator."""
    parent = inds[k]
    w = parent.weight.value
    if w is None or w <= 0 or k + 1 >= len(inds):
        return 0
    style = numbering(parent.name.text)
    marked = child_marked(inds[k + 1].name.text)
    if not marked:
        # 一、 or 1、 before rows numbered another way; ★ alone marks a core indicator, and
        # 1、 followed by 2、 is a numbered list of siblings
        if style is None or style == "star" or numbering(inds[k + 1].name.text) == style:
            return 0
    total = Decimal(0)
    scores = Decimal(0)
    for j in range(k + 1, len(inds)):
        child = inds[j]
        # a heading sums rows of its own group: rows of another 一级, or of another 二级 where the
        # parent has one, are not its children (a 2、 row's weight can equal the next group's sum)
        if child.weight.value is None or child.level1.text != parent.level1.text or (
                parent.level2.text and child.level2.text != parent.level2.text):
            return 0
        total += child.weight.value
        if child.score.value is not None:
            scores += child.score.value
        if total == w:
            n = j - k
            if (n >= 2 or marked) and (parent.score.value is None or parent.score.value == scores):
                return n
            return 0
        if total > w:
            return 0
    return 0


def marked_parent_rows(inds: list[Indicator]):
    """Parent rows by their marks alone, where the points do not add up (parent_rows took those
    that do): 一、… over rows numbered 1、 or marked 其中, ★… over 其中 rows. Bottom up, as
    (index, number of children)."""
    k = len(inds) - 2
    while k >= 0:
        parent = inds[k]
        style = numbering(parent.name.text)
        n = 0
        if style in ("cn", "star"):
            for child in inds[k + 1:]:
                name = child.name.text
                if child.level1.text != parent.level1.text:
                    break
                if child_marked(name) or (style == "cn" and numbering(name) == "num"):
                    n += 1
                else:
                    break
        if n:
            yield k, n
        k -= 1


def sum_of(amounts) -> Decimal | None:
    """The sum of the printed values, None when none is printed."""
    vals = [a.value for a in amounts if a.value is not None]
    return sum(vals, Decimal(0)) if vals else None
