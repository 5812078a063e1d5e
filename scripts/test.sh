#!/usr/bin/env bash
# Set up from nothing (scripts/setup.sh: Debian packages, .venv), then run the whole test suite
# with the checkout's virtual environment. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"
