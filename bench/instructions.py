"""Machine instructions per text form, counted by valgrind (callgrind): a figure that other work
on a shared machine cannot move, unlike seconds.

    python3 bench/instructions.py [--workdir /tmp/bench] [--files 100]

Reads the synthetic text corpus of bench/run.py (made there if missing), and for each stage runs
Python under callgrind twice, once over 0 and once over N files after the same warm-up, so that
start-up, imports and the warm-up cancel out: the difference divided by N is what one more form
costs. Stages: read (read_forms), read + score + check.
Needs valgrind (`apt-get install valgrind`); each run takes about half a minute.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in the measured interpreter: warm up on 20 files, then read (and check) files 1000.. of the
# corpus, which the warm-up did not see, as the text benchmark does.
_PROGRAM = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset
from jixiao.score import score_form
from jixiao.checks import check_form
rs = load_ruleset("cn-2020")
paths = sorted(Path({corpus!r}).rglob("*.txt"))
n, check = int(sys.argv[1]), sys.argv[2] == "check"
for p in paths[:20]:
    for f in read_forms(p)[0]:
        check_form(f, rs, score_form(f, rs))
for p in paths[1000:1000 + n]:
    for f in read_forms(p)[0]:
        if check:
            check_form(f, rs, score_form(f, rs))
"""


def count(script: Path, n: int, stage: str) -> int:
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, str(script), str(n), stage],
        capture_output=True, text=True, check=True)
    m = re.search(r"Collected : (\d+)", proc.stderr)
    if not m:
        raise SystemExit("valgrind 没有输出指令数：\n" + proc.stderr[-2000:])
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description="每张文本自评表的机器指令数（valgrind callgrind 计数）")
    ap.add_argument("--workdir", type=Path, default=None, help="语料目录（与 bench/run.py 共用）")
    ap.add_argument("--files", type=int, default=100, help="计数的文件数")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("需要 valgrind：apt-get install valgrind")
    sys.path.insert(0, str(ROOT))
    from bench.run import corpus

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    root = corpus(workdir, "txt", 3000, "txt", 1)
    script = workdir / "instructions_probe.py"
    script.write_text(_PROGRAM.format(root=str(ROOT), corpus=str(root)), encoding="utf-8")
    for stage, title in (("read", "读取"), ("check", "读取 + 评分 + 检查")):
        per_form = (count(script, args.files, stage) - count(script, 0, stage)) / args.files
        print(f"{title}：每张表 {per_form / 1e6:.2f} M 条指令（{args.files} 个文件，valgrind callgrind）", flush=True)


if __name__ == "__main__":
    main()
