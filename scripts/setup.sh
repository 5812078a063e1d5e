#!/usr/bin/env bash
# Everything jixiao needs on a fresh machine (Python 3.11, pip and Debian's apt). Idempotent:
# a second run installs nothing.
#   - PostgreSQL server binaries: the store tests start their own server with initdb/pg_ctl
#   - Chromium + ChromeDriver: the browser tests (Playwright drives Debian's Chromium)
#   - LibreOffice Calc/Writer: PDF round trips and recalculating exported workbooks
#   - Noto CJK fonts: Chinese text in PDFs LibreOffice makes and in screenshots
#   - gcc (a fresh machine has it): the reader's modules are compiled with mypyc on install
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc libreoffice-writer)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
command -v gcc >/dev/null 2>&1 || need+=(gcc)  # pip install compiles the reader with mypyc (setup.py)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

python3 -m pip install --disable-pip-version-check -q -e '.[test]'
