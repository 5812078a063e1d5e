"""Where the work runs: a process pool on this machine, or a Dask distributed cluster.

Both are used the same way — submit a task, get a future, ask it for its result — and the
batch asks for results in the order it submitted them, with a bounded number of tasks in
flight. So the store receives the files in walk order whichever engine runs them (results are
identical, row ids included), and memory holds at most `window` tasks' results, however large
the corpus.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any


class LocalEngine:
    """A pool of worker processes on this machine (all cores by default)."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        # forkserver: workers start from a clean process with jixiao already imported, not as
        # forks of a parent that runs a progress-bar thread and holds database connections.
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(["jixiao.batch.work"])
        self.pool = self._new_pool()
        self.name = f"本机 {self.workers} 个进程"

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx)

    def submit(self, fn: Callable, *args: Any):
        try:
            return self.pool.submit(fn, *args)
        except BrokenProcessPool:
            # a worker died (killed, out of memory, a crash in a C library): the tasks it took
            # down are reported by their futures; start a fresh pool for the rest of the run
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return self.pool.submit(fn, *args)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """A Dask distributed cluster, by its scheduler's address (tcp://HOST:PORT).

    The workers must see the files at the same paths (a shared or copied file system) and have
    jixiao installed; the results come back to this process, which alone writes the store.
    """

    def __init__(self, address: str):
        from distributed import Client

        self.client = Client(address, set_as_default=False)
        info = self.client.scheduler_info()
        self.workers = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or 1
        self.name = f"Dask 集群 {address}（{len(info.get('workers', {}))} 个 worker，{self.workers} 个线程）"

    def submit(self, fn: Callable, *args: Any):
        return self.client.submit(fn, *args, pure=False)

    def close(self) -> None:
        self.client.close()


def ordered(engine, fn: Callable, tasks: Iterable[tuple], window: int) -> Iterator[tuple[tuple, Any]]:
    """(task, result) in submission order, never more than `window` tasks in flight.

    A task that raised gives its exception as the result: the caller decides what a lost task
    means for its files (the batch records them as failed), and the run goes on.
    """
    pending: deque = deque()
    it = iter(tasks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            try:
                task = next(it)
            except StopIteration:
                exhausted = True
                break
            pending.append((task, engine.submit(fn, *task)))
        if not pending:
            return
        task, future = pending.popleft()
        try:
            yield task, future.result()
        except Exception as e:  # noqa: BLE001 - a dead worker or a lost task must not stop the batch
            yield task, e
