"""The running totals (store/totals.py) equal a fresh aggregate of the forms after every kind of
write, on SQLite and on PostgreSQL: imports (the store's and the batch writer's), edits, status
changes, finding reviews, bulk updates and deletes. Checked two ways after each step: the table
against the totals computed afresh from every form, and the dashboard, the review progress and
the list's count read from the totals against the same figures aggregated from the forms."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from jixiao.batch.run import BatchOptions, run_batch
from jixiao.batch.sink import StoreWriter
from jixiao.model import Text
from jixiao.readers.jsonio import dumps, form_from_dict
from jixiao.store import FormFilter, queries, totals
from jixiao.store.schema import FindingRow, FormRow, FormTotal
from jixiao.synth.corpus import draw

PASSWORD = "totals-test-password-5531"


def table(store) -> dict:
    with store.engine.connect() as c:
        return {tuple(r[:6]): list(r[6:]) for r in c.execute(select(*FormTotal.__table__.c))}


def fresh(store) -> dict:
    with store.engine.connect() as c:
        ids = list(c.execute(select(FormRow.id)).scalars())
        return {k: v for k, v in totals.read(c, ids).items()}


def by_name(d: dict) -> dict:
    """Units of one name under two departments may come in another order from the totals."""
    d["units"] = sorted(d["units"], key=lambda g: (g["name"], g["forms"], g["budget"]))
    return d


FILTERS = [FormFilter(), FormFilter(year=2021), FormFilter(department="甲市教育局"), FormFilter(unit="办公室"),
           FormFilter(status="已提交"), FormFilter(kind="project", year=2022)]
COUNT_ONLY = [FormFilter(grade="优"), FormFilter(rule="w002"), FormFilter(rule="S003", year=2021)]


def check(store, users) -> None:
    got, expected = table(store), fresh(store)
    assert got.keys() == expected.keys()
    for k in got:
        assert [Decimal(v) for v in got[k]] == [Decimal(v) for v in expected[k]], k
    with store.Session() as s:
        for user in users:
            for flt in FILTERS:
                assert (by_name(queries.dashboard_from_totals(s, user, flt).to_dict())
                        == by_name(queries.dashboard(s, user, flt).to_dict())), (user and user.username, flt)
                live = queries.progress(s, user, flt)
                from_totals = queries.progress(s, user, flt, now=live.now, from_totals=True)
                assert from_totals.to_dict() == live.to_dict()
            for flt in FILTERS + COUNT_ONLY:
                assert queries.count_from_totals(s, user, flt) == queries.count(s, user, flt)
    assert queries.count_from_totals(None, None, FormFilter(q="中学")) is None


def test_the_totals_follow_every_write(store, seed_path):
    admin = store.add_user("admin", PASSWORD, "管理员")
    unit = store.add_user("unit", PASSWORD, "填报", unit="甲市第一中学")
    reviewer = store.add_user("reviewer", PASSWORD, "审核", departments=["甲市教育局"])
    users = [None, admin, unit, reviewer]
    assert table(store) == {}

    store.import_file(seed_path, user="admin")
    forms = [d.form for d in draw(30, seed=7, error_share=0.6)]
    for k, f in enumerate(forms):
        f.department, f.unit = Text(("甲市教育局", "甲市财政局")[k % 2]), Text(("甲市第一中学", "办公室", "")[k % 3])
    result = store.import_forms(forms, data=dumps(forms).encode(), filename="synth.json", user="admin")
    assert result.ok and len(result.form_ids) == 30
    check(store, users)
    assert len(table(store)) > 50

    # edits: the amounts, the unit, the year of a form change groups and bins
    ids = result.form_ids
    for k, form_id in enumerate(ids[:4]):
        row = store.get_form(form_id, admin)
        d = dict(row.data)
        d["unit"] = "甲市第一中学"
        d["year"] = 2021 + k
        d["funds"] = dict(d["funds"], annual_budget=str(Decimal(1000 + k)))
        store.save_form(form_id, form_from_dict(d, "edit", 0), version=row.version, user=admin)
    check(store, users)

    # the review round: submit, approve, return (a reviewer sees no drafts)
    for form_id in ids[4:12]:
        store.change_status(form_id, "submit", version=None, user=admin, confirm=True)
    store.change_status(ids[4], "approve", version=None, user=admin, confirm=True)
    store.batch("return", ids[5:8], user=admin, comment="请更正")
    row = store.get_form(ids[9], admin)
    if row.findings:
        store.review_findings(ids[9], [(row.findings[0].id, "需更正", "金额不对")], user=admin)
    check(store, users)

    # bulk statements through a session, and deletes (a form with its findings, a finding alone)
    with store.Session.begin() as s:
        s.execute(update(FormRow).where(FormRow.id.in_(ids[12:16])).values(rescored_total=Decimal("95"), rate=None))
        s.execute(update(FormRow).where(FormRow.id == ids[16]).values(budget=None, self_grade="优"))
    with store.Session.begin() as s:
        s.delete(s.get(FormRow, ids[17]))
        s.delete(s.get(FormRow, ids[18]))
        finding = s.scalar(select(FindingRow).where(FindingRow.form_id == ids[19]).limit(1))
        if finding is not None:
            s.delete(finding)
    check(store, users)

    # a write that fails leaves the totals as they were
    before = table(store)
    try:
        with store.Session.begin() as s:
            s.execute(update(FormRow).where(FormRow.id == ids[20]).values(year=1999))
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert table(store) == before

    # every form gone: no totals left
    with store.Session.begin() as s:
        for row in s.scalars(select(FormRow)):
            s.delete(row)
    assert table(store) == {}


def test_the_batch_writer_and_a_rebuild_keep_the_totals(store, tmp_path, seed_path):

    forms = [d.form for d in draw(12, seed=9, error_share=0.8)]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_text(dumps(forms[:6]), encoding="utf-8")
    (tmp_path / "in" / "b.json").write_text(dumps(forms[6:]), encoding="utf-8")
    run_batch(BatchOptions(roots=[str(tmp_path / "in")], url=store.url, workers=1))
    with store.Session() as s:
        assert s.scalar(select(FormRow.id).limit(1)) is not None
    check(store, [None])
    # D002's pass rewrites findings through the writer: still equal
    writer = StoreWriter(store)
    with store.engine.begin() as c:
        form_id, report = c.execute(select(FormRow.id, FormRow.report).limit(1)).one()
        writer.replace_rule(c, form_id, "D002", [], dict(report, findings=[f for f in report["findings"]
                                                                            if f["rule"] != "D002"]))
    check(store, [None])
    expected = table(store)
    with store.engine.begin() as c:
        assert totals.rebuild(c) == len(expected)
    assert table(store) == expected


def test_simultaneous_imports_in_opposite_order_all_count(store):
    """Two files with forms of the same two units in opposite orders, imported at the same time a
    few times over: every import succeeds (the totals are added in key order at commit, so the
    transactions never wait for each other in a cycle) and the totals still equal a fresh count."""
    import threading

    drawn = [d.form for d in draw(24, seed=5, error_share=0.3)]
    jobs = []
    for k in range(0, 24, 4):
        a, b = drawn[k:k + 2], drawn[k + 2:k + 4]
        for f, unit in zip(a + b, ("甲单位", "乙单位", "乙单位", "甲单位")):
            f.department, f.unit = Text("甲部门"), Text(unit)
        jobs.append((a, b))
    results = []

    def run(forms, name):
        results.append(store.import_forms(forms, data=dumps(forms).encode(), filename=name))

    for k, (a, b) in enumerate(jobs):
        threads = [threading.Thread(target=run, args=(a, f"a{k}.json")), threading.Thread(target=run, args=(b, f"b{k}.json"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(results) == 12 and all(r.ok for r in results), [r.failed for r in results if not r.ok]
    check(store, [None])
