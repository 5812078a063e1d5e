"""Evaluate the few spreadsheet formulas a form uses, for cells saved without a computed value.

Excel and LibreOffice store each formula's last result next to it, and the reader uses that.
A workbook written by a program (openpyxl, jixiao's own `export`) holds formulas with no stored
result until someone opens it in a spreadsheet program. For those cells the reader computes the
value itself, in Decimal: cell references and ranges, + - * / ^ %, comparisons, & and
SUM, ROUND, ROUNDUP, ROUNDDOWN, MIN, MAX, ABS, AVERAGE, IF, IFERROR. Anything else (another sheet,
an unknown function) gives None and the cell reads as blank; it is never guessed.
"""

from __future__ import annotations

import re
import threading
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Callable

Value = Decimal | str | bool | None

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<str>"(?:[^"]|"")*")
  | (?P<range>\$?[A-Za-z]{1,3}\$?\d+:\$?[A-Za-z]{1,3}\$?\d+)
  | (?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(
  | (?P<ref>\$?[A-Za-z]{1,3}\$?\d+)
  | (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
  | (?P<bool>TRUE|FALSE)\b
  | (?P<op><>|<=|>=|[-+*/^&%=<>(),])
    )""",
    re.X,
)


class FormulaError(Exception):
    """A spreadsheet error value (#DIV/0!, #VALUE!) while evaluating; IFERROR catches it."""


class Unsupported(Exception):
    """A formula outside the supported subset."""


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    """'$G$6' → (6, 7): (row, column), 1-based."""
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
    if not m:
        raise Unsupported(ref)
    return int(m.group(2)), col_index(m.group(1))


def _tokens(formula: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = formula.lstrip("=")
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(text[pos:])
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _num(v: Value) -> Decimal:
    if v is None or v == "":
        return Decimal(0)
    if isinstance(v, bool):
        return Decimal(int(v))
    if isinstance(v, Decimal):
        return v
    try:
        return Decimal(v.replace(",", ""))
    except InvalidOperation:
        raise FormulaError("#VALUE!") from None


def _round(x: Decimal, digits: Decimal, mode) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-int(digits)), rounding=mode)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], get: Callable[[int, int], Value]):
        self.toks = tokens
        self.i = 0
        self.get = get

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise Unsupported(f"expected {value}")
        self.i += 1
        return tok

    # Each level returns a thunk so that IF and IFERROR evaluate only the branch they need.
    def expr(self) -> Callable[[], Value]:
        left = self.concat()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.concat()
            left = self._compare(op, left, right)
        return left

    @staticmethod
    def _compare(op, left, right):
        def run():
            a, b = left(), right()
            if isinstance(a, str) or isinstance(b, str):
                a, b = str(a or ""), str(b or "")
            else:
                a, b = _num(a), _num(b)
            return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return run

    def concat(self):
        left = self.additive()
        while (tok := self.peek()) and tok == ("op", "&"):
            self.take()
            right = self.additive()
            left = (lambda l, r: lambda: _text(l()) + _text(r()))(left, right)
        return left

    def additive(self):
        left = self.term()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in "+-":
            op = self.take()[1]
            right = self.term()
            left = (lambda l, r, o: lambda: _num(l()) + _num(r()) if o == "+" else _num(l()) - _num(r()))(left, right, op)
        return left

    def term(self):
        left = self.power()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in "*/":
            op = self.take()[1]
            right = self.power()
            left = (lambda l, r, o: lambda: _mul_div(_num(l()), _num(r()), o))(left, right, op)
        return left

    def power(self):
        left = self.unary()
        while (tok := self.peek()) and tok == ("op", "^"):
            self.take()
            right = self.unary()
            left = (lambda l, r: lambda: _num(l()) ** _num(r()))(left, right)
        return left

    def unary(self):
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in "+-":
            self.take()
            inner = self.unary()
            return (lambda f: lambda: -_num(f()))(inner) if tok[1] == "-" else inner
        return self.postfix()

    def postfix(self):
        inner = self.primary()
        while (tok := self.peek()) and tok == ("op", "%"):
            self.take()
            inner = (lambda f: lambda: _num(f()) / 100)(inner)
        return inner

    def primary(self):
        kind, text = self.take()
        if kind == "num":
            value = Decimal(text)
            return lambda: value
        if kind == "str":
            value = text[1:-1].replace('""', '"')
            return lambda: value
        if kind == "bool":
            value = text.upper() == "TRUE"
            return lambda: value
        if kind == "ref":
            r, c = parse_ref(text)
            return lambda: self.get(r, c)
        if kind == "range":
            raise Unsupported("a range outside a function")
        if kind == "op" and text == "(":
            inner = self.expr()
            self.take(")")
            return inner
        if kind == "func":
            return self.call(text.upper())
        raise Unsupported(text)

    def args(self) -> list:
        args = []
        if self.peek() == ("op", ")"):
            self.take()
            return args
        while True:
            tok = self.peek()
            if tok and tok[0] == "range":
                self.take()
                args.append(("range", self._range(tok[1])))
            else:
                args.append(("value", self.expr()))
            tok = self.take()
            if tok == ("op", ")"):
                return args
            if tok != ("op", ","):
                raise Unsupported(tok[1])

    def _range(self, text: str):
        a, b = text.split(":")
        (r1, c1), (r2, c2) = parse_ref(a), parse_ref(b)
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            raise Unsupported("range too large")

        def run():
            return [self.get(r, c) for r in range(min(r1, r2), max(r1, r2) + 1) for c in range(min(c1, c2), max(c1, c2) + 1)]
        return run

    def call(self, name: str):
        args = self.args()

        def numbers() -> list[Decimal]:
            out = []
            for kind, f in args:
                if kind == "range":
                    out.extend(_num(v) for v in f() if isinstance(v, Decimal))  # ranges skip text and blanks
                else:
                    out.append(_num(f()))
            return out

        def arg(k: int):
            if k >= len(args) or args[k][0] != "value":
                raise Unsupported(f"{name} argument {k + 1}")
            return args[k][1]

        if name == "SUM":
            return lambda: sum(numbers(), Decimal(0))
        if name in ("MIN", "MAX"):
            pick = min if name == "MIN" else max
            return lambda: pick(numbers()) if numbers() else Decimal(0)
        if name == "AVERAGE":
            def average():
                ns = numbers()
                if not ns:
                    raise FormulaError("#DIV/0!")
                return sum(ns, Decimal(0)) / len(ns)
            return average
        if name == "ABS":
            f = arg(0)
            return lambda: abs(_num(f()))
        if name in ("ROUND", "ROUNDUP", "ROUNDDOWN"):
            mode = {"ROUND": ROUND_HALF_UP, "ROUNDUP": ROUND_UP, "ROUNDDOWN": ROUND_DOWN}[name]
            f, d = arg(0), arg(1)
            return lambda: _round(_num(f()), _num(d()), mode)
        if name == "IF":
            cond, yes = arg(0), arg(1)
            no = arg(2) if len(args) > 2 else (lambda: False)
            return lambda: yes() if _truth(cond()) else no()
        if name == "IFERROR":
            f, fallback = arg(0), arg(1)

            def iferror():
                try:
                    return f()
                except FormulaError:
                    return fallback()
            return iferror
        raise Unsupported(name)


def _text(v: Value) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return v


def _truth(v: Value) -> bool:
    if isinstance(v, str):
        raise FormulaError("#VALUE!")
    return bool(_num(v))


def _mul_div(a: Decimal, b: Decimal, op: str) -> Decimal:
    if op == "*":
        return a * b
    if b == 0:
        raise FormulaError("#DIV/0!")
    try:
        return a / b
    except (DivisionByZero, InvalidOperation):
        raise FormulaError("#DIV/0!") from None


_parsed = threading.local()  # per thread: formula text → (parser, thunk), or None if unsupported
_NOT_PARSED = object()


def evaluate(formula: str, get: Callable[[int, int], Value]) -> Value:
    """The value of `formula` ('=ROUND(F6/E6*10,2)'), reading cells through get(row, col).

    Returns a Decimal, text or bool; '#DIV/0!'-style text for a spreadsheet error; None when the
    formula is outside the supported subset.

    A formula is parsed once per thread (the same few formulas come back in every form of a
    batch); its thunks read cells through the parser's `get`, set for each evaluation."""
    cache = getattr(_parsed, "cache", None)
    if cache is None:
        cache = _parsed.cache = {}
    entry = cache.get(formula, _NOT_PARSED)
    if entry is _NOT_PARSED:
        try:
            parser = _Parser(_tokens(formula), get)
            thunk = parser.expr()
            entry = None if parser.peek() is not None else (parser, thunk)
        except FormulaError as e:  # (parsing raises none; kept as evaluate always answered)
            return str(e)
        except RecursionError:
            return None  # depends on how deep the caller is: not remembered
        except (Unsupported, InvalidOperation, ValueError, OverflowError):
            entry = None
        if len(cache) > 10_000:
            cache.clear()
        cache[formula] = entry
    if entry is None:
        return None
    parser, thunk = entry
    previous = parser.get
    parser.get = get
    try:
        return thunk()
    except FormulaError as e:
        return str(e)
    except (Unsupported, InvalidOperation, RecursionError, ValueError, OverflowError):
        return None
    finally:
        parser.get = previous
