// cameras.js against numbers from the Python cameras (glframe/scene/cameras), and the
// figure bundle (cameras.js + figure.js as one module, as pages load it) exporting what
// figure.js does. The Chromium tests (tests/test_web.py) compare every gesture too.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import { CAMERAS, keyName, viewUniforms } from "../cameras.js";
import * as figure from "../figure.js";

const close = (a, b, what) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-8, `${what}: ${a} vs ${b}`));

test("an arcball drag turns and a shift drag pans as in Python", () => {
  const cam = new CAMERAS.arcball({ rotation: [1, 0, 0, 0], fov: 0, scale_factor: 4, center: [0, 0, 0] });
  const start = cam.state();
  cam.drag(start, 80, 30, 400, 300, { pos: [200, 150], buttons: 1 });
  // ArcballCamera(fov=0, scale_factor=4), viewport 400x300: press (200, 150), move (280, 180)
  close(cam.state().rotation, [0.95444273, 0.10477318, 0.27939515, 0], "rotation");
  cam.drag(start, 60, -50, 400, 300, { pos: [200, 150], buttons: 1, shift: true });
  close(cam.state().center, [-0.8, -2 / 3, 0], "center");
});

test("fly keys step along the heading, five times with shift", () => {
  const cam = new CAMERAS.fly({ position: [0, -5, 0], yaw: 90, pitch: 0, fov: 60, speed: 0.1 });
  assert.equal(cam.key(keyName("w"), false), true);
  close(cam.state().position, [0.1, -5, 0], "forward");
  cam.key(keyName("ArrowLeft"), true);  // sideways, left of +x is +y
  close(cam.state().position, [0.1, -4.5, 0], "left, shift");
  assert.equal(cam.key("x", false), false);
});

test("viewUniforms: each view's camera uniforms as UNIFORM commands, for figure.js and remote.js", () => {
  const cam = new CAMERAS.panzoom({ rect: [0, 0, 4, 2], aspect: null, flip: [false, false], zoom_factor: 1.007 });
  const view = { rect: [0, 0, 400, 200], cam, derived: [], targets: [
    { program: 3, name: "u_scale", gtype: "vec3", param: "scale" },
    { program: 3, name: "u_translate", gtype: "vec3", param: "translate" },
  ] };
  assert.deepEqual(viewUniforms([view]), [
    ["UNIFORM", 3, "u_scale", "vec3", [0.5, 1, 1]],
    ["UNIFORM", 3, "u_translate", "vec3", [-1, -1, 0]],
  ]);
  assert.deepEqual(viewUniforms([]), []);
});

test("the figure bundle exports what figure.js does", async () => {
  const sibling = /^(?:import|export)\s*\{[^}]*\}\s*from\s*"\.\/[\w-]+\.js";[ \t]*\n/gm;
  const text = ["cameras.js", "figure.js"]
    .map((name) => readFileSync(new URL(`../${name}`, import.meta.url), "utf8").replace(sibling, ""))
    .join("\n");
  const bundled = await import(`data:text/javascript;base64,${Buffer.from(text).toString("base64")}`);
  assert.deepEqual(Object.keys(bundled).sort(), Object.keys(figure).sort());
});

test("a visual drawn relative to its origin gets camera @ local, composed in float64", () => {
  // PanZoomCamera(rect=(1e9 - 2, 1e9 - 2, 6, 6)), a Markers at 1e9 + [0, 1, 2]: origin 1e9
  const cam = new CAMERAS.panzoom({ rect: [1e9 - 2, 1e9 - 2, 6, 6], aspect: null, flip: [false, false], zoom_factor: 1.1 });
  const local = [1, 0, 0, 1e9, 0, 1, 0, 1e9, 0, 0, 1, 0, 0, 0, 0, 1];
  const spec = (part, gtype) => ({ program: 5, name: `u_${part}`, gtype, recipe: "shift", part, local });
  const view = { rect: [0, 0, 120, 120], cam, targets: [], derived: [spec("scale", "vec3"), spec("translate", "vec3"), spec("matrix", "mat4")] };
  const [scale, translate, matrix] = viewUniforms([view]);
  assert.deepEqual(scale.slice(0, 4), ["UNIFORM", 5, "u_scale", "vec3"]);
  close(scale[4], [1 / 3, 1 / 3, 1], "scale");
  // small numbers: 1e9 / 3 - 1 - (1e9 - 2) / 3 = -1 / 3, to float64's cancellation (a few
  // 1e-8 at 3e8; a float32 camera translate, 3e8 to 32, could not hold it)
  const near = (a, b, what) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${what}: ${a} vs ${b}`));
  near(translate[4], [-1 / 3, -1 / 3, 0], "translate");
  near(matrix[4], [1 / 3, 0, 0, 0, 0, 1 / 3, 0, 0, 0, 0, 1, 0, -1 / 3, -1 / 3, 0, 1], "matrix (columns)");
});
