"""``glframe.serve(canvas)``: view a canvas in any browser, without Jupyter.

The server (``glframe.backends.web.RemoteServer``, on tornado) speaks the
notebook widget's protocol over a plain websocket; this module adapts the
Canvas (:class:`~glframe.app._remote.CanvasSource`) and runs the server: on
the running asyncio loop if there is one (a notebook, an asyncio program),
else on a loop of its own until Ctrl-C. ``python -m glframe serve SCRIPT.py``
(``glframe/__main__.py``) serves a script's ``canvas``. See docs/web.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._loop import _running_asyncio_loop, loop
from ._remote import CanvasSource

if TYPE_CHECKING:
    from ..backends.web import RemoteServer

__all__ = ["serve"]


def serve(
    canvas: Any,
    port: int = 8765,
    host: str = "127.0.0.1",
    *,
    mode: str = "server",
    token: str | None = None,
    require_token: bool = False,
    open_browser: bool = False,
    quiet: bool = False,
    **options: Any,
) -> RemoteServer:
    """Serve ``canvas`` to browsers at ``http://host:port/``.

    Parameters
    ----------
    canvas
        A :class:`~glframe.app.Canvas` (or SceneCanvas), offscreen as a rule.
    port, host
        Where to listen. Port 0 picks a free port. On any host but a loopback
        address (127.0.0.1, ::1, localhost) a token is required.
    mode
        Default mode of a page: "server" (frames rendered here: JPEG while the
        view changes, then an exact PNG) or "client" (GLIR drawn by WebGL2 in
        the browser, cameras moved there). A page picks its own with ``?mode=``.
    token, require_token
        The token (random when None) and whether to require it on loopback too.
    open_browser
        Open the page in the default browser.
    quiet
        Do not print the URL.
    **options
        ``max_in_flight``, ``quality``, ``settle``, ``max_size``,
        ``max_message_size``, ``max_write_buffer``, ``max_total_write_buffer``, ``title``: see
        ``glframe.backends.web.RemoteServer``.

    Returns
    -------
    RemoteServer
        With ``url``, ``port``, ``token``, ``stats()`` and ``close()``. Inside a
        running asyncio loop it returns at once, serving. Otherwise it runs
        until interrupted (Ctrl-C) or closed, then returns the closed server.

    Examples
    --------
    >>> import glframe
    >>> canvas = glframe.Canvas(size=(400, 300))
    >>> glframe.serve(canvas, port=8765)                   # doctest: +SKIP
    glframe: serving 'glframe' at http://127.0.0.1:8765/ (Ctrl-C to stop)
    """
    import asyncio  # here: importing glframe does not import asyncio or tornado

    from ..backends.web import RemoteServer

    options.setdefault("title", getattr(canvas, "title", "glframe"))
    server = RemoteServer(
        CanvasSource(canvas),
        host,
        port,
        mode=mode,
        token=token,
        require_token=require_token,
        **options,
    )
    if _running_asyncio_loop() is not None:
        server.start()
        _announce(server, open_browser, quiet, blocking=False)
        return server
    try:
        asyncio.run(_serve_until_closed(server, open_browser, quiet))
    except KeyboardInterrupt:
        if not quiet:
            print("glframe: stopped", flush=True)
    return server


async def _serve_until_closed(server: RemoteServer, open_browser: bool, quiet: bool) -> None:
    import asyncio

    server.start()
    _announce(server, open_browser, quiet, blocking=True)
    # Timers started before serve() run on this loop too (their errors end serve()); those
    # started later, from callbacks, are driven by it as in a notebook (see _loop.py).
    timers = asyncio.ensure_future(loop.run_async())
    closed = asyncio.ensure_future(server.wait_closed())
    try:
        done, _ = await asyncio.wait({timers, closed}, return_when=asyncio.FIRST_COMPLETED)
        if timers in done:
            timers.result()  # a timer callback's error ends serve(), as it ends run()
            await closed
    finally:
        for task in (timers, closed):
            task.cancel()
        server.close()


def _announce(server: RemoteServer, open_browser: bool, quiet: bool, *, blocking: bool) -> None:
    if not quiet:
        stop = " (Ctrl-C to stop)" if blocking else ""
        print(f"glframe: serving {server.title!r} at {server.url}{stop}", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
