"""Loading a rule-set file: TOML → validated `RuleSet`, with errors that name the key and line.

A file may start with `extends = "<bundled id or file>"`: it is then merged over that rule set,
table by table (a value or a list replaces the base's; the tables in `REPLACED_WHOLE` replace
the base table as a whole, so a copy can remove a 一级指标 or a grade).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import RuleSetError
from ..model import Loc
from .catalogue import RULES
from .model import ROUNDING_MODES, SEVERITIES, Band, CheckConfig, QualWords, RuleSet

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "rulesets"
DEFAULT = "cn-2020"
REPLACED_WHOLE = {("taxonomy",), ("taxonomy_aliases",), ("weights", "level1"), ("grades",)}
OPERATORS = ("=", ">=", "<=", ">", "<")


@dataclass(frozen=True, slots=True)
class F:
    """One key of the schema: its kind, and whether a complete rule set must have it."""

    kind: str  # str / int / dec / bool / strs (list of text) / units (list of lists of text)
    # / pair (two numbers) / enum / map:<kind> (any keys, values of <kind>)
    required: bool = True
    choices: tuple[str, ...] = ()


SCHEMA: dict[str, Any] = {
    "extends": F("str", required=False),
    "ruleset": {"id": F("str"), "name": F("str"), "source": F("str", required=False),
                "for_kinds": F("strs", required=False)},
    "arithmetic": {"decimals": F("int"), "rounding": F("enum", choices=tuple(ROUNDING_MODES))},
    "weights": {"total": F("dec"), "funds": F("dec"), "level1": F("map:dec")},
    "taxonomy": F("map:strs"),
    "taxonomy_aliases": F("map:str", required=False),
    "operators": {op: F("strs", required=False) for op in OPERATORS},
    "units": {"allow_missing": F("bool"), "aliases": F("units", required=False)},
    "qualitative": {
        k: F("strs")
        for k in ("achieved", "partial_prefixes", "partial", "not_achieved_prefixes", "not_achieved", "up", "down")
    },
    "bands": {
        "achieved": F("pair"),
        "partial": F("pair"),
        "not_achieved": F("pair"),
        "achieved_rescore": F("enum", choices=("full", "edge")),
    },
    "scoring": {"reverse": F("enum", choices=("ratio", "linear"))},
    "grades": F("map:dec"),
    "checks": "checks",  # validated against the check catalogue (catalogue.py)
}

_KIND_NAMES = {
    "str": "文本", "int": "整数", "dec": "数字", "bool": "true 或 false", "strs": "文本数组",
    "units": "文本数组的数组", "pair": "两个数字的数组 [下限, 上限]", "enum": "文本",
}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, (int, Decimal)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文本“{value}”"
    if isinstance(value, list):
        return "数组"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


# -- where a key is in the text -------------------------------------------------------------
_KEY_PART = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_\-]+)\s*')


def _split_key(text: str) -> list[str] | None:
    parts, pos = [], 0
    while True:
        m = _KEY_PART.match(text, pos)
        if not m:
            return None
        raw = m.group(1)
        parts.append(raw[1:-1] if raw[0] in "\"'" else raw)
        pos = m.end()
        if pos == len(text):
            return parts
        if text[pos] != ".":
            return None
        pos += 1


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Every key path in a TOML text → the 1-based line where it is defined (headers included)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = re.match(r"^\[\[?([^\[\]]+)\]\]?\s*(#.*)?$", s)
        if m:
            parts = _split_key(m.group(1))
            if parts is not None:
                table = tuple(parts)
                lines.setdefault(table, n)
            continue
        m = re.match(r'^((?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_\-\s.])+?)\s*=', s)
        if m:
            parts = _split_key(m.group(1).strip())
            if parts is not None:
                lines.setdefault(table + tuple(parts), n)
    return lines


class _Errors:
    def __init__(self, name: str, text: str):
        self.name = name
        self.lines = key_lines(text)
        self.items: list[tuple[int | None, str]] = []

    def line_of(self, path: tuple[str, ...]) -> int | None:
        # the key itself, or the closest enclosing key/table that is written in the file
        for k in range(len(path), 0, -1):
            if path[:k] in self.lines:
                return self.lines[path[:k]]
        return None

    def add(self, path: tuple[str, ...], message: str) -> None:
        key = ".".join(path)
        self.items.append((self.line_of(path), f"键“{key}”：{message}" if key else message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        first_line = self.items[0][0]
        if len(self.items) == 1:
            line, msg = self.items[0]
            raise RuleSetError(f"规则集文件有错误：{msg}", Loc(file=self.name, line=line))
        body = "\n".join(f"  {'第' + str(l) + '行' if l else '（位置不明）'}：{m}" for l, m in self.items)
        raise RuleSetError(f"规则集文件有 {len(self.items)} 处错误：\n{body}", Loc(file=self.name, line=first_line))


# -- validation --------------------------------------------------------------------------------
def _check_value(f: F, value: Any, path: tuple[str, ...], errs: _Errors) -> None:
    kind = f.kind
    if kind.startswith("map:"):
        if not isinstance(value, dict):
            errs.add(path, f"应为表（键 = 值），实际为{_type_name(value)}")
            return
        sub = F(kind[4:])
        for k, v in value.items():
            _check_value(sub, v, path + (k,), errs)
        return
    ok = {
        "str": isinstance(value, str),
        "enum": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "dec": isinstance(value, (int, Decimal)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "strs": isinstance(value, list) and all(isinstance(x, str) for x in value),
        "units": isinstance(value, list)
        and all(isinstance(x, list) and x and all(isinstance(y, str) for y in x) for x in value),
        "pair": isinstance(value, list) and len(value) == 2
        and all(isinstance(x, (int, Decimal)) and not isinstance(x, bool) for x in value),
    }[kind]
    if not ok:
        errs.add(path, f"应为{_KIND_NAMES[kind]}，实际为{_type_name(value)}")
        return
    if kind == "enum" and value not in f.choices:
        errs.add(path, f"应为 {'、'.join(f.choices)} 之一，实际为“{value}”")
    if kind == "pair" and not (0 <= value[0] <= value[1] <= 1):
        errs.add(path, f"区间应满足 0 ≤ 下限 ≤ 上限 ≤ 1，实际为 [{value[0]}, {value[1]}]")
    if kind == "dec" and value < 0:
        errs.add(path, f"不能为负数，实际为 {value}")


def _check_table(schema: dict[str, Any], data: dict, path: tuple[str, ...], errs: _Errors) -> None:
    for key, value in data.items():
        if key not in schema:
            errs.add(path + (key,), f"未知的键（可用的键：{'、'.join(schema)}）")
    for key, spec in schema.items():
        p = path + (key,)
        if key not in data:
            if (isinstance(spec, F) and not spec.required) or spec == "checks":
                continue
            errs.add(p, "缺少这个键" if isinstance(spec, F) else "缺少这张表")
            continue
        value = data[key]
        if spec == "checks":
            _check_checks(value, p, errs)
        elif isinstance(spec, dict):
            if not isinstance(value, dict):
                errs.add(p, f"应为表，实际为{_type_name(value)}")
            else:
                _check_table(spec, value, p, errs)
        else:
            _check_value(spec, value, p, errs)


def _check_checks(value: Any, path: tuple[str, ...], errs: _Errors) -> None:
    if not isinstance(value, dict):
        errs.add(path, f"应为表，实际为{_type_name(value)}")
        return
    for rule_id, conf in value.items():
        p = path + (rule_id,)
        if rule_id not in RULES:
            errs.add(p, "没有这条检查规则（规则编号见 docs/rules.md，如 S002）")
            continue
        if not isinstance(conf, dict):
            errs.add(p, f"应为表（severity、enabled 等），实际为{_type_name(conf)}")
            continue
        allowed = ("severity", "enabled") + RULES[rule_id].params
        for k, v in conf.items():
            if k not in allowed:
                errs.add(p + (k,), f"未知的键（可用的键：{'、'.join(allowed)}）")
            elif k == "severity":
                _check_value(F("enum", choices=SEVERITIES), v, p + (k,), errs)
            elif k == "enabled":
                _check_value(F("bool"), v, p + (k,), errs)
            elif k == "min_chars":
                _check_value(F("int"), v, p + (k,), errs)
            else:
                _check_value(F("dec"), v, p + (k,), errs)


def _check_meaning(data: dict, errs: _Errors) -> None:
    """Relations between keys that the types alone do not catch."""
    tax = data.get("taxonomy", {})
    for l1 in data.get("weights", {}).get("level1", {}):
        if l1 not in tax:
            errs.add(("weights", "level1", l1), f"一级指标“{l1}”不在 [taxonomy] 中")
    if not tax:
        errs.add(("taxonomy",), "至少要有一个一级指标")
    grades = data.get("grades", {})
    if isinstance(grades, dict) and grades and 0 not in grades.values():
        errs.add(("grades",), "最低的等级应以 0 为门槛（如 \"差\" = 0）")
    arith = data.get("arithmetic", {})
    if isinstance(arith.get("decimals"), int) and not 0 <= arith["decimals"] <= 6:
        errs.add(("arithmetic", "decimals"), f"应在 0 到 6 之间，实际为 {arith['decimals']}")


# -- loading -----------------------------------------------------------------------------------
def _read(path: Path, name: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise RuleSetError("规则集文件不存在", Loc(file=name)) from None
    except IsADirectoryError:
        raise RuleSetError("这是一个目录，不是规则集文件", Loc(file=name)) from None
    except UnicodeDecodeError:
        raise RuleSetError("规则集文件不是 UTF-8 编码", Loc(file=name)) from None
    except OSError as e:
        raise RuleSetError(f"无法读取规则集文件：{e.strerror or e}", Loc(file=name)) from None


def _parse(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        reason = re.sub(r"\s*\(at line.*\)$", "", str(e))
        reason = next((zh for en, zh in _TOML_REASONS if reason.startswith(en)), reason)
        raise RuleSetError(f"规则集文件不是合法的 TOML：{reason}", Loc(file=name, line=line, col=col)) from None


# tomllib's messages are English; the common ones in Chinese.
_TOML_REASONS = [
    ("Invalid value", "值无效（文本要加引号，数字不加）"),
    ("Expected '=' after a key", "键后面缺少“=”"),
    ("Cannot overwrite a value", "同一个键定义了两次"),
    ("Cannot declare", "同一张表定义了两次"),
    ("Invalid statement", "无法识别的语句"),
    ("Unterminated string", "字符串缺少结束引号"),
    ("Illegal character", "字符串中有不允许的字符"),
    ("Unclosed array", "数组缺少“]”"),
    ("Expected ']' at the end of a table declaration", "表名后缺少“]”"),
    ("Invalid initial character for a key part", "键的写法不对"),
]


def _merge(base: dict, over: dict, path: tuple[str, ...] = ()) -> dict:
    out = dict(base)
    for k, v in over.items():
        p = path + (k,)
        if isinstance(v, dict) and isinstance(out.get(k), dict) and p not in REPLACED_WHOLE:
            out[k] = _merge(out[k], v, p)
        else:
            out[k] = v
    return out


def _resolve(ref: str, relative_to: Path | None) -> Path:
    p = Path(ref)
    if relative_to is not None and not p.is_absolute() and (relative_to.parent / p).exists():
        return relative_to.parent / p
    if p.exists():
        return p
    return BUNDLED_DIR / f"{ref}.toml"


def _load_data(text: str, name: str, path: Path | None, seen: tuple[Path, ...] = ()) -> dict:
    """The TOML of a rule set with its `extends` chain merged in (the base first)."""
    data = _parse(text, name)
    ext = data.get("extends")
    if ext is None:
        return data
    errs = _Errors(name, text)
    if not isinstance(ext, str):
        errs.add(("extends",), f"应为规则集编号或文件名，实际为{_type_name(ext)}")
        errs.raise_if_any()
    base_path = _resolve(ext, path)
    if base_path.resolve() in seen or (path is not None and base_path.resolve() == path.resolve()):
        errs.add(("extends",), f"规则集“{ext}”循环继承")
        errs.raise_if_any()
    if not base_path.exists():
        known = "、".join(bundled_rulesets())
        errs.add(("extends",), f"找不到规则集“{ext}”（内置规则集：{known}）")
        errs.raise_if_any()
    here = (path.resolve(),) if path is not None else ()
    base = _load_data(_read(base_path, str(base_path)), str(base_path), base_path, seen + here)
    base.pop("extends", None)
    return _merge(base, {k: v for k, v in data.items() if k != "extends"})


def _build(data: dict, path: str) -> RuleSet:
    dec = lambda v: Decimal(v)  # noqa: E731 - ints and Decimals only, never float (parse_float=Decimal)
    units: dict[str, str] = {}
    for group in data["units"].get("aliases", []):
        for spelling in group:
            units[spelling] = group[0]
    ops = [(s, op) for op in OPERATORS for s in data["operators"].get(op, [])]
    ops.sort(key=lambda p: -len(p[0]))
    q = data["qualitative"]
    checks = {}
    for rule_id, rule in RULES.items():
        conf = data.get("checks", {}).get(rule_id, {})
        params = {k: v for k, v in conf.items() if k not in ("severity", "enabled")}
        checks[rule_id] = CheckConfig(enabled=conf.get("enabled", True), severity=conf.get("severity", rule.severity),
                                      params=params)
    return RuleSet(
        id=data["ruleset"]["id"],
        name=data["ruleset"]["name"],
        source=data["ruleset"].get("source", ""),
        path=path,
        decimals=data["arithmetic"]["decimals"],
        rounding=data["arithmetic"]["rounding"],
        total_weight=dec(data["weights"]["total"]),
        funds_weight=dec(data["weights"]["funds"]),
        level1_weights={k: dec(v) for k, v in data["weights"]["level1"].items()},
        taxonomy={k: tuple(v) for k, v in data["taxonomy"].items()},
        level2_aliases=dict(data.get("taxonomy_aliases", {})),
        operators=tuple(ops),
        unit_aliases=units,
        allow_missing_unit=data["units"]["allow_missing"],
        words=QualWords(**{k: tuple(q[k]) for k in SCHEMA["qualitative"]}),
        bands={k: Band(dec(data["bands"][k][0]), dec(data["bands"][k][1])) for k in ("achieved", "partial", "not_achieved")},
        achieved_rescore=data["bands"]["achieved_rescore"],
        reverse=data["scoring"]["reverse"],
        grades=sorted(((k, dec(v)) for k, v in data["grades"].items()), key=lambda g: -g[1]),
        checks=checks,
        for_kinds=tuple(data["ruleset"].get("for_kinds", ())),
    )


_CACHE: dict[Path, RuleSet] = {}


def _validated(text: str, name: str, path: Path | None) -> RuleSet:
    data = _load_data(text, name, path)
    errs = _Errors(name, text)
    _check_table(SCHEMA, data, (), errs)
    if not errs.items:
        _check_meaning(data, errs)
    errs.raise_if_any()
    return _build(data, str(path) if path is not None else name)


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Load a rule set: None → the bundled cn-2020; a bundled id ('cn-2021-central'); or a file.

    Raises `RuleSetError` (Chinese, with the file and line) when the file is broken.
    """
    if path is None:
        path = DEFAULT
    p = Path(path)
    name = str(path)
    if not p.exists() and (BUNDLED_DIR / f"{name}.toml").exists():
        p = BUNDLED_DIR / f"{name}.toml"
    bundled = p.resolve().parent == BUNDLED_DIR
    if bundled and p.resolve() in _CACHE:
        return _CACHE[p.resolve()]
    ruleset = _validated(_read(p, name), name, p)
    if bundled:
        _CACHE[p.resolve()] = ruleset
    return ruleset


def loads_ruleset(text: str, name: str = "<规则集>") -> RuleSet:
    """A rule set from TOML text (e.g. one stored in a database); `name` is used in errors.

    `extends` may name a bundled rule set (or a file, relative to the working directory).
    """
    return _validated(text, name, None)


def bundled_rulesets() -> list[str]:
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))
