"""The OCR engine: rapidocr-onnxruntime's PP-OCRv4 Chinese recogniser and direction classifier
(models inside the wheel, on onnxruntime, one thread), one text line per call; and the glyphs it
cannot tell apart put right."""

from __future__ import annotations

import functools
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# the engine

@functools.lru_cache(maxsize=1)
def _engine():
    """The recogniser and the direction classifier of rapidocr-onnxruntime, one thread each (a
    batch runs one reader per core), made once per process."""
    import rapidocr_onnxruntime
    from rapidocr_onnxruntime.ch_ppocr_cls import TextClassifier
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    from rapidocr_onnxruntime.utils import read_yaml

    root = Path(rapidocr_onnxruntime.__file__).parent
    config = read_yaml(str(root / "config.yaml"))
    for part in ("Rec", "Cls"):
        config[part]["model_path"] = str(root / config[part]["model_path"])
        config[part]["intra_op_num_threads"] = 1
        config[part]["inter_op_num_threads"] = 1
    # one line at a time, padded to nothing: on one thread batching gains nothing, and padding
    # every line of a batch to its widest (and every line to at least 320 pixels, the default)
    # made a short number cost as much as a sentence (one page: 3.9 s → 2.3 s → 1.6 s of CPU)
    config["Rec"]["rec_batch_num"] = 1
    config["Rec"]["rec_img_shape"] = [3, 48, 48]
    rec = TextRecognizer(config["Rec"])
    # every line has its own width, and onnxruntime keeps a memory plan per input shape it has
    # seen (memory grew by megabytes a page): the recogniser's session is made again without them
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.enable_mem_pattern = False
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 4
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    rec.session.session = onnxruntime.InferenceSession(config["Rec"]["model_path"], sess_options=options,
                                                       providers=["CPUExecutionProvider"])
    return rec, TextClassifier(config["Cls"])


# What the recogniser writes for a glyph it cannot tell apart from another: 丶 (a radical, never
# in a form) for the enumeration comma 、; full-width brackets for the narrow ones a font draws
# in Chinese text as well (the two look the same in print; forms typed in Word mostly carry the
# narrow ones, as the seed does).
_SAME_GLYPH = str.maketrans({"丶": "、", "（": "(", "）": ")"})


_NARROW = {"，": ",", "；": ";", "：": ":"}
_WIDE = {v: k for k, v in _NARROW.items()}


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _punctuation_width(chars: list[str], cols: list[int]) -> str | None:
    """The line's text with each comma, semicolon or colon between two Chinese characters written
    as wide as it is printed. The recogniser writes the full-width form (，) in Chinese text
    whichever was printed, but the two differ on paper: a full-width mark fills a character's
    width, so the characters on either side of it stand two characters' pitch apart; around a
    narrow one (,) they stand about one and a third apart. The pitch is the usual distance
    between neighbouring Chinese characters of the line, in the recogniser's decoding columns.
    None when the line has too few Chinese characters to tell."""
    import numpy as np

    if len(chars) != len(cols):
        return None
    steps = [b - a for a, b, x, y in zip(cols, cols[1:], chars, chars[1:]) if _cjk(x) and _cjk(y)]
    if len(steps) < 4:
        return None
    pitch = float(np.median(steps))
    out = list(chars)
    for i in range(1, len(chars) - 1):
        ch = chars[i]
        if (ch in _NARROW or ch in _WIDE) and _cjk(chars[i - 1]) and _cjk(chars[i + 1]):
            narrow = cols[i + 1] - cols[i - 1] < 1.7 * pitch
            out[i] = _NARROW.get(ch, ch) if narrow else _WIDE.get(ch, ch)
    return "".join(out)


def recognise(crops: list) -> list[tuple[str, float]]:
    """Each crop (a BGR image of one text line) → (text, confidence), in order."""
    if not crops:
        return []
    rec, _ = _engine()
    results, _ = rec(crops, return_word_box=True)
    out = []
    for text, mean, *info in results:
        probs = info[0][4] if info and info[0] and len(info[0]) > 4 else [mean]
        if info and info[0] and len(info[0]) > 2:
            text = _punctuation_width([c for word in info[0][1] for c in word], [c for col in info[0][2] for c in col]) or text
        text = text.strip().translate(_SAME_GLYPH)
        out.append((text, float(min(probs)) if text else 0.0))
    return out


def upside_down(crops: list) -> bool:
    """Most of a sample of text lines read as turned half round."""
    if not crops:
        return False
    _, cls = _engine()
    _, labels, _ = cls(crops)
    turned = sum(1 for label, score in labels if label == "180" and score >= 0.8)
    return turned * 2 > len(labels)
