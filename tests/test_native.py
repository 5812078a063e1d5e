"""The compiled modules (setup.py, jixiao/_native.py).

Where the build can compile, the reader, model, scoring and checks are C extensions built by
mypyc from the same sources. These tests hold that they are built and in use (scripts/test.sh
sets JIXIAO_REQUIRE_COMPILED, so a build that quietly fell back to pure Python fails CI), that
they give exactly what the pure-Python modules give on generated, damaged and real forms in
every format the recogniser reads, and that a source edited after the build is run as source.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao import _native
from jixiao.synth.corpus import write_corpus

from .conftest import SEED
from .test_plain_equivalence import damage

ROOT = Path(__file__).resolve().parent.parent
BUILT = bool(_native._extensions())

# Reads every file under a directory and prints everything each stage made of it as JSON: the
# forms (every field and location), the read errors, the assessment and the findings.
_DUMP = r"""
import dataclasses, json, sys
from pathlib import Path
from jixiao import _native
from jixiao.checks import check_forms, report_to_dict
from jixiao.readers import read_forms
from jixiao.readers.jsonio import form_to_dict
from jixiao.rules import load_ruleset

rs = load_ruleset("cn-2020")
out = {"state": _native.state, "files": {}}
for p in sorted(Path(sys.argv[1]).rglob("*")):
    if p.is_dir() or p.suffix == ".csv":
        continue
    forms, errors = read_forms(p)
    reports = check_forms(forms, rs)
    out["files"][p.relative_to(sys.argv[1]).as_posix()] = {
        "forms": [form_to_dict(f) for f in forms],
        "locs": [repr(f) for f in forms],
        "errors": [str(e) for e in errors],
        "reports": [report_to_dict(r) for r in reports],
        "assessments": [dataclasses.asdict(r.assessment) for r in reports],
    }
json.dump(out, sys.stdout, ensure_ascii=False, default=str, sort_keys=True)
"""


def _run(args: list[str], *, pure: bool, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_PURE_PYTHON"}
    if pure:
        env["JIXIAO_PURE_PYTHON"] = "1"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    # run from the directory on PYTHONPATH: `python -c` puts the working directory first on sys.path
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=600,
                          cwd=pythonpath)


def _compiled_module_list() -> tuple[str, ...]:
    for node in ast.parse((ROOT / "setup.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "COMPILED":
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("setup.py has no COMPILED")


def test_setup_and_the_runtime_name_the_same_modules():
    assert _compiled_module_list() == _native.COMPILED
    for m in _native.COMPILED:
        assert _native._source(m).is_file(), m


def _require_built() -> None:
    if not BUILT:
        if os.environ.get("JIXIAO_REQUIRE_COMPILED"):
            pytest.fail(f"编译模块没有生成（{_native.state['reason']}）：pip install -e . 的输出说明了原因")
        pytest.skip("这里的安装没有编译模块")


def test_the_compiled_modules_are_in_use():
    _require_built()
    if os.environ.get("JIXIAO_PURE_PYTHON"):
        pytest.skip("JIXIAO_PURE_PYTHON：本次测试有意使用纯 Python 模块")
    assert _native.state["compiled"], _native.state["reason"]
    for m in _native.COMPILED:
        module = importlib.import_module(f"jixiao.{m}")
        assert module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)), module.__file__
    assert _native.describe() == "识别与模型模块：已编译（mypyc）"
    from click.testing import CliRunner

    from jixiao.cli import main

    assert "识别与模型模块：已编译（mypyc）" in CliRunner().invoke(main, ["--version"]).output


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Generated forms with every injected rule (one and three per text file, and as .xlsx and
    .docx), the seed, and the seed and generated texts damaged at random."""
    root = tmp_path_factory.mktemp("native")
    write_corpus(root / "one", 160, seed=71, formats=("txt",), error_share=0.7)
    write_corpus(root / "three", 60, seed=72, formats=("txt",), per_file=3, error_share=0.7)
    write_corpus(root / "office", 16, seed=73, formats=("xlsx", "docx"), error_share=0.7)
    damaged = root / "damaged"
    damaged.mkdir()
    shutil.copy(SEED, damaged / "seed.txt")
    rng = random.Random(74)
    sources = [SEED, *sorted((root / "one").rglob("*.txt"))[:60]]
    for k in range(120):
        lines = rng.choice(sources).read_text(encoding="utf-8").split("\n")
        damage(lines, rng)
        (damaged / f"d{k:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return root


def test_compiled_and_pure_python_give_the_same_forms_scores_and_findings(corpus):
    _require_built()
    script = ["-c", _DUMP, str(corpus)]
    compiled, pure = _run(script, pure=False), _run(script, pure=True)
    assert compiled.returncode == 0, compiled.stderr[-3000:]
    assert pure.returncode == 0, pure.stderr[-3000:]
    a, b = json.loads(compiled.stdout), json.loads(pure.stdout)
    assert a["state"]["compiled"] is True and b["state"]["compiled"] is False
    assert len(a["files"]) == 160 + 20 + 16 + 121  # 16 forms, each as .xlsx or .docx
    assert sum(len(f["forms"]) for f in a["files"].values()) > 350
    assert any(f["errors"] for f in a["files"].values())  # the corpus has files cut short
    assert sum(len(r["findings"]) for f in a["files"].values() for r in f["reports"]) > 300
    for name in a["files"]:
        assert a["files"][name] == b["files"][name], name


def _copy_package(tmp_path: Path) -> Path:
    dest = tmp_path / "jixiao"
    shutil.copytree(ROOT / "jixiao", dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


_PROBE = ("import json, jixiao.recognize as r, jixiao.checks.funds as f; from jixiao import _native; "
          "from jixiao.readers import read_forms; "
          "print(json.dumps([_native.state, r.__file__, f.__file__, len(read_forms(%r)[0])]))" % str(SEED))


def test_a_source_changed_after_the_build_runs_as_source(tmp_path):
    _require_built()
    pkg = _copy_package(tmp_path)
    values = pkg / "values.py"
    values.write_text(values.read_text(encoding="utf-8") + "\n# edited after the build\n", encoding="utf-8")
    got = _run(["-c", _PROBE], pure=False, pythonpath=tmp_path)
    assert got.returncode == 0, got.stderr[-3000:]
    state, recognize_file, funds_file, n = json.loads(got.stdout)
    assert state == {"compiled": False, "reason": "values.py 在编译之后改过"}
    assert recognize_file == str(pkg / "recognize.py") and funds_file == str(pkg / "checks" / "funds.py")
    assert n == 10
    assert "values.py 在编译之后改过，本次使用纯 Python 模块" in got.stderr


def test_the_package_copy_itself_runs_compiled_and_pure_on_request(tmp_path):
    _require_built()
    pkg = _copy_package(tmp_path)
    got = _run(["-c", _PROBE], pure=False, pythonpath=tmp_path)
    assert got.returncode == 0, got.stderr[-3000:]
    state, recognize_file, _, n = json.loads(got.stdout)
    assert state["compiled"] is True and recognize_file.startswith(str(pkg / "recognize.")) and n == 10
    got = _run(["-c", _PROBE], pure=True, pythonpath=tmp_path)
    state, recognize_file, funds_file, n = json.loads(got.stdout)
    assert state == {"compiled": False, "reason": "设置了 JIXIAO_PURE_PYTHON"}
    assert recognize_file == str(pkg / "recognize.py") and funds_file == str(pkg / "checks" / "funds.py")
    assert n == 10 and "RuntimeWarning" not in got.stderr


def test_a_missing_build_record_runs_as_source(tmp_path):
    _require_built()
    pkg = _copy_package(tmp_path)
    (pkg / "_build_info.py").unlink()
    got = _run(["-c", _PROBE], pure=False, pythonpath=tmp_path)
    state, recognize_file, _, n = json.loads(got.stdout)
    assert state == {"compiled": False, "reason": "缺少编译记录 _build_info.py"}
    assert recognize_file == str(pkg / "recognize.py") and n == 10
