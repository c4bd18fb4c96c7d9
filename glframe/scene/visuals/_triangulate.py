"""Triangulation of simple polygons, concave or with holes, by ear clipping.

:func:`triangulate` takes an outer ring and optional hole rings (each (n, 2),
either winding, closed or not) and returns triangles as indices into the
rings' vertices, concatenated. Steps:

1. each ring is cleaned: repeated points, collinear points and zero-area spikes
   are dropped (they add no area); the outer ring is made counter-clockwise,
   holes clockwise;
2. a convex ring without holes is fanned out (rectangles, ellipses);
3. each hole is joined to the outer ring by a bridge (two coincident edges) to
   the nearest outer vertex visible from the hole's rightmost vertex (found
   with a ray cast towards +x), holes taken by decreasing rightmost x so a
   bridge never crosses a hole not yet joined;
4. ears are clipped: a convex vertex whose triangle with its two neighbours
   contains no reflex vertex of the ring is cut off, until three remain.

Cost: O(n^2) in the worst case, with the point-in-triangle tests vectorized in
numpy; a few thousand vertices take milliseconds to tens of milliseconds.

Limits: the input must be simple (no self-intersections, holes inside the
outer ring and disjoint). For a self-intersecting ring, when no ear is found
the most convex vertex is cut anyway, so the call always ends, but the
triangles then cover the ring only approximately.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["triangulate", "signed_area"]


def signed_area(xy: ArrayLike) -> float:
    """The shoelace area of a ring: positive when counter-clockwise."""
    p = np.asarray(xy, dtype=np.float64)
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def triangulate(outer: ArrayLike, holes: Sequence[ArrayLike] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Triangles covering a simple polygon (with optional holes).

    Parameters
    ----------
    outer
        (n, 2) vertices of the outline, either winding; a last vertex equal to
        the first is ignored.
    holes
        Rings of (m, 2) vertices inside ``outer``.

    Returns
    -------
    vertices
        (V, 2) float64: ``outer`` then each hole, concatenated as given.
    triangles
        (T, 3) int32 indices into ``vertices``, counter-clockwise.

    Examples
    --------
    >>> vertices, triangles = triangulate([[0, 0], [2, 0], [2, 2], [1, 1], [0, 2]])
    >>> len(triangles)
    3
    """
    rings = [_as_ring(outer, "outer")] + [_as_ring(h, f"holes[{i}]") for i, h in enumerate(holes)]
    vertices = np.concatenate(rings) if rings else np.zeros((0, 2))
    starts = np.cumsum([0] + [len(r) for r in rings])
    span = np.ptp(vertices, axis=0).max() if len(vertices) else 0.0
    tol = 1e-12 * max(float(span), 1e-300) ** 2
    loops = [
        _clean(vertices, list(range(starts[i], starts[i + 1])), tol) for i in range(len(rings))
    ]
    outer_loop = loops[0]
    if len(outer_loop) < 3:
        return vertices, np.zeros((0, 3), np.int32)
    if signed_area(vertices[outer_loop]) < 0:
        outer_loop.reverse()
    hole_loops = []
    for loop in loops[1:]:
        if len(loop) >= 3:
            hole_loops.append(loop[::-1] if signed_area(vertices[loop]) > 0 else loop)
    if not hole_loops and _is_convex(vertices[outer_loop], tol):
        fan = [
            (outer_loop[0], outer_loop[i], outer_loop[i + 1]) for i in range(1, len(outer_loop) - 1)
        ]
        return vertices, np.array(fan, np.int32).reshape(-1, 3)
    hole_loops.sort(key=lambda loop: -vertices[loop, 0].max())
    ring = outer_loop
    for hole in hole_loops:
        ring = _bridge(vertices, ring, hole, tol)
    return vertices, np.array(_ear_clip(vertices, ring, tol), np.int32).reshape(-1, 3)


# ---- helpers ---------------------------------------------------------------------------------
def _as_ring(data: ArrayLike, what: str) -> np.ndarray:
    ring = np.asarray(data, dtype=np.float64)
    if ring.ndim != 2 or ring.shape[1] != 2:
        raise ValueError(f"triangulate: {what} has shape {ring.shape}, not (n, 2)")
    if not np.all(np.isfinite(ring)):
        raise ValueError(f"triangulate: {what} contains NaN or infinity")
    if len(ring) > 1 and np.array_equal(ring[0], ring[-1]):
        ring = ring[:-1]
    return ring


def _cross(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Twice the signed area of the triangle abc (positive: a left turn at b)."""
    return float((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]))


def _clean(xy: np.ndarray, loop: list[int], tol: float) -> list[int]:
    """The loop without repeated points, collinear points and zero-area spikes."""
    out: list[int] = []

    def degenerate(i: int, j: int, k: int) -> bool:
        return abs(_cross(xy[i], xy[j], xy[k])) <= tol

    for v in loop:
        if out and np.array_equal(xy[out[-1]], xy[v]):
            continue
        out.append(v)
        while len(out) >= 3 and degenerate(out[-3], out[-2], out[-1]):
            del out[-2]
    changed = True
    while changed and len(out) >= 3:
        changed = False
        if np.array_equal(xy[out[-1]], xy[out[0]]):
            out.pop()
            changed = True
        elif degenerate(out[-2], out[-1], out[0]):
            out.pop()
            changed = True
        elif degenerate(out[-1], out[0], out[1]):
            out.pop(0)
            changed = True
    return out if len(out) >= 3 else []


def _is_convex(p: np.ndarray, tol: float) -> bool:
    a, b, c = p, np.roll(p, -1, axis=0), np.roll(p, -2, axis=0)
    cross = (b[:, 0] - a[:, 0]) * (c[:, 1] - b[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - b[:, 0])
    return bool(np.all(cross > tol))


def _in_triangle(p: np.ndarray, a, b, c, tol: float) -> np.ndarray:
    """Which points p (k, 2) are inside or on the counter-clockwise triangle abc."""
    d1 = (b[0] - a[0]) * (p[:, 1] - a[1]) - (b[1] - a[1]) * (p[:, 0] - a[0])
    d2 = (c[0] - b[0]) * (p[:, 1] - b[1]) - (c[1] - b[1]) * (p[:, 0] - b[0])
    d3 = (a[0] - c[0]) * (p[:, 1] - c[1]) - (a[1] - c[1]) * (p[:, 0] - c[0])
    return (d1 >= -tol) & (d2 >= -tol) & (d3 >= -tol)


def _in_sector(xy: np.ndarray, ring: list[int], slot: int, point: np.ndarray) -> bool:
    """Whether ``point`` is inside the polygon's angle at ring[slot] (counter-clockwise ring)."""
    a, b, c = xy[ring[slot - 1]], xy[ring[slot]], xy[ring[(slot + 1) % len(ring)]]
    left_in = _cross(a, b, point) >= 0  # left of the edge a -> b
    left_out = _cross(b, c, point) >= 0  # left of the edge b -> c
    if _cross(a, b, c) >= 0:  # convex corner: left of both edges
        return left_in and left_out
    return left_in or left_out


def _bridge(xy: np.ndarray, ring: list[int], hole: list[int], tol: float) -> list[int]:
    """``ring`` (counter-clockwise) with the clockwise ``hole`` joined in by a bridge."""
    m_slot = int(np.argmax(xy[hole, 0]))
    m = xy[hole[m_slot]]
    p = xy[ring]
    q = np.roll(p, -1, axis=0)
    # Edges going up (interior on their left, so on the -x side) that the ray y = m.y meets.
    up = (p[:, 1] <= m[1]) & (q[:, 1] >= m[1]) & (q[:, 1] > p[:, 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        x_hit = p[:, 0] + (m[1] - p[:, 1]) * (q[:, 0] - p[:, 0]) / (q[:, 1] - p[:, 1])
    x_hit = np.where(up & (x_hit >= m[0]), x_hit, np.inf)
    edge = int(np.argmin(x_hit))
    n = len(ring)
    if not np.isfinite(x_hit[edge]):  # the hole is not inside: join at the nearest vertex
        slot = int(np.argmin(np.hypot(*(p - m).T)))
    else:
        hit = np.array([x_hit[edge], m[1]])
        k0, k1 = edge, (edge + 1) % n
        slot = k0 if p[k0, 0] >= p[k1, 0] else k1
        if np.array_equal(p[k0], hit):
            slot = k0
        elif np.array_equal(p[k1], hit):
            slot = k1
        else:
            # Reflex vertices inside the triangle (m, hit, p[slot]) may hide p[slot]: the
            # visible one is the one at the smallest angle from the ray.
            tri = [m, hit, p[slot]]
            if _cross(*tri) < 0:
                tri = tri[::-1]
            prev_p = np.roll(p, 1, axis=0)
            reflex = (
                (p[:, 0] - prev_p[:, 0]) * (q[:, 1] - p[:, 1])
                - (p[:, 1] - prev_p[:, 1]) * (q[:, 0] - p[:, 0])
            ) <= tol
            inside = reflex & _in_triangle(p, *tri, tol) & (p[:, 0] > m[0])
            inside[slot] = False
            if inside.any():
                cand = np.nonzero(inside)[0]
                dx, dy = p[cand, 0] - m[0], np.abs(p[cand, 1] - m[1])
                order = np.lexsort((dx**2 + dy**2, dy / dx))
                slot = int(cand[order[0]])
    # A vertex may appear twice after earlier bridges: take the copy whose angle holds m.
    same = np.flatnonzero(np.all(p == p[slot], axis=1))
    if len(same) > 1:
        slot = next((int(k) for k in same if _in_sector(xy, ring, int(k), m)), slot)
    rotated = hole[m_slot:] + hole[:m_slot]
    return ring[: slot + 1] + rotated + [rotated[0], ring[slot]] + ring[slot + 1 :]


def _ear_clip(xy: np.ndarray, ring: list[int], tol: float) -> list[tuple[int, int, int]]:
    """Triangles of a counter-clockwise ring of vertex indices (duplicates allowed)."""
    n = len(ring)
    pts = xy[ring]
    prv = [(i - 1) % n for i in range(n)]
    nxt = [(i + 1) % n for i in range(n)]
    alive = np.ones(n, bool)

    def cross(i: int) -> float:
        return _cross(pts[prv[i]], pts[i], pts[nxt[i]])

    a, b, c = np.roll(pts, 1, axis=0), pts, np.roll(pts, -1, axis=0)
    reflex = (
        (b[:, 0] - a[:, 0]) * (c[:, 1] - b[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - b[:, 0])
    ) <= tol
    triangles: list[tuple[int, int, int]] = []
    remaining = n

    def unlink(i: int) -> None:
        nonlocal remaining
        nxt[prv[i]], prv[nxt[i]] = nxt[i], prv[i]
        alive[i] = False
        remaining -= 1

    def is_ear(i: int) -> bool:
        if cross(i) <= tol:
            return False
        slots = np.nonzero(alive & reflex)[0]
        slots = slots[(slots != prv[i]) & (slots != i) & (slots != nxt[i])]
        corners = (pts[prv[i]], pts[i], pts[nxt[i]])
        # a bridge repeats vertices: a copy of a corner is on the ear, not in it (counted
        # in, it blocked every ear until the no-ear fallback cut a wrong triangle)
        for corner in corners:
            slots = slots[np.any(pts[slots] != corner, axis=1)]
        if not len(slots):
            return True
        return not _in_triangle(pts[slots], *corners, tol).any()

    i, stalled = 0, 0
    while remaining > 3:
        if stalled > remaining:  # no ear: not a simple polygon; cut the most convex vertex
            live = np.nonzero(alive)[0]
            i = int(live[np.argmax([cross(int(k)) for k in live])])
        elif not is_ear(i):
            i, stalled = nxt[i], stalled + 1
            continue
        if cross(i) > tol:
            triangles.append((ring[prv[i]], ring[i], ring[nxt[i]]))
        before, after = prv[i], nxt[i]
        unlink(i)
        for j in (before, after):
            reflex[j] = cross(j) <= tol
        # A neighbour left straight (or a spike) adds no area: drop it.
        for j in (before, after):
            if remaining > 3 and alive[j] and abs(cross(j)) <= tol:
                unlink(j)
                for k in (prv[j], nxt[j]):
                    reflex[k] = cross(k) <= tol
        i = before if alive[before] else after if alive[after] else int(np.nonzero(alive)[0][0])
        stalled = 0
    live = [k for k in range(n) if alive[k]]
    if len(live) == 3:
        k = live[0]
        if cross(nxt[k]) > tol:
            triangles.append((ring[k], ring[nxt[k]], ring[nxt[nxt[k]]]))
    return triangles
