"""A workbook's cells read straight from its XML, exactly as openpyxl reads them (data_only).

`read_cells(path)` gives, per worksheet openpyxl would load, its title, its cells {(row, col):
value} (every <c> element, values converted as openpyxl's WorkSheetParser converts them), the
number format of each cell, the merged ranges and the part's bytes. It raises `Unsupported` for
anything it does not model, and the reader then loads the workbook with openpyxl as before:

- parts that make openpyxl read more (comments, drawings, pivot tables, tables, hyperlinks,
  conditional formats, chart sheets, external links), a workbook part elsewhere than
  xl/workbook.xml, worksheet parts the workbook does not list;
- whatever openpyxl would refuse, rename or warn about: a sheet name that is empty, invalid,
  longer than 31 characters or repeated; a missing stylesheet or cell style; a style index out
  of range; a date openpyxl cannot convert; an unknown attribute on a cell style, row or column;
- comments or processing instructions in the parts openpyxl parses keeping them as nodes.

openpyxl is not imported for an ordinary workbook (importing it, with numpy, took longer than
reading a hundred forms). The workbook part, the document properties and print titles/areas are
checked against what openpyxl accepts: values of the kinds and forms office programs write are
checked here; anything else (a GUID, a password hash, an unusual date) is handed to openpyxl's
own classes, imported then, and whatever they raise sends the file down the openpyxl path.
The few tables copied from openpyxl (built-in number formats, the date-format tests) are
compared with openpyxl's by tests/readers/test_ooxml.py.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re

from .ooxml import PartCache, Unsupported, Zip, localname, parse
from .xlsx import _old_target

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKBOOK_TYPES = (  # in the order openpyxl looks for them
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
# a sheet relationship of one of these types makes openpyxl read another part
_SHEET_REL_TYPES_READ = {f"{PKG_REL}/comments", f"{PKG_REL}/drawing", f"{PKG_REL}/pivotTable"}
# worksheet elements openpyxl turns into objects that refer to other parts or styles
_UNSUPPORTED_SHEET_TAGS = tuple(MAIN + t for t in ("hyperlinks", "tableParts", "conditionalFormatting"))
_ROW_ATTRS = {"r", "spans", "ht", "customHeight", "s", "customFormat", "hidden", "outlineLevel", "collapsed",
              "thickBot", "thickTop"}
_COL_ATTRS = {"min", "max", "width", "bestFit", "hidden", "outlineLevel", "collapsed", "style", "customWidth"}
_INT32 = range(-2**31, 2**31)
_T = MAIN + "t"

# -- copied from openpyxl 3.1 (openpyxl/styles/numbers.py, workbook/child.py) -----------------------
BUILTIN_FORMATS = {
    0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00',
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)', 9: '0%', 10: '0.00%', 11: '0.00E+00', 12: '# ?/?', 13: '# ??/??',
    14: 'mm-dd-yy', 15: 'd-mmm-yy', 16: 'd-mmm', 17: 'mmm-yy', 18: 'h:mm AM/PM', 19: 'h:mm:ss AM/PM',
    20: 'h:mm', 21: 'h:mm:ss', 22: 'm/d/yy h:mm',
    37: '#,##0_);(#,##0)', 38: '#,##0_);[Red](#,##0)', 39: '#,##0.00_);(#,##0.00)', 40: '#,##0.00_);[Red](#,##0.00)',
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)', 42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: 'mm:ss', 46: '[h]:mm:ss', 47: 'mmss.0', 48: '##0.0E+0', 49: '@',
}
BUILTIN_FORMATS_MAX_SIZE = 164
BUILTIN_FORMATS_REVERSE = {value: key for key, value in BUILTIN_FORMATS.items()}
_STRIP_RE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_TIMEDELTA_RE = re.compile(r'\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?', re.I)
INVALID_TITLE_REGEX = re.compile(r'[\\*?:/\[\]]')


def is_date_format(fmt) -> bool:
    if fmt is None:
        return False
    fmt = fmt.split(";")[0]
    fmt = _STRIP_RE.sub("", fmt)
    return re.search(r"(?<![_\\])[dmhysDMHYS]", fmt) is not None


def is_timedelta_format(fmt) -> bool:
    if fmt is None:
        return False
    return _TIMEDELTA_RE.search(fmt.split(";")[0]) is not None


def _cast_number(value: str):
    """openpyxl's worksheet._reader._cast_number."""
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


# -- openpyxl itself, for what is not ordinary -------------------------------------------------------
_op = None


def _openpyxl():
    global _op
    if _op is None:
        from types import SimpleNamespace

        from openpyxl.packaging.core import DocumentProperties
        from openpyxl.packaging.custom import CustomPropertyList
        from openpyxl.packaging.workbook import WorkbookPackage
        from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
        from openpyxl.worksheet.print_settings import PrintArea, PrintTitles
        from openpyxl.xml.functions import fromstring

        _op = SimpleNamespace(
            DocumentProperties=DocumentProperties, CustomPropertyList=CustomPropertyList,
            WorkbookPackage=WorkbookPackage, coordinate_to_tuple=coordinate_to_tuple,
            range_boundaries=range_boundaries, CALENDAR_MAC_1904=CALENDAR_MAC_1904, WINDOWS_EPOCH=WINDOWS_EPOCH,
            from_excel=from_excel, from_ISO8601=from_ISO8601, PrintArea=PrintArea, PrintTitles=PrintTitles,
            fromstring=fromstring)
    return _op


# -- cell references ---------------------------------------------------------------------------------
_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")
_RANGE = re.compile(r"([A-Z]{1,3})([1-9][0-9]*):([A-Z]{1,3})([1-9][0-9]*)")
_COORDS: dict[str, tuple[int, int]] = {}  # 'B7' → (7, 2), shared by every sheet read


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _coordinate(ref: str) -> tuple[int, int]:
    """openpyxl's coordinate_to_tuple: 'B7' → (7, 2)."""
    rc = _COORDS.get(ref)
    if rc is None:
        m = _REF.fullmatch(ref)
        if m is not None and _column(m.group(1)) <= 18278:
            rc = (int(m.group(2)), _column(m.group(1)))
        else:
            rc = _openpyxl().coordinate_to_tuple(ref)  # its answer (or its error) for anything else
        if len(_COORDS) > 200_000:
            _COORDS.clear()
        _COORDS[ref] = rc
    return rc


def _range(ref: str) -> tuple[int, int, int, int]:
    """A merged range as openpyxl's MergeCell reads it: (min_row, min_col, max_row, max_col)."""
    m = _RANGE.fullmatch(ref)
    if m is not None:
        c0, r0, c1, r1 = _column(m.group(1)), int(m.group(2)), _column(m.group(3)), int(m.group(4))
    else:
        c0, r0, c1, r1 = _openpyxl().range_boundaries(ref)
        if None in (c0, r0, c1, r1):
            raise Unsupported("mergeCell of whole rows or columns")
    if c0 > c1 or r0 > r1 or c1 > 18278:
        raise Unsupported("mergeCell openpyxl refuses")
    return r0, c0, r1, c1


# -- parts ---------------------------------------------------------------------------------------------
def _no_comments(data: bytes, part: str) -> bytes:
    """openpyxl parses this part keeping comments as nodes, which some of its classes then take
    for elements: a part with a comment or a processing instruction goes its way."""
    declared = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
    if b"<!--" in data or data.count(b"<?") > declared:
        raise Unsupported(f"comment or processing instruction in {part}")
    return data


def _attrs(el) -> set[str]:
    """An element's attribute names outside any namespace (openpyxl drops namespaced ones)."""
    return {k for k in el.keys() if not k.startswith("{")}


def _content_types(data: bytes) -> tuple[str, str | None]:
    """[Content_Types].xml → the workbook and shared strings parts, as openpyxl finds them."""
    ct = parse(_no_comments(data, "[Content_Types].xml"))
    if _attrs(ct):
        raise Unsupported("attributes on Types")
    overrides = []
    for el in ct:
        tag = localname(el.tag)
        if tag == "Override":
            if _attrs(el) != {"PartName", "ContentType"}:
                raise Unsupported("unusual Override")
            overrides.append((el.get("PartName"), el.get("ContentType")))
        elif tag == "Default":
            if _attrs(el) != {"Extension", "ContentType"}:
                raise Unsupported("unusual Default")
        else:
            raise Unsupported("unexpected element in content types")
    wb_part = next((p for t in WORKBOOK_TYPES for p, c in overrides if c == t), None)
    if wb_part != "/xl/workbook.xml":  # (the formulas without results are looked up there)
        raise Unsupported("workbook part elsewhere")
    return wb_part[1:], next((p[1:] for p, c in overrides if c == SHARED_STRINGS), None)


def _rels(data: bytes, rels_path: str) -> dict[str, tuple[str, str, str]]:
    """Relationships as openpyxl's get_dependents reads them: Id → (Type, target member, Target)."""
    root = parse(_no_comments(data, rels_path))
    if _attrs(root):
        raise Unsupported("attributes on Relationships")
    parent = posixpath.split(posixpath.dirname(rels_path))[0]
    out = {}
    for rel in root:
        if localname(rel.tag) != "Relationship":
            raise Unsupported("unexpected element in relationships")
        if not _attrs(rel) <= {"Id", "Type", "Target", "TargetMode"}:
            raise Unsupported("unexpected relationship attribute")
        rid, reltype, raw = rel.get("Id"), rel.get("Type"), rel.get("Target")
        if rid is None or reltype is None or raw is None:
            raise Unsupported("incomplete relationship")
        target = raw
        if rel.get("TargetMode") == "External":
            pass
        elif target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(parent, target))
        out[rid] = (reltype, target, raw)
    return out


# -- the workbook part ----------------------------------------------------------------------------------
_STR, _INT, _BOOL, _FLOAT = "str", "int", "bool", "float"
_VISIBILITY = ("set", {"visible", "hidden", "veryHidden"})
# element → its attributes and the kinds openpyxl converts them to (only those office programs
# write; a GUID, a password or anything else goes to openpyxl's classes)
_WORKBOOK_ATTRS = {
    "fileVersion": {"appName": _STR, "lastEdited": _STR, "lowestEdited": _STR, "rupBuild": _STR},
    "workbookPr": {
        "date1904": _BOOL, "dateCompatibility": _BOOL, "showObjects": ("set", {"all", "placeholders"}),
        "showBorderUnselectedTables": _BOOL, "filterPrivacy": _BOOL, "promptedSolutions": _BOOL,
        "showInkAnnotation": _BOOL, "backupFile": _BOOL, "saveExternalLinkValues": _BOOL,
        "updateLinks": ("set", {"userSet", "never", "always"}), "codeName": _STR, "hidePivotFieldList": _BOOL,
        "showPivotChartFilter": _BOOL, "allowRefreshQuery": _BOOL, "publishItems": _BOOL,
        "checkCompatibility": _BOOL, "autoCompressPictures": _BOOL, "refreshAllConnections": _BOOL,
        "defaultThemeVersion": _INT},
    "workbookProtection": {"lockStructure": _BOOL, "lockWindows": _BOOL, "lockRevision": _BOOL},
    "workbookView": {
        "visibility": _VISIBILITY, "minimized": _BOOL, "showHorizontalScroll": _BOOL,
        "showVerticalScroll": _BOOL, "showSheetTabs": _BOOL, "xWindow": _INT, "yWindow": _INT,
        "windowWidth": _INT, "windowHeight": _INT, "tabRatio": _INT, "firstSheet": _INT, "activeTab": _INT,
        "autoFilterDateGrouping": _BOOL},
    "calcPr": {
        "calcId": _INT, "calcMode": ("set", {"manual", "auto", "autoNoTable"}), "fullCalcOnLoad": _BOOL,
        "refMode": ("set", {"A1", "R1C1"}), "iterate": _BOOL, "iterateCount": _INT, "iterateDelta": _FLOAT,
        "fullPrecision": _BOOL, "calcCompleted": _BOOL, "calcOnSave": _BOOL, "concurrentCalc": _BOOL,
        "concurrentManualCount": _INT, "forceFullCalc": _BOOL},
    "fileRecoveryPr": {"autoRecover": _BOOL, "crashSave": _BOOL, "dataExtractLoad": _BOOL, "repairLoad": _BOOL},
    "definedName": {
        "name": _STR, "comment": _STR, "customMenu": _STR, "description": _STR, "help": _STR, "statusBar": _STR,
        "localSheetId": _INT, "hidden": _BOOL, "function": _BOOL, "vbProcedure": _BOOL, "xlm": _BOOL,
        "functionGroupId": _INT, "shortcutKey": _STR, "publishToServer": _BOOL, "workbookParameter": _BOOL},
    "ext": {"uri": _STR},
}
_IGNORED_BY_OPENPYXL = {"AlternateContent", "revisionPtr"}  # not attributes of WorkbookPackage
_RESERVED = re.compile(r"^_xlnm\.(?P<name>Print_Area|Print_Titles|Criteria|_FilterDatabase|Extract|Consolidate_Area|Sheet_Title)")
_SHEET = r"(?:'(?:[^']|'')+'|[^'^ !]+)"  # a sheet name, as openpyxl's SHEET_TITLE reads one
_PLAIN_PRINT_AREA = re.compile(rf"{_SHEET}!\$([A-Z]{{1,3}})\$([1-9][0-9]*):\$([A-Z]{{1,3}})\$([1-9][0-9]*)")
_PLAIN_PRINT_TITLES = re.compile(rf"{_SHEET}!\$[1-9][0-9]*:\$[1-9][0-9]*")


class _NotPlain(Exception):
    """Not what office programs ordinarily write: openpyxl's own classes judge it."""


def _check_attrs(el, kinds: dict) -> None:
    for k in _attrs(el):
        kind = kinds.get(k)
        if kind is None:
            raise _NotPlain(f"attribute {k}")
        v = el.get(k)
        if kind == _INT:
            if not re.fullmatch(r"-?[0-9]{1,10}", v):
                raise _NotPlain(f"{k}={v!r}")
        elif kind == _FLOAT:
            if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", v):
                raise _NotPlain(f"{k}={v!r}")
        elif isinstance(kind, tuple):
            if v not in kind[1]:
                raise _NotPlain(f"{k}={v!r}")


def _no_children(el) -> None:
    if len(el):
        raise _NotPlain(f"children of {localname(el.tag)}")


def _check_ext_list(el) -> None:
    _check_attrs(el, {})
    for ext in el:
        if localname(ext.tag) != "ext":
            raise _NotPlain("unexpected element in extLst")
        _check_attrs(ext, _WORKBOOK_ATTRS["ext"])


def _plain_workbook(root):
    """The workbook part, when it holds only what office programs ordinarily write:
    ([(name, r:id, state)], date1904, [(localSheetId, reserved name, value)]). Raises _NotPlain
    otherwise."""
    if root.tag != MAIN + "workbook":
        raise _NotPlain("root")
    _check_attrs(root, {"conformance": ("set", {"strict", "transitional"})})
    found: dict[str, object] = {}
    for el in root:
        tag = localname(el.tag)
        if tag in _IGNORED_BY_OPENPYXL:
            continue
        found[tag] = el  # openpyxl keeps the last of each
        if tag in ("fileVersion", "workbookPr", "workbookProtection", "calcPr", "fileRecoveryPr"):
            _check_attrs(el, _WORKBOOK_ATTRS[tag])
            _no_children(el)
        elif tag == "bookViews":
            _check_attrs(el, {})
            for view in el:
                _check_attrs(view, _WORKBOOK_ATTRS["workbookView"])
                for child in view:
                    if localname(child.tag) != "extLst":
                        raise _NotPlain("unexpected element in a book view")
                    _check_ext_list(child)
        elif tag == "extLst":
            _check_ext_list(el)
        elif tag not in ("sheets", "definedNames"):
            raise _NotPlain(f"element {tag}")
    pr = found.get("workbookPr")
    date1904 = pr is not None and pr.get("date1904") not in (None, "false", "f", "0", "")
    sheets = []
    sheets_el = found.get("sheets")
    for sheet in (sheets_el if sheets_el is not None else ()):
        if sheet.tag != MAIN + "sheet" or len(sheet) or not _attrs(sheet) <= {"name", "sheetId", "state"}:
            raise _NotPlain("unusual sheet element")
        name, sheet_id, state = sheet.get("name"), sheet.get("sheetId"), sheet.get("state", "visible")
        if name is None or sheet_id is None or not re.fullmatch(r"-?[0-9]{1,10}", sheet_id) or state not in _VISIBILITY[1]:
            raise _NotPlain("unusual sheet attributes")
        sheets.append((name, sheet.get(REL + "id"), state))
    names_el = found.get("definedNames")
    if names_el is not None:
        _check_attrs(names_el, {})
    for defn in (names_el if names_el is not None else ()):
        if localname(defn.tag) != "definedName" or len(defn):
            raise _NotPlain("unusual defined name")
        _check_attrs(defn, _WORKBOOK_ATTRS["definedName"])
        name = defn.get("name")
        if name is None:
            raise _NotPlain("defined name without a name")
        m = _RESERVED.match(name)
        reserved = m.group("name") if m else None
        local = defn.get("localSheetId")
        value = defn.text or ""
        if local is not None and reserved == "Print_Area":
            area = _PLAIN_PRINT_AREA.fullmatch(value)
            if area is None or _column(area.group(1)) > _column(area.group(3)) or int(area.group(2)) > int(area.group(4)):
                raise _NotPlain("print area")
        elif local is not None and reserved == "Print_Titles":
            if _PLAIN_PRINT_TITLES.fullmatch(value) is None:
                raise _NotPlain("print titles")
    if sum(1 for _ in root.iter(MAIN + "sheet")) != len(sheets):
        raise _NotPlain("sheet elements outside <sheets>")
    return sheets, date1904


def _openpyxl_workbook(wb_xml: bytes, n_sheets_of):
    """The workbook part read by openpyxl's WorkbookPackage, its print titles and areas parsed
    as assign_names parses them; any error or warning makes the file take the openpyxl path."""
    op = _openpyxl()
    root = op.fromstring(wb_xml)
    package = op.WorkbookPackage.from_tree(root)
    if package.externalReferences or package.pivotCaches:
        raise Unsupported("external links or pivot caches")
    if sum(1 for _ in root.iter(MAIN + "sheet")) != len(package.sheets) or any(
            el.tag != MAIN + "sheet" for s in root if localname(s.tag) == "sheets" for el in s):
        raise Unsupported("sheet elements outside <sheets>")
    sheets = [(s.name, s.id, s.state) for s in package.sheets]
    for s in package.sheets:
        if s.state not in _VISIBILITY[1]:
            raise Unsupported("sheet state openpyxl refuses")
    n_sheets = n_sheets_of(sheets)
    if package.definedNames:
        for idx, defined in package.definedNames.by_sheet().items():
            if idx == "global":
                continue
            if not -n_sheets <= idx < n_sheets:
                raise Unsupported("defined names of a sheet that does not exist")  # (openpyxl warns)
            for defn in defined.values():
                reserved = defn.is_reserved
                if reserved == "Print_Titles":
                    op.PrintTitles.from_string(defn.value)
                elif reserved == "Print_Area":
                    op.PrintArea.from_string(defn.value)  # (a TypeError, which openpyxl warns about, too)
    return sheets, bool(package.properties.date1904)


_CORE_TEXT = {"creator", "title", "description", "subject", "identifier", "language", "lastModifiedBy",
              "category", "contentStatus", "version", "revision", "keywords"}
_CORE_DATES = {"created", "modified", "lastPrinted"}
_W3CDTF = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?Z?")


def _check_core(data: bytes) -> None:
    """docProps/core.xml as openpyxl's DocumentProperties reads it: dates must be datetimes."""
    try:
        root = parse(_no_comments(data, "docProps/core.xml"))
        if root.keys():
            raise _NotPlain("attributes on coreProperties")
        for el in root:
            tag = localname(el.tag)
            if tag in _CORE_DATES:
                if el.text is not None:
                    m = _W3CDTF.fullmatch(el.text)
                    if m is None:
                        raise _NotPlain("a date")
                    y, mo, d, h, mi, s, frac = m.groups()
                    dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0),
                                int(float(frac) * 1_000_000) if frac else 0)
            elif tag not in _CORE_TEXT:
                raise _NotPlain(f"element {tag}")
    except (_NotPlain, ValueError):
        op = _openpyxl()
        op.DocumentProperties.from_tree(op.fromstring(data))


def _check_custom(data: bytes) -> None:
    """docProps/custom.xml as openpyxl's CustomPropertyList reads it."""
    try:
        root = parse(_no_comments(data, "docProps/custom.xml"))
        if root.keys():
            raise _NotPlain("attributes on Properties")
        for prop in root:
            if localname(prop.tag) != "property" or not _attrs(prop) <= {"fmtid", "pid", "name"}:
                raise _NotPlain("unusual property")
            if prop.get("name") is None or not re.fullmatch(r"[0-9]{1,9}", prop.get("pid", "0")):
                raise _NotPlain("unusual property attributes")
            if len(prop) != 1 or len(prop[0]) or prop[0].keys() or localname(prop[0].tag) != "lpwstr":
                raise _NotPlain("a property that is not one text")
    except _NotPlain:
        op = _openpyxl()
        op.CustomPropertyList.from_tree(op.fromstring(data))


# -- styles -----------------------------------------------------------------------------------------------
class Styles:
    """What openpyxl's stylesheet gives a cell: its number format and whether it holds a date.

    `fmt[i]` is the number format of style i (None where openpyxl's lookup would fail), `dates`
    and `durations` the styles openpyxl converts numbers of to dates and times."""

    def __init__(self, data: bytes):
        root = parse(_no_comments(data, "xl/styles.xml"))
        if root.tag != MAIN + "styleSheet":
            raise Unsupported("unusual stylesheet root")
        found = {}
        for el in root:
            found[localname(el.tag)] = el  # openpyxl keeps the last of each
        custom: dict[int, str] = {}
        numfmts = found.get("numFmts")
        if numfmts is not None:
            if not _attrs(numfmts) <= {"count"}:
                raise Unsupported("numFmts attributes")
            if numfmts.get("count") is not None:
                int(numfmts.get("count"))
            for nf in numfmts:
                if localname(nf.tag) != "numFmt" or _attrs(nf) != {"numFmtId", "formatCode"}:
                    raise Unsupported("unusual numFmt")
                custom[int(nf.get("numFmtId"))] = nf.get("formatCode")

        def xfs(tag: str) -> list:
            lst = found.get(tag)
            if lst is None:
                return []
            if not _attrs(lst) <= {"count"}:
                raise Unsupported(f"{tag} attributes")
            if lst.get("count") is not None:
                int(lst.get("count"))
            out = []
            for xf in lst:
                if localname(xf.tag) != "xf":
                    raise Unsupported(f"unexpected element in {tag}")
                if not _attrs(xf) <= {"numFmtId", "fontId", "fillId", "borderId", "xfId", "quotePrefix", "pivotButton",
                                      "applyNumberFormat", "applyFont", "applyFill", "applyBorder", "applyAlignment",
                                      "applyProtection"}:
                    raise Unsupported("unusual xf attribute")
                ids = {}
                for k in ("numFmtId", "fontId", "fillId", "borderId", "xfId"):
                    v = xf.get(k)
                    ids[k] = int(v) if v is not None else (None if k == "xfId" else 0)
                    if ids[k] is not None and ids[k] not in _INT32:
                        raise Unsupported("style id out of range")
                for child in xf:
                    if localname(child.tag) not in ("alignment", "protection", "extLst"):
                        raise Unsupported("unexpected element in xf")
                out.append(ids)
            return out

        cell_xfs = xfs("cellXfs")
        if not cell_xfs:
            raise Unsupported("no cell styles: openpyxl uses its defaults and warns")
        # named styles: openpyxl looks up each one's xf, font, fill and border by index
        style_xfs = xfs("cellStyleXfs")
        counts = {k: len(found[k]) if k in found else 0 for k in ("fonts", "fills", "borders")}
        cell_styles = found.get("cellStyles")
        for cs in (cell_styles if cell_styles is not None else ()):
            if localname(cs.tag) != "cellStyle":
                raise Unsupported("unexpected element in cellStyles")
            xf_id = int(cs.get("xfId"))
            if not -len(style_xfs) <= xf_id < len(style_xfs):
                raise Unsupported("named style of an unknown xf")
            xf = style_xfs[xf_id]
            for key, count in (("fontId", counts["fonts"]), ("fillId", counts["fills"]), ("borderId", counts["borders"])):
                if not -count <= xf[key] < count:
                    raise Unsupported("named style of an unknown font, fill or border")

        # Stylesheet._normalise_numbers, then NumberFormatDescriptor.__get__
        formats: dict[str, int] = {}  # custom format → its index in wb._number_formats
        ids = []
        self.dates, self.durations = set(), set()
        for idx, xf in enumerate(cell_xfs):
            num_id = xf["numFmtId"]
            if num_id in custom:
                code = custom[num_id]
                if code in BUILTIN_FORMATS_REVERSE:
                    num_id = BUILTIN_FORMATS_REVERSE[code]
                else:
                    num_id = formats.setdefault(code, len(formats)) + BUILTIN_FORMATS_MAX_SIZE
            else:
                code = BUILTIN_FORMATS.get(num_id)
            if is_date_format(code):
                self.dates.add(idx)
            if is_timedelta_format(code):
                self.durations.add(idx)
            ids.append(num_id)
        number_formats = list(formats)
        self.fmt: list[str | None] = []
        for num_id in ids:
            if num_id < BUILTIN_FORMATS_MAX_SIZE:
                self.fmt.append(BUILTIN_FORMATS.get(num_id, "General"))
            elif num_id - BUILTIN_FORMATS_MAX_SIZE < len(number_formats):
                self.fmt.append(number_formats[num_id - BUILTIN_FORMATS_MAX_SIZE])
            else:
                self.fmt.append(None)  # openpyxl raises IndexError when asked
        self.n = len(cell_xfs)
        self.ids: dict[str | None, int] = {None: 0}  # style attribute → index, filled as met

    def index(self, s: str | None) -> int:
        """A cell's or row's style attribute → the style index openpyxl uses."""
        sid = self.ids.get(s)
        if sid is None:
            if not s:
                raise Unsupported("empty style attribute")
            sid = int(s)
            if not -self.n <= sid < self.n:
                raise Unsupported("unknown style")
            self.ids[s] = sid
        return sid


def _text_content(node) -> str:
    """openpyxl's Text.from_tree(node).content: the plain text, then each run's."""
    if node.keys() and _attrs(node):
        raise Unsupported("attributes on a string")
    plain = None
    runs = []
    for el in node:
        tag = el.tag
        if tag == _T:
            plain = el.text
            continue
        tag = localname(tag)
        if tag == "t":
            plain = el.text
        elif tag == "r":
            if el.keys() and _attrs(el):
                raise Unsupported("attributes on a run")
            t = None
            for sub in el:
                stag = localname(sub.tag)
                if stag == "t":
                    t = sub.text
                elif stag != "rPr":
                    raise Unsupported("unexpected element in a run")
            if t is not None:
                runs.append(t)
        elif tag not in ("rPh", "phoneticPr"):
            raise Unsupported("unexpected element in a string")
    if plain is not None:
        if not runs:
            return plain
        runs.insert(0, plain)
    return "".join(runs)


def _shared_strings(z: Zip, part: str | None) -> list[str]:
    if part is None:
        return []
    if part not in z.members:
        raise Unsupported("shared strings part missing")
    root = parse(z.read(part))
    return [_text_content(si).replace("x005F_", "") for si in root.iter(MAIN + "si")]


_CONTENT_TYPES = PartCache()
_RELS = PartCache()
_STYLES = PartCache()


def read_cells(z: Zip):
    """[(title, {(row, col): value}, number_format(row, col), merged ranges, part bytes)] for the
    worksheets openpyxl would load, in its order; Unsupported for anything else."""
    ct_xml = z.read("[Content_Types].xml")
    wb_part, sst_part = _CONTENT_TYPES.get(ct_xml, lambda: _content_types(ct_xml))
    strings = _shared_strings(z, sst_part)
    wb_xml = _no_comments(z.read(wb_part), wb_part)
    rels_xml = z.read("xl/_rels/workbook.xml.rels")
    rels = _RELS.get(("xl/_rels/workbook.xml.rels", rels_xml), lambda: _rels(rels_xml, "xl/_rels/workbook.xml.rels"))

    def loaded(sheets) -> tuple[list[str], list[str]]:
        """The titles and parts of the sheets openpyxl creates."""
        titles: list[str] = []
        parts: list[str] = []
        for name, rid, _state in sheets:
            if not rid:
                raise Unsupported("sheet without a relationship")
            reltype, target, raw = rels[rid]
            if target not in z.members:
                continue  # openpyxl skips it
            if "chartsheet" in reltype:
                raise Unsupported("chart sheet")
            if (not name or INVALID_TITLE_REGEX.search(name) or len(name) > 31
                    or name.lower() in (t.lower() for t in titles)):
                raise Unsupported("a sheet name openpyxl would refuse, change or warn about")
            if _old_target(raw) != target:
                raise Unsupported("sheet target read two ways")
            titles.append(name)
            parts.append(target)
        return titles, parts

    try:
        sheets, date1904 = _plain_workbook(parse(wb_xml))
    except _NotPlain:
        sheets, date1904 = _openpyxl_workbook(wb_xml, lambda s: len(loaded(s)[0]))
    titles, parts = loaded(sheets)
    if sorted(n for n in z.names if n.startswith("xl/worksheets/") and n.endswith(".xml")) != sorted(parts):
        raise Unsupported("worksheet parts that are not the workbook's sheets")

    if "docProps/core.xml" in z.members:
        _check_core(z.read("docProps/core.xml"))
    if "docProps/custom.xml" in z.members:
        _check_custom(z.read("docProps/custom.xml"))
    if "xl/styles.xml" not in z.members:
        raise Unsupported("no stylesheet: openpyxl uses its defaults and warns")
    style_xml = z.read("xl/styles.xml")
    styles = _STYLES.get(style_xml, lambda: Styles(style_xml))

    out = []
    for title, part in zip(titles, parts):
        sheet_rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if sheet_rels in z.members:
            data = z.read(sheet_rels)
            found = _RELS.get((sheet_rels, data), lambda: _rels(data, sheet_rels))
            if any(t in _SHEET_REL_TYPES_READ for t, _, _ in found.values()):
                raise Unsupported("comments, drawings or pivot tables")
        data = z.read(part)
        cells, sids, ranges = _read_sheet(data, strings, styles, date1904)
        out.append((title, cells, _formats(styles, sids), ranges, data))
    return out


def _formats(styles: Styles, sids: dict[tuple[int, int], int]):
    """(row, col) → the number format of a cell of the sheet, as openpyxl's cell.number_format."""
    fmt = styles.fmt

    def number_format(r: int, c: int) -> str:
        f = fmt[sids[(r, c)]]
        if f is None:
            raise Unsupported("number format openpyxl cannot find")
        return f
    return number_format


def _read_sheet(data: bytes, strings: list[str], styles: Styles, date1904: bool):
    """A worksheet part → ({(row, col): value}, {(row, col): style index}, merged ranges), with
    the values openpyxl's WorkSheetParser gives in data_only mode."""
    root = parse(data)
    if root.tag != MAIN + "worksheet":
        raise Unsupported("not a worksheet")
    ROW, V, IS = MAIN + "row", MAIN + "v", MAIN + "is"
    sheet_data = root.find(MAIN + "sheetData")
    rows = [] if sheet_data is None else [el for el in sheet_data if el.tag == ROW]
    if sum(1 for _ in root.iter(ROW)) != len(rows):
        raise Unsupported("row elements outside sheetData")
    for _ in root.iter(*_UNSUPPORTED_SHEET_TAGS):
        raise Unsupported("hyperlinks, tables or conditional formats")
    for col in root.iter(MAIN + "col"):
        if not set(col.keys()) <= _COL_ATTRS:  # (namespaced ones too: openpyxl passes them on and fails)
            raise Unsupported("unusual column attributes")
        if not 1 <= int(col.get("min")) <= 18278:
            raise Unsupported("column out of range")
        if col.get("width") is not None:
            float(col.get("width"))
        for k in ("max", "outlineLevel"):
            if col.get(k) is not None:
                int(col.get(k))
        if col.get("style") is not None:
            styles.index(col.get("style"))

    dates, durations = styles.dates, styles.durations
    index, ids = styles.index, styles.ids
    coords = _COORDS
    cells: dict[tuple[int, int], object] = {}
    sids: dict[tuple[int, int], int] = {}
    row_counter = 0
    for row in rows:
        r = row.get("r")
        if r is not None:
            row_counter = int(r)
        else:
            row_counter += 1
        col_counter = 0
        if len(row.attrib) > (r is not None) + (row.get("spans") is not None):
            # a row openpyxl makes a RowDimension of: check what that converts
            names = _attrs(row)
            if not names <= _ROW_ATTRS:
                raise Unsupported("unusual row attributes")
            if names - {"r", "spans"}:
                if row.get("ht") is not None:
                    float(row.get("ht"))
                if row.get("outlineLevel") is not None:
                    int(row.get("outlineLevel"))
                if row.get("s") is not None:
                    index(row.get("s"))
        for c in row:  # every child, as openpyxl takes them all for cells
            get = c.get
            s = get("s")
            sid = ids.get(s)
            if sid is None:
                sid = index(s)
            ref = get("r")
            if ref:
                rc = coords.get(ref)
                if rc is None:
                    rc = _coordinate(ref)
                col_counter = rc[1]
            else:
                col_counter += 1
                rc = (row_counter, col_counter)
            if not len(c):  # no <v>, no <is>: no value, whatever its type
                cells[rc] = None
                sids[rc] = sid
                continue
            t = get("t")
            value = None
            if t == "inlineStr":
                for child in c:
                    if child.tag == IS:
                        value = _text_content(child)
                        break
            else:
                for child in c:
                    if child.tag == V:
                        value = child.text or None
                        break
                if value is not None:
                    if t is None or t == "n":
                        value = _cast_number(value)
                        if sid in dates:
                            op = _openpyxl()
                            epoch = op.CALENDAR_MAC_1904 if date1904 else op.WINDOWS_EPOCH
                            try:
                                value = op.from_excel(value, epoch, timedelta=sid in durations)
                            except (OverflowError, ValueError):
                                raise Unsupported("a date openpyxl warns about") from None
                    elif t == "s":
                        value = strings[int(value)]
                    elif t == "b":
                        value = bool(int(value))
                    elif t == "d":
                        value = _openpyxl().from_ISO8601(value)
            cells[rc] = value
            sids[rc] = sid

    ranges = []
    merges = None
    for merges in root.iter(MAIN + "mergeCells"):
        pass  # openpyxl keeps the last
    if merges is not None:
        if not _attrs(merges) <= {"count"}:
            raise Unsupported("mergeCells attributes")
        if merges.get("count") is not None:
            int(merges.get("count"))
        tops: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for mc in merges:
            if localname(mc.tag) != "mergeCell" or not _attrs(mc) <= {"ref"}:
                raise Unsupported("unusual mergeCell")
            ref = mc.get("ref")
            if ref is None or "!" in ref:
                raise Unsupported("mergeCell without a plain ref")
            rng = _range(ref)
            if tops.setdefault(rng[:2], rng) != rng:
                raise Unsupported("two merged ranges from one cell")  # openpyxl's result depends on set order
            ranges.append(rng)
    return cells, sids, ranges
