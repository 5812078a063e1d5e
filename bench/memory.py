"""Peak memory of a whole process tree (a command, its worker processes, their children), sampled
from /proc: the resident set size of every descendant, summed, every `interval` seconds."""

from __future__ import annotations

import os
import subprocess
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name is in parentheses and may contain spaces: split after the last ')'
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def _pss(pid: int) -> int:
    """Proportional set size: shared pages (a forked worker's copy-on-write memory) counted once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory(root: int) -> tuple[int, int]:
    """(RSS, PSS) summed over the process and all its descendants, in bytes."""
    kids = _children()
    rss = pss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        rss += _rss(pid)
        pss += _pss(pid)
        stack.extend(kids.get(pid, ()))
    return rss, pss


TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by the process and its living descendants: what a
    page costs the machine, which a busy machine changes far less than the wall clock."""
    kids = _children()
    total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
            fields = stat[stat.rfind(b")") + 2:].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(kids.get(pid, ()))
    return total / TICK


class PeakSampler:
    """Samples the tree under `pid` in a thread until stopped; `peak` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval = pid, interval
        self.peak = 0  # RSS: what the targets are stated in (counts shared pages once per process)
        self.peak_pss = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss = tree_memory(self.pid)
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(cmd: list[str], **kw) -> tuple[subprocess.CompletedProcess, float, PeakSampler]:
    """Run a command; (its result, seconds, the sampler with its peak RSS and PSS in bytes)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    with PeakSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), seconds, sampler
