"""The engines hand results back in the order tasks were given, whatever order they finish in,
and a worker process that dies takes down only the tasks it had: the run goes on."""

from __future__ import annotations

import os
import time

from jixiao.batch.engines import LocalEngine, ordered


def slow_square(x: int) -> int:
    time.sleep(0.05 * (5 - x % 5))  # later tasks finish first
    return x * x


def die_on_three(x: int) -> int:
    if x == 3:
        os._exit(3)  # a real crash of the worker process, not an exception
    return x


def test_results_come_back_in_submission_order_with_a_bounded_window():
    engine = LocalEngine(2)
    try:
        got = list(ordered(engine, slow_square, ((x,) for x in range(10)), window=3))
    finally:
        engine.close()
    assert got == [((x,), x * x) for x in range(10)]


def test_a_dead_worker_loses_its_tasks_and_the_run_goes_on():
    engine = LocalEngine(2)
    try:
        got = dict(ordered(engine, die_on_three, ((x,) for x in range(12)), window=2))
    finally:
        engine.close()
    assert isinstance(got[(3,)], Exception)
    assert all(got[(x,)] == x for x in range(6, 12))  # a fresh pool took over
    assert sorted(got) == [(x,) for x in range(12)]
