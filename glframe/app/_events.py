"""Events: named emitters that callbacks connect to.

``canvas.events.draw.connect(fn)`` or ``@canvas.connect`` on a function named
``on_draw``; emitting calls each callback with an :class:`Event`. Exceptions
in callbacks propagate: a failing draw callback is an error the user sees.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Event", "EventEmitter", "EmitterGroup"]


class Event:
    """An event: its ``type``, its ``source`` and the attributes it was emitted with.

    Attributes by type (positions are (x, y) in logical pixels from the
    canvas's top-left corner; ``modifiers`` is a tuple drawn from "shift",
    "control", "alt", "super", in that order; buttons are 1 left, 2 right,
    3 middle):

    ==================== ==================================================================
    type                 attributes
    ==================== ==================================================================
    draw                 (none)
    resize               ``size`` (logical), ``physical_size`` (framebuffer pixels),
                         ``pixel_ratio``
    close                (none)
    mouse_press          ``pos``, ``button``, ``buttons`` (held, this one included),
                         ``modifiers``, ``last_pos``
    mouse_move           ``pos``, ``buttons`` (held, () when none), ``modifiers``,
                         ``last_pos`` (previous position; ``pos`` for the first event),
                         ``press_pos`` (where the drag started; None when no button is held)
    mouse_release        ``pos``, ``button``, ``buttons`` (still held), ``modifiers``,
                         ``press_pos`` (where this button went down), ``last_pos``
    mouse_double_click   as mouse_press; follows the second press
    mouse_wheel          ``pos``, ``delta`` (dx, dy): one notch is 1.0, dy > 0 scrolls
                         up (away from the user); ``buttons``, ``modifiers``
    key_press            ``key`` ("a", "1", "-", "Left", "Escape", "Space", "Enter",
                         "F1", "KP5", "Shift", ...), ``text`` (the character typed,
                         "" if none), ``modifiers``, ``repeat`` (auto-repeat)
    key_release          ``key``, ``modifiers``
    timeout (a Timer's)  ``iteration`` (0 first), ``elapsed`` (s since start),
                         ``dt`` (s since the previous timeout)
    ==================== ==================================================================

    Examples
    --------
    >>> from glframe.app import Event
    >>> event = Event("mouse_wheel", pos=(10.0, 20.0), delta=(0.0, 1.0))
    >>> event.delta
    (0.0, 1.0)
    """

    def __init__(self, type: str, source: object = None, **attrs) -> None:
        self.type = type
        self.source = source
        self.__dict__.update(attrs)

    def __repr__(self) -> str:
        attrs = ", ".join(
            f"{k}={v!r}" for k, v in self.__dict__.items() if k not in ("type", "source")
        )
        return f"<Event {self.type} {attrs}>"


class EventEmitter:
    """Callbacks for one event type."""

    def __init__(self, type: str, source: object = None) -> None:
        self.type = type
        self.source = source
        self.callbacks: list[Callable[[Event], object]] = []

    def connect(self, callback: Callable[[Event], object]) -> Callable[[Event], object]:
        """Add ``callback`` (returned, so this works as a decorator)."""
        if not callable(callback):
            raise TypeError(f"{self.type} event: {callback!r} is not callable")
        if callback not in self.callbacks:
            self.callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable | None = None) -> None:
        """Remove ``callback``, or every callback."""
        if callback is None:
            self.callbacks.clear()
        elif callback in self.callbacks:
            self.callbacks.remove(callback)

    def __call__(self, **attrs) -> Event:
        event = Event(self.type, self.source, **attrs)
        for callback in list(self.callbacks):
            callback(event)
        return event


class EmitterGroup:
    """One :class:`EventEmitter` per event type, as attributes."""

    def __init__(self, source: object, *types: str) -> None:
        self._emitters = {t: EventEmitter(t, source) for t in types}

    def __getattr__(self, name: str) -> EventEmitter:
        try:
            return self.__dict__["_emitters"][name]
        except KeyError:
            known = ", ".join(self.__dict__.get("_emitters", {}))
            raise AttributeError(f"no event {name!r}; events: {known}") from None

    def __iter__(self):
        return iter(self._emitters)
