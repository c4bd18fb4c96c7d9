"""Axes3D: data in 3D under a turntable camera, in a labelled box.

The data's bounding box is scaled to a cube (as matplotlib's 3D axes do, so
that x in metres and z in millivolts both show), drawn as its 12 edges, with
ticks and labels along three of them (x and y along the floor, z up a
vertical edge) and the axis names beyond them. The labels are
:class:`~glframe.scene.visuals.Text` at 3D positions, a constant size in
pixels: they turn with the box, in Python and in an exported page alike.
The ticks are computed for the data's range when data is added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ..scene import Node, TurntableCamera
from ..scene.visuals import Line, Markers, Mesh, Text, Volume
from ..shaders import colormaps
from ..transforms import STTransform
from ._axes import PixelCamera
from ._ticks import ticks

if TYPE_CHECKING:
    from ._figure import Figure

__all__ = ["Axes3D"]

# the box's 12 edges as pairs of corners (corner bits: x, y, z)
_EDGES = [(a, a | bit) for a in range(8) for bit in (1, 2, 4) if not a & bit]


class Axes3D:
    """3D axes: ``surface``, ``mesh``, ``volume``, ``scatter`` and ``plot`` in a box.

    Made by ``plot.subplots(projection="3d")`` or ``fig.add_axes(projection="3d")``.

    Attributes
    ----------
    view
        The view (its ``camera`` is a :class:`~glframe.scene.TurntableCamera`).
    data
        The node the data hangs from; its transform scales the data box to a cube.

    Examples
    --------
    >>> import numpy as np
    >>> from glframe import plot
    >>> fig, ax = plot.subplots(projection="3d", size=(300, 300))
    >>> z = np.sin(np.linspace(0, 3, 30))[:, None] * np.cos(np.linspace(0, 3, 40))
    >>> surface = ax.surface(z)
    >>> fig.render().shape
    (300, 300, 4)
    >>> fig.close()
    """

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        theme = figure.theme
        canvas = figure.canvas
        self._decor = canvas.add_view(camera=PixelCamera())
        self.view = canvas.add_view(
            camera=TurntableCamera(azimuth=-50, elevation=25, fov=30, scale_factor=4.4)
        )
        self.data = Node(parent=self.view.scene, name="data")
        self._artists: list[dict[str, Any]] = []
        self._labels = ["x", "y", "z"]
        fg = theme.foreground
        self._box = Line(connect="segments", color=fg, width=theme.line_width, parent=self.data)
        self._marks = Line(connect="segments", color=fg, width=theme.line_width, parent=self.data)
        self._ticklabels = Text(
            "",
            (0, 0, 0),
            font=theme.font,
            scaling="pixels",
            font_size=theme.font_size,
            color=fg,
            parent=self.data,
        )
        self._names = Text(
            "",
            (0, 0, 0),
            font=theme.font,
            scaling="pixels",
            font_size=theme.label_size,
            color=fg,
            parent=self.data,
        )
        for text in (self._ticklabels, self._names):  # never hidden behind the data
            text.set_gl_state("translucent", depth_test=False)
            text.order = 1000
        self._title_text = ""
        self._title = Text(
            "", (0, 0), scaling="pixels", font=theme.font,
            font_size=theme.title_size, color=fg, bold=True,
            anchor_y="top", parent=self._decor.scene,
        )  # fmt: skip
        self._bounds = np.array([[0.0, 1.0]] * 3)
        self._rebuild()

    # ---- labels -----------------------------------------------------------------------
    def set_title(self, title: str) -> Text:
        """The title above the box; returns its Text."""
        self._title_text = str(title)
        self.figure._relayout()
        return self._title

    def set_xlabel(self, label: str) -> Text:
        """The x axis's name; returns the Text of the three names."""
        return self._set_name(0, label)

    def set_ylabel(self, label: str) -> Text:
        """The y axis's name."""
        return self._set_name(1, label)

    def set_zlabel(self, label: str) -> Text:
        """The z axis's name."""
        return self._set_name(2, label)

    def _set_name(self, k: int, label: str) -> Text:
        self._labels[k] = str(label)
        self._rebuild()
        return self._names

    # ---- data -------------------------------------------------------------------------
    def surface(
        self,
        z: ArrayLike,
        x: ArrayLike | None = None,
        y: ArrayLike | None = None,
        *,
        cmap: str = "viridis",
        color: Any = None,
        **kwargs: Any,
    ) -> Mesh:
        """A surface z[i, j] over x[j], y[i] (default: indices), coloured by z; returns its Mesh."""
        z = np.asarray(z, dtype=np.float64)
        if z.ndim != 2 or min(z.shape) < 2:
            raise ValueError(f"Axes3D.surface: z must be (rows, cols), both >= 2, not {z.shape}")
        rows, cols = z.shape
        x = np.arange(cols, dtype=float) if x is None else np.asarray(x, float)
        y = np.arange(rows, dtype=float) if y is None else np.asarray(y, float)
        xx, yy = np.meshgrid(x, y)
        vertices = np.c_[xx.ravel(), yy.ravel(), z.ravel()]
        i, j = np.mgrid[0 : rows - 1, 0 : cols - 1]
        a = (i * cols + j).ravel()
        faces = np.r_[np.c_[a, a + 1, a + cols + 1], np.c_[a, a + cols + 1, a + cols]]
        if color is None:
            span = np.ptp(z) or 1.0
            kwargs["vertex_colors"] = colormaps.sample(cmap, (z.ravel() - z.min()) / span)
        else:
            kwargs["color"] = color
        mesh = Mesh(vertices, faces, parent=self.data, **kwargs)
        return self._add(mesh, vertices)

    def mesh(self, vertices: ArrayLike, faces: ArrayLike, **kwargs: Any) -> Mesh:
        """A triangle mesh (:class:`~glframe.scene.visuals.Mesh`'s options); returns it."""
        mesh = Mesh(vertices, faces, parent=self.data, **kwargs)
        return self._add(mesh, np.asarray(vertices, float))

    def volume(self, data: ArrayLike, **kwargs: Any) -> Volume:
        """A volume (z, y, x) over x, y, z = its indices (:class:`~glframe.scene.visuals.Volume`'s
        options: ``cmap``, ``clim``, ``method``...); returns it."""
        volume = Volume(data, parent=self.data, **kwargs)
        nz, ny, nx = np.asarray(data).shape[:3]
        return self._add(volume, np.array([[0, 0, 0], [nx, ny, nz]], float))

    def scatter(self, x: ArrayLike, y: ArrayLike, z: ArrayLike, **kwargs: Any) -> Markers:
        """Points at (x, y, z) (:class:`~glframe.scene.visuals.Markers`' options); returns them."""
        pos = np.c_[np.asarray(x, float), np.asarray(y, float), np.asarray(z, float)]
        kwargs.setdefault("face_color", self.figure.theme.cycle[0])
        kwargs.setdefault("edge_width", 0.0)
        return self._add(Markers(pos, parent=self.data, **kwargs), pos)

    def plot(self, x: ArrayLike, y: ArrayLike, z: ArrayLike, **kwargs: Any) -> Line:
        """A line through (x, y, z) (:class:`~glframe.scene.visuals.Line`'s options); returns it."""
        pos = np.c_[np.asarray(x, float), np.asarray(y, float), np.asarray(z, float)]
        kwargs.setdefault("color", self.figure.theme.cycle[0])
        kwargs.setdefault("width", 2.0)
        return self._add(Line(pos, parent=self.data, **kwargs), pos)

    def _add(self, visual: Any, points: np.ndarray) -> Any:
        finite = points[np.all(np.isfinite(points), axis=1)]
        box = np.c_[finite.min(0), finite.max(0)] if len(finite) else np.array([[0.0, 1.0]] * 3)
        self._artists.append({"visual": visual, "bounds": box, "label": None, "kind": "3d"})
        boxes = np.array([a["bounds"] for a in self._artists])
        self._bounds = np.c_[boxes[:, :, 0].min(0), boxes[:, :, 1].max(0)]
        self._rebuild()
        return visual

    # ---- the box ----------------------------------------------------------------------
    def _rebuild(self) -> None:
        """Scale the data box to a cube; draw its edges, ticks and names."""
        lo, hi = self._bounds[:, 0].copy(), self._bounds[:, 1].copy()
        same = hi == lo
        lo[same], hi[same] = lo[same] - 0.5, hi[same] + 0.5
        span = hi - lo
        self.data.transform = STTransform(scale=2 / span, translate=-1 - 2 * lo / span)
        corners = np.array([[(hi if c >> k & 1 else lo)[k] for k in range(3)] for c in range(8)])
        self._box.set_data(np.array([corners[i] for e in _EDGES for i in e]))
        # ticks on the edges nearest the default view (azimuth -50): x along y = lo, z = lo;
        # y along x = lo, z = lo; z up x = lo, y = hi; each standing off outwards
        marks, labels, positions, names, name_pos = [], [], [], [], []
        out = 0.06 * span  # how far ticks and labels stand off the box, per axis
        for k in range(3):
            t = ticks(lo[k], hi[k], 260, font_size=self.figure.theme.font_size)
            base = np.array([lo[0], hi[1] if k == 2 else lo[1], lo[2]])
            away = np.zeros(3)
            away[1 if k == 0 else 0] = -out[1 if k == 0 else 0]
            for value, label in zip(t.positions, t.labels):
                p = base.copy()
                p[k] = value
                marks += [p, p + away * 0.5]
                labels.append(label)
                positions.append(p + away * 1.6)
            mid = base.copy()
            mid[k] = (lo[k] + hi[k]) / 2
            names.append(self._labels[k])
            name_pos.append(mid + away * 3.6)
        self._marks.set_data(np.array(marks, float).reshape(-1, 3))
        self._ticklabels.set_data(labels, np.array(positions, float).reshape(-1, 3))
        self._names.set_data(names, np.array(name_pos, float))
        self.figure.canvas.update()

    def _layout(self, cell: tuple[int, int, int, int]) -> None:
        self._decor.rect = cell
        self._decor.camera.fit(cell[2:])
        top = 8 + (self.figure.theme.title_size * 1.5 if self._title_text else 0)
        self.view.rect = (cell[0], cell[1] + round(top), cell[2], cell[3] - round(top))
        self._title.visible = bool(self._title_text)
        if self._title_text:
            self._title.set_data(self._title_text, (cell[2] / 2, 8))

    def _refresh(self) -> None:
        """Nothing follows the camera on the CPU: the labels are in the scene."""

    def _export(self) -> None:
        return None
