"""OCR accuracy benchmark: scanned forms read back, per resolution.

    python -m bench.ocr [--dpi 150,200,300] [--synth N] [--no-seed] [--engine rapidocr|tesseract]
                        [--pages N] [--memory 10,100] [--out DIR] [-v]

The corpus: the seed (examples/shanghai-2021.txt → `jixiao export --docx --no-review` →
LibreOffice PDF) and N synthetic forms (`jixiao synth --formats docx` → LibreOffice PDF). Each
PDF page is "scanned": rendered at the resolution in grey, turned by up to ±1°, sprinkled with
specks, blurred and saved as JPEG (quality 75) inside an image-only PDF (`scan_pdf`; the tests
make their pages the same way). The scanned PDF is read by `read_forms` and checked; each form's
facts are compared with the facts read from the PDF's text layer.

Printed per resolution: forms found; facts right; numbers right; wrong numbers flagged by P003
(info "识别不确定，请核对"); wrong numbers NOT flagged (the target is 0); numbers flagged though
right (the cost of the flags); CPU seconds per page (process time: one core); peak RSS. Then the
same over all facts, texts included (right, right but flagged, wrong and flagged, wrong and NOT
flagged: the target is 0), and the facts right up to the width of punctuation (，/, ；/; …).
`--memory 10,100` also reads scans of 10 and 100 pages (the seed's pages repeated), each in a
fresh process, and prints the peak memory of each: flat when it does not grow with the pages.

`--engine tesseract` reads the same cells with Debian's tesseract (chi_sim, one line per call) instead of
rapidocr, for the comparison in docs/formats.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "shanghai-2021.txt"


def to_pdf(sources: list[Path], outdir: Path) -> list[Path]:
    """Word files printed to PDF by LibreOffice (a private profile)."""
    if not sources:
        return []
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise SystemExit("LibreOffice (soffice) is needed to print the forms")
    subprocess.run([exe, f"-env:UserInstallation=file://{outdir / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, sources)], check=True, capture_output=True, timeout=600)
    # a file LibreOffice cannot open (the synthetic corpus has deliberately broken ones) is left out
    return [p for p in (outdir / f"{s.stem}.pdf" for s in sources) if p.exists()]


def degrade(image, rng: random.Random, turn: float = 1.0):
    """A grey page image as a scanner leaves it: turned by up to ±turn degrees, specks, blur."""
    import numpy as np
    from PIL import Image, ImageFilter

    image = image.convert("L").rotate(rng.uniform(-turn, turn), resample=Image.BILINEAR, expand=False, fillcolor=255)
    a = np.array(image, dtype=np.uint8)
    h, w = a.shape
    r = np.random.default_rng(rng.randrange(1 << 30))
    n = h * w // 4000  # dust: dark specks of 1–2 pixels
    ys, xs = r.integers(0, h - 2, n), r.integers(0, w - 2, n)
    a[ys, xs] = r.integers(0, 120, n)
    a[ys[: n // 3] + 1, xs[: n // 3]] = 60
    grey = r.normal(0, 6, a.shape)  # paper and sensor noise
    a = np.clip(a.astype(np.float32) + grey, 0, 255).astype(np.uint8)
    return Image.fromarray(a).filter(ImageFilter.GaussianBlur(0.7))


def scan_pdf(pdf: Path, out: Path, dpi: int, seed: int = 0, turn: float = 1.0, pages: int | None = None) -> int:
    """An image-only PDF of the pages of `pdf` as scanned at `dpi`; returns the page count."""
    import pypdfium2
    from PIL import Image

    rng = random.Random(seed)
    document = pypdfium2.PdfDocument(str(pdf))
    images = []
    for k in range(len(document) if pages is None else min(pages, len(document))):
        page = document[k]
        image = degrade(page.render(scale=dpi / 72, grayscale=True).to_pil(), rng, turn)
        page.close()
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=75)
        images.append(Image.open(io.BytesIO(buf.getvalue())))
    document.close()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return len(images)


def _leaves(d, prefix=""):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _leaves(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(d, list):
        for k, v in enumerate(d):
            yield from _leaves(v, f"{prefix}[{k}]")
    else:
        yield prefix, d


def facts(form) -> dict:
    from jixiao.readers.jsonio import form_to_dict

    d = form_to_dict(form)
    for key in ("repairs", "source", "extra"):
        d.pop(key, None)
    for ind in d["indicators"]:
        ind.pop("source")
    return d


NUMBER_LEAVES = (".initial_budget", ".annual_budget", ".executed", ".weight", ".rate", ".score", ".target", ".actual")


def compare(truth: list, read: list, reports: list) -> dict:
    """Facts and numbers right, wrong numbers flagged or not, per corpus."""
    out = dict(forms=len(truth), found=len(read), facts=0, facts_right=0, numbers=0, numbers_right=0,
               wrong_flagged=0, wrong_unflagged=0, right_flagged=0, unflagged=[], text_wrong=[],
               facts_wrong_flagged=0, facts_wrong_unflagged=0, facts_right_flagged=0, text_flagged=0,
               text_unflagged=[], folded_right=0)
    # forms are paired by the page they start on (a form the scan lost leaves its facts missing)
    by_page = {(f.source.sheet if f.source else None): k for k, f in enumerate(read)}
    for t in truth:
        tf = dict(_leaves(facts(t)))
        k = by_page.get(t.source.sheet if t.source else None)
        if k is not None:
            rf = dict(_leaves(facts(read[k])))
            flagged = {f.field for f in reports[k].findings if f.rule == "P003"}
        else:
            rf, flagged = {}, set()
        for path, value in tf.items():
            field = path
            number = path.endswith(NUMBER_LEAVES) and value is not None and any(ch.isdigit() for ch in str(value))
            right = rf.get(path, "<missing>") == value
            out["facts"] += 1
            out["facts_right"] += right
            out["folded_right"] += right or (isinstance(value, str) and _fold(rf.get(path)) == _fold(value))
            if right:
                out["facts_right_flagged"] += field in flagged
            elif field in flagged:
                out["facts_wrong_flagged"] += 1
            else:
                out["facts_wrong_unflagged"] += 1
            if not number:
                out["text_flagged"] += field in flagged
                if not right:
                    line = f"{t.project.text[:16]} {path}: {value!r} → {rf.get(path, '<missing>')!r}"
                    out["text_wrong"].append(("flagged " if field in flagged else "") + line)
                    if field not in flagged:
                        out["text_unflagged"].append(line)
                continue
            out["numbers"] += 1
            out["numbers_right"] += right
            if right:
                out["right_flagged"] += field in flagged
            elif field in flagged:
                out["wrong_flagged"] += 1
            else:
                out["wrong_unflagged"] += 1
                out["unflagged"].append(f"{t.project.text[:16]} {path}: {value!r} → {rf.get(path, '<missing>')!r}")
    return out


# Punctuation whose narrow (ASCII) and full-width forms a reader of the printed page cannot tell
# apart in Chinese text, and the recogniser writes full-width: the benchmark also counts the facts
# right up to these (the strict count is the one that matters).
_WIDTH = str.maketrans("，；：！？（）", ",;:!?()")


def _fold(text) -> str | None:
    """A text with the width of its punctuation and its spaces left out."""
    return None if not isinstance(text, str) else "".join(text.translate(_WIDTH).split())


def tesseract_engine():
    """Swap rapidocr for Debian's tesseract (chi_sim, one text line per call) in readers.ocr.engine."""
    import cv2

    from jixiao.readers.ocr import engine

    def recognise(crops):
        out = []
        for crop in crops:
            ok, png = cv2.imencode(".png", crop)
            res = subprocess.run(["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "7", "tsv"],
                                 input=png.tobytes(), capture_output=True, timeout=60)
            words, confs = [], []
            for line in res.stdout.decode("utf-8", "replace").splitlines()[1:]:
                parts = line.split("\t")
                if len(parts) == 12 and parts[11].strip() and float(parts[10]) >= 0:
                    words.append(parts[11].strip())
                    confs.append(float(parts[10]) / 100)
            out.append(("".join(words), min(confs) if confs else 0.0))
        return out

    engine.recognise = recognise


def _cpu() -> float:
    """CPU seconds of this process and of the programs it ran (tesseract runs as one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def memory(pdf: Path, work: Path, counts: tuple[int, ...]) -> None:
    """Peak memory of reading scanned PDFs of `counts` pages (the scan's pages repeated), each in
    a fresh process: flat when the peak does not grow with the page count."""
    import pypdfium2

    source = pypdfium2.PdfDocument(str(pdf))
    for n in counts:
        out = pypdfium2.PdfDocument.new()
        for k in range(n):
            out.import_pages(source, [k % len(source)])
        path = work / f"memory-{n}.pdf"
        out.save(str(path))
        out.close()
        code = ("import resource, time; from jixiao.readers import read_forms; t = time.process_time(); "
                "f, e = read_forms(%r); print(len(f), round(time.process_time() - t, 1), "
                "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)" % str(path))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        forms, cpu, rss = done.stdout.split()
        print(f"memory: {n} pages → {forms} forms, {cpu} s CPU, peak RSS {rss} MB")
    source.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dpi", default="150,200,300")
    ap.add_argument("--synth", type=int, default=10, help="synthetic forms (0: none)")
    ap.add_argument("--no-seed", action="store_true")
    ap.add_argument("--pages", type=int, default=None, help="only the first N pages of each PDF")
    ap.add_argument("--engine", default="rapidocr", choices=("rapidocr", "tesseract"))
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--memory", default="", help="page counts for the memory run, e.g. 10,100")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from jixiao.checks import check_forms
    from jixiao.readers import read_forms
    from jixiao.rules import load_ruleset
    from jixiao.writers import write_docx

    if args.engine == "tesseract":
        tesseract_engine()
    work = args.out or Path(tempfile.mkdtemp(prefix="jixiao-ocr-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpora: dict[str, Path] = {}
    docs = []
    if not args.no_seed:
        forms, _ = read_forms(SEED)
        write_docx(forms, work / "seed.docx")
        docs.append(work / "seed.docx")
    if args.synth:
        subprocess.run([sys.executable, "-m", "jixiao.cli", "synth", "--forms", str(args.synth), "--out",
                        str(work / "synth"), "--formats", "docx", "--seed", "7"], check=True, capture_output=True)
    for pdf in to_pdf(docs, work):
        corpora[pdf.stem] = pdf
    if args.synth:
        synth_docs = sorted((work / "synth").rglob("*.docx"))
        for pdf in to_pdf(synth_docs, work / "synth-pdf"):
            corpora[f"synth/{pdf.stem}"] = pdf
    ruleset = load_ruleset(None)
    print(f"engine {args.engine}; corpus in {work}")
    for dpi in [int(d) for d in args.dpi.split(",")]:
        totals: dict = {}
        pages = 0
        cpu = 0.0
        for name, pdf in corpora.items():
            truth, errors = read_forms(pdf)
            scanned = work / f"{name.replace('/', '-')}-{dpi}.pdf"
            pages += scan_pdf(pdf, scanned, dpi, seed=dpi, pages=args.pages)
            if args.pages is not None:
                truth = [f for f in truth if f.source and f.source.sheet and int(f.source.sheet[1:-1]) <= args.pages]
            start = _cpu()
            read, errors = read_forms(scanned)
            cpu += _cpu() - start
            reports = check_forms(read, ruleset)
            result = compare(truth, read, reports)
            for e in errors:
                print(f"  {dpi} dpi {name}: {e}")
            for key, value in result.items():
                totals[key] = totals.get(key, 0 if not isinstance(value, list) else []) + value
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = totals
        print(f"{dpi} dpi: {t['found']}/{t['forms']} forms; facts right {t['facts_right']}/{t['facts']} "
              f"({100 * t['facts_right'] / max(t['facts'], 1):.1f}%); numbers right {t['numbers_right']}/{t['numbers']}; "
              f"wrong numbers flagged {t['wrong_flagged']}/{t['wrong_flagged'] + t['wrong_unflagged']}; "
              f"wrong and unflagged {t['wrong_unflagged']}; right but flagged {t['right_flagged']}; "
              f"{cpu / max(pages, 1):.2f} s CPU/page ({pages} pages); peak RSS {rss:.0f} MB")
        print(f"  all facts: right {t['facts_right']} (of which flagged {t['facts_right_flagged']}); "
              f"wrong and flagged {t['facts_wrong_flagged']}; wrong and unflagged {t['facts_wrong_unflagged']}; "
              f"texts flagged {t['text_flagged']}; right up to the width of punctuation {t['folded_right']}")
        if args.memory and dpi == 200 and not args.no_seed:
            memory(work / "seed-200.pdf", work, tuple(int(n) for n in args.memory.split(",")))
        for line in t["unflagged"][: (None if args.verbose else 10)]:
            print("    wrong number, not flagged:", line)
        for line in t["text_unflagged"][: (None if args.verbose else 10)]:
            print("    wrong text, not flagged:", line)
        if args.verbose:
            for line in t["text_wrong"]:
                print("    wrong text:", line)


if __name__ == "__main__":
    main()
