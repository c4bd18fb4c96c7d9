// axes.js's tick computation (no DOM): an axis with a time offset gets the ticks of its
// absolute times, shifted back into the camera's coordinates, as Axes._axis_ticks does.
import assert from "node:assert/strict";
import test from "node:test";

import { axisTicks } from "../axes.js";
import { ticks } from "../ticks.js";

const spec = { offsets: [1709251200, 0], scales: ["time", "log"], font_size: 12 };  // 2024-03-01

test("a time axis: labels of absolute times, positions relative to the offset", () => {
  const t = axisTicks(spec, 0, 0, 3 * 86400, 400);  // three days from the offset
  assert.deepEqual(t.labels, ticks(1709251200, 1709251200 + 3 * 86400, 400, { scale: "time" }).labels);
  assert.equal(t.labels[0], "2024-03-01");
  assert.deepEqual(t.positions, [0, 86400, 2 * 86400, 3 * 86400]);
});

test("an axis without offset: ticks.js as it is, vertical along y", () => {
  const t = axisTicks(spec, 1, -2, 3, 300);
  assert.deepEqual(t, ticks(-2, 3, 300, { scale: "log", fontSize: 12, vertical: true }));
  assert.equal(t.labels[0], "10⁻²");
});
