#!/usr/bin/env bash
# Render every example headless into gallery/*.png (after setup).
# Pass --window to open each example in a window instead (needs a display).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python examples/run_gallery.py "$@"
