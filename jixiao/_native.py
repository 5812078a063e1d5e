"""Compiled modules: use them when they were built from the sources on disk, else pure Python.

`pip install` compiles the modules in COMPILED with mypyc when it can (setup.py), leaving a
C extension next to each source; CPython then imports the extension rather than the .py. That
is right only while the extension was compiled from that very source. setup.py records the
SHA-256 of each source it compiled (jixiao/_build_info.py); `choose()`, run once when the
package is imported, compares them and, if any source changed since (an edit in a checkout, a
`git pull`) or JIXIAO_PURE_PYTHON is set, makes the pure-Python modules load instead, all of
them (a compiled module calls the other compiled ones directly, so they go together).

This module itself is never compiled.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from pathlib import Path

# Keep in step with setup.py COMPILED (a test checks): names under jixiao.
COMPILED = ("memo", "model", "values", "taxonomy", "recognize", "recognize_plain", "score",
            "checks.registry", "checks.finding", "checks.funds", "checks.measures",
            "checks.reading", "checks.scores", "checks.texts", "checks.weights", "rules.model")
_HERE = Path(__file__).resolve().parent

# What choose() found: whether the compiled modules are in use, and why not when they are not.
state: dict[str, object] = {"compiled": False, "reason": "未检查"}


def _source(module: str) -> Path:
    """The source file of a module named as in COMPILED."""
    path = _HERE.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _extension(module: str) -> Path | None:
    """The extension file built for a module named as in COMPILED, if there is one."""
    path = _HERE.joinpath(*module.split("."))
    if path.is_dir():
        path = path / "__init__"
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            return candidate
    return None


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Loads the modules of COMPILED from their .py files, past their extensions."""

    def __init__(self) -> None:
        self.names = {f"{__package__}.{m}": m for m in COMPILED}

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001 - the finder protocol
        module = self.names.get(fullname)
        if module is None:
            return None
        source = _source(module)
        if source.name == "__init__.py":
            return importlib.util.spec_from_file_location(fullname, source,
                                                          submodule_search_locations=[str(source.parent)])
        return importlib.util.spec_from_file_location(fullname, source)


def _extensions() -> list[str]:
    """The modules of COMPILED that have an extension file next to their source."""
    return [m for m in COMPILED if _extension(m) is not None]


def _recorded() -> dict[str, str] | None:
    """SOURCES of _build_info.py beside this file (read as data, not imported: an import could
    find another installation's), or None without one."""
    try:
        tree = ast.parse((_HERE / "_build_info.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "SOURCES":
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


def _stale(sources: dict[str, str]) -> str | None:
    """Why the recorded build does not match the sources on disk, or None when it does."""
    for m in COMPILED:
        recorded = sources.get(m)
        if recorded is None:
            return f"{_source(m).relative_to(_HERE)} 没有编译记录"
        try:
            digest = hashlib.sha256(_source(m).read_bytes()).hexdigest()
        except OSError:
            return None  # installed without sources: the extensions are all there is
        if digest != recorded:
            return f"{_source(m).relative_to(_HERE)} 在编译之后改过"
    return None


def choose() -> None:
    """Decide, before any of COMPILED is imported, whether the compiled modules are used."""
    present = _extensions()
    if not present:
        state.update(compiled=False, reason="未编译（纯 Python 安装）")
        return
    reason: str | None
    if os.environ.get("JIXIAO_PURE_PYTHON"):
        reason = "设置了 JIXIAO_PURE_PYTHON"
    elif len(present) != len(COMPILED):
        reason = "编译模块不全：只有 " + "、".join(present)
    else:
        sources = _recorded()
        reason = "缺少编译记录 _build_info.py" if sources is None else _stale(sources)
    if reason is None:
        state.update(compiled=True, reason="")
        return
    state.update(compiled=False, reason=reason)
    sys.meta_path.insert(0, _SourceFirst())
    if not os.environ.get("JIXIAO_PURE_PYTHON"):
        warnings.warn(f"jixiao：{reason}，本次使用纯 Python 模块（结果相同，速度较慢）；"
                      "重新运行 pip install -e . 即可重新编译", RuntimeWarning, stacklevel=3)


def describe() -> str:
    """One line for `jixiao --version` and the benchmark: compiled or not, and why not."""
    if state["compiled"]:
        return "识别与模型模块：已编译（mypyc）"
    return f"识别与模型模块：纯 Python（{state['reason']}）"
