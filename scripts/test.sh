#!/usr/bin/env bash
# Run glframe's checks after setup (system and Python packages): ruff (lint and format), glir.js's
# unit tests (node), then pytest (the layering rule is a test). Extra arguments
# go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m ruff check glframe glframe_jupyter tests examples benchmarks tools
.venv/bin/python -m ruff format --check glframe glframe_jupyter tests examples benchmarks tools
# glir.js's own unit tests (no GL needed), with Node's test runner
if [ -d glframe/backends/web/js/test ]; then
  node --test glframe/backends/web/js/test/
fi
exec .venv/bin/python -m pytest "$@"
