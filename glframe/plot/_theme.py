"""Themes: the colours, fonts and sizes of figures; light (the default, for papers) and dark.

``plot.set_theme("dark")`` sets the default once for the figures made after it;
``plot.subplots(theme="dark")`` picks one for one figure. A theme is a frozen
dataclass: ``dataclasses.replace(plot.THEMES["light"], font_size=14)`` makes
a variant, accepted wherever a name is.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Theme", "THEMES", "set_theme", "get_theme"]


@dataclass(frozen=True)
class Theme:
    """How a figure looks: colours, font, sizes (pixels).

    Attributes
    ----------
    background, foreground
        The figure's background; frames, ticks and text.
    grid
        Grid lines' colour (RGBA: usually faint).
    cycle
        The colours given to lines, scatters and bars in turn.
    font
        A family name for :class:`~glframe.scene.visuals.Text`.
    font_size, label_size, title_size
        Tick labels, axis labels and titles, in pixels (matplotlib gives points: 12
        pixels are 9 points; :class:`~glframe.scene.visuals.Text` takes points unless
        told ``scaling="pixels"``, as the plot layer does).
    tick_length, minor_length
        Major and minor tick marks, drawn outwards.
    line_width
        Frames and ticks.
    """

    background: str
    foreground: str
    grid: tuple[float, float, float, float]
    cycle: tuple[str, ...]
    legend_background: tuple[float, float, float, float]
    font: str = "DejaVu Sans"
    font_size: float = 12.0
    label_size: float = 13.0
    title_size: float = 15.0
    tick_length: float = 5.0
    minor_length: float = 2.5
    line_width: float = 1.0


# a qualitative cycle that stays readable on white and on near-black
_CYCLE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")

THEMES: dict[str, Theme] = {
    "light": Theme("#ffffff", "#222222", (0, 0, 0, 0.12), _CYCLE, (1, 1, 1, 0.85)),
    "dark": Theme(
        "#16181c",
        "#dddddd",
        (1, 1, 1, 0.14),
        ("#4e9ee8", "#ffa040", "#52c452", "#f05a5a", "#b190e0", "#c9917e", "#f08fd0", "#3fd6e6"),
        (0.09, 0.1, 0.11, 0.85),
    ),
}

_default: list[str | Theme] = ["light"]


def get_theme(theme: str | Theme | None = None) -> Theme:
    """The theme named ``theme`` (or given as a :class:`Theme`); None: the default."""
    if theme is None:
        theme = _default[0]
    if isinstance(theme, Theme):
        return theme
    if theme not in THEMES:
        raise ValueError(
            f"plot theme must be one of {', '.join(THEMES)} or a plot.Theme, not {theme!r}"
        )
    return THEMES[theme]


def set_theme(theme: str | Theme) -> None:
    """Make ``theme`` the default of figures made from now on."""
    get_theme(theme)  # refused here, not at the next figure
    _default[0] = theme
