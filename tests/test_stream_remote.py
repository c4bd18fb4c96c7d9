"""Remote producers: ``stream.Logger(address=...)`` sending to the stream server's intake.

A tornado app built from ``glframe.stream._ingest.ingest_routes`` runs on a loop
thread (on a free port) over a store in ``tmp_path``; producers log into it from
this process or from others. Checked: rows and configs arrive as a local Logger
would store them; several producer processes at once lose and reorder nothing;
the token (403 without it, accepted with it) and the loopback rule; every
malformed body refused with its message and nothing of it stored; 413 and a
Logger that splits its batch; a server down at the start, then up; a producer
killed with SIGKILL; a dead or silent server never blocks ``write``; ``close``
tells how many rows it could not send. No GL anywhere.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tornado")

import tornado.httpserver  # noqa: E402
import tornado.netutil  # noqa: E402
import tornado.web  # noqa: E402
from loop_thread import LoopThread  # noqa: E402
from test_stream_store import (  # noqa: E402
    _python,
    assert_a_whole_prefix,
    assert_producers_wrote_in_order,
    kill_after,
)

from glframe import stream  # noqa: E402
from glframe.data import StreamStore  # noqa: E402
from glframe.stream._ingest import ingest_routes  # noqa: E402
from glframe.stream._wire import CONTENT_TYPE, encode  # noqa: E402

TOKEN = "s3cret-token"
N_ROWS = 300


class Server:
    """The intake routes in a tornado app on a loop thread, over a store in ``path``."""

    def __init__(self, path, *, port: int = 0, require_token: bool = False, **options) -> None:
        self.store = StreamStore(path)
        self.loop = LoopThread("ingest")
        self.writes: list[tuple[str, list[str]]] = []
        routes = ingest_routes(
            self.store,
            token=TOKEN,
            require_token=require_token,
            on_write=self._written,
            **options,
        )

        async def start():
            sockets = tornado.netutil.bind_sockets(port, address="127.0.0.1")
            self.http = tornado.httpserver.HTTPServer(tornado.web.Application(routes))
            self.http.add_sockets(sockets)
            return sockets[0].getsockname()[1]

        self.port = self.loop.run(start())
        self.address = f"127.0.0.1:{self.port}"
        self.stall = 0.0  # seconds the next answer is held back, after storing

    def _written(self, scope: str, names: list[str]) -> None:
        self.writes.append((scope, names))
        stall, self.stall = self.stall, 0.0
        time.sleep(stall)  # on the loop: this answer (only) comes late

    def post(self, body, *, path="/api/write", content_type=CONTENT_TYPE, headers=None):
        """``(status, decoded JSON answer)`` of one POST."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                "POST", path, body, {"Content-Type": content_type, **(headers or {})}
            )
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def close(self) -> None:
        async def stop():
            self.http.stop()
            await self.http.close_all_connections()

        self.loop.run(stop())
        self.loop.stop()
        assert self.loop.errors == []
        self.store.close()


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path / "store")
    yield server
    server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, what: str, timeout: float = 60.0):
    """Poll ``check()`` until it is true (slow CI machines: generous, never a fixed sleep)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


# -- round trips -------------------------------------------------------------------


class TorchLike:
    """A tensor seen from outside: ``__array__`` only (torch is never imported)."""

    def __init__(self, data):
        self.data, self.shape = np.asarray(data), np.shape(data)

    def __array__(self, dtype=None, copy=None):
        return self.data


def test_rows_and_configs_arrive_as_a_local_logger_stores_them(server, tmp_path):
    columns = {
        "x": np.linspace(0, 1, 7, dtype=np.float32),
        "flags": np.array([True, False] * 3 + [True]),
        "z": np.arange(7, dtype=">i8"),  # big-endian travels as it is
        "c": np.full(7, 1 + 2j, dtype=np.complex64),
        "grid": np.arange(7 * 6, dtype=np.uint16).reshape(7, 2, 3),
        "step": 3,
    }
    with stream.Logger("run", address=server.address, flush_every=None) as log:
        assert log.store is None and log.address == server.address
        log.write_config({"lr": 0.1, "layers": [1, 2]})
        log.write("loss", step=0, value=0.5)
        log.write("cloud", **columns)
        log.write("tensor", t=TorchLike(np.ones((2, 2), np.float64)))
        log.write("empty", e=np.zeros((0, 3), np.float32))
        log.flush()
        assert log.sent == 4 and log.unsent == 0
    assert log.close() == 0 and log.lost == 0
    rows = stream.fetch(server.store, "run")
    assert list(rows) == [("run", n, 0) for n in ("loss", "cloud", "tensor", "empty")]
    for key, value in columns.items():
        got = rows[("run", "cloud", 0)][key]
        assert got.dtype == np.asarray(value).dtype and np.array_equal(got, value), key
    assert rows[("run", "tensor", 0)]["t"].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert rows[("run", "empty", 0)]["e"].shape == (0, 3)
    assert stream.config(server.store, "run") == {"lr": 0.1, "layers": [1, 2]}
    assert ("run", ["cloud", "empty", "loss", "tensor"]) in server.writes


def test_background_flushes_and_the_async_api(server):
    async def produce():
        async with stream.Logger("async", address=server.address, flush_every=0.05) as log:
            for i in range(50):
                await log.awrite("y", i=i)
            await log.aflush()
            assert log.sent == 50
            for i in range(50, 60):
                await log.awrite("y", i=i)
            _wait(lambda: log.sent == 60, "the background flush")

    asyncio.run(produce())
    rows = stream.fetch(server.store, "async", "y")
    assert [int(c["i"]) for c in rows.values()] == list(range(60))


def _remote_producer(address: str, k: int) -> str:
    return f"""
        import time
        import numpy as np
        from glframe import stream

        log = stream.Logger("p{k}", address={address!r}, flush_every=0.01)
        shared = stream.Logger("shared", address={address!r}, flush_every=0.013)
        for i in range({N_ROWS}):
            log.write("a", i=i)
            log.write("b", v=np.full(5, i, dtype=np.int32), k={k})
            shared.write("all", k={k}, i=i)
            if i % 50 == 0:
                time.sleep(0.01)  # let the others' flushes interleave with ours
        assert log.close() == 0 and shared.close() == 0
        assert log.lost == shared.lost == 0
    """


def test_several_producer_processes_at_once_nothing_lost_or_reordered(server):
    children = [_python(_remote_producer(server.address, k)) for k in range(4)]
    for child in children:
        assert child.wait(180) == 0
    assert_producers_wrote_in_order(stream.fetch(server.store), 4, N_ROWS)


def test_the_config_route(server):
    status, answer = server.post(
        json.dumps({"scope": "cfg", "config": {"a": 1}}),
        path="/api/config",
        content_type="application/json",
    )
    assert (status, answer) == (200, {"rows": 0, "configs": 1, "duplicate": False})
    assert stream.config(server.store, "cfg") == {"a": 1}
    for body, match in [
        ("[1]", r"a JSON object \{\"scope\""),
        ('{"scope": "a b", "config": {}}', r"scope must be .* not 'a b'"),
        ('{"scope": "s", "config": [1]}', r"config must be a JSON object"),
        ('{"scope": "s", "config": {"a": NaN}}', r"not UTF-8 JSON \(NaN is not JSON"),
        (b"\xff", r"not UTF-8 JSON"),
    ]:
        status, answer = server.post(body, path="/api/config", content_type="application/json")
        assert status == 400 and answer["error"], body
        assert re.search(match, answer["error"]), answer
    assert stream.scopes(server.store) == ["cfg"]


def test_python_m_glframe_stream_serve_takes_remote_producers(tmp_path):
    """The routes as ``python -m glframe stream serve`` mounts them, token required."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "glframe", "stream", "serve", str(tmp_path), "--port", str(port)]
        + ["--require-token", "--token", TOKEN],
        env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:

        def listening() -> bool:
            assert server.poll() is None, server.stderr.read().decode()[-3000:]
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0

        _wait(listening, "the server to listen", timeout=120)
        address = f"127.0.0.1:{port}"
        with stream.Logger("served", address=address, token=TOKEN, flush_every=0.05) as log:
            log.write_config({"via": "stream serve"})
            for i in range(100):
                log.write("y", i=i, v=np.full(3, i, dtype=np.float32))
        assert log.close() == 0 and log.sent == 100
        log = stream.Logger("served", address=address, flush_every=None)  # no token
        log.write("y", i=100)
        with pytest.raises(RuntimeError, match=r"HTTP 403: a valid token is required"):
            log.flush()
        log.close()
    finally:
        server.terminate()
        server.wait(30)
    rows = stream.fetch(tmp_path, "served", "y")
    assert [int(c["i"]) for c in rows.values()] == list(range(100))
    assert stream.config(tmp_path, "served") == {"via": "stream serve"}


# -- access ---------------------------------------------------------------------------


def test_the_token_is_required_when_the_server_says_so(tmp_path):
    server = Server(tmp_path / "store", require_token=True)
    try:
        body = encode("t", [("y", {"v": np.float64(1)})])
        assert server.post(body) == (403, {"error": "a valid token is required"})
        bad = {"Authorization": "token wrong"}
        assert server.post(body, headers=bad)[0] == 403
        assert server.post(body, headers={"Authorization": f"token {TOKEN}"})[0] == 200
        assert server.post(body, path=f"/api/write?token={TOKEN}")[0] == 200
        # a Logger without the token: the batch is refused, dropped and the error raised
        log = stream.Logger("t", address=server.address, flush_every=None)
        log.write("y", v=2.0)
        with pytest.raises(RuntimeError, match=r"refused 1 rows \(HTTP 403: a valid token"):
            log.flush()
        assert log.lost == 1 and log.close() == 0
        with stream.Logger("t", address=server.address, token=TOKEN, flush_every=None) as log:
            log.write("y", v=3.0)
        assert [float(c["v"]) for c in stream.fetch(server.store, "t", "y").values()] == [
            1.0,
            1.0,
            3.0,
        ]
    finally:
        server.close()


def test_loopback_host_origin_and_content_type_rules(server):
    body = encode("h", [("y", {"v": np.float64(1)})])
    status, answer = server.post(body, headers={"Host": "attacker.example"})
    assert status == 403 and "loopback host names" in answer["error"]
    status, answer = server.post(body, headers={"Origin": "http://attacker.example"})
    assert status == 403 and "Origin" in answer["error"]
    status, answer = server.post(body, content_type="text/plain")
    assert status == 415 and CONTENT_TYPE in answer["error"]
    assert stream.scopes(server.store) == []


# -- untrusted bodies -----------------------------------------------------------------


def _body(header: dict | list | bytes, data: bytes = b"") -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<I", len(text)) + text + data


GOOD_LAYOUT = ["ok", [["v", "<f8", []]]]
GOOD = np.float64(1.5).tobytes()


def _with(layout, data: bytes, **extra) -> bytes:
    """A valid first row, then a row of ``layout`` with ``data``."""
    header = {"version": 1, "scope": "bad", "layouts": [GOOD_LAYOUT, layout], "rows": [0, 1]}
    return _body({**header, **extra}, GOOD + data)


MALFORMED = [
    ("short", b"\x01\x00", r"has 2 bytes, fewer than the 4"),
    ("header past end", struct.pack("<I", 100) + b"{}", r"says 100 bytes but the body has only 2"),
    ("not utf-8", _body(b"\xff\xfe"), r"the header is not UTF-8 JSON"),
    ("not json", _body(b"{nope"), r"the header is not UTF-8 JSON"),
    ("a list", _body([1, 2]), r"must be a JSON object, not a list"),
    ("nan", _body(b'{"version": NaN}'), r"the header holds NaN, which is not JSON"),
    ("unknown field", _body({"version": 1, "scope": "s", "x": 1}), r"unknown fields \['x'\]"),
    ("version", _body({"version": 2, "scope": "s"}), r"version 2 is not 1"),
    ("scope", _body({"version": 1, "scope": "a b"}), r"scope must be .* not 'a b'"),
    (
        "long scope",
        _body({"version": 1, "scope": "s" * 129}),
        r"scope must be a string of 1 to 128",
    ),
    ("empty name", _with(["", [["v", "<f8", []]]], GOOD), r"row 1: name must be .* not ''"),
    ("name type", _with([3, [["v", "<f8", []]]], GOOD), r"row 1: name must be .* not 3"),
    ("column", _with(["y", [["x y", "<f8", []]]], GOOD), r"row 1 \('y'\): column name 'x y'"),
    ("no columns", _with(["y", []], b""), r"row 1 \('y'\): no columns"),
    (
        "twice",
        _with(["y", [["v", "<f8", []], ["v", "<f8", []]]], GOOD * 2),
        r"'v': the column appears twice",
    ),
    (
        "object",
        _with(["y", [["v", "|O", []]]], GOOD),
        r"row 1 \('y'\) column 'v': dtype '\|O' is not numeric",
    ),
    ("text", _with(["y", [["v", "<U2", []]]], GOOD), r"dtype '<U2' is not numeric"),
    ("datetime", _with(["y", [["v", "<M8[s]", []]]], GOOD), r"dtype '<M8\[s\]' is not numeric"),
    (
        "no byte order",
        _with(["y", [["v", "f8", []]]], GOOD),
        r"dtype 'f8' must be numpy's dtype string with its byte order.*'<f8'",
    ),
    ("long double", _with(["y", [["v", "<f16", []]]], GOOD * 2), r"dtype '<f16' has 16-byte items"),
    ("dtype type", _with(["y", [["v", 8, []]]], GOOD), r"column 'v': dtype 8 must be numpy's"),
    ("junk dtype", _with(["y", [["v", "<q9z", []]]], GOOD), r"dtype '<q9z' must be numpy's"),
    ("shape", _with(["y", [["v", "<f8", [-1]]]], GOOD), r"column 'v': shape \[-1\] must be a list"),
    ("shape type", _with(["y", [["v", "<f8", ["1"]]]], GOOD), r"shape \['1'\] must be a list"),
    ("bool shape", _with(["y", [["v", "<f8", [True]]]], GOOD), r"shape \[True\] must be a list"),
    (
        "lengths",
        _with(["y", [["a", "<f8", [2]], ["b", "<f8", [3]]]], GOOD * 5),
        r"row 1 \('y'\): column 'b' has 3 rows .* but 'a' has 2",
    ),
    (
        "missing bytes",
        _with(["y", [["v", "<f8", [2]]]], GOOD),
        r"row 1 \('y'\) column 'v': 16 bytes of <f8 \[2\] go past the body's end \(8 bytes left\)",
    ),
    (
        "extra bytes",
        _with(["y", [["v", "<f8", []]]], GOOD + b"x"),
        r"1 bytes after the last row's data",
    ),
    ("huge shape", _with(["y", [["v", "<f8", [2**40, 2**20]]]], GOOD), r"go past the body's end"),
    (
        "layout index",
        _body({"version": 1, "scope": "s", "layouts": [GOOD_LAYOUT], "rows": [0, 5]}, GOOD * 2),
        r"row 1: layout 5 is not an index into the 1 layouts",
    ),
    (
        "layout shape",
        _with(["y"], GOOD),
        r"row 1: layout 1 must be \[name, \[\[column, dtype, shape\]",
    ),
    (
        "unused layout",
        _body(
            {"version": 1, "scope": "s", "layouts": [GOOD_LAYOUT, GOOD_LAYOUT], "rows": [0]}, GOOD
        ),
        r"layouts \[1\] are used by no row",
    ),
    (
        "rows type",
        _body({"version": 1, "scope": "s", "rows": {"a": 1}}),
        r"rows must be a JSON list",
    ),
    (
        "config",
        _with(GOOD_LAYOUT, GOOD, configs=[[1]]),
        r"config 0 must be a JSON object, not \[1\]",
    ),
    ("producer alone", _with(GOOD_LAYOUT, GOOD, producer="p"), r"batch None must be an int from 1"),
    (
        "producer",
        _with(GOOD_LAYOUT, GOOD, producer="a b", batch=1),
        r"producer 'a b' must be 1 to 64",
    ),
]


@pytest.mark.parametrize("body, match", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_body_is_refused_with_its_reason_and_nothing_stored(server, body, match):
    status, answer = server.post(body)
    assert status == 400, answer
    assert re.search(match, answer["error"]), answer["error"]
    assert stream.scopes(server.store) == []
    # the same rows, well formed, are stored
    assert server.post(_with(GOOD_LAYOUT, GOOD))[0] == 200
    assert len(stream.fetch(server.store, "bad", "ok")) == 2


def test_a_body_past_the_limit_gets_413_and_a_logger_splits_its_batch(tmp_path):
    server = Server(tmp_path / "store", max_body_size=64 * 1024)
    try:
        big = _body({"version": 1, "scope": "s"}, b"\0" * (64 * 1024))
        status, answer = server.post(big)
        assert status == 413 and "limit of 65536 bytes" in answer["error"]
        # announced by Content-Length: refused before the body is sent
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
            s.sendall(
                b"POST /api/write HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                + CONTENT_TYPE.encode()
                + b"\r\nContent-Length: 999999999\r\n\r\n"
            )
            assert s.recv(100).startswith(b"HTTP/1.1 413")
        # a Logger whose batch is too large for this server: halves, in order
        log = stream.Logger("split", address=server.address, flush_every=None)
        for i in range(100):
            log.write("y", i=i, pad=np.full(200, i, dtype=np.float64))  # 1.6 KB a row
        log.flush()
        assert log.sent == 100 and log.lost == 0
        # one row larger than the server accepts: refused alone, the others go on
        log.write("y", i=100, pad=np.zeros(10_000))
        log.write("y", i=101, pad=np.zeros(200))
        with pytest.raises(RuntimeError, match=r"refused 1 rows \(HTTP 413: .*limit of 65536"):
            log.flush()
        assert log.lost == 1 and log.close() == 0
        rows = stream.fetch(server.store, "split", "y")
        assert [int(c["i"]) for c in rows.values()] == [*range(100), 101]
    finally:
        server.close()


def test_a_batch_sent_twice_is_stored_once(server):
    body = encode("dup", [("y", {"v": np.float64(1)})], producer="abc", batch=3)
    assert server.post(body) == (200, {"rows": 1, "configs": 0, "duplicate": False})
    assert server.post(body) == (200, {"rows": 0, "configs": 0, "duplicate": True})
    older = encode("dup", [("y", {"v": np.float64(2)})], producer="abc", batch=2)
    assert server.post(older)[1]["duplicate"] is True
    newer = encode("dup", [("y", {"v": np.float64(4)})], producer="abc", batch=4)
    assert server.post(newer)[1]["rows"] == 1
    assert [float(c["v"]) for c in stream.fetch(server.store, "dup", "y").values()] == [1, 4]


def test_a_batch_whose_answer_came_too_late_is_not_stored_again(server):
    """The server stores a batch, its answer misses the Logger's timeout, the Logger sends
    the batch again: the server knows its number and stores it once."""
    log = stream.Logger("late-ack", address=server.address, flush_every=None, timeout=0.5)
    server.stall = 1.0
    for i in range(5):
        log.write("y", i=i)
    with (
        pytest.warns(RuntimeWarning, match=r"is unreachable \(TimeoutError"),
        pytest.raises(ConnectionError, match=r"5 rows are not sent"),
    ):
        log.flush()  # stored, but the answer came after the timeout
    time.sleep(1.5)  # the stall is over (the loop answered late meanwhile)
    assert server.writes == [("late-ack", ["y"])]
    log.write("y", i=5)
    log.flush()  # the same batch again (a duplicate, stored once), then the new row
    assert log.sent == 6 and log.close() == 0
    rows = stream.fetch(server.store, "late-ack", "y")
    assert [int(c["i"]) for c in rows.values()] == list(range(6))


# -- an unreachable server ---------------------------------------------------------------


def test_a_server_down_at_the_start_gets_the_rows_once_it_is_up(tmp_path):
    port = _free_port()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = stream.Logger("late", address=f"127.0.0.1:{port}", flush_every=0.05)
        for i in range(100):
            log.write("y", i=i)
        _wait(lambda: any("unreachable" in str(w.message) for w in caught), "the warning")
        for i in range(100, 200):
            log.write("y", i=i)
        _wait(lambda: log.unsent == 200 and log._sink.delay >= 0.4, "a few retries")
        server = Server(tmp_path / "store", port=port)
        try:
            _wait(lambda: log.sent == 200, "the rows to arrive after a retry")
            assert log.close() == 0 and log.lost == 0
            rows = stream.fetch(server.store, "late", "y")
            assert [int(c["i"]) for c in rows.values()] == list(range(200))
        finally:
            server.close()
    outages = [w for w in caught if "unreachable" in str(w.message)]
    assert len(outages) == 1, [str(w.message) for w in caught]  # warned once
    assert f"127.0.0.1:{port} is unreachable" in str(outages[0].message)


def test_close_tells_the_rows_it_could_not_send(tmp_path):
    address = f"127.0.0.1:{_free_port()}"
    log = stream.Logger("gone", address=address, flush_every=None, timeout=0.5)
    for i in range(10):
        log.write("y", i=i)
    with (
        pytest.warns(RuntimeWarning, match=r"is unreachable .*; 10 rows are kept"),
        pytest.raises(ConnectionError, match=r"10 rows are not sent: .* unreachable"),
    ):
        log.flush()
    assert log.unsent == 10
    with pytest.warns(RuntimeWarning, match=r"close: 10 rows could not be sent .* timeout=0.5"):
        start = time.monotonic()
        assert log.close() == 10
    assert time.monotonic() - start < 30
    assert log.close() == 10  # idempotent, warned once


def test_past_max_unsent_the_oldest_rows_are_dropped_and_told(tmp_path):
    address = f"127.0.0.1:{_free_port()}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = stream.Logger(
            "full", address=address, flush_every=None, timeout=0.2, max_unsent=100_000
        )
        for _ in range(5):
            for i in range(10):
                log.write("y", i=i, pad=np.zeros(500))  # 4 kB a row, 40 kB a flush
            with pytest.raises(ConnectionError):
                log.flush()
        assert log.lost == 30 and log.unsent == 20  # the two newest flushes are kept
        log.close()
    dropped = [str(w.message) for w in caught if "rows dropped" in str(w.message)]
    assert dropped and "the oldest unsent ones: more than max_unsent=100000" in dropped[0]


def test_a_silent_server_never_blocks_write(tmp_path):
    """A server that accepts connections and never answers: writes return at once."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            log = stream.Logger("slow", address=address, flush_every=0.01, timeout=1)
            log.write("y", i=-1)
            time.sleep(0.2)  # the flush thread is now waiting for an answer
            start = time.perf_counter()
            for i in range(2000):
                log.write("y", i=i, v=np.zeros(10))
            assert time.perf_counter() - start < 2.0
            assert log.unsent == 2001
            assert log.close() == 2001


def test_a_producer_killed_with_sigkill_keeps_every_acknowledged_flush(server):
    child = _python(
        f"""
        import numpy as np
        from glframe import stream

        log = stream.Logger("killed", address={server.address!r}, flush_every=0.005)
        i = 0
        while True:
            for _ in range(5):
                log.write("y", i=i, noise=np.full(500, float(i)))
                i += 1
            log.flush()
            print(log.sent, flush=True)  # rows 0 .. sent-1 are acknowledged
        """,
        stdout=subprocess.PIPE,
    )
    acknowledged = kill_after(child, 300)
    assert_a_whole_prefix(server.store.path, "killed", acknowledged)


# -- arguments ---------------------------------------------------------------------------


def test_bad_arguments_are_refused_clearly(tmp_path):
    with pytest.raises(ValueError, match=r"give store= .* or address= .*, not both"):
        stream.Logger("s", tmp_path, address="127.0.0.1:1")
    with pytest.raises(ValueError, match=r"token= goes with address="):
        stream.Logger("s", tmp_path, token="t")
    for bad, match in [
        ("nohost", r"has no port"),
        ("host:port", r"is not 'host:port'"),
        ("ftp://host:1", r"is not 'host:port'"),
        ("http://h:1/?q=1", r"has a query"),
        ("", r"address must be 'host:port'"),
        (8766, r"address must be 'host:port', not 8766"),
    ]:
        with pytest.raises(ValueError, match=match):
            stream.Logger("s", address=bad)
    for bad in ("", "a b", "a\r\nX-Injected: 1", "é", 3):
        with pytest.raises(ValueError, match=r"token must be a non-empty string of printable"):
            stream.Logger("s", address="127.0.0.1:1", token=bad)
    with pytest.raises(ValueError, match=r"the path '/a b' of address"):
        stream.Logger("s", address="http://h:1/a b")
    with pytest.raises(ValueError, match=r"timeout must be a number of seconds > 0"):
        stream.Logger("s", address="127.0.0.1:1", timeout=0)
    with pytest.raises(ValueError, match=r"max_unsent must be a number of bytes > 0"):
        stream.Logger("s", address="127.0.0.1:1", max_unsent=-1)
    with pytest.raises(TypeError, match=r"store must be a StreamStore"):
        ingest_routes(str(tmp_path), token="t", require_token=False)
    with StreamStore(tmp_path) as store, pytest.raises(ValueError, match=r"token must be"):
        ingest_routes(store, token="", require_token=False)
    # a dtype that cannot travel is refused at the flush, the other rows sent
    log = stream.Logger("s", address="127.0.0.1:1", flush_every=None, timeout=0.1)
    log.write("y", v=np.zeros(2, dtype=np.longdouble))
    with pytest.raises(TypeError, match=r"column 'v' of dtype float128 cannot be sent"):
        log.flush()
    assert log.lost == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert log.close() == 0
