#!/usr/bin/env bash
# Set up from nothing (scripts/setup.sh: Debian packages, .venv; a second run installs nothing),
# then run jixiao's main job on the seed forms with the embedded default store (SQLite): print
# the check report of the ten seed forms, create the SQLite database, import the seed, print the
# logins and start the web application on http://127.0.0.1:8000/ (Ctrl+C stops it). HOST, PORT
# and JIXIAO_DEMO_DIR are passed on to scripts/serve-demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/jixiao check examples/shanghai-2021.txt || [ $? -eq 1 ]  # exit 1: the seed has error-severity findings
exec bash scripts/serve-demo.sh
