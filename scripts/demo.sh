#!/usr/bin/env bash
# Set up from nothing, then run jixiao's main job on the seed forms.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jixiao check examples/shanghai-2021.txt || [ $? -eq 1 ]  # exit 1: the seed has error-severity findings
