// GLProgram: the WebGL2 interpreter's twin of gloo.Program (docs/glir.md, commands
// SHADERS, UNIFORM, TEXTURE, ATTRIBUTE, ATTRIBUTE_VALUE, DRAW).
//
// Linked GL programs are shared, as on the desktop: GLIR programs with the same
// vertex and fragment sources use one LinkedProgram (compiled and linked once;
// browsers also compile each program to machine code, which does not scale to
// thousands of programs). In GLIR, uniform values belong to the GLIR program,
// while in GL they belong to the linked program: so a LinkedProgram remembers
// whose values it holds (`owner`), and a program that draws with a linked program
// last loaded by another one loads all of its own values first. Each GLProgram
// keeps its own vertex array object, texture choices and constant attributes.
//
// A DRAW is checked before WebGL runs it, as the desktop interpreter does and in
// its words (docs/glir.md section 6.1): the vertices it reads (first + count, or
// the largest index) and its instances must lie within every buffer an active
// attribute reads, and count x instances within MAX_DRAW_VERTICES.
//
// Limits: a uniform that one sharing program never sets keeps the value another
// sharing program gave it (exactly as the desktop interpreter does); sampler units
// are fixed per linked program, by sorted sampler name.

import {
  DRAW_MODES,
  DTYPES,
  GlirError,
  MAX_DRAW_VERTICES,
  SAMPLER_TYPES,
  UNIFORM_TYPES,
  shortRepr,
} from "./protocol.js";
import { linkProgram } from "./glsl.js";
import { GLBuffer, GLObject, GLTexture, integer } from "./objects.js";

/** GL's first, count and instances are 32-bit signed ints. */
const GL_INT = 2 ** 31 - 1;

/**
 * How many vertices (or instances) an attribute finds in a buffer of `nbytes`: row
 * i takes bytes offset + i * stride .. + element (stride 0: tightly packed).
 */
function rows(nbytes, element, stride, offset) {
  const step = stride || element;
  if (nbytes < offset + element) return 0;
  return Math.floor((nbytes - offset - element) / step) + 1;
}

// Uniform types a UNIFORM may name, and samplers too (as ints, like the desktop).
const UNIFORM_TYPE_SET = new Set([...UNIFORM_TYPES, ...Object.keys(SAMPLER_TYPES)]);

const ATTRIBUTE_VALUE_TYPES = new Set(["float", "int", "uint"]);
for (const n of [2, 3, 4]) {
  ATTRIBUTE_VALUE_TYPES.add(`vec${n}`).add(`ivec${n}`).add(`uvec${n}`);
}

const INDEX_DTYPES = ["uint8", "uint16", "uint32"];

/** Components of a GLSL type: N for vecN, C*R for matCxR, 1 for scalars. */
export function components(gtype) {
  if (gtype.startsWith("mat")) {
    const dims = gtype.slice(3);
    return Number(dims[0]) * Number(dims[dims.length - 1]);
  }
  const last = gtype[gtype.length - 1];
  return last >= "0" && last <= "9" ? Number(last) : 1;
}

/**
 * How to set a uniform of `gtype`: the WebGL2 method name, whether it is a
 * matrix (takes a transpose flag), and the typed array class of its values.
 */
export function uniformSetter(gtype) {
  const n = components(gtype);
  if (gtype.startsWith("mat")) {
    const dims = gtype.slice(3);
    const method = `uniformMatrix${dims.includes("x") ? dims : dims[0]}fv`;
    return { method, matrix: true, ArrayType: Float32Array };
  }
  if (gtype === "float" || gtype.startsWith("vec")) {
    return { method: `uniform${n}fv`, matrix: false, ArrayType: Float32Array };
  }
  if (gtype === "uint" || gtype.startsWith("uvec")) {
    return { method: `uniform${n}uiv`, matrix: false, ArrayType: Uint32Array };
  }
  // int, ivecN, bool, bvecN (0 / 1), and samplers (a unit)
  return { method: `uniform${n}iv`, matrix: false, ArrayType: Int32Array };
}

// Sampler uniform types, as getActiveUniform reports them (by enum name).
const SAMPLER_TYPE_NAMES = [
  "SAMPLER_2D",
  "SAMPLER_3D",
  "SAMPLER_CUBE",
  "SAMPLER_2D_SHADOW",
  "SAMPLER_2D_ARRAY",
  "SAMPLER_2D_ARRAY_SHADOW",
  "SAMPLER_CUBE_SHADOW",
  "INT_SAMPLER_2D",
  "INT_SAMPLER_3D",
  "INT_SAMPLER_CUBE",
  "INT_SAMPLER_2D_ARRAY",
  "UNSIGNED_INT_SAMPLER_2D",
  "UNSIGNED_INT_SAMPLER_3D",
  "UNSIGNED_INT_SAMPLER_CUBE",
  "UNSIGNED_INT_SAMPLER_2D_ARRAY",
];

/** A compiled and linked GL program, shared by the GLPrograms with its sources. */
export class LinkedProgram {
  constructor(interp, key, vertex, fragment) {
    const gl = interp.gl;
    this.gl = gl;
    this.key = key;
    this.handle = linkProgram(gl, vertex, fragment); // throws ShaderError
    this.users = 0;
    this.owner = null; // the GLProgram whose uniform values are loaded
    this.uniformLocs = new Map();
    this.attribLocs = new Map();
    const samplers = [];
    const samplerTypes = new Set(SAMPLER_TYPE_NAMES.map((name) => gl[name]));
    const h = this.handle;
    const nUniforms = gl.getProgramParameter(h, gl.ACTIVE_UNIFORMS);
    for (let i = 0; i < nUniforms; i++) {
      const info = gl.getActiveUniform(h, i);
      if (info === null) continue;
      const base = info.name.endsWith("[0]") ? info.name.slice(0, -3) : info.name;
      const loc = gl.getUniformLocation(h, info.name);
      if (loc === null) continue; // in a uniform block: GLIR does not set those
      this.uniformLocs.set(base, loc);
      if (samplerTypes.has(info.type)) samplers.push(base);
    }
    const nAttribs = gl.getProgramParameter(h, gl.ACTIVE_ATTRIBUTES);
    for (let i = 0; i < nAttribs; i++) {
      const info = gl.getActiveAttrib(h, i);
      if (info === null) continue;
      const loc = gl.getAttribLocation(h, info.name);
      if (loc >= 0) this.attribLocs.set(info.name, loc);
    }
    // Texture units: the samplers in sorted name order, from 0 (docs/glir.md SHADERS).
    samplers.sort();
    this.units = new Map(samplers.map((name, unit) => [name, unit]));
    interp._useProgram(h);
    for (const [name, unit] of this.units) gl.uniform1i(this.uniformLocs.get(name), unit);
  }

  delete() {
    this.gl.deleteProgram(this.handle);
  }
}

/** A GLIR program: its linked program (shared), variables and vertex array. */
export class GLProgram extends GLObject {
  constructor(interp) {
    super(interp);
    this.linked = null;
    this.vao = this.gl.createVertexArray();
    this.uniforms = new Map(); // name -> {gtype, setter, data}
    this.samplers = new Map(); // sampler name -> texture id
    this.attributes = new Map(); // name -> spec (buffer or constant value)
    this.constants = new Map(); // name -> {loc, method, values}: set at each DRAW
    // name -> {buffer, spec} of each active attribute that reads a buffer, as the
    // vertex array holds it (the buffer object, even if its id was deleted since)
    this.reads = new Map();
  }

  delete() {
    this._release();
    this.interp._forgetVao(this.vao);
    this.gl.deleteVertexArray(this.vao);
  }

  _release() {
    const linked = this.linked;
    this.linked = null;
    if (linked !== null) {
      if (linked.owner === this) linked.owner = null;
      this.interp._releaseProgram(linked);
    }
  }

  shaders(vertex, fragment) {
    if (typeof vertex !== "string" || typeof fragment !== "string") {
      throw new TypeError("SHADERS needs two source strings");
    }
    // Link (or share) first: on failure the previous program stays, unchanged.
    const linked = this.interp._linkProgram(vertex, fragment);
    this._release();
    this.linked = linked;
    const gl = this.gl;
    this.interp._bindVao(this.vao);
    // Locations may have moved: start from a clean vertex array.
    for (let loc = 0; loc < this.interp.maxVertexAttribs; loc++) gl.disableVertexAttribArray(loc);
    this.constants.clear();
    for (const [name, spec] of this.attributes) this._applyAttribute(name, spec);
    this.interp._bindVao(null);
    // Uniform values are loaded at the next DRAW (owner is not this program yet).
  }

  // ---- variables ---------------------------------------------------------------
  uniform(name, gtype, values) {
    if (typeof name !== "string") throw new TypeError("uniform name must be a string");
    if (!UNIFORM_TYPE_SET.has(gtype)) {
      throw new GlirError(`unknown uniform type '${gtype}' for '${name}'`);
    }
    const n = components(gtype);
    if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
      throw new TypeError(`uniform values must be a list, not ${typeof values}`);
    }
    if (values.length === 0 || values.length % n !== 0) {
      throw new GlirError(`uniform '${name}' (${gtype}) needs a multiple of ${n} values`);
    }
    for (const v of values) {
      if (typeof v !== "number" && typeof v !== "boolean") {
        throw new TypeError(`uniform '${name}' has a non-numeric value ${JSON.stringify(v)}`);
      }
    }
    const setter = uniformSetter(gtype);
    // Converted once, reused whenever the values are (re)loaded.
    const entry = { gtype, setter, data: new setter.ArrayType(Array.from(values, Number)) };
    this.uniforms.set(name, entry);
    const linked = this.linked;
    if (linked !== null && linked.owner === this) {
      const loc = linked.uniformLocs.get(name);
      if (loc !== undefined) {
        this.interp._useProgram(linked.handle);
        setUniform(this.gl, loc, entry);
      }
    }
  }

  _loadUniforms(linked) {
    for (const [name, entry] of this.uniforms) {
      const loc = linked.uniformLocs.get(name);
      if (loc !== undefined) setUniform(this.gl, loc, entry);
    }
    linked.owner = this;
  }

  texture(name, textureId) {
    if (typeof name !== "string") throw new TypeError("sampler name must be a string");
    this.interp._get(textureId, GLTexture);
    this.samplers.set(name, textureId);
  }

  attribute(name, gtype, bufferId, dtype, size, stride, offset, divisor, normalized) {
    if (typeof name !== "string" || typeof gtype !== "string") {
      throw new TypeError("attribute name and type must be strings");
    }
    if (!Object.hasOwn(DTYPES, dtype)) {
      const known = Object.keys(DTYPES).join(", ");
      throw new GlirError(`unknown dtype ${shortRepr(dtype)}; known: ${known}`);
    }
    integer(size, "components", 1, 16);
    integer(stride, "stride", 0, GL_INT);
    integer(offset, "offset", 0, GL_INT);
    integer(divisor, "divisor", 0, GL_INT);
    normalized = Boolean(normalized); // ignored for integer types
    const spec = { kind: "buffer", gtype, bufferId, dtype, size, stride, offset, divisor };
    spec.normalized = normalized;
    this._setAttribute(name, spec);
  }

  attributeValue(name, gtype, values) {
    if (typeof name !== "string") throw new TypeError("attribute name must be a string");
    if (!ATTRIBUTE_VALUE_TYPES.has(gtype)) {
      throw new GlirError(
        `ATTRIBUTE_VALUE of type '${gtype}': not one of float, vecN, int, ivecN, uint, uvecN`,
      );
    }
    const n = components(gtype);
    const numbers = Array.isArray(values) && values.every((v) => typeof v === "number");
    if (!numbers || values.length !== n) {
      throw new GlirError(`ATTRIBUTE_VALUE '${name}' (${gtype}) needs ${n} numbers`);
    }
    this._setAttribute(name, { kind: "value", gtype, values: values.slice() });
  }

  /** Keep `spec` for `name`, and set it up in the vertex array now if linked. */
  _setAttribute(name, spec) {
    this.attributes.set(name, spec);
    if (this.linked === null) return;
    this.interp._bindVao(this.vao);
    try {
      this._applyAttribute(name, spec);
    } finally {
      this.interp._bindVao(null);
    }
  }

  /** Set up `name` in this program's vertex array (which must be bound). */
  _applyAttribute(name, spec) {
    const gl = this.gl;
    const loc = this.linked.attribLocs.get(name);
    this.constants.delete(name);
    this.reads.delete(name);
    if (loc === undefined) return; // not in the program, or optimized away
    if (spec.kind === "value") {
      gl.disableVertexAttribArray(loc);
      const values = [...spec.values, ...[0, 0, 0, 1].slice(spec.values.length)];
      const kind = spec.gtype[0];
      const method = { i: "vertexAttribI4i", u: "vertexAttribI4ui" }[kind] ?? "vertexAttrib4f";
      this.constants.set(name, { loc, method, values });
      return;
    }
    const buffer = this.interp._get(spec.bufferId, GLBuffer);
    if (buffer.index) {
      throw new GlirError(
        `object ${spec.bufferId} is an IndexBuffer; attributes read VertexBuffers`,
      );
    }
    this.reads.set(name, { buffer, spec });
    const { bytes: itemsize, glType } = DTYPES[spec.dtype];
    let { stride } = spec;
    let columns = 1;
    let perColumn = spec.size;
    if (spec.gtype.startsWith("mat")) {
      // One location per column, column-major data.
      columns = Number(spec.gtype[3]);
      perColumn = spec.size / columns;
      if (!Number.isInteger(perColumn)) {
        throw new GlirError(
          `${spec.gtype} attribute '${name}' cannot take ${spec.size} components`,
        );
      }
      stride = stride || spec.size * itemsize;
    }
    // WebGL2 rejects these with a bare INVALID_OPERATION: say which rule it is.
    if (spec.offset % itemsize !== 0 || stride % itemsize !== 0 || stride > 255) {
      throw new GlirError(
        `attribute '${name}': WebGL2 needs offset (${spec.offset}) and stride (${stride}) ` +
          `to be multiples of the ${spec.dtype} size (${itemsize}), and stride <= 255`,
      );
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer.handle);
    const type = gl[glType];
    const integer = spec.gtype[0] === "i" || spec.gtype[0] === "u";
    for (let c = 0; c < columns; c++) {
      const at = spec.offset + c * perColumn * itemsize;
      gl.enableVertexAttribArray(loc + c);
      if (integer) gl.vertexAttribIPointer(loc + c, perColumn, type, stride, at);
      else gl.vertexAttribPointer(loc + c, perColumn, type, spec.normalized, stride, at);
      gl.vertexAttribDivisor(loc + c, spec.divisor);
    }
  }

  // ---- draw ----------------------------------------------------------------------
  /**
   * Check a draw against every buffer it reads; return its indices ({buffer, dtype,
   * count, first}) or null for an arrays draw. A GlirError names the rule and numbers.
   */
  _checkDraw(selection, instances) {
    integer(instances, "instances", 1, GL_INT);
    if (!Array.isArray(selection) || (selection.length !== 2 && selection.length !== 4)) {
      throw new GlirError(
        "selection must be (first, count) or (index_buffer_id, dtype, count, first), " +
          `not ${shortRepr(selection)}`,
      );
    }
    let indices = null;
    let first;
    let count;
    let vertices; // vertices read: 0 .. vertices - 1
    if (selection.length === 2) {
      first = integer(selection[0], "first", 0, GL_INT);
      count = integer(selection[1], "count", 0, GL_INT - first);
      vertices = count ? first + count : 0;
    } else {
      const [bufferId, dtype] = selection;
      const buffer = this.interp._get(bufferId, GLBuffer);
      if (!buffer.index) {
        throw new GlirError(
          `object ${bufferId} is a VertexBuffer; indexed draws read IndexBuffers`,
        );
      }
      if (!INDEX_DTYPES.includes(dtype)) {
        throw new GlirError(`index dtype '${dtype}' is not one of ${INDEX_DTYPES.join(", ")}`);
      }
      first = integer(selection[3], "first", 0, GL_INT);
      count = integer(selection[2], "count", 0, GL_INT);
      const itemsize = DTYPES[dtype].bytes;
      const held = Math.floor(buffer.nbytes / itemsize);
      if (first + count > held) {
        throw new GlirError(
          `indices ${first}..${first + count} are outside index buffer ${bufferId}'s ` +
            `${held} ${dtype} indices (${buffer.nbytes} bytes)`,
        );
      }
      vertices = buffer.maxIndex(dtype, first, count) + 1;
      indices = { buffer, dtype, count, first };
    }
    if (count * instances > MAX_DRAW_VERTICES) {
      throw new GlirError(
        `${count} vertices x ${instances} instances is ${count * instances}, more than ` +
          `one DRAW may process, ${MAX_DRAW_VERTICES} (glir.MAX_DRAW_VERTICES)`,
      );
    }
    if (count) {
      for (const [name, { buffer, spec }] of this.reads) {
        const element = DTYPES[spec.dtype].bytes * spec.size;
        const n = rows(buffer.nbytes, element, spec.stride, spec.offset);
        const where = `attribute '${name}' has ${n} in buffer ${bufferName(buffer, spec.bufferId)}`;
        if (spec.divisor === 0 && vertices > n) {
          const what = indices ? `index ${vertices - 1}` : `vertices ${first}..${vertices}`;
          throw new GlirError(`${what} read past the end: ${where} (${buffer.nbytes} bytes)`);
        }
        const needed = spec.divisor ? Math.ceil(instances / spec.divisor) : 0;
        if (needed > n) {
          throw new GlirError(
            `${instances} instances with divisor ${spec.divisor} read ${needed} rows: ` +
              `${where} (${buffer.nbytes} bytes)`,
          );
        }
      }
    }
    return indices;
  }

  draw(mode, selection, instances = 1) {
    const gl = this.gl;
    const interp = this.interp;
    const linked = this.linked;
    if (linked === null) {
      throw new GlirError("program has no (working) shaders: SHADERS must come before DRAW");
    }
    if (!DRAW_MODES.includes(mode)) {
      throw new GlirError(`unknown draw mode '${mode}'; known: ${DRAW_MODES.join(", ")}`);
    }
    const indices = this._checkDraw(selection, instances);
    // Look everything up before touching GL state: a missing object fails cleanly.
    const textures = [];
    for (const [name, unit] of linked.units) {
      const textureId = this.samplers.get(name);
      if (textureId !== undefined) textures.push([unit, interp._get(textureId, GLTexture)]);
    }
    interp._useProgram(linked.handle);
    if (linked.owner !== this) this._loadUniforms(linked);
    interp._bindVao(this.vao);
    try {
      for (const [unit, texture] of textures) {
        interp._bindTexture(unit, texture.target, texture.handle);
      }
      for (const { loc, method, values } of this.constants.values()) gl[method](loc, ...values);
      const glMode = gl[mode.toUpperCase()];
      if (indices === null) {
        const [first, count] = selection;
        gl.drawArraysInstanced(glMode, first, count, instances);
      } else {
        const { buffer, dtype, count, first } = indices;
        gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, buffer.handle);
        const info = DTYPES[dtype];
        gl.drawElementsInstanced(glMode, count, gl[info.glType], first * info.bytes, instances);
      }
    } finally {
      interp._bindVao(null);
    }
  }
}

function bufferName(buffer, bufferId) {
  return buffer.interp._objects.get(bufferId) === buffer ? `${bufferId}` : `${bufferId} (deleted)`;
}

function setUniform(gl, loc, { setter, data }) {
  if (setter.matrix) gl[setter.method](loc, false, data);
  else gl[setter.method](loc, data);
}
