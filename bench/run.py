"""jixiao benchmarks: every figure in docs/benchmarks.md, measured in one run on one machine.

    python3 bench/run.py                       # full sizes
    python3 bench/run.py --quick               # small sizes, a few minutes: the same figures, less precise
    python3 bench/run.py --against HEAD~1      # each figure beside the same figure for another commit
    python3 bench/run.py --only text,check --profile

Every measurement runs in a subprocess that imports jixiao from the source tree it measures: this
checkout, and with --against REV a temporary `git worktree` of REV (removed afterwards), on the
same corpora, one after the other, so that both columns see the same machine and load. The
corpora are synthetic (`jixiao synth`, seeded, made by this checkout), written under --workdir.

Targets (issue 12, docs/benchmarks.md):
  text       read + score + check ≥ 1,000 forms/s on one core, pure Python
  check      `jixiao check --json` on 1,000 files, start-up included, < 2 s
  xlsx/docx  ≤ 15 ms per one-form file, one core
  pdf        our path no slower than REV's (and at most 1.5 × pdfplumber's own extract_tables)
  install    `pip install --no-deps -e .` into a fresh virtual environment < 30 s
  batch      100,000 files into SQLite with the whole process tree's peak memory < 500 MB, flat
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.memory import run_measured  # noqa: E402

SEED_FILE = "examples/shanghai-2021.txt"  # relative to the tree measured
TARGET_TEXT = 1000  # forms/s, one core
TARGET_CHECK_S = 2.0  # seconds for `jixiao check --json` on 1,000 files
CHECK_FILES = 1000
TARGET_OFFICE_MS = 15.0  # per one-form .xlsx/.docx file
TARGET_PDF_RATIO = 1.5  # our PDF path ÷ pdfplumber extract_tables
PDF_SLACK = 1.05  # "no slower than REV" within this noise
TARGET_INSTALL_S = 30.0
TARGET_PEAK_MB = 500
FLAT = 1.25  # peak memory at the largest batch size ÷ at the smallest

FULL = {"text": 3000, "runs": 5, "office": 200, "pdf": 60, "batch": (10_000, 50_000, 100_000)}
QUICK = {"text": 1000, "runs": 3, "office": 40, "pdf": 12, "batch": (1_000, 3_000, 6_000)}
SECTIONS = ("text", "check", "office", "pdf", "install", "batch")


def say(text: str = "") -> None:
    print(text, flush=True)


def load() -> str:
    """The machine's load average: figures taken while other work runs are lower (2 cores here)."""
    one, five, _ = os.getloadavg()
    return f"负载 {one:.1f}/{five:.1f}"


def corpus(workdir: Path, name: str, n: int, fmt: str, seed: int) -> Path:
    """A synthetic corpus, generated once per size and reused by later runs with the same workdir."""
    from jixiao.synth.corpus import write_corpus

    out = workdir / f"{name}-{n}"
    done = out / ".complete"
    if not done.exists():
        if out.exists():
            shutil.rmtree(out)
        t0 = time.perf_counter()
        write_corpus(out, n, seed=seed, formats=(fmt,), error_share=0.5)
        (out / "manifest.csv").rename(workdir / f"{name}-{n}.manifest.csv")
        done.write_text("ok")
        say(f"  （生成 {n} 张 {fmt} 自评表用时 {time.perf_counter() - t0:.1f} 秒）")
    return out


def files_of(root: Path, ending: str) -> list[Path]:
    return sorted(root.rglob(f"*.{ending}"))


# --- in the measured tree's process ---------------------------------------------------------


def parse_and_check(paths: list[Path]) -> dict:
    """Read, score and check every file in this process; CPU seconds (`time.process_time`: a
    one-core figure that other work on the machine distorts less than wall-clock time)."""
    from jixiao.checks import check_form
    from jixiao.readers import read_forms
    from jixiao.rules import load_ruleset
    from jixiao.score import score_form

    rs = load_ruleset()
    forms, t_read, t_check = 0, 0.0, 0.0
    clock = time.process_time
    for p in paths:
        t0 = clock()
        got, _ = read_forms(p)
        t1 = clock()
        for f in got:
            check_form(f, rs, score_form(f, rs))
        t_check += clock() - t1
        t_read += t1 - t0
        forms += len(got)
    return {"files": len(paths), "forms": forms, "read_s": t_read, "check_s": t_check}


def run_probe(root: str, directory: str, ending: str, warm: int) -> None:
    """One measurement in this fresh process, printed as JSON: warm up on `warm` files, then
    read, score and check every file once. Run by probe(), not by hand."""
    sys.path.insert(0, root)
    paths = files_of(Path(directory), ending) if directory != "seed" else [Path(root) / SEED_FILE] * 30
    parse_and_check(paths[:warm])
    print(json.dumps(parse_and_check(paths)))


# --- in this process: the subprocesses and their figures -----------------------------------------


def tree_env(tree: Path) -> dict:
    """The environment of a command run on `tree`: its jixiao first on the path."""
    return {**os.environ, "PYTHONPATH": str(tree) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def probe(tree: Path, directory: Path | str, ending: str, warm: int) -> dict:
    out = subprocess.run([sys.executable, str(HERE), "--probe", str(tree), str(directory), ending, str(warm)],
                         capture_output=True, text=True, env=tree_env(tree), cwd=str(tree))
    if out.returncode != 0:
        raise SystemExit(f"测量进程失败（{tree}）：\n{out.stderr[-3000:]}")
    got = json.loads(out.stdout.strip().splitlines()[-1])
    got["cpu_s"] = got["read_s"] + got["check_s"]
    return got


def timed(cmd: list[str], tree: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the child, the result) of a command run on `tree`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=tree_env(tree), cwd=str(tree))
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def bench_text(trees: dict[str, Path], workdir: Path, size: dict, results: dict) -> None:
    n, runs = size["text"], size["runs"]
    say(f"【文本】{n} 张合成自评表（.txt），单核读取 + 评分 + 检查（CPU 秒）；每次在新进程中测一遍，"
        f"共 {runs} 次，取中位数")
    root = corpus(workdir, "txt", max(n, CHECK_FILES), "txt", 1)
    for label, tree in trees.items():
        got = sorted((probe(tree, root, "txt", 50) for _ in range(runs)), key=lambda r: r["forms"] / r["cpu_s"])
        rates = [r["forms"] / r["cpu_s"] for r in got]
        mid = got[(runs - 1) // 2]
        rate = mid["forms"] / mid["cpu_s"]
        seed = probe(tree, "seed", "txt", 1)
        say(f"  {label}：中位数 {rate:,.0f} 张/秒（{' / '.join(f'{x:,.0f}' for x in rates)}；中位那次读取 "
            f"{mid['forms'] / mid['read_s']:,.0f} 张/秒，评分+检查 {mid['forms'] / mid['check_s']:,.0f} 张/秒，"
            f"{mid['forms']} 张）；种子文件 × 30：{seed['forms'] / seed['cpu_s']:,.0f} 张/秒；{load()}")
        results[label]["text"] = {"forms_per_s": rate, "runs": rates, "forms": mid["forms"],
                                  "read_forms_per_s": mid["forms"] / mid["read_s"],
                                  "check_forms_per_s": mid["forms"] / mid["check_s"],
                                  "seed_forms_per_s": seed["forms"] / seed["cpu_s"]}


def bench_check(trees: dict[str, Path], workdir: Path, size: dict, results: dict) -> None:
    say(f"【检查命令】jixiao check 对 {CHECK_FILES:,} 个文本文件，含启动（子进程；墙钟秒与 CPU 秒，3 次取中位数）")
    files = [str(p) for p in files_of(corpus(workdir, "txt", max(size["text"], CHECK_FILES), "txt", 1), "txt")]
    files = files[:CHECK_FILES]
    for label, tree in trees.items():
        row = {}
        for key, extra, title in (("json", ["--json"], "--json"), ("report", [], "终端报告（写入管道）")):
            cmd = [sys.executable, "-m", "jixiao.cli", "check", *extra, *files]
            got = sorted((timed(cmd, tree) for _ in range(3)), key=lambda t: t[1])
            wall, cpu, proc = got[1]
            if proc.returncode not in (0, 1, 2):
                raise SystemExit(f"jixiao check 失败（{tree}，退出码 {proc.returncode}）：\n{proc.stderr[-3000:]}")
            row[key] = {"wall_s": wall, "cpu_s": cpu, "lines": proc.stdout.count("\n")}
            say(f"  {label}：{title} {wall:.2f} 秒（CPU {cpu:.2f} 秒，输出 {row[key]['lines']:,} 行）；{load()}")
        results[label]["check"] = row


def bench_office(trees: dict[str, Path], workdir: Path, size: dict, results: dict) -> None:
    n = size["office"]
    for fmt in ("xlsx", "docx"):
        say(f"【{fmt}】{n} 个一张表的文件（写入器的标准版式），单核读取 + 评分 + 检查（CPU 秒）")
        root = corpus(workdir, fmt, n, fmt, 2)
        for label, tree in trees.items():
            r = probe(tree, root, fmt, 5)
            ms = 1000 * r["cpu_s"] / r["files"]
            say(f"  {label}：每个文件 {ms:.1f} 毫秒（读取 {1000 * r['read_s'] / r['files']:.1f}，评分+检查 "
                f"{1000 * r['check_s'] / r['files']:.1f}；{r['forms']} 张表）；{load()}")
            results[label][fmt] = {"ms_per_file": ms, "files": r["files"], "forms": r["forms"],
                                   "read_s": r["read_s"], "check_s": r["check_s"]}


def bench_pdf(trees: dict[str, Path], workdir: Path, size: dict, results: dict) -> None:
    import pdfplumber

    n = size["pdf"]
    say(f"【PDF】{n} 个 PDF（LibreOffice 由 docx 生成），读取 + 识别 + 检查，对比 pdfplumber extract_tables（CPU 秒）")
    paths = files_of(corpus(workdir, "pdf", n, "pdf", 3), "pdf")
    pages = 0
    t0 = time.process_time()
    for p in paths:
        try:
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_tables()
                    pages += 1
        except Exception:  # noqa: BLE001 - the corpus has files cut short on purpose (P001)
            continue
    plumber = time.process_time() - t0
    say(f"  pdfplumber extract_tables：{len(paths)} 个文件 {pages} 页 {plumber:.2f} 秒（{pages / plumber:.1f} 页/秒）")
    for label, tree in trees.items():
        r = probe(tree, corpus(workdir, "pdf", n, "pdf", 3), "pdf", 1)
        say(f"  {label}：{r['cpu_s']:.2f} 秒（每个文件 {1000 * r['cpu_s'] / r['files']:.0f} 毫秒，{r['forms']} 张表），"
            f"是 pdfplumber 的 {r['cpu_s'] / plumber:.2f} 倍；{load()}")
        results[label]["pdf"] = {"files": r["files"], "pages": pages, "ours_s": r["cpu_s"], "pdfplumber_s": plumber,
                                 "ms_per_file": 1000 * r["cpu_s"] / r["files"], "ratio": r["cpu_s"] / plumber}


def bench_install(trees: dict[str, Path], workdir: Path, size: dict, results: dict) -> None:
    """`pip install --no-deps -e TREE` into a fresh virtual environment: the build and install of
    jixiao itself (not of its dependencies), with pip's build isolation as a user's install has it
    (the build requirements come from pip's cache or PyPI)."""
    say("【安装】pip install --no-deps -e .，新建的虚拟环境，墙钟秒（不含建虚拟环境）")
    for label, tree in trees.items():
        env_dir = Path(tempfile.mkdtemp(prefix="jixiao-venv-", dir=workdir))
        try:
            subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
            cmd = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                   "--no-deps", "-e", str(tree)]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(tree))
            seconds = time.perf_counter() - t0
        finally:
            shutil.rmtree(env_dir, ignore_errors=True)
        if proc.returncode != 0:
            raise SystemExit(f"pip install 失败（{tree}）：\n{proc.stderr[-3000:]}")
        say(f"  {label}：{seconds:.1f} 秒；{load()}")
        results[label]["install"] = {"seconds": seconds}


def bench_batch(trees: dict[str, Path], workdir: Path, size: dict, results: dict, sizes: tuple[int, ...],
                workers: int | None) -> None:
    say(f"【批量】jixiao batch 写入 SQLite，端到端（子进程），整个进程树的峰值内存；规模 {'、'.join(f'{s:,}' for s in sizes)}"
        "（按每目录 1,000 个文件向上取整）")
    root = corpus(workdir, "batch", max(sizes), "txt", 4)
    shards = sorted(p for p in root.iterdir() if p.is_dir())
    for label, tree in trees.items():
        rows = []
        for n in sizes:
            dirs = [str(p) for p in shards[: -(-n // 1000)]]
            db = workdir / f"batch-{n}.db"
            for leftover in workdir.glob(f"batch-{n}.db*"):
                leftover.unlink()
            cmd = [sys.executable, "-m", "jixiao.cli", "batch", *dirs, "--db", f"sqlite:///{db}",
                   "--report", str(workdir / f"batch-{n}.xlsx")]
            if workers:
                cmd += ["--workers", str(workers)]
            proc, seconds, sampler = run_measured(cmd, cwd=str(tree), env=tree_env(tree))
            if proc.returncode not in (0, 2):
                raise SystemExit(f"批量处理失败（{tree}，退出码 {proc.returncode}）：\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
            forms = next((int(line.split("本批共 ")[1].split(" 张")[0]) for line in proc.stdout.splitlines()
                          if line.startswith("本批共 ")), 0)
            row = {"files": sum(1 for d in dirs for _ in Path(d).iterdir()), "forms": forms, "seconds": seconds,
                   "forms_per_s": forms / seconds, "peak_mb": sampler.peak / 2**20,
                   "peak_pss_mb": sampler.peak_pss / 2**20, "db_mb": db.stat().st_size / 2**20}
            rows.append(row)
            say(f"  {label} {row['files']:>7,} 个文件：{forms:,} 张表，{seconds:,.1f} 秒（{row['forms_per_s']:,.1f} 张/秒；{load()}），"
                f"峰值内存 RSS {row['peak_mb']:,.0f} MB（PSS {row['peak_pss_mb']:,.0f} MB），数据库 {row['db_mb']:,.0f} MB")
        peaks = [r["peak_mb"] for r in rows]
        results[label]["batch"] = {"runs": rows, "peak_mb": max(peaks), "growth": peaks[-1] / peaks[0]}


def profile_text(workdir: Path, size: dict, results: dict, n: int = 300) -> None:
    """Where the time of this checkout's text path goes: the functions with the most time of their own."""
    import cProfile
    import pstats

    say(f"【剖析】本检出 {n} 张文本表的读取 + 评分 + 检查（cProfile，按自身耗时）")
    paths = files_of(corpus(workdir, "txt", max(size["text"], CHECK_FILES), "txt", 1), "txt")[:n]
    prof = cProfile.Profile()
    prof.enable()
    parse_and_check(paths)
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt
    per_file: dict[str, float] = {}
    for (fname, _, _), (_, _, tt, _, _) in stats.stats.items():
        key = fname.split("/jixiao/", 1)[1] if "/jixiao/" in fname else ("(Python 内置)" if fname == "~" else Path(fname).name)
        per_file[key] = per_file.get(key, 0) + tt
    say("  按文件（自身耗时占比）：")
    for name, tt in sorted(per_file.items(), key=lambda kv: -kv[1])[:8]:
        say(f"    {tt / total:6.1%}  {name}")
    say("  按函数（自身耗时占比，调用次数）：")
    for (fname, line, func), (_, calls, tt, _, _) in sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:15]:
        short = fname.split("/jixiao/", 1)[1] if "/jixiao/" in fname else Path(fname).name
        say(f"    {tt / total:6.1%}  {short}:{line} {func}（{calls:,} 次）")
    results["profile"] = {name: tt / total for name, tt in sorted(per_file.items(), key=lambda kv: -kv[1])[:8]}


# --- the table of figures ----------------------------------------------------------------------

# (section, title, how to take the figure from a tree's results, format, target, met?(value, REV's value))
FIGURES = (
    ("text", "文本 读取+评分+检查（张/秒，单核）", lambda r: r["text"]["forms_per_s"], "{:,.0f}",
     f"≥ {TARGET_TEXT:,}", lambda v, _: v >= TARGET_TEXT),
    ("text", "种子文件（张/秒，单核）", lambda r: r["text"]["seed_forms_per_s"], "{:,.0f}", "", None),
    ("check", f"jixiao check --json，{CHECK_FILES:,} 个文件（CPU 秒）", lambda r: r["check"]["json"]["cpu_s"],
     "{:.2f}", f"< {TARGET_CHECK_S:g}", lambda v, _: v < TARGET_CHECK_S),
    ("check", f"同上，墙钟秒", lambda r: r["check"]["json"]["wall_s"], "{:.2f}", "", None),
    ("check", f"jixiao check 终端报告，{CHECK_FILES:,} 个文件（CPU 秒）", lambda r: r["check"]["report"]["cpu_s"],
     "{:.2f}", "", None),
    ("office", "xlsx（毫秒/文件，单核）", lambda r: r["xlsx"]["ms_per_file"], "{:.1f}", f"≤ {TARGET_OFFICE_MS:g}",
     lambda v, _: v <= TARGET_OFFICE_MS),
    ("office", "docx（毫秒/文件，单核）", lambda r: r["docx"]["ms_per_file"], "{:.1f}", f"≤ {TARGET_OFFICE_MS:g}",
     lambda v, _: v <= TARGET_OFFICE_MS),
    ("pdf", "PDF（毫秒/文件，单核）", lambda r: r["pdf"]["ms_per_file"], "{:.0f}", "不慢于对比版本",
     lambda v, old: old is None or v <= old * PDF_SLACK),
    ("pdf", "PDF ÷ pdfplumber extract_tables", lambda r: r["pdf"]["ratio"], "{:.2f}", f"≤ {TARGET_PDF_RATIO:g}",
     lambda v, _: v <= TARGET_PDF_RATIO),
    ("install", "pip install --no-deps -e .（秒）", lambda r: r["install"]["seconds"], "{:.1f}",
     f"< {TARGET_INSTALL_S:g}", lambda v, _: v < TARGET_INSTALL_S),
    ("batch", "批量 峰值内存（MB，各规模中最大）", lambda r: r["batch"]["peak_mb"], "{:,.0f}", f"< {TARGET_PEAK_MB}",
     lambda v, _: v < TARGET_PEAK_MB),
    ("batch", "批量 峰值内存 最大 ÷ 最小规模", lambda r: r["batch"]["growth"], "{:.2f}", f"≤ {FLAT:g}（平稳）",
     lambda v, _: v <= FLAT),
)


def print_table(results: dict, labels: list[str]) -> None:
    against = labels[1] if len(labels) > 1 else None
    say()
    say("【汇总】" + "　对比：".join(labels))
    rows = [["指标", *labels, "目标", "结论"]]
    for _, title, take, fmt, target, met in FIGURES:
        values = []
        for label in labels:
            try:
                values.append(take(results[label]))
            except KeyError:  # not measured in this run
                values.append(None)
        if values[0] is None:
            continue
        old = values[1] if against else None
        verdict = "" if met is None else ("达到" if met(values[0], old) else "未达到")
        rows.append([title, *("—" if v is None else fmt.format(v) for v in values), target, verdict])
    from rich.cells import cell_len

    widths = [max(cell_len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        say("  " + "  ".join(c + " " * (w - cell_len(c)) if i == 0 else " " * (w - cell_len(c)) + c
                             for i, (c, w) in enumerate(zip(r, widths))).rstrip())


# --- main ----------------------------------------------------------------------------------------


def worktree(rev: str, workdir: Path) -> tuple[Path, str]:
    """A temporary git worktree of `rev` (detached) under workdir; (its path, its short hash)."""
    short = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], capture_output=True, text=True)
    if short.returncode != 0:
        raise SystemExit(f"找不到版本 {rev}：{short.stderr.strip()}")
    path = workdir / f"against-{short.stdout.strip()}"
    if path.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], capture_output=True)
        shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), rev], check=True)
    return path, short.stdout.strip()


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--probe":  # one measurement in a fresh process (probe())
        run_probe(*sys.argv[2:5], int(sys.argv[5]))
        return
    ap = argparse.ArgumentParser(description="jixiao 性能基准（一次运行，打印全部数字）")
    ap.add_argument("--quick", action="store_true", help="小规模，几分钟内跑完")
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"只跑这些：{','.join(SECTIONS)}")
    ap.add_argument("--against", metavar="REV", default=None,
                    help="同样的测量在另一个版本（git 版本号，如 HEAD~1、main）上再跑一遍，两列并排打印")
    ap.add_argument("--sizes", default=None, help="批量规模，逗号分隔（如 10000,50000,100000）")
    ap.add_argument("--workers", type=int, default=None, help="批量处理的进程数（默认全部核心）")
    ap.add_argument("--workdir", default=None, help="语料与数据库放在这里（默认临时目录，跑完删除）")
    ap.add_argument("--profile", action="store_true", help="剖析本检出文本路径的耗时（未达标时也会自动剖析）")
    ap.add_argument("--json", default=None, help="把数字另存为 JSON")
    args = ap.parse_args()
    size = QUICK if args.quick else FULL
    only = set(args.only.split(","))
    unknown = only - set(SECTIONS)
    if unknown:
        ap.error(f"没有这些测量：{','.join(sorted(unknown))}（可选：{','.join(SECTIONS)}）")
    batch_sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else size["batch"]
    keep = args.workdir is not None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="jixiao-bench-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    trees = {f"本检出（{head.stdout.strip() or '?'}）": ROOT}
    other = None
    if args.against:
        other, short = worktree(args.against, workdir)
        trees[f"{args.against}（{short}）"] = other
    results: dict = {label: {} for label in trees}
    say(f"jixiao 基准：{os.cpu_count()} 个 CPU，Python {sys.version.split()[0]}，工作目录 {workdir}，开始时{load()}")
    if other:
        say(f"  对比版本的工作树：{other}（源码原样运行，未经安装构建）")
    t0 = time.perf_counter()
    try:
        if "text" in only:
            bench_text(trees, workdir, size, results)
        if "check" in only:
            bench_check(trees, workdir, size, results)
        if "office" in only:
            bench_office(trees, workdir, size, results)
        if "pdf" in only:
            bench_pdf(trees, workdir, size, results)
        if "install" in only:
            bench_install(trees, workdir, size, results)
        if "batch" in only:
            bench_batch(trees, workdir, size, results, batch_sizes, args.workers)
        print_table(results, list(trees))
        current = results[next(iter(trees))]
        if args.profile or ("text" in current and current["text"]["forms_per_s"] < TARGET_TEXT):
            profile_text(workdir, size, results)
    finally:
        if other is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], capture_output=True)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"共用时 {time.perf_counter() - t0:,.0f} 秒")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
