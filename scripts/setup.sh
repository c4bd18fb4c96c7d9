#!/usr/bin/env bash
# Install everything glframe needs on a fresh Debian machine: the Mesa EGL/GL
# libraries (offscreen rendering on llvmpipe), Xvfb (window tests), and a
# virtualenv in .venv with glframe and its test extra. Idempotent and quiet when
# everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES="python3 python3-venv libegl1 libegl-mesa0 libgl1-mesa-dri libgles2 libosmesa6 xvfb xdotool fonts-dejavu-core chromium nodejs"
# Qt (PyQt6 wheels) on X11/Xvfb: the xcb platform plugin's libraries
DEB_PACKAGES="$DEB_PACKAGES libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libdbus-1-3"
missing=""
for p in $DEB_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: missing Debian packages:$missing (run as root or: sudo apt-get install$missing)" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.glframe-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing glframe[test,notebook,data,movie,qt,isosurface] into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,notebook,data,movie,qt,isosurface]"
  # PySide6 too: tests/test_qt.py runs its tests with both Qt bindings
  .venv/bin/python -m pip install -q pyside6-essentials
  touch "$stamp"
fi
# datashader and vispy, the peers of the bench extra that tests need: tests/test_aggregate.py
# compares grids with datashader, tests/test_colormaps.py vispy's colormaps with glframe's,
# and tests/test_benchmarks.py runs the quick benchmarks against both. Checked by import
# (not by the stamp) so that an existing .venv gets them too.
if ! .venv/bin/python -c "import datashader" >/dev/null 2>&1; then
  echo "setup: installing datashader into .venv"
  .venv/bin/python -m pip install -q "datashader>=0.16"
fi
if ! .venv/bin/python -c "import vispy" >/dev/null 2>&1; then
  echo "setup: installing vispy into .venv"
  .venv/bin/python -m pip install -q "vispy>=0.14"
fi
# An editable install skips data files: enable the Jupyter server extension that relays
# widget streams (a wheel install puts this file there itself).
conf=.venv/etc/jupyter/jupyter_server_config.d
if [ ! -f "$conf/glframe.json" ]; then
  mkdir -p "$conf"
  cp jupyter-config/jupyter_server_config.d/glframe.json "$conf/"
fi
