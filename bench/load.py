"""Load test of the web application (issue 16): a real `jixiao serve` over PostgreSQL filled with
synthetic forms, measured from concurrent clients on 127.0.0.1 only.

    python3 bench/load.py                       # 100,000 forms, 1 / 8 / 32 clients (about 3 minutes)
    python3 bench/load.py --forms 10000         # smaller, quicker
    python3 bench/load.py --db postgresql+psycopg://user@127.0.0.1:5432/db   # an existing, empty database
    python3 bench/load.py --keep /tmp/load-pg   # fill a PostgreSQL data directory once, reuse it after

It starts a throwaway PostgreSQL server (initdb + pg_ctl, as the tests do) unless --db names one;
imports a few hundred synthetic forms (`jixiao.synth`, read, scored and checked like any upload),
copies them in the database up to --forms (with their findings) and spreads them over 40
departments, 400 units and ten years; starts `jixiao serve --workers N`; logs one client in per
thread; then, for each number of clients, every client sends a bounded number of requests to each
of: the form list, a filtered list, one form's page, the dashboard and the API list. It prints
p50 / p95 latency per page and level with the CPU each request cost the server and PostgreSQL and
the load average (the wall clock of a shared machine varies with what else runs, the CPU much
less), the number of answers ≥ 500 and the server's peak memory (RSS of the whole process tree,
sampled every 0.2 s), and compares them with the targets:

    8 clients: list and filtered list p95 < 300 ms, form page p95 < 150 ms, dashboard p95 < 1 s;
    no 5xx at 32 clients; server memory < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.memory import PeakSampler, tree_cpu  # noqa: E402
from jixiao.readers.jsonio import dumps  # noqa: E402
from jixiao.store import open_store, totals  # noqa: E402
from jixiao.store.schema import FindingRow, FormRow  # noqa: E402
from jixiao.synth.corpus import draw  # noqa: E402
from tests.store.pgserver import PgServer, free_port  # noqa: E402

PASSWORD = "load-test-password-7319"
LEVELS = (1, 8, 32)
TARGETS = {("list", 8): 300, ("filtered", 8): 300, ("form", 8): 150, ("dashboard", 8): 1000}
TARGET_MB = 500


def fill(url: str, n: int, base: int) -> int:
    """`base` synthetic forms imported the ordinary way, then copied in SQL up to n."""
    store = open_store(url)
    forms = [d.form for d in draw(base, seed=16, error_share=0.6)]
    for k in range(0, base, 100):
        chunk = forms[k:k + 100]
        result = store.import_forms(chunk, data=dumps(chunk).encode(), filename=f"load-{k // 100:03d}.json")
        assert result.ok, result.failed
    f, fi = FormRow.__table__, FindingRow.__table__
    with store.engine.begin() as c:
        while (have := c.scalar(select(func.count(f.c.id)))) < n:
            k, m = c.scalar(select(func.max(f.c.id))), c.scalar(select(func.max(fi.c.id)))
            take = min(have, n - have)
            c.execute(insert(f).from_select(
                [col.name for col in f.c],
                select(*[(col + k).label(col.name) if col.name == "id" else col for col in f.c])
                .where(f.c.id <= c.scalar(select(func.min(f.c.id))) + take - 1)))
            c.execute(insert(fi).from_select(
                [col.name for col in fi.c],
                select(*[(col + m).label(col.name) if col.name == "id" else
                         (col + k).label(col.name) if col.name == "form_id" else col for col in fi.c])
                .where(fi.c.form_id <= c.scalar(select(func.min(f.c.id))) + take - 1)))
        # Spread the copies over departments, units and years, as a province's forms would be.
        c.execute(text("UPDATE forms SET department = '部门' || (id % 40), unit = '单位' || (id % 400), "
                       "year = 2015 + (id % 10), project = project || '-' || id"))
        if c.dialect.name == "postgresql":
            c.execute(text("SELECT setval(pg_get_serial_sequence('forms', 'id'), (SELECT max(id) FROM forms))"))
            c.execute(text("SELECT setval(pg_get_serial_sequence('findings', 'id'), (SELECT max(id) FROM findings))"))
        totals.rebuild(c)  # the rows were copied and changed in SQL, past the store's running totals
        total = c.scalar(select(func.count(f.c.id)))
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    store.add_user("admin", PASSWORD, "管理员")
    store.add_user("reviewer", PASSWORD, "审核", departments=["部门3", "部门7"])
    store.close()
    return total


def serve(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "serve", "--db", url, "--host", "127.0.0.1",
                             "--port", str(port), "--workers", str(workers)],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    raise RuntimeError("jixiao serve did not start:\n" + log.read_text())


def client(base: str, username: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=120)
    r = c.post("/api/login", json={"username": username, "password": PASSWORD})
    r.raise_for_status()
    return c


def measure(clients: list[httpx.Client], urls, per_client: int) -> tuple[list[float], int, int]:
    """Every client sends `per_client` requests (bounded), each to the next of `urls()`."""
    times: list[float] = []
    errors = [0, 0]  # (≥ 500, other failures)
    lock = threading.Lock()

    def run(c: httpx.Client, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(per_client):
            url = urls(rng)
            t0 = time.perf_counter()
            try:
                status = c.get(url).status_code
            except httpx.HTTPError:
                status = -1
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(dt)
                if status >= 500:
                    errors[0] += 1
                elif status != 200:
                    errors[1] += 1

    threads = [threading.Thread(target=run, args=(c, k)) for k, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0], errors[1]


def pct(times: list[float], p: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[int(p) - 1] if len(times) > 1 else times[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--forms", type=int, default=100_000)
    ap.add_argument("--base", type=int, default=500, help="forms imported the ordinary way before copying")
    ap.add_argument("--workers", type=int, default=2, help="jixiao serve --workers")
    ap.add_argument("--requests", type=int, default=0,
                    help="requests per client and page (default: 30 at 1 client, 8 at 8, 4 at 32)")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--db", default=None, help="an existing empty PostgreSQL database (default: a throwaway server)")
    where.add_argument("--keep", type=Path, default=None,
                    help="a directory for the PostgreSQL server's data, kept after the run: filled on the first "
                         "run, reused (migrated, not refilled) on the next ones")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args = ap.parse_args()

    pg = None if args.db else PgServer(keep=args.keep).start()
    marker = args.keep / "filled.json" if args.keep else None
    work = Path(pg.dir if pg else ".")
    try:
        t0 = time.perf_counter()
        if marker and marker.exists():
            n = json.loads(marker.read_text())["forms"]
            url = pg.url("load")
            open_store(url).close()  # brings the kept database's schema up to date
            print(f"reusing {n} forms in {args.keep} (schema upgraded in {time.perf_counter() - t0:.0f} s)", flush=True)
        else:
            url = args.db or pg.new_database("load" if marker else None)
            n = fill(url, args.forms, min(args.base, args.forms))
            if marker:
                marker.write_text(json.dumps({"forms": n}))
            print(f"{n} forms in PostgreSQL in {time.perf_counter() - t0:.0f} s", flush=True)
        port = free_port()
        proc = serve(url, port, args.workers, work / "serve.log")
        # PostgreSQL's own CPU too, when this script started the server (its postmaster's tree)
        db_pid = int((pg.data / "postmaster.pid").read_text().split()[0]) if pg else None
        base = f"http://127.0.0.1:{port}"
        results: dict = {"forms": n, "workers": args.workers, "levels": {}}
        try:
            with PeakSampler(proc.pid) as sampler:
                ids_top = n
                pages = {
                    "list": lambda rng: f"/forms?page={rng.randint(1, 50)}",
                    "filtered": lambda rng: f"/forms?year={rng.choice(range(2015, 2025))}&department=部门{rng.randint(0, 39)}",
                    "form": lambda rng: f"/forms/{rng.randint(1, ids_top)}",
                    "dashboard": lambda rng: rng.choice(["/dashboard", f"/dashboard?year={rng.choice(range(2015, 2025))}"]),
                    "api": lambda rng: f"/api/forms?limit=50&offset={rng.randint(0, 2000)}",
                }
                for level in LEVELS:
                    per = args.requests or {1: 30, 8: 8, 32: 4}[level]
                    clients = [client(base, "admin") for _ in range(level)]
                    row = {}
                    for name, urls in pages.items():
                        cpu0, db0, load0 = tree_cpu(proc.pid), tree_cpu(db_pid) if db_pid else 0.0, os.getloadavg()[0]
                        times, server_errors, other = measure(clients, urls, per)
                        app_ms = (tree_cpu(proc.pid) - cpu0) * 1000 / len(times)
                        db_ms = ((tree_cpu(db_pid) - db0) * 1000 / len(times)) if db_pid else None
                        row[name] = {"p50": round(pct(times, 50)), "p95": round(pct(times, 95)), "n": len(times),
                                     "5xx": server_errors, "other": other, "app_cpu_ms": round(app_ms, 1),
                                     "db_cpu_ms": None if db_ms is None else round(db_ms, 1),
                                     "load": round(max(load0, os.getloadavg()[0]), 1)}
                        cpu = f"CPU/request: server {app_ms:5.1f} ms" + (f", PostgreSQL {db_ms:5.1f} ms" if db_pid else "")
                        print(f"{level:>3} clients  {name:<10} p50 {row[name]['p50']:>6} ms  p95 {row[name]['p95']:>6} ms"
                              f"  ({len(times)} requests, {server_errors} ≥500, {other} other; {cpu}; "
                              f"load {row[name]['load']})", flush=True)
                    for c in clients:
                        c.close()
                    results["levels"][level] = row
            results["peak_mb"] = round(sampler.peak / 2**20)
            results["peak_pss_mb"] = round(sampler.peak_pss / 2**20)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        if pg:
            pg.stop()

    print(f"server peak memory: {results['peak_mb']} MB RSS ({results['peak_pss_mb']} MB PSS), "
          f"{args.workers} workers")
    ok = True
    for (name, level), limit in TARGETS.items():
        got = results["levels"][level][name]["p95"]
        ok &= got < limit
        print(f"target {name} p95 at {level} clients < {limit} ms: {got} ms {'ok' if got < limit else 'MISSED'}")
    fives = sum(v["5xx"] for v in results["levels"][32].values())
    ok &= fives == 0 and results["peak_mb"] < TARGET_MB
    print(f"target no 5xx at 32 clients: {fives} {'ok' if fives == 0 else 'MISSED'}")
    print(f"target memory < {TARGET_MB} MB: {results['peak_mb']} MB {'ok' if results['peak_mb'] < TARGET_MB else 'MISSED'}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
