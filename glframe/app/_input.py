"""Mouse state: from a backend's raw presses, moves and releases to canvas events.

A backend reports only what happened (``mouse_press`` with ``pos``,
``button``, ``modifiers``, ...). :class:`MouseState` adds what a camera
needs and every backend would otherwise compute on its own: the buttons held
(``buttons``), where the drag started (``press_pos``), the previous position
(``last_pos``), and double clicks (a second press of the same button within
``double_click_time`` seconds and ``double_click_distance`` logical pixels).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["MouseState"]

Pos = tuple[float, float]


class MouseState:
    """The mouse as one canvas sees it; :meth:`handle` turns raw events into canvas events."""

    double_click_time = 0.4
    double_click_distance = 5.0

    def __init__(self) -> None:
        self.buttons: list[int] = []  # held, in the order they were pressed
        self.press_pos: dict[int, Pos] = {}
        self.drag_start: Pos | None = None
        self.last_pos: Pos | None = None
        self._last_click: tuple[int, Pos, float] | None = None

    def handle(self, type: str, attrs: dict[str, Any], now: float) -> list[tuple[str, dict]]:
        """The canvas events (type, attributes) for one raw event at time ``now`` (s)."""
        pos = tuple(float(v) for v in attrs["pos"])
        last = self.last_pos if self.last_pos is not None else pos
        common = {"pos": pos, "modifiers": tuple(attrs.get("modifiers", ()))}
        out: list[tuple[str, dict]] = []
        if type == "mouse_press":
            button = int(attrs["button"])
            if not self.buttons:
                self.drag_start = pos
            if button not in self.buttons:
                self.buttons.append(button)
            self.press_pos[button] = pos
            attrs = dict(common, button=button, buttons=tuple(self.buttons), last_pos=last)
            out.append(("mouse_press", attrs))
            if self._is_double_click(button, pos, now):
                self._last_click = None
                out.append(("mouse_double_click", dict(attrs)))
            else:
                self._last_click = (button, pos, now)
        elif type == "mouse_release":
            button = int(attrs["button"])
            press_pos = self.press_pos.pop(button, None)
            if button in self.buttons:
                self.buttons.remove(button)
            if not self.buttons:
                self.drag_start = None
            out.append(
                (
                    "mouse_release",
                    dict(
                        common,
                        button=button,
                        buttons=tuple(self.buttons),
                        press_pos=press_pos,
                        last_pos=last,
                    ),
                )
            )
        elif type == "mouse_move":
            attrs = dict(
                common, buttons=tuple(self.buttons), press_pos=self.drag_start, last_pos=last
            )
            out.append(("mouse_move", attrs))
        elif type == "mouse_wheel":
            delta = tuple(float(v) for v in attrs["delta"])
            out.append(("mouse_wheel", dict(common, delta=delta, buttons=tuple(self.buttons))))
        else:
            raise ValueError(f"unknown mouse event {type!r}")
        self.last_pos = pos
        return out

    def _is_double_click(self, button: int, pos: Pos, now: float) -> bool:
        if self._last_click is None:
            return False
        b, p, t = self._last_click
        close = math.dist(p, pos) <= self.double_click_distance
        return b == button and close and now - t <= self.double_click_time
