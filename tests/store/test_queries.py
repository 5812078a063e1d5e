"""Filtering and sorting the form list, and the dashboard figures, on both databases."""

from __future__ import annotations

from decimal import Decimal

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
