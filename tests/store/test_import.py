"""Importing files into the store, on SQLite and PostgreSQL: the seed's ten forms arrive with
their file, assessments and findings; the same file is stored once; a failure stores nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from jixiao.readers import read_forms
from jixiao.readers.jsonio import dumps
from jixiao.store.imports import sha256_of
from jixiao.store.schema import AuditEntry, FindingRow, FormRow, SourceFile


def counts(store) -> dict[str, int]:
    with store.Session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (SourceFile, FormRow, FindingRow, AuditEntry)}


def test_seed_import_stores_ten_forms_with_their_facts(store, seed_path, golden):
    result = store.import_file(seed_path)

    assert result.ok and not result.duplicate and result.errors == []
    assert result.forms == 10
    rows = store.list_forms()
    assert [r.project for r in rows] == [g["project"] for g in golden]
    for r, g in zip(rows, golden):
        assert (r.year, r.department, r.unit) == (g["year"], g["department"], g["unit"])
        assert r.budget == Decimal(g["funds"]["annual_budget"])  # exact, not a float
        assert r.self_total == Decimal(g["total_score"])
        assert r.status == "草稿" and r.version == 1
        assert r.data["project"] == g["project"] and len(r.data["indicators"]) == len(g["indicators"])
        assert r.rescored_total is not None and r.rescored_grade in ("优", "良", "中", "差")


def test_every_form_keeps_its_findings_assessment_and_source(store, seed_path):
    store.import_file(seed_path)
    form = store.get_form(store.list_forms()[3].id)  # 公务车辆购置费: 完善/完善 scored 2 of 4

    s003 = [f for f in form.findings if f.rule == "S003"]
    assert len(s003) == 1 and s003[0].field == "indicators[12].score"
    assert (s003[0].expected, s003[0].printed) == ("4", "2")
    assert form.error_count == sum(1 for f in form.findings if f.severity == "error") == 1
    assert form.assessment["indicators"][12]["rescored"] == "4"
    assert form.report["rescored_grade"] == form.rescored_grade
    assert form.source_file.filename == "shanghai-2021.txt"
    assert form.data["source"]["file"] == "shanghai-2021.txt"  # not the temporary copy's path
    assert s003[0].location["file"] == "shanghai-2021.txt"


def test_the_file_is_kept_byte_for_byte_and_stored_once(store, seed_path):
    data = seed_path.read_bytes()
    first = store.import_file(seed_path)
    again = store.import_file(data, "另一个名字.txt")

    assert again.duplicate and again.form_ids == first.form_ids
    assert store.has_file(sha256_of(data))
    assert counts(store)["source_files"] == 1 and counts(store)["forms"] == 10
    with store.Session() as s:
        kept = s.scalar(select(SourceFile))
        assert kept.content == data and kept.sha256 == sha256_of(data) and kept.size == len(data)


def test_a_file_without_forms_is_reported_and_not_stored(store):
    result = store.import_file("这不是自评表，只是一段文字。\n".encode(), "note.txt")

    assert result.ok and result.forms == 0
    assert "没有找到自评表" in result.errors[0]["message"]
    assert result.errors[0]["location"]["file"] == "note.txt"
    assert counts(store) == {"source_files": 0, "forms": 0, "findings": 0, "audit_log": 0}


def test_an_import_that_fails_midway_leaves_the_database_unchanged(store, seed_path, tmp_path):
    # Something already stored, so "unchanged" is more than "empty".
    forms, _ = read_forms(seed_path)
    earlier = tmp_path / "earlier.json"
    earlier.write_text(dumps(forms[:2]), encoding="utf-8")
    assert store.import_file(earlier).forms == 2
    before = counts(store)

    # The second form carries a year no database integer holds: the first form (and the file)
    # are already written inside the transaction when the database refuses the second.
    forms[1].year = 10**20
    data = b"the bytes of a file that fails"
    result = store.import_forms(forms, data=data, filename="broken.txt")

    assert not result.ok and result.form_ids == []
    assert "已全部撤销" in result.failed
    assert counts(store) == before
    assert not store.has_file(sha256_of(data))
    # The failure does not poison the store: the next import goes through.
    forms[1].year = 2021
    assert store.import_forms(forms, data=data, filename="fixed.txt").forms == 10


def test_each_imported_form_has_an_audit_entry(store, seed_path):
    result = store.import_file(seed_path)
    entries = store.audit(result.form_ids[0])
    assert [(e.action, e.username) for e in entries] == [("导入", "系统")]
    assert "shanghai-2021.txt" in entries[0].comment


def test_forms_a_unit_may_not_import_wait_for_someone_who_may(store, seed_path, tmp_path):
    """A unit uploads a file that also holds another unit's form: its own form is stored, the
    other is skipped; when the other unit uploads the same bytes, the skipped form is added."""
    forms, _ = read_forms(seed_path)
    mine, theirs = forms[0], forms[1]
    theirs.unit.text = "另一单位"
    path = tmp_path / "mixed.json"
    path.write_text(dumps([mine, theirs]), encoding="utf-8")
    unit = store.add_user("unit", "violet-anchor-1907", "填报", "上海市社会保障卡服务中心")
    other = store.add_user("other", "copper-lantern-2214", "填报", "另一单位")

    first = store.import_file(path, user=unit)
    assert first.forms == 1 and "已跳过" in first.errors[0]["message"]
    second = store.import_file(path, user=other)
    assert not second.duplicate and second.forms == 1
    third = store.import_file(path)
    assert third.duplicate and third.form_ids == first.form_ids + second.form_ids and third.errors == []
    # The same bytes again from the first unit: a duplicate that names only the unit's own form,
    # nothing of the other unit's.
    fourth = store.import_file(path, user=unit)
    assert fourth.duplicate and fourth.form_ids == first.form_ids

    assert [r.unit for r in store.list_forms()] == ["上海市社会保障卡服务中心", "另一单位"]
    assert counts(store)["source_files"] == 1
