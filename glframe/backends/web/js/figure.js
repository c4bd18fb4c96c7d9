// figure.js: show an exported glframe figure in a page, and let the user move its cameras.
//
// A figure is what glframe's export writes: the canvas size, one GLIR stream
// (the commands that build every object, then those of one frame, from
// `frameStart` on), its buffers (base64 of shuffled, deflated bytes), and the
// views with their cameras. `mount` draws the frame with glir.js, then on a
// drag or a wheel turn updates the camera's uniforms in every program that
// uses them, exactly as the Python cameras compute them (pan-zoom, turntable,
// arcball and fly, with the same buttons, shift and keys), and draws the frame again.
// Nothing talks to Python. The canvas is drawn at the figure's physical size
// and shown at its logical size in CSS pixels, scaling down with the page.

import { CAMERAS, dragCamera, keyName, viewUniforms } from "./cameras.js";

// cameras.js's API, as the figure bundle exports it (remote.js takes CAMERAS,
// dragCamera, keyName and viewUniforms from this module)
export {
  CAMERAS,
  cameraMatrix,
  derivedUniform,
  dragCamera,
  invert,
  keyName,
  viewUniforms,
} from "./cameras.js";

/**
 * Decode the figure's buffers: base64 -> inflate (DecompressionStream) -> unshuffle.
 * @param {{buffers: string[], encoding: Array}} figure
 * @returns {Promise<Uint8Array[]>}
 */
export async function decodeBuffers(figure) {
  const out = [];
  for (let i = 0; i < figure.buffers.length; i++) {
    const bytes = Uint8Array.from(atob(figure.buffers[i]), (c) => c.charCodeAt(0));
    const kind = figure.encoding[i];
    if (kind === 'raw') {
      out.push(bytes);
      continue;
    }
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    const inflated = new Uint8Array(await new Response(stream).arrayBuffer());
    out.push(unshuffle(inflated, kind.deflate, kind.columns || 1));
  }
  return out;
}

/**
 * Undo the export's shuffle: for each of `columns` columns, `itemsize` planes of
 * bytes (all first bytes, then all second bytes, ...) back to interleaved rows.
 */
export function unshuffle(data, itemsize, columns = 1) {
  const row = itemsize * columns;
  if (row <= 1 || data.length % row) return data;
  const n = data.length / row;
  const out = new Uint8Array(data.length);
  for (let c = 0; c < columns; c++) {
    for (let b = 0; b < itemsize; b++) {
      const plane = data.subarray((c * itemsize + b) * n, (c * itemsize + b + 1) * n);
      const offset = c * itemsize + b;
      for (let i = 0; i < n; i++) out[i * row + offset] = plane[i];
    }
  }
  return out;
}

function showError(element, error) {
  let box = element.querySelector('.glframe-error');
  if (!box) {
    box = document.createElement('pre');
    box.className = 'glframe-error';
    box.style.cssText = 'color: #b00; white-space: pre-wrap';
    element.appendChild(box);
  }
  box.textContent = String((error && error.message) || error);
}


/**
 * Show a figure in `element` (a new <canvas> is appended).
 * @param {HTMLElement} element
 * @param {object} figure  the exported figure data
 * @param {object} glir    the glir.js module (its GlirInterpreter and decode)
 * @returns {Promise<{canvas: HTMLCanvasElement, redraw: Function, views: Array, interpreter: object}>}
 */
export async function mount(element, figure, glir) {
  const canvas = document.createElement('canvas');
  // drawn at physical_size, shown at size CSS pixels (the views' and the input's unit)
  [canvas.width, canvas.height] = figure.physical_size || figure.size;
  canvas.style.width = '100%';
  canvas.style.maxWidth = `${figure.size[0]}px`;
  canvas.style.height = 'auto';
  canvas.style.touchAction = 'none';
  element.appendChild(canvas);
  const gl = canvas.getContext('webgl2', { antialias: false, preserveDrawingBuffer: true });
  if (!gl) throw new Error('this browser has no WebGL2');
  const interpreter = new glir.GlirInterpreter(gl);
  const buffers = await decodeBuffers(figure);
  const commands = glir.decode(figure.glir, buffers);
  interpreter.execute(commands.slice(0, figure.frameStart));
  const frame = commands.slice(figure.frameStart);
  const views = figure.views.map((v) => ({ ...v, cam: new CAMERAS[v.camera.type](v.camera) }));

  function redraw() {
    try {
      interpreter.execute([...viewUniforms(views), ...frame]);
    } catch (error) {
      // Never silent: show the error under the figure (and keep it for scripts).
      showError(element, error);
      throw error;
    }
  }
  redraw();

  // Input: pointer positions in the figure's logical pixels (the canvas may be scaled by CSS).
  const toCanvas = (e) => {
    const box = canvas.getBoundingClientRect();
    return [((e.clientX - box.left) * figure.size[0]) / box.width,
      ((e.clientY - box.top) * figure.size[1]) / box.height];
  };
  const viewAt = ([x, y]) => [...views].reverse().find(
    (v) => x >= v.rect[0] && x < v.rect[0] + v.rect[2] && y >= v.rect[1] && y < v.rect[1] + v.rect[3]);
  let drag = null;
  let focus = views[0];  // the view keys go to: the last one pressed, as in Python
  canvas.tabIndex = 0;
  canvas.style.outline = 'none';
  canvas.addEventListener('keydown', (e) => {
    if (focus && focus.cam.key(keyName(e.key), e.shiftKey)) {
      e.preventDefault();
      redraw();
    }
  });
  canvas.addEventListener('pointerdown', (e) => {
    const pos = toCanvas(e);
    const view = viewAt(pos);
    if (view) focus = view;
    if (!view || !view.cam.grabs(e.button)) return;
    canvas.setPointerCapture(e.pointerId);
    drag = { view, pos, state: view.cam.state() };
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    dragCamera(drag, toCanvas(e), e);
    redraw();
  });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());  // right drags zoom
  canvas.addEventListener('pointerup', () => { drag = null; });
  canvas.addEventListener('wheel', (e) => {
    const pos = toCanvas(e);
    const view = viewAt(pos);
    if (!view) return;
    e.preventDefault();
    // one notch is 100 pixels of deltaY in Chromium and Firefox (deltaMode 0); up zooms in
    const notches = e.deltaMode === 1 ? -e.deltaY / 3 : -e.deltaY / 100;
    view.cam.wheel(notches, pos[0] - view.rect[0], pos[1] - view.rect[1], view.rect[2], view.rect[3]);
    redraw();
  }, { passive: false });
  return { canvas, redraw, views, interpreter };
}
