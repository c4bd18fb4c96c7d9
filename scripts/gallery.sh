#!/usr/bin/env bash
# Render every example headless into gallery/*.png (after setup).
# With a display (DISPLAY set) and --window, examples open in windows instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m glframe.gallery "$@"
