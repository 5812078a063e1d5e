#!/usr/bin/env bash
# Set up from nothing, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# the install compiles the reader with mypyc (setup.py); a build that fell back to pure Python
# must fail here, not pass slower (tests/test_native.py)
export JIXIAO_REQUIRE_COMPILED=1
python3 -m pytest -q "$@"
