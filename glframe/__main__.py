"""``python -m glframe``: command-line tools.

``python -m glframe serve SCRIPT.py [--port P] [--host H] [--mode client|server]
[--token T] [--open]`` runs the script offscreen (``GLFRAME_BACKEND=offscreen``,
``__name__ == "__glframe_serve__"``, so its ``if __name__ == "__main__":``
block does not run), takes its module-level ``canvas`` and serves it to
browsers with :func:`glframe.serve` until Ctrl-C. See docs/web.md.

``python -m glframe stream serve STORE_DIR [--port P] [--host H] [--token T]
[--require-token] [--config FILE] [--open]`` serves a stream store's index and
live plot pages (``glframe.stream._serve.StreamServer``) until Ctrl-C. See
docs/stream.md.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path

RUN_NAME = "__glframe_serve__"


def _listening(parser: argparse.ArgumentParser, port: int) -> None:
    """The options of every server: where it listens and its token."""
    parser.add_argument("--port", type=int, default=port, help="port (0: any free one)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (any but loopback requires the token)",
    )
    parser.add_argument("--token", default=None, help="the token to require (default: random)")
    parser.add_argument(
        "--require-token", action="store_true", help="require the token on loopback too"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m glframe", description="glframe tools")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="view a script's canvas in a browser",
        description="Run SCRIPT offscreen and serve its module-level canvas to browsers "
        "over a websocket (no Jupyter needed).",
    )
    serve.add_argument("script", help="a Python file that defines a module-level canvas")
    _listening(serve, 8765)
    serve.add_argument(
        "--mode",
        choices=("server", "client"),
        default="server",
        help="server: frames rendered here; client: WebGL2 in the browser",
    )
    serve.add_argument("--canvas", default="canvas", help="the variable holding the canvas")
    serve.add_argument("--open", action="store_true", help="open the page in a browser")

    stream = commands.add_parser("stream", help="live data: view a stream store")
    stream_commands = stream.add_subparsers(dest="stream_command", required=True)
    viewer = stream_commands.add_parser(
        "serve",
        help="view a stream store in browsers",
        description="Serve a stream store's index and live plot pages (laid out by URL: "
        "plot?rows=loss,acc;lr&axes=ylog) to browsers, following it as it grows.",
    )
    viewer.add_argument("store", help="the store's directory (made if missing)")
    _listening(viewer, 8766)
    viewer.add_argument(
        "--config",
        default=None,
        help="a JSON or TOML file of default plot page parameters (rows, kind, axes, ...)",
    )
    viewer.add_argument(
        "--poll",
        type=float,
        default=1.0,
        help="seconds between polls of the store per page, at most",
    )
    viewer.add_argument(
        "--watch",
        type=float,
        default=0.005,
        help="seconds between looks at the store's commit counter (a commit: every page polls)",
    )
    viewer.add_argument(
        "--pace",
        type=float,
        default=0.05,
        help="seconds between two polls that commits start, at least",
    )
    viewer.add_argument("--open", action="store_true", help="open the index in a browser")
    return parser


def _stream_serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    os.environ["GLFRAME_BACKEND"] = "offscreen"
    from .stream._layout import load_config
    from .stream._serve import serve_until_interrupted

    defaults = None
    if args.config is not None:
        try:
            defaults = load_config(args.config)
        except (OSError, ValueError) as err:
            parser.error(str(err))
    serve_until_interrupted(
        args.store,
        host=args.host,
        port=args.port,
        token=args.token,
        require_token=args.require_token,
        defaults=defaults,
        poll=args.poll,
        watch=args.watch,
        pace=args.pace,
        open_browser=args.open,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "stream":
        return _stream_serve(parser, args)
    script = Path(args.script)
    if not script.is_file():
        parser.error(f"no such script: {script}")
    os.environ["GLFRAME_BACKEND"] = "offscreen"
    sys.argv = [str(script)]  # what the script would see if run itself
    sys.path.insert(0, str(script.resolve().parent))  # its sibling modules import
    namespace = runpy.run_path(str(script), run_name=RUN_NAME)
    canvas = namespace.get(args.canvas)
    if canvas is None or not callable(getattr(canvas, "render", None)):
        parser.error(f"{script} defines no module-level canvas named {args.canvas!r}")
    from .app import serve

    serve(
        canvas,
        port=args.port,
        host=args.host,
        mode=args.mode,
        token=args.token,
        require_token=args.require_token,
        open_browser=args.open,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
