"""Volume: a 3D array drawn by ray casting through its bounding box.

Voxel (k, i, j) of a (D, H, W) array is centred at (j, i, k) + 0.5 in the
visual's coordinates, so the volume fills the box [0, W] x [0, H] x [0, D].

How it is drawn: the box's twelve triangles are rasterized; each fragment
casts the ray from the eye through it, in the visual's own coordinates. The
eye is found on the CPU each frame by mapping the clip-space direction towards
the viewer through the inverse of the visual-to-clip chain (a point for a
perspective camera, a direction for an orthographic one) and sent as one
uniform. The ray is clipped to the box in the shader, and only the fragment at
the ray's exit (a back face) marches it, so the camera may be inside the box
and no face culling (which depends on the winding after the transforms) is
needed. The fragment's depth is that of the ray's entry (or of the surface hit,
for "iso"), so other objects in front of the volume hide it.

Methods: "mip" (maximum intensity along the ray), "minip" (minimum intensity),
"average" (the mean of the samples), "translucent" (front-to-back compositing; a
voxel at the top of the contrast limits has opacity ``opacity``, times the
colormap's alpha), "additive" (each sample's colour screened onto the sum, as
vispy's: 1 - the product of (1 - colour) over the samples, each raised to the step
length in voxels, so the picture does not depend on ``step_size``), "iso" (the first
crossing of ``threshold``, shaded with the gradient's normal and a headlight).

Storage: uint8 data as R8; anything else normalized to [0, 1] by its range and
stored as R32F, as Image stores float data (WebGL2 filters it linearly with
OES_texture_float_linear, which browsers offer: glir.js says so when one lacks
it). R16F would halve the memory, but llvmpipe converts every half-float texel
it samples: a 256^3 MIP took 105-116 ms a frame against 77-81 ms as R32F.
Contrast limits and the threshold are converted to texture units on the CPU, so
changing them is a uniform update;
the colormap is a lookup texture, so changing it sends the texture's DATA.

Limits: the chain from the visual to clip space must be linear (affine or
projective: STTransform, MatrixTransform, the cameras); each side at most
``max_texture_size`` (2048 by default; WebGL2 guarantees 256). Normals for
"iso" are computed in voxel units, so a strongly anisotropic scale shades a
little off. At most 1024 steps per ray: longer rays take longer steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ... import gloo
from ...shaders import Variable, snippet
from .._reactive import Auto, Prop
from .._visual import DrawContext, Visual
from . import _data as checks
from ._data import Colormapped

__all__ = ["Volume", "RayCast", "ray_caster"]

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

VERT = """
in vec3 a_position;
out vec3 v_pos;
void main() {
    v_pos = a_position;
    gl_Position = $transform(vec4(a_position, 1.0));
}
"""
FRAG_DECLARATIONS = """
uniform highp sampler3D u_volume;
float volume_value(vec3 p) {
    // a product by the inverse, which the compiler hoists out of the ray's loop: a
    // division per sample cost a 256^3 MIP 8% of its frame on llvmpipe (236 -> 217 ms)
    return texture(u_volume, p * (1.0 / u_shape)).r;
}
float volume_voxel() {
    return 1.0;
}
"""
#: the ray caster's main(): ``volume_value`` and the uniforms of glsl/volume/raycast.glsl
#: come before it
FRAG_MAIN = """
void main() {
    bool perspective = u_eye.w > 0.5;
    vec3 origin = perspective ? u_eye.xyz : v_pos;
    vec3 d = normalize(perspective ? v_pos - u_eye.xyz : -u_eye.xyz);
    d = (step(0.0, d) * 2.0 - 1.0) * max(abs(d), 1e-7);  // no zero component
    vec2 span = volume_ray_box(origin, d);
    // the box's front faces lie on the same rays: only the exit fragment casts
    if (dot(v_pos - origin, d) < 0.5 * (span.x + span.y)) discard;
    float t0 = perspective ? max(span.x, 0.0) : span.x;
    float span_length = span.y - t0;
    if (span_length <= 0.0) discard;
    int n = min(int(ceil(span_length / u_step)), VOLUME_MAX_STEPS);
    float dt = span_length / float(n);
    float t_depth = t0;
    vec4 color;
    // $method is a constant (METHODS in _volume.py): the compiler keeps one method's
    // loop (llvmpipe runs every side of a uniform branch)
    int method = int($method + 0.5);
    if (method == 0) color = volume_mip(origin, d, t0, dt, n);
    else if (method == 1) color = volume_translucent(origin, d, t0, dt, n);
    else if (method == 2) color = volume_iso(origin, d, t0, dt, n, t_depth);
    else if (method == 3) color = volume_minip(origin, d, t0, dt, n);
    else if (method == 4) color = volume_average(origin, d, t0, dt, n);
    else color = volume_additive(origin, d, t0, dt, n);
    if (color.a <= 0.0) discard;
    gl_FragDepth = volume_depth(origin + d * t_depth);
    f_color = $post(color);
}
"""

#: the ray caster's methods and their u_method values (the dispatch in FRAG_MAIN)
METHODS = {
    "mip": 0.0,
    "translucent": 1.0,
    "iso": 2.0,
    "minip": 3.0,
    "average": 4.0,
    "additive": 5.0,
}


def _box() -> np.ndarray:
    """The 36 vertices of the unit cube's 12 triangles."""
    corners = np.array([[(i >> 0) & 1, (i >> 1) & 1, (i >> 2) & 1] for i in range(8)], np.float32)
    faces = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    index = [q[k] for q in faces for k in (0, 1, 2, 0, 2, 3)]
    return corners[index]


def _as_volume(data: ArrayLike, max_size: int) -> np.ndarray:
    """Checked (D, H, W) real data, every side within ``max_size``."""
    arr = np.asarray(data)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"Volume.data: dtype {arr.dtype} is not a real number type")
    if arr.ndim != 3:
        raise ValueError(f"Volume.data: shape {arr.shape} is not (D, H, W)")
    if min(arr.shape) < 1:
        raise ValueError(f"Volume.data: shape {arr.shape} is empty")
    if max(arr.shape) > max_size:
        raise ValueError(
            f"Volume.data: shape {arr.shape} has a side above max_texture_size "
            f"({max_size}); downsample it"
        )
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError("Volume.data: contains NaN or infinity")
    return arr


def ray_caster(declarations: str, main: str) -> str:
    """A ray caster's fragment shader: the shared uniforms, the visual's own
    ``declarations`` (its samplers and ``volume_value``/``volume_voxel``), the shared
    marching functions, and ``main``."""
    return (
        snippet("volume/uniforms", _GLSL) + declarations + snippet("volume/raycast", _GLSL) + main
    )


class RayCast:
    """The ray caster's properties and camera uniforms, shared by Volume and
    MultiscaleVolume (both draw with glsl/volume/raycast.glsl and FRAG_MAIN)."""

    method = Prop(
        checks.choice(*METHODS),
        'How a ray is drawn: "mip" (maximum intensity), "minip" (minimum intensity), '
        '"average" (mean of the samples), "translucent" (compositing), "additive" (colours '
        'screened along the ray, as vispy\'s) or "iso" (the surface at threshold).',
    )
    gamma = Prop(checks.number(above=0), "Exponent applied to the normalized value (> 0).")
    threshold = Auto(
        checks.optional(checks.number()),
        'For "iso": the level in data units; None: the middle of clim (reads give the level '
        "in use).",
        unset=None,
        resolve=lambda volume: sum(volume.clim) / 2,
    )
    step_size = Prop(
        checks.number(above=0),
        "Distance between samples along a ray, in voxels (> 0; smaller is finer).",
    )
    opacity = Prop(
        checks.number(minimum=0, maximum=1),
        'For "translucent": the opacity of one voxel at the top of clim, in [0, 1].',
    )
    interpolation = Prop(
        checks.choice("nearest", "linear"),
        'Sampling between voxel centres: "linear" (trilinear) or "nearest".',
    )

    _range = (0.0, 1.0)  # data values at texture values 0 and 1

    def _to_texture(self, value: float) -> float:
        lo, hi = self._range
        return (value - lo) / (hi - lo)

    def _bind_method(self) -> None:
        """Bind ``$method``, the constant that picks the ray's method (the constructors
        call it before anything compiles)."""
        self._method = Variable("VOLUME_METHOD", 0.0, kind="const")
        self.frag["method"] = self._method

    def _ray_uniforms(self, dirty: set) -> None:
        """Set the ray caster's uniforms whose properties are dirty (clim and threshold
        in texture units: ``self._to_texture``)."""
        program = self.program
        if "method" in dirty:
            self._method.value = METHODS[self.method]  # changed: another program, recompiled
        if "clim" in dirty:
            program["u_clim"] = tuple(self._to_texture(v) for v in self.clim)
        if dirty & {"clim", "threshold"}:  # the default threshold follows clim
            program["u_threshold"] = self._to_texture(self.threshold)
        if "gamma" in dirty:
            program["u_gamma"] = self.gamma
        if "opacity" in dirty:
            program["u_opacity"] = self.opacity

    def _eye(self, view: Any) -> tuple[float, float, float, float]:
        """The eye in local coordinates (w = 1), or the direction towards it (w = 0)."""
        towards_viewer = np.array([[0.0, 0.0, -1.0, 0.0]])  # homogeneous: imap keeps w
        eye = self.transform_to(view.scene).imap(view.camera.transform.imap(towards_viewer))[0]
        xyz, w = eye[:3], eye[3]
        if abs(w) > 1e-9 * np.linalg.norm(xyz):
            return (*(xyz / w), 1.0)
        return (*(xyz / np.linalg.norm(xyz)), 0.0)

    def _camera_uniforms(self, view: Any) -> list[dict]:
        from ._geometry import linear_matrix

        local = np.linalg.inv(linear_matrix(self.transform_to(view.scene)))
        return [{"name": "u_eye", "recipe": "eye", "local": local.ravel().tolist()}]


class Volume(RayCast, Colormapped, Visual):
    """A volume drawn by ray casting: maximum, minimum or mean intensity, translucent,
    additive or iso-surface.

    Parameters
    ----------
    data
        (D, H, W) real values, finite (no NaN).
    method
        "mip", "minip", "average", "translucent", "additive" or "iso".
    cmap
        A colormap name of :func:`glframe.shaders.colormaps.names`.
    clim
        (min, max) contrast limits in data units, or "auto" (the data's range).
    gamma
        Exponent applied to the normalized value (> 0).
    threshold
        The iso-surface's level in data units; None: the middle of ``clim``.
    step_size
        Distance between samples along a ray, in voxels (> 0; smaller is finer).
    opacity
        For "translucent": opacity of one voxel at the top of the limits, in [0, 1].
    interpolation
        "linear" (trilinear, default) or "nearest".
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> from glframe import scene
    >>> canvas = scene.SceneCanvas(size=(200, 200))
    >>> view = canvas.add_view(camera=scene.TurntableCamera(azimuth=30, elevation=20))
    >>> z, y, x = np.mgrid[-1:1:32j, -1:1:32j, -1:1:32j]
    >>> blob = np.exp(-4 * (x**2 + y**2 + z**2))
    >>> volume = scene.visuals.Volume(blob, method="mip", cmap="inferno", parent=view.scene)
    >>> view.camera.set_range()
    >>> volume.method = "iso"            # a uniform update at the next frame
    >>> volume.threshold = 0.5
    >>> canvas.render().shape
    (200, 200, 4)
    >>> canvas.close()
    """

    #: largest side accepted (MAX_3D_TEXTURE_SIZE); WebGL2 guarantees only 256
    max_texture_size: int = 2048

    def __init__(
        self,
        data: ArrayLike | None = None,
        *,
        method: str = "mip",
        cmap: str = "viridis",
        clim: Any = "auto",
        gamma: float = 1.0,
        threshold: float | None = None,
        step_size: float = 0.5,
        opacity: float = 0.1,
        interpolation: str = "linear",
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        frag = ray_caster(FRAG_DECLARATIONS, FRAG_MAIN)
        super().__init__(VERT, frag, parent, **kwargs)
        self.frag["transform"] = self._chain  # the same chain, for depths in the fragment stage
        self._bind_method()
        self._data: np.ndarray | None = None  # nothing is drawn until set_data
        self._range = (0.0, 1.0)  # data values at texture values 0 and 1
        self._stored: np.ndarray | None = None  # what the texture gets, until uploaded
        self._texture: gloo.Texture3D | None = None
        self._geometry: gloo.VertexBuffer | None = None
        self._box_shape: tuple[int, int, int] | None = None
        self.set_data(
            data,
            method=method,
            cmap=cmap,
            clim=clim,
            gamma=gamma,
            threshold=threshold,
            step_size=step_size,
            opacity=opacity,
            interpolation=interpolation,
        )

    # ---- data --------------------------------------------------------------------------
    def set_data(self, data: ArrayLike | None = None, **properties: Any) -> None:
        """Replace the volume (None: keep it) and set any properties, checked together (all
        or nothing); data of the same shape and kind reuses the texture."""
        arr = None if data is None else _as_volume(data, self.max_texture_size)
        self._assign(properties, caller="set_data")
        if arr is None:
            return
        if arr.dtype == np.bool_:
            arr = arr.astype(np.uint8)
        lo, hi = float(arr.min()), float(arr.max())
        self._auto_clim = (lo, hi if hi > lo else lo + 1.0)
        if arr.dtype == np.uint8:
            self._range = (0.0, 255.0)
            stored = np.ascontiguousarray(arr)
        else:
            self._range = self._auto_clim
            lo, hi = self._auto_clim
            scaled = (arr.astype(np.float32) - np.float32(lo)) / np.float32(hi - lo)
            stored = scaled
        self._data = arr
        self._stored = stored
        self._dirty.update(("data", "clim"))  # new texture units: clim and threshold

    @property
    def data(self) -> np.ndarray | None:
        """The data as given, (D, H, W) (bool as uint8; None before any)."""
        return self._data

    @data.setter
    def data(self, value: ArrayLike) -> None:
        self.set_data(value)

    # ---- drawing ------------------------------------------------------------------------
    def _prepare(self, ctx: DrawContext) -> None:
        if self._data is None:
            return  # what is dirty stays so until there is data
        program = self.program
        dirty, self._dirty = self._dirty, set()
        if "cmap" in dirty:
            self._upload_colormap()
        if "data" in dirty:
            stored = self._stored
            texture = self._texture
            if (
                texture is None
                or texture.shape[:3] != stored.shape
                or (texture.internalformat != ("r8" if stored.dtype == np.uint8 else "r32f"))
            ):
                if texture is not None:
                    texture.delete()
                texture = self._texture = gloo.Texture3D(stored, interpolation=self.interpolation)
            else:
                texture.set_data(stored)
            self._stored = None  # the texture has it now
            program["u_volume"] = texture
            d, h, w = stored.shape
            if self._box_shape != (w, h, d):
                self._box_shape = (w, h, d)
                box = _box() * np.array([w, h, d], np.float32)
                if self._geometry is None:
                    self._geometry = gloo.VertexBuffer(box)
                    program["a_position"] = self._geometry
                else:
                    self._geometry.set_data(box)
            program["u_shape"] = (float(w), float(h), float(d))
        if "interpolation" in dirty and self._texture.interpolation[0] != self.interpolation:
            self._texture.interpolation = self.interpolation
        self._ray_uniforms(dirty)
        if "step_size" in dirty:
            program["u_step"] = self.step_size
        program["u_eye"] = self._eye(ctx.view)

    def _draw(self, ctx: DrawContext) -> None:
        if self._data is not None:
            self.program.draw("triangles")

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if self._data is None:
            return None
        d, h, w = self._data.shape
        return (0.0, float((w, h, d)[axis]))
