"""A real Jupyter server for the tests (jupyter_server or JupyterLab), and what it needs.

``jupyter_server(root, module, *args)`` starts ``python -m <module>`` on a free
loopback port with a random token and its config, runtime and data folders under
``root``, waits until it answers, yields ``(base_url, token, log_path)`` and stops
it. ``require_modules`` and ``require_browser`` skip a test that lacks them, and
fail it under ``CI=true``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import CHROMIUM, _unavailable


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_modules(*modules: str) -> None:
    """Skip without ``modules`` (pip install -e '.[notebook]'); under CI=true, fail."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            _unavailable(f"{module} is not installed (pip install -e '.[notebook]')")


def require_browser() -> None:
    """Skip without Playwright and Chromium; under CI=true, fail."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM}")


def server_env(root: Path, **extra: str) -> dict[str, str]:
    """The environment of a server whose Jupyter folders all live under ``root``."""
    return dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(root / "cfg"),
        JUPYTER_RUNTIME_DIR=str(root / "rt"),
        JUPYTER_DATA_DIR=str(root / "data"),
        IPYTHONDIR=str(root / "ipython"),
        **extra,
    )


@contextlib.contextmanager
def jupyter_server(
    root: Path, module: str, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, str, Path]]:
    """Run ``python -m module`` serving ``root / "nbs"``; yields (base url, token, log)."""
    (root / "nbs").mkdir(exist_ok=True)
    port, token = free_port(), uuid.uuid4().hex
    cmd = [
        sys.executable, "-m", module, "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root / 'nbs'}", "--ServerApp.port_retries=0", *args,
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = root / f"{module}.log"
    log = open(log_path, "w")  # noqa: SIM115 - open for the server's lifetime
    proc = subprocess.Popen(cmd, env=env or server_env(root), stdout=subprocess.DEVNULL, stderr=log)
    base, deadline = f"http://127.0.0.1:{port}", time.time() + 120
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail(f"{module} did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.2)
        yield base, token, log_path
    finally:
        proc.terminate()  # our own child only; it shuts its kernels down
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
