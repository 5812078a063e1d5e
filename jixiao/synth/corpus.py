"""A synthetic corpus on disk: forms in files, and `manifest.csv` saying which form carries which
inconsistency.

Forms are drawn one at a time and written as they are drawn, so a corpus of a million forms
needs no more memory than one of ten. The same seed gives the same corpus byte for byte (for
.txt; binary formats carry their writer's timestamps). Files are sharded into sub-directories
of 1,000 so that no directory grows huge: `000/000017.txt`.

Which rule a form carries: a share of the forms (`error_share`) get one injected rule each, the
rules taken in turn so every rule appears once `forms ≥ 2 × len(rules) / error_share`; a D002
form is followed by its partner (the same 偏差原因 in two files). P002 (layout damage) can only be
injected into text; in other formats its turn passes to the next rule.

With `layouts` (families.py) other than standard alone, files of each layout family are written
in turn, a family's file holding its forms (two for several-forms, tail-before-title,
cover-sheet); a rule the family cannot carry passes its turn. html and md are written from the
families' grids, the standard family's too.
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..model import PROJECT, Form
from . import kinds
from . import text as textfmt
from .generate import FormMaker, retotal
from .families import BY_NAME, STANDARD, html_of, markdown_of, plans_of, text_of
from .inject import LAYOUT_DAMAGE_FORMATS, RULES, TEXT_ONLY_RULES, Injected, State, plan

# Department-wide and transfer-payment forms (kinds.py, when a corpus asks for other kinds) are
# written as text in their paper layouts, and as xlsx/docx/pdf in their standard layouts
# (writers/kinds.py, formulas only where they print what was filed, so an injected inconsistency
# stays printed). This share of the clean forms is of another kind.
OTHER_KIND_SHARE = 0.2

FORMATS = ("txt", "xlsx", "docx", "pdf", "html", "md")
GRID_FORMATS = ("html", "md")  # written from the families' grids only (the standard family's too)
MANIFEST = "manifest.csv"
INHERENT = "版式固有："  # the manifest detail of a rule every form of its family carries (families.py)
MANIFEST_COLUMNS = ("file", "project", "rule", "detail", "layout")


@dataclass(slots=True)
class Drawn:
    index: int
    fmt: str
    form: Form
    injected: Injected | None
    variant: str = ""  # the layout variant of a form of another kind (kinds.VARIANTS)
    layout: str = STANDARD  # the layout family (families.py)
    file: int | None = None  # the file it goes in, when a corpus has other families than standard
    last: bool = True  # the last form of its file


@dataclass
class CorpusInfo:
    out: Path
    forms: int = 0
    files: int = 0
    by_rule: Counter = field(default_factory=Counter)
    by_format: Counter = field(default_factory=Counter)
    by_layout: Counter = field(default_factory=Counter)


def injectable(rule: str, fmt: str, other_kinds: bool = True, layout: str = STANDARD) -> bool:
    if rule in kinds.KIND_RULES:
        return other_kinds and layout == STANDARD and fmt not in GRID_FORMATS
    if layout != STANDARD:
        return rule in BY_NAME[layout].rules
    return rule not in TEXT_ONLY_RULES or fmt in LAYOUT_DAMAGE_FORMATS


def _files(n: int, formats: tuple[str, ...], layouts: tuple[str, ...]) -> Iterator[tuple[str, str, int]]:
    """(family, format, forms) of each file of a corpus of several families: the families in
    turn, each round of them in the next format."""
    turn = 0
    left = n
    while left > 0:
        name = layouts[turn % len(layouts)]
        fmt = formats[(turn // len(layouts)) % len(formats)]
        turn += 1
        k = BY_NAME[name].forms
        if k <= left:
            left -= k
            yield name, fmt, k


def _pairs(slots: list[tuple[str, str, int, bool]], i: int, n: int) -> bool:
    """A D002 form at i has a partner after it, of a family that can carry D002 and is checked
    under the same rule set (the pair is compared within one check run)."""
    if i >= n - 1:
        return False
    here, there = BY_NAME[slots[i][0]], BY_NAME[slots[i + 1][0]]
    return "D002" in there.rules and here.ruleset == there.ruleset


def draw(n: int, seed: int = 0, formats: tuple[str, ...] = ("txt",), error_share: float = 0.5,
         rules: tuple[str, ...] = RULES, other_kinds: bool = False,
         layouts: tuple[str, ...] = (STANDARD,)) -> Iterator[Drawn]:
    """The forms of a corpus, one at a time, with the rule each one carries; with `other_kinds`
    also department-wide and transfer-payment forms, which carry F007 and K001–K006. With
    `layouts` other than standard, files of each family in turn, each round of the families in
    the next format (a D002 form is drawn only where the next form's family can carry its
    partner under the same rule set, so the pair is checked in one run)."""
    rng = random.Random(seed)
    maker = FormMaker(rng)
    state = State()
    turn = 0
    partner_due = False
    many = tuple(layouts) != (STANDARD,)
    used: Counter = Counter()  # injections per rule (several families)
    slots: list[tuple[str, str, int, bool]] = []  # (family, format, file, last form of the file) per form
    if many:
        for f, (name, fmt, k) in enumerate(_files(n, formats, tuple(layouts))):
            slots += [(name, fmt, f, j == k - 1) for j in range(k)]
    for i in range(n):
        if many:
            if i >= len(slots):
                break
            layout, fmt, file, last = slots[i]
        else:
            layout, fmt, file, last = STANDARD, formats[i % len(formats)], None, True
        fam = BY_NAME[layout]
        rule = None
        if partner_due:
            rule, partner_due = "D002", False
        elif rules and rng.random() < error_share:
            if many:
                # the rule injected least so far that the family can carry (a rule few families
                # carry, S007 or W003, would otherwise lose most of its turns), ties in turn
                fits = [r for r in rules if injectable(r, fmt, other_kinds, layout) and (r != "D002" or _pairs(slots, i, n))]
                if fits:
                    rule = min(fits, key=lambda r: (used[r], (rules.index(r) - turn) % len(rules)))
                    used[rule] += 1
                    turn = rules.index(rule) + 1
            else:
                for _ in range(len(rules)):
                    candidate = rules[turn % len(rules)]
                    turn += 1
                    if injectable(candidate, fmt, other_kinds) and not (candidate == "D002" and i == n - 1):
                        rule = candidate
                        break
            partner_due = rule == "D002"
        if layout == STANDARD and fmt not in GRID_FORMATS and (
                rule in kinds.KIND_RULES or (other_kinds and rule is None and rng.random() < OTHER_KIND_SHARE)):
            form, variant, carries, detail = kinds.draw_kind(rng, maker, rule)
            yield Drawn(i, fmt, form, Injected(rule, carries, detail) if rule else None, variant, layout, file, last)
            continue
        p = plan(rule, rng, fam.params() if fam.params else None)
        form = maker.make(p.params)
        if fam.prepare:
            fam.prepare(form, rng)
            retotal(form)
        injected = p.mutate(rng, form, state) if p.mutate else None
        if injected is not None and injected.rule != "S006":
            retotal(form)  # a changed row score moves the printed total with it
        inherent = fam.inherent + (("P002",) if fam.repaired and fam.repaired(form) else ())
        if inherent and not (injected and injected.rule == "P001"):  # a file cut short is not read at all
            injected = Injected(injected.rule if injected else inherent[0],
                                (injected.carries if injected else ()) + inherent,
                                (injected.detail + "；" if injected else "") + INHERENT + fam.why)
        yield Drawn(i, fmt, form, injected, layout=layout, file=file, last=last)


def relpath(index: int, fmt: str) -> str:
    return f"{index // 1000:03d}/{index:06d}.{fmt}"


def _text_of(d: Drawn, rng: random.Random) -> tuple[str, str]:
    """The .txt of one drawn form, with layout damage or truncation when its rule asks."""
    if d.form.kind != PROJECT:
        return textfmt.render(kinds.layout(d.form, d.variant)), ""
    rows = textfmt.form_rows(d.form)
    note = ""
    if d.injected and d.injected.rule == "P002":
        rows, note = textfmt.damage(rows, rng.choice(textfmt.DAMAGE_KINDS), rng)  # type: ignore[assignment]
    elif d.injected and d.injected.rule == "P001":
        rows, note = textfmt.truncate(rows)
    elif d.injected and d.injected.rule == "P004":
        rows, note = textfmt.truncate(rows, before="一级指标")
    return textfmt.render(rows), note


def corrupt(path: Path, rng: random.Random) -> str:
    """Cut a binary file short, as an interrupted download or copy does (P001 in xlsx/docx/pdf)."""
    data = path.read_bytes()
    keep = max(64, int(len(data) * rng.uniform(0.3, 0.6)))
    path.write_bytes(data[:keep])
    return f"文件被截断（保留前 {keep} 字节，原 {len(data)} 字节）"


def _writer(fmt: str) -> Callable[[list[Form], Path], None]:
    """The writers helper's xlsx/docx writer of the standard layout (jixiao.writers)."""
    from .. import writers  # imported lazily: text corpora do not need openpyxl or python-docx

    fn = getattr(writers, f"write_{fmt}", None)
    if fn is None:  # pragma: no cover - depends on the writers package
        raise RuntimeError(f"jixiao.writers 没有 write_{fmt}，无法生成 .{fmt} 文件")
    return fn


def to_pdf(docs: list[Path], outdir: Path) -> None:
    """docx → pdf with LibreOffice, many files per call (a call costs seconds to start)."""
    for k in range(0, len(docs), 200):
        chunk = docs[k:k + 200]
        subprocess.run(
            ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, chunk)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600 + 10 * len(chunk),
        )


def write_corpus(out: str | Path, n: int, seed: int = 0, formats: tuple[str, ...] = ("txt",),
                 error_share: float = 0.5, rules: tuple[str, ...] = RULES, per_file: int = 1,
                 progress: Callable[[int], None] | None = None, other_kinds: bool = False,
                 layouts: tuple[str, ...] = (STANDARD,)) -> CorpusInfo:
    """Write `n` forms under `out` and `out/manifest.csv`; returns what was written. `layouts`:
    the layout families (families.NAMES) whose files take turns; standard alone is the corpus
    as it always was."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"不支持的格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    if "pdf" in formats and shutil.which("soffice") is None:
        raise ValueError("生成 PDF 需要 LibreOffice（soffice 命令），请先运行 scripts/setup.sh 安装")
    if per_file > 1 and formats != ("txt",):
        raise ValueError("每个文件多张表（--per-file）只适用于 txt 格式")
    unknown = [name for name in layouts if name not in BY_NAME]
    if unknown or not layouts:
        raise ValueError(f"未知的版式：{'、'.join(unknown) or '（空）'}（可选：{'、'.join(BY_NAME)}）")
    if per_file > 1 and tuple(layouts) != (STANDARD,):
        raise ValueError("每个文件多张表（--per-file）只适用于标准版式")
    info = CorpusInfo(out=out)
    layout_rng = random.Random(f"layout-{seed}")
    pdf_pending: list[tuple[Path, Path, bool]] = []  # (docx in temp dir, final pdf, corrupt?)
    tmp = tempfile.TemporaryDirectory(prefix="jixiao-synth-") if "pdf" in formats else None
    open_txt: tuple[Path, list[str]] | None = None

    def flush_txt() -> None:
        nonlocal open_txt
        if open_txt:
            path, parts = open_txt
            path.write_text("\n".join(parts), encoding="utf-8")
            info.files += 1
            open_txt = None

    group: list[Drawn] = []  # the forms of a family's file, written when its last form is drawn

    with (out / MANIFEST).open("w", encoding="utf-8", newline="") as mf:
        manifest = csv.writer(mf)
        manifest.writerow(MANIFEST_COLUMNS)

        def record(d: Drawn, rel: str, note: str) -> None:
            info.forms += 1
            info.by_format[d.fmt] += 1
            info.by_layout[d.layout] += 1
            if d.injected is None:
                manifest.writerow((rel, d.form.project.text, "", "", d.layout))
            else:
                detail = d.injected.detail + (f"；{note}" if note else "")
                for rule in d.injected.carries:
                    manifest.writerow((rel, d.form.project.text, rule, detail, d.layout))
                    info.by_rule[rule] += 1

        for d in draw(n, seed, tuple(formats), error_share, rules, other_kinds, tuple(layouts)):
            file_index = d.file if d.file is not None else d.index // per_file
            rel = relpath(file_index, d.fmt)
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            note = ""
            if d.layout != STANDARD or d.fmt in GRID_FORMATS:
                group.append(d)
                if d.last:
                    note, pdf = _write_family(group, path, Path(tmp.name) if tmp else None, layout_rng)
                    if pdf is not None:
                        pdf_pending.append(pdf)
                    for g in group:
                        record(g, rel, note if g.injected and g.injected.rule == "P001" else "")
                    info.files += 1
                    group = []
            elif d.fmt == "txt":
                text, note = _text_of(d, layout_rng)
                if open_txt is None or open_txt[0] != path:
                    flush_txt()
                    open_txt = (path, [])
                open_txt[1].append(text)
                record(d, rel, note)
            elif d.fmt == "pdf":
                docx = Path(tmp.name) / f"{file_index:06d}.docx"  # type: ignore[union-attr]
                _writer("docx")([d.form], docx)
                pdf_pending.append((docx, path, bool(d.injected and d.injected.rule == "P001")))
                info.files += 1
                record(d, rel, note)
            else:
                _writer(d.fmt)([d.form], path)
                if d.injected and d.injected.rule == "P001":
                    note = corrupt(path, layout_rng)
                info.files += 1
                record(d, rel, note)
            if pdf_pending and len(pdf_pending) >= 200:
                _convert(pdf_pending, layout_rng)
                pdf_pending = []
            if progress:
                progress(info.forms)
        flush_txt()
        if pdf_pending:
            _convert(pdf_pending, layout_rng)
    if tmp is not None:
        tmp.cleanup()
    return info


GOALS_LABELS = ("年度总体目标", "年度總體目標")


def _write_family(group: list[Drawn], path: Path, tmp: Path | None,
                  rng: random.Random) -> tuple[str, tuple[Path, Path, bool] | None]:
    """One file of a family (families.py) holding the forms of `group`; returns the note on a
    P001 file (cut short) and, for a PDF, the Word file LibreOffice is still to print."""
    from .. import writers

    fam = BY_NAME[group[0].layout]
    fmt = group[0].fmt
    broken = any(d.injected and d.injected.rule == "P001" for d in group)
    sheets = fam.render([d.form for d in group], rng)
    note = ""
    if broken and fmt in ("txt", *GRID_FORMATS):  # cut off before the goals (a lost page): not readable
        name, grid = sheets[0]
        cut = next(k for k, row in enumerate(grid) if row[0] in GOALS_LABELS)
        sheets = [(name, grid[:cut])]
        note = "表格在年度总体目标之前中断（缺少总体目标和绩效指标部分）"
    if fmt in GRID_FORMATS:
        path.write_text(html_of(fam, sheets) if fmt == "html" else markdown_of(sheets), encoding="utf-8")
        return note, None
    if fmt == "txt":
        path.write_text(text_of(sheets), encoding="utf-8")
        return note, None
    plans = plans_of(fam, sheets)
    if fmt == "xlsx":
        writers.write_plans_xlsx(plans, path)
    else:
        target = path if fmt == "docx" else tmp / f"{path.stem}.docx"  # type: ignore[operator]
        writers.write_plans_docx([plan for _, plan in plans], target)
        if fmt == "pdf":
            return "", (target, path, broken)
    return (corrupt(path, rng) if broken else ""), None


def _convert(pending: list[tuple[Path, Path, bool]], rng: random.Random) -> None:
    by_dir: dict[Path, list[Path]] = {}
    for docx, pdf, _ in pending:
        by_dir.setdefault(pdf.parent, []).append(docx)
    for outdir, docs in by_dir.items():
        to_pdf(docs, outdir)
    for docx, pdf, broken in pending:
        made = pdf.parent / (docx.stem + ".pdf")
        if made != pdf:
            made.rename(pdf)
        if broken:
            corrupt(pdf, rng)
        docx.unlink(missing_ok=True)


def read_manifest(path: str | Path) -> list[dict]:
    with Path(path).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
