// remote.js: a live glframe canvas in a page, fed by a kernel or a server.
//
// `connect(element, transport, glir, figure)` shows the canvas of a
// RemoteSession (glframe/backends/web/_remote.py) and sends the user's input back.
// `transport` is {send(header, buffers), onMessage(callback(header, buffers))}:
// a Jupyter comm (the anywidget model) or a websocket (see `websocketTransport`).
//
// Server mode: frames arrive as JPEG or PNG; each is drawn on a 2D canvas and
// acknowledged once shown (the kernel keeps at most N frames in flight).
// Client mode: GLIR arrives and glir.js draws it with WebGL2; glframe's cameras
// run here (figure.js) and their state goes back to Python; a message's state
// changes apply at once, its drawing at the next animation frame (one draw for every
// message and input since the last: a slow GPU slows the frame rate, not the stream);
// input over other views, keys and double clicks go to Python and come back as GLIR.
// Pointer moves and wheel turns are coalesced to one message per animation
// frame; resizes are observed and sent with the device pixel ratio.

// What a page replays to draw a frame again: the state functions, draws and framebuffer
// bindings, and the uniforms, textures and attributes set between draws (a MultiscaleImage
// draws one program once per tile), except the uniforms our cameras set before the frame.
// The same choice as Python's per_frame_commands (glframe/backends/web/_remote.py).
const PER_FRAME = new Set(['FUNC', 'DRAW', 'FRAMEBUFFER']);
const BETWEEN_DRAWS = new Set(['UNIFORM', 'TEXTURE', 'ATTRIBUTE', 'ATTRIBUTE_VALUE']);
export function frameOf(commands, views) {
  const driven = new Set();
  for (const v of views) {
    for (const t of [...(v.targets || []), ...(v.derived || [])]) driven.add(`${t.program} ${t.name}`);
  }
  return commands.filter((c) => PER_FRAME.has(c[0])
    || (BETWEEN_DRAWS.has(c[0]) && !driven.has(`${c[1]} ${c[2]}`)));
}

// During a drag of a camera that moves in the page, its state goes to Python this often (ms)
export const CAMERA_INTERVAL = 250;

const MODIFIER_KEYS = [['shiftKey', 'shift'], ['ctrlKey', 'control'], ['altKey', 'alt'], ['metaKey', 'super']];
const modifiers = (e) => MODIFIER_KEYS.filter(([k]) => e[k]).map(([, name]) => name);

/**
 * Show a remote canvas in `element`.
 * @returns {{state: object, close: Function}}
 */
export function connect(element, transport, glir, figure) {
  const state = { mode: 'server', frames: 0, errors: [], views: null };
  const box = document.createElement('div');
  box.className = 'glframe-remote';
  box.tabIndex = 0;  // keys
  box.style.cssText = 'position: relative; outline: none; width: 100%; line-height: 0;';
  element.appendChild(box);
  const view2d = document.createElement('canvas');
  const view3d = document.createElement('canvas');
  for (const c of [view2d, view3d]) {
    c.style.cssText = 'width: 100%; height: auto; display: block; touch-action: none;';
  }
  const notice = document.createElement('pre');
  notice.className = 'glframe-error';
  notice.style.cssText = 'color: #b00; white-space: pre-wrap; line-height: normal;';
  box.append(view2d, notice);
  let interp = null, frame = [], cams = [];
  // a new drawing buffer size, applied when the next frame is drawn: resizing clears the
  // canvas, so resizing at once would show it blank until then
  let resizeTo = null;

  function show(message) { notice.textContent = message; state.errors.push(message); }

  function setMode(mode) {
    state.mode = mode;
    const [on, off] = mode === 'client' ? [view3d, view2d] : [view2d, view3d];
    if (off.parentNode) off.replaceWith(on);
    if (mode !== 'client' && interp) { interp.dispose(); interp = null; }
  }

  async function onFrame(header, buffers) {
    const blob = new Blob([buffers[0]], { type: `image/${header.format}` });
    const bitmap = await createImageBitmap(blob);
    const [w, h] = header.size;
    if (view2d.width !== w || view2d.height !== h) { view2d.width = w; view2d.height = h; }
    if (header.logical) state.logical = header.logical;
    view2d.getContext('2d').drawImage(bitmap, 0, 0);
    bitmap.close();
    state.frames += 1;
    view2d.dataset.frames = String(state.frames);
    view2d.dataset.format = header.format;
    requestAnimationFrame(() => transport.send({ type: 'ack', id: header.id }, []));
  }

  function onGlir(header, buffers) {
    if (header.reset) {
      if (interp) interp.dispose();
      const size = header.physical_size || state.size || [view3d.width, view3d.height];
      [view3d.width, view3d.height] = size;
      resizeTo = null;
      state.logical = header.size || size;
      const gl = view3d.getContext('webgl2', { antialias: false, preserveDrawingBuffer: true });
      interp = new glir.GlirInterpreter(gl, { checkErrors: false });
      const commands = glir.decode(header.glir, buffers);
      interp.execute(commands.slice(0, header.frameStart));
      frame = commands.slice(header.frameStart);
      cams = (header.views || []).map((v) => ({ ...v, cam: new figure.CAMERAS[v.camera.type](v.camera) }));
      state.views = cams;
    } else {
      const commands = glir.decode(header.glir, buffers);
      if (header.physical_size) {  // resized: same objects, a new drawing buffer and layout
        resizeTo = header.physical_size;
        state.logical = header.size;
      }
      if (header.views) {
        cams = header.views.map((v) => ({ ...v, cam: new figure.CAMERAS[v.camera.type](v.camera) }));
        state.views = cams;
      }
      // cameras moved in Python: ours continue from there (without them, ours are where
      // this page put them, maybe further than the state Python drew this frame with)
      (header.cameras || []).forEach((camera, i) => {
        if (cams[i]) cams[i].cam = new figure.CAMERAS[camera.type](camera);
      });
      // a frame from Python: its state changes apply now, its drawing replaces ours,
      // drawn with our cameras
      interp.execute(commands.filter((c) => !PER_FRAME.has(c[0])));
      frame = frameOf(commands, cams);
    }
    state.frames += 1;
    draw();
  }

  // Draw at the next animation frame, once for everything asked meanwhile; the canvas's
  // data-frames counts the GLIR messages drawn so far (pixels are there once it moves).
  // GL errors are asked for once per drawn frame, an animation frame later: each
  // gl.getError() waits for the GPU to finish what came before, so asking after every
  // command (or every message) would hold the stream to the GPU's pace.
  let drawAsked = false;
  let checkAsked = false;
  function draw() {
    if (drawAsked) return;
    drawAsked = true;
    // through a task first: the messages already queued are handled before this frame
    // (a browser that draws slowly would otherwise go from frame to frame, the stream
    // waiting behind)
    setTimeout(() => requestAnimationFrame(() => {
      drawAsked = false;
      if (!interp) return;
      if (resizeTo) {  // the new size and its first frame in one task: never blank between
        const [w, h] = resizeTo;
        resizeTo = null;
        if (view3d.width !== w || view3d.height !== h) { view3d.width = w; view3d.height = h; }
      }
      try {
        interp.execute([...figure.viewUniforms(cams), ...frame]);
      } catch (error) {
        report(error);
      }
      view3d.dataset.frames = String(state.frames);
      if (!checkAsked) {
        checkAsked = true;
        requestAnimationFrame(checkErrors);
      }
    }), 0);
  }

  function checkErrors() {
    checkAsked = false;
    if (!interp) return;
    interp.checkErrors = 'batch';
    try {
      interp.execute([]);
    } catch (error) {
      report(error);
    } finally {
      interp.checkErrors = false;
    }
  }

  function report(error) {
    show(String((error && error.message) || error));
    transport.send({ type: 'error', message: String((error && error.message) || error) }, []);
  }

  transport.onMessage(async (header, buffers) => {
    try {
      if (header.type === 'frame') await onFrame(header, buffers);
      else if (header.type === 'glir') { setMode('client'); onGlir(header, buffers); }
      else if (header.type === 'mode') { state.size = header.size; setMode(header.mode); }
      else if (header.type === 'warning') show(`glframe: ${header.message}`);
    } catch (error) {
      report(error);
    }
  });

  // ---- input ------------------------------------------------------------------------------
  const current = () => (state.mode === 'client' ? view3d : view2d);
  // in the canvas's logical pixels (its framebuffer may have devicePixelRatio times more)
  const toCanvas = (e) => {
    const c = current();
    const r = c.getBoundingClientRect();
    const [w, h] = state.logical || [c.width, c.height];
    return [((e.clientX - r.left) * w) / r.width, ((e.clientY - r.top) * h) / r.height];
  };
  let pending = null;  // the coalesced move or wheel, sent at the next animation frame
  function flush() {
    if (pending) transport.send(pending, []);
    pending = null;
  }
  function queue(message) {
    if (pending && pending.event === message.event && message.event === 'wheel') {
      message.dx += pending.dx;
      message.dy += pending.dy;
    } else if (pending && pending.event !== message.event) flush();
    if (!pending) requestAnimationFrame(flush);
    pending = message;
  }
  const pointer = (event, e, extra = {}) => {
    const [x, y] = toCanvas(e);
    return { type: 'event', event, x, y, button: e.button, buttons: e.buttons, modifiers: modifiers(e), ...extra };
  };
  // Client mode: the cameras figure.js knows move here, with no round trip; input over
  // any other view (a camera of the user's own) goes to Python, as in server mode, and
  // comes back as GLIR. Keys and double clicks always go to Python (its callbacks and
  // cameras; a camera moved there comes back with its state).
  const viewAt = (pos) => cams.find((v) => pos[0] >= v.rect[0] && pos[0] < v.rect[0] + v.rect[2]
    && pos[1] >= v.rect[1] && pos[1] < v.rect[1] + v.rect[3]);
  const movesHere = (view) => !!view && view.camera.type !== 'static';
  let drag = null;  // a drag of a camera that moves here
  let pressed = false;  // a press (client mode) whose events go to Python
  // A camera that moves here tells Python its state: on each wheel turn, when a drag
  // ends, and every CAMERA_INTERVAL ms during a drag, so that what Python draws for the
  // view (the tiles a MultiscaleImage shows) follows a long drag too.
  let cameraTimer = null;
  const sendCamera = (view) => {
    transport.send({ type: 'camera', view: cams.indexOf(view), state: view.cam.state() }, []);
  };
  const sendCameraSoon = (view) => {
    if (cameraTimer !== null) return;
    cameraTimer = setTimeout(() => {
      cameraTimer = null;
      if (drag && drag.view === view) sendCamera(view);
    }, CAMERA_INTERVAL);
  };
  box.addEventListener('pointerdown', (e) => {
    box.focus();
    current().setPointerCapture(e.pointerId);
    if (state.mode === 'client') {
      const pos = toCanvas(e);
      const view = viewAt(pos);
      if (movesHere(view)) {
        if (view.cam.grabs(e.button)) drag = { view, pos, state: view.cam.state() };
        return;
      }
      pressed = true;
    }
    flush();
    transport.send(pointer('pointer_down', e), []);
  });
  box.addEventListener('pointermove', (e) => {
    if (state.mode === 'client') {
      if (drag) {
        figure.dragCamera(drag, toCanvas(e), e);
        draw();
        sendCameraSoon(drag.view);
        return;
      }
      if (!pressed && movesHere(viewAt(toCanvas(e)))) return;
    }
    queue(pointer('pointer_move', e));
  });
  box.addEventListener('pointerup', (e) => {
    if (state.mode === 'client') {
      if (drag) {
        clearTimeout(cameraTimer);
        cameraTimer = null;
        sendCamera(drag.view);
        drag = null;
        return;
      }
      pressed = false;
    }
    flush();
    transport.send(pointer('pointer_up', e), []);
  });
  box.addEventListener('dblclick', (e) => transport.send(pointer('double_click', e), []));
  box.addEventListener('contextmenu', (e) => e.preventDefault());  // right drags are the canvas's
  box.addEventListener('wheel', (e) => {
    e.preventDefault();
    const notches = e.deltaMode === 1 ? e.deltaY / 3 : e.deltaY / 100;
    if (state.mode === 'client') {
      const pos = toCanvas(e);
      const view = viewAt(pos);
      if (movesHere(view)) {
        view.cam.wheel(-notches, pos[0] - view.rect[0], pos[1] - view.rect[1], view.rect[2], view.rect[3]);
        draw();
        sendCamera(view);
        return;
      }
    }
    queue(pointer('wheel', e, { dx: -e.deltaX / 100, dy: -notches }));
  }, { passive: false });
  const key = (event) => (e) => {
    e.preventDefault();
    const name = figure.keyName(e.key);
    transport.send({ type: 'event', event, key: name.length === 1 ? name.toLowerCase() : name,
      text: e.key.length === 1 ? e.key : '', modifiers: modifiers(e) }, []);
  };
  box.addEventListener('keydown', key('key_down'));
  box.addEventListener('keyup', key('key_up'));

  // ---- size and visibility ---------------------------------------------------------------
  let lastSize = '';
  const resizeObserver = new ResizeObserver(() => {
    const width = Math.round(box.clientWidth);
    if (!width) return;
    const aspect = state.size ? state.size[1] / state.size[0] : 0.75;
    const size = `${width}x${Math.round(width * aspect)}`;
    if (size === lastSize) return;
    lastSize = size;
    transport.send({ type: 'resize', width, height: Math.round(width * aspect),
      pixel_ratio: window.devicePixelRatio || 1 }, []);
  });
  if (element.dataset.glframeResize !== 'off') resizeObserver.observe(box);
  const visibility = new IntersectionObserver((entries) => {
    for (const entry of entries) transport.send({ type: 'visible', visible: entry.isIntersecting }, []);
  });
  visibility.observe(box);
  transport.send({ type: 'ready' }, []);
  return { state, close: () => { resizeObserver.disconnect(); visibility.disconnect(); box.remove(); } };
}

/**
 * A transport over a websocket: one binary message per glframe message:
 * [uint32 header length][header JSON, UTF-8][for each buffer: uint32 length, bytes]
 * (little-endian). Text messages are JSON headers without buffers.
 */
export function websocketTransport(url) {
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const listeners = [];
  const queued = [];
  socket.addEventListener('open', () => { for (const m of queued.splice(0)) socket.send(m); });
  socket.addEventListener('message', (event) => {
    let header, buffers = [];
    if (typeof event.data === 'string') header = JSON.parse(event.data);
    else [header, buffers] = unpack(event.data);
    for (const cb of listeners) cb(header, buffers);
  });
  return {
    socket,
    send(header, buffers) {
      const message = buffers.length ? pack(header, buffers) : JSON.stringify(header);
      if (socket.readyState === WebSocket.OPEN) socket.send(message); else queued.push(message);
    },
    onMessage(cb) { listeners.push(cb); },
  };
}

export function pack(header, buffers) {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const views = buffers.map((b) => (b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  const out = new Uint8Array(4 + text.length + views.reduce((n, v) => n + 4 + v.length, 0));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, text.length, true);
  out.set(text, 4);
  let at = 4 + text.length;
  for (const v of views) { dv.setUint32(at, v.length, true); out.set(v, at + 4); at += 4 + v.length; }
  return out;
}

export function unpack(data) {
  const bytes = new Uint8Array(data);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n)));
  const buffers = [];
  for (let at = 4 + n; at < bytes.length;) {
    const len = dv.getUint32(at, true);
    buffers.push(new DataView(bytes.buffer, bytes.byteOffset + at + 4, len));
    at += 4 + len;
  }
  return [header, buffers];
}
