"""Spheres: sphere impostors, one instanced quad per sphere, ray-cast per fragment.

Each sphere is four vertices of an instanced triangle strip (a per-vertex
corner buffer, per-sphere buffers with ``divisor=1``): no point-size limit, and
100,000 spheres are one draw. The vertex stage places the quad on the exact
screen-space bounding box of the sphere, from the sphere's dual quadric in
clip space (for perspective and orthographic cameras alike), one pixel wider.
The fragment stage casts the view ray through the fragment in the visual's
coordinates (the ray starts on the near plane, unprojected with the inverse of
the visual-to-clip matrix, computed on the CPU in float64), discards misses,
lights the hit point (Blinn-Phong, light fixed to the camera, as for
:class:`~glframe.scene.visuals.Mesh`), and writes ``gl_FragDepth`` from the hit
point, so spheres cut each other, and meshes, along the right curves.

Limits: the transforms from the visual to its scene must be linear (a sphere
under a non-uniform scale is drawn as the ellipsoid it becomes); a sphere
around the eye or crossing the camera plane is not drawn; the part of a sphere
in front of the near plane (or beyond the far one) is drawn at the depth limit,
as with depth clamping (in a 2D PanZoom view, whose clip depth is the scene's z
in [-1, 1], big spheres stay whole discs); silhouettes are not antialiased (blended
edges would write depth over the spheres behind them; the scene has no
multisampling yet); writing ``gl_FragDepth`` turns off early depth tests, so
hidden spheres still cost their fragments.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ...shaders import snippet
from .._reactive import Prop
from .._visual import DrawContext, Visual
from . import _data as checks
from ._data import as_positions
from ._geometry import ShadedMixin, ShadingFrame, linear_matrix

__all__ = ["Spheres"]

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

VERT_DECLARATIONS = """
in vec2 a_corner;    // per vertex: a corner of the unit square
in vec3 a_center;    // per sphere
in float a_radius;
in vec4 a_color;
uniform mat4 u_spheres_mvp;      // visual -> clip: the matrix $transform applies
uniform mat4 u_spheres_inverse;  // clip -> visual
out vec4 v_near;                 // homogeneous: the near-plane point under the fragment
flat out vec3 v_center;
flat out float v_radius;
flat out vec4 v_color;
"""
VERT_MAIN = """
void main() {
    $pick_index = gl_InstanceID;  // canvas.pick() reports the sphere's index
    vec4 c = $transform(vec4(a_center, 1.0));
    mat4 rows = transpose(u_spheres_mvp);
    vec3 w_row = rows[3].xyz;
    v_center = a_center;
    v_radius = a_radius;
    v_color = a_color;
    float q_ww = a_radius * a_radius * dot(w_row, w_row) - c.w * c.w;
    if (c.w <= 0.0 || q_ww >= 0.0 || a_radius <= 0.0) {
        // behind the eye, around it, or empty: a degenerate quad outside the view
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        v_near = vec4(0.0, 0.0, 0.0, 1.0);
        return;
    }
    vec2 xs = sphere_extent(rows[0].xyz, w_row, c.x, c.w, a_radius);
    vec2 ys = sphere_extent(rows[1].xyz, w_row, c.y, c.w, a_radius);
    vec2 pad = 2.0 / $viewport;  // one pixel
    vec2 ndc = mix(vec2(xs.x, ys.x) - pad, vec2(xs.y, ys.y) + pad, a_corner);
    // w = 1: varyings interpolate linearly in screen space, as the near-plane point does
    gl_Position = vec4(ndc, clamp(c.z / c.w, -0.999, 0.999), 1.0);
    v_near = u_spheres_inverse * vec4(ndc, -1.0, 1.0);
}
"""
FRAG_DECLARATIONS = """
in vec4 v_near;
flat in vec3 v_center;
flat in float v_radius;
flat in vec4 v_color;
uniform mat4 u_spheres_mvp;
uniform vec4 u_spheres_eye;             // visual coordinates, homogeneous (w = 0: orthographic)
uniform mat3 u_spheres_linear;          // directions: visual -> scene
uniform mat3 u_spheres_normal_matrix;   // normals: visual -> scene
uniform vec3 u_spheres_light_dir;       // scene
uniform vec4 u_spheres_material;        // ambient, diffuse, specular, shininess
uniform float u_spheres_shading;        // 0: flat colour, 1: lit
out vec4 f_color;
"""
FRAG_MAIN = """
void main() {
    vec3 origin = v_near.xyz / v_near.w;
    vec3 dir = normalize(origin * u_spheres_eye.w - u_spheres_eye.xyz);
    vec2 hit = ray_sphere(origin, dir, v_center, v_radius);
    if (hit.y < 0.0) discard;
    vec3 p = origin + hit.x * dir;  // hit.x < 0: before the near plane, drawn at depth 0
    vec4 clip = u_spheres_mvp * vec4(p, 1.0);
    gl_FragDepth = clamp(0.5 + 0.5 * clip.z / clip.w, 0.0, 1.0);
    vec4 color = v_color;
    if (u_spheres_shading > 0.5) {
        vec3 n = normalize(u_spheres_normal_matrix * (p - v_center));
        vec3 to_eye = normalize(u_spheres_linear * -dir);
        color.rgb = shade_blinn_phong(color.rgb, n, to_eye, u_spheres_light_dir,
                                      u_spheres_material);
    }
    f_color = $post(color);
}
"""

_CORNERS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float32)


class Spheres(ShadedMixin, Visual):
    """Spheres of any size in scene units, ray-cast: round at every zoom, with exact depth.

    Parameters
    ----------
    positions
        (N, 3) (or (N, 2), z = 0) centres; finite.
    radius
        One radius or (N,) radii, in the visual's units (>= 0; 0 hides a sphere).
    color
        One colour (name, '#rrggbb', RGB(A) floats) or (N, 3|4) colours.
    shading
        "smooth" (lit by a light fixed to the camera) or None (flat colour discs).
    ambient, diffuse, specular, shininess, light_dir
        The material and the light, as for :class:`~glframe.scene.visuals.Mesh`.
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> atoms = Spheres(np.random.normal(size=(1000, 3)), radius=0.1, color="orange",
    ...                 parent=view.scene)          # doctest: +SKIP
    >>> atoms.radius = np.full(1000, 0.2)           # uploads the radii only   # doctest: +SKIP
    """

    _items = "spheres"

    def __init__(
        self,
        positions: ArrayLike | None = None,
        *,
        radius: ArrayLike = 1.0,
        color: Any = "white",
        shading: str | None = "smooth",
        ambient: float = 0.25,
        diffuse: float = 0.75,
        specular: float = 0.3,
        shininess: float = 32.0,
        light_dir: ArrayLike = (-0.4, 0.6, 1.0),
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        lighting = snippet("mesh/lighting", _GLSL)
        impostor = snippet("spheres/impostor", _GLSL)
        super().__init__(
            VERT_DECLARATIONS + impostor + VERT_MAIN,
            FRAG_DECLARATIONS + lighting + impostor + FRAG_MAIN,
            parent,
            **kwargs,
        )
        self._dirty.add("corner")
        self.set_data(
            positions if positions is not None else np.zeros((0, 3)),
            radius=radius,
            color=color,
            shading=shading,
            ambient=ambient,
            diffuse=diffuse,
            specular=specular,
            shininess=shininess,
            light_dir=light_dir,
        )

    # ---- data ----------------------------------------------------------------------------
    def set_data(self, positions: ArrayLike | None = None, **properties: Any) -> None:
        """Set positions (the sphere count) and any properties at once (checked together:
        all or nothing; per-sphere values kept from before must fit the new count)."""
        pos = None if positions is None else as_positions(positions, "Spheres.positions")
        if pos is not None and not np.all(np.isfinite(pos)):
            raise ValueError("Spheres.positions: contains NaN or infinity")
        self._set_items("position", pos, properties)

    @property
    def positions(self) -> np.ndarray:
        """(N, 3) float32 centres (z = 0 for 2D data); setting them keeps the other
        properties (per-sphere values must then fit the new count)."""
        return self._values["position"]

    @positions.setter
    def positions(self, value: ArrayLike) -> None:
        self.set_data(value)

    radius = Prop(
        checks.numbers(minimum=0),
        "Radius in the visual's units: one or one per sphere (0 hides a sphere).",
        per_item=True,
    )
    color = Prop(checks.colors(), "One colour or (N, 3|4) colours, one per sphere.", per_item=True)
    shading = Prop(
        checks.choice(None, "smooth"),
        '"smooth" (lit by a light fixed to the camera) or None (flat colour discs).',
    )

    # ---- drawing ---------------------------------------------------------------------------
    def _prepare(self, ctx: DrawContext) -> None:
        program = self.program
        chain = self.transform_to(ctx.view.scene)
        if not chain.linear:
            raise TypeError(
                "Spheres: the transforms from the visual to its scene must be linear "
                f"(STTransform, MatrixTransform) to ray-cast; got {chain.transforms}"
            )
        for name in sorted(self._dirty):
            if name == "corner":
                self._bind("a_corner", _CORNERS, 1)
            elif name in ("position", "radius", "color"):
                value = self._values[name]
                attribute = "a_center" if name == "position" else f"a_{name}"
                # one value per sphere: per-instance buffers
                self._bind(attribute, value, 0 if name == "radius" else 1, divisor=1)
            elif name == "material":
                program["u_spheres_material"] = self._material()
            elif name == "shading":
                program["u_spheres_shading"] = 0.0 if self.shading is None else 1.0
        self._dirty.clear()
        frame = ShadingFrame.of(self, ctx.view)
        mvp = frame.camera @ frame.model
        if abs(np.linalg.det(frame.model[:3, :3])) < 1e-300:
            raise ValueError("Spheres: the transforms to the scene flatten it (a scale of 0)")
        program["u_spheres_mvp"] = mvp
        program["u_spheres_inverse"] = np.linalg.inv(mvp)
        program["u_spheres_eye"] = np.linalg.solve(frame.model, frame.eye)
        program["u_spheres_linear"] = frame.model[:3, :3]
        program["u_spheres_normal_matrix"] = frame.normal_matrix
        program["u_spheres_light_dir"] = frame.light_direction(self.light_dir)

    def _camera_uniforms(self, view: Any) -> list[dict]:
        local = np.linalg.inv(linear_matrix(self.transform_to(view.scene)))
        return self._lighting_recipes("u_spheres", local)

    def _draw(self, ctx: DrawContext) -> None:
        if self._n:
            self.program.draw("triangle_strip", instances=self._n)

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if not self._n or not 0 <= axis < 3:
            return None
        pos = self._values["position"][:, axis]
        radius = self._values["radius"]
        return float(np.min(pos - radius)), float(np.max(pos + radius))
