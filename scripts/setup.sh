#!/usr/bin/env bash
# Everything jixiao needs on a fresh machine (Debian 12 or Ubuntu 24.04: Python ≥ 3.11 and apt),
# with jixiao and its Python packages in a virtual environment, .venv in the checkout: the system
# Python is never pip-installed into (PEP 668), and PIP_REQUIRE_VIRTUALENV=1 is fine.
# Idempotent: a second run installs nothing and takes a moment.
#   - python3-venv: `python3 -m venv` needs it on Debian and Ubuntu
#   - PostgreSQL server binaries: the store tests start their own server with initdb/pg_ctl
#   - Chromium + ChromeDriver: the browser tests (Playwright drives Debian's Chromium)
#   - LibreOffice Calc/Writer: PDF round trips and recalculating exported workbooks
#   - Noto CJK fonts: Chinese text in PDFs LibreOffice makes and in screenshots
#   - Tesseract with its Simplified Chinese data: the OCR comparison of scanned forms
#   - libgl1, libglib2.0-0: OpenCV's shared libraries (rapidocr-onnxruntime pulls in opencv-python,
#     which loads them even when only the headless functions are used)
# PYTHON chooses the interpreter the environment is made from (default: python3).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.jixiao-install  # what the last install was made from (see below)

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "错误：需要 Python 3.11 或更高版本（当前：$("$PYTHON" --version 2>&1 || echo "找不到 $PYTHON")）" >&2
  exit 1
fi

# A virtual environment whose pip works; one left broken (no pip, or its Python gone) is made anew.
venv_ok() { "$VENV/bin/python" -c 'import pip' 2>/dev/null; }

# Debian packages: what is missing. No `grep -q` after a pipe: it stops reading, the writer gets
# SIGPIPE, and with pipefail the test fails although the text matched.
need=()
venv_ok || "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc libreoffice-writer)
fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null || need+=(fonts-noto-cjk)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
tesseract --list-langs 2>/dev/null | grep -x chi_sim >/dev/null || need+=(tesseract-ocr-chi-sim)
ldconfig -p 2>/dev/null | grep "libGL.so.1 " >/dev/null || need+=(libgl1)
ldconfig -p 2>/dev/null | grep "libgthread-2.0.so.0 " >/dev/null || need+=(libglib2.0-0)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "安装 Debian 软件包：${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! venv_ok; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi

# jixiao is installed editable: a change to its code needs no new install, a change to its
# metadata does (dependencies, entry points, package data). The stamp holds the hash of what the
# install was made from; pip runs only when it differs.
want=$( (pwd; "$VENV/bin/python" --version; cat pyproject.toml; [ ! -f setup.py ] || cat setup.py) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e '.[test]'
  echo "$want" > "$STAMP"
fi
