#!/usr/bin/env bash
# Set up from nothing, then run jixiao's main job on the seed forms.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jixiao parse examples/shanghai-2021.txt
