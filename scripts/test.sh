#!/usr/bin/env bash
# Run glframe's checks after setup (system and Python packages): ruff, then
# pytest (the layering rule is a test). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m ruff check glframe tests examples benchmarks
exec .venv/bin/python -m pytest "$@"
