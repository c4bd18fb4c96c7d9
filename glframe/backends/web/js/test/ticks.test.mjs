// ticks.js against glframe/plot/_ticks.py: the same ticks and labels on 1000 random
// ranges (linear, log and time axes), from the fixture tests/test_plot_ticks.py writes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import { ticks } from "../ticks.js";

const cases = JSON.parse(readFileSync(new URL("./fixtures/ticks.json", import.meta.url), "utf8"));

const near = (a, b) => a.length === b.length
  && a.every((v, i) => Math.abs(v - b[i]) <= 1e-12 * Math.max(1, Math.abs(b[i])));

test("1000 random ranges: the labels and positions Python computes", () => {
  assert.equal(cases.length, 1000);
  const wrong = [];
  for (const c of cases) {
    const t = ticks(c.lo, c.hi, c.length, { scale: c.scale, fontSize: c.font_size, vertical: c.vertical });
    if (JSON.stringify(t.labels) !== JSON.stringify(c.labels) || !near(t.positions, c.positions)
        || !near(t.minor.slice(0, 6), c.minor) || t.minor.length !== c.minor_count) {
      wrong.push({ case: c, js: t });
    }
  }
  assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} of 1000 ranges differ`);
});

test("known labels: linear, log, time", () => {
  assert.deepEqual(ticks(0, 1, 400).labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
  assert.deepEqual(ticks(-3, 3, 600, { scale: "log" }).labels,
    ["10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³"]);
  assert.deepEqual(ticks(1709649000, 1709649600, 800, { scale: "time" }).labels.slice(0, 2), ["14:30", "14:31"]);
  assert.throws(() => ticks(0, NaN, 100), /ticks: hi must be a finite number, not NaN/);
});
