"""Build: the reader's hot modules compiled to C extensions with mypyc, when that works.

jixiao is pure Python and runs as such. When the build can compile (gcc and the Python headers,
which a Debian/pyenv Python has; mypy comes from PyPI as a build requirement), the modules that
read and model a form are also built with mypyc, the compiler mypy and black ship with: the
same source, about twice as fast (docs/architecture.md, "Compiled modules"; figures in
docs/benchmarks.md). A build that cannot compile installs the pure-Python package and says so.

JIXIAO_PURE_PYTHON=1 at build time skips compiling; at run time it makes jixiao ignore compiled
modules (jixiao/_native.py), as it does on its own when a source changed after the build.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
# Keep in step with jixiao/_native.py COMPILED (a test checks): the modules of a text form's way
# from lines to findings, by their names under jixiao. Not a package's __init__.py: compiled
# separately, one imports its own package again, without end.
COMPILED = ("memo", "model", "values", "taxonomy", "recognize", "recognize_plain", "score",
            "checks.registry", "checks.finding", "checks.funds", "checks.measures",
            "checks.reading", "checks.scores", "checks.texts", "checks.weights", "rules.model")
BUILD_INFO = "_build_info.py"


def _say(message: str) -> None:
    print(f"jixiao setup: {message}", file=sys.stderr)


def _source(module: str) -> Path:
    """The source file of a module named as in COMPILED."""
    path = ROOT / "jixiao" / Path(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _ext_modules() -> list:
    if os.environ.get("JIXIAO_PURE_PYTHON"):
        _say("JIXIAO_PURE_PYTHON is set: installing pure Python, nothing compiled")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        _say("mypy (mypyc) is not available to the build: installing pure Python, nothing compiled")
        return []
    sources = [_source(m).relative_to(ROOT).as_posix() for m in COMPILED]
    # separate=True: one extension per module, next to its source (no shared library at the
    # top level of site-packages or of the checkout)
    try:
        return mypycify(["--follow-imports=silent", "--ignore-missing-imports", *sources], opt_level="3",
                        separate=True)
    except (Exception, SystemExit) as e:  # noqa: BLE001 - mypyc exits on a type error: fall back, loudly
        _say(f"mypyc could not translate the sources ({e!r}); installing pure Python, nothing compiled")
        return []


class OptionalBuildExt(build_ext):
    """Compile if we can; if the compiler fails, install pure Python rather than fail. After a
    build that worked, record the sources it compiled (their SHA-256) beside the extensions, so
    that jixiao/_native.py can tell a compiled module that is older than its source."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if not self.parallel:
            self.parallel = os.cpu_count() or 1  # one C compiler per core: the build takes minutes

    def run(self) -> None:
        if not self.extensions:
            return
        try:
            super().run()
        except Exception as e:  # noqa: BLE001 - any compiler failure: fall back, loudly
            _say(f"compiling with mypyc failed ({e}); installing pure Python (slower, the same results)")
            self._write_info(None)
            return
        self._write_info({m: hashlib.sha256(_source(m).read_bytes()).hexdigest() for m in COMPILED})

    def _write_info(self, sources: dict[str, str] | None) -> None:
        from mypy.version import __version__ as mypy_version

        text = ("# Written by setup.py: the modules compiled with mypyc and the SHA-256 of the source each\n"
                "# was compiled from (jixiao/_native.py compares them). Not in git.\n"
                f"MYPY = {mypy_version!r}\nSOURCES = {sources or {}!r}\n")
        dirs = {Path(self.build_lib) / "jixiao"}
        if self.inplace or getattr(self, "editable_mode", False):
            dirs.add(ROOT / "jixiao")
        for d in dirs:
            if d.is_dir():
                (d / BUILD_INFO).write_text(text, encoding="utf-8")


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
