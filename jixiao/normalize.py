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

# CJK Radicals Supplement → the unified ideograph each stands for: every mapping of the block
# in Unicode's EquivalentUnifiedIdeograph.txt (copied from UCD 14.0.0: its 114 code points from
# U+2E81 to U+2EF3), as `code point or range:ideograph`. U+2E80 has no equivalent and U+2E9A,
# U+2EF4–U+2EFF are unassigned: kept as they are. (⺫ is Unicode's 目, ⻏ its 邑: the table
# follows Unicode, not the shape some fonts draw.)
_EQUIVALENT_UNIFIED_IDEOGRAPH = """
    2E81:5382 2E82:4E5B 2E83:4E5A 2E84:4E59 2E85:4EBB 2E86:5182 2E87:20628 2E88:5200 2E89:5202
    2E8A:535C 2E8B:353E 2E8C..2E8D:5C0F 2E8E:5140 2E8F:5C23 2E90:5C22 2E91:21BC2 2E92:5DF3 2E93:5E7A
    2E94:5F51 2E95:5F50 2E96:5FC4 2E97:5FC3 2E98:624C 2E99:6535 2E9B:65E1 2E9C:65E5 2E9D:6708 2E9E:6B7A
    2E9F:6BCD 2EA0:6C11 2EA1:6C35 2EA2:6C3A 2EA3:706C 2EA4..2EA5:722B 2EA6:4E2C 2EA7:725B 2EA8:72AD
    2EA9:738B 2EAA:24D14 2EAB:76EE 2EAC:793A 2EAD:793B 2EAE:25AD7 2EAF:7CF9 2EB0:7E9F 2EB1:7F53
    2EB2:7F52 2EB3:34C1 2EB4:5197 2EB5:2626B 2EB6:7F8A 2EB7:2634C 2EB8:2634B 2EB9:8002 2EBA:8080
    2EBB:807F 2EBC:8089 2EBD:26951 2EBE..2EC0:8279 2EC1:864E 2EC2:8864 2EC3:8980 2EC4:897F 2EC5:89C1
    2EC6:89D2 2EC7:278B2 2EC8:8BA0 2EC9:8D1D 2ECA:27FB7 2ECB:8F66 2ECC..2ECE:8FB6 2ECF:9091 2ED0:9485
    2ED1:9577 2ED2:9578 2ED3:957F 2ED4:95E8 2ED5:28E0F 2ED6:961D 2ED7:96E8 2ED8:9752 2ED9:97E6
    2EDA:9875 2EDB:98CE 2EDC:98DE 2EDD:98DF 2EDE:2967F 2EDF:98E0 2EE0:9963 2EE1:29810 2EE2:9A6C
    2EE3:9AA8 2EE4:9B3C 2EE5:9C7C 2EE6:9E1F 2EE7:5364 2EE8:9EA6 2EE9:9EC4 2EEA:9EFE 2EEB:6589 2EEC:9F50
    2EED:6B6F 2EEE:9F7F 2EEF:7ADC 2EF0:9F99 2EF1:9F9C 2EF2:4E80 2EF3:9F9F
"""


def _supplement_table() -> dict[str, str]:
    out = {}
    for item in _EQUIVALENT_UNIFIED_IDEOGRAPH.split():
        points, ideograph = item.split(":")
        first, _, last = points.partition("..")
        for cp in range(int(first, 16), int(last or first, 16) + 1):
            out[chr(cp)] = chr(int(ideograph, 16))
    return out


_SUPPLEMENT: dict[str, str] = _supplement_table()

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
