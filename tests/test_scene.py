"""The scene layer: nodes, views, grids, cameras and their input, markers, reactivity."""

from __future__ import annotations

import numpy as np
import pytest
from imagecompare import assert_image_matches

from glframe import scene
from glframe.gloo import Cmd
from glframe.transforms import STTransform


def centroid(image, channel=0, threshold=128):
    ys, xs = np.nonzero(image[..., channel] > threshold)
    return np.array([xs.mean(), ys.mean()]) if len(xs) else None


def emit(canvas, kind, pos, **attrs):
    defaults = {"button": 1, "buttons": (1,), "modifiers": (), "delta": (0.0, 0.0)}
    getattr(canvas.events, kind)(pos=pos, **{**defaults, **attrs})


# ---- nodes ----------------------------------------------------------------------------
def test_node_tree_and_cached_transforms():
    root = scene.Node(name="root")
    a = scene.Node(root, transform=STTransform(scale=(2, 2)), name="a")
    b = scene.Node(a, transform=STTransform(translate=(1, 0)), name="b")
    assert root.children == [a] and b.root is root
    chain = b.transform_to(root)
    assert b.transform_to(root) is chain  # cached
    np.testing.assert_allclose(b.map_to(root, [[1.0, 1.0]]), [[4.0, 2.0]])
    a.transform.scale = (3, 3)  # a value: same chain, new numbers
    assert b.transform_to(root) is chain
    np.testing.assert_allclose(b.map_to(root, [[1.0, 1.0]]), [[6.0, 3.0]])
    b.parent = root  # the path changed: rebuilt
    assert b.transform_to(root) is not chain
    np.testing.assert_allclose(b.map_to(a, [[0.0, 0.0]]), [[1 / 3, 0.0]])
    with pytest.raises(ValueError, match="descendant of itself"):
        root.parent = b


# ---- 2D: pan, zoom, grid, screenshots ------------------------------------------------------
def square_scene(scene_canvas, **camera):
    canvas = scene_canvas((200, 200), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 10, 10), **camera))
    dot = scene.visuals.Markers(
        [[5.0, 5.0]], size=20, symbol="square", edge_width=0, face_color="red", parent=view.scene
    )
    return canvas, view, dot


def test_camera_maps_the_rect_to_the_view(scene_canvas):
    canvas, view, dot = square_scene(scene_canvas)
    image = canvas.render()
    np.testing.assert_allclose(centroid(image), [99.5, 99.5], atol=0.5)
    assert (image[..., 0] > 128).sum() == pytest.approx(20 * 20 * 0.886**2, rel=0.1)
    np.testing.assert_allclose(view.canvas_to_scene((100, 100)), [5.0, 5.0])


def test_drag_pans_by_the_dragged_distance(scene_canvas):
    canvas, view, dot = square_scene(scene_canvas)
    before = centroid(canvas.render())
    emit(canvas, "mouse_press", (100, 100))
    emit(canvas, "mouse_move", (120, 110))
    emit(canvas, "mouse_move", (130, 120))
    emit(canvas, "mouse_release", (130, 120), buttons=())
    after = centroid(canvas.render())
    np.testing.assert_allclose(after - before, [30, 20], atol=0.5)
    np.testing.assert_allclose(view.camera.rect, [-1.5, 1.0, 10, 10])  # 30 px = 1.5 units


def test_wheel_zooms_around_the_pointer(scene_canvas):
    canvas, view, dot = square_scene(scene_canvas)
    dot.set_data([[2.5, 7.5]])  # at pixel (50, 50)
    before = centroid(canvas.render())
    emit(canvas, "mouse_wheel", (50, 50), delta=(0.0, 3.0), buttons=())
    image = canvas.render()
    np.testing.assert_allclose(centroid(image), before, atol=0.5)  # stays under the pointer
    np.testing.assert_allclose(view.camera.rect[2], 10 / 1.1**3)


def test_aspect_lock_and_flip(scene_canvas):
    canvas = scene_canvas((200, 100))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 10, 10), aspect=1))
    np.testing.assert_allclose(view.camera.shown_rect, [-5, 0, 20, 10])
    view.camera.flip = (False, True)
    view.camera.rect = (0, 0, 10, 10)
    np.testing.assert_allclose(view.canvas_to_scene((100, 0)), [5, 0])  # y grows downwards


def test_grid_of_views_with_linked_cameras(scene_canvas):
    canvas = scene_canvas((200, 160), bgcolor="#101010")
    grid = canvas.add_grid(spacing=4)
    colors = ["red", "lime", "blue", "yellow"]
    views = []
    for i, color in enumerate(colors):
        view = grid.add_view(
            i // 2,
            i % 2,
            bgcolor=(0.15, 0.15, 0.2, 1),
            camera=scene.PanZoomCamera(rect=(-1, -1, 2, 2)),
        )
        scene.visuals.Markers(
            [[0.0, 0.0], [0.5, 0.5]],
            size=[16, 8],
            face_color=color,
            symbol=["disc", "star"][i % 2],
            parent=view.scene,
        )
        views.append(view)
    assert [v.rect for v in views] == [
        (0, 0, 98, 78),
        (102, 0, 98, 78),
        (0, 82, 98, 78),
        (102, 82, 98, 78),
    ]
    views[0].camera.link(views[3].camera)
    emit(canvas, "mouse_press", (40, 40))
    emit(canvas, "mouse_move", (50, 40))
    emit(canvas, "mouse_release", (50, 40), buttons=())
    np.testing.assert_allclose(views[3].camera.rect, views[0].camera.rect)
    assert views[1].camera.rect[0] == -1  # not linked: unmoved
    assert_image_matches(canvas.render(), "scene_grid_2x2")


def test_render_larger_than_the_canvas(scene_canvas):
    canvas, view, dot = square_scene(scene_canvas)
    small, big = canvas.render(), canvas.render(size=(400, 400))
    assert big.shape == (400, 400, 4)
    np.testing.assert_allclose(centroid(big), centroid(small) * 2 + 0.5, atol=0.6)
    ratio = (big[..., 0] > 128).sum() / (small[..., 0] > 128).sum()
    assert ratio == pytest.approx(4, rel=0.1)  # pixel sizes scale too


# ---- reactivity ------------------------------------------------------------------------------
def test_changes_send_only_what_changed(scene_canvas):
    canvas, view, dot = square_scene(scene_canvas)
    parent = scene.Node(view.scene, transform=STTransform())
    dot.parent = parent
    canvas.render()
    sent = []
    canvas.context.listeners.append(sent.extend)
    canvas.render()
    assert {c[0] for c in sent} <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}  # nothing changed
    sent.clear()
    dot.size = 5
    parent.transform.translate = (1, 0)
    view.camera.pan(0.5, 0)
    canvas.render()
    kinds = [c[0] for c in sent]
    assert Cmd.SHADERS not in kinds and Cmd.CREATE not in kinds
    assert kinds.count(Cmd.ATTRIBUTE_VALUE) == 1  # the size
    uniforms = {c[2] for c in sent if c[0] == Cmd.UNIFORM}
    assert len(uniforms) == 2  # the parent's translation and the camera's


def test_markers_validate_their_input():
    with pytest.raises(ValueError, match=r"Markers.positions: shape \(3, 4\)"):
        scene.visuals.Markers(np.zeros((3, 4)))
    dots = scene.visuals.Markers(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"Markers.size: shape \(2,\) is not \(\) or \(3,\)"):
        dots.size = [1, 2]
    with pytest.raises(ValueError, match="unknown colour 'reddish'"):
        dots.face_color = "reddish"
    with pytest.raises(ValueError, match=r"unknown \['hexagon'\]; symbols: disc"):
        dots.symbol = "hexagon"
    with pytest.raises(ValueError, match="Markers.size must be a finite number >= 0, not nan"):
        dots.size = float("nan")


def test_one_symbol_for_all_points_is_compiled_in_and_draws_as_per_point(scene_canvas):
    from glframe.scene.visuals import SYMBOLS

    canvas = scene_canvas((240, 200))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(-0.5, -0.5, 4, 3), aspect=1))
    xy = np.array([[i % 4, i // 4] for i in range(12)], float)
    markers = scene.visuals.Markers(xy, size=36, edge_width=2, parent=view.scene)
    for name in SYMBOLS:
        markers.symbol = name  # one for all: a GLSL constant
        one = canvas.render()
        assert markers._symbol.value == SYMBOLS[name]
        markers.symbol = [name] * len(xy)  # per point: the shader picks per fragment
        every = canvas.render()
        assert markers._symbol.value == -1
        assert (one[..., :3] != 0).any(), name
        np.testing.assert_array_equal(one, every, err_msg=name)


@pytest.mark.parametrize("symbol", ["disc", "square", "ring"])
def test_exact_symbols_draw_in_a_tight_sprite_the_pixels_of_the_wide_one(
    scene_canvas, monkeypatch, symbol
):
    """Symbols whose distance is exact get half a pixel of sprite around them, not one:
    the same pixels (the fast path against the general one, sizes and edges mixed)."""
    from glframe.scene.visuals import _markers

    canvas = scene_canvas((160, 120))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 160, 120), aspect=1))
    rng = np.random.default_rng(11)
    xy = rng.uniform(5, 115, (300, 2))
    sizes = rng.choice([2.0, 3.0, 4.5, 9.0], 300)
    markers = scene.visuals.Markers(xy, size=sizes, symbol=symbol, parent=view.scene)
    for edge in (0.0, 1.5):
        markers.edge_width = edge
        tight = canvas.render()
        assert markers._edge.value == float(edge > 0)  # a constant: no edge, no blend
        assert markers.program["u_margin"] == 0.5
        monkeypatch.setattr(_markers, "_EXACT", set())  # every symbol's margin: one pixel
        wide = canvas.render()
        assert markers.program["u_margin"] == 1.0
        monkeypatch.undo()
        assert (tight[..., :3] > 0).sum() > 3000
        assert np.abs(tight.astype(int) - wide.astype(int)).max() <= 1, edge


def test_a_visual_whose_constants_change_at_its_first_draw_sends_one_program(scene_canvas):
    from glframe.gloo import Cmd

    canvas = scene_canvas((60, 40))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 60, 40)))
    sent = []
    canvas.context.listeners.append(sent.extend)
    # edge_width=0 and a triangle: two constants away from the program's first build
    markers = scene.visuals.Markers(
        [[30, 20]], size=9, edge_width=0, symbol="triangle", parent=view.scene
    )
    canvas.render()
    assert [c[0] for c in sent].count(Cmd.SHADERS) == 1  # the queue dropped the first
    assert markers.program.compilations == 2
    assert canvas.render()[..., 0].any()


def test_marker_edges_follow_the_pixel_scale(scene_canvas):
    canvas = scene_canvas((100, 100))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 100, 100), aspect=1))
    scene.visuals.Markers(
        [[50, 50]],
        size=40,
        edge_width=4,
        face_color="black",
        edge_color="white",
        parent=view.scene,
    )
    one = canvas.render()[50, :, 0] > 127
    two = canvas.render(size=(200, 200))[100, :, 0] > 127  # two device pixels each
    assert one.sum() == 8  # the edge's two crossings of the row, 4 pixels each
    assert two.sum() == 16


# ---- 3D --------------------------------------------------------------------------------------
def test_turntable_camera_orbits(scene_canvas):
    canvas = scene_canvas((200, 200))
    view = canvas.add_view(camera=scene.TurntableCamera(azimuth=0, elevation=0, fov=0))
    points = scene.visuals.Markers(
        [[0, 0, 0], [1, 0, 0]], size=10, face_color="red", edge_width=0, parent=view.scene
    )
    view.camera.set_range(x=(-1, 1), y=(-1, 1), z=(-1, 1), margin=0)
    first = canvas.render()
    # azimuth 0 looks along +y: x to the right
    assert centroid(first[:, 110:])[0] > 40
    emit(canvas, "mouse_press", (100, 100))
    emit(canvas, "mouse_move", (280, 100))  # 180 px = -90 degrees of azimuth
    emit(canvas, "mouse_release", (280, 100), buttons=())
    assert view.camera.azimuth == pytest.approx(-90)
    turned = canvas.render()
    # now looking along +x: the second point is straight behind the first
    np.testing.assert_allclose(centroid(turned), [99.5, 99.5], atol=0.6)
    assert points.bounds(2) == (0.0, 0.0)


# ---- a real window -----------------------------------------------------------------------------
def test_window_resize_then_drag_pans_the_data(xdotool):
    """Under Xvfb: a real window, resized, a real drag; the next frame is panned by it."""
    import time

    import glframe

    canvas = scene.SceneCanvas(size=(200, 150), backend="window", title="scene drag")
    try:
        view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 10, 10)))
        scene.visuals.Markers(
            [[5.0, 5.0]],
            size=16,
            symbol="square",
            edge_width=0,
            face_color="red",
            parent=view.scene,
        )
        canvas._surface.resize((300, 200))
        deadline = time.perf_counter() + 5
        while canvas.size != (300, 200):
            assert time.perf_counter() < deadline, "the resize did not arrive"
            glframe.app.process_events()
        image = canvas.render()
        assert (image[..., 0] > 128).sum() == 14 * 14  # the rest is the background, all of it
        before = centroid(image)
        np.testing.assert_allclose(before, [149.5, 99.5], atol=0.6)  # the centre of the new size
        (wid,) = xdotool("search", "--name", "^scene drag$").split()
        xdotool("mousemove", "--window", wid, "100", "100")
        xdotool("mousedown", "1")
        xdotool("mousemove", "--window", wid, "140", "110")
        xdotool("mousemove", "--window", wid, "160", "130")
        xdotool("mouseup", "1")
        released = []
        canvas.events.mouse_release.connect(released.append)
        deadline = time.perf_counter() + 5
        while not released:
            assert time.perf_counter() < deadline, "the drag did not arrive"
            glframe.app.process_events()
        after = centroid(canvas.render())
        np.testing.assert_allclose(after - before, [60, 30], atol=0.6)
        np.testing.assert_allclose(view.camera.rect[:2], [-60 * 10 / 300, 30 * 10 / 200])
    finally:
        canvas.close()


def test_picking_finds_the_visual_and_the_point(scene_canvas):
    canvas = scene_canvas((200, 200))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 10, 10)))
    background = scene.visuals.Markers(
        [[5.0, 5.0]], size=150, symbol="square", face_color="gray", parent=view.scene
    )
    points = scene.visuals.Markers(
        [[2.0, 2.0], [5.0, 5.0], [8.0, 8.0]], size=12, face_color="red", parent=view.scene
    )
    before = canvas.render()
    hit = canvas.pick((160, 40))  # scene (8, 8): the third point
    assert hit.visual is points and hit.index == 2
    assert canvas.pick((100, 100)).index == 1
    near = canvas.pick((44, 157), radius=3)  # 4 px off the first point's centre
    assert near.visual is points and near.index == 0
    assert canvas.pick((70, 70)).visual is background  # between points: the big square
    assert canvas.pick((2, 2)) is None  # nothing drawn there
    assert (canvas.render() == before).all()  # picking leaves the frame as it was


def test_arcball_rotates_under_the_pointer_and_fly_moves_with_keys(scene_canvas):
    canvas = scene_canvas((200, 200))
    view = canvas.add_view(camera=scene.ArcballCamera(fov=0))
    scene.visuals.Markers(
        [[0, 0, 0], [0.5, 0, 0]], size=10, face_color="red", edge_width=0, parent=view.scene
    )
    view.camera.set_range(x=(-1, 1), y=(-1, 1), z=(-1, 1), margin=0)
    # identity rotation: looking down -z, x to the right
    assert centroid(canvas.render()[:, 110:])[0] > 10  # the second point, right of centre
    emit(canvas, "mouse_press", (100, 100))
    emit(canvas, "mouse_move", (100 + 100 * np.sin(np.pi / 4), 100))  # a quarter turn about y
    emit(canvas, "mouse_release", (170.7, 100), buttons=())
    np.testing.assert_allclose(
        np.abs(view.camera.rotation), [np.cos(np.pi / 8), 0, np.sin(np.pi / 8), 0], atol=1e-6
    )
    turned = canvas.render()
    assert (turned[..., 0] > 128).sum() > 0

    fly = scene.FlyCamera(position=(0, -5, 0), speed=0.5)
    view.camera = fly
    before = fly.position
    canvas.events.key_press(key="W", text="w", modifiers=())  # keys go to the focused view
    np.testing.assert_allclose(fly.position - before, [0, 0.5, 0])
    canvas.events.key_press(key="D", text="d", modifiers=("shift",))
    np.testing.assert_allclose(fly.position - before, [2.5, 0.5, 0])
    emit(canvas, "mouse_press", (100, 100))
    emit(canvas, "mouse_move", (150, 100))
    assert fly.yaw == pytest.approx(10)
    image = canvas.render()
    assert image.shape == (200, 200, 4)


# ---- HiDPI: views lay out in logical pixels ---------------------------------------------------
def test_a_pixel_ratio_renders_the_same_layout_with_more_pixels(scene_canvas):
    """At pixel_ratio 2 the frame is the 2x render of the ratio-1 canvas; input stays logical."""
    canvas, view, dot = square_scene(scene_canvas)
    expected = canvas.render(size=(400, 400))
    canvas.pixel_ratio = 2
    assert canvas.logical_size == (200, 200) and canvas.size == (400, 400)
    image = canvas.render()
    assert image.shape == (400, 400, 4)
    assert (image == expected).all()
    # a drag of 30x20 logical pixels pans 30x20 logical pixels (60x40 framebuffer ones)
    before = centroid(image)
    emit(canvas, "mouse_press", (100, 100))
    emit(canvas, "mouse_move", (130, 120))
    emit(canvas, "mouse_release", (130, 120), buttons=())
    np.testing.assert_allclose(view.camera.rect, [-1.5, 1.0, 10, 10])
    np.testing.assert_allclose(centroid(canvas.render()) - before, [60, 40], atol=0.5)
    hit = canvas.pick((130, 120))  # the square's centre, in logical pixels
    assert hit is not None and hit.visual is dot and hit.view is view
    np.testing.assert_allclose(hit.pos, (130, 120), atol=1)


def test_a_grid_fills_a_hidpi_framebuffer(scene_canvas):
    canvas = scene_canvas((120, 80), bgcolor="black", pixel_ratio=2)
    grid = canvas.add_grid(spacing=0)
    views = [grid.add_view(row=0, col=i, bgcolor=c) for i, c in enumerate(("red", "lime"))]
    image = canvas.render()
    assert image.shape == (160, 240, 4)
    assert tuple(image[80, 60, :3]) == (255, 0, 0) and tuple(image[80, 180, :3]) == (0, 255, 0)
    assert tuple(views[1].rect) == (60, 0, 60, 80)  # logical
