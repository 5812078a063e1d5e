"""What text normalisation (jixiao/normalize.py) costs a text form: the clean seed, and the seed
damaged as Chromium (Kangxi radicals) and a Traditional mirror (OpenCC s2t) write it.

    python3 bench/normalize.py [--repeat 200]

Prints, per form, the time normalize_text takes and the time read_forms takes (which includes
it), medians of 5 runs. A clean form pays one regular-expression search; a damaged one converts
each distinct changed cell once (cached).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def per_form(fn, n_forms: int, repeat: int) -> float:
    """Microseconds per form, the median of 5 runs of `repeat` calls."""
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        runs.append((time.perf_counter() - start) / repeat / n_forms * 1e6)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    import opencc

    from jixiao.normalize import normalize_text
    from jixiao.readers import read_forms

    seed = ROOT / "examples" / "shanghai-2021.txt"
    text = seed.read_text(encoding="utf-8")
    kangxi = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)}
    variants = {
        "clean (the seed)": text,
        "radicals (as Chromium)": "".join(kangxi.get(ch, ch) for ch in text),
        "Traditional (OpenCC s2t)": opencc.OpenCC("s2t").convert(text),
    }
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'text':<26} {'normalize_text µs/form':>24} {'read_forms µs/form':>20}")
        for name, body in variants.items():
            path = Path(tmp) / "form.txt"
            path.write_text(body, encoding="utf-8")
            forms, errors = read_forms(path)
            assert forms and not errors, errors
            n = len(forms)
            norm = per_form(lambda: normalize_text(body, "x"), n, args.repeat)
            read = per_form(lambda: read_forms(path), n, max(1, args.repeat // 4))
            print(f"{name:<26} {norm:>24.1f} {read:>20.1f}")


if __name__ == "__main__":
    main()
