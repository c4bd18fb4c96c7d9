// axes.js: the ticks of a glframe.plot figure in a page whose cameras run in JavaScript.
//
// An exported figure (glframe.plot's Figure.export_html) draws its data, frames, titles,
// axis labels, legends and colorbars with WebGL (glir.js); what follows the camera, the
// tick marks, their labels and the grid, is drawn here, over the WebGL canvas: lines on
// a 2D canvas, labels as text elements. After each gesture figure.js handles (a drag, a
// wheel turn, a key), `attach`'s listeners run (they were added after figure.js's) and
// recompute every axes' ticks from its camera with ticks.js, the rule Python uses, on the
// same plot-area sizes: the same labels as Python for the same camera state. Axes
// shared in Python (subplots(sharex=True)) stay shared: the camera that moved gives its
// range to the others, then the figure is drawn again.

import { ticks } from "./ticks.js";

const css = (c) => (typeof c === 'string' ? c
  : `rgba(${Math.round(c[0] * 255)}, ${Math.round(c[1] * 255)}, ${Math.round(c[2] * 255)}, ${c[3]})`);

/** The ticks of one axis of an axes spec, as Python's Axes._axis_ticks computes them. */
export function axisTicks(spec, axis, lo, hi, length) {
  const off = spec.offsets[axis];
  const t = ticks(lo + off, hi + off, length, {
    scale: spec.scales[axis], fontSize: spec.font_size, vertical: axis === 1,
  });
  if (!off) return t;
  return { positions: t.positions.map((p) => p - off), labels: t.labels, minor: t.minor.map((p) => p - off) };
}

/**
 * Draw and keep up to date the ticks of the figure's axes.
 * @param {HTMLElement} element  the element the figure was mounted in
 * @param {{canvas: HTMLCanvasElement, redraw: Function, views: Array}} mounted  figure.js's mount()
 * @param {{size: number[], plot: {axes: Array, shared: number[][][]}}} figure  the figure data
 * @returns {{update: Function, state: Function}}
 */
export function attach(element, mounted, figure) {
  const [width, height] = figure.size;
  const specs = figure.plot.axes;
  element.style.position = 'relative';
  const overlay = document.createElement('div');
  overlay.className = 'glframe-axes';
  overlay.style.cssText = `position: absolute; left: 0; top: 0; width: ${width}px; `
    + `height: ${height}px; pointer-events: none; transform-origin: 0 0; overflow: hidden`;
  const lines = document.createElement('canvas');
  const ratio = window.devicePixelRatio || 1;
  lines.width = Math.round(width * ratio);
  lines.height = Math.round(height * ratio);
  lines.style.cssText = `position: absolute; left: 0; top: 0; width: ${width}px; height: ${height}px`;
  overlay.appendChild(lines);
  const labels = document.createElement('div');
  overlay.appendChild(labels);
  element.appendChild(overlay);
  const shown = specs.map(() => ({ x: [], y: [] }));
  const synced = new Map();

  function shownRect(spec) {
    const view = mounted.views[spec.view];
    return view.cam.shownRect(view.rect[2], view.rect[3]);
  }

  // shared axes: the camera whose range changed since the last update gives it to the others
  function sync() {
    let moved = false;
    (figure.plot.shared || []).forEach((groups, k) => {
      for (const group of groups) {
        const cams = group.map((i) => mounted.views[specs[i].view].cam);
        const ranges = cams.map((c) => [c.rect[k], c.rect[k + 2]]);
        const first = cams.findIndex((c, j) => {
          const last = synced.get(`${group[j]},${k}`);
          return !last || last[0] !== ranges[j][0] || last[1] !== ranges[j][1];
        });
        if (first < 0) continue;
        const source = ranges[first];
        cams.forEach((c, j) => {
          if (ranges[j][0] !== source[0] || ranges[j][1] !== source[1]) {
            c.rect[k] = source[0];
            c.rect[k + 2] = source[1];
            moved = true;
          }
          synced.set(`${group[j]},${k}`, source.slice());
        });
      }
    });
    return moved;
  }

  function label(text, x, y, spec, align) {
    const span = document.createElement('span');
    span.textContent = text;
    span.className = align === 'x' ? 'glframe-xtick' : 'glframe-ytick';
    span.style.cssText = `position: absolute; left: ${x}px; top: ${y}px; white-space: pre; `
      + `font: ${spec.font_size}px "${spec.font}", sans-serif; line-height: 1; color: ${css(spec.foreground)}; `
      + `transform: translate(${align === 'x' ? '-50%, 0' : '-100%, -50%'})`;
    labels.appendChild(span);
  }

  let drawn = null;  // the cameras' rectangles and the scale the overlay shows now

  function update() {
    if (sync()) mounted.redraw();
    const scale = mounted.canvas.getBoundingClientRect().width / width || 1;
    // a pointer move without a drag changes nothing: keep the labels as they are
    const key = JSON.stringify([scale, specs.map(shownRect)]);
    if (key === drawn) return;
    drawn = key;
    overlay.style.transform = `scale(${scale})`;
    const ctx = lines.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    labels.replaceChildren();
    specs.forEach((spec, i) => {
      const [x, y, w, h] = shownRect(spec);
      const [cx, cy] = spec.cell;
      const [left0, top0, pw, ph] = spec.plot;
      const left = cx + left0, top = cy + top0, bottom = top + ph;
      const xt = axisTicks(spec, 0, x, x + w, pw);
      const yt = axisTicks(spec, 1, y, y + h, ph);
      const px = (v) => { const f = (v - x) / w; return left + (spec.flip[0] ? 1 - f : f) * pw; };
      const py = (v) => { const f = (v - y) / h; return top + (spec.flip[1] ? f : 1 - f) * ph; };
      ctx.lineWidth = spec.line_width;
      if (spec.grid) {
        ctx.strokeStyle = css(spec.grid_color);
        ctx.beginPath();
        for (const v of xt.positions) { ctx.moveTo(px(v), top); ctx.lineTo(px(v), bottom); }
        for (const v of yt.positions) { ctx.moveTo(left, py(v)); ctx.lineTo(left + pw, py(v)); }
        ctx.stroke();
      }
      ctx.strokeStyle = css(spec.foreground);
      ctx.beginPath();
      for (const [values, length] of [[xt.positions, spec.tick_length], [xt.minor, spec.minor_length]]) {
        for (const v of values) { ctx.moveTo(px(v), bottom); ctx.lineTo(px(v), bottom + length); }
      }
      for (const [values, length] of [[yt.positions, spec.tick_length], [yt.minor, spec.minor_length]]) {
        for (const v of values) { ctx.moveTo(left, py(v)); ctx.lineTo(left - length, py(v)); }
      }
      ctx.stroke();
      xt.positions.forEach((v, j) => label(xt.labels[j], px(v), bottom + spec.tick_length + 3, spec, 'x'));
      yt.positions.forEach((v, j) => label(yt.labels[j], left - spec.tick_length - 4, py(v), spec, 'y'));
      shown[i] = { x: xt.labels, y: yt.labels };
    });
  }

  for (const type of ['pointermove', 'wheel', 'keydown', 'pointerup']) {
    mounted.canvas.addEventListener(type, update);
  }
  window.addEventListener('resize', update);
  update();
  return {
    update,
    // for scripts and tests: each axes' camera rectangle and the labels shown (read from the page)
    state: () => specs.map((spec, i) => ({
      rect: mounted.views[spec.view].cam.rect.slice(),
      shown: shownRect(spec),
      x: shown[i].x,
      y: shown[i].y,
    })),
  };
}
