"""The families of project form (项目支出绩效自评表) of layouts.md, each as its template lays it out,
and the facts a reader must get from it.

Every family tells the same project (社区养老服务补贴) so that what it must read is the standard
form's facts with the family's own differences: `expected(**changes)`. A family's table is the
whole printed form, title rows included, in tests/readers/build.py's notation.

Facts are compared as `facts(form)`: the header, the funds (values, as numbers in the form's
amount unit), the goals, each indicator (一级, 二级, 三级, target, actual, weight, score,
deviation) and the total. A family whose facts the current model has no place for (implied
weights, parents, a form-level deviation text) states what the model can hold today, and its
`missing` says what is still missing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import opencc


@dataclass
class Family:
    name: str
    about: str  # the quirk, in a few words (docs/formats.md's table)
    table: str
    expected: list[dict]  # facts of each form in the file, in order
    # a cell text of the (first) row before which the PDFs break the page, or several such texts
    break_before: str | tuple[str, ...] | None = None
    sheet: str = "Sheet1"
    # a workbook of several sheets: (sheet name, table) each; `table` is then their tables one
    # after the other, as the other formats have them
    sheets: list[tuple[str, str]] | None = None
    # format (or "*" for every format) → what the reader is missing to read this family there;
    # the zoo's tests are strict xfails for these, and turn into failures when support lands
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def title_rows(self) -> int:
        return title_rows(self.table)


def title_rows(table: str) -> int:
    """Rows above the table proper: the title and the year, merged across the whole width."""
    from ..readers import build

    rows, merges = build.parse(table)
    width = len(rows[0])
    n = 0
    for m in merges:
        if m.row == n and m.col == 0 and m.cols == width and m.rows == 1:
            n += 1
    return n


def _num(a) -> str | None:
    """An amount, rate, weight or score as a plain number ('1200000', '9.5'), else its text."""
    if a.value is not None:
        return format(a.value.normalize(), "f")
    return a.text or None


def facts(form) -> dict:
    """What a form says, as the zoo compares it."""
    t = form.funds.total
    return {
        "project": form.project.text,
        "year": form.year,
        "department": form.department.text,
        "unit": form.unit.text,
        "amount_unit": form.amount_unit,
        "funds": [_num(t.initial_budget), _num(t.annual_budget), _num(t.executed), _num(t.weight),
                  _num(t.rate), _num(t.score)],
        "funds_rows": [[r.label, _num(r.initial_budget), _num(r.annual_budget), _num(r.executed)]
                       for r in form.funds.rows],
        "goals": [form.goals.planned.text, form.goals.achieved.text],
        "indicators": [
            [i.level1.text, i.level2.text, i.name.text, i.target.norm, i.actual.norm, _num(i.weight), _num(i.score),
             i.deviation.text]
            for i in form.indicators
        ],
        "total": [_num(form.total.weight), _num(form.total.score)],
    }


def leaves(d) -> list:
    """The facts as a flat list of (path, value), to count how many a reading got right."""
    out = []

    def walk(path, v):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(path + (k,), x)
        elif isinstance(v, list):
            for k, x in enumerate(v):
                walk(path + (k,), x)
        else:
            out.append((path, v))

    walk((), d)
    return out


INDICATORS = [
    ["产出指标", "数量指标", "服务人次", ">=10000人次", "12000人次", "20", "20", ""],
    ["产出指标", "数量指标", "覆盖社区数", ">=20个", "18个", "10", "9", "两个社区场地未落实，明年补齐。"],
    ["产出指标", "质量指标", "服务合格率", ">=95%", "98%", "10", "10", ""],
    ["产出指标", "时效指标", "补贴发放及时率", "=100%", "100%", "10", "10", ""],
    ["效益指标", "社会效益指标", "老人生活质量", "提升", "提升", "15", "15", ""],
    ["效益指标", "可持续影响指标", "长效机制", "健全", "基本健全", "15", "12", "制度尚待完善。"],
    ["满意度指标", "服务对象满意度指标", "老人满意度", ">=90%", "93%", "10", "10", ""],
]

BASE = {
    "project": "社区养老服务补贴",
    "year": 2022,
    "department": "某市民政局",
    "unit": "某区养老服务中心",
    "amount_unit": "元",
    "funds": ["1200000", "1000000", "950000", "10", "95", "9.5"],
    "funds_rows": [["当年财政拨款", "1200000", "1000000", "950000"], ["上年结转资金", "0", "0", "0"],
                   ["其他资金", "0", "0", "0"]],
    "goals": ["为辖区老人提供助餐、助浴服务。", "全年服务老人12,000人次。"],
    "indicators": INDICATORS,
    "total": ["100", "95.5"],
}


def expected(**changes) -> dict:
    d = copy.deepcopy(BASE)
    d.update(copy.deepcopy(changes))
    return d


def column(k: int, values: list) -> list[list]:
    """INDICATORS with column k replaced by `values`."""
    return [row[:k] + [v] + row[k + 1:] for row, v in zip(INDICATORS, values, strict=True)]


TITLE9 = """
财政项目支出绩效自评表 | < | < | < | < | < | < | < | <
（2022年度） | < | < | < | < | < | < | < | <
"""
HEAD9 = """
项目名称 | < | 社区养老服务补贴 | < | < | < | < | < | <
主管部门 | < | 某市民政局 | < | < | 实施单位 | < | 某区养老服务中心 | <
"""
FUNDS9 = """
项目资金（元） | | < | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
^ | 年度资金总额 | < | 1,200,000.00 | 1,000,000.00 | 950,000.00 | 10 | 95.00% | 9.5
^ | 其中：当年财政拨款 | < | 1,200,000.00 | 1,000,000.00 | 950,000.00 | — | |
^ | 上年结转资金 | < | 0 | 0 | 0 | — | |
^ | 其他资金 | < | 0 | 0 | 0 | — | |
"""
GOALS9 = """
年度总体目标 | 预算目标 | < | < | < | 实际完成情况 | < | < | <
^ | 为辖区老人提供助餐、助浴服务。 | < | < | < | 全年服务老人12,000人次。 | < | < | <
"""
INDICATORS9 = """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | 12000人次 | 20 | 20 |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | 10 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 10 | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 |
总分 | < | < | < | < | < | 100 | 95.5 |
"""
STANDARD = TITLE9 + HEAD9 + FUNDS9 + GOALS9 + INDICATORS9


def widen(table: str, width: int) -> str:
    """Rows of a narrower form stretched to `width` columns: each row's last cell spans the rest."""
    return "\n".join(line + " | <" * (width - len(line.split("|"))) for line in table.strip().splitlines()) + "\n"


def _traditional(table: str) -> str:
    return opencc.OpenCC("s2t").convert(table)


# what the readers miss today, shared by several families
CHROMIUM_SPLIT = ("pdf: Chromium splits a merged 一级/二级 cell that spans the page break, its text cut in two "
                  "(产出指 | 标) and its rows given the next group's label")

FAMILIES: list[Family] = []


def family(*args, **kwargs) -> Family:
    f = Family(*args, **kwargs)
    FAMILIES.append(f)
    return f


family(
    "standard", "the seed's layout (上海): the baseline", STANDARD, [expected()], break_before="服务合格率",
)

family(
    "column-names", "权重 / 指标值 / 全年完成值 / 偏差大或目标未完成原因分析; 万元, 全年(调整)预算数, 预期目标",
    TITLE9 + HEAD9 + """
项目资金（万元） | | < | 年初预算数 | 全年(调整)预算数 | 全年执行数 | 权重 | 执行率 | 得分
^ | 年度资金总额 | < | 120.00 | 100.00 | 95.00 | 10 | 95.00% | 9.5
^ | 其中：财政资金 | < | 120.00 | 100.00 | 95.00 | — | |
^ | 单位资金 | < | 0 | 0 | 0 | — | |
年度总体目标 | 预期目标 | < | < | < | 实际完成情况 | < | < | <
^ | 为辖区老人提供助餐、助浴服务。 | < | < | < | 全年服务老人12,000人次。 | < | < | <
""" + INDICATORS9.replace("年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
                          "指标值 | 全年完成值 | 权重 | 得分 | 偏差大或目标未完成原因分析"),
    [expected(amount_unit="万元", funds=["120", "100", "95", "10", "95", "9.5"],
              funds_rows=[["财政资金", "120", "100", "95"], ["单位资金", "0", "0", "0"]])],
    break_before="服务合格率",
)

family(
    "weight-first", "分值 before the target and actual columns (some counties)",
    TITLE9 + HEAD9 + FUNDS9 + GOALS9 + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值 | 实际完成值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | 20 | ≥10000人次 | 12000人次 | 20 |
^ | ^ | ^ | 覆盖社区数 | 10 | ≥20个 | 18个 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | 10 | ≥95% | 98% | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | 10 | =100% | 100% | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 15 | 提升 | 提升 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 15 | 健全 | 基本健全 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | 10 | ≥90% | 93% | 10 |
总分 | < | < | < | 100 | | | 95.5 |
""",
    [expected()], break_before="服务合格率",
)

family(
    "split-target", "target split in three: 指标性质 (≧ ═ 定性) | 指标值 | 计量单位",
    widen(TITLE9 + HEAD9 + FUNDS9 + GOALS9, 11) + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | < | < | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | ^ | ^ | ^ | 指标性质 | 指标值 | 计量单位 | ^ | ^ | ^ | ^
^ | 产出指标 | 数量指标 | 服务人次 | ≧ | 10000 | 人次 | 12000 | 20 | 20 |
^ | ^ | ^ | 覆盖社区数 | ≧ | 20 | 个 | 18 | 10 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≧ | 95 | % | 98 | 10 | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | ═ | 100 | % | 100 | 10 | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 定性 | 提升 | | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 定性 | 健全 | | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≧ | 90 | % | 93 | 10 | 10 |
总分 | < | < | < | < | < | < | < | 100 | 95.5 |
""",
    [expected()], break_before="服务合格率",
)

family(
    "extra-columns", "指标值设置依据, 上年完成值, 完成率, 得分系数(%), 指标赋分规则, 佐证资料, 是否核心指标",
    widen(TITLE9 + HEAD9 + FUNDS9 + GOALS9, 16) + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值设置依据 | 上年完成值 | 年度指标值 | 实际完成值 | 完成率 | 分值 | 得分系数(%) | 得分 | 指标赋分规则 | 偏差原因分析及改进措施 | 佐证资料 | 是否核心指标
^ | 产出指标 | 数量指标 | 服务人次 | 计划标准 | 9800人次 | ≥10000人次 | 12000人次 | 120% | 20 | 100 | 20 | 完成得满分 | | 台账 | 是
^ | ^ | ^ | 覆盖社区数 | 计划标准 | 17个 | ≥20个 | 18个 | 90% | 10 | 90 | 9 | 按比例 | 两个社区场地未落实，明年补齐。 | 名单 | 否
^ | ^ | 质量指标 | 服务合格率 | 行业标准 | 96% | ≥95% | 98% | 103% | 10 | 100 | 10 | 达标得满分 | | 抽查记录 | 否
^ | ^ | 时效指标 | 补贴发放及时率 | 制度要求 | 100% | =100% | 100% | 100% | 10 | 100 | 10 | 达标得满分 | | 发放记录 | 否
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 规划 | 提升 | 提升 | 提升 | | 15 | 100 | 15 | 定性 | | 回访 | 否
^ | ^ | 可持续影响指标 | 长效机制 | 规划 | 健全 | 健全 | 基本健全 | | 15 | 80 | 12 | 定性 | 制度尚待完善。 | 制度文件 | 否
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | 惯例 | 91% | ≥90% | 93% | 103% | 10 | 100 | 10 | 达标得满分 | | 问卷 | 是
总分 | < | < | < | < | < | < | < | < | 100 | < | 95.5 | | | |
""",
    [expected()], break_before="服务合格率",
)

family(
    "units-in-cells", "amounts typed with units and separators (120万, 95万元, 1,000,000.00元), a rate as 95 %",
    TITLE9 + HEAD9 + """
项目资金（元） | | < | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
^ | 年度资金总额 | < | 120万 | 1,000,000.00元 | 95万元 | 10 | 95 % | 9.5
^ | 其中：当年财政拨款 | < | 120万 | 1,000,000.00元 | 95万元 | — | |
^ | 上年结转资金 | < | 0 | 0 | 0 | — | |
^ | 其他资金 | < | 0 | 0 | 0 | — | |
""" + GOALS9 + INDICATORS9,
    [expected()], break_before="服务合格率",
)

family(
    "twenty-eighty", "执行率 weighted 20 (得分 (20分*执行率)), a 年度绩效目标 (80分) block with no 分值 column, "
                     "one deviation paragraph for the form",
    """
项目支出绩效自评表 | < | < | < | < | < | < | <
（2022年度） | < | < | < | < | < | < | <
项目名称 | 社区养老服务补贴 | < | < | < | < | < | <
主管部门 | 某市民政局 | < | < | 实施单位 | 某区养老服务中心 | < | <
项目资金（元） | | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 | 得分 (20分*执行率) | <
^ | 年度资金总额 | 1,200,000.00 | 1,000,000.00 | 950,000.00 | 95.00% | 19 | <
^ | 其中：当年财政拨款 | 1,200,000.00 | 1,000,000.00 | 950,000.00 | | | <
^ | 上年结转资金 | 0 | 0 | 0 | | | <
^ | 其他资金 | 0 | 0 | 0 | | | <
年度总体目标 | 预期目标 | < | < | 实际完成情况 | < | < | <
^ | 为辖区老人提供助餐、助浴服务。 | < | < | 全年服务老人12,000人次。 | < | < | <
年度绩效目标 (80分) | 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 | <
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | 12000人次 | 16 | <
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | 7 | <
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 8 | <
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 8 | <
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 12 | <
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 10 | <
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 8 | <
总分 | < | < | < | < | < | 88 | <
偏差原因分析及改进措施 | 两个社区场地未落实，明年补齐；长效机制制度尚待完善。 | < | < | < | < | < | <
""",
    [expected(
        funds=["1200000", "1000000", "950000", "20", "95", "19"],
        indicators=[row[:5] + [None, s, ""] for row, s in zip(INDICATORS, ["16", "7", "8", "8", "12", "10", "8"])],
        total=[None, "88"],
    )],
    break_before="服务合格率",
)

family(
    "parent-child", "parent rows 一、… over 1、… and ★… over 其中：…; only the children are indicators",
    TITLE9 + HEAD9 + FUNDS9 + GOALS9 + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 一、服务总量 | ≥10000人次 | 12000人次 | 30 | 29 |
^ | ^ | ^ | 1、服务人次 | ≥10000人次 | 12000人次 | 20 | 20 |
^ | ^ | ^ | 2、覆盖社区数 | ≥20个 | 18个 | 10 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 10 | 10 |
^ | 效益指标 | 社会效益指标 | ★老人生活 | 提升 | 提升 | 15 | 15 |
^ | ^ | ^ | 其中：老人生活质量 | 提升 | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 |
总分 | < | < | < | < | < | 100 | 95.5 |
""",
    [expected(indicators=column(2, ["1、服务人次", "2、覆盖社区数", "服务合格率", "补贴发放及时率", "老人生活质量",
                                    "长效机制", "老人满意度"]))],
    break_before="服务合格率",
)

family(
    "level1-points", "一级 labels with points (产出指标(50分)), a placeholder row (指标2, ……), a blank category "
                     "row, a non-integer weight, the 一级 label repeated after the page break",
    TITLE9 + HEAD9 + FUNDS9 + GOALS9 + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标(50分) | 数量指标(30分) | 服务人次 | ≥10000人次 | 12000人次 | 17.5 | 17.5 |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | 12.5 | 11.5 | 两个社区场地未落实，明年补齐。
^ | ^ | ^ | 指标2 | …… | | | |
^ | ^ | 质量指标(10分) | 服务合格率 | ≥95% | 98% | 10 | 10 |
^ | ^ | 成本指标 | | | | | |
^ | 产出指标(50分) | 时效指标(10分) | 补贴发放及时率 | =100% | 100% | 10 | 10 |
^ | 效益指标(30分) | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标(10分) | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 |
总分 | < | < | < | < | < | 100 | 95.5 |
""",
    [expected(indicators=[INDICATORS[0][:5] + ["17.5", "17.5", ""], INDICATORS[1][:5] + ["12.5", "11.5", INDICATORS[1][7]]]
              + INDICATORS[2:])],
    break_before="时效指标(10分)",
)

family(
    "header-total", "the self-score in the header (自评得分 95.5) instead of a 总分 row",
    TITLE9 + HEAD9 + """
自评得分 | < | 95.5 | < | < | 自评等级 | < | 优 | <
""" + FUNDS9 + GOALS9 + INDICATORS9.split("总分")[0],
    [expected(total=[None, "95.5"])],
    break_before="服务合格率",
)

family(
    "lone-total", "a 总分 row whose weight cell is empty: the lone number is the score",
    TITLE9 + HEAD9 + FUNDS9 + GOALS9 + INDICATORS9.replace("总分 | < | < | < | < | < | 100 | 95.5 |",
                                                          "总分 | < | < | < | < | < | | 95.5 |"),
    [expected(total=[None, "95.5"])],
    break_before="服务合格率",
)

family(
    "funds-sub-rows", "funds sub-rows 本年财政拨款 / 上年结转资金 / 财政专户管理资金 / 单位资金, each with its own "
                      "budget, execution and rate",
    TITLE9 + HEAD9 + """
项目资金（元） | | < | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
^ | 年度资金总额 | < | 1,200,000.00 | 1,000,000.00 | 950,000.00 | 10 | 95.00% | 9.5
^ | 其中：本年财政拨款 | < | 1,000,000.00 | 800,000.00 | 780,000.00 | — | 97.50% |
^ | 上年结转资金 | < | 200,000.00 | 200,000.00 | 170,000.00 | — | 85.00% |
^ | 财政专户管理资金 | < | 0 | 0 | 0 | — | |
^ | 单位资金 | < | 0 | 0 | 0 | — | |
""" + GOALS9 + INDICATORS9,
    [expected(funds_rows=[["本年财政拨款", "1000000", "800000", "780000"], ["上年结转资金", "200000", "200000", "170000"],
                          ["财政专户管理资金", "0", "0", "0"], ["单位资金", "0", "0", "0"]])],
    break_before="服务合格率",
)

DECISION = [
    ["项目决策", "项目立项", "立项依据充分性", "充分", "充分", "5", "5", ""],
    ["项目决策", "绩效目标", "绩效目标明确性", "明确", "明确", "5", "5", ""],
    ["项目管理", "资金管理", "预算执行率", "=100%", "95%", "10", "9.5", ""],
    ["项目管理", "组织实施", "制度执行有效性", "有效", "有效", "10", "10", ""],
    ["项目产出", "产出数量", "服务人次", ">=10000人次", "12000人次", "20", "20", ""],
    ["项目产出", "产出数量", "覆盖社区数", ">=20个", "18个", "10", "9", "两个社区场地未落实，明年补齐。"],
    ["项目产出", "产出质量", "服务合格率", ">=95%", "98%", "10", "10", ""],
    ["项目效益", "社会效益", "老人生活质量", "提升", "提升", "10", "10", ""],
    ["项目效益", "满意度", "老人满意度", ">=90%", "93%", "20", "18", ""],
]

family(
    "decision-management", "the 项目决策 / 项目管理 / 项目产出 / 项目效益 framework: execution scored inside 项目管理, "
                           "调整预算数(A), the total in the header",
    """
项目支出绩效自评表 | < | < | < | < | < | < | < | <
（2022年度） | < | < | < | < | < | < | < | <
项目名称 | < | 社区养老服务补贴 | < | < | < | < | < | <
主管部门 | < | 某市民政局 | < | < | 实施单位 | < | 某区养老服务中心 | <
自评得分 | < | 96.5 | < | < | 自评等级 | < | 优 | <
项目资金（元） | | < | 年初预算数 | 调整预算数(A) | 全年执行数(B) | 执行率(B/A) | < | <
^ | 年度资金总额 | < | 1,200,000.00 | 1,000,000.00 | 950,000.00 | 95.00% | < | <
^ | 其中：财政资金 | < | 1,200,000.00 | 1,000,000.00 | 950,000.00 | 95.00% | < | <
^ | 其他资金 | < | 0 | 0 | 0 | | < | <
年度总体目标 | 预期目标 | < | < | < | 实际完成情况 | < | < | <
^ | 为辖区老人提供助餐、助浴服务。 | < | < | < | 全年服务老人12,000人次。 | < | < | <
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 项目决策(10分) | 项目立项 | 立项依据充分性 | 充分 | 充分 | 5 | 5 |
^ | ^ | 绩效目标 | 绩效目标明确性 | 明确 | 明确 | 5 | 5 |
^ | 项目管理(20分) | 资金管理 | 预算执行率 | =100% | 95% | 10 | 9.5 |
^ | ^ | 组织实施 | 制度执行有效性 | 有效 | 有效 | 10 | 10 |
^ | 项目产出(40分) | 产出数量 | 服务人次 | ≥10000人次 | 12000人次 | 20 | 20 |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | 10 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 产出质量 | 服务合格率 | ≥95% | 98% | 10 | 10 |
^ | 项目效益(30分) | 社会效益 | 老人生活质量 | 提升 | 提升 | 10 | 10 |
^ | ^ | 满意度 | 老人满意度 | ≥90% | 93% | 20 | 18 |
""",
    [expected(funds=["1200000", "1000000", "950000", None, "95", None],
              funds_rows=[["财政资金", "1200000", "1000000", "950000"], ["其他资金", "0", "0", "0"]],
              indicators=DECISION, total=[None, "96.5"])],
    break_before="产出质量",
)

family(
    "score-split", "the score in three columns: 单项指标得分 / 权重占比 / 折算得分 (= score × share)",
    widen(TITLE9 + HEAD9 + FUNDS9 + GOALS9, 11) + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 单项指标得分 | 权重占比 | 折算得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | 12000人次 | 20 | 100 | 20% | 20 |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | 10 | 90 | 10% | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 100 | 10% | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 10 | 100 | 10% | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 15 | 100 | 15% | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 80 | 15% | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 100 | 10% | 10 |
总分 | < | < | < | < | < | 100 | | | 95.5 |
""",
    [expected()],
    break_before="服务合格率",
)

family(
    "review-score", "separate 自评得分 and 复评得分 columns; the 复评 is not the self-score",
    widen(TITLE9 + HEAD9 + FUNDS9 + GOALS9, 10) + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 自评得分 | 复评得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | 12000人次 | 20 | 20 | 20 |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | 10 | 9 | 8 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 10 | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 10 | 10 | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 15 | 15 | 14 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 | 10 |
总分 | < | < | < | < | < | 100 | 95.5 | 93.5 |
""",
    [expected()],
    break_before="服务合格率",
)

family(
    "group-score", "one score per 二级 group, merged down over its rows",
    TITLE9 + HEAD9 + FUNDS9 + GOALS9 + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | 12000人次 | 30 | 29 |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | ^ | ^ | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 10 | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 |
总分 | < | < | < | < | < | 100 | 95.5 |
""",
    [expected(indicators=[INDICATORS[0][:5] + ["30", "29", ""], INDICATORS[1][:5] + [None, None, INDICATORS[1][7]]]
              + INDICATORS[2:])],
    break_before="服务合格率",
)

family(
    "criteria-funds-ab", "a 评价标准 column (the scoring rule as text, in the funds block too); funds with only "
                         "年初预算数(A) and 全年执行数(B)",
    widen(TITLE9 + HEAD9, 10) + """
项目资金（元） | | < | 年初预算数(A) | 全年执行数(B) | 执行率(B/A) | 分值 | 得分 | 评价标准 | <
^ | 年度资金总额 | < | 1,000,000.00 | 950,000.00 | 95.00% | 10 | 9.5 | 执行率×分值 | <
^ | 其中：财政资金 | < | 1,000,000.00 | 950,000.00 | 95.00% | | | | <
""" + widen(GOALS9, 10) + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 评价标准 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | 12000人次 | 20 | 20 | 达到目标值得满分 |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | 10 | 9 | 按完成比例得分 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 10 | 达到目标值得满分 |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 10 | 10 | 达到目标值得满分 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 15 | 15 | 定性评价 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 定性评价 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 | 达到目标值得满分 |
总分 | < | < | < | < | < | 100 | 95.5 | |
""",
    [expected(funds=["1000000", None, "950000", "10", "95", "9.5"],
              funds_rows=[["财政资金", "1000000", None, "950000"]])],
    break_before="服务合格率",
)

SECOND = STANDARD.replace("社区养老服务补贴", "老年助餐点建设")

family(
    "several-forms", "two forms one after the other on one sheet (one page run)",
    STANDARD + SECOND,
    [expected(), expected(project="老年助餐点建设")],
    break_before=None,
)

family(
    "blank-actuals", "published with every actual and score left blank",
    TITLE9 + HEAD9 + FUNDS9 + GOALS9 + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | | 20 | |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | | 10 | |
^ | ^ | 质量指标 | 服务合格率 | ≥95% | | 10 | |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | | 10 | |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | | 15 | |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | | 15 | |
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | | 10 | |
总分 | < | < | < | < | < | 100 | |
""",
    [expected(indicators=[r[:4] + ["", r[5], None, ""] for r in INDICATORS], total=["100", None])],
    break_before="服务合格率",
)

family(
    "check-boxes", "check boxes for the project type in the header (□新增 ☑延续)",
    TITLE9 + HEAD9 + """
项目类型 | < | □新增项目 ☑延续项目 | < | < | < | < | < | <
""" + FUNDS9 + GOALS9 + INDICATORS9,
    [expected()], break_before="服务合格率",
)

family(
    "traditional", "a Traditional-character mirror of the standard form (項目名稱, 產出指標, 滿意度)",
    _traditional(STANDARD), [expected()], break_before=_traditional("服务合格率"),
)


family(
    "rate-as-fraction", "the execution rate typed as a fraction (0.95) and an actual as one cut short (0.9)",
    STANDARD.replace("| 95.00% | 9.5", "| 0.95 | 9.5").replace("| ≥90% | 93% |", "| ≥0.9 | 0.93 |"),
    [expected(indicators=INDICATORS[:6] + [INDICATORS[6][:3] + [">=0.9", "0.93"] + INDICATORS[6][5:]])],
    break_before="服务合格率",
)

family(
    "funds-arrival", "funds as 预算数 / 到位数 / 执行数 / 执行进度",
    TITLE9 + HEAD9 + """
项目资金（元） | | < | 预算数 | 到位数 | 执行数 | 执行进度 | 分值 | 得分
^ | 年度资金总额 | < | 1,000,000.00 | 1,000,000.00 | 950,000.00 | 95.00% | 10 | 9.5
^ | 其中：财政资金 | < | 1,000,000.00 | 1,000,000.00 | 950,000.00 | 95.00% | |
""" + GOALS9 + INDICATORS9,
    [expected(funds=[None, "1000000", "950000", "10", "95", "9.5"], funds_rows=[["财政资金", None, "1000000", "950000"]])],
    break_before="服务合格率",
)

family(
    "tail-before-title", "two forms in one page run: the first form's last rows printed at the top of the next "
                         "page, before the second form's title",
    STANDARD + SECOND,
    [expected(), expected(project="老年助餐点建设")],
    break_before="老人满意度",  # the first one: the first form's tail goes to the next page
)

family(
    "cut-off", "published without its indicator table (the page cut off after the goals): kept, marked incomplete",
    TITLE9 + HEAD9 + FUNDS9 + GOALS9,
    [expected(indicators=[], total=[None, None])],
)


family(
    "funds-zero-total", "a funds 合计 row of zeros above filled sub-rows: the total is the sub-rows' sum",
    TITLE9 + HEAD9 + """
项目资金（元） | | < | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
^ | 年度资金总额 | < | 0 | 0 | 0 | 10 | 95.00% | 9.5
^ | 其中：当年财政拨款 | < | 1,000,000.00 | 800,000.00 | 780,000.00 | — | |
^ | 上年结转资金 | < | 200,000.00 | 200,000.00 | 170,000.00 | — | |
""" + GOALS9 + INDICATORS9,
    [expected(funds_rows=[["当年财政拨款", "1000000", "800000", "780000"], ["上年结转资金", "200000", "200000", "170000"]])],
    break_before="服务合格率",
)

family(
    "total-in-funds-row", "the form's total typed into the funds row's 分值/得分 cells, no 总分 row",
    TITLE9 + HEAD9 + FUNDS9.replace("| 10 | 95.00% | 9.5", "| 100 | 95.00% | 95.5") + GOALS9 + INDICATORS9.split("总分")[0],
    [expected(funds=["1200000", "1000000", "950000", None, "95", None])],
    break_before="服务合格率",
)

LONG = 28  # 数量指标 rows of the long-group family: page 2 of the PDFs lies wholly inside the group
_LONG_ROWS = "\n".join(
    f"^ | {'产出指标' if k == 0 else '^'} | {'数量指标' if k == 0 else '^'} | 服务项目{k + 1} | ≥{k + 10}个 | {k + 10}个 | 1 | 1 |"
    for k in range(LONG))

family(
    "long-group", "a 数量指标 group of 28 rows printed over three pages: the merged 绩效指标 / 一级 / 二级 cells open "
                  "at both ends of the middle page, their texts printed on it side by side",
    TITLE9 + HEAD9 + FUNDS9 + GOALS9 + """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
""" + _LONG_ROWS + """
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 2 | 2 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 |
总分 | < | < | < | < | < | 70 | 67 |
""",
    [expected(indicators=[["产出指标", "数量指标", f"服务项目{k + 1}", f">={k + 10}个", f"{k + 10}个", "1", "1", ""]
                          for k in range(LONG)] + [INDICATORS[2][:5] + ["2", "2", ""]] + INDICATORS[4:],
              total=["70", "67"])],
    break_before=("服务项目8", "服务项目21"),
)

COVER = """
2022年度项目支出绩效自评报告 | < | <
单位名称 | 某区养老服务中心 | <
填报日期 | 2023年3月15日 | <
"""
_SHEETS = [("封面", COVER), ("表1", STANDARD), ("表2", SECOND)]

family(
    "cover-sheet", "a workbook with a cover sheet and one form per sheet (the other formats: the cover, then the forms)",
    "".join(t for _, t in _SHEETS),
    [expected(), expected(project="老年助餐点建设")],
    sheets=_SHEETS,
)


def by_name(name: str) -> Family:
    return next(f for f in FAMILIES if f.name == name)


def _check() -> None:
    names = [f.name for f in FAMILIES]
    assert len(names) == len(set(names)), names
    for f in FAMILIES:
        for d in f.expected:
            assert set(d) == set(BASE), f.name


_check()
