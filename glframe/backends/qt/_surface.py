"""A glframe surface that is a Qt widget: a ``QOpenGLWidget``, and its input.

Why a ``QOpenGLWidget`` rather than a ``QWindow`` in ``createWindowContainer``:
it is an ordinary widget, so it goes in any layout, several per window, under
other widgets' overlays, in splitters and tabs, and ``grabFramebuffer`` reads
it back; a native child window does none of that reliably (stacking, tabs,
HiDPI moves between screens). The cost: Qt renders it into its own framebuffer
object and composites that into the window, so the interpreter's default
framebuffer is that FBO (``defaultFramebufferObject()``), which Qt recreates on
resize and on first show: :attr:`QtSurface.framebuffer` is read at each use.

Drawing. ``widget.update()`` (``request_paint``) schedules a repaint; Qt then
calls ``paintGL``, which emits the ``paint`` backend event: the canvas draws
its frame there, in the widget's context. A canvas can also draw outside
``paintGL`` (``render()``): ``make_current`` makes the widget's context current
and binds its FBO, which the next repaint shows.

GL platform. Under X11 Qt makes GLX contexts unless
``QT_XCB_GL_INTEGRATION=xcb_egl`` is set before the ``QApplication`` is
created. glframe sets it when it creates the ``QApplication`` itself, so that
every context it draws in is made the same way (EGL); an application's own
GLX contexts are drawn in too (see ``backends/gl/_gl.py`` on PyOpenGL's
platform and import order).

Input is reported as glframe's backend events, as the glfw window does (see
``backends/desktop/_glfw.py``): ``mouse_press`` / ``mouse_release`` /
``mouse_move`` / ``mouse_wheel`` (positions in logical pixels from the widget's
top-left), ``key_press`` / ``key_release``, ``resize``, ``paint`` and ``close``
(the widget's top-level window was closed); ``context_lost`` and
``context_ready``: Qt destroys the widget's context and makes a new one when
the widget moves to another top-level window (put in a layout after it was
drawn): every GL object is lost, and the canvas rebuilds them in the new
context from its GLIR state (``GlirContext.state``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from ..gl import GL
from ._compat import QOpenGLWidget, QtCore, QtWidgets

__all__ = ["QtSurface", "ensure_application"]

EventHandler = Callable[..., object]
Qt = QtCore.Qt
QEvent = QtCore.QEvent

_BUTTONS = {
    Qt.MouseButton.LeftButton: 1,
    Qt.MouseButton.RightButton: 2,
    Qt.MouseButton.MiddleButton: 3,
    Qt.MouseButton.BackButton: 4,
    Qt.MouseButton.ForwardButton: 5,
}
_MODIFIERS = (
    (Qt.KeyboardModifier.ShiftModifier, "shift"),
    (Qt.KeyboardModifier.ControlModifier, "control"),
    (Qt.KeyboardModifier.AltModifier, "alt"),
    (Qt.KeyboardModifier.MetaModifier, "super"),
)
_KEYS = {
    "Space": "Space",
    "Escape": "Escape",
    "Return": "Enter",
    "Enter": "Enter",
    "Tab": "Tab",
    "Backspace": "Backspace",
    "Insert": "Insert",
    "Delete": "Delete",
    "Right": "Right",
    "Left": "Left",
    "Down": "Down",
    "Up": "Up",
    "PageUp": "PageUp",
    "PageDown": "PageDown",
    "Home": "Home",
    "End": "End",
    "CapsLock": "CapsLock",
    "ScrollLock": "ScrollLock",
    "NumLock": "NumLock",
    "Print": "PrintScreen",
    "Pause": "Pause",
    "Shift": "Shift",
    "Control": "Control",
    "Alt": "Alt",
    "Meta": "Super",
    "Menu": "Menu",
    **{f"F{i}": f"F{i}" for i in range(1, 26)},
}
_KEY_NAMES = {getattr(Qt.Key, f"Key_{q}"): name for q, name in _KEYS.items()}
_KEYPAD = {"+": "KPAdd", "-": "KPSubtract", "*": "KPMultiply", "/": "KPDivide", ".": "KPDecimal"}
_KEYPAD.update({"=": "KPEqual", **{str(i): f"KP{i}" for i in range(10)}})


_made: list = []


def ensure_application():
    """The process's ``QApplication``; made here (with Qt on EGL) if there is none."""
    app = QtWidgets.QApplication.instance()
    if app is None:
        # Qt's contexts through EGL, like every other context glframe draws in
        os.environ.setdefault("QT_XCB_GL_INTEGRATION", "xcb_egl")
        app = QtWidgets.QApplication(sys.argv[:1])
        _made.append(app)  # Python must keep it alive: it is the process's application
    return app


def _modifiers(event) -> tuple[str, ...]:
    held = event.modifiers()
    return tuple(name for flag, name in _MODIFIERS if held & flag)


def key_name(event) -> str | None:
    """glframe's name of a Qt key event's key ("a", "Left", "F1", "KP5", ...)."""
    key = event.key()
    if event.modifiers() & Qt.KeyboardModifier.KeypadModifier:
        if key in (Qt.Key.Key_Enter, Qt.Key.Key_Return):
            return "KPEnter"
        if 0 < key < 0x110000 and chr(key) in _KEYPAD:
            return _KEYPAD[chr(key)]
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if 32 < key < 0x110000:  # printable: Qt's key codes are the upper-case characters
        return chr(key).lower()
    return event.text().lower() or None


class _Widget(QOpenGLWidget):
    """The native widget: hands paint, resize and input to its :class:`QtSurface`."""

    _watched = None  # PySide6 may filter events before __init__ has set it

    def __init__(self, surface: QtSurface) -> None:
        super().__init__()
        self._surface = surface
        self.setMouseTracking(True)  # mouse_move without a button held, as glfw does
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._watched = None
        self._hint = QtCore.QSize(1, 1)

    def sizeHint(self):  # noqa: N802 - the canvas's size is what a layout starts from
        return self._hint

    # GL
    def initializeGL(self) -> None:  # noqa: N802 - Qt's names
        self._surface._context_created()

    def paintGL(self) -> None:  # noqa: N802
        self._surface._emit("paint")

    def resizeGL(self, w: int, h: int) -> None:  # noqa: N802
        self._surface._emit_resize()

    # input
    def _mouse(self, kind: str, event) -> None:
        pos = event.position()
        attrs = dict(pos=(float(pos.x()), float(pos.y())), modifiers=_modifiers(event))
        if kind != "mouse_move":
            attrs["button"] = _BUTTONS.get(event.button(), 0)
        self._surface._emit(kind, **attrs)
        event.accept()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._mouse("mouse_press", event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        # Qt replaces the second press by this; the app layer counts double clicks itself
        self._mouse("mouse_press", event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._mouse("mouse_release", event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        self._mouse("mouse_move", event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        pos, angle = event.position(), event.angleDelta()
        self._surface._emit(
            "mouse_wheel",
            pos=(float(pos.x()), float(pos.y())),
            delta=(angle.x() / 120.0, angle.y() / 120.0),  # one notch = 120, +y = up
            modifiers=_modifiers(event),
        )
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        self._surface._emit(
            "key_press",
            key=key_name(event),
            text=event.text(),
            modifiers=_modifiers(event),
            repeat=event.isAutoRepeat(),
        )

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if not event.isAutoRepeat():
            self._surface._emit("key_release", key=key_name(event), modifiers=_modifiers(event))

    # closing: watch the top-level window this widget is in (it changes when reparented)
    def showEvent(self, event) -> None:  # noqa: N802
        self._watch(self.window())
        super().showEvent(event)

    def _watch(self, window) -> None:
        if window is not self._watched:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
            window.installEventFilter(self)
            self._watched = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self._watched and event.type() == QEvent.Type.Close:
            # after the window's own closeEvent has decided: an ignored close keeps us
            QtCore.QTimer.singleShot(0, self._surface._window_closed)
        return False


class QtSurface:
    """A surface whose :attr:`native` is a ``QOpenGLWidget`` (PyQt6 or PySide6).

    ``size`` (w, h) is the widget's size in logical pixels; the framebuffer
    is ``pixel_ratio`` times larger. The widget is not shown: put it in a layout
    (``layout.addWidget(surface.native)``) or call :meth:`show`.
    """

    kind = "qt"

    def __init__(self, size: tuple[int, int], title: str = "glframe") -> None:
        ensure_application()
        self._handler: EventHandler | None = None
        self._closed = False
        self._initializing = True
        self.native = _Widget(self)
        self.native.setWindowTitle(title)
        w, h = (int(v) for v in size)
        self.native._hint = QtCore.QSize(w, h)
        self.native.resize(w, h)
        # The GL context exists once the widget is initialized: on first show, or
        # here by a first (empty) paint, so that the canvas can make its objects now.
        try:
            self.native.grabFramebuffer()
        finally:
            self._initializing = False
        if not self.native.isValid():
            raise RuntimeError("Qt could not create an OpenGL context for the canvas widget")

    # ---- properties ----------------------------------------------------------------
    @property
    def framebuffer(self) -> int:
        """The widget's FBO, the canvas's default framebuffer (Qt recreates it)."""
        return int(self.native.defaultFramebufferObject()) if not self._closed else 0

    @property
    def pixel_ratio(self) -> float:
        """Framebuffer pixels per logical pixel (the screen's device pixel ratio)."""
        return float(self.native.devicePixelRatioF()) if not self._closed else 1.0

    @property
    def logical_size(self) -> tuple[int, int]:
        """The widget's size in logical pixels; (0, 0) closed."""
        if self._closed:
            return (0, 0)
        return (self.native.width(), self.native.height())

    @property
    def size(self) -> tuple[int, int]:
        """The framebuffer's size in pixels; (0, 0) closed."""
        ratio = self.pixel_ratio
        return tuple(round(v * ratio) for v in self.logical_size)

    @property
    def visible(self) -> bool:
        return not self._closed and self.native.isVisible()

    @property
    def renderer(self) -> str:
        self.make_current()
        return GL.glGetString(GL.GL_RENDERER).decode()

    # ---- actions ----------------------------------------------------------------------
    def make_current(self) -> None:
        """Make the widget's context current with its FBO bound."""
        self.native.makeCurrent()

    def present(self) -> None:
        """Nothing to swap: Qt composites the widget's FBO when it repaints."""

    def request_paint(self) -> None:
        """Schedule a repaint (``paintGL``, hence the ``paint`` event) on Qt's loop."""
        if not self._closed:
            self.native.update()

    def show(self) -> None:
        self.native.show()

    def set_title(self, title: str) -> None:
        self.native.setWindowTitle(title)

    @property
    def fullscreen(self) -> bool:
        """Whether the widget's top-level window is full screen."""
        return bool(self.native.window().isFullScreen())

    def set_fullscreen(self, on: bool) -> None:
        """Make the widget's top-level window full screen, or normal again."""
        window = self.native.window()
        if on:
            window.showFullScreen()
        else:
            window.showNormal()

    def resize(self, size: tuple[int, int]) -> None:
        """Resize the widget to ``size`` logical pixels (its layout may override it)."""
        w, h = (int(v) for v in size)
        if w < 1 or h < 1:
            raise ValueError(f"canvas widget size {size} must be positive")
        self.native._hint = QtCore.QSize(w, h)
        self.native.updateGeometry()
        self.native.resize(w, h)

    def should_close(self) -> bool:
        return self._closed

    def release(self, interpreter) -> None:
        """Delete every GL object ``interpreter`` holds, in this widget's context."""
        if self._closed or not self.native.isValid():
            return
        self.make_current()
        for oid in list(interpreter._objects):
            interpreter._delete(oid)

    def close(self) -> None:
        """Forget the handler and close the widget (the GL context goes with it)."""
        if self._closed:
            return
        self._handler = None
        self._closed = True
        try:
            self.native.doneCurrent()
            self.native.close()
            self.native.deleteLater()
        except RuntimeError:  # the C++ widget is already gone
            pass

    # ---- events ------------------------------------------------------------------------
    def set_event_handler(self, handler: EventHandler | None) -> None:
        """Send this widget's input to ``handler(type, **attrs)`` (None: nowhere)."""
        self._handler = handler

    def _emit(self, type: str, **attrs) -> None:
        if self._handler is not None and not self._initializing:
            self._handler(type, **attrs)

    def _emit_resize(self) -> None:
        self._emit(
            "resize", size=self.logical_size, physical_size=self.size, pixel_ratio=self.pixel_ratio
        )

    def _window_closed(self) -> None:
        try:
            closed = not self.native.window().isVisible()
        except RuntimeError:
            closed = True
        if closed:
            self._emit("close")

    def _context_created(self) -> None:
        """``initializeGL``: the first context, or a new one after reparenting."""
        self.native.context().aboutToBeDestroyed.connect(self._context_destroyed)
        if not self._initializing:
            # Qt made a new context (the widget moved to another window): the GL
            # objects died with the old one, and the canvas rebuilds them here
            self._emit("context_ready")

    def _context_destroyed(self) -> None:
        self._emit("context_lost")
