"""Mesh: a triangle mesh with vertex or face colours, flat or smooth shading, a wireframe.

Lighting is Blinn-Phong with one directional light fixed to the camera
(``light_dir`` in camera axes: x right, y up, z towards the viewer), computed
per fragment in scene coordinates: positions go to the scene with the 4x4
matrix of the transforms above the mesh, normals with its inverse transpose,
so scaled meshes are lit right. Both sides of a face are lit (the side facing
the viewer). ``shading="flat"`` takes the face normal from screen-space
derivatives of the position, so it needs no per-face data; ``"smooth"``
interpolates the given normals, or area-weighted vertex normals computed once.

Face colours and the wireframe need each triangle's vertices apart: the mesh
is then drawn *de-indexed* (three vertices per face, the wireframe's
barycentric coordinates from ``gl_VertexID % 3``); otherwise it is drawn
indexed. Switching re-uploads the vertex buffers (DATA, no recompilation).
Every option is a uniform or a buffer: no change of a property recompiles.

``canvas.pick`` reports the face under the pointer (``gl_VertexID / 3`` in a
de-indexed draw; GLSL ES 3.00 has no ``gl_PrimitiveID``): an indexed mesh is
drawn de-indexed for the picking pass only, from positions gathered by faces
once (kept until the geometry changes), with constant normal and colour.

Limits: one light; translucent meshes are not sorted (draw order and the
depth buffer decide); a wireframe edge on a silhouette is half as wide (each
triangle draws its half of an edge); lighting under a nonlinear transform uses
its affine approximation at the data's centre; ``cull`` follows the faces'
winding (counter-clockwise seen from the front), swapped under a mirroring
transform.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ... import gloo
from ...data import MeshData
from ...shaders import snippet
from .._reactive import Prop
from .._visual import DrawContext, Visual, finite_bounds
from . import _data as checks
from ._data import as_colors, as_positions
from ._geometry import ShadedMixin, ShadingFrame, vertex_normals

__all__ = ["Mesh", "SHADINGS"]

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

SHADINGS = {None: 0.0, "flat": 1.0, "smooth": 2.0}
_CULLS = (None, "back", "front")
_UP = (0.0, 0.0, 1.0)  # a_normal where no normal is read

VERT = """
in vec3 a_position;
in vec3 a_normal;
in vec4 a_color;
uniform mat4 u_mesh_model;
uniform mat3 u_mesh_normal_matrix;
out vec3 v_position;   // scene coordinates
out vec3 v_normal;     // scene coordinates
out vec4 v_color;
out vec3 v_bary;       // barycentric, when drawn de-indexed
void main() {
    gl_Position = $transform(vec4(a_position, 1.0));
    v_position = (u_mesh_model * vec4(a_position, 1.0)).xyz;
    v_normal = u_mesh_normal_matrix * a_normal;
    v_color = a_color;
    int k = gl_VertexID % 3;
    v_bary = vec3(k == 0, k == 1, k == 2);
    $pick_index = gl_VertexID / 3;  // the face: picking draws de-indexed
}
"""
FRAG_DECLARATIONS = """
in vec3 v_position;
in vec3 v_normal;
in vec4 v_color;
in vec3 v_bary;
uniform vec4 u_mesh_eye;        // homogeneous, scene; w = 0: orthographic
uniform vec3 u_mesh_light_dir;  // towards the light, scene
uniform vec4 u_mesh_material;   // ambient, diffuse, specular, shininess
uniform float u_mesh_shading;   // 0 none, 1 flat, 2 smooth
uniform float u_mesh_mirrored;  // 1: front faces are clockwise on screen
uniform vec4 u_mesh_wire_color;
uniform float u_mesh_wire_width;  // logical pixels; 0: no wireframe
out vec4 f_color;
"""
FRAG_MAIN = """
void main() {
    vec4 color = v_color;
    if (u_mesh_shading > 0.5) {
        vec3 to_eye = normalize(u_mesh_eye.xyz - v_position * u_mesh_eye.w);
        vec3 n;
        if (u_mesh_shading < 1.5) {
            n = cross(dFdx(v_position), dFdy(v_position));
            n = dot(n, to_eye) < 0.0 ? -n : n;
        } else {
            bool front = gl_FrontFacing != (u_mesh_mirrored > 0.5);
            n = front ? v_normal : -v_normal;
        }
        float len = length(n);
        n = len > 0.0 ? n / len : to_eye;
        color.rgb = shade_blinn_phong(color.rgb, n, to_eye, u_mesh_light_dir, u_mesh_material);
    }
    if (u_mesh_wire_width > 0.0) {
        color = wireframe_over(color, v_bary, u_mesh_wire_width * $pixel_scale, u_mesh_wire_color);
    }
    f_color = $post(color);
    if (f_color.a <= 0.0) discard;
}
"""


_UNSET: Any = object()


class Mesh(ShadedMixin, Visual):
    """A triangle mesh, lit or not, with an optional wireframe.

    Parameters
    ----------
    vertices
        (N, 3) (or (N, 2), z = 0) vertex positions; finite.
    faces
        (M, 3) integer indices into ``vertices``; counter-clockwise seen from the front.
    meshdata
        A :class:`~glframe.data.MeshData` (vispy's keyword) instead of the arrays: its
        vertices, faces, vertex normals and vertex or face colours are used.
    normals
        (N, 3) vertex normals for smooth shading; computed (area-weighted) if None.
    vertex_colors, face_colors
        (N, 3|4) or (M, 3|4) colours; at most one of them. Setting one clears
        the other.
    color
        One colour for the whole mesh, used when neither of the above is set.
    shading
        None (the colours as given), "flat" (a normal per face) or "smooth".
    ambient, diffuse, specular, shininess, light_dir
        The material and the light (see :class:`~glframe.scene.visuals.geometry.ShadedMixin`).
    wireframe, wireframe_color, wireframe_width
        Draw the triangles' edges over the faces, antialiased, width in pixels.
        With a fully transparent ``color`` only the wireframe shows.
    cull
        None, "back" or "front": faces not drawn.
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> from glframe.scene.visuals import geometry
    >>> vertices, faces = geometry.torus()
    >>> mesh = Mesh(vertices, faces, color="#ff9900", shading="smooth",
    ...             parent=view.scene)                  # doctest: +SKIP
    >>> mesh.wireframe = True                          # doctest: +SKIP
    >>> mesh.shading = "flat"          # a uniform: nothing recompiles   # doctest: +SKIP
    """

    def __init__(
        self,
        vertices: ArrayLike | None = None,
        faces: ArrayLike | None = None,
        *,
        meshdata: MeshData | None = None,
        normals: ArrayLike | None = None,
        vertex_colors: ArrayLike | None = None,
        face_colors: ArrayLike | None = None,
        color: Any = "white",
        shading: str | None = "smooth",
        ambient: float = 0.25,
        diffuse: float = 0.75,
        specular: float = 0.3,
        shininess: float = 32.0,
        light_dir: ArrayLike = (-0.4, 0.6, 1.0),
        wireframe: bool = False,
        wireframe_color: Any = "black",
        wireframe_width: float = 1.0,
        cull: str | None = None,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        frag = (
            FRAG_DECLARATIONS
            + snippet("mesh/lighting", _GLSL)
            + snippet("mesh/wireframe", _GLSL)
            + FRAG_MAIN
        )
        super().__init__(VERT, frag, parent, **kwargs)
        self._vertices = np.zeros((0, 3), np.float32)
        self._faces = np.zeros((0, 3), np.uint32)
        self._normals: np.ndarray | None = None
        self._computed_normals: np.ndarray | None = None
        self._vertex_colors: np.ndarray | None = None
        self._face_colors: np.ndarray | None = None
        self._index: gloo.IndexBuffer | None = None
        self._pick_positions: tuple[tuple, gloo.VertexBuffer] | None = None  # (key, buffer)
        self._layout: str | None = None  # "indexed" or "deindexed", as uploaded
        self._normal_kind: str | None = None  # "buffer" or "constant", as uploaded
        self._mirrored = False
        self._centre: list[float] | None = None
        if meshdata is None:  # an empty mesh until set_data gives one
            vertices = np.zeros((0, 3)) if vertices is None else vertices
            faces = np.zeros((0, 3), np.uint32) if faces is None else faces
        self.set_data(
            vertices,
            faces,
            normals=normals,
            vertex_colors=vertex_colors,
            face_colors=face_colors,
            meshdata=meshdata,
            color=color,
            shading=shading,
            ambient=ambient,
            diffuse=diffuse,
            specular=specular,
            shininess=shininess,
            light_dir=light_dir,
            wireframe=wireframe,
            wireframe_color=wireframe_color,
            wireframe_width=wireframe_width,
            cull=cull,
        )

    # ---- data --------------------------------------------------------------------------
    def set_data(
        self,
        vertices: ArrayLike | None = None,
        faces: ArrayLike | None = None,
        *,
        meshdata: MeshData | None = None,
        normals: ArrayLike | None = _UNSET,
        vertex_colors: ArrayLike | None = _UNSET,
        face_colors: ArrayLike | None = _UNSET,
        **properties: Any,
    ) -> None:
        """Change the geometry, per-vertex or per-face data and any properties together
        (checked together: all or nothing; a new vertex count needs new normals and
        vertex colours in the same call). ``meshdata`` (a
        :class:`~glframe.data.MeshData`) gives vertices, faces, normals and colours at once."""
        me = type(self).__name__  # a subclass's errors name it (Box, Tube...)
        if isinstance(vertices, MeshData):
            raise TypeError(f"{me}: a MeshData goes in meshdata=, not vertices: meshdata=md")
        if meshdata is not None:
            vertices, faces, normals, vertex_colors, face_colors = _unpack(
                me, meshdata, vertices, faces, normals, vertex_colors, face_colors
            )
        v = self._vertices if vertices is None else _as_vertices(vertices)
        f = self._faces if faces is None else _as_faces(faces)
        if len(f) and int(f.max()) >= len(v):
            raise ValueError(
                f"{me}.faces: index {int(f.max())} is out of range for {len(v)} vertices"
            )
        n = self._normals if normals is _UNSET else normals
        if n is not None and not _fits(n, self._normals, len(v)):
            n = np.asarray(n)
            if n.dtype.kind not in "biuf" or n.shape != (len(v), 3):
                raise ValueError(f"{me}.normals: shape {n.shape} ({n.dtype}) is not ({len(v)}, 3)")
            if not np.all(np.isfinite(n)):
                raise ValueError(f"{me}.normals: contains NaN or infinity")
            n = n.astype(np.float32)
        if vertex_colors is not _UNSET and face_colors is not _UNSET:
            if vertex_colors is not None and face_colors is not None:
                raise ValueError(f"{me}: give vertex_colors or face_colors, not both")
        vc = self._vertex_colors if vertex_colors is _UNSET else vertex_colors
        fc = self._face_colors if face_colors is _UNSET else face_colors
        if vertex_colors is not _UNSET and vertex_colors is not None:
            fc = None
        elif face_colors is not _UNSET and face_colors is not None:
            vc = None
        if vc is not None and not _fits(vc, self._vertex_colors, len(v)):
            vc = _as_color_array(vc, len(v), f"{me}.vertex_colors")
        if fc is not None and not _fits(fc, self._face_colors, len(f)):
            fc = _as_color_array(fc, len(f), f"{me}.face_colors")
        self._assign(properties, caller="set_data")  # the last check: nothing changed before
        if v is not self._vertices:
            self._computed_normals = self._centre = None
            self._dirty |= {"position", "normal"}
        if f is not self._faces:
            self._computed_normals = None
            self._dirty |= {"index", "normal"}
            if self._layout == "deindexed":  # every per-vertex array is gathered by faces
                self._dirty |= {"position", "color"}
        if n is not self._normals:
            self._dirty.add("normal")
        if vc is not self._vertex_colors or fc is not self._face_colors:
            self._dirty.add("color")
        self._vertices, self._faces, self._normals = v, f, n
        self._vertex_colors, self._face_colors = vc, fc

    @property
    def vertices(self) -> np.ndarray:
        """(N, 3) float32 vertex positions (z = 0 for 2D data)."""
        return self._vertices

    @vertices.setter
    def vertices(self, value: ArrayLike) -> None:
        self.set_data(vertices=value)

    @property
    def faces(self) -> np.ndarray:
        """(M, 3) uint32 vertex indices, counter-clockwise seen from the front."""
        return self._faces

    @faces.setter
    def faces(self, value: ArrayLike) -> None:
        self.set_data(faces=value)

    @property
    def normals(self) -> np.ndarray | None:
        """(N, 3) float32 vertex normals for smooth shading, or None (computed)."""
        return self._normals

    @normals.setter
    def normals(self, value: ArrayLike | None) -> None:
        self.set_data(normals=value)

    @property
    def vertex_colors(self) -> np.ndarray | None:
        """(N, 4) float32 colours, one per vertex, or None; setting them clears face_colors."""
        return self._vertex_colors

    @vertex_colors.setter
    def vertex_colors(self, value: ArrayLike | None) -> None:
        self.set_data(vertex_colors=value)

    @property
    def face_colors(self) -> np.ndarray | None:
        """(M, 4) float32 colours, one per face, or None; setting them clears vertex_colors."""
        return self._face_colors

    @face_colors.setter
    def face_colors(self, value: ArrayLike | None) -> None:
        self.set_data(face_colors=value)

    color = Prop(
        checks.color(),
        "One colour for the whole mesh, used when neither vertex_colors nor face_colors is set.",
        dirty="color_value",
    )
    shading = Prop(
        checks.choice(*SHADINGS),
        'None (the colours as given), "flat" (a normal per face) or "smooth" (per vertex).',
    )
    wireframe = Prop(
        checks.flag(), "Draw the triangles' edges over the faces (True or False).", dirty="wire"
    )
    wireframe_color = Prop(checks.color(), "Colour of the wireframe's edges.")
    wireframe_width = Prop(
        checks.number(minimum=0), "Width of the wireframe's edges in pixels.", dirty="wire"
    )
    cull = Prop(checks.choice(*_CULLS), 'Faces not drawn: None, "back" or "front".')

    # ---- drawing -----------------------------------------------------------------------
    def _smooth_normals(self) -> np.ndarray:
        if self._normals is not None:
            return self._normals
        if self._computed_normals is None:
            self._computed_normals = vertex_normals(self._vertices, self._faces)
        return self._computed_normals

    def _prepare(self, ctx: DrawContext) -> None:
        if not len(self._faces):  # nothing to draw: uploads wait (GL has no empty buffers)
            return
        program = self.program
        deindexed = self.wireframe or self._face_colors is not None
        layout = "deindexed" if deindexed else "indexed"
        if layout != self._layout:
            self._layout = layout
            self._dirty |= {"position", "normal", "color", "index"}
        if self.shading == "smooth" and self._normal_kind != "buffer":
            self._dirty.add("normal")
        self._upload(program, deindexed)
        if self._centre is None:  # where a nonlinear transform is linearized, for lighting
            self._centre = [np.mean(b) if (b := self.bounds(k)) else 0.0 for k in range(3)]
        frame = ShadingFrame.of(self, ctx.view, around=self._centre)
        self._mirrored = frame.mirrored
        program["u_mesh_model"] = frame.model
        program["u_mesh_normal_matrix"] = frame.normal_matrix
        program["u_mesh_eye"] = frame.eye
        program["u_mesh_light_dir"] = frame.light_direction(self.light_dir)
        program["u_mesh_mirrored"] = 1.0 if frame.mirrored else 0.0

    def _upload(self, program: Any, deindexed: bool) -> None:
        """Upload the parts in ``self._dirty``: buffers, constants and uniforms."""
        gather = self._faces.ravel() if deindexed else None

        def per_vertex(values: np.ndarray) -> np.ndarray:
            return values if gather is None else values[gather]

        dirty = self._dirty
        if "position" in dirty:
            self._bind("a_position", per_vertex(self._vertices), 1)
        if "index" in dirty and not deindexed:
            if self._index is None:
                self._index = gloo.IndexBuffer(self._faces.ravel())
            else:
                self._index.set_data(self._faces.ravel())
        if "normal" in dirty:  # read by smooth shading only: else a constant spares computing them
            smooth = self.shading == "smooth"
            self._normal_kind = "buffer" if smooth else "constant"
            self._bind("a_normal", per_vertex(self._smooth_normals()) if smooth else _UP, 1)
        arrays = self._face_colors is not None or self._vertex_colors is not None
        if "color" in dirty or ("color_value" in dirty and not arrays):
            if self._face_colors is not None:
                self._bind("a_color", np.repeat(self._face_colors, 3, axis=0), 1)
            else:
                vc = self._vertex_colors
                self._bind("a_color", self.color if vc is None else per_vertex(vc), 1)
        if "material" in dirty:
            program["u_mesh_material"] = self._material()
        if "shading" in dirty:
            program["u_mesh_shading"] = SHADINGS[self.shading]
        if "wireframe_color" in dirty:
            program["u_mesh_wire_color"] = self.wireframe_color
        if "wire" in dirty:
            program["u_mesh_wire_width"] = self.wireframe_width if self.wireframe else 0.0
        dirty.clear()

    def _camera_uniforms(self, view: Any) -> list[dict]:
        return self._lighting_recipes("u_mesh", np.eye(4))

    def _draw(self, ctx: DrawContext) -> None:
        if not len(self._faces):
            return
        cull = self.cull
        if cull is not None:
            if self._mirrored:
                cull = "front" if cull == "back" else "back"
            gloo.set_state(cull_face=cull)
        if self._layout == "indexed" and ctx.picking:
            self._draw_faces_for_picking()
        elif self._layout == "indexed":
            self.program.draw("triangles", self._index)
        else:
            self.program.draw("triangles", count=3 * len(self._faces))
        if cull is not None:
            gloo.set_state(cull_face=False)

    def _draw_faces_for_picking(self) -> None:
        """The picking pass of an indexed mesh: de-indexed, so that vertex id / 3 is the face."""
        program = self.program
        key = (id(self._vertices), id(self._faces))
        if self._pick_positions is None or self._pick_positions[0] != key:
            gathered = self._vertices[self._faces.ravel()]
            if self._pick_positions is None:
                self._pick_positions = (key, gloo.VertexBuffer(gathered))
            else:
                self._pick_positions[1].set_data(gathered)
                self._pick_positions = (key, self._pick_positions[1])
        program["a_position"] = self._pick_positions[1]
        program["a_normal"] = _UP  # sized like the indexed vertices: unread here
        program["a_color"] = (1.0, 1.0, 1.0, 1.0)
        try:
            program.draw("triangles", count=3 * len(self._faces))
        finally:  # back to what the indexed draw reads (normals and colours as uploaded)
            program["a_position"] = self._buffers["a_position"]
            if self._normal_kind == "buffer":
                program["a_normal"] = self._buffers["a_normal"]
            # indexed means no face colours: vertex colours, or the constant
            program["a_color"] = (
                self._buffers["a_color"] if self._vertex_colors is not None else self.color
            )

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if not len(self._vertices) or not 0 <= axis < 3:
            return None
        return finite_bounds(self._vertices[:, axis])


def _fits(value: Any, current: np.ndarray | None, count: int) -> bool:
    """``value`` is the array already stored, and still has ``count`` rows: keep it as is."""
    return value is current and len(value) == count


def _as_vertices(data: ArrayLike) -> np.ndarray:
    v = as_positions(data, "Mesh.vertices")
    if not np.all(np.isfinite(v)):
        raise ValueError("Mesh.vertices: contains NaN or infinity")
    return v


def _as_faces(data: ArrayLike) -> np.ndarray:
    f = np.asarray(data)
    if f.dtype.kind not in "iu":
        raise TypeError(f"Mesh.faces: dtype {f.dtype} is not an integer type")
    if f.ndim != 2 or f.shape[1] != 3:
        raise ValueError(f"Mesh.faces: shape {f.shape} is not (M, 3)")
    if len(f) and int(f.min()) < 0:
        raise ValueError(f"Mesh.faces: index {int(f.min())} is negative")
    if len(f) and int(f.max()) >= 2**32:
        raise ValueError(f"Mesh.faces: index {int(f.max())} does not fit in uint32")
    return f.astype(np.uint32)


def _unpack(me: str, md: Any, *given: Any) -> tuple:
    """vertices, faces, normals, vertex_colors, face_colors from a MeshData, which
    replaces them all: giving one of them as well is refused."""
    if not isinstance(md, MeshData):
        raise TypeError(
            f"{me}.meshdata: expected a glframe.data.MeshData, got {type(md).__name__}; "
            "or give vertices and faces"
        )
    names = ("vertices", "faces", "normals", "vertex_colors", "face_colors")
    clash = [k for k, v in zip(names, given) if v is not None and v is not _UNSET]
    if clash:
        raise ValueError(f"{me}: give meshdata or {', '.join(clash)}, not both")
    if md.is_empty():
        return np.zeros((0, 3)), np.zeros((0, 3), np.uint32), None, None, None
    return (
        md.get_vertices(),
        md.get_faces(),
        md.get_vertex_normals(),
        md.get_vertex_colors(),
        md.get_face_colors(),
    )


def _as_color_array(value: Any, n: int, what: str) -> np.ndarray:
    if isinstance(value, str) or np.ndim(value) != 2:
        raise ValueError(f"{what}: expected ({n}, 3|4) colours, got {np.shape(value)}")
    return as_colors(value, n, what)
