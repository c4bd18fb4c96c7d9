"""GL state as recorded calls: clear, viewport, blending, depth, culling, reads.

Each function records FUNC commands into the current context (the canvas being
drawn), except one that sets a piece of state to the value the context's queue
already sets it to (until its next flush: each batch sets what it uses).
``set_state`` takes a preset and explicit settings on top of it::

    set_state("translucent", depth_test=False)
    set_state(blend=True, blend_func=("one", "one"), cull_face="back")
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._context import GlirContext, get_current_context, last_context
from ._context import func_state_key as _state_key
from .glir import BLEND_EQUATIONS, BLEND_FACTORS, COMPARE_FUNCS, FACES, Cmd

__all__ = [
    "clear",
    "set_clear_color",
    "set_viewport",
    "set_state",
    "read_pixels",
    "STATE_PRESETS",
    "Color",
]

Color = str | Sequence[float]

_NAMED_COLORS = {
    "black": (0.0, 0.0, 0.0, 1.0),
    "white": (1.0, 1.0, 1.0, 1.0),
    "red": (1.0, 0.0, 0.0, 1.0),
    "green": (0.0, 0.5, 0.0, 1.0),
    "lime": (0.0, 1.0, 0.0, 1.0),
    "blue": (0.0, 0.0, 1.0, 1.0),
    "yellow": (1.0, 1.0, 0.0, 1.0),
    "cyan": (0.0, 1.0, 1.0, 1.0),
    "magenta": (1.0, 0.0, 1.0, 1.0),
    "gray": (0.5, 0.5, 0.5, 1.0),
    "grey": (0.5, 0.5, 0.5, 1.0),
    "silver": (0.75, 0.75, 0.75, 1.0),
    "orange": (1.0, 0.647, 0.0, 1.0),
    "purple": (0.5, 0.0, 0.5, 1.0),
    "pink": (1.0, 0.753, 0.796, 1.0),
    "brown": (0.647, 0.165, 0.165, 1.0),
    "navy": (0.0, 0.0, 0.5, 1.0),
    "teal": (0.0, 0.5, 0.5, 1.0),
    "olive": (0.5, 0.5, 0.0, 1.0),
    "maroon": (0.5, 0.0, 0.0, 1.0),
    "gold": (1.0, 0.843, 0.0, 1.0),
    "transparent": (0.0, 0.0, 0.0, 0.0),
}

STATE_PRESETS: dict[str, dict] = {
    "opaque": dict(blend=False, depth_test=True, depth_mask=True, cull_face=False),
    "translucent": dict(
        blend=True,
        blend_func=("src_alpha", "one_minus_src_alpha", "one", "one_minus_src_alpha"),
        blend_equation="func_add",
        depth_test=True,
        depth_mask=True,
        cull_face=False,
    ),
    "additive": dict(
        blend=True,
        blend_func=("src_alpha", "one"),
        blend_equation="func_add",
        depth_test=False,
        depth_mask=False,
        cull_face=False,
    ),
}


def _current(what: str, *, last: bool = False) -> GlirContext:
    """The current context; with ``last``, else the last canvas's (state set outside a
    draw, as in vispy)."""
    ctx = get_current_context()
    if ctx is None and last:
        ctx = last_context()
    if ctx is None:
        made = "make a canvas first, or " if last else ""
        raise RuntimeError(
            f"{what}: no current GL context; {made}call it while a canvas draws "
            "(in its draw callback) or inside `with canvas:`"
        )
    return ctx


def _func(name: str, *args) -> None:
    _record(_current(name, last=True), (Cmd.FUNC, 0, name, *args))


def _record(ctx: GlirContext, cmd: tuple, key=False) -> None:
    """Record a FUNC unless the queue already sets that state to that value.

    The context remembers the last value recorded per piece of state until its next
    flush (so each flushed batch still sets, at its first use, every state it relies
    on: a recording or a late viewer starting at any batch gets it all).
    """
    key = _state_key(cmd) if key is False else key
    if key is not None:
        recorded = ctx.recorded_state
        if recorded.get(key) == cmd:
            return
        recorded[key] = cmd
        ctx.state_applied = None  # the state changed: set_state records again
    ctx.queue.append(cmd)


def as_rgba(color: Color) -> tuple[float, float, float, float]:
    """A colour name, '#rgb[a]' / '#rrggbb[aa]', or 3 or 4 floats in [0, 1], as RGBA.

    Values outside [0, 1] are refused rather than clamped: (255, 0, 0) is vispy's
    and matplotlib's mistake-prone 0-255 byte form, which would otherwise draw white.
    """
    if isinstance(color, str):
        if color in _NAMED_COLORS:
            return _NAMED_COLORS[color]
        h = color[1:]
        if color.startswith("#") and len(h) in (3, 4, 6, 8):
            if len(h) in (3, 4):  # '#f80' is '#ff8800': each digit doubled
                h = "".join(d * 2 for d in h)
            try:
                vals = [int(h[i : i + 2], 16) / 255 for i in range(0, len(h), 2)]
            except ValueError:
                pass
            else:
                return (*vals, 1.0)[:4] if len(vals) == 3 else tuple(vals)
        raise ValueError(
            f"unknown colour {color!r}: use a name ({', '.join(_NAMED_COLORS)}), "
            "'#rgb[a]', '#rrggbb[aa]', or 3 or 4 floats in [0, 1]"
        )
    try:
        rgba = tuple(float(c) for c in np.asarray(color, dtype=float).ravel())
    except (TypeError, ValueError):
        raise ValueError(f"colour {color!r} must be a name or 3 or 4 floats") from None
    if len(rgba) == 3:
        rgba += (1.0,)
    if len(rgba) != 4 or not all(np.isfinite(rgba)):
        raise ValueError(f"colour {color!r} must be 3 or 4 finite floats")
    if min(rgba) < -1e-6 or max(rgba) > 1 + 1e-6:  # (rounding in a computed colour passes)
        bytes_like = max(rgba) > 1 and all(float(v).is_integer() for v in rgba)
        hint = (
            f"; for 0-255 bytes write {tuple(round(v / 255, 3) for v in rgba[: len(color)])} "
            "(divided by 255)"
            if bytes_like
            else ""
        )
        raise ValueError(f"colour {color!r}: values must be floats in [0, 1]{hint}")
    return tuple(min(max(v, 0.0), 1.0) for v in rgba)


def set_clear_color(color: Color = "black") -> None:
    """Set the colour that :func:`clear` fills with."""
    _func("clearColor", *as_rgba(color))


def clear(color: bool | Color = True, depth: bool = True, stencil: bool = False) -> None:
    """Clear the colour (with ``color`` if it is a colour), depth and stencil buffers."""
    if color is not True and color is not False:
        set_clear_color(color)
        color = True
    parts = [n for n, on in (("color", color), ("depth", depth), ("stencil", stencil)) if on]
    if parts:
        _func("clear", "|".join(parts))


def set_viewport(*args: int) -> None:
    """Set the viewport: ``set_viewport(x, y, w, h)`` or ``set_viewport((x, y, w, h))``."""
    vals = args[0] if len(args) == 1 else args
    vals = tuple(int(v) for v in vals)
    if len(vals) != 4 or vals[2] < 0 or vals[3] < 0:
        raise ValueError(f"set_viewport needs x, y, w >= 0, h >= 0; got {args}")
    _func("viewport", *vals)


def _toggle(cap: str, on) -> list[tuple]:
    return [("enable" if on else "disable", cap)]


#: (preset, settings) -> the FUNC commands and state keys set_state records for them
_RESOLVED: dict[tuple, tuple] = {}


def set_state(preset: str | None = None, **settings) -> None:
    """Set GL state from a preset ('opaque', 'translucent', 'additive') and settings.

    Settings: ``blend`` (bool), ``blend_func`` (src, dst) or (src_rgb, dst_rgb,
    src_alpha, dst_alpha), ``blend_equation`` (one or two of func_add,
    func_subtract, func_reverse_subtract, min, max), ``blend_color``,
    ``depth_test`` (bool), ``depth_func``, ``depth_mask`` (bool), ``cull_face``
    (False, 'back', 'front', 'front_and_back'), ``front_face`` ('ccw', 'cw'),
    ``scissor_test`` (bool), ``scissor`` (x, y, w, h), ``color_mask`` (4 bools),
    ``line_width``, ``polygon_offset`` (factor, units; None to turn off).

    A setting the current batch already set to the same value records nothing
    (a scene of many visuals with one state sends it once per frame).
    """
    try:
        cache_key = (preset, *settings.items())
        resolved = _RESOLVED.get(cache_key)
    except TypeError:  # an unhashable value (a list): resolve it each time
        cache_key, resolved = None, None
    if resolved is None:
        resolved = _resolve(preset, settings)
        if cache_key is not None and len(_RESOLVED) < 1024:
            _RESOLVED[cache_key] = resolved
    ctx = _current("set_state", last=True)
    if ctx.state_applied is resolved:
        return  # the same state as the last set_state's, nothing recorded since
    for cmd, key in resolved:
        _record(ctx, cmd, key)
    ctx.state_applied = resolved


def _resolve(preset: str | None, settings: dict) -> tuple:
    """Check a preset and settings; ((FUNC command, state key), ...) in order."""
    state: dict = {}
    if preset is not None:
        if preset not in STATE_PRESETS:
            raise ValueError(
                f"unknown state preset {preset!r}; presets: {', '.join(STATE_PRESETS)}"
            )
        state.update(STATE_PRESETS[preset])
    state.update(settings)
    unknown = set(state) - set(_SETTERS)
    if unknown:
        raise TypeError(
            f"set_state: unknown setting(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(_SETTERS)}"
        )
    out = []
    for key, value in state.items():
        for name, *args in _SETTERS[key](value):
            cmd = (Cmd.FUNC, 0, name, *args)
            out.append((cmd, _state_key(cmd)))
    return tuple(out)


def _choice(kind: str, value: str, allowed: Sequence[str] | set[str]) -> str:
    # the names set_state accepts are those a FUNC may carry (glir's tables)
    if value not in allowed:
        raise ValueError(f"set_state: {kind} {value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _blend_func(value) -> list[tuple]:
    vals = tuple(value)
    if len(vals) == 2:
        vals = vals * 2
    if len(vals) != 4:
        raise ValueError(f"set_state: blend_func {value!r} needs 2 or 4 factors")
    return [("blendFuncSeparate", *(_choice("blend factor", v, BLEND_FACTORS) for v in vals))]


def _blend_equation(value) -> list[tuple]:
    vals = (value, value) if isinstance(value, str) else tuple(value)
    names = (_choice("blend equation", v, BLEND_EQUATIONS) for v in vals)
    return [("blendEquationSeparate", *names)]


def _cull_face(value) -> list[tuple]:
    if value in (False, None):
        return _toggle("cull_face", False)
    face = _choice("cull face", "back" if value is True else value, FACES)
    return [*_toggle("cull_face", True), ("cullFace", face)]


def _polygon_offset(value) -> list[tuple]:
    out = _toggle("polygon_offset_fill", value is not None)
    if value is not None:
        factor, units = value
        out.append(("polygonOffset", float(factor), float(units)))
    return out


def _rect(name: str):
    def setter(value) -> list[tuple]:
        x, y, w, h = (int(v) for v in value)
        return [(name, x, y, w, h)]

    return setter


_SETTERS = {
    "blend": lambda v: _toggle("blend", v),
    "blend_func": _blend_func,
    "blend_equation": _blend_equation,
    "blend_color": lambda v: [("blendColor", *as_rgba(v))],
    "depth_test": lambda v: _toggle("depth_test", v),
    "depth_func": lambda v: [("depthFunc", _choice("depth func", v, COMPARE_FUNCS))],
    "depth_mask": lambda v: [("depthMask", bool(v))],
    "cull_face": _cull_face,
    "front_face": lambda v: [("frontFace", _choice("front face", v, {"ccw", "cw"}))],
    "scissor_test": lambda v: _toggle("scissor_test", v),
    "scissor": _rect("scissor"),
    "color_mask": lambda v: [("colorMask", *(bool(c) for c in v))],
    "line_width": lambda v: [("lineWidth", float(v))],
    "polygon_offset": _polygon_offset,
}


def read_pixels(
    viewport: tuple[int, int, int, int] | None = None,
    *,
    alpha: bool = True,
    out_type: str = "uint8",
) -> np.ndarray:
    """Read pixels of the current target now: (h, w, 4|3), rows top to bottom.

    ``viewport`` is (x, y, w, h) in GL pixel coordinates (y up); the default is
    the whole canvas. ``out_type`` is "uint8" or "float32". Commands recorded so
    far are executed first.
    """
    ctx = _current("read_pixels")
    if out_type not in ("uint8", "float32"):
        raise ValueError(f"read_pixels: out_type {out_type!r} must be 'uint8' or 'float32'")
    if viewport is None:
        viewport = (0, 0, *ctx.size)
    request = ctx.request_pixels(viewport, "rgba" if alpha else "rgb", out_type)
    ctx.execute_pending()
    return ctx.replies.pop(request)
