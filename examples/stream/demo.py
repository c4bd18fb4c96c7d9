"""Live data in a browser: a producer logs while ``python -m glframe stream serve`` shows it.

``python examples/stream/demo.py [--store DIR] [--seconds 120] [--port 8766]`` starts
two things with one command:

- the producer, ``log_demo.py`` in a process of its own: five sinusoids
  (``sin/0`` .. ``sin/4``, 50 steps a second) and a 10,000-point cloud drifting on
  a circle (every 10th step), logged into the store;
- the viewer, ``python -m glframe stream serve`` on the same store, in this process,

and prints the URL of a plot page: the sinusoids on top (following the last 10 s),
the cloud below as points (``plot?rows=sin/.*;cloud&kind=line,scatter&window=10,all``).
Open it in any browser: new points arrive every 0.1 s (only those new points cross
the websocket), wheel and drag zoom and pan in the page (a drag stops following that
plot; reload to follow again). Open the index (the printed base URL) for the other
series, or compose other layouts in the URL (docs/stream.md). Ctrl-C stops both.

The same, as two commands (the producer may run on another machine with
``Logger(address=...)``, see remote_logger.py)::

    python examples/stream/log_demo.py --store runs/ --seconds 120
    python -m glframe stream serve runs/

In the gallery, 200 steps are logged at once into a temporary store and the page's
figure (the same layout, built as the server builds it) is drawn once.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # log_demo.py, beside this one
from log_demo import log_demo  # noqa: E402

from glframe.stream._layout import parse_query  # noqa: E402

#: the plot page this demo opens: its URL query
LAYOUT = "rows=sin/.*;cloud&kind=line,scatter&window=10,all"


def page_figure(store: str):
    """The figure the viewer makes for the page ``plot?`` + :data:`LAYOUT`."""
    from urllib.parse import parse_qsl

    from glframe.stream._pages import page_size
    from glframe.stream._view import build_figure

    layout = parse_query(dict(parse_qsl(LAYOUT)))
    return build_figure(store, layout, size=page_size(layout))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="the store's directory (default: a temporary one)")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long to log")
    parser.add_argument("--port", type=int, default=8766, help="the viewer's port")
    args = parser.parse_args()
    store = args.store or tempfile.mkdtemp(prefix="glframe-stream-demo-")
    producer = subprocess.Popen(
        [sys.executable, str(HERE / "log_demo.py"), "--store", store]
        + ["--seconds", str(args.seconds)]
    )
    from glframe.stream._serve import serve_until_interrupted

    try:  # the viewer prints its index's URL; the demo's page is one of its plot pages
        print(f"glframe: the demo's page: http://127.0.0.1:{args.port}/plot?{LAYOUT}", flush=True)
        serve_until_interrupted(store, port=args.port)
    finally:
        producer.terminate()
        producer.wait(10)
        if not args.store:
            shutil.rmtree(store, ignore_errors=True)
elif __name__ == "__gallery__":  # a quick, deterministic run into a temporary store
    STORE = tempfile.mkdtemp(prefix="glframe-stream-demo-")
    log_demo(STORE, "demo", 200, realtime=False)
    canvas = page_figure(STORE).canvas
