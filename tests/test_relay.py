"""The notebook server's relay (glframe_jupyter) opens nothing it should not.

One real Jupyter server for the module (``python -m jupyter_server``, isolated
config, data and runtime directories, a token, a free port, the extension
enabled), no browser and no kernel: the tests speak websocket to it with
tornado's client, as a page would, and stand in for a kernel's stream endpoint
with a plain TCP listener on loopback that counts the connections it gets. A
listener is "registered" by writing the file a kernel's endpoint writes
(``glframe-stream-<port>.json`` in Jupyter's runtime directory), by hand, so
that the file's format is pinned here; the last tests use a real
:class:`glframe.backends.notebook.StreamEndpoint`, which registers itself.

The rules: the relay refuses a cross-origin page before it opens anything
upstream; it connects only to a port registered by a live process; every
upstream failure (unregistered, closed, not a websocket) is the same 502,
logged in one line, never a traceback, and never the tokens.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from jupyter_helpers import free_port, jupyter_server, require_modules

KEY = "abc"
STREAM_TOKEN = "s" * 32


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_modules("jupyter_server")
    root = tmp_path_factory.mktemp("relay")
    (root / "cfg").mkdir()
    # the extension explicitly (an editable install may not have its data file in etc/jupyter)
    (root / "cfg/jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"glframe_jupyter": True}}})
    )
    runtime = root / "rt"
    with jupyter_server(root, "jupyter_server") as (base, token, log_path):
        assert "glframe: widget streams relayed" in log_path.read_text(), log_path.read_text()[
            -3000:
        ]
        runtime.mkdir(exist_ok=True)
        # the login cookie a browser holds once the token has been used: what a page
        # elsewhere rides on (a request authenticated by a token in its URL skips Jupyter's
        # Origin check)
        answer = urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=10)
        cookie = "; ".join(c.split(";")[0] for c in answer.headers.get_all("Set-Cookie") or [])
        assert cookie, "the server set no login cookie"
        yield {"base": base, "token": token, "cookie": cookie, "runtime": runtime, "log": log_path}


class Listener:
    """Stands in for a kernel's endpoint on loopback and counts who connects.

    ``http``: answers any request with a plain ``200 OK`` (a server that is not a
    websocket endpoint); otherwise closes each connection at once.
    """

    def __init__(self, http: bool = False) -> None:
        self.http = http
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Listener:
        self._server = await asyncio.start_server(self._on, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _on(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            if self.http:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
                writer.write(b"Content-Length: 2\r\n\r\nok")
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def _register(runtime: Path, port: int, pid: int | None = None) -> Path:
    """Write the file a kernel's endpoint writes (owner-only, the port and a live pid)."""
    path = runtime / f"glframe-stream-{port}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"port": port, "pid": os.getpid() if pid is None else pid}, f)
    return path


def _url(server: dict, port: int, *, token: bool = True, key: str = KEY) -> str:
    """The relay's address for ``port``; ``token``: logged in by the server's token in it."""
    base = server["base"].replace("http://", "ws://")
    query = f"stream_token={STREAM_TOKEN}&view=v1"
    if token:
        query += f"&token={server['token']}"
    return f"{base}/glframe/stream/{port}/{key}?{query}"


async def _attempt(
    url: str, origin: str | None = None, cookie: str | None = None
) -> tuple[int, bytes]:
    """The handshake's answer: (status, body); 101 when the relay accepted."""
    import tornado.httpclient
    import tornado.websocket

    headers = {"Origin": origin} if origin else {}
    if cookie:
        headers["Cookie"] = cookie
    request = tornado.httpclient.HTTPRequest(url, headers=headers, request_timeout=60)
    try:
        socket = await tornado.websocket.websocket_connect(request)
    except tornado.httpclient.HTTPClientError as exc:
        body = exc.response.body if exc.response is not None else b""
        return exc.code, body
    socket.close()
    return 101, b""


def _log_since(server: dict, start: int, what: str = "", timeout: float = 5.0) -> str:
    """The server's log written after ``start`` (waiting up to ``timeout`` for ``what``)."""
    deadline = time.time() + timeout
    while True:
        text = server["log"].read_text()[start:]
        if what in text or time.time() > deadline:
            return text
        time.sleep(0.05)


def test_a_cross_origin_page_opens_nothing_upstream(server):
    """A page elsewhere carrying the user's login is refused before the relay connects."""

    async def scenario() -> None:
        async with Listener() as kernel:
            path = _register(server["runtime"], kernel.port)
            try:
                code, _ = await _attempt(
                    _url(server, kernel.port, token=False),
                    origin="http://evil.example",
                    cookie=server["cookie"],
                )
                await asyncio.sleep(0.2)  # a connection made late would still be counted
            finally:
                path.unlink()
            assert kernel.connections == 0, "the relay connected upstream for a cross-origin page"
            assert code == 403

    asyncio.run(scenario())


def test_an_unregistered_port_is_a_502_and_nothing_connects(server):
    """A listening port with no glframe endpoint registered: refused without a connection."""

    async def scenario() -> None:
        async with Listener() as other:
            code, _ = await _attempt(_url(server, other.port))
            await asyncio.sleep(0.2)
            assert code == 502
            assert other.connections == 0, "the relay connected to an unregistered port"

    asyncio.run(scenario())


def test_a_registration_of_a_dead_process_or_another_port_counts_for_nothing(server):
    """A stale file (its kernel died) or one naming another port registers nothing."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()

    async def scenario() -> None:
        async with Listener() as kernel:
            path = _register(server["runtime"], kernel.port, pid=dead.pid)
            try:
                assert (await _attempt(_url(server, kernel.port)))[0] == 502
            finally:
                path.unlink()
            path = server["runtime"] / f"glframe-stream-{kernel.port}.json"
            path.write_text(json.dumps({"port": kernel.port + 1, "pid": os.getpid()}))
            path.chmod(0o600)
            try:
                assert (await _attempt(_url(server, kernel.port)))[0] == 502
            finally:
                path.unlink()
            await asyncio.sleep(0.2)
            assert kernel.connections == 0

    asyncio.run(scenario())


def test_every_upstream_failure_is_the_same_502_in_one_log_line_without_traceback(server):
    """Unregistered, registered but closed, not a websocket: one answer, one log line each."""

    async def scenario() -> dict[str, tuple[int, bytes]]:
        answers = {}
        async with Listener() as unregistered:
            answers["unregistered"] = await _attempt(_url(server, unregistered.port))
        closed = free_port()
        answers["closed"] = await _attempt(_url(server, closed))
        path = _register(server["runtime"], closed)
        try:
            answers["registered, closed"] = await _attempt(_url(server, closed))
        finally:
            path.unlink()
        async with Listener(http=True) as web:
            path = _register(server["runtime"], web.port)
            try:
                answers["not a websocket"] = await _attempt(_url(server, web.port))
            finally:
                path.unlink()
            assert web.connections == 1  # registered: the relay did try it
        return answers

    start = len(server["log"].read_text())
    answers = asyncio.run(scenario())
    log = _log_since(server, start, "not a websocket")
    codes = {what: code for what, (code, _) in answers.items()}
    assert set(codes.values()) == {502}, codes
    bodies = {body for _, body in answers.values()}
    assert len(bodies) == 1, "the answers tell a closed port from an unregistered one"
    assert "Traceback" not in log, log
    assert "Uncaught exception" not in log, log
    relay_lines = [line for line in log.splitlines() if "glframe relay:" in line]
    assert len(relay_lines) == len(answers), relay_lines
    assert server["token"] not in log and STREAM_TOKEN not in log, "a token in the log"


def test_a_registered_endpoint_is_relayed_both_ways(server, monkeypatch):
    """A real StreamEndpoint registers itself; the relay carries a same-origin page to it."""
    require_modules("anywidget")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(server["runtime"]))
    from glframe.backends.notebook import StreamEndpoint

    class Echo:
        def stream_message(self, socket, header, buffers) -> None:
            socket.send({"type": "echo", "got": header})

        def stream_closed(self, socket) -> None:
            pass

        def stream_warning(self, socket, message: str) -> None:
            pass

    async def scenario() -> None:
        import tornado.httpclient
        import tornado.websocket

        endpoint = StreamEndpoint().start()
        path = server["runtime"] / f"glframe-stream-{endpoint.port}.json"
        try:
            token = endpoint.add(KEY, Echo())
            info = json.loads(path.read_text())
            assert info["port"] == endpoint.port and info["pid"] == os.getpid()
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            # as a page of the notebook server's: its own origin, the login cookie
            url = _url(server, endpoint.port, token=False).replace(STREAM_TOKEN, token)
            headers = {"Origin": server["base"], "Cookie": server["cookie"]}
            request = tornado.httpclient.HTTPRequest(url, headers=headers)
            socket = await tornado.websocket.websocket_connect(request)
            socket.write_message(json.dumps({"type": "hello", "n": 1}))
            reply = await asyncio.wait_for(socket.read_message(), 10)
            assert json.loads(reply) == {"type": "echo", "got": {"type": "hello", "n": 1}}
            socket.close()
            # the endpoint's own token still decides, behind the relay
            code, _ = await _attempt(_url(server, endpoint.port))
            assert code == 502
        finally:
            endpoint.close()
        assert not path.exists(), "the endpoint left its registration behind"
        code, _ = await _attempt(_url(server, endpoint.port))
        assert code == 502

    asyncio.run(scenario())


def test_an_endpoint_removes_its_registration_when_its_process_ends(tmp_path):
    """A kernel that exits without closing its endpoint leaves no registration behind."""
    require_modules("anywidget")
    script = textwrap.dedent(
        """
        import asyncio, os, sys
        from glframe.backends.notebook import StreamEndpoint

        async def main():
            endpoint = StreamEndpoint().start()
            path = os.path.join(sys.argv[1], f"glframe-stream-{endpoint.port}.json")
            print(path, os.path.exists(path), flush=True)

        asyncio.run(main())
        """
    )
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    path, existed = done.stdout.split()
    assert existed == "True", "the endpoint did not register"
    assert not os.path.exists(path), "the registration outlived its process"
