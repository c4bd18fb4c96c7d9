"""The stream store and its Logger (glframe.data.StreamStore, glframe.stream).

Several producer processes at once, a producer killed mid-transaction and
mid-loop, readers following a growing store, the writer never waiting on
readers, foreign arrays (``__array__``/``__dlpack__``) converted only at the
flush, the async API, configs, every error, and a tampered database refused.
No GL anywhere.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from glframe import stream
from glframe.data import StreamStore, StreamStoreError

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, text=True, **kwargs
    )


def _by_name(rows) -> dict[tuple[str, str], list]:
    """``{(scope, name): [(index, columns), ...]}`` in the order fetch returned them."""
    out: dict[tuple[str, str], list] = {}
    for (scope, name, index), columns in rows.items():
        out.setdefault((scope, name), []).append((index, columns))
    return out


# -- round trips -----------------------------------------------------------------


def test_columns_round_trip_with_dtype_shape_and_order(tmp_path):
    columns = {
        "flag": np.array([True, False]),
        "small": np.array([-3, 7], dtype=np.int8),
        "wide": np.array([1, 2**40], dtype=">i8"),  # big-endian stays big-endian
        "half": np.arange(2, dtype=np.float16),
        "grid": np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4),
        "z": np.array([1 + 2j, 3 - 4j], dtype=np.complex64),
        "step": 5,  # scalars sit beside arrays
        "lr": 0.25,
        "done": True,
    }
    with stream.Logger("run1", tmp_path, flush_every=None) as log:
        log.write("many", **columns)
        log.write("empty", x=np.zeros((0, 3)))
        log.write("many", **columns)
    rows = stream.fetch(tmp_path)
    assert list(rows) == [("run1", "many", 0), ("run1", "empty", 0), ("run1", "many", 1)]
    got = rows[("run1", "many", 1)]
    assert list(got) == list(columns)
    for column, value in columns.items():
        want = np.asarray(value)
        assert got[column].dtype == want.dtype, column
        assert got[column].shape == want.shape, column
        np.testing.assert_array_equal(got[column], want)
        assert not got[column].flags.writeable
    assert rows[("run1", "empty", 0)]["x"].shape == (0, 3)
    assert stream.scopes(tmp_path) == ["run1"]
    assert stream.names(tmp_path, "run1") == ["empty", "many"]


def test_arrays_are_copied_at_write_and_indexes_count_per_name(tmp_path):
    with stream.Logger("s", tmp_path, flush_every=None) as log:
        y = np.zeros(3)
        for i in range(5):
            y[:] = i  # changed after each write: each row keeps its own values
            log.write("y", v=y)
            log.write("other", i=i)
    rows = stream.fetch(tmp_path, "s", "y")
    assert [key for key in rows] == [("s", "y", i) for i in range(5)]
    assert [int(r["v"][0]) for r in rows.values()] == [0, 1, 2, 3, 4]
    assert [k[2] for k in stream.fetch(tmp_path, name="other")] == list(range(5))


def test_config_round_trip(tmp_path):
    assert not (tmp_path / "runs").exists()
    store = tmp_path / "runs"
    with stream.Logger("cfg", store) as log:
        log.write_config({"lr": 0.1, "layers": [64, 64], "opt": {"name": "adam", "b": None}})
        log.write_config({"lr": 0.05, "note": "ünïcode"})
    assert stream.config(store, "cfg") == {"lr": 0.05, "note": "ünïcode"}
    assert stream.scopes(store) == ["cfg"]  # a scope with only a config is listed
    assert stream.names(store, "cfg") == []
    assert stream.config(store, "nothing") is None


def test_since_follows_and_survives_a_delete(tmp_path):
    with StreamStore(tmp_path) as store:
        store.append("a", [("y", {"v": np.int32(0)})])
        store.append("b", [("y", {"v": np.int32(0)})])
        first = stream.fetch(store)
        assert len(first) == 2
        assert stream.fetch(store, since=first.cursor) == {}
        # the newest rows deleted: their sequence numbers are not reused, so a
        # follower holding an old cursor still sees what comes after
        assert stream.delete(store, "b") == 1
        store.append("a", [("y", {"v": np.int32(1)}), ("z", {"v": np.int32(2)})])
        new = stream.fetch(store, since=first.cursor)
        assert list(new) == [("a", "y", 1), ("a", "z", 0)]
        assert new.cursor > first.cursor
        assert stream.fetch(store, "a", "y", since=new.cursor) == {}
        assert stream.scopes(store) == ["a"]
        assert stream.names(store, "b") == [] and stream.fetch(store, "b") == {}
        assert stream.delete(store, "b") == 0


def test_fetch_columns_joins_rows_like_fetch_and_follows(tmp_path):
    rng = np.random.default_rng(1)
    clouds = [rng.random((k, 2), dtype=np.float32) for k in (3, 0, 5)]
    with stream.Logger("c", tmp_path, flush_every=None) as log:
        for i, cloud in enumerate(clouds):
            log.write("loss", step=i, value=np.float32(i / 2))
            log.write("cloud", xy=cloud, t=i)
        log.write("other", q=1)
    loss = stream.fetch_columns(tmp_path, "c", "loss")
    assert list(loss) == ["step", "value"]
    assert loss["step"].tolist() == [0, 1, 2] and loss["value"].dtype == np.float32
    assert loss["value"].tolist() == [0.0, 0.5, 1.0]
    assert loss.indexes.tolist() == [0, 1, 2]
    cloud = stream.fetch_columns(tmp_path, "c", "cloud")
    np.testing.assert_array_equal(cloud["xy"], np.concatenate(clouds))
    assert cloud["xy"].shape == (8, 2) and cloud["t"].tolist() == [0, 1, 2]
    # the same values as fetch, row by row
    rows = stream.fetch(tmp_path, "c", "cloud")
    np.testing.assert_array_equal(np.concatenate([r["xy"] for r in rows.values()]), cloud["xy"])
    assert rows.cursor == cloud.cursor
    with stream.Logger("c", tmp_path, flush_every=None) as log:
        log.write("loss", step=3, value=np.float32(1.5))
    new = stream.fetch_columns(tmp_path, "c", "loss", since=loss.cursor)
    assert new.indexes.tolist() == [3] and new["value"].tolist() == [1.5]
    empty = stream.fetch_columns(tmp_path, "c", "loss", since=new.cursor)
    assert dict(empty) == {} and empty.indexes.tolist() == [] and empty.cursor == new.cursor


@pytest.mark.parametrize(
    ("second", "match"),
    [
        (
            {"x": np.float64(1)},
            r"row \('d', 'n', 1\) column 'x' is float64 .* first row's is "
            r"float32",
        ),
        (
            {"x": np.zeros((2, 3), np.float32)},
            r"column 'x' is float32 of shape \(2, 3\), but "
            r"the first row's is float32 with items of shape \(\)",
        ),
        ({"x": np.float32(1), "y": 2}, r"column 'y' is .* first row's columns are \['x'\]"),
        ({"y": 2}, r"column 'y' is .* first row's columns are \['x'\]"),
    ],
)
def test_fetch_columns_refuses_rows_that_differ(tmp_path, second, match):
    with stream.Logger("d", tmp_path, flush_every=None) as log:
        log.write("n", x=np.zeros(4, np.float32))
        log.write("n", **second)
    with pytest.raises(ValueError, match=match + r".*read them with fetch\(\)"):
        stream.fetch_columns(tmp_path, "d", "n")
    assert len(stream.fetch(tmp_path)) == 2  # fetch reads them


def test_fetch_columns_refuses_a_row_with_fewer_columns(tmp_path):
    with stream.Logger("d", tmp_path, flush_every=None) as log:
        log.write("n", x=1, y=2)
        log.write("n", x=1)
        log.write("n", x=1, y=2)
    with pytest.raises(ValueError, match=r"row \('d', 'n', 1\) has 1 of the columns \['x', 'y'\]"):
        stream.fetch_columns(tmp_path, "d", "n")


# -- several processes, crashes, readers -------------------------------------------

N_ROWS = 200


def _producer(store: str, k: int) -> None:
    log = stream.Logger(f"p{k}", store, flush_every=0.01)
    shared = stream.Logger("shared", store, flush_every=0.013)
    for i in range(N_ROWS):
        log.write("a", i=i)
        log.write("b", v=np.full(5, i, dtype=np.int32), k=k)
        shared.write("all", k=k, i=i)
        if i % 50 == 0:
            time.sleep(0.01)  # let the others' flushes interleave with ours
    log.close()
    shared.close()


def test_several_processes_write_at_once_nothing_lost_or_reordered(tmp_path):
    store = str(tmp_path / "new")  # made by the racing producers themselves
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_producer, args=(store, k)) for k in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    assert_producers_wrote_in_order(stream.fetch(store), 4, N_ROWS)


def assert_producers_wrote_in_order(fetched, producers: int, count: int) -> None:
    """What ``producers`` processes of ``_producer``'s kind wrote: nothing lost or reordered.

    Each wrote ``count`` rows of "a" and "b" in scope ``p{k}`` and of "all" in
    the shared scope (also used by tests/test_stream_remote.py).
    """
    rows = _by_name(fetched)
    for k in range(producers):
        a = rows[(f"p{k}", "a")]
        assert [index for index, _ in a] == list(range(count))
        assert [int(c["i"]) for _, c in a] == list(range(count))
        b = rows[(f"p{k}", "b")]
        assert [c["v"].tolist() for _, c in b] == [[i] * 5 for i in range(count)]
    shared = rows[("shared", "all")]
    assert [index for index, _ in shared] == list(range(producers * count))
    for k in range(producers):  # each producer's rows, in its order, interleaved with others'
        assert [int(c["i"]) for _, c in shared if int(c["k"]) == k] == list(range(count))


def test_a_producer_killed_mid_transaction_loses_only_that_transaction(tmp_path):
    """The kill lands inside a flush's transaction (rows inserted, COMMIT not reached)."""
    child = _python(
        f"""
        import sys, time
        import numpy as np
        from glframe import stream

        log = stream.Logger("k", {str(tmp_path)!r}, flush_every=None)
        for i in range(10):
            log.write("y", i=i, big=np.full(1000, i))
        log.flush()

        class Stall:  # the database, except that COMMIT never comes
            def __init__(self, db):
                self.db = db
            def execute(self, sql, *args):
                if sql == "COMMIT":
                    print("inside", flush=True)
                    time.sleep(60)
                return self.db.execute(sql, *args)
            def executemany(self, *args):
                return self.db.executemany(*args)

        log._sink.store._db = Stall(log._sink.store._db)
        for i in range(10, 20):
            log.write("y", i=i, big=np.full(1000, i))
        log.flush()
        """,
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout.readline().strip() == "inside"
        # the transaction holds the write lock; the store is still readable meanwhile
        assert len(stream.fetch(tmp_path)) == 10
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    rows = stream.fetch(tmp_path, "k", "y")
    assert [index for _, _, index in rows] == list(range(10))
    assert [int(c["i"]) for c in rows.values()] == list(range(10))
    with sqlite3.connect(tmp_path / "stream.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # the killed writer's lock is gone: a new writer carries on from index 10
    with stream.Logger("k", tmp_path, flush_every=None) as log:
        log.write("y", i=10, big=np.full(1000, 10))
    assert max(index for _, _, index in stream.fetch(tmp_path, "k", "y")) == 10


def test_a_producer_killed_while_flushing_fast_keeps_every_flushed_row(tmp_path):
    child = _python(
        f"""
        import numpy as np
        from glframe import stream

        log = stream.Logger("fast", {str(tmp_path)!r}, flush_every=0.001)
        i = 0
        while True:
            for _ in range(5):
                log.write("y", i=i, noise=np.full(2000, float(i)))
                i += 1
            log.flush()
            print(i, flush=True)  # rows 0 .. i-1 are committed
        """,
        stdout=subprocess.PIPE,
    )
    flushed = kill_after(child, 300)
    assert_a_whole_prefix(tmp_path, "fast", flushed)


def kill_after(child: subprocess.Popen, rows: int) -> int:
    """SIGKILL ``child`` once it has printed a row count of at least ``rows``; the last."""
    try:
        flushed = 0
        while flushed < rows:
            flushed = int(child.stdout.readline())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    return flushed


def assert_a_whole_prefix(store: Path, scope: str, flushed: int) -> None:
    """The killed producer's rows "y": at least ``flushed``, none missing, none torn."""
    rows = stream.fetch(store, scope, "y")
    count = len(rows)
    assert count >= flushed
    assert [index for _, _, index in rows] == list(range(count))
    assert all(int(c["i"]) == index == int(c["noise"][-1]) for (_, _, index), c in rows.items())
    with sqlite3.connect(Path(store) / "stream.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_reader_following_a_growing_store_sees_a_prefix_each_time(tmp_path):
    StreamStore(tmp_path).close()
    child = _python(
        f"""
        import time
        import numpy as np
        from glframe import stream

        with stream.Logger("live", {str(tmp_path)!r}, flush_every=0.003) as log:
            for i in range(3000):
                log.write("sin", x=i, y=np.sin(i / 10))
                log.write("cloud", xy=np.full((100, 2), i, dtype=np.float32))
                if i % 100 == 0:
                    time.sleep(0.005)
        """
    )
    seen: dict[str, list] = {"sin": [], "cloud": []}
    polls = grew = 0
    with StreamStore(tmp_path, create=False) as store:
        cursor = None
        while True:
            done = child.poll() is not None  # decided before the fetch: then it is the last
            rows = stream.fetch(store, "live", since=cursor)
            cursor = rows.cursor
            polls += 1
            grew += bool(rows)
            for (_, name, index), columns in rows.items():
                seen[name].append((index, columns))
            for name, got in seen.items():
                assert [index for index, _ in got] == list(range(len(got))), name
            if done:
                break
            time.sleep(0.002)
    assert child.returncode == 0
    assert len(seen["sin"]) == len(seen["cloud"]) == 3000
    assert [int(c["x"]) for _, c in seen["sin"]] == list(range(3000))
    assert all(c["xy"][0, 0] == i for i, c in seen["cloud"])
    assert grew >= 3, f"the store should have been seen growing ({polls} polls, {grew} grew)"


def test_writing_never_waits_for_readers_or_other_writers(tmp_path):
    log = stream.Logger("w", tmp_path, flush_every=None)
    log.write("y", v=0)
    log.flush()
    reader = sqlite3.connect(tmp_path / "stream.sqlite", isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM rows").fetchone() == (1,)  # a snapshot held
    log.write("y", v=1)
    t0 = time.perf_counter()
    log.flush()  # a reader's open transaction does not hold the writer up
    assert time.perf_counter() - t0 < 1.0
    assert reader.execute("SELECT COUNT(*) FROM rows").fetchone() == (1,)  # its snapshot
    reader.execute("COMMIT")
    assert reader.execute("SELECT COUNT(*) FROM rows").fetchone() == (2,)
    # another writer holds the lock: write() still returns at once (it only buffers)
    reader.execute("BEGIN IMMEDIATE")
    t0 = time.perf_counter()
    for i in range(2, 1002):
        log.write("y", v=i)
    assert time.perf_counter() - t0 < 0.5
    flusher = threading.Thread(target=log.flush)
    flusher.start()
    time.sleep(0.2)
    assert flusher.is_alive()  # the flush waits for the lock (busy_timeout) ...
    reader.execute("COMMIT")
    flusher.join(10)
    assert not flusher.is_alive()  # ... and goes through once it is free
    reader.close()
    log.close()
    assert [int(c["v"]) for c in stream.fetch(tmp_path).values()] == list(range(1002))


def test_rows_the_store_refuses_are_kept_for_the_next_flush(tmp_path):
    store = StreamStore(tmp_path, timeout=0.05)  # give up on a held lock quickly
    log = stream.Logger("r", store, flush_every=None)
    log.write("y", v=0)
    blocker = sqlite3.connect(tmp_path / "stream.sqlite", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        log.flush()
    log.write("y", v=1)
    blocker.execute("COMMIT")
    blocker.close()
    log.close()
    assert [int(c["v"]) for c in stream.fetch(store).values()] == [0, 1]  # kept, in order
    assert not store._closed  # a store passed in is the caller's to close
    store.close()


def test_the_store_checks_what_it_is_given(tmp_path):
    with StreamStore(tmp_path) as store:
        with pytest.raises(TypeError, match=r"append\('y'\): column 'v' has dtype <U1, not"):
            store.append("s", [("y", {"v": np.array(["a"])})])
        with pytest.raises(ValueError, match=r"column name 3 is not an identifier"):
            store.append("s", [("y", {3: np.zeros(1)})])
        with pytest.raises(ValueError, match=r"name must be .* not \['y'\]"):
            store.append("s", [(["y"], {"v": np.zeros(1)})])
        assert stream.fetch(store) == {}  # nothing half-written
    with pytest.raises(RuntimeError, match=r"StreamStore .* is closed"):
        store.fetch()


# -- flushing in the background and at exit ----------------------------------------


def test_background_flush_close_and_garbage_collection(tmp_path):
    log = stream.Logger("bg", tmp_path, flush_every=0.02)
    log.write("y", v=1)
    deadline = time.monotonic() + 10
    while not stream.fetch(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(stream.fetch(tmp_path)) == [("bg", "y", 0)]  # no flush() was called
    log.close()
    assert not log._thread.is_alive()

    # dropped without close(): the logger is collected (nothing else holds it), and
    # what it held is flushed, by its thread (an hour away from its next flush)
    log = stream.Logger("gc", tmp_path, flush_every=3600)
    thread = log._thread
    log.write("y", v=2)
    del log
    gc.collect()
    thread.join(10)
    assert not thread.is_alive()
    # no thread: the finalizer flushes at once
    log = stream.Logger("gc-none", tmp_path, flush_every=None)
    log.write("y", v=3)
    del log
    gc.collect()
    assert list(stream.fetch(tmp_path))[1:] == [("gc", "y", 0), ("gc-none", "y", 0)]
    threads = [t for t in threading.enumerate() if t.name.startswith("glframe.stream")]
    assert threads == []


def test_a_finalizer_run_inside_a_flush_does_not_deadlock(tmp_path):
    """Garbage collection may finalize a logger in its own flush thread, mid-flush."""
    log = stream.Logger("re", tmp_path, flush_every=0.01)
    closer, thread = log._closer, log._thread

    class Collects:  # converting it runs the logger's finalizer, as a GC pass there could
        shape = (1,)

        def __array__(self, dtype=None, copy=None):
            closer()
            return np.ones(1)

    log.write("y", v=Collects())
    thread.join(10)
    assert not thread.is_alive()
    assert [int(c["v"][0]) for c in stream.fetch(tmp_path).values()] == [1]
    assert log.closed


def test_interpreter_exit_flushes_and_torch_is_never_imported(tmp_path):
    child = _python(
        f"""
        import sys
        import numpy as np
        from glframe import stream

        class Tensor:
            def __init__(self, a):
                self.a, self.shape = a, a.shape
            def __array__(self, dtype=None, copy=None):
                return self.a

        log = stream.Logger("exit", {str(tmp_path)!r}, flush_every=3600)
        log.write("y", t=Tensor(np.arange(4.0)))
        assert not any(m.split(".")[0] in ("torch", "jax") for m in sys.modules)
        # no close(), no flush(): the interpreter's exit flushes
        """
    )
    assert child.wait(30) == 0
    rows = stream.fetch(tmp_path)
    np.testing.assert_array_equal(rows[("exit", "y", 0)]["t"], np.arange(4.0))


# -- foreign arrays ------------------------------------------------------------------


class ArrayOnly:
    """Like an array of a library without DLPack: ``__array__`` only, counting calls."""

    def __init__(self, data):
        self.data = np.asarray(data)
        self.shape = self.data.shape
        self.conversions = 0

    def __array__(self, dtype=None, copy=None):
        self.conversions += 1
        return self.data


class HostTensor(ArrayOnly):
    """Like a CPU tensor: DLPack too (preferred: counted apart)."""

    def __init__(self, data):
        super().__init__(data)
        self.exports = 0

    def __dlpack__(self, **kwargs):
        self.exports += 1
        return self.data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.data.__dlpack_device__()


class DeviceTensor:
    """Like a GPU tensor that requires grad: readable only after ``detach().cpu()``."""

    def __init__(self, data):
        self.data = np.asarray(data)
        self.shape = self.data.shape
        self.copies_to_host = 0

    def __array__(self, dtype=None, copy=None):
        raise TypeError("can't convert cuda:0 device type tensor to numpy")

    def detach(self):
        return self

    def cpu(self):
        self.copies_to_host += 1
        return HostTensor(self.data)


def test_foreign_arrays_convert_only_at_the_flush(tmp_path):
    only_array = ArrayOnly(np.arange(6, dtype=np.float32).reshape(2, 3))
    via_dlpack = HostTensor(np.arange(2, dtype=np.int16))
    on_device = DeviceTensor(np.array([7.0, 8.0]))
    with stream.Logger("t", tmp_path, flush_every=None) as log:
        log.write("w", a=only_array, b=via_dlpack, c=on_device)
        for _ in range(3):
            log.write("w", b=via_dlpack)
        assert only_array.conversions == via_dlpack.exports == 0
        assert on_device.copies_to_host == 0
        via_dlpack.data[0] = 100  # kept by reference: stored as it is at the flush
        log.flush()
        assert on_device.copies_to_host == 1
        assert via_dlpack.exports == 4 and via_dlpack.conversions == 0  # DLPack preferred
        assert only_array.conversions == 1
    rows = stream.fetch(tmp_path)
    first = rows[("t", "w", 0)]
    np.testing.assert_array_equal(first["a"], only_array.data)
    assert first["a"].dtype == np.float32 and first["b"].dtype == np.int16
    assert first["b"].tolist() == [100, 1]
    assert first["c"].tolist() == [7.0, 8.0]
    assert len(rows) == 4


def test_a_foreign_array_that_is_not_numeric_fails_at_the_flush_alone(tmp_path):
    class Words:
        shape = (2,)

        def __array__(self, dtype=None, copy=None):
            return np.array(["a", "b"])

    log = stream.Logger("t", tmp_path, flush_every=None)
    log.write("good", v=1)
    log.write("bad", words=Words())
    log.write("good", v=2)
    with pytest.raises(TypeError, match=r"write\('bad'\): column 'words' must be numeric"):
        log.flush()
    assert [k[1:] for k in stream.fetch(tmp_path)] == [("good", 0), ("good", 1)]
    log.write("good", v=3)  # the error was reported once; the logger goes on
    log.close()
    assert len(stream.fetch(tmp_path)) == 3


def test_a_background_flush_error_is_raised_by_the_next_call(tmp_path):
    class Broken:
        shape = (1,)

        def __array__(self, dtype=None, copy=None):
            raise RuntimeError("device lost")

    log = stream.Logger("t", tmp_path, flush_every=0.01)
    log.write("bad", v=Broken())
    deadline = time.monotonic() + 10
    while log._sink.error is None and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(TypeError, match=r"column 'v' could not be read.*device lost"):
        log.write("good", v=1)
    log.close()


# -- async -------------------------------------------------------------------------


def test_async_write_flush_and_context(tmp_path):
    async def main():
        async with stream.Logger("async", tmp_path, flush_every=None) as log:
            for i in range(3):
                await log.awrite("y", i=i)
            await log.aflush()
            flushed = len(stream.fetch(tmp_path))
            await log.awrite("y", i=3)
        return log, flushed

    log, flushed = asyncio.run(main())
    assert flushed == 3
    assert log.closed
    assert [int(c["i"]) for c in stream.fetch(tmp_path).values()] == [0, 1, 2, 3]


# -- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda log: log.write("a,b", y=1), ValueError, r"name must be .* not 'a,b'"),
        (lambda log: log.write("", y=1), ValueError, r"name must be .* not ''"),
        (lambda log: log.write("x" * 129, y=1), ValueError, r"name must be"),
        (lambda log: log.write(3, y=1), ValueError, r"name must be .* not 3"),
        (lambda log: log.write("n"), TypeError, r"write\('n'\): no columns"),
        (lambda log: log.write("n", **{"a b": 1}), ValueError, r"column name 'a b'"),
        (lambda log: log.write("n", y="text"), TypeError, r"column 'y' must be numeric.*'text'"),
        (lambda log: log.write("n", y=None), TypeError, r"column 'y' must be numeric.*None"),
        (lambda log: log.write("n", y=2**80), TypeError, r"column 'y' must be numeric"),
        (
            lambda log: log.write("n", t=np.array(["2020-01-01"], dtype="M8[D]")),
            TypeError,
            r"column 't' must be numeric.*datetime64",
        ),
        (lambda log: log.write("n", y=[[1, 2], [3]]), ValueError, r"column 'y' is a ragged"),
        (
            lambda log: log.write("n", x=np.zeros(10), y=np.zeros(9)),
            ValueError,
            r"column 'y' has 9 rows \(shape \(9,\)\) but 'x' has 10",
        ),
        (
            lambda log: log.write("n", x=np.zeros(3), y=HostTensor(np.zeros(4))),
            ValueError,
            r"column 'y' has 4 rows",
        ),
        (lambda log: log.write_config([1, 2]), TypeError, r"config must be a mapping, not list"),
        (lambda log: log.write_config({"a": object()}), TypeError, r"config must be JSON"),
        (lambda log: log.write_config({"a": float("nan")}), TypeError, r"config must be JSON"),
    ],
)
def test_bad_writes_are_refused_with_the_value(tmp_path, call, error, match):
    with stream.Logger("errs", tmp_path, flush_every=None) as log:
        with pytest.raises(error, match=match):
            call(log)
        log.write("ok", y=1)  # the logger is still usable
    assert list(stream.fetch(tmp_path)) == [("errs", "ok", 0)]


def test_bad_logger_arguments_and_reads(tmp_path):
    with pytest.raises(ValueError, match=r"Logger: scope must be .* not 'my run'"):
        stream.Logger("my run", tmp_path)
    for bad in (0, -1.0, float("inf"), "1", True):
        with pytest.raises(ValueError, match=r"flush_every must be a number of seconds > 0"):
            stream.Logger("s", tmp_path, flush_every=bad)
    with pytest.raises(TypeError, match=r"store must be a directory path or a StreamStore"):
        stream.Logger("s", store=3)
    log = stream.Logger("s", tmp_path)
    log.close()
    log.close()  # idempotent
    with pytest.raises(RuntimeError, match=r"Logger\('s'\).write\('y'\): the logger is closed"):
        log.write("y", v=1)
    with pytest.raises(FileNotFoundError, match=r"no stream store at .*nowhere"):
        stream.fetch(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()  # reading never creates a store
    with pytest.raises(TypeError, match=r"stream.scopes: store must be a directory path"):
        stream.scopes(None)
    with pytest.raises(ValueError, match=r"since must be a cursor .* not -1"):
        stream.fetch(tmp_path, since=-1)
    with pytest.raises(ValueError, match=r"scope must be .* not 'a;b'"):
        stream.names(tmp_path, "a;b")
    with pytest.raises(StreamStoreError, match=r"stream.sqlite' is a file; .* holding it, '"):
        StreamStore(tmp_path / "stream.sqlite")
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(StreamStoreError, match=r"notes.txt' is a file; .*pass a directory"):
        stream.Logger("s", tmp_path / "notes.txt")


def _tamper(store: Path, sql: str, *args) -> None:
    with sqlite3.connect(store / "stream.sqlite") as db:
        db.execute(sql, args)


@pytest.mark.parametrize(
    ("sql", "args", "match"),
    [
        ("UPDATE columns SET dtype = ?", ("|O",), r"dtype '\|O' is not numeric"),
        ("UPDATE columns SET dtype = ?", ("<U4",), r"dtype '<U4' is not numeric"),
        ("UPDATE columns SET dtype = ?", ("nonsense",), r"dtype 'nonsense' is not a numpy"),
        ("UPDATE columns SET dtype = ?", ("[('a', '<f8')]",), r"dtype .* is not a numpy dtype"),
        ("UPDATE columns SET dtype = ?", ("|V8",), r"dtype '\|V8' is not numeric"),
        ("UPDATE columns SET shape = ?", ("[3, -1]",), r"shape '\[3, -1\]' is not a list"),
        ("UPDATE columns SET shape = ?", ("{}",), r"shape '{}' is not a list of sizes"),
        ("UPDATE columns SET shape = ?", ("[2.5]",), r"shape '\[2.5\]' is not a list"),
        ("UPDATE columns SET shape = ?", ("[4]",), r"24 bytes do not hold shape \(4,\)"),
        ("UPDATE columns SET data = ?", (b"\0" * 5,), r"5 bytes do not hold shape \(3,\)"),
        ("UPDATE columns SET data = ?", ("text",), r"a field has the wrong SQL type"),
    ],
)
def test_a_tampered_store_is_refused_naming_row_and_column(tmp_path, sql, args, match):
    with stream.Logger("s", tmp_path, flush_every=None) as log:
        log.write("y", v=np.zeros(3))
    _tamper(tmp_path, sql, *args)
    with pytest.raises(StreamStoreError, match=r"row \('s', 'y', 0\) column 'v': " + match):
        stream.fetch(tmp_path)


def test_a_column_stored_twice_in_a_row_is_refused(tmp_path):
    with stream.Logger("s", tmp_path, flush_every=None) as log:
        log.write("y", v=np.zeros(3))
    _tamper(tmp_path, "INSERT INTO columns SELECT row, 1, column, dtype, shape, data FROM columns")
    for read in (stream.fetch, lambda store: stream.fetch_columns(store, "s", "y")):
        with pytest.raises(StreamStoreError, match=r"row \('s', 'y', 0\) column 'v': the column "):
            read(tmp_path)


def test_a_foreign_database_or_format_is_refused(tmp_path):
    (tmp_path / "other").mkdir()
    with sqlite3.connect(tmp_path / "other" / "stream.sqlite") as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(StreamStoreError, match=r"is not a stream store \(no meta table\)"):
        stream.scopes(tmp_path / "other")
    StreamStore(tmp_path / "new").close()
    _tamper(tmp_path / "new", "UPDATE meta SET value = '99' WHERE key = 'format'")
    with pytest.raises(StreamStoreError, match=r"has format '99'; this glframe reads format 1"):
        stream.scopes(tmp_path / "new")
    with StreamStore(tmp_path / "cfg") as store:
        store.append("s", [], configs=["[1, 2]"])
        with pytest.raises(StreamStoreError, match=r"config of scope 's' is a list"):
            stream.config(store, "s")


def test_data_version_moves_with_each_commit_of_another_connection(tmp_path):
    reader = stream.StreamStore(tmp_path)
    try:
        first = reader.data_version()
        assert reader.data_version() == first  # nothing committed: no change
        with stream.Logger("run", tmp_path, flush_every=None) as log:
            log.write("y", v=1)
            log.flush()
            second = reader.data_version()
            assert second != first
            log.flush()  # nothing buffered: no commit
            assert reader.data_version() == second
            log.write("y", v=2)
        assert reader.data_version() != second  # the close flushed
    finally:
        reader.close()


# ---- the doorbell --------------------------------------------------------------------------
def test_a_commit_rings_each_listening_reader_and_nothing_else_breaks_it(tmp_path):
    import select

    from glframe.data import Doorbell

    bells = [Doorbell(tmp_path), Doorbell(tmp_path)]
    folder = tmp_path / ".doorbells"
    assert sorted(p.name for p in folder.iterdir()) == sorted(str(b.port) for b in bells)
    # what a writer must step over: a reader that died without closing (its port now
    # deaf), a file that is no port, a privileged port
    (folder / "not-a-port").touch()
    (folder / "22").touch()
    gone = Doorbell(tmp_path)
    gone._socket.close()  # (its file stays, as after a SIGKILL)
    try:
        with stream.Logger("run", tmp_path, flush_every=None) as log:
            for bell in bells:
                assert bell.drain() == 0
            log.write("loss", y=1.0)
            log.flush()  # one commit: one datagram to each of the two listening
            for bell in bells:
                readable, _, _ = select.select([bell], [], [], 5.0)
                assert readable, "no ring within 5 s of the commit"
                assert bell.drain() == 1
            log.write("loss", y=2.0)
            log.flush()
            log.write_config({"lr": 0.1})
            log.flush()
        for bell in bells:
            select.select([bell], [], [], 5.0)
            time.sleep(0.05)
            assert bell.drain() == 2
        assert stream.fetch(tmp_path, "run", "loss")[("run", "loss", 1)]["y"] == 2.0
    finally:
        for bell in bells:
            bell.close()
    assert sorted(p.name for p in folder.iterdir()) == sorted(["22", "not-a-port", str(gone.port)])
    bells[0].close()  # idempotent


def test_scopes_and_names_cost_the_same_however_many_rows(tmp_path):
    """A viewer asks for the scopes and names at every poll of a store that grows for
    hours: the work (SQLite's virtual machine steps, counted) must not grow with the
    rows (SELECT DISTINCT read every row: 12 ms a poll at 60,000 rows)."""
    store = StreamStore(tmp_path)

    def steps() -> int:
        count = [0]

        def step() -> int:
            count[0] += 1
            return 0

        store._db.set_progress_handler(step, 1)
        try:
            assert store.scopes() == ["a", "b", "c"]
            assert store.names("b") == ["loss", "lr", "x"]
            assert store.names("zz") == []
        finally:
            store._db.set_progress_handler(None, 1)
        return count[0]

    def grow(rows: int) -> None:
        one = {"y": np.float32(0)}
        store.append("b", [(n, one) for _ in range(rows // 3) for n in ("loss", "lr", "x")])
        store.append("a", [("x", one)] * (rows // 10))

    store.append("c", [], configs=['{"lr": 1}'])  # a scope with a config only
    grow(1_000)
    small = steps()
    grow(20_000)
    large = steps()
    assert large < 1.5 * small, (small, large)
    store.close()
