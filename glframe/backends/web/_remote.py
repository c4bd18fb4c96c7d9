"""A canvas shown in a remote browser: the session between a canvas and one view of it.

Used by the Jupyter widget and the websocket server; the transport is theirs
(``send(header, buffers)`` and :meth:`RemoteSession.receive`), the logic is here:

- **server mode**: the canvas renders here (offscreen, EGL); frames go out as
  JPEG while the view changes and as an exact PNG once it has settled for
  ``settle`` seconds. At most ``max_in_flight`` frames are unacknowledged:
  the browser acknowledges each frame it has shown, and while the window is
  full, updates only mark the canvas dirty (intermediate frames are dropped,
  never queued). Nothing is drawn while the view is hidden.
- **client mode**: the canvas's GLIR goes out instead (the state snapshot
  first, then each frame's commands), and glir.js draws in the browser; the
  browser's cameras move without a round trip and send their state back.

The source is duck-typed (see :class:`RemoteSource`) so that this module needs
nothing above ``gloo``. Every message from the browser is validated: unknown
types, bad fields, out-of-range sizes are refused with a ``warning`` message
back (and counted in :meth:`RemoteSession.stats`), never raised into the
kernel; sizes are clamped to ``max_size``.

Messages (JSON header + binary buffers), kernel -> browser:
``{"type": "frame", "id", "format": "jpeg"|"png", "size": [w, h], "logical": [w, h]}``
+ image (``size`` in framebuffer pixels, ``logical`` in the page's CSS pixels: they
differ by the device pixel ratio the page sent with its size);
``{"type": "glir", "glir": header, "reset": bool, "views": [...], "size",
"physical_size"}`` + buffers;
``{"type": "mode", "mode", "size"}``; ``{"type": "warning", "message"}``.
Browser -> kernel: ``{"type": "ack", "id"}``, ``{"type": "visible", "visible"}``,
``{"type": "resize", "width", "height", "pixel_ratio"}``, ``{"type": "event",
"event": "pointer_down"|"pointer_up"|"pointer_move"|"double_click"|"wheel"|
"key_down"|"key_up", "x", "y", "button", "buttons", "modifiers", "dx", "dy",
"key", "text"}``, ``{"type": "camera", "view", "state"}``, ``{"type": "ready"}``,
``{"type": "error", "message"}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from ...gloo import glir
from ._wire import encode_image

__all__ = ["RemoteSession", "RemoteSource", "MODES", "per_frame_commands"]

log = logging.getLogger("glframe.remote")

MODES = ("server", "client")

_BUTTONS = {0: 1, 1: 3, 2: 2}  # browser button numbers -> glframe's (1 left, 2 right, 3 middle)
_MODIFIERS = ("shift", "control", "alt", "super")
_POINTER = {
    "pointer_down": "mouse_press",
    "pointer_up": "mouse_release",
    "pointer_move": "mouse_move",
    "double_click": "mouse_double_click",
    "wheel": "mouse_wheel",
}


_PER_FRAME = ("FUNC", "DRAW", "FRAMEBUFFER")
_BETWEEN_DRAWS = ("UNIFORM", "TEXTURE", "ATTRIBUTE", "ATTRIBUTE_VALUE")


def per_frame_commands(commands: Sequence[tuple], views: Sequence[dict]) -> list[tuple]:
    """The commands a page replays to draw a frame again (an export, a client-mode page).

    The frame's state functions, draws and framebuffer bindings, and the uniforms,
    textures and attributes it set between them (a visual that draws one program
    several times with other values: the tiles of a MultiscaleImage), except the
    uniforms the page's cameras drive (``views``' targets and derived uniforms, see
    ``Canvas._export_views``: the page sets them before the frame). A value set once
    a frame is in the state snapshot too; replaying it is harmless. remote.js keeps
    the same commands of each GLIR frame it gets (``frameOf``).
    """
    driven = _driven(views)
    return [
        c
        for c in commands
        if str(c[0]) in _PER_FRAME or (str(c[0]) in _BETWEEN_DRAWS and (c[1], c[2]) not in driven)
    ]


def _driven(views: Sequence[dict]) -> set:
    """(program, uniform name) of every uniform a page's camera sets."""
    return {
        (spec.get("program"), spec.get("name"))
        for view in views
        for spec in (*view.get("targets", ()), *view.get("derived", ()))
    }


def _frame_key(commands: Sequence[tuple]) -> bytes:
    """Commands as bytes, to tell whether a frame is the one a page already draws."""
    header, buffers = glir.serialize(list(commands))
    return json.dumps(header, sort_keys=True).encode() + b"".join(
        bytes(memoryview(b).cast("B")) for b in buffers
    )


class RemoteSource(Protocol):
    """What a session needs from a canvas (glframe.app adapts a Canvas to this).

    ``size`` is in logical pixels (those of input events); ``render()`` returns
    framebuffer pixels, ``pixel_ratio`` times more (optional ``physical_size``).
    """

    size: tuple[int, int]

    def render(self) -> np.ndarray: ...
    def resize(self, width: int, height: int, pixel_ratio: float) -> None: ...
    def handle_event(self, type: str, **attrs: Any) -> None: ...
    def glir_snapshot(self) -> tuple[list, list, list]: ...  # (setup, frame, views)
    def glir_frame(self) -> list: ...
    def set_camera_state(self, view: int, state: dict) -> None: ...
    def on_update(self, callback: Callable[[], None]) -> None: ...


class RemoteSession:
    """One browser view of one canvas.

    Parameters
    ----------
    source
        The canvas (a :class:`RemoteSource`).
    send
        ``send(header, buffers)``: deliver one message to the browser.
    mode
        "server" (frames) or "client" (GLIR).
    max_in_flight, quality, settle, max_size
        Flow control window, JPEG quality, seconds of stillness before the
        exact PNG, largest accepted canvas size (w, h).
    ack_timeout
        Seconds after which an unacknowledged frame counts as lost (a page
        that failed to decode it, a socket that closed with it): its slot in
        the window opens again, so a lost acknowledgement delays the stream
        instead of stopping it.
    """

    def __init__(
        self,
        source: RemoteSource,
        send: Callable[[dict, list], None],
        *,
        mode: str = "server",
        max_in_flight: int = 2,
        quality: int = 80,
        settle: float = 0.3,
        max_size: tuple[int, int] = (4096, 4096),
        ack_timeout: float = 10.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} must be one of {MODES}")
        self.source = source
        self._send = send
        self._mode = mode
        self.max_in_flight = int(max_in_flight)
        self.quality = int(quality)
        self.settle = float(settle)
        self.max_size = tuple(int(v) for v in max_size)
        self.ack_timeout = float(ack_timeout)
        self._retry_handle: asyncio.TimerHandle | None = None
        self.visible = True
        self._dirty = True
        self._in_flight: dict[int, float] = {}  # frame id -> send time
        self._next_id = 1
        self._last_format = ""
        self._last_change = time.perf_counter()
        self._settle_handle: asyncio.TimerHandle | None = None
        self._glir_started = False
        self._resized = False
        self._syncing = False
        self._closed = False
        self._pump_scheduled = False
        self._drawing = False  # inside the source's render / GLIR recording
        # client mode: the camera states and the frame the page has (a page camera's
        # change is drawn here too, for the visuals that follow the camera, and sent
        # only if the page lacks something of it)
        self._page_cameras: list | None = None
        self._page_frame: bytes | None = None
        self._camera_sync = False  # the next draw is for a page camera's change only
        # updates come from any thread (a tile loaded by a worker): drawing is this one's
        self._thread = threading.get_ident()
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        #: errors the browser reported (glir.js in client mode), newest last
        self.errors: deque[str] = deque(maxlen=20)
        self._stats = {
            "frames_sent": 0,
            "frames_shown": 0,
            "bytes_sent": 0,
            "warnings": 0,
            "events": 0,
            "encode_ms": deque(maxlen=100),
            "roundtrip_ms": deque(maxlen=100),
            "shown_times": deque(maxlen=100),
            "glir_messages": 0,
            "acks_lost": 0,
        }
        source.on_update(self.request_draw)

    # ---- public ---------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} must be one of {MODES}")
        if mode != self._mode:
            self._mode = mode
            self._glir_started = False
            self._in_flight.clear()
            self._send({"type": "mode", "mode": mode, "size": list(self.source.size)}, [])
            self.request_draw()

    def request_draw(self) -> None:
        """The canvas changed: send a new frame (or GLIR) when flow control allows.

        From another thread than the session's (a worker that loaded data and called
        ``update()``), the request is handed to the session's loop: the canvas is only
        drawn on its own thread. Without a loop, the canvas is marked dirty and the next
        message's pump sends it."""
        if threading.get_ident() != self._thread:
            loop = self._loop
            if loop is not None and not loop.is_closed() and not self._closed:
                try:
                    loop.call_soon_threadsafe(self._safe_request_draw)
                    return
                except RuntimeError:  # the loop closed meanwhile
                    pass
            self._dirty = True
            return
        if self._syncing:
            return
        self._dirty = True
        self._camera_sync = False  # a change of the canvas's own: its frame goes out
        self._last_change = time.perf_counter()
        if self._drawing:
            # an update while this session draws (from another view's callback): the
            # next frame, once the loop is back (without a loop: the next message's pump)
            if self._loop is not None and not self._pump_scheduled:
                self._pump_scheduled = True
                self._loop.call_soon(self._scheduled_pump)
            return
        self.pump()

    def _safe_request_draw(self) -> None:
        try:
            self.request_draw()
        except Exception as exc:  # a bug in a draw callback: out of reach of the transport
            self.on_error(exc)

    def pump(self) -> None:
        """Send what is due; called after each message and each update."""
        if self._closed or not self.visible or not self._dirty:
            return
        if self._mode == "client":
            self._send_glir()
            return
        self._expire_in_flight()
        if len(self._in_flight) < self.max_in_flight:
            self._send_frame("jpeg" if self._interacting() else "png")
            self._schedule_settle()
        else:
            self._schedule_retry()

    def resized(self) -> None:
        """The source took this view's size: the next GLIR message carries the sizes and
        the views' rectangles (a source that resizes later than asked calls this then)."""
        self._resized = True
        self._dirty = True

    def close(self) -> None:
        self._closed = True
        if hasattr(self.source, "off_update"):
            self.source.off_update(self.request_draw)
        for handle in (self._settle_handle, self._retry_handle):
            if handle is not None:
                handle.cancel()

    def stats(self) -> dict[str, float]:
        """Frames sent and shown, bytes, encode time, round trip (ms), fps."""
        s = self._stats
        shown = list(s["shown_times"])
        fps = (
            (len(shown) - 1) / (shown[-1] - shown[0])
            if len(shown) > 1 and shown[-1] > shown[0]
            else 0.0
        )
        med = lambda d: float(np.median(d)) if d else 0.0  # noqa: E731
        return {
            "mode": self._mode,
            "frames_sent": s["frames_sent"],
            "frames_shown": s["frames_shown"],
            "bytes_sent": s["bytes_sent"],
            "in_flight": len(self._in_flight),
            "encode_ms": med(s["encode_ms"]),
            "roundtrip_ms": med(s["roundtrip_ms"]),
            "roundtrip_p95_ms": float(np.percentile(s["roundtrip_ms"], 95))
            if s["roundtrip_ms"]
            else 0.0,
            "fps": fps,
            "events": s["events"],
            "warnings": s["warnings"],
            "glir_messages": s["glir_messages"],
            "errors": len(self.errors),
            "acks_lost": s["acks_lost"],
        }

    # ---- sending ----------------------------------------------------------------------
    def _interacting(self) -> bool:
        return time.perf_counter() - self._last_change < self.settle

    def _send_frame(self, fmt: str) -> None:
        self._dirty = False  # before drawing: an update made meanwhile asks for the next
        self._drawing = True
        try:
            image = self.source.render()
        finally:
            self._drawing = False
        t0 = time.perf_counter()
        data = encode_image(image, fmt, self.quality)
        self._stats["encode_ms"].append((time.perf_counter() - t0) * 1e3)
        frame_id = self._next_id
        self._next_id += 1
        self._in_flight[frame_id] = time.perf_counter()
        self._last_format = fmt
        h, w = image.shape[:2]
        logical = [int(v) for v in self.source.size]
        header = {"type": "frame", "id": frame_id, "format": fmt, "size": [w, h]}
        self._send({**header, "logical": logical}, [data])
        self._stats["frames_sent"] += 1
        self._stats["bytes_sent"] += len(data)

    def _expire_in_flight(self) -> None:
        """Frames unacknowledged for ``ack_timeout`` seconds are lost: their slots open."""
        now = time.perf_counter()
        for frame_id, sent in list(self._in_flight.items()):
            if now - sent > self.ack_timeout:
                del self._in_flight[frame_id]
                self._stats["acks_lost"] += 1

    def _schedule_retry(self) -> None:
        """The window is full and a frame is due: pump again when the oldest one expires."""
        if self._retry_handle is not None or not self._in_flight:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (tests drive pump() by hand)
        delay = min(self._in_flight.values()) + self.ack_timeout - time.perf_counter()
        self._retry_handle = loop.call_later(max(delay, 0.0) + 0.01, self._retry)

    def _retry(self) -> None:
        self._retry_handle = None
        self._safe_pump()

    def _schedule_settle(self) -> None:
        """Once still for ``settle`` seconds after a JPEG, send the exact PNG."""
        if self._last_format != "jpeg":
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (tests drive pump() by hand)
        if self._settle_handle is not None:
            self._settle_handle.cancel()
        self._settle_handle = loop.call_later(self.settle + 0.01, self._settled)

    def _settled(self) -> None:
        self._settle_handle = None
        if self._closed or self._mode != "server" or self._last_format != "jpeg":
            return
        if self._interacting():
            self._schedule_settle()
            return
        self._dirty = True
        if len(self._in_flight) < self.max_in_flight and self.visible:
            self._send_frame("png")
        # else: the PNG goes out when an acknowledgement opens the window

    def _send_glir(self) -> None:
        cameras = getattr(self.source, "camera_states", None)
        self._dirty = False  # before drawing: an update made meanwhile asks for the next
        self._drawing = True
        try:
            if not self._glir_started:
                setup, frame, views = self.source.glir_snapshot()
                commands, reset = [*setup, *frame], True
                self._glir_started = True
                self._page_frame = _frame_key(frame)
            else:
                commands, reset, views = self.source.glir_frame(), False, None
                if self._resized and hasattr(self.source, "views"):
                    views = self.source.views()
        finally:
            self._drawing = False
        states = cameras() if cameras is not None else None
        if not reset:
            all_views = views or (self.source.views() if hasattr(self.source, "views") else [])
            frame = per_frame_commands(commands, all_views)
            key = _frame_key(frame)
            driven = _driven(all_views)
            camera_sync, self._camera_sync = self._camera_sync, False
            if (
                camera_sync
                and views is None
                and not self._resized
                and states == self._page_cameras
                and key == self._page_frame
                # nothing but the frame and the uniforms the page's cameras set
                and len(frame)
                + sum(str(c[0]) == "UNIFORM" and (c[1], c[2]) in driven for c in commands)
                == len(commands)
            ):
                return  # the page drew this already (its camera moved; nothing else did)
            self._page_frame = key
        header, buffers = glir.serialize(commands)
        message = {"type": "glir", "glir": header, "reset": reset, "frameStart": None}
        if reset:
            message["frameStart"] = len(setup)
        if views is not None:
            message["views"] = views
        if reset or self._resized:
            message["size"] = [int(v) for v in self.source.size]  # logical: views, input
            physical = getattr(self.source, "physical_size", self.source.size)
            message["physical_size"] = [int(v) for v in physical]  # the WebGL canvas
        self._resized = False
        if not reset and views is None and states is not None and states != self._page_cameras:
            # cameras moved by Python: the page's cameras must start from there (not sent
            # when they are where the page put them: it may have moved them on meanwhile)
            message["cameras"] = states
        self._page_cameras = states
        self._send(message, buffers)
        self._stats["glir_messages"] += 1
        self._stats["bytes_sent"] += sum(memoryview(b).nbytes for b in buffers)

    # ---- receiving ------------------------------------------------------------------------
    def receive(self, header: Any, buffers: Sequence = ()) -> None:
        """Handle one message from the browser; bad ones are answered, never raised."""
        try:
            self._receive(header)
        except _Refused as exc:
            self._stats["warnings"] += 1
            self._send({"type": "warning", "message": str(exc)}, [])
        self._pump_soon()

    def _pump_soon(self) -> None:
        """Pump once the loop has handled the messages already in: a burst of pointer moves
        (and the acknowledgement that came with them) makes one frame, of the newest state."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.pump()  # no loop (a script or a test driving the session by hand)
            return
        if not self._pump_scheduled:
            self._pump_scheduled = True
            loop.call_soon(self._scheduled_pump)

    def _scheduled_pump(self) -> None:
        self._pump_scheduled = False
        self._safe_pump()

    def _safe_pump(self) -> None:
        """A pump from the loop (no message handler around it to catch a draw's error)."""
        try:
            self.pump()
        except Exception as exc:  # a bug in a draw callback: out of reach of the transport
            self.on_error(exc)

    def on_error(self, exc: Exception) -> None:
        """An error raised while drawing outside a message's handling: logged and reported."""
        log.error("error while drawing for a remote view", exc_info=exc)
        self._stats["warnings"] += 1
        self._send(
            {"type": "warning", "message": f"error while drawing: {type(exc).__name__}: {exc}"}, []
        )

    def _receive(self, header: Any) -> None:
        if not isinstance(header, dict):
            raise _Refused(f"a message must be a JSON object, not {type(header).__name__}")
        kind = header.get("type")
        if kind == "ack":
            sent = self._in_flight.pop(_int(header, "id", 0, 2**62), None)
            if sent is not None:
                now = time.perf_counter()
                self._stats["frames_shown"] += 1
                self._stats["roundtrip_ms"].append((now - sent) * 1e3)
                self._stats["shown_times"].append(now)
        elif kind == "visible":
            self.visible = bool(header.get("visible"))
        elif kind == "ready":
            self._glir_started = False
            self._in_flight.clear()
            self._dirty = True
        elif kind == "resize":
            w = _int(header, "width", 1, 10**9)
            h = _int(header, "height", 1, 10**9)
            ratio = _float(header, "pixel_ratio", 0.1, 16, default=1.0)
            w, h = min(w, self.max_size[0]), min(h, self.max_size[1])
            ratio = min(ratio, self.max_size[0] / w, self.max_size[1] / h)  # framebuffer too
            # a source that defers resizes (the server coalesces them) compares with the size
            # it will have, so that the latest request wins even when it is the current size
            target = getattr(self.source, "resize_target", None)
            size, current = target or (
                tuple(self.source.size),
                getattr(self.source, "pixel_ratio", 1),
            )
            if (w, h) != tuple(size) or ratio != current:
                # client mode: the next frame carries the sizes and the views' new
                # rectangles; the page keeps its objects (no data is sent again)
                self._resized = True
                self._syncing = True  # the resize's update: one frame, after this message
                try:
                    self.source.resize(w, h, ratio)
                finally:
                    self._syncing = False
                if target is not None:
                    return  # no frame at the old size: the source calls resized() later
            self._dirty = True
        elif kind == "event":
            self._event(header)
        elif kind == "camera":
            state = header.get("state")
            if not isinstance(state, dict):
                raise _Refused("camera message: 'state' must be an object")
            view = _int(header, "view", 0, 10**4)
            self._syncing = True  # the browser drew this already: no frame for the update
            try:
                self.source.set_camera_state(view, state)
            except (KeyError, TypeError, ValueError, IndexError) as exc:
                raise _Refused(f"camera message: {exc}") from None
            finally:
                self._syncing = False
            if hasattr(self.source, "camera_states"):
                self._page_cameras = self.source.camera_states()
            if self._mode == "client" and self._glir_started:
                # draw here anyway: visuals that follow the view (a MultiscaleImage asks
                # for the tiles it now shows) see it; the frame goes to the page only if
                # it holds something the page lacks (see _send_glir)
                self._dirty = self._camera_sync = True
        elif kind == "error":
            # glir.js failed in the page (client mode): never silent on this side either
            message = str(header.get("message", ""))[:2000]
            self.errors.append(message)
            log.error("the browser reported: %s", message)
        else:
            raise _Refused(f"unknown message type {kind!r}")

    def _event(self, header: dict) -> None:
        name = header.get("event")
        self._stats["events"] += 1
        modifiers = header.get("modifiers", [])
        if not isinstance(modifiers, list) or not all(m in _MODIFIERS for m in modifiers):
            raise _Refused(f"event: modifiers must be a list of {_MODIFIERS}")
        modifiers = tuple(modifiers)
        if name in _POINTER:
            w, h = self.source.size
            pos = (_float(header, "x", -w, 2 * w), _float(header, "y", -h, 2 * h))
            attrs: dict[str, Any] = {"pos": pos, "modifiers": modifiers}
            if name == "wheel":
                attrs["delta"] = (
                    _float(header, "dx", -1e4, 1e4, default=0.0),
                    _float(header, "dy", -1e4, 1e4, default=0.0),
                )
            elif name != "pointer_move":
                attrs["button"] = _BUTTONS.get(_int(header, "button", 0, 4, default=0), 1)
            self.source.handle_event(_POINTER[name], **attrs)
        elif name in ("key_down", "key_up"):
            key = header.get("key")
            if not isinstance(key, str) or not 0 < len(key) <= 32:
                raise _Refused("key event: 'key' must be a short string")
            text = header.get("text", "")
            text = text if isinstance(text, str) and len(text) <= 4 else ""
            kind = "key_press" if name == "key_down" else "key_release"
            self.source.handle_event(kind, key=key, text=text, modifiers=modifiers)
        else:
            raise _Refused(f"unknown event {name!r}")


class _Refused(ValueError):
    pass


def _int(header: dict, key: str, low: int, high: int, default: int | None = None) -> int:
    value = header.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise _Refused(f"{header.get('type')}: {key!r} must be a number, not {value!r}")
    if not low <= value <= high:
        raise _Refused(f"{header.get('type')}: {key!r}={value} is outside {low}..{high}")
    return int(value)


def _float(header: dict, key: str, low: float, high: float, default: float | None = None) -> float:
    value = header.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise _Refused(f"{header.get('type')}: {key!r} must be a finite number, not {value!r}")
    return float(min(max(value, low), high))
