// A fake WebGL2 context for the interpreter's Node tests: it records every call
// (no GL needed), has the real WebGL2 constants (fixtures/webgl2_constants.json,
// read from Chromium), introspects programs by parsing their sources, "fails to
// compile" any shader containing "@@", and answers the limits a context reports
// (MAX_TEXTURE_SIZE 4096, MAX_3D_TEXTURE_SIZE 256, MAX_RENDERBUFFER_SIZE 4096) and
// a 64x48 drawing buffer (options `limits: {MAX_TEXTURE_SIZE: n, ...}` and
// `drawingBuffer: [w, h]` change them). Under test/, so `node --test` loads it
// too: it holds no tests.
import { readFileSync } from "node:fs";

export const fixture = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
export const GL = JSON.parse(fixture("webgl2_constants.json"));

// ---- the fake context ---------------------------------------------------------------
const GLSL_TYPES = {
  float: "FLOAT",
  vec2: "FLOAT_VEC2",
  vec3: "FLOAT_VEC3",
  vec4: "FLOAT_VEC4",
  int: "INT",
  ivec2: "INT_VEC2",
  uint: "UNSIGNED_INT",
  uvec2: "UNSIGNED_INT_VEC2",
  bool: "BOOL",
  mat2: "FLOAT_MAT2",
  mat3: "FLOAT_MAT3",
  mat4: "FLOAT_MAT4",
  sampler2D: "SAMPLER_2D",
  sampler3D: "SAMPLER_3D",
  isampler2D: "INT_SAMPLER_2D",
  usampler2D: "UNSIGNED_INT_SAMPLER_2D",
};

/** (source string, line) of the line at `index` of compiled `code` (GLSL ES 3.00 #line). */
function numberOf(code, index) {
  let string = 0;
  let number = 1;
  const lines = code.split("\n");
  for (let i = 0; i < index; i++) {
    const m = /^\s*#\s*line\s+(\d+)(?:\s+(\d+))?\s*$/.exec(lines[i]);
    if (m) {
      number = Number(m[1]);
      if (m[2] !== undefined) string = Number(m[2]);
    } else {
      number += 1;
    }
  }
  return `${string}:${number}`;
}

export class FakeGLState {
  constructor({ extensions = ["EXT_color_buffer_float"], failOn = {}, drawingBuffer = [64, 48], limits = {} } = {}) {
    Object.assign(this, GL);
    this.calls = [];
    this.errors = []; // pending GL error codes
    this.failOn = failOn; // method name -> GL error code it raises
    this.extensionNames = extensions;
    this.fbStatus = GL.FRAMEBUFFER_COMPLETE;
    this.count = 0;
    [this.drawingBufferWidth, this.drawingBufferHeight] = drawingBuffer;
    this.limits = { MAX_TEXTURE_SIZE: 4096, MAX_3D_TEXTURE_SIZE: 256, MAX_RENDERBUFFER_SIZE: 4096, ...limits };
  }

  _make(kind, more = {}) {
    this.count += 1;
    return { kind, n: this.count, ...more };
  }

  createBuffer() { return this._make("buffer"); }
  createTexture() { return this._make("texture"); }
  createRenderbuffer() { return this._make("renderbuffer"); }
  createFramebuffer() { return this._make("framebuffer"); }
  createVertexArray() { return this._make("vao"); }
  createShader(type) { return this._make("shader", { type }); }
  createProgram() { return this._make("program", { sources: [] }); }
  shaderSource(shader, source) { shader.source = source; }
  compileShader(shader) {
    const lines = shader.source.split("\n");
    const bad = lines.findIndex((l) => l.includes("@@"));
    shader.ok = bad < 0;
    shader.log = bad < 0 ? "" : `ERROR: ${numberOf(shader.source, bad)}: '@' : syntax error\n`;
  }
  getShaderParameter(shader) { return shader.ok; }
  getShaderInfoLog(shader) { return shader.log; }
  attachShader(program, shader) { program.sources.push(shader.source); }
  linkProgram(program) {
    program.ok = !program.sources.some((s) => s.includes("LINKFAIL"));
    program.uniforms = [];
    const uniformRe = /uniform\s+(?:(?:lowp|mediump|highp)\s+)?(\w+)\s+(\w+)\s*(\[\s*(\d+)\s*\])?\s*;/g;
    for (const source of program.sources) {
      for (const m of source.matchAll(uniformRe)) {
        if (program.uniforms.some((u) => u.base === m[2])) continue;
        program.uniforms.push({ base: m[2], gtype: m[1], size: m[4] ? Number(m[4]) : 1 });
      }
    }
    program.attribs = [];
    let loc = 0;
    const attribRe = /^\s*in\s+(?:(?:lowp|mediump|highp)\s+)?(\w+)\s+(\w+)\s*;/gm;
    for (const m of program.sources[0].matchAll(attribRe)) {
      program.attribs.push({ name: m[2], gtype: m[1], loc });
      loc += m[1].startsWith("mat") ? Number(m[1][3]) : 1;
    }
    program.locations = new Map();
  }
  getProgramParameter(program, pname) {
    if (pname === GL.LINK_STATUS) return program.ok;
    if (pname === GL.ACTIVE_UNIFORMS) return program.uniforms.length;
    if (pname === GL.ACTIVE_ATTRIBUTES) return program.attribs.length;
    throw new Error(`fake: getProgramParameter ${pname}`);
  }
  getProgramInfoLog() { return "link error: LINKFAIL\n"; }
  getActiveUniform(program, i) {
    const u = program.uniforms[i];
    return { name: u.size > 1 ? `${u.base}[0]` : u.base, size: u.size, type: GL[GLSL_TYPES[u.gtype]] };
  }
  getUniformLocation(program, name) {
    const base = name.replace(/\[0\]$/, "");
    if (!program.uniforms.some((u) => u.base === base)) return null;
    if (!program.locations.has(base)) program.locations.set(base, { program: program.n, uniform: base });
    return program.locations.get(base);
  }
  getActiveAttrib(program, i) {
    const a = program.attribs[i];
    return { name: a.name, size: 1, type: GL[GLSL_TYPES[a.gtype]] };
  }
  getAttribLocation(program, name) {
    return program.attribs.find((a) => a.name === name)?.loc ?? -1;
  }
  getError() { return this.errors.shift() ?? GL.NO_ERROR; }
  checkFramebufferStatus() { return this.fbStatus; }
  getParameter(pname) {
    if (pname === GL.MAX_VERTEX_ATTRIBS) return 16;
    for (const [name, value] of Object.entries(this.limits)) if (pname === GL[name]) return value;
    throw new Error(`fake: getParameter ${pname}`);
  }
  getExtension(name) { return this.extensionNames.includes(name) ? {} : null; }
  readPixels(x, y, w, h, format, type, out) {
    // Pixel (i, j) of the GL framebuffer (j up) is (i, j, 7, 255), or floats.
    let o = 0;
    for (let row = 0; row < h; row++) {
      for (let col = 0; col < w; col++) {
        const px = type === GL.FLOAT ? [(x + col) / 4, (y + row) / 4, 1.5, -0.25] : [x + col, y + row, 7, 255];
        for (const v of px) out[o++] = v;
      }
    }
  }
}

/** A fake WebGL2 context: every method call is recorded in `.calls` as [name, ...args]. */
export function fakeGL(options) {
  const state = new FakeGLState(options);
  return new Proxy(state, {
    get(target, prop) {
      if (typeof prop !== "string" || prop.startsWith("_") || prop === "constructor") return target[prop];
      const value = target[prop];
      if (/^[A-Z]/.test(prop) || (value !== undefined && typeof value !== "function")) return value;
      return (...args) => {
        target.calls.push([prop, ...args]);
        if (Object.hasOwn(target.failOn, prop)) target.errors.push(target.failOn[prop]);
        return typeof value === "function" ? value.apply(target, args) : undefined;
      };
    },
  });
}

export const callsOf = (gl, name) => gl.calls.filter((c) => c[0] === name);
export const namesOf = (gl) => gl.calls.map((c) => c[0]);
