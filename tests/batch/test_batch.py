"""`jixiao batch`: a directory of forms read, scored, checked and stored in parallel.

The batch must store exactly what checking all the forms together gives (`check_forms`, D002
across files included), keep going past broken files and say why they failed, skip on a re-run
what is already stored (so an interrupted run resumes), and give the same rows whether it runs
on this machine's process pool or on a Dask cluster.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import create_engine, select

from jixiao.batch.files import walk
from jixiao.batch.run import BatchOptions, Progress, run_batch
from jixiao.checks import check_forms
from jixiao.cli import main
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset
from jixiao.store.schema import FindingRow, FormRow, SourceFile

FORMS_T, FINDINGS_T, FILES_T = FormRow.__table__, FindingRow.__table__, SourceFile.__table__
READABLE = 48 - 2 + 10  # synthetic forms minus the two P001 injections (seed 7), plus the seed's ten


def batch(corpus: Path, tmp_path: Path, name: str = "run", *, url: str | None = None, workers: int | None = 2,
          progress: Progress | None = None, **kw):
    url = url or f"sqlite:///{tmp_path / (name + '.db')}"
    opts = BatchOptions(roots=[str(corpus)], url=url, workers=workers, report=str(tmp_path / f"{name}.xlsx"),
                        chunk=4, **kw)
    return run_batch(opts, progress), url


def dump(url: str) -> dict:
    """Everything the batch stored, without the times it stored it at."""
    engine = create_engine(url)
    with engine.connect() as c:
        out = {
            "files": c.execute(select(FILES_T.c.id, FILES_T.c.sha256, FILES_T.c.filename, FILES_T.c.size,
                                      FILES_T.c.read_errors).order_by(FILES_T.c.id)).all(),
            "forms": c.execute(select(*(col for col in FORMS_T.c if col.name not in ("created_at", "updated_at")))
                               .order_by(FORMS_T.c.id)).all(),
            "findings": c.execute(select(FINDINGS_T).order_by(FINDINGS_T.c.id)).all(),
        }
    engine.dispose()
    return out


def stored_findings(url: str) -> Counter:
    engine = create_engine(url)
    with engine.connect() as c:
        rows = c.execute(select(FILES_T.c.filename, FORMS_T.c.position, FINDINGS_T.c.rule, FINDINGS_T.c.severity,
                                FINDINGS_T.c.message, FINDINGS_T.c.indicator, FINDINGS_T.c.field,
                                FINDINGS_T.c.expected, FINDINGS_T.c.printed, FINDINGS_T.c.difference)
                         .join(FORMS_T, FORMS_T.c.id == FINDINGS_T.c.form_id)
                         .join(FILES_T, FILES_T.c.id == FORMS_T.c.source_file_id)).all()
    engine.dispose()
    return Counter(tuple(r) for r in rows)


def test_the_batch_stores_what_checking_all_forms_together_finds(corpus, tmp_path):
    summary, url = batch(corpus, tmp_path)
    assert summary.forms == summary.new_forms == READABLE
    assert summary.counts == {"stored": 47, "unreadable": 5}  # 2 cut-off forms + 3 broken files

    forms, owners = [], []
    for rel in walk(corpus):
        got, _ = read_forms(corpus.parent / rel)
        for pos, form in enumerate(got):
            forms.append(form)
            owners.append((rel, pos))
    expected = Counter()
    for (rel, pos), report in zip(owners, check_forms(forms, load_ruleset())):
        for f in report.findings:
            expected[(rel, pos, f.rule, f.severity, f.message, f.indicator, f.field, f.expected, f.printed,
                      f.difference)] += 1
    assert stored_findings(url) == expected
    assert any(key[2] == "D002" for key in expected)  # the seed and the synthetic pairs share texts


def test_broken_files_are_reported_with_their_reason_and_never_stop_the_run(corpus, tmp_path):
    summary, _ = batch(corpus, tmp_path)
    wb = load_workbook(summary.report)
    problems = {row[0]: row for row in wb["问题文件"].iter_rows(min_row=2, values_only=True)}
    assert problems["corpus/broken/empty.txt"][1:3] == ("无法读取", "文件为空")
    assert "Excel" in problems["corpus/broken/binary.xlsx"][2] or "损坏" in problems["corpus/broken/binary.xlsx"][2]
    assert "没有找到自评表" in problems["corpus/broken/note.md"][2]
    assert "绩效指标表头" in problems["corpus/000/000000.txt"][2]  # a form cut off (P001 injected)
    with open(summary.findings, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    p001 = {r["文件"] for r in rows if r["规则"] == "P001"}
    assert {"corpus/broken/empty.txt", "corpus/broken/binary.xlsx", "corpus/broken/note.md"} <= p001


def test_a_rerun_skips_stored_files_and_changes_nothing(corpus, tmp_path):
    first, url = batch(corpus, tmp_path)
    before = dump(url)
    second, _ = batch(corpus, tmp_path)
    assert second.counts == {"skipped": 47, "unreadable": 5}  # broken files are tried again
    assert second.new_forms == 0 and second.forms == first.forms
    assert dump(url) == before  # not even a version number moved
    csv1 = Path(first.findings).read_bytes()
    assert Path(second.findings).read_bytes() == csv1


class Interrupt(Exception):
    pass


class StopAfter(Progress):
    """Stops the run (as Ctrl-C or a crash would) once `n` files are done."""

    def __init__(self, n: int):
        self.n = n
        self.done = 0

    def advance(self, files: int, forms: int, errors: int) -> None:
        self.done += files
        if self.done >= self.n:
            raise Interrupt


def test_an_interrupted_run_resumes_to_the_same_result(corpus, tmp_path):
    _, whole = batch(corpus, tmp_path, "whole")
    url = f"sqlite:///{tmp_path / 'resumed.db'}"
    with pytest.raises(Interrupt):
        batch(corpus, tmp_path, "resumed", url=url, progress=StopAfter(20))
    half = dump(url)
    assert 0 < len(half["files"]) < 47
    summary, _ = batch(corpus, tmp_path, "resumed", url=url)
    assert summary.counts["skipped"] == len(half["files"])
    assert stored_findings(url) == stored_findings(whole)
    assert len(dump(url)["forms"]) == READABLE


def test_identical_bytes_are_stored_once(corpus, tmp_path):
    twice = tmp_path / "twice"
    (twice / "a").mkdir(parents=True)
    (twice / "b").mkdir()
    shutil.copy(corpus / "shanghai-2021.txt", twice / "a" / "x.txt")
    shutil.copy(corpus / "shanghai-2021.txt", twice / "b" / "y.txt")
    summary, url = batch(twice, tmp_path)
    assert summary.counts == {"stored": 1, "duplicate": 1}
    assert len(dump(url)["forms"]) == 10


def test_a_dask_cluster_gives_the_same_rows_as_the_local_pool(corpus, tmp_path):
    from distributed import LocalCluster

    _, local = batch(corpus, tmp_path, "local")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        summary, remote = batch(corpus, tmp_path, "dask", workers=None, scheduler=cluster.scheduler_address)
    assert summary.engine.startswith("Dask")
    assert dump(remote) == dump(local)
    assert Path(tmp_path / "dask-findings.csv").read_bytes() == Path(tmp_path / "local-findings.csv").read_bytes()


def test_the_workbook_sums_per_department_and_unit_with_native_charts(corpus, tmp_path):
    summary, url = batch(corpus, tmp_path)
    wb = load_workbook(summary.report)
    assert wb.sheetnames == ["汇总", "按部门", "按单位", "按规则", "问题文件"]
    for name in ("汇总", "按部门", "按单位", "按规则"):
        assert wb[name]._charts, name  # openpyxl keeps charts it read
    deps = list(wb["按部门"].iter_rows(min_row=2, values_only=True))
    assert sum(row[1] for row in deps) == READABLE
    shanghai = next(row for row in deps if row[0] == "上海市公安局")
    assert shanghai[1] == 10  # the seed's ten forms
    rules = {row[0]: row for row in wb["按规则"].iter_rows(min_row=2, values_only=True)}
    counts = Counter(key[2] for key in stored_findings(url).elements())
    for rule, n in counts.items():
        assert rules[rule][3] == n
    with open(summary.findings, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len([r for r in rows if r["规则"] != "P001"]) == sum(counts.values())


def test_the_command_reports_in_chinese_and_exits_2_when_files_failed(corpus, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(corpus), "--db", f"sqlite:///{tmp_path / 'cli.db'}",
                                       "--workers", "2", "--report", str(tmp_path / "cli.xlsx")])
    assert result.exit_code == 2, result.output
    assert "共 52 个文件：新读取并保存 47 个" in result.output
    assert (tmp_path / "cli.xlsx").is_file() and (tmp_path / "cli-findings.csv").is_file()


def test_postgresql_by_url_stores_the_same_as_sqlite(corpus, tmp_path, pg_server):
    _, lite = batch(corpus, tmp_path, "lite")
    summary, pg = batch(corpus, tmp_path, "pg", url=pg_server.new_database())
    assert summary.forms == READABLE
    assert stored_findings(pg) == stored_findings(lite)
    again, _ = batch(corpus, tmp_path, "pg2", url=pg)
    assert again.counts["skipped"] == 47


def test_a_batch_row_is_what_the_store_itself_would_store(corpus, tmp_path):
    """The bulk path writes the store's tables directly; the values must be the store's own."""
    from jixiao.store import open_store

    _, url = batch(corpus, tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    store.import_file(corpus / "shanghai-2021.txt")
    store.close()

    def forms_of(db_url: str) -> list:
        engine = create_engine(db_url)
        with engine.connect() as c:
            rows = c.execute(select(FORMS_T.c.position, FORMS_T.c.data, FORMS_T.c.report, FORMS_T.c.assessment,
                                    FORMS_T.c.budget, FORMS_T.c.rescored_total, FORMS_T.c.error_count)
                             .join(FILES_T, FILES_T.c.id == FORMS_T.c.source_file_id)
                             .where(FILES_T.c.filename.like("%shanghai-2021.txt"))
                             .order_by(FORMS_T.c.position)).all()
        engine.dispose()
        out = []
        for pos, data, report, assessment, budget, total, errors in rows:
            # D002: the store checks the forms of one upload together, the batch all of them
            report["findings"] = [f for f in report["findings"] if f["rule"] != "D002"]
            text = json.dumps([data, report, assessment], ensure_ascii=False)
            out.append((pos, text.replace("corpus/shanghai-2021.txt", "shanghai-2021.txt"), budget, total, errors))
        return out

    assert forms_of(url) == forms_of(f"sqlite:///{tmp_path / 'store.db'}")


def test_a_database_that_cannot_be_opened_is_said_in_chinese(corpus, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(corpus), "--db", f"sqlite:///{tmp_path}/no/such/dir/x.db",
                                       "--report", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1
    assert "无法打开或写入数据库" in result.output
