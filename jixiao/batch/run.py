"""One batch run: scan → (skip what is stored) → read, score, check in parallel → store in chunks
→ D002 across the batch → summary workbook and findings CSV.

The parent process walks the directories, hashes each file and asks the store which hashes it
already has; only new files go to the workers. Results come back in walk order and are written
in chunks as they arrive, so memory stays flat however many files there are, and a run that is
interrupted resumes where it stopped (stored files are skipped by their content hash).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.texts import deviation_key
from ..store import open_store
from . import files as filesmod
from .d002 import cross_form_pass
from .engines import DaskEngine, LocalEngine, ordered
from .ledger import DUPLICATE, FAILED, SKIPPED, STORED, UNREADABLE, Ledger
from .sink import StoreWriter
from .work import dev_digest, process_files

SCAN_CHUNK = 256  # files hashed and looked up in the store at a time


@dataclass
class BatchOptions:
    roots: list[str]
    url: str | None = None
    workers: int | None = None
    scheduler: str | None = None
    report: str | None = None
    findings: str | None = None
    exclude: tuple[str, ...] = ()
    chunk: int = 16  # files per task: large enough to pay for sending it, small enough to spread
    window: int | None = None  # tasks in flight; default 4 per worker


@dataclass
class BatchSummary:
    files: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # ledger status → files
    new_forms: int = 0
    forms: int = 0  # forms the batch covers (new + those of skipped files)
    files_with_errors: int = 0
    d002_forms: int = 0
    engine: str = ""
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # Chinese phase name → seconds
    report: str | None = None
    findings: str | None = None

    def lines(self) -> list[str]:
        c = self.counts
        rate = self.files / self.seconds if self.seconds else 0
        return [
            f"共 {self.files} 个文件：新读取并保存 {c.get(STORED, 0)} 个，已在库中跳过 {c.get(SKIPPED, 0)} 个，"
            f"与本批其他文件内容相同 {c.get(DUPLICATE, 0)} 个，无法读取 {c.get(UNREADABLE, 0)} 个，"
            f"处理失败 {c.get(FAILED, 0)} 个",
            f"本批共 {self.forms} 张自评表（本次新增 {self.new_forms} 张）；{self.files_with_errors} 个文件有读取错误；"
            f"{self.d002_forms} 张表与其他表的偏差原因相同（D002）",
            f"用时 {self.seconds:.1f} 秒（{rate:.1f} 个文件/秒；"
            + "，".join(f"{name} {sec:.1f} 秒" for name, sec in self.phases.items())
            + f"），运行于{self.engine}",
        ]


class Progress:
    """What a run tells its caller as it goes (the command line draws a bar from it)."""

    def start(self, total: int) -> None: ...
    def advance(self, files: int, forms: int, errors: int) -> None: ...
    def phase(self, text: str) -> None: ...


def _engine(opts: BatchOptions):
    return DaskEngine(opts.scheduler) if opts.scheduler else LocalEngine(opts.workers)


def run_batch(opts: BatchOptions, progress: Progress | None = None) -> BatchSummary:
    progress = progress or Progress()
    t0 = time.perf_counter()
    summary = BatchSummary()
    store = open_store(opts.url)
    try:
        ruleset = store.ruleset()
        spec = next((r.content for r in store.rulesets() if r.active), None)
        writer = StoreWriter(store)
        roots = [str(r) for r in opts.roots]
        total = filesmod.count(roots, opts.exclude)
        summary.files = total
        progress.start(total)
        engine = _engine(opts)
        summary.engine = engine.name
        window = opts.window or 4 * engine.workers
        with Ledger() as ledger:
            try:
                tasks = _tasks(roots, opts, ledger, writer, ruleset, summary, progress)
                for (files, _), results in ordered(engine, process_files, ((t, spec) for t in tasks), window):
                    if isinstance(results, Exception) and len(files) > 1:
                        # the task was lost with a worker: try its files one by one, so that only
                        # a file that really takes a worker down is reported as failed
                        for one in files:
                            _, result = next(ordered(engine, process_files, [([one], spec)], 1))
                            _store([one], result, ledger, writer, summary, progress)
                    else:
                        _store(files, results, ledger, writer, summary, progress)
            finally:
                engine.close()
            t1 = time.perf_counter()
            summary.phases["读取检查入库"] = t1 - t0
            progress.phase("检查多张表之间重复的偏差原因（D002）")
            summary.d002_forms = cross_form_pass(ledger, writer, ruleset)
            t2 = time.perf_counter()
            summary.phases["D002"] = t2 - t1
            summary.counts = ledger.counts()
            summary.forms = ledger.form_count()
            summary.files_with_errors = ledger.error_files()
            from .report import write_findings_csv, write_workbook

            report = Path(opts.report or "jixiao-batch.xlsx")
            findings = Path(opts.findings) if opts.findings else report.with_name(report.stem + "-findings.csv")
            summary.seconds = time.perf_counter() - t0
            progress.phase("写出汇总工作簿和发现清单")
            write_workbook(report, ledger, writer, ruleset, summary)
            write_findings_csv(findings, ledger, writer)
            summary.phases["汇总与清单"] = time.perf_counter() - t2
            summary.report, summary.findings = str(report), str(findings)
    finally:
        store.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _tasks(roots, opts, ledger: Ledger, writer: StoreWriter, ruleset, summary: BatchSummary,
           progress: Progress) -> Iterator[list[tuple[str, str, str, int]]]:
    """Walk, hash, skip what the store has; yield the rest in tasks of `opts.chunk` files."""
    min_chars = ruleset.param("D002", "min_chars", 6)
    task: list[tuple[str, str, str, int]] = []
    seq = 0
    for root in roots:
        base = filesmod.base_of(root)
        scan: list[tuple[int, str, str | None]] = []
        for rel in filesmod.walk(root, opts.exclude):
            scan.append((seq, rel, None))
            seq += 1
            if len(scan) >= SCAN_CHUNK:
                yield from _scan(base, scan, task, opts, ledger, writer, min_chars, summary, progress)
                scan = []
        if scan:
            yield from _scan(base, scan, task, opts, ledger, writer, min_chars, summary, progress)
    if task:
        yield list(task)


def _scan(base, scan, task, opts, ledger: Ledger, writer: StoreWriter, min_chars, summary, progress):
    hashed = [(s, rel, filesmod.sha256_file(f"{base}/{rel}")) for s, rel, _ in scan]
    ledger.add_files(hashed)
    known = writer.known(sha for _, _, sha in hashed if sha)
    skipped = []
    for s, rel, sha in hashed:
        # an earlier file of this run first, so the answer does not depend on how far the workers got
        if sha is not None and ledger.seen_sha(sha, s):
            ledger.set_file(s, DUPLICATE, errors=None)
            progress.advance(1, 0, 0)
        elif sha is not None and sha in known:
            skipped.append((s, rel, sha, known[sha]))
        else:  # unhashable files go to a worker too, which says why it cannot read them
            task.append((base, rel, sha or "", s))
            if len(task) >= opts.chunk:
                yield list(task)
                task.clear()
    if skipped:
        file_ids = [fid for *_, fid in skipped]
        stored = writer.stored_forms(file_ids)
        errors = writer.read_errors(file_ids)
        for s, rel, sha, fid in skipped:
            forms = stored.get(fid, [])
            devs = [_devs(data, min_chars) for _, data in forms]
            ledger.set_file(s, SKIPPED, forms=len(forms), errors=errors.get(fid), source_file_id=fid)
            ledger.add_forms(s, [form_id for form_id, _ in forms], devs)
            progress.advance(1, len(forms), 1 if fid in errors else 0)


def _devs(data: dict, min_chars: int) -> list[tuple[bytes, int]]:
    """The 偏差原因 keys of a stored form, as a worker would have given them."""
    seen: dict[bytes, int] = {}
    for k, ind in enumerate(data.get("indicators") or []):
        key = deviation_key(ind.get("deviation") or "")
        if len(key) >= min_chars:
            seen.setdefault(dev_digest(key), k)
    return list(seen.items())


def _store(task, results, ledger: Ledger, writer: StoreWriter, summary: BatchSummary, progress: Progress) -> None:
    if isinstance(results, Exception):  # the task itself was lost (a worker died, the cluster went away)
        reason = f"处理此文件时工作进程异常退出或任务丢失：{type(results).__name__}: {results}"
        for _, rel, _, seq in task:
            ledger.set_file(seq, FAILED, errors=[{"message": reason, "location": {"file": rel}, "text": f"{rel}: {reason}"}])
        progress.advance(len(task), 0, len(task))
        return
    written = {id(w.result): w for w in writer.write(results)}
    for r in results:
        w = written.get(id(r))
        errors = [{k: v for k, v in e.items() if k != "finding"} for e in r["errors"]]
        forms = 0
        if r["failed"] is not None:
            ledger.set_file(r["seq"], FAILED, sha=r["sha256"] or None, errors=errors)
        elif not r["forms"]:
            ledger.set_file(r["seq"], UNREADABLE, sha=r["sha256"] or None, errors=errors)
        elif w is None or w.failed:
            reason = w.failed if w else "未写入数据库"
            ledger.set_file(r["seq"], FAILED, sha=r["sha256"],
                            errors=errors + [{"message": reason, "location": {"file": r["rel"]}, "text": f"{r['rel']}: {reason}"}])
        else:
            forms = len(w.form_ids)
            ledger.set_file(r["seq"], STORED, sha=r["sha256"], forms=forms, errors=errors or None,
                            source_file_id=w.source_file_id)
            ledger.add_forms(r["seq"], w.form_ids, [f["devs"] for f in r["forms"]])
            summary.new_forms += forms
        progress.advance(1, forms, 1 if (errors or (w is not None and w.failed)) else 0)
