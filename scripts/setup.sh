#!/usr/bin/env bash
# Everything jixiao needs on a fresh machine (Python 3.11, pip and Debian's apt): idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --disable-pip-version-check -q -e '.[test]'
