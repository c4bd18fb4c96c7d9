"""The same GLIR, two interpreters, the same pixels: desktop (PyOpenGL) vs glir.js (WebGL2).

Every example's frame is recorded on the desktop, run by glir.js in headless
Chromium (SwiftShader), and the two images are compared: tolerant of small
rasterizer differences (a few levels, some edge pixels), strict about objects.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from browser import browser, load_glir, page, run_glir  # noqa: F401 - fixtures
from examples_path import EXAMPLES  # noqa: F401 - puts examples/ on sys.path
from imagecompare import FAILURES, compare
from run_gallery import example_id, example_paths

PATHS = example_paths()

# Examples whose content is mostly rasterizer-dependent detail, with the share of
# pixels allowed to differ away from edges, and why.
LOOSER = {
    # 10,000 translucent quads of a few pixels, overlapping: their edges are most
    # of the picture, and the two rasterizers cover edge pixels differently.
    "gloo_instancing": 0.005,
    # bilinear filtering of a 12x12 RGB image magnified 20 times: SwiftShader's
    # filter weights differ from llvmpipe's by a few percent of a texel, which is
    # up to ~25 levels where neighbouring texels differ a lot.
    "scene_image": 0.005,
    # a fractal sampled nearest at about 2 texels per screen pixel, with tile quads at
    # level-0 coordinates near 6.7e7 (float32 steps of 8): pixel centres that fall within
    # rounding of a texel edge pick the neighbouring texel on one of the two rasterizers,
    # and neighbours at the set's boundary differ by up to ~140 levels (282 pixels, 0.11%,
    # measured on SwiftShader vs llvmpipe; a misplaced tile differs by thousands).
    "scene_multiscale_mandelbrot": 0.003,
}


def record_example(path):
    import runpy

    os.environ["GLFRAME_BACKEND"] = "offscreen"
    canvas = runpy.run_path(str(path), run_name="__gallery__")["canvas"]
    try:
        canvas.render()  # objects created; the recording starts from their state
        with canvas.record() as rec:
            image = canvas.render()
        return rec.commands, image, canvas.size
    finally:
        canvas.close()


@pytest.mark.parametrize("path", PATHS, ids=[example_id(p) for p in PATHS])
def test_example_renders_the_same_in_the_browser(make_canvas, page, path):  # noqa: F811
    commands, desktop, size = record_example(path)
    load_glir(page)
    web = run_glir(page, commands, size)
    # A few isolated pixels may differ away from edges: points partly outside the
    # canvas, depth ties, discard borders of sprites (two different rasterizers).
    share = LOOSER.get(example_id(path), 0.0005)
    allowance = max(8, int(desktop.shape[0] * desktop.shape[1] * share))
    ok, why, diff = compare(
        web, desktop, noise=6, edge_fraction=0.2, min_allowed=8, max_interior=allowance
    )
    if not ok:
        import imageio.v3 as iio

        name = f"conformance_{example_id(path)}"
        FAILURES.mkdir(exist_ok=True)
        iio.imwrite(FAILURES / f"{name}.web.png", web)
        iio.imwrite(FAILURES / f"{name}.desktop.png", desktop)
        iio.imwrite(FAILURES / f"{name}.diff.png", diff)
    assert ok, f"{example_id(path)}: browser and desktop differ: {why}"
    assert not page.js_errors, page.js_errors


def test_errors_in_the_browser_are_named(make_canvas, page):  # noqa: F811
    from glframe.gloo import Cmd, glir

    load_glir(page)
    message = page.evaluate(
        """(text) => { try { new window.glir.GlirInterpreter(
               document.createElement('canvas').getContext('webgl2')).execute(
               window.glir.decodeJSON(text)); return 'no error'; }
           catch (e) { return String(e.message || e); } }""",
        glir.to_json(
            [
                (Cmd.CREATE, 1, "Program"),
                (
                    Cmd.SHADERS,
                    1,
                    "void main() { gl_Position = vec4(0.0); }",
                    "out vec4 c;\nvoid main() {\n  c = vec4(1.0) +;\n}",
                ),
            ]
        ),
    )
    assert "SHADERS" in message and "c = vec4(1.0) +;" in message
    assert np.isscalar(len(message))
