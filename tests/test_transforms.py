"""Transforms: bijections on the CPU (hypothesis), flags, chains, signals, and GLSL parity.

The CPU tests need no GL. The GPU tests render one point per pixel of a float
framebuffer: point i carries input i through a transform's GLSL and writes the
mapped vec4, which is read back and compared with numpy's float64 map of the
same (float32-rounded) input.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from glframe import gloo
from glframe.gloo import Cmd
from glframe.shaders import Function, ModularProgram, Variable, Varying, compile_program
from glframe.transforms import (
    BaseTransform,
    ChainTransform,
    InverseTransform,
    LogTransform,
    MagnifyTransform,
    MatrixTransform,
    MercatorTransform,
    NullTransform,
    PolarTransform,
    STTransform,
)

RTOL = 1e-9


def assert_close(actual, expected, scale=1.0, rtol=RTOL):
    """Equal to ``rtol`` relative, with an absolute floor of ``rtol * scale``."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


def roundtrip(t: BaseTransform, x: np.ndarray, scale: float = 1.0, rtol: float = RTOL) -> None:
    """imap(map(x)) == x, and the inverse transform undoes map too."""
    y = t.map(x)
    assert y.shape == x.shape
    assert_close(t.imap(y), x, scale, rtol)
    assert_close(t.inverse.map(y), x, scale, rtol)


# ---- strategies ---------------------------------------------------------------------------

finite = dict(allow_nan=False, allow_infinity=False)


def points(dims=(2, 3), lo=-1e3, hi=1e3, n=(1, 20)):
    """(N, d) arrays of points with w = 1 implied (d < 4)."""
    return st.tuples(st.integers(*n), st.sampled_from(dims)).flatmap(
        lambda s: hnp.arrays(np.float64, s, elements=st.floats(lo, hi, **finite))
    )


magnitudes = st.floats(1e-3, 1e3, **finite)
signed_scales = st.tuples(magnitudes, st.sampled_from((-1.0, 1.0))).map(lambda p: p[0] * p[1])
vec3s = st.tuples(*[st.floats(-1e3, 1e3, **finite)] * 3)


@st.composite
def st_transforms(draw, moderate=False):
    """Scale magnitudes in [1e-3, 1e3] and shifts up to 1e3 ([0.1, 10] and 10 if moderate)."""
    if moderate:
        scale = [draw(st.floats(0.1, 10)) * draw(st.sampled_from((-1, 1))) for _ in range(3)]
        return STTransform(scale=scale, translate=draw(st.tuples(*[st.floats(-10, 10)] * 3)))
    scale = [draw(signed_scales) for _ in range(3)]
    return STTransform(scale=scale, translate=draw(vec3s))


@st.composite
def affine_matrices(draw, steps=4):
    m = MatrixTransform()
    for _ in range(draw(st.integers(1, steps))):
        op = draw(st.sampled_from(("rotate", "scale", "translate")))
        if op == "rotate":
            axis = draw(st.tuples(*[st.floats(-1, 1, **finite)] * 3))
            assume(np.linalg.norm(axis) > 1e-3)
            m.rotate(draw(st.floats(-360, 360, **finite)), axis)
        elif op == "scale":
            factors = [draw(st.floats(0.1, 10, **finite)) * draw(st.sampled_from((-1, 1)))]
            m.scale(factors * 3 if draw(st.booleans()) else [*factors, 1.5, 0.5])
        else:
            m.translate(draw(st.tuples(*[st.floats(-100, 100, **finite)] * 3)))
    return m


@st.composite
def magnifiers(draw):
    center = draw(st.tuples(*[st.floats(-10, 10, **finite)] * 2))
    return MagnifyTransform(
        center=center, mag=draw(st.floats(1, 20, **finite)), radius=draw(st.floats(0.01, 100))
    )


# ---- coordinates ---------------------------------------------------------------------------


def test_shapes_and_homogeneous_coordinates():
    st_ = STTransform(scale=(2, 3, 4), translate=(1, 1, 1))
    assert st_.map([1.0, 1.0]).shape == (2,)
    assert st_.map([[1.0, 1.0]]).shape == (1, 2)
    np.testing.assert_array_equal(st_.map([[1.0, 1.0, 1.0]]), [[3.0, 4.0, 5.0]])
    # 4 columns are homogeneous and come back undivided: (x, y, z, w) -> (s*x + t*w, ..., w)
    np.testing.assert_array_equal(st_.map([[1.0, 1.0, 1.0, 2.0]]), [[4.0, 5.0, 6.0, 2.0]])
    assert st_.map(np.zeros((0, 3))).shape == (0, 3)
    for bad in ([1.0], [[1.0, 2.0, 3.0, 4.0, 5.0]], np.zeros((2, 2, 2))):
        with pytest.raises(ValueError, match="shape"):
            st_.map(bad)
    x = np.array([[1.0, 2.0, 3.0, 1.0]])
    out = NullTransform().map(x)
    assert out is not x and np.array_equal(out, x)  # never hands back the caller's array


@pytest.mark.parametrize("order", ["C", "F"])
def test_the_callers_array_is_never_modified(order):
    """Transforms work in place on a private copy, never on the input."""
    x = np.asarray(np.random.default_rng(1).uniform(0.5, 2.0, (50, 4)), order=order)
    x[:, 3] = 1.5
    for name, t in all_transforms().items():
        for data in (x, x[:, :2], x[:, :3]):
            before = data.copy()
            t.map(data)
            t.imap(data)
            np.testing.assert_array_equal(data, before, err_msg=name)


@given(points(dims=(3,), lo=-10, hi=10), st.floats(0.25, 4))
def test_nonlinear_transforms_act_on_cartesian_points(xyz, w):
    """(x*w, y*w, z*w, w) maps like (x, y, z) for nonlinear transforms (they divide by w)."""
    xyz = np.abs(xyz) + 0.5  # inside every domain below
    homogeneous = np.c_[xyz * w, np.full(len(xyz), w)]
    for t in (PolarTransform(), LogTransform(base=(2, 10, 0)), MagnifyTransform(mag=4)):
        out = t.map(homogeneous)
        assert_close(out[:, 3], 1.0)
        assert_close(out[:, :3], t.map(xyz), 10)


# ---- bijections ----------------------------------------------------------------------------


@given(points(dims=(2, 3, 4)))
def test_null_roundtrip(x):
    t = NullTransform()
    np.testing.assert_array_equal(t.map(x), x)
    roundtrip(t, x)


@given(st_transforms(), points(dims=(2, 3, 4)))
def test_st_roundtrip(t, x):
    scale = 1 + np.abs(x).max(initial=0) + np.abs(t.translate / t.scale).max()
    roundtrip(t, x, scale)


@given(affine_matrices(), points(dims=(3, 4)))
def test_matrix_roundtrip(t, x):
    # (2D points need a matrix that keeps the z = 0 plane: map returns no z to come back with)
    m = t.matrix
    scale = np.linalg.cond(m) * (1 + np.abs(x).max(initial=0) + np.abs(m[:3, 3]).max())
    roundtrip(t, x, scale)


@given(st.floats(-360, 360), st.floats(0.1, 10), vec3s, points(dims=(2,)))
def test_matrix_roundtrip_in_the_plane(angle, factor, shift, x):
    t = MatrixTransform().scale((factor, 1 / factor)).rotate(angle).translate(shift[:2])
    roundtrip(t, x, 10 * (1 + np.abs(x).max() + np.abs(shift).max()))


@given(
    fov=st.floats(10, 170),
    aspect=st.floats(0.2, 5),
    near=st.floats(0.1, 10),
    depth=st.floats(1.5, 100),
    uv=hnp.arrays(np.float64, (10, 3), elements=st.floats(0, 1)),
)
def test_perspective_roundtrip_in_front_of_the_camera(fov, aspect, near, depth, uv):
    far = near * depth
    t = (
        MatrixTransform()
        .look_at((1, 2, 3), (0, 0, 0), (0, 0, 1))
        .perspective(fov, aspect, near, far)
    )
    # points spread through the view frustum, in world coordinates
    ndc = np.c_[uv[:, :2] * 1.8 - 0.9, uv[:, 2] * 1.8 - 0.9]
    world = t.imap(ndc)
    assert t.projective
    assert_close(t.map(world), ndc, 1, rtol=1e-6)
    h = np.c_[world, np.ones(len(world))]
    roundtrip(t, h, np.abs(h).max(), rtol=1e-6)  # homogeneous, no division


@given(
    hnp.arrays(np.float64, (20, 3), elements=st.floats(0, 1)),
)
def test_polar_roundtrip(u):
    theta = (u[:, 0] * 2 - 1) * (np.pi - 1e-6)
    r = 10 ** (u[:, 1] * 6 - 3)
    x = np.c_[theta, r, u[:, 2] * 100 - 50]
    roundtrip(PolarTransform(), x, 100)


@given(
    st.tuples(*[st.sampled_from((0, None, 2, np.e, 10, 0.5, 1.5))] * 3),
    hnp.arrays(np.float64, (20, 3), elements=st.floats(-6, 6)),
)
def test_log_roundtrip(base, exponents):
    t = LogTransform(base=base)
    x = np.where([b not in (0, None) for b in base], 10.0**exponents, exponents)
    roundtrip(t, x, 1e-6)  # relative everywhere: the values span 12 decades
    roundtrip(t, x[:, :2], 1e-6)


@given(hnp.arrays(np.float64, (20, 2), elements=st.floats(-1, 1)))
def test_mercator_roundtrip(u):
    x = np.c_[u[:, 0] * 180, u[:, 1] * 84.999]
    roundtrip(MercatorTransform(), x, 180)


@given(magnifiers(), hnp.arrays(np.float64, (20, 3), elements=st.floats(-2, 2)))
def test_magnify_roundtrip(t, u):
    x = np.c_[t.center + u[:, :2] * t.radius, u[:, 2]]
    roundtrip(t, x, t.radius + np.abs(t.center).max())


@settings(max_examples=50)
@given(
    inner_scale=st.tuples(st.floats(0.1, 10), st.floats(0.1, 10)),
    inner_shift=st.tuples(st.floats(0, 10), st.floats(1, 10)),
    y_base=st.sampled_from((0, 2, 10)),
    outer=st_transforms(moderate=True),
    u=hnp.arrays(np.float64, (20, 2), elements=st.floats(0, 2)),
)
def test_chain_roundtrip(inner_scale, inner_shift, y_base, outer, u):
    """outer ∘ polar ∘ log ∘ inner: the data stay inside each component's domain."""
    inner = STTransform(scale=inner_scale, translate=inner_shift)
    chain = outer * PolarTransform() * LogTransform(base=(10, y_base)) * inner
    x = 10**u  # in [1, 100]: theta = log10(...) stays within (-pi, pi), r > 0
    roundtrip(chain, x, 100)


# ---- known values --------------------------------------------------------------------------


def test_matrix_helpers_known_values():
    rot = MatrixTransform().rotate(90, (0, 0, 1))
    assert_close(rot.map([1.0, 0.0, 0.0]), [0.0, 1.0, 0.0])
    assert_close(MatrixTransform().rotate(90, (1, 0, 0)).map([0.0, 1.0, 0.0]), [0, 0, 1])
    # helpers compose in the order they are called: scale, then translate
    m = MatrixTransform().scale(2).translate((1, 0, 0))
    assert_close(m.map([1.0, 1.0]), [3.0, 2.0])
    assert_close(MatrixTransform().scale(2, center=(1, 1)).map([2.0, 2.0]), [3.0, 3.0])
    ortho = MatrixTransform().ortho(0, 10, 0, 5, 1, 11)
    assert_close(ortho.map([[0.0, 0.0, -1.0], [10.0, 5.0, -11.0]]), [[-1, -1, -1], [1, 1, 1]])
    persp = MatrixTransform().perspective(90, 2.0, 1.0, 10.0)
    assert_close(persp.map([[0.0, 0.0, -1.0], [0.0, 0.0, -10.0]])[:, 2], [-1, 1])
    assert_close(persp.map([2.0, 1.0, -1.0]), [1.0, 1.0, -1.0])  # the corner of the near plane
    view = MatrixTransform().look_at((0, 0, 5), (0, 0, 0), (0, 1, 0))
    assert_close(view.map([0.0, 0.0, 0.0]), [0.0, 0.0, -5.0])
    view = MatrixTransform().look_at((3, 0, 0), (0, 0, 0), (0, 0, 1))
    assert_close(view.map([[3.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), [[0, 0, 0], [0, 1, -3]], 1)
    with pytest.raises(ValueError, match="singular"):
        MatrixTransform().scale((1, 0, 1)).imap([1.0, 1.0])
    with pytest.raises(ValueError, match="4x4"):
        MatrixTransform(np.eye(3))


def test_st_set_mapping():
    st_ = STTransform()
    st_.set_mapping([(1, 10), (3, 20)], [(-1, 1), (1, -1)])
    assert_close(st_.map([[1.0, 10.0], [3.0, 20.0], [2.0, 15.0]]), [[-1, 1], [1, -1], [0, 0]])
    with pytest.raises(ValueError, match="flat"):
        st_.set_mapping([(0, 0), (0, 1)], [(0, 0), (1, 1)])


def test_polar_log_mercator_known_values():
    assert_close(PolarTransform().map([np.pi, 2.0]), [-2.0, 0.0], 1)
    assert_close(PolarTransform().imap([-1.0, -1.0]), [-3 * np.pi / 4, np.sqrt(2)])
    log = LogTransform(base=(2, None, 10))
    assert_close(log.map([8.0, -5.0, 1e-3]), [3.0, -5.0, -3.0])
    assert log.base == (2.0, 0.0, 10.0)
    assert np.isnan(LogTransform(base=(10, 10)).map([-1.0, 1.0])[0])  # quietly
    for bad in ((1, 0), (-2, 0), (np.inf,)):
        with pytest.raises(ValueError, match="base"):
            LogTransform(base=bad)
    merc = MercatorTransform()
    lat = 60.0
    expected = np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))
    assert_close(merc.map([5.0, lat]), [5.0, expected])
    assert merc.map([5.0, 0.0])[1] == 0.0


def test_magnify_shape_of_the_lens():
    lens = MagnifyTransform(center=(1, 2), mag=4, radius=2)
    d = np.linspace(0, 3, 301)
    out = lens.map(np.c_[1 + d, np.full_like(d, 2.0)])[:, 0] - 1
    assert np.all(np.diff(out) > 0)  # monotonic: a bijection
    assert_close(out[d >= 2], d[d >= 2])  # identity outside the lens
    assert_close(out[199], 2.0, rtol=1e-2)  # continuous at the rim
    assert_close(lens.map([1.001, 2.0])[0] - 1, 0.004, rtol=1e-3)  # slope mag at the centre
    assert_close(lens.map([1.0, 2.0]), [1.0, 2.0])
    assert_close(MagnifyTransform(mag=1).map([[0.3, 0.4]]), [[0.3, 0.4]])
    for bad in (dict(mag=0.5), dict(radius=0), dict(center=(1, 2, 3))):
        with pytest.raises(ValueError):
            MagnifyTransform(**bad)


# ---- chains ----------------------------------------------------------------------------------


def test_chain_order_and_operator():
    polar, log, scale = PolarTransform(), LogTransform(base=(0, 10)), STTransform(scale=(1, 10))
    chain = polar * log * scale
    assert isinstance(chain, ChainTransform) and chain.transforms == (polar, log, scale)
    assert ChainTransform([polar, ChainTransform([log, scale])]).transforms == chain.transforms
    x = np.array([[0.5, 3.0], [1.0, 40.0]])
    assert_close(chain.map(x), polar.map(log.map(scale.map(x))))
    assert_close(chain.imap(chain.map(x)), x)
    assert len(ChainTransform()) == 0 and np.array_equal(ChainTransform().map(x), x)
    with pytest.raises(TypeError):
        ChainTransform([polar, "scale"])


def test_chain_inverse_is_the_reversed_chain_of_inverses():
    a, b, c = STTransform(scale=(2, 3)), PolarTransform(), MatrixTransform().rotate(30)
    chain = a * b * c
    inv = chain.inverse
    assert isinstance(inv, ChainTransform)
    assert inv.transforms == (c.inverse, b.inverse, a.inverse)
    assert all(isinstance(t, InverseTransform) for t in inv.transforms)
    assert inv.inverse is chain and a.inverse.inverse is a
    x = np.array([[0.3, 2.0], [1.0, 0.5]])  # rotated, r > 0 (the polar domain)
    assert_close(inv.map(chain.map(x)), x)
    a.scale = (5, 7)  # live: the inverse chain follows its components
    assert_close(inv.map(chain.map(x)), x)


@st.composite
def mixed_chains(draw):
    """Chains of linear components, with fisheye lenses (defined everywhere) between runs."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(("st", "matrix", "null", "inverse_st", "lens")))
        if kind == "st":
            parts.append(draw(st_transforms(moderate=True)))
        elif kind == "matrix":
            parts.append(draw(affine_matrices(steps=2)))
        elif kind == "null":
            parts.append(NullTransform())
        elif kind == "inverse_st":
            parts.append(draw(st_transforms(moderate=True)).inverse)
        else:
            parts.append(draw(magnifiers()))
    return ChainTransform(parts)


@settings(max_examples=80)
@given(mixed_chains(), points(dims=(2, 3), lo=-10, hi=10))
def test_simplified_chain_maps_like_the_original(chain, x):
    simple = chain.simplified()
    # step by step in homogeneous 4D (a 2D point keeps the z it gains on the way)
    h = np.c_[x, np.zeros((len(x), 3 - x.shape[1])), np.ones(len(x))]
    scale = 1 + np.abs(x).max()
    for t in reversed(chain.transforms):  # the largest intermediate value bounds the error
        h = t.map(h)
        scale = max(scale, np.abs(h).max())
    expected = h[:, : x.shape[1]] / h[:, 3:]
    assert_close(simple.map(x), expected, scale, rtol=1e-9)
    linear_runs = 0
    previous_linear = False
    for t in chain.transforms:
        if t.linear and not isinstance(t, NullTransform):
            linear_runs += not previous_linear
            previous_linear = True
        elif not t.linear:
            previous_linear = False
    assert sum(t.linear for t in simple.transforms) == linear_runs


def test_simplified_structure():
    a, b = STTransform(scale=(2, 2), translate=(1, 0)), STTransform(translate=(0, 5))
    polar, m = PolarTransform(), MatrixTransform().rotate(45)
    simple = (a * NullTransform() * b.inverse * polar * m).simplified()
    assert len(simple) == 3 and isinstance(simple.transforms[0], STTransform)
    assert simple.transforms[1] is polar and simple.transforms[2] is m  # alone: the same, live
    assert_close(simple.transforms[0].map([0.0, 5.0]), [1.0, 0.0])
    folded = (m * a).simplified()
    assert len(folded) == 1 and isinstance(folded.transforms[0], MatrixTransform)
    a.scale = (3, 3)  # a snapshot: the folded matrix does not follow
    assert not np.allclose(folded.map([1.0, 1.0]), (m * a).map([1.0, 1.0]))
    assert len((NullTransform() * NullTransform()).simplified()) == 0
    # a projective fold maps like the original
    cam = MatrixTransform().look_at((1, 1, 4), (0, 0, 0), (0, 1, 0))
    chain = MatrixTransform().perspective(60, 1.5, 0.5, 50) * cam * STTransform(scale=(2, 2, 2))
    x = np.array([[0.1, 0.2, 0.3], [-0.5, 0.5, -1.0]])
    assert_close(chain.simplified().map(x), chain.map(x), 1)
    assert chain.simplified().projective and len(chain.simplified()) == 1


# ---- flags -----------------------------------------------------------------------------------


FLAGS = ("linear", "separable", "orthogonal", "isotropic", "nonscaling")


@pytest.mark.parametrize(
    "transform, expected",
    [
        (NullTransform(), "LSOIN"),
        (STTransform(scale=(2, 3)), "LSO"),
        (STTransform(scale=(-2, 2, 5)), "LSOI"),
        (STTransform(translate=(4, 5)), "LSOIN"),
        (MatrixTransform().rotate(30), "LOIN"),
        (MatrixTransform().rotate(30).scale((1, 2)), "L"),
        (MatrixTransform().scale((1, 2)).rotate(30), "LO"),
        (MatrixTransform().scale(3).rotate(30), "LOI"),
        (MatrixTransform().scale((1, 2)), "LSO"),
        (MatrixTransform().perspective(60, 1, 1, 10), "L"),
        (PolarTransform(), "O"),
        (LogTransform(base=(10, 0)), "SO"),
        (LogTransform(base=(0, 0, 10)), "SOIN"),
        (MercatorTransform(), "SO"),
        (MagnifyTransform(), ""),
        (PolarTransform() * LogTransform(base=(10, 10)), "O"),
        (PolarTransform() * MatrixTransform().rotate(10), ""),
        (MatrixTransform().rotate(10) * PolarTransform(), "O"),
        (STTransform(scale=(1, 2)) * PolarTransform(), ""),
        (STTransform(scale=(2, 3)) * MatrixTransform().scale((1, 2)), "LSO"),
        (PolarTransform().inverse, ""),
        (LogTransform(base=(10, 0)).inverse, "SO"),
        (MatrixTransform().scale((1, 2)).rotate(30).inverse, "L"),
        (MatrixTransform().rotate(30).scale((1, 2)).inverse, "LO"),
    ],
)
def test_flags(transform, expected):
    letters = dict(zip("LSOIN", FLAGS))
    assert {k for k, v in transform.flags().items() if v and k in FLAGS} == {
        letters[c] for c in expected
    }


def test_projective_flag():
    assert MatrixTransform().perspective(60, 1, 1, 10).projective
    assert not MatrixTransform().rotate(10).projective
    assert (PolarTransform() * MatrixTransform().perspective(60, 1, 1, 10)).projective
    assert not (PolarTransform() * STTransform()).projective


# ---- changes -----------------------------------------------------------------------------------


def test_changed_is_emitted_once_per_parameter_change():
    seen = []
    transforms = {
        "st.scale": (STTransform(), lambda t: setattr(t, "scale", (2, 2))),
        "st.translate": (STTransform(), lambda t: setattr(t, "translate", (2, 2))),
        "st.set_mapping": (STTransform(), lambda t: t.set_mapping([0, 1], [0, 2])),
        "matrix": (MatrixTransform(), lambda t: setattr(t, "matrix", np.eye(4) * 2)),
        "rotate": (MatrixTransform(), lambda t: t.rotate(10)),
        "look_at": (MatrixTransform(), lambda t: t.look_at((0, 0, 1), (0, 0, 0), (0, 1, 0))),
        "log.base": (LogTransform(), lambda t: setattr(t, "base", (2, 2))),
        "lens.mag": (MagnifyTransform(), lambda t: setattr(t, "mag", 2)),
        "lens.center": (MagnifyTransform(), lambda t: setattr(t, "center", (1, 1))),
        "lens.radius": (MagnifyTransform(), lambda t: setattr(t, "radius", 2)),
    }
    for name, (t, change) in transforms.items():
        seen.clear()
        t.changed.connect(seen.append)
        change(t)
        assert seen == [t], name


def test_chains_and_inverses_forward_changes():
    a, b = STTransform(), MagnifyTransform()
    chain = a * b
    inv = chain.inverse
    seen = []
    chain.changed.connect(seen.append)
    inv.changed.connect(seen.append)
    b.inverse.changed.connect(seen.append)
    a.scale = (3, 3)
    assert seen == [chain, inv]
    seen.clear()
    b.mag = 5
    assert sorted(map(id, seen)) == sorted(map(id, [chain, inv, b.inverse]))
    chain.changed.disconnect(seen.append)
    seen.clear()
    a.translate = (1, 1)
    assert seen == [inv]


def test_a_forgotten_chain_does_not_stay_connected():
    a = STTransform()
    chain = a * PolarTransform()
    assert len(a.changed) == 1
    del chain
    gc.collect()
    assert len(a.changed) == 0
    a.scale = (2, 2)  # no error from the dead connection


# ---- GLSL structure (no GL) ------------------------------------------------------------------


def _vert_frag(transform_fn):
    """A vertex and fragment Function drawing one point per pixel through ``transform_fn``."""
    vert = Function(
        "void main() {\n"
        "    float x = (float(gl_VertexID) + 0.5) * 2.0 / $count - 1.0;\n"
        "    gl_Position = vec4(x, 0.0, 0.0, 1.0);\n"
        "    gl_PointSize = 1.0;\n"
        "    $mapped = $transform($position);\n"
        "}\n",
        name="test point-per-pixel vertex",
    )
    mapped = Varying("v_mapped", "vec4", flat=True)
    vert["mapped"] = mapped
    vert["transform"] = transform_fn
    vert["position"] = Variable("a_position", gtype="vec4", kind="attribute")
    vert["count"] = Variable("u_count", 1.0)
    frag = Function("out vec4 f_value;\nvoid main() { f_value = $mapped; }\n", name="test frag")
    frag["mapped"] = mapped
    return vert, frag


def all_transforms() -> dict[str, BaseTransform]:
    return {
        "null": NullTransform(),
        "st": STTransform(scale=(2, 3), translate=(1, 1)),
        "matrix": MatrixTransform().rotate(30),
        "polar": PolarTransform(),
        "log": LogTransform(base=(10, 2)),
        "mercator": MercatorTransform(),
        "magnify": MagnifyTransform(center=(1, 1)),
        "chain": STTransform() * PolarTransform() * STTransform(),
        "inverse": STTransform().inverse,
        "empty chain": ChainTransform(),
    }


@pytest.mark.parametrize("name", list(all_transforms()))
def test_glsl_functions_compile_and_parameter_changes_keep_the_code(name):
    t = all_transforms()[name]
    for fn in (t.glsl_map, t.glsl_imap):
        compiled = compile_program(*_vert_frag(fn))
        assert "$" not in compiled.vertex
    assert t.glsl_map is t.glsl_map  # built once


def test_parameter_changes_are_uniform_values_only():
    a, lens = STTransform(scale=(2, 3)), MagnifyTransform()
    chain = a * lens
    vert, frag = _vert_frag(chain.glsl_map)
    before = compile_program(vert, frag)
    scale = a.glsl_map["scale"]
    assert isinstance(scale, Variable) and scale.gtype == "vec3"
    a.scale = (5, 6)
    lens.mag = 7
    lens.center = (0.5, 0.5)
    after = compile_program(vert, frag)
    assert (after.vertex, after.fragment) == (before.vertex, before.fragment)
    assert a.glsl_map["scale"] is scale and tuple(scale.value) == (5.0, 6.0, 1.0)
    assert tuple(a.glsl_imap["scale"].value) == (5.0, 6.0, 1.0)
    assert lens.glsl_map["mag"].value == 7.0
    m = MatrixTransform()
    inv = m.glsl_imap["matrix"]
    m.scale(2)
    np.testing.assert_allclose(inv.value, np.diag([0.5, 0.5, 0.5, 1.0]))


def test_matrix_inverse_is_cached_and_a_singular_matrix_still_has_glsl():
    m = MatrixTransform().scale(2)
    inv = m.inverse_matrix
    assert m._inv is not None and np.allclose(inv, np.diag([0.5, 0.5, 0.5, 1]))
    m.translate((1, 0))  # a change drops the cached inverse
    assert m._inv is None
    assert_close(m.imap([3.0, 0.0]), [1.0, 0.0])
    fn = m.glsl_imap
    m.scale((1, 0, 1))  # singular: numpy's imap raises, the GPU side gets the pseudo-inverse
    assert np.isfinite(fn["matrix"].value).all()
    with pytest.raises(ValueError, match="singular"):
        m.imap([1.0, 1.0])


def test_two_instances_of_a_snippet_are_renamed():
    chain = STTransform(scale=(2, 2)) * PolarTransform() * STTransform(scale=(3, 3))
    vertex = compile_program(*_vert_frag(chain.glsl_map)).vertex
    assert "st_transform_map_1" in vertex and "u_st_scale_1" in vertex


# ---- GPU parity ----------------------------------------------------------------------------


N = 512


def gpu_map(canvas, fn, pos: np.ndarray) -> np.ndarray:
    """Map (N, 4) homogeneous points through the GLSL function ``fn``, on the GPU."""
    vert, frag = _vert_frag(fn)
    vert["position"].value = pos.astype(np.float32)
    vert["count"].value = float(len(pos))
    program = ModularProgram(vert, frag)
    target = gloo.Texture2D(shape=(1, len(pos), 4), internalformat="rgba32f")
    fbo = gloo.FrameBuffer(target)
    out = {}

    def on_draw(event):
        with fbo:
            gloo.set_viewport(0, 0, len(pos), 1)
            gloo.set_state(blend=False, depth_test=False)
            gloo.clear(color=(0.0, 0.0, 0.0, 0.0))
            program.draw("points")
            out["values"] = fbo.read(out_type="float32")

    canvas.events.draw.disconnect()
    canvas.events.draw.connect(on_draw)
    canvas.draw()
    return out["values"][0].astype(np.float64)


def _sample(kind: str, rng: np.random.Generator) -> np.ndarray:
    """(N, 4) homogeneous inputs inside a domain; w in [0.5, 2] (nonlinear ones divide)."""
    u = rng.random((N, 3))
    if kind == "generic":
        xyz = u * 200 - 100
    elif kind == "polar":
        xyz = np.c_[(u[:, 0] * 2 - 1) * 3.1, u[:, 1] * 10 + 0.01, u[:, 2] - 0.5]
    elif kind == "positive":
        xyz = 10 ** (u * 8 - 4)
    elif kind == "lonlat":
        xyz = np.c_[u[:, 0] * 360 - 180, u[:, 1] * 170 - 85, u[:, 2]]
    elif kind == "lens":
        xyz = np.c_[u[:, :2] * 4 - 2, u[:, 2]]
    elif kind == "frustum":
        xyz = np.c_[u[:, :2] * 4 - 2, -1 - u[:, 2] * 20]
    elif kind == "chain":
        xyz = np.c_[1 + u[:, 0] * 99, 1 + u[:, 1] * 99, u[:, 2]]
    w = 0.5 + rng.random(N) * 1.5
    return np.c_[xyz * w[:, None], w]


def gpu_cases() -> dict[str, tuple[BaseTransform, str]]:
    view = STTransform(scale=(0.5, 0.25), translate=(0.1, -0.2))
    return {
        "null": (NullTransform(), "generic"),
        "st": (STTransform(scale=(2.5, -0.5, 3), translate=(10, -3, 1)), "generic"),
        "matrix": (
            MatrixTransform().scale((2, 3, 1)).rotate(30, (1, 1, 1)).translate(1),
            "generic",
        ),
        "perspective": (
            MatrixTransform().look_at((1, 2, 3), (0, 0, -8), (0, 1, 0)).perspective(60, 1.5, 1, 30),
            "frustum",
        ),
        "polar": (PolarTransform(), "polar"),
        "log": (LogTransform(base=(10, 2, 0.5)), "positive"),
        "log-one-axis": (LogTransform(base=(0, 1.001)), "positive"),
        "mercator": (MercatorTransform(), "lonlat"),
        "magnify": (MagnifyTransform(center=(0.2, -0.1), mag=5, radius=1.5), "lens"),
        "chain": (
            view * PolarTransform() * LogTransform(base=(10, 0)) * STTransform(scale=(0.3, 1)),
            "chain",
        ),
        "chain-inverse": (
            (view * MagnifyTransform(mag=2) * STTransform(scale=(0.01, 0.02))).inverse,
            "lens",
        ),
    }


def assert_gpu_matches(gpu: np.ndarray, cpu: np.ndarray, inputs: np.ndarray, what: str) -> None:
    """Agreement to 1e-5 relative to the size of each point (its largest coordinate in or out).

    Per point rather than per coordinate: float32 cannot give a coordinate that
    cancels to ~0 (cos near pi/2, log near 1) a relative error of 1e-5, but it
    does bound the error by the magnitudes involved.
    """
    size = np.maximum(np.abs(cpu).max(axis=1), np.abs(inputs).max(axis=1))
    err = np.abs(gpu - cpu).max(axis=1) / size
    worst = int(np.argmax(err))
    assert err[worst] <= 1e-5, (
        f"{what}: relative error {err[worst]:.2e} at point {worst}: input {inputs[worst]}, "
        f"gpu {gpu[worst]}, numpy {cpu[worst]}"
    )


@pytest.mark.parametrize("name", list(gpu_cases()))
def test_gpu_map_and_imap_agree_with_numpy(make_canvas, name):
    transform, kind = gpu_cases()[name]
    canvas = make_canvas((N, 1))
    pos = _sample(kind, np.random.default_rng(7)).astype(np.float32).astype(np.float64)
    cpu = transform.map(pos)
    assert_gpu_matches(gpu_map(canvas, transform.glsl_map, pos), cpu, pos, f"{name} map")
    back = cpu.astype(np.float32).astype(np.float64)
    expected = transform.imap(back)
    assert_gpu_matches(gpu_map(canvas, transform.glsl_imap, back), expected, back, f"{name} imap")


def test_changing_st_scale_every_frame_sends_uniforms_only(make_canvas):
    canvas = make_canvas((32, 32))
    st_ = STTransform(scale=(0.5, 0.5))
    vert = Function("void main() { gl_Position = $transform(vec4($position, 0.0, 1.0)); }")
    vert["transform"] = st_.glsl_map
    vert["position"] = Variable(
        "a_position", np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32), kind="attribute"
    )
    frag = Function("out vec4 f_color; void main() { f_color = vec4(1.0); }")
    program = ModularProgram(vert, frag)

    @canvas.connect
    def on_draw(event):
        gloo.clear(color="black")
        program.draw("triangle_strip")

    first = canvas.render()
    sent = []
    canvas.context.listeners.append(sent.extend)
    for frame in range(100):
        st_.scale = (0.5 + (frame + 1) / 200, 0.5)
        canvas.render()
    names = [c[0] for c in sent]
    assert names.count(Cmd.SHADERS) == 0
    assert names.count(Cmd.UNIFORM) == 100
    assert program.compilations == 1
    last = canvas.render()
    lit = lambda img: (img[16, :, 0] > 0).sum()  # noqa: E731 - width of the lit row
    assert lit(first) == 16 and lit(last) == 32
