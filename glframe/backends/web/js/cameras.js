// cameras.js: glframe's cameras in a page, with the arithmetic and gestures of the Python ones.
//
// Each class mirrors one of glframe/scene/cameras (PanZoom, Turntable, Arcball, Fly):
// built from the camera's exported state, it gives the uniforms of its transform for a
// view of (vw, vh) logical pixels, and answers the same gestures: `drag(start, dx, dy, vw,
// vh, how)` (how: the press position in the view, the pointer's buttons bitmask, shift),
// `wheel(notches)` (up is positive), `key(name, shift)`; `grabs(button)` says which
// buttons start a drag; `state()` is what goes back to Python. `Static` stands for a
// camera the page does not know (a class of the user's own): it never moves.
// `derivedUniform` recomputes the uniforms visuals derive from the camera
// (Visual._camera_uniforms: an eye position, a light direction).

class PanZoom {
  constructor(state) {
    this.rect = state.rect.slice();
    this.aspect = state.aspect;
    this.flip = state.flip;
    this.zoomFactor = state.zoom_factor;
  }

  shownRect(vw, vh) {
    let [x, y, w, h] = this.rect;
    if (this.aspect !== null) {
      const u = Math.max(Math.abs(w) / vw, (Math.abs(h) / vh) * this.aspect);
      const cx = x + w / 2, cy = y + h / 2;
      w = Math.sign(w) * u * vw;
      h = (Math.sign(h) * u * vh) / this.aspect;
      x = cx - w / 2;
      y = cy - h / 2;
    }
    return [x, y, w, h];
  }

  uniforms(vw, vh) {
    const [x, y, w, h] = this.shownRect(vw, vh);
    let sx = 2 / w, sy = 2 / h, tx = -1 - (2 * x) / w, ty = -1 - (2 * y) / h;
    if (this.flip[0]) { sx = -sx; tx = -tx; }
    if (this.flip[1]) { sy = -sy; ty = -ty; }
    return { scale: [sx, sy, 1], translate: [tx, ty, 0] };
  }

  grabs(button) { return button === 0 || button === 2; }  // left pans, right zooms

  // `how`: {pos: the press in view pixels, buttons: the pointer's bitmask, shift}
  drag(start, dx, dy, vw, vh, how = { buttons: 1 }) {
    if (how.buttons & 1) {
      const [, , w, h] = this.shownRect(vw, vh);
      let ux = w / vw, uy = -h / vh;
      if (this.flip[0]) ux = -ux;
      if (this.flip[1]) uy = -uy;
      this.rect = [start.rect[0] - dx * ux, start.rect[1] - dy * uy, start.rect[2], start.rect[3]];
    } else if (how.buttons & 2) {
      const [x, y, w, h] = start.rect;
      const fx = this.zoomFactor ** (dx / 20), fy = this.zoomFactor ** (-dy / 20);
      const cx = x + w / 2, cy = y + h / 2;
      this.rect = [cx - w / fx / 2, cy - h / fy / 2, w / fx, h / fy];
    }
  }

  wheel(notches, px, py, vw, vh) {
    const f = this.zoomFactor ** notches;
    const { scale, translate } = this.uniforms(vw, vh);
    const clipX = (2 * px) / vw - 1, clipY = 1 - (2 * py) / vh;
    const cx = (clipX - translate[0]) / scale[0], cy = (clipY - translate[1]) / scale[1];
    const [x, y, w, h] = this.rect;
    this.rect = [cx - (cx - x) / f, cy - (cy - y) / f, w / f, h / f];
  }

  key(name) {  // arrows pan by a tenth of the rect, + and - zoom
    const [x, y, w, h] = this.rect;
    const moves = { Left: [-w * 0.1, 0], Right: [w * 0.1, 0], Up: [0, h * 0.1], Down: [0, -h * 0.1] };
    if (moves[name]) this.rect = [x + moves[name][0], y + moves[name][1], w, h];
    else if (name === '+' || name === '=') this.zoomAbout(this.zoomFactor);
    else if (name === '-') this.zoomAbout(1 / this.zoomFactor);
    else return false;
    return true;
  }

  zoomAbout(f) {
    const [x, y, w, h] = this.rect;
    const cx = x + w / 2, cy = y + h / 2;
    this.rect = [cx - (cx - x) / f, cy - (cy - y) / f, w / f, h / f];
  }

  state() { return { rect: this.rect.slice() }; }
}

function lookAt(eye, center, up) {
  const f = normalize(sub(center, eye));
  const s = normalize(cross(f, up));
  const u = cross(s, f);
  const m = identity();
  for (let i = 0; i < 3; i++) { m[0][i] = s[i]; m[1][i] = u[i]; m[2][i] = -f[i]; }
  for (let r = 0; r < 3; r++) m[r][3] = -(m[r][0] * eye[0] + m[r][1] * eye[1] + m[r][2] * eye[2]);
  return m;
}

function projection(fov, scaleFactor, distance, aspect) {
  const near = distance / 100, far = distance + scaleFactor * 100;
  const m = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
  if (fov === 0) {
    const [w, h] = aspect >= 1 ? [scaleFactor * aspect, scaleFactor] : [scaleFactor, scaleFactor / aspect];
    m[0][0] = 2 / w; m[1][1] = 2 / h; m[2][2] = -2 / (far - near);
    m[2][3] = -(far + near) / (far - near); m[3][3] = 1;
    return m;
  }
  if (aspect < 1) fov = (2 * Math.atan(Math.tan((fov * Math.PI) / 360) / aspect) * 180) / Math.PI;
  const f = 1 / Math.tan((fov * Math.PI) / 360);
  m[0][0] = f / aspect; m[1][1] = f;
  m[2][2] = (far + near) / (near - far); m[2][3] = (2 * far * near) / (near - far); m[3][2] = -1;
  return m;
}

class Turntable {
  constructor(state) {
    Object.assign(this, { azimuth: state.azimuth, elevation: state.elevation, fov: state.fov,
      scaleFactor: state.scale_factor, center: state.center.slice() });
  }

  distance() {
    return this.fov === 0 ? this.scaleFactor * 2 : this.scaleFactor / 2 / Math.tan((this.fov * Math.PI) / 360);
  }

  uniforms(vw, vh) {
    const az = (this.azimuth * Math.PI) / 180, el = (this.elevation * Math.PI) / 180;
    const d = this.distance();
    const dir = [Math.sin(az) * Math.cos(el), -Math.cos(az) * Math.cos(el), Math.sin(el)];
    const eye = this.center.map((c, i) => c + dir[i] * d);
    let up = [0, 0, 1];
    if (Math.abs(Math.abs(this.elevation) - 90) < 1e-6) {
      up = [-Math.sin(az) * Math.sign(this.elevation), Math.cos(az) * Math.sign(this.elevation), 0];
    }
    const m = matmul(projection(this.fov, this.scaleFactor, d, vw / vh), lookAt(eye, this.center, up));
    return { matrix: columnMajor(m) };
  }

  grabs(button) { return button === 0 || button === 1; }  // left turns, middle pans

  drag(start, dx, dy, vw, vh, how = {}) {
    if (how.shift || how.buttons & 4) {
      const units = this.scaleFactor / Math.min(vw, vh);
      const az = (start.azimuth * Math.PI) / 180, el = (start.elevation * Math.PI) / 180;
      const right = [Math.cos(az), Math.sin(az), 0];
      const up = [-Math.sin(az) * Math.sin(el), Math.cos(az) * Math.sin(el), Math.cos(el)];
      this.center = start.center.map((c, i) => c + (-dx * right[i] + dy * up[i]) * units);
      return;
    }
    this.azimuth = start.azimuth - dx * 0.5;
    this.elevation = Math.min(90, Math.max(-90, start.elevation + dy * 0.5));
  }

  wheel(notches) { this.scaleFactor *= 1.1 ** -notches; }

  key() { return false; }

  state() {
    return { azimuth: this.azimuth, elevation: this.elevation, fov: this.fov,
      scale_factor: this.scaleFactor, center: this.center.slice() };
  }
}

// A quaternion (w, x, y, z) as a 3x3 rotation matrix (rows), and the product of two.
function quaternionMatrix(q) {
  const n = Math.hypot(...q);
  const [w, x, y, z] = q.map((v) => v / n);
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
    [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
    [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
  ];
}
function quaternionMultiply([aw, ax, ay, az], [bw, bx, by, bz]) {
  return [aw * bw - ax * bx - ay * by - az * bz, aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw];
}

class Arcball extends Turntable {
  constructor(state) {
    super({ ...state, azimuth: 0, elevation: 0 });
    this.rotation = normalize(state.rotation);
  }

  uniforms(vw, vh) {
    const r = quaternionMatrix(this.rotation), d = this.distance();
    const view = identity();
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) view[i][j] = r[i][j];
      view[i][3] = -(r[i][0] * this.center[0] + r[i][1] * this.center[1] + r[i][2] * this.center[2]);
    }
    view[2][3] -= d;
    const m = matmul(projection(this.fov, this.scaleFactor, d, vw / vh), view);
    return { matrix: columnMajor(m) };
  }

  drag(start, dx, dy, vw, vh, how = {}) {
    if (how.shift || how.buttons & 4) {  // pan: the drag in view axes, back to the scene's
      const k = this.scaleFactor / Math.min(vw, vh);
      const r = quaternionMatrix(start.rotation);  // its transpose maps view -> scene
      const move = [dx * k, -dy * k, 0];
      this.center = start.center.map((c, i) => c - (r[0][i] * move[0] + r[1][i] * move[1] + r[2][i] * move[2]));
      return;
    }
    const pos = how.pos || [vw / 2, vh / 2];
    const a = spherePoint(pos, vw, vh), b = spherePoint([pos[0] + dx, pos[1] + dy], vw, vh);
    const axis = cross(a, b);
    if (Math.hypot(...axis) < 1e-12) return;
    const q = normalize([1 + a[0] * b[0] + a[1] * b[1] + a[2] * b[2], ...axis]);
    this.rotation = normalize(quaternionMultiply(q, start.rotation));
  }

  state() {
    return { rotation: this.rotation.slice(), fov: this.fov, scale_factor: this.scaleFactor,
      center: this.center.slice() };
  }
}

// The pointer on the arcball: a unit sphere filling the view's smaller side.
function spherePoint([px, py], vw, vh) {
  const r = Math.min(vw, vh) / 2;
  const x = (px - vw / 2) / r, y = (vh / 2 - py) / r, d = x * x + y * y;
  const p = [x, y, d < 1 ? Math.sqrt(1 - d) : 0];
  return d >= 1 ? normalize(p) : p;
}

const sub = (a, b) => a.map((v, i) => v - b[i]);
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalize = (a) => { const n = Math.hypot(...a); return a.map((v) => v / n); };
const identity = () => [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
/** A 4x4 matrix (rows) as GLSL takes it: column by column. */
const columnMajor = (m) => [0, 1, 2, 3].flatMap((c) => m.map((row) => row[c]));
function matmul(a, b) {
  return a.map((row) => b[0].map((_, c) => row.reduce((sum, v, k) => sum + v * b[k][c], 0)));
}

const FLY_MOVES = { W: [1, 0, 0], Up: [1, 0, 0], S: [-1, 0, 0], Down: [-1, 0, 0], D: [0, 1, 0],
  Right: [0, 1, 0], A: [0, -1, 0], Left: [0, -1, 0], E: [0, 0, 1], PageUp: [0, 0, 1],
  Q: [0, 0, -1], PageDown: [0, 0, -1] };

class Fly {
  constructor(state) {
    Object.assign(this, { position: state.position.slice(), yaw: state.yaw, pitch: state.pitch,
      fov: state.fov, speed: state.speed });
  }

  grabs(button) { return button === 0; }  // left looks around

  forward() {
    const yaw = (this.yaw * Math.PI) / 180, pitch = (this.pitch * Math.PI) / 180;
    return [Math.sin(yaw) * Math.cos(pitch), Math.cos(yaw) * Math.cos(pitch), Math.sin(pitch)];
  }

  uniforms(vw, vh) {
    const f = this.forward();
    const view = lookAt(this.position, this.position.map((p, i) => p + f[i]), [0, 0, 1]);
    const scale = this.speed * 100;
    const m = matmul(projection(this.fov, scale, scale / 10, vw / vh), view);
    return { matrix: columnMajor(m) };
  }

  drag(start, dx, dy, vw, vh, how = { buttons: 1 }) {
    if (!how.buttons) return;
    this.yaw = (((start.yaw + dx * 0.2) % 360) + 360) % 360;
    this.pitch = Math.min(89, Math.max(-89, start.pitch - dy * 0.2));
  }

  wheel(notches) { this.speed = Math.max(this.speed * 1.2 ** notches, 1e-12); }

  key(name, shift) {  // a step of `speed` (5 with shift) along the heading, sideways, up or down
    const move = FLY_MOVES[name.length === 1 ? name.toUpperCase() : name];
    if (!move) return false;
    const yaw = (this.yaw * Math.PI) / 180, step = this.speed * (shift ? 5 : 1);
    const ahead = [Math.sin(yaw), Math.cos(yaw), 0], right = [Math.cos(yaw), -Math.sin(yaw), 0];
    const [f, r, u] = move;
    this.position = this.position.map((p, i) => p + step * (f * ahead[i] + r * right[i] + u * (i === 2)));
    return true;
  }

  state() {
    return { position: this.position.slice(), yaw: this.yaw, pitch: this.pitch, fov: this.fov,
      speed: this.speed };
  }
}

/** A key's name as glframe's events give it (the arrows without "Arrow", space as "Space"). */
export function keyName(key) {
  return { ' ': 'Space', ArrowLeft: 'Left', ArrowRight: 'Right', ArrowUp: 'Up', ArrowDown: 'Down' }[key] || key;
}

/**
 * Move `drag.view`'s camera for the pointer at `pos` (canvas pixels) during the drag that
 * began at `drag.pos` with the camera in `drag.state`; `e` is the pointer event.
 */
export function dragCamera(drag, [x, y], e) {
  const { view } = drag;
  const how = { pos: [drag.pos[0] - view.rect[0], drag.pos[1] - view.rect[1]],
    buttons: e.buttons, shift: e.shiftKey };
  view.cam.drag(drag.state, x - drag.pos[0], y - drag.pos[1], view.rect[2], view.rect[3], how);
}

class Static {
  grabs() { return false; }
  key() { return false; }
  uniforms() { return {}; }
  drag() {}
  wheel() {}
  state() { return {}; }
}

// ---- uniforms visuals derive from the camera (Visual._camera_uniforms) --------------------

/** The camera's 4x4 matrix (rows) from its uniforms: an ST pair or a column-major matrix. */
export function cameraMatrix(values) {
  if (values.matrix) {
    const m = values.matrix;
    return [0, 1, 2, 3].map((r) => [m[r], m[4 + r], m[8 + r], m[12 + r]]);
  }
  const [sx, sy, sz] = values.scale, [tx, ty, tz] = values.translate;
  return [[sx, 0, 0, tx], [0, sy, 0, ty], [0, 0, sz, tz], [0, 0, 0, 1]];
}

export function invert(m) {
  // Gauss-Jordan on [m | I]; camera matrices are well conditioned
  const a = m.map((row, i) => [...row, ...[0, 1, 2, 3].map((j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const d = a[c][c];
    for (let k = 0; k < 8; k++) a[c][k] /= d;
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let k = 0; k < 8; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row) => row.slice(4));
}

const apply = (m, v) => m.map((row) => row.reduce((s, x, k) => s + x * v[k], 0));

/** The eye (homogeneous: a point with w = 1, or a direction with w = 0), as Python does. */
function normalizedEye(e) {
  const n = Math.hypot(e[0], e[1], e[2]);
  if (Math.abs(e[3]) > 1e-12 * n) return [e[0] / e[3], e[1] / e[3], e[2] / e[3], 1];
  return [e[0] / n, e[1] / n, e[2] / n, 0];
}

export function derivedUniform(spec, inverse, matrix) {
  if (spec.recipe === 'shift') {
    // camera @ local (path @ translate(origin)) in float64: the GPU gets small numbers
    const local = [0, 1, 2, 3].map((r) => spec.local.slice(4 * r, 4 * r + 4));
    const m = matrix.map((row) => [0, 1, 2, 3].map((c) => row.reduce((s, x, k) => s + x * local[k][c], 0)));
    let value;
    if (spec.part === 'scale') value = [m[0][0], m[1][1], m[2][2]];
    else if (spec.part === 'translate') value = [m[0][3], m[1][3], m[2][3]];
    else value = [0, 1, 2, 3].flatMap((c) => [0, 1, 2, 3].map((r) => m[r][c]));
    return ['UNIFORM', spec.program, spec.name, spec.gtype, value];
  }
  if (spec.recipe === 'eye') {
    const local = [0, 1, 2, 3].map((r) => spec.local.slice(4 * r, 4 * r + 4));
    const eye = normalizedEye(apply(local, normalizedEye(apply(inverse, [0, 0, -1, 0]))));
    return ['UNIFORM', spec.program, spec.name, 'vec4', eye];
  }
  // "light": a direction in camera axes (right, up, towards the viewer) -> scene
  const right = normalize(apply(inverse, [1, 0, 0, 0]).slice(0, 3));
  const up = normalize(apply(inverse, [0, 1, 0, 0]).slice(0, 3));
  const near = apply(inverse, [0, 0, -1, 1]), far = apply(inverse, [0, 0, 1, 1]);
  const back = normalize([0, 1, 2].map((i) => near[i] / near[3] - far[i] / far[3]));
  const [x, y, z] = spec.direction;
  const d = [0, 1, 2].map((i) => right[i] * x + up[i] * y + back[i] * z);
  return ['UNIFORM', spec.program, spec.name, 'vec3', normalize(d)];
}

/**
 * The UNIFORM commands that give each view's programs its camera: the camera's
 * uniforms (`view.targets`) and those visuals derive from it (`view.derived`).
 * A view is `{rect, cam, targets, derived}` (figure.js and remote.js keep them).
 */
export function viewUniforms(views) {
  const updates = [];
  for (const view of views) {
    const values = view.cam.uniforms(view.rect[2], view.rect[3]);
    for (const t of view.targets) updates.push(['UNIFORM', t.program, t.name, t.gtype, values[t.param]]);
    if (view.derived && view.derived.length) {
      const matrix = cameraMatrix(values);
      const inverse = invert(matrix);
      for (const d of view.derived) updates.push(derivedUniform(d, inverse, matrix));
    }
  }
  return updates;
}

export const CAMERAS = { panzoom: PanZoom, turntable: Turntable, arcball: Arcball, fly: Fly, static: Static };
