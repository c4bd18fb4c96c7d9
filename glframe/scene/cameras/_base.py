"""BaseCamera: maps a view's scene to the view's clip space, and reacts to input.

A camera that was never given a range (no ``rect``, ``center`` or ``scale_factor``,
``position``, no ``set_range``) fits the bounds of its view's visuals at the first
draw that has any (vispy does the same): a volume is not drawn blank for want of a
``set_range()``. A range given in any way (constructor, property, set_range, a drag
or the wheel) is kept.

A camera owns one transform object for its whole life (an STTransform or a
MatrixTransform), whose parameters it changes: moving the camera is a uniform
update for every visual. Input arrives as canvas events in view pixel
coordinates (origin top left); a camera returns True from a handler when it
used the event. Linked cameras copy each other's state after each change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ...transforms import BaseTransform
from .._reactive import Sealed

if TYPE_CHECKING:
    from .._view import View

__all__ = ["BaseCamera", "state_property", "vector3"]


class BaseCamera(Sealed):
    """Base of the cameras; subclasses set :attr:`transform` and handle input.

    A camera's attribute set is closed once made: ``camera.depth_value = 1``
    (no such state) raises an AttributeError naming the nearest attributes.
    """

    #: State copied to linked cameras (names of properties).
    _state_names: tuple[str, ...] = ()
    #: State that places the shown region: setting it counts as fitting (no auto-fit)
    _range_names: tuple[str, ...] = ()

    def __init__(self, transform: BaseTransform) -> None:
        self.transform = transform
        self.view: View | None = None
        self._viewport = (1.0, 1.0)  # the view's size in logical pixels
        self._linked: list[BaseCamera] = []
        self._syncing = False
        self._fitted = False  # see the module docstring: fit at the first draw with content

    # ---- view ------------------------------------------------------------------------
    def _set_view(self, view: View | None) -> None:
        self.view = view
        if view is not None:
            self._view_changed()

    def _view_changed(self) -> None:
        if self.view is not None:
            self._prepare(self.view.size)

    def _prepare(self, size: tuple[float, float]) -> None:
        """Called before drawing with the view's size in logical pixels."""
        size = (max(float(size[0]), 1.0), max(float(size[1]), 1.0))
        if size != self._viewport:
            self._viewport = size
            self._update_transform()

    def _update_transform(self) -> None:
        raise NotImplementedError

    def _fit_once(self) -> None:
        """Before a draw: fit the view's visuals if no range was ever given (and there
        is something to fit)."""
        if self._fitted or self.view is None:
            return
        if any(self.view.bounds(axis) is not None for axis in range(3)):
            self.set_range()

    def _changed(self) -> None:
        """State changed: new transform, linked cameras follow, redraw."""
        self._update_transform()
        if self.view is not None:
            self.view.update()
        if not self._syncing:
            for other in self._linked:
                other._syncing = True
                try:
                    other.set_state(self.get_state())
                finally:
                    other._syncing = False

    # ---- state and linking -----------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        return {name: _copy(getattr(self, name)) for name in self._state_names}

    def set_state(self, state: dict[str, Any] | None = None, **kwargs: Any) -> None:
        for name, value in {**(state or {}), **kwargs}.items():
            if name not in self._state_names:
                raise KeyError(f"{type(self).__name__} has no state {name!r}: {self._state_names}")
            setattr(self, name, value)

    def link(self, other: BaseCamera) -> None:
        """Keep ``other`` in the same state as this camera (both ways)."""
        if type(other) is not type(self):
            raise TypeError(f"cannot link a {type(self).__name__} with a {type(other).__name__}")
        if other not in self._linked:
            self._linked.append(other)
            other._linked.append(self)
            other.set_state(self.get_state())

    def unlink(self, other: BaseCamera) -> None:
        if other in self._linked:
            self._linked.remove(other)
            other._linked.remove(self)

    # ---- fitting ----------------------------------------------------------------------------
    def set_range(
        self,
        x: tuple[float, float] | None = None,
        y: tuple[float, float] | None = None,
        z: tuple[float, float] | None = None,
        margin: float = 0.05,
    ) -> None:
        """Show the given ranges; ranges not given come from the view's visuals."""
        raise NotImplementedError

    def _ranges(self, x, y, z, margin: float) -> list[tuple[float, float]]:
        self._fitted = True  # every set_range comes here
        ranges = []
        for axis, given in enumerate((x, y, z)):
            rng = (
                given
                if given is not None
                else (self.view.bounds(axis) if self.view is not None else None)
            )
            lo, hi = rng if rng is not None else (0.0, 1.0 if axis < 2 else 0.0)
            pad = (hi - lo) * margin
            if hi - lo == 0:
                pad = 0.5 if axis < 2 else 0.0
            ranges.append((lo - pad, hi + pad))
        return ranges

    # ---- input --------------------------------------------------------------------------------
    def on_mouse_press(self, event: Any) -> bool:
        return False

    def on_mouse_move(self, event: Any) -> bool:
        return False

    def on_mouse_release(self, event: Any) -> bool:
        return False

    def on_mouse_wheel(self, event: Any) -> bool:
        return False

    def on_key_press(self, event: Any) -> bool:
        return False


def state_property(name: str, convert: Callable[[Any], Any], doc: str) -> property:
    """A camera's state: stored in ``_<name>``, set through ``convert``, then ``_changed``.

    ``convert`` turns the value into the stored one (clamping where the camera
    clamps, e.g. a pitch to +-89 degrees); a value that is not finite numbers is
    refused with the camera's and the state's names.
    """

    def get(self: BaseCamera) -> Any:
        return _copy(getattr(self, "_" + name))

    def set_(self: BaseCamera, value: Any) -> None:
        what = f"{type(self).__name__}.{name}"
        try:
            converted = convert(value)
            finite = bool(np.all(np.isfinite(converted)))
        except (TypeError, ValueError):
            finite = False
        if not finite:
            raise ValueError(f"{what} must be finite numbers, not {value!r}")
        setattr(self, "_" + name, converted)
        if name in self._range_names:
            self._fitted = True
        self._changed()

    return property(get, set_, doc=doc)


def vector3(value: Any) -> np.ndarray:
    """Three numbers as a float64 array (a camera's position or centre)."""
    return np.array(value, dtype=np.float64).reshape(3)


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value
