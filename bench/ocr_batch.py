"""OCR memory over many pages: a batch of one-page scans, and one long scanned PDF.

    python -m bench.ocr_batch [--files 1000] [--long 300] [--workers 2] [--synth 7] [--dpi 200]
                              [--out DIR] [--only batch|long]

The pages: the seed and `--synth` synthetic forms printed by LibreOffice (as bench/ocr.py does),
every page "scanned" again for each file with its own turn (±1°), specks, noise, blur and JPEG
quality (60–85), so no two files are the same image and the engine does real work on each.

(a) `jixiao batch` (the real command, its worker processes) over `--files` one-page scans (one in
    four a .jpg, the others image-only PDFs) into a fresh SQLite store. The resident memory of the
    whole process tree is sampled every half second, and the files stored so far are counted in
    the store: printed is the peak RSS (and PSS) of the tree up to when 100, 200, … files were
    stored, and the tree's RSS at that moment.
(b) one scanned PDF of `--long` pages (the same scans, in order) read by `read_forms` in a fresh
    process: its RSS after every 50 pages and its peak.

Memory is flat when the peak stops growing with the pages read.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.memory import tree_memory
from bench.ocr import SEED, degrade, to_pdf

ROOT = Path(__file__).resolve().parent.parent


def printed(work: Path, synth: int) -> list[Path]:
    """The seed and `synth` synthetic forms printed to PDF by LibreOffice (made once per --out)."""
    from jixiao.readers import read_forms
    from jixiao.writers import write_docx

    done = sorted((work / "printed").glob("*.pdf"))
    if done:
        return done
    docs = work / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    forms, _ = read_forms(SEED)
    write_docx(forms, docs / "seed.docx")
    if synth:
        subprocess.run([sys.executable, "-m", "jixiao.cli", "synth", "--forms", str(synth), "--out",
                        str(work / "synth"), "--formats", "docx", "--seed", "7"], check=True, capture_output=True)
    sources = [docs / "seed.docx", *sorted((work / "synth").rglob("*.docx"))]
    return to_pdf(sources, work / "printed")


def scans(pdfs: list[Path], out: Path, n: int, dpi: int) -> list[Path]:
    """`n` one-page scans, the printed pages taken in turn, each degraded with its own seed."""
    import pypdfium2
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"scan-{i:05d}.{'jpg' if i % 4 == 3 else 'pdf'}" for i in range(n)]
    if all(p.exists() for p in paths):
        return paths
    pages = []
    for pdf in pdfs:
        document = pypdfium2.PdfDocument(str(pdf))
        pages += [(pdf, k) for k in range(len(document))]
        document.close()
    documents: dict[Path, object] = {}
    for i, path in enumerate(paths):
        if path.exists():
            continue
        pdf, k = pages[i % len(pages)]
        document = documents.get(pdf) or documents.setdefault(pdf, pypdfium2.PdfDocument(str(pdf)))
        rng = random.Random(i)
        page = document[k]
        image = degrade(page.render(scale=dpi / 72, grayscale=True).to_pil(), rng)
        page.close()
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=rng.randint(60, 85))
        if path.suffix == ".jpg":
            path.write_bytes(buf.getvalue())
        else:
            Image.open(io.BytesIO(buf.getvalue())).save(path, "PDF", resolution=float(dpi))
    for document in documents.values():
        document.close()
    return paths


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("select count(*) from source_files").fetchone()[0]
    except sqlite3.Error:
        return 0


def batch(files: list[Path], work: Path, workers: int) -> None:
    """`jixiao batch` over the scans, the process tree's memory against the files stored."""
    directory = files[0].parent
    db = work / "batch.db"
    for leftover in work.glob("batch.db*"):
        leftover.unlink()
    cmd = [sys.executable, "-m", "jixiao.cli", "batch", str(directory), "--db", f"sqlite:///{db}",
           "--report", str(work / "batch.xlsx"), "--workers", str(workers)]
    samples: list[tuple[float, int, int, int]] = []  # seconds, files stored, RSS, PSS
    t0 = time.perf_counter()
    log = open(work / "batch.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT))
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss = tree_memory(proc.pid)
            samples.append((time.perf_counter() - t0, _stored(db), rss, pss))
            stop.wait(0.5)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    step = 100
    reported = 0
    while proc.poll() is None:
        time.sleep(5)
        done = samples[-1][1] if samples else 0
        while done >= reported + step:  # print as the run goes: a run cut short still leaves its curve
            reported += step
            _report(samples, reported)
    stop.set()
    thread.join()
    samples.append((time.perf_counter() - t0, _stored(db), 0, 0))
    log.close()
    while samples[-1][1] >= reported + step:
        reported += step
        _report(samples, reported)
    tail = (work / "batch.log").read_text(errors="replace").strip().splitlines()[-4:]
    print(f"batch: exit {proc.returncode}, {samples[-1][1]} files stored in {samples[-1][0]:.0f} s; "
          f"peak RSS of the tree {max(s[2] for s in samples) / 2**20:.0f} MB, "
          f"PSS {max(s[3] for s in samples) / 2**20:.0f} MB; load {os.getloadavg()[0]:.1f}", flush=True)
    for line in tail:
        print("  ", line)


def _report(samples: list, files: int) -> None:
    upto = [s for s in samples if s[1] < files] + [next(s for s in samples if s[1] >= files)]
    at = upto[-1]
    print(f"batch: {files:>5} files stored at {at[0]:6.0f} s: peak RSS so far {max(s[2] for s in upto) / 2**20:5.0f} MB "
          f"(PSS {max(s[3] for s in upto) / 2**20:4.0f} MB), now {at[2] / 2**20:5.0f} MB; load {os.getloadavg()[0]:.1f}",
          flush=True)


_LONG = """
import os, resource, sys, time
from jixiao.readers import ocr, read_forms
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
t0 = time.perf_counter()
def on_page(name, page):
    if page % 50 == 1 and page > 1:
        print(f"long: {page - 1:>4} pages read at {time.perf_counter() - t0:6.0f} s: RSS {rss():5.0f} MB, "
              f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:5.0f} MB; load {os.getloadavg()[0]:.1f}",
              flush=True)
ocr.on_page = on_page
forms, errors = read_forms(sys.argv[1])
print(f"long: {len(forms)} forms, {len(errors)} problems, {time.perf_counter() - t0:.0f} s, {time.process_time():.0f} s CPU; "
      f"RSS {rss():.0f} MB, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
"""


def long_pdf(files: list[Path], work: Path, pages: int) -> None:
    """One scanned PDF of `pages` pages read by read_forms in a fresh process, RSS per 50 pages."""
    import pypdfium2
    from PIL import Image

    path = work / f"long-{pages}.pdf"
    if not path.exists():
        out = pypdfium2.PdfDocument.new()
        for f in (files * (pages // len(files) + 1))[:pages]:
            if f.suffix == ".jpg":
                buf = io.BytesIO()
                Image.open(f).save(buf, "PDF", resolution=200.0)
                one = pypdfium2.PdfDocument(buf.getvalue())
            else:
                one = pypdfium2.PdfDocument(str(f))
            out.import_pages(one)
            one.close()
        out.save(str(path))
        out.close()
    subprocess.run([sys.executable, "-c", _LONG, str(path)], check=True, cwd=str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=1000, help="one-page scans for the batch")
    ap.add_argument("--long", type=int, default=300, help="pages of the long scanned PDF")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--synth", type=int, default=7, help="synthetic forms printed beside the seed")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--only", choices=("batch", "long"), default=None)
    ap.add_argument("--out", type=Path, default=Path("/tmp/jixiao-ocr-batch"))
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    args.out.mkdir(parents=True, exist_ok=True)
    pdfs = printed(args.out, args.synth)
    files = scans(pdfs, args.out / "scans", args.files, args.dpi)
    print(f"{len(files)} one-page scans at {args.dpi} dpi from {len(pdfs)} printed PDFs in {args.out}", flush=True)
    if args.only in (None, "batch"):
        batch(files[: args.files], args.out, args.workers)
    if args.only in (None, "long"):
        long_pdf(files, args.out, args.long)


if __name__ == "__main__":
    main()
