"""Text normalisation before any label is matched (layouts.md, "Text-layer damage").

Three kinds of damage make a label look different from the vocabulary while reading the same:

- radical code points: several PDF producers (Chromium's print to PDF, some WPS and Word
  exports) write common characters as Kangxi Radicals (U+2F00–U+2FDF: `⽬` for 目) or CJK
  Radicals Supplement (U+2E80–U+2EFF: `⻓` for 长). NFKC maps the first block back; the second
  has no decomposition in Unicode, so `_SUPPLEMENT` maps it (after Unicode's
  EquivalentUnifiedIdeograph.txt);
- other compatibility characters NFKC folds: CJK compatibility ideographs, full-width letters
  and digits (`１２０` → `120`), the full-width per cent sign;
- Traditional characters (`項目名稱`, `產出指標`), converted to Simplified by OpenCC's `t2s`
  (phrase-aware, its dictionaries ship in the `opencc` wheel).

NFKC is applied to those characters only, not to whole cells: it would also turn the CJK
full-width punctuation every form uses (`，` `：` `（元）`) into ASCII and change the text the
user wrote. The normalised text is what the recogniser matches and the model keeps; each form
gets a `normalize-text` repair that quotes the first changed cells, original and normalised,
with their locations, and lists every row that had a change.

Cost: a cell with none of these characters (nearly every cell of nearly every form) is passed
through after one regular-expression search, and a changed cell is converted once per distinct
text (a bounded cache), so a clean text form pays a single search over its text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .grid import Grid
from .model import Form, Loc, Repair

# CJK Radicals Supplement → the unified ideograph each stands for (Unicode's
# EquivalentUnifiedIdeograph.txt); component-only forms (亻 氵 扌 …) map to their component
# ideograph. U+2E80 and U+2E9A are unassigned.
_SUPPLEMENT: dict[str, str] = dict(zip(
    "⺁⺂⺃⺄⺅⺆⺉⺊⺋⺌⺍⺎⺏⺐⺒⺓⺔⺕⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺫⺬⺭⺮⺯⺰⺱⺲⺳⺶⺷⺸⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻇⻈⻉⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
    "厂乛乚乙亻冂刂卜㔾小小兀尣尢巳幺彑彐忄心扌攵旡日月歺母民氵氺灬爫爫丬牛犭王罒示礻竹糹纟罓罒㓁羊羊羋耂肀聿肉臼艹艹艹虎衤覀西见角角讠贝车辶辶辶阝钅長镸长门阝雨青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟",
    strict=True,
))

# characters whose NFKC form differs and that damage labels or numbers
_FOLDED = "\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05"
_CHAR_RE = re.compile(f"[{_FOLDED}\u2e80-\u2eff]")

CACHE_SIZE = 4096  # distinct changed cell texts remembered


class _Normaliser:
    """Built on first use: the OpenCC converter and the set of characters it changes (made by
    converting each CJK ideograph once, ~10 ms), so that reading a clean file never loads OpenCC
    more than once per process."""

    def __init__(self) -> None:
        import opencc

        self.t2s = opencc.OpenCC("t2s")
        chars = [chr(i) for i in range(0x3400, 0xA000)]
        converted = self.t2s.convert("\n".join(chars)).split("\n")
        self.traditional = frozenset(a for a, b in zip(chars, converted, strict=True) if a != b)
        self.suspect = re.compile(f"[{_FOLDED}\u2e80-\u2eff{''.join(sorted(self.traditional))}]")
        self.cache: dict[str, str] = {}

    def convert(self, text: str) -> str:
        got = self.cache.get(text)
        if got is None:
            got = _CHAR_RE.sub(_fold, text)
            if any(ch in self.traditional for ch in got):
                got = self.t2s.convert(got)
            if len(self.cache) >= CACHE_SIZE:
                self.cache.clear()
            self.cache[text] = got
        return got


def _fold(m: re.Match) -> str:
    ch = m.group()
    return _SUPPLEMENT.get(ch, ch) if "\u2e80" <= ch <= "\u2eff" else unicodedata.normalize("NFKC", ch)


_state: _Normaliser | None = None


def _normaliser() -> _Normaliser:
    global _state
    if _state is None:
        _state = _Normaliser()
    return _state


def needs_normalizing(text: str) -> bool:
    """Whether `text` has any character `normalize` changes (one search; ASCII never has)."""
    return not text.isascii() and _normaliser().suspect.search(text) is not None


def normalize(text: str) -> str:
    """The text labels are matched on: radicals and compatibility characters folded,
    Traditional converted to Simplified; CJK punctuation and everything else as written."""
    if text.isascii():
        return text
    n = _normaliser()
    if n.suspect.search(text) is None:
        return text
    return n.convert(text)


@dataclass(slots=True)
class Change:
    """One cell whose text normalisation changed: where it is, what it said, what it reads as.
    `order` places it among the rows of its grid (the row index, or the line of a text file)."""

    order: int
    loc: Loc
    original: str
    text: str


def normalize_text(text: str, name: str) -> tuple[str, list[Change]]:
    """A text file's content normalised cell by cell (cells split on tabs, as `grid_from_text`
    does), and the changes made; the text itself when nothing needs it (the common case)."""
    if not needs_normalizing(text):
        return text, []
    changes: list[Change] = []
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if not needs_normalizing(line):
            continue
        cells = line.split("\t")
        for c, cell in enumerate(cells):
            new = normalize(cell)
            if new != cell:
                changes.append(Change(k + 1, Loc(name, k + 1, c + 1), cell, new))
                cells[c] = new
        lines[k] = "\t".join(cells)
    return "\n".join(lines), changes


def normalize_grid(grid: Grid) -> list[Change]:
    """Normalise every cell of the grid in place; the changes made."""
    changes: list[Change] = []
    for k, row in enumerate(grid.rows):
        if not any(needs_normalizing(t) for t in row.texts()):
            continue
        for c, cell in enumerate(row.cells):
            new = normalize(cell.text)
            if new != cell.text:
                changes.append(Change(k, cell.loc or row.loc, cell.text, new))
                cell.text = new
    return changes


EXAMPLES = 5  # changes quoted in a repair's message


def note_changes(forms: list[Form], changes: list[Change], grid: Grid | None = None) -> None:
    """Give each form a `normalize-text` repair for the changes made in its rows.

    A form's rows run from its source row to the next form's source row, in the order of the
    grid's rows (of the text's lines when no grid is given, as `normalize_text`'s changes
    are); changes above the first form belong to the first.
    """
    if not changes or not forms:
        return
    if grid is None:
        def order(loc: Loc | None) -> int:
            return (loc.line or 0) if loc else 0
    else:
        index = {(r.loc.sheet, r.loc.line): k for k, r in enumerate(grid.rows)}

        def order(loc: Loc | None) -> int:
            return index.get((loc.sheet, loc.line), 0) if loc else 0
    begins = sorted((order(f.source), k) for k, f in enumerate(forms))
    for j, (begin, k) in enumerate(begins):
        end = begins[j + 1][0] if j + 1 < len(begins) else None
        mine = [ch for ch in changes if (j == 0 or ch.order >= begin) and (end is None or ch.order < end)]
        if not mine:
            continue
        quoted = "；".join(f"“{ch.original}”→“{ch.text}”（{_where(ch.loc)}）" for ch in mine[:EXAMPLES])
        more = f"等 {len(mine)} 处" if len(mine) > EXAMPLES else f"共 {len(mine)} 处"
        forms[k].repairs.append(Repair(
            kind="normalize-text",
            message=f"文字含部首字符、兼容字符或繁体字，已按规范简体字识别：{quoted}{more}",
            locs=_rows(mine),
        ))


def _rows(changes: list[Change]) -> list[Loc]:
    """The rows the changes are in, each once, in order (the message quotes cells and columns)."""
    seen: dict[tuple[str | None, int | None], Loc] = {}
    for ch in changes:
        key = (ch.loc.sheet, ch.loc.line)
        if key not in seen:
            seen[key] = Loc(ch.loc.file, ch.loc.line, None, ch.loc.sheet)
    return list(seen.values())


def _where(loc: Loc) -> str:
    parts = [loc.sheet or ""]
    if loc.line is not None:
        parts.append(f"第{loc.line}行")
    if loc.col is not None:
        parts.append(f"第{loc.col}列")
    return "".join(parts)
