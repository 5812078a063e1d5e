"""The short cache of the sums over every form (store/figures.py), on both databases: a change
through the same store shows at once; one made by another process (another Store on the same
database) shows once the entry has aged out; a write that changes no figure keeps the entries."""

from __future__ import annotations

import time

from sqlalchemy import update

from jixiao.store import FormFilter, open_store
from jixiao.store.schema import FormRow


def test_a_change_through_the_store_shows_at_once(store, seed_path):
    store.import_file(seed_path)
    assert store.dashboard().total.forms == store.count_forms() == 10
    assert store.progress().total.counts["草稿"] == 10
    assert store.count_forms(flt=FormFilter(year=1999)) == 0 and 1999 not in store.filter_choices()["year"]
    with store.Session.begin() as s:  # any committed change of a form through this store
        s.execute(update(FormRow).where(FormRow.id == min(r.id for r in store.list_forms())).values(year=1999))
    assert store.count_forms(flt=FormFilter(year=1999)) == 1
    assert store.dashboard(flt=FormFilter(year=1999)).total.forms == 1
    assert 1999 in store.filter_choices()["year"]


def test_another_process_change_shows_when_the_entry_ages_out(store, seed_path, db_url):
    store.import_file(seed_path)
    store.figures.seconds = 3  # long enough for the steps below on a busy machine
    assert store.count_forms() == 10 and store.dashboard().total.forms == 10
    assert 1999 not in store.filter_choices()["year"]
    other = open_store(db_url)  # as another worker process would
    try:
        with other.Session.begin() as s:
            s.execute(update(FormRow).where(FormRow.id == min(r.id for r in store.list_forms())).values(year=1999))
    finally:
        other.close()
    assert store.count_forms(flt=FormFilter(year=1999)) == 1  # never asked before: computed now
    assert 1999 not in store.filter_choices()["year"]  # kept: this store saw no change
    before = store.figures.generation
    store.log_event("测试", None)  # the security log changes no figure
    assert store.figures.generation == before
    time.sleep(3.1)
    assert 1999 in store.filter_choices()["year"]
    assert store.dashboard(flt=FormFilter(year=1999)).total.forms == 1


def test_the_cache_can_be_turned_off(store, seed_path):
    store.import_file(seed_path)
    store.figures.seconds = 0
    calls = []
    assert store.figures.get(("x",), lambda: calls.append(1) or 1) == 1
    assert store.figures.get(("x",), lambda: calls.append(1) or 1) == 1
    assert len(calls) == 2
