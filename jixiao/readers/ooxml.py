"""Office Open XML read directly with lxml: the fast path of the .xlsx and .docx readers.

openpyxl and python-docx build an object for every cell, style and part of a file; reading a
form needs only the cell texts, the merges and the number formats. The readers therefore parse
the few parts they need themselves, and take the library's path whenever a file has something
the fast path does not model (`Unsupported`). The fast path is written to give exactly the
library's result (tests/readers/test_ooxml.py compares the two on every kind of file the tests
build), so which path read a file never shows in the grids.

Both paths run after `safety.check_zip`, so no part declares a DOCTYPE or an entity, and every
part's declared size is bounded.
"""

from __future__ import annotations

import posixpath
import zipfile

from lxml import etree

from ..grid import RowCell
from ..model import Loc
from .safety import checked_zip


class Unsupported(Exception):
    """Something the fast path does not handle: the file is read by the library instead."""


# No comments or processing instructions in the tree (expat, which openpyxl parses sheets and
# shared strings with, drops them and joins the text around them, as this parser does), no
# entities, no network.
SHEET_PARSER = etree.XMLParser(remove_comments=True, remove_pis=True, resolve_entities=False, no_network=True)
# python-docx's own settings (docx.oxml.parser.oxml_parser), so text and whitespace read the same.
WORD_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def parse(data: bytes, parser: etree.XMLParser = SHEET_PARSER):
    return etree.fromstring(data, parser)


def localname(tag) -> str:
    """'{ns}sheet' → 'sheet', as openpyxl matches child elements (by local name)."""
    if not isinstance(tag, str):
        return "comment"
    return tag.rpartition("}")[2]


class CoveredCell(RowCell):
    """An empty cell inside a merged range (`merged=True`), its location made from its row's on
    first use, as RowCell's: equal to, and printed as, Cell(text="", loc=…, merged=True)."""

    __slots__ = ()

    def __init__(self, row: Loc, col: int):  # noqa: super().__init__ skipped: hot path
        self.text = ""
        self._loc = None
        self.merged = True
        self.span = (1, 1)
        self.bbox = None
        self._row = row
        self._col = col


class Zip:
    """The members of an Office file: names, and bytes read on demand (the parts safety's check
    already inflated are not inflated again)."""

    def __init__(self, zf: zipfile.ZipFile, read: dict[str, bytes] | None = None):
        self.zf = zf
        self.names = zf.namelist()
        self.members = set(self.names)
        self._read = read or {}

    @classmethod
    def checked(cls, path, what: str) -> Zip:
        """safety.check_zip's checks (ReadError if they fail), keeping the file open."""
        return cls(*checked_zip(path, what))

    def read(self, name: str) -> bytes:
        data = self._read.pop(name, None)
        return self.zf.read(name) if data is None else data

    def close(self) -> None:
        self.zf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PartCache:
    """Results worked out from a part's bytes, kept for the next file with the same bytes.

    The files of a batch mostly come from one program or one template: their content types,
    relationships and styles are byte for byte the same. A result is a pure function of the
    bytes (and must not be changed by its users); a few dozen are kept."""

    def __init__(self, size: int = 32):
        self.size = size
        self.results: dict = {}

    def get(self, key, compute):
        result = self.results.get(key)
        if result is None:
            result = compute()
            if len(self.results) >= self.size:
                try:  # the oldest goes (another thread may be changing the dict: then any one)
                    self.results.pop(next(iter(self.results)), None)
                except (RuntimeError, StopIteration):
                    self.results.clear()
            self.results[key] = result
        return result


# -- python-docx's view of a package (docx.opc.pkgreader) ------------------------------------------
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PR_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RT_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _rels_uri(partname: str) -> str:
    """'/word/document.xml' → '/word/_rels/document.xml.rels'; '/' → '/_rels/.rels'."""
    base, filename = posixpath.split(partname)
    return posixpath.join(base, "_rels", f"{filename}.rels")


def _opc_rels(z: Zip, partname: str) -> list[tuple[str, str, str, bool]]:
    """The relationships of a part as python-docx reads them: (rId, type, target partname, external)."""
    member = _rels_uri(partname)[1:]
    if member not in z.members:
        return []  # python-docx: no .rels part is no relationships
    data = z.read(member)
    return _OPC_RELS.get((partname, data), lambda: _parse_opc_rels(partname, data))


def _parse_opc_rels(partname: str, data: bytes) -> list[tuple[str, str, str, bool]]:
    root = parse(data, WORD_PARSER)
    base = posixpath.split(partname)[0]
    out = []
    for rel in root.findall(f"{PR_NS}Relationship"):
        rid, reltype, target = rel.get("Id"), rel.get("Type"), rel.get("Target")
        if rid is None or reltype is None or target is None:
            raise Unsupported("relationship without Id, Type or Target")
        external = rel.get("TargetMode", "Internal") == "External"
        out.append((rid, reltype, target if external else posixpath.abspath(posixpath.join(base, target)), external))
    return out


def _parse_opc_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """[Content_Types].xml → ({part name: type}, {extension: type}), both lowercased."""
    types = parse(data, WORD_PARSER)
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for o in types.findall(f"{CT_NS}Override"):
        name, ct = o.get("PartName"), o.get("ContentType")
        if not name or not name.startswith("/") or ct is None:
            raise Unsupported("unusual content type override")
        overrides[name.lower()] = ct
    for d in types.findall(f"{CT_NS}Default"):
        ext, ct = d.get("Extension"), d.get("ContentType")
        if ext is None or ct is None:
            raise Unsupported("unusual content type default")
        defaults[ext.lower()] = ct
    return overrides, defaults


_OPC_TYPES = PartCache()
_OPC_RELS = PartCache(64)


def opc_main_part(z: Zip, expected_type: str) -> str:
    """The zip member of the package's main document, checked as `docx.Document()` checks a
    package: every part reachable through relationships exists and has a content type, there is
    one officeDocument relationship, and its part has `expected_type`. Anything else raises
    Unsupported (python-docx then says what is wrong, as before)."""
    if "[Content_Types].xml" not in z.members:
        raise Unsupported("no [Content_Types].xml")
    data = z.read("[Content_Types].xml")
    overrides, defaults = _OPC_TYPES.get(data, lambda: _parse_opc_types(data))

    def content_type(partname: str) -> str:
        ct = overrides.get(partname.lower())
        if ct is None:
            raw_ext = posixpath.splitext(partname)[1]
            ct = defaults.get((raw_ext[1:] if raw_ext.startswith(".") else raw_ext).lower())
        if ct is None:
            raise Unsupported(f"no content type for {partname}")
        return ct

    package_rels = _opc_rels(z, "/")
    # walk the relationship graph as python-docx does: every internal target must be a member
    visited: set[str] = set()
    todo = [package_rels]
    while todo:
        for _rid, _type, target, external in todo.pop():
            if external or target in visited:
                continue
            visited.add(target)
            if target[1:] not in z.members:
                raise Unsupported(f"missing part {target}")
            content_type(target)
            todo.append(_opc_rels(z, target))
    by_id = {rid: (reltype, target, external) for rid, reltype, target, external in package_rels}
    if len(by_id) != len(package_rels):
        raise Unsupported("duplicate package relationship ids")
    main = [(target, external) for reltype, target, external in by_id.values() if reltype == RT_OFFICE_DOCUMENT]
    if len(main) != 1 or main[0][1]:
        raise Unsupported("not exactly one main document")
    partname = main[0][0]
    if content_type(partname) != expected_type:
        raise Unsupported("main document of another content type")
    return partname[1:]

