"""Filtering and sorting the form list, and the dashboard figures, on both databases."""

from __future__ import annotations

from decimal import Decimal

from jixiao.readers import read_forms
from jixiao.store import FormFilter


def test_filters_combine(store, seed_path):
    store.import_file(seed_path)

    assert len(store.list_forms(flt=FormFilter(year=2021, unit="上海市社会保障卡服务中心"))) == 10
    assert store.list_forms(flt=FormFilter(year=2020)) == []
    with_errors = store.list_forms(flt=FormFilter(has_errors=True))
    assert with_errors and all(r.error_count > 0 for r in with_errors)
    assert len(with_errors) + len(store.list_forms(flt=FormFilter(has_errors=False))) == 10
    s003 = store.list_forms(flt=FormFilter(rule="s003"))
    assert [r.project for r in s003] == ["2021年(社保卡中心)公务车辆购置费"]
    assert [r.project for r in store.list_forms(flt=FormFilter(q="敬老卡"))] == ["2021年(社保卡中心)敬老卡制作费"]
    assert all(r.rescored_grade == "优" for r in store.list_forms(flt=FormFilter(grade="优")))


def test_sorting_by_a_decimal_column_is_numeric(store, seed_path):
    store.import_file(seed_path)
    budgets = [r.budget for r in store.list_forms(sort="budget", descending=True)]
    assert budgets == sorted(budgets, reverse=True)
    assert budgets[0] == Decimal("7958000.00")
    totals = [r.rescored_total for r in store.list_forms(sort="rescored_total")]
    assert totals == sorted(totals)


def test_dashboard_groups_by_department_and_unit(store, seed_path):
    store.import_file(seed_path)
    d = store.dashboard()

    assert [g.name for g in d.departments] == ["上海市公安局"]
    assert [g.name for g in d.units] == ["上海市社会保障卡服务中心"]
    assert d.units[0].forms == d.total.forms == 10
    assert d.total.budget == sum((r.budget for r in store.list_forms()), Decimal(0))
    assert d.plotted == 10
    assert sum(n for _, n, _ in d.rules) == sum(len(store.get_form(r.id).findings) for r in store.list_forms())


def test_filter_choices_are_the_distinct_values_each_user_may_see(store, seed_path):
    """The menus: read by a loose index scan for those who see everything, by DISTINCT for the
    others; both equal the plain distinct values of the visible forms."""
    store.import_file(seed_path)
    forms, _ = read_forms(seed_path)
    forms[0].unit.text, forms[0].department.text, forms[0].year = "乙单位", "乙局", 2019
    forms[1].unit.text = ""
    store.import_forms(forms[:2], data=b"two more", filename="two.json")
    unit = store.add_user("unit", "violet-anchor-1907", "填报", "上海市社会保障卡服务中心")
    for user, forms_seen in ((None, 12), (unit, 10)):
        got = store.filter_choices(user)
        rows = store.list_forms(user)
        assert len(rows) == forms_seen
        assert got["year"] == sorted({r.year for r in rows})
        assert got["department"] == sorted({r.department for r in rows} - {""})
        assert got["unit"] == sorted({r.unit for r in rows} - {""})
        rules = sorted({f.rule for r in rows for f in store.get_form(r.id).findings})
        assert got["rule"] == rules and rules


def test_an_export_reads_the_forms_a_chunk_at_a_time_with_their_findings(store, seed_path):
    store.import_file(seed_path)
    whole = store.list_forms(sort="rescored_total", descending=True)
    chunked = list(store.iter_forms_full(sort="rescored_total", descending=True, chunk=3))
    assert [r.id for r in chunked] == [r.id for r in whole]
    assert [len(r.findings) for r in chunked] == [len(store.get_form(r.id).findings) for r in whole]
    assert sum(len(r.findings) for r in chunked) > 0
