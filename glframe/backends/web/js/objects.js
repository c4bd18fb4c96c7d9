// The WebGL2 interpreter's GL objects: buffers, textures, render buffers and
// frame buffers, each the executing twin of a gloo class (GLBuffer runs what
// VertexBuffer and IndexBuffer recorded, GLTexture the three texture classes...).
// Programs live in program.js. Only GlirInterpreter (glir.js) makes and calls
// them; error messages use the desktop interpreter's class names.
//
// WebGL2 rules handled here (docs/glir.md section 4 and commands SIZE, DATA,
// ATTACH): a buffer bound once to ELEMENT_ARRAY_BUFFER may never be bound to
// another target, and the reverse, so an IndexBuffer lives on
// ELEMENT_ARRAY_BUFFER (uploaded with no vertex array bound, since that binding
// is vertex-array state) and a VertexBuffer on ARRAY_BUFFER; a Texture1D is a 2D
// texture of height 1; upload types come from the array's dtype.
//
// Every argument is checked before WebGL sees it (docs/glir.md section 6.1), as
// the desktop interpreter does and in its words: sizes are integers within the
// context's limits and glframe's byte limits, texture data holds exactly the
// bytes its region takes, in a dtype the format accepts. An index buffer keeps a
// copy of its indices so that a DRAW can check the largest index it reads.

import {
  ALLOC_DTYPES,
  ATTACHMENTS,
  DATA_DTYPES,
  DTYPES,
  FILTERS,
  GlirError,
  INTERNAL_FORMATS,
  OTHER_INTERNAL_FORMATS,
  RENDERBUFFER_BYTES,
  RENDERBUFFER_FORMATS,
  TEXEL_BYTES,
  TEXTURE_FORMATS,
  WRAPS,
  shortRepr,
  tupleRepr,
} from "./protocol.js";

/** The largest value any size, offset or count may have (a signed 64-bit integer). */
export const MAX_INT = 2 ** 63 - 1; // 2^63 as a double: the text below is exact
const MAX_INT_TEXT = "9223372036854775807";

/**
 * `value` if it is an integer in `low..high`; else a GlirError naming `what` and
 * the value (the desktop's `integer()`).
 */
export function integer(value, what, low = 0, high = MAX_INT) {
  if (!Number.isInteger(value)) {
    throw new GlirError(`${what} must be an integer, not ${shortRepr(value)}`);
  }
  if (value < low || value > high) {
    const top = high === MAX_INT ? MAX_INT_TEXT : `${high}`;
    throw new GlirError(`${what} ${value} is outside ${low}..${top}`);
  }
  return value;
}

/** `shape` checked: `dims` integers in 1..`limit` (the context's `limitName`). */
function checkShape(shape, dims, kind, limit, limitName) {
  if (!Array.isArray(shape) || !shape.every(Number.isInteger)) {
    throw new GlirError(`${kind} shape must be a list of integers, not ${shortRepr(shape)}`);
  }
  if (shape.length !== dims || shape.some((n) => n < 1)) {
    throw new GlirError(`${kind} needs a shape of ${dims} values, not ${tupleRepr(shape)}`);
  }
  const largest = Math.max(...shape);
  if (largest > limit) {
    throw new GlirError(
      `${kind} shape ${tupleRepr(shape)}: ${largest} is more than this context's ` +
        `${limitName}, ${limit}`,
    );
  }
  return shape;
}

const product = (values) => values.reduce((a, b) => a * b, 1);

/**
 * Internal formats (protocol.js's INTERNAL_FORMATS): name -> {format, alloc,
 * integer, float}, `format` being the texture format it goes with and `alloc`
 * the GL type name SIZE allocates it with.
 */
const TEXTURE_STORAGE = (() => {
  const table = {};
  for (const [name, format] of Object.entries(INTERNAL_FORMATS)) {
    const other = Object.hasOwn(OTHER_INTERNAL_FORMATS, name) ? OTHER_INTERNAL_FORMATS[name] : null;
    const suffix = name.replace(/^[rgba]+/, ""); // r8 -> 8, rgba32ui -> 32ui
    table[name] = {
      format,
      alloc: other !== null ? other[1] : DTYPES[ALLOC_DTYPES[suffix]].glType,
      integer: other === null && suffix.endsWith("i"),
      float: name.endsWith("f"),
    };
  }
  return Object.freeze(table);
})();

/** The GL enum for a lower-case name (`gl.RGBA8` for "rgba8"), or an error. */
export function glEnum(gl, name) {
  // Lower-case names only: "__proto__" or "getError" must not reach a property.
  const valid = typeof name === "string" && /^[a-z0-9_]+$/.test(name);
  const value = valid ? gl[name.toUpperCase()] : undefined;
  if (typeof value !== "number") {
    throw new GlirError(`unknown GL enum name '${name}'`);
  }
  return value;
}

/** Base of every interpreter object: the interpreter, a GL handle, delete(). */
export class GLObject {
  constructor(interp) {
    this.interp = interp;
    this.gl = interp.gl;
    this.handle = null;
    this.held = 0; // bytes of storage, counted against MAX_TOTAL_BYTES
  }

  get className() {
    return this.constructor.name;
  }

  delete() {}
}

/** A VertexBuffer (on ARRAY_BUFFER) or an IndexBuffer (on ELEMENT_ARRAY_BUFFER). */
export class GLBuffer extends GLObject {
  constructor(interp, kind) {
    super(interp);
    this.kind = kind;
    this.index = kind === "IndexBuffer";
    this.target = this.index ? this.gl.ELEMENT_ARRAY_BUFFER : this.gl.ARRAY_BUFFER;
    this.handle = this.gl.createBuffer();
    this.nbytes = 0;
    // Indices on the CPU: a DRAW checks the largest one against the vertex buffers.
    this.shadow = this.index ? new Uint8Array(0) : null;
    this._maxIndex = new Map();
  }

  delete() {
    this.gl.deleteBuffer(this.handle);
  }

  _bind() {
    // The element-array binding belongs to the bound vertex array: unbind it first,
    // or the upload would re-point some program's indices.
    if (this.index) this.interp._bindVao(null);
    this.gl.bindBuffer(this.target, this.handle);
  }

  size(nbytes) {
    if (typeof nbytes !== "number" || !Number.isInteger(nbytes) || nbytes < 0) {
      throw new GlirError(`buffer size must be an integer >= 0, not ${shortRepr(nbytes)}`);
    }
    this.interp._checkBytes(this, nbytes, `a ${this.kind} of ${nbytes} bytes`);
    // (WebGL2 fills a new buffer with zeros: the copy below holds the same indices.)
    if (this.index) this.shadow = new Uint8Array(nbytes);
    this._maxIndex.clear();
    this._bind();
    this.gl.bufferData(this.target, nbytes, this.gl.DYNAMIC_DRAW);
    this.nbytes = nbytes;
    this.interp._hold(this, nbytes);
  }

  data(offset, array) {
    const view = bytesView(array, "buffer DATA");
    integer(offset, "buffer offset");
    if (offset + view.byteLength > this.nbytes) {
      throw new GlirError(
        `bytes ${offset}..${offset + view.byteLength} are outside the buffer's ${this.nbytes}`,
      );
    }
    this._bind();
    this.gl.bufferSubData(this.target, offset, view);
    if (this.index) {
      this.shadow.set(view, offset);
      this._maxIndex.clear();
    }
  }

  /**
   * The largest of `count` indices of `dtype` from index number `first`, leaving out
   * the primitive restart index (the type's largest value), which WebGL2 always
   * enables: it ends a strip, it names no vertex. -1 if there is none.
   */
  maxIndex(dtype, first, count) {
    const key = `${dtype},${first},${count}`;
    let value = this._maxIndex.get(key);
    if (value === undefined) {
      const info = DTYPES[dtype];
      const indices = new info.ArrayType(this.shadow.buffer, first * info.bytes, count);
      const restart = 2 ** (8 * info.bytes) - 1;
      value = -1;
      for (const i of indices) if (i > value && i !== restart) value = i;
      this._maxIndex.set(key, value);
    }
    return value;
  }
}

/** The bytes of a typed array as a Uint8Array (no copy). */
function bytesView(array, what = "DATA") {
  if (!ArrayBuffer.isView(array) || array instanceof DataView) {
    const given = array === null ? "null" : (array?.constructor?.name ?? typeof array);
    throw new GlirError(`${what} needs an array, not ${given}`);
  }
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** The GLIR dtype of a typed array: its `dtype` property, else its class. */
export function dtypeOf(array) {
  if (typeof array.dtype === "string") return array.dtype;
  for (const [name, info] of Object.entries(DTYPES)) {
    // Uint16Array reads as uint16: float16 data must say so with a dtype property.
    if (name !== "float16" && array instanceof info.ArrayType) return name;
  }
  if (array instanceof Uint8ClampedArray) return "uint8";
  throw new TypeError(`${array.constructor.name} is not a GLIR array type`);
}

/** A Texture1D/2D (TEXTURE_2D) or Texture3D (TEXTURE_3D). */
export class GLTexture extends GLObject {
  constructor(interp, kind) {
    super(interp);
    const gl = this.gl;
    this.kind = kind;
    this.target = kind === "Texture3D" ? gl.TEXTURE_3D : gl.TEXTURE_2D;
    this.handle = gl.createTexture();
    this.shape = null; // GL shape: (h, w) with h = 1 for Texture1D, or (d, h, w)
    this.internal = null;
    this.channels = 0;
    this.format = gl.RGBA;
    this.linear = false; // a linear min or mag filter
    // GL's default min filter needs mipmaps, which GLIR never makes.
    this._bind();
    gl.texParameteri(this.target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(this.target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  }

  delete() {
    this.interp._forgetTexture(this.handle);
    this.gl.deleteTexture(this.handle);
  }

  _bind() {
    this.interp._bindTexture(0, this.target, this.handle);
  }

  size(shape, format, internal) {
    const gl = this.gl;
    const interp = this.interp;
    const dims = { Texture1D: 1, Texture2D: 2, Texture3D: 3 }[this.kind];
    if (dims === 3) {
      checkShape(shape, dims, this.kind, interp.max3dTextureSize, "GL_MAX_3D_TEXTURE_SIZE");
    } else {
      checkShape(shape, dims, this.kind, interp.maxTextureSize, "GL_MAX_TEXTURE_SIZE");
    }
    if (typeof format !== "string" || !Object.hasOwn(TEXTURE_FORMATS, format)) {
      const known = Object.keys(TEXTURE_FORMATS).join(", ");
      throw new GlirError(`unknown texture format ${shortRepr(format)}; known: ${known}`);
    }
    const info = Object.hasOwn(TEXTURE_STORAGE, internal) ? TEXTURE_STORAGE[internal] : undefined;
    if (info === undefined) {
      throw new GlirError(`unknown GL enum name '${internal}'`);
    }
    if (info.format !== format) {
      throw new GlirError(
        `internal format '${internal}' goes with format '${info.format}', not '${format}'`,
      );
    }
    const nbytes = product(shape) * TEXEL_BYTES[internal];
    interp._checkBytes(this, nbytes, `a ${tupleRepr(shape)} ${internal} ${this.kind}`);
    const glShape = this.kind === "Texture1D" ? [1, shape[0]] : shape.slice();
    const glFormat = glEnum(gl, info.integer ? `${format}_integer` : format);
    const glInternal = glEnum(gl, internal);
    const type = gl[info.alloc];
    this._bind();
    if (this.target === gl.TEXTURE_3D) {
      const [d, h, w] = glShape;
      gl.texImage3D(this.target, 0, glInternal, w, h, d, 0, glFormat, type, null);
    } else {
      const [h, w] = glShape;
      gl.texImage2D(this.target, 0, glInternal, w, h, 0, glFormat, type, null);
    }
    this.shape = glShape;
    this.internal = internal;
    this.fmt = format;
    this.channels = TEXTURE_FORMATS[format];
    this.format = glFormat;
    interp._hold(this, nbytes);
    this._checkFilterable();
  }

  /** Without OES_texture_float_linear, a linear-filtered 32F texture samples as black. */
  _checkFilterable() {
    const float32 = /^(r|rg|rgb|rgba)32f$/.test(this.internal ?? "");
    if (this.linear && float32 && !this.interp.extensions.has("OES_texture_float_linear")) {
      throw new GlirError(
        `linear filtering of a ${this.internal} texture needs OES_texture_float_linear, ` +
          "which this browser lacks (the texture would sample as black)",
      );
    }
  }

  data(offset, array) {
    const gl = this.gl;
    if (this.shape === null) throw new GlirError("texture DATA before SIZE");
    const bytes = bytesView(array, "texture DATA");
    if (!Array.isArray(array.shape)) {
      throw new TypeError("texture DATA needs an array with a shape");
    }
    if (!Array.isArray(offset) || !offset.every(Number.isInteger)) {
      throw new GlirError(`texture offset must be a list of integers, not ${shortRepr(offset)}`);
    }
    const nd = this.shape.length;
    const shape = array.shape;
    const is1D = this.kind === "Texture1D";
    const spatial = is1D ? 1 : nd;
    if (offset.length !== spatial || shape.length < spatial || shape.length > spatial + 1) {
      throw new GlirError(
        `${this.kind} DATA needs an offset of ${spatial} values and an array of ` +
          `${spatial} or ${spatial + 1} dimensions, not ${tupleRepr(offset)} and ` +
          `${tupleRepr(shape)}`,
      );
    }
    const dtype = dtypeOf(array);
    const accepted = DATA_DTYPES[this.internal];
    if (!accepted.includes(dtype)) {
      const takes = accepted.length > 0 ? accepted.join(" or ") : "no";
      const none = accepted.length > 0 ? "" : " (GLIR version 1 has no dtype for it)";
      throw new GlirError(`a ${this.internal} texture takes ${takes} data, not ${dtype}${none}`);
    }
    // WebGL reads region x channels x itemsize bytes: they must be the array's bytes
    // exactly (WebGL2 itself refuses fewer with a bare INVALID_OPERATION).
    const given = shape.length > spatial ? shape[spatial] : 1;
    const region = is1D ? [1, shape[0]] : shape.slice(0, nd);
    const need = product(region) * this.channels * DTYPES[dtype].bytes;
    if (given !== this.channels || bytes.byteLength !== need) {
      const spatialShape = shape.slice(0, spatial);
      const want = this.channels > 1 ? [...spatialShape, this.channels] : spatialShape;
      throw new GlirError(
        `array of shape ${tupleRepr(shape)} has ${given} channel(s) (${bytes.byteLength} bytes); ` +
          `the texture's format ${this.fmt} has ${this.channels} (${need} bytes of ${dtype}): ` +
          `send shape ${tupleRepr(want)}`,
      );
    }
    const at = is1D ? [0, ...offset] : offset.slice();
    if (at.some((o, i) => o < 0 || o + region[i] > this.shape[i])) {
      throw new GlirError(
        `region ${tupleRepr(region)} at ${tupleRepr(at)} is outside the texture ` +
          tupleRepr(this.shape),
      );
    }
    const type = gl[DTYPES[dtype].glType];
    this._bind();
    if (nd === 3) {
      const [z, y, x] = at;
      const [d, h, w] = region;
      gl.texSubImage3D(this.target, 0, x, y, z, w, h, d, this.format, type, array);
    } else {
      const [y, x] = at;
      const [h, w] = region;
      gl.texSubImage2D(this.target, 0, x, y, w, h, this.format, type, array);
    }
  }

  wrapping(wraps) {
    const gl = this.gl;
    const dims = this.kind === "Texture3D" ? 3 : 2;
    if (!Array.isArray(wraps) || wraps.length !== dims || !wraps.every((w) => WRAPS.includes(w))) {
      throw new GlirError(
        `WRAPPING needs ${dims} of ${WRAPS.join(", ")}; got ${JSON.stringify(wraps)}`,
      );
    }
    this._bind();
    const pnames = [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T, gl.TEXTURE_WRAP_R];
    wraps.forEach((wrap, i) => gl.texParameteri(this.target, pnames[i], glEnum(gl, wrap)));
  }

  interpolation(minFilter, magFilter) {
    const gl = this.gl;
    if (!FILTERS.includes(minFilter) || !FILTERS.includes(magFilter)) {
      throw new GlirError(
        `INTERPOLATION takes ${FILTERS.join(" or ")}, not ${JSON.stringify(minFilter)}, ` +
          `${JSON.stringify(magFilter)}`,
      );
    }
    this._bind();
    gl.texParameteri(this.target, gl.TEXTURE_MIN_FILTER, glEnum(gl, minFilter));
    gl.texParameteri(this.target, gl.TEXTURE_MAG_FILTER, glEnum(gl, magFilter));
    this.linear = minFilter === "linear" || magFilter === "linear";
    this._checkFilterable();
  }
}

/** A render buffer (colour, depth or stencil storage for a frame buffer). */
export class GLRenderBuffer extends GLObject {
  constructor(interp) {
    super(interp);
    this.handle = this.gl.createRenderbuffer();
    this.internal = null;
    this.shape = null;
  }

  delete() {
    this.gl.deleteRenderbuffer(this.handle);
  }

  size(shape, format) {
    const gl = this.gl;
    const interp = this.interp;
    checkShape(shape, 2, "RenderBuffer", interp.maxRenderbufferSize, "GL_MAX_RENDERBUFFER_SIZE");
    if (!RENDERBUFFER_FORMATS.includes(format)) {
      throw new GlirError(
        `unknown render buffer format ${shortRepr(format)}; ` +
          `known: ${RENDERBUFFER_FORMATS.join(", ")}`,
      );
    }
    const nbytes = product(shape) * RENDERBUFFER_BYTES[format];
    interp._checkBytes(this, nbytes, `a ${tupleRepr(shape)} ${format} RenderBuffer`);
    const [h, w] = shape;
    gl.bindRenderbuffer(gl.RENDERBUFFER, this.handle);
    gl.renderbufferStorage(gl.RENDERBUFFER, glEnum(gl, format), w, h);
    this.internal = format;
    this.shape = shape.slice();
    interp._hold(this, nbytes);
  }
}

/** A frame buffer: attachments by point, draw buffers kept in step. */
export class GLFrameBuffer extends GLObject {
  constructor(interp) {
    super(interp);
    this.handle = this.gl.createFramebuffer();
    this.attached = new Map(); // attachment name -> GLTexture | GLRenderBuffer
  }

  delete() {
    this.gl.deleteFramebuffer(this.handle);
  }

  /** The internal format of the colour0 target ("rgba8", "r32f", ...), or null. */
  get readFormat() {
    return this.attached.get("color0")?.internal ?? null;
  }

  /** [width, height] of what READ_PIXELS reads (color0), or null without one. */
  readSize() {
    const shape = this.attached.get("color0")?.shape ?? null;
    if (shape === null) return null;
    const [h, w] = shape.slice(-2);
    return [w, h];
  }

  attach(attachment, targetId) {
    const gl = this.gl;
    if (!ATTACHMENTS.includes(attachment)) {
      throw new GlirError(
        `unknown attachment '${attachment}'; known: ${ATTACHMENTS.join(", ")}`,
      );
    }
    const point = attachment.startsWith("color")
      ? gl.COLOR_ATTACHMENT0 + Number(attachment.slice(5))
      : glEnum(gl, `${attachment}_attachment`);
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.handle);
    try {
      if (targetId === 0) {
        // Detaches whatever is attached there, render buffer or texture.
        gl.framebufferRenderbuffer(gl.FRAMEBUFFER, point, gl.RENDERBUFFER, null);
        this.attached.delete(attachment);
        if (attachment.startsWith("color")) this._drawBuffers();
        return;
      }
      const target = this.interp._get(targetId);
      if (target instanceof GLRenderBuffer) {
        gl.framebufferRenderbuffer(gl.FRAMEBUFFER, point, gl.RENDERBUFFER, target.handle);
      } else if (target instanceof GLTexture && target.kind !== "Texture3D") {
        gl.framebufferTexture2D(gl.FRAMEBUFFER, point, gl.TEXTURE_2D, target.handle, 0);
      } else {
        throw new GlirError(`object ${targetId} cannot be attached to a frame buffer`);
      }
      this.attached.set(attachment, target);
      if (attachment.startsWith("color")) this._drawBuffers();
    } finally {
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.interp._framebufferHandle());
    }
  }

  /** Colour attachment i draws fragment output i; gaps are NONE (WebGL2 requires it). */
  _drawBuffers() {
    const gl = this.gl;
    let last = 0;
    for (let i = 0; i < 8; i++) if (this.attached.has(`color${i}`)) last = i;
    const points = [];
    for (let i = 0; i <= last; i++) {
      points.push(this.attached.has(`color${i}`) ? gl.COLOR_ATTACHMENT0 + i : gl.NONE);
    }
    gl.drawBuffers(points);
  }

  /** Bind it for drawing; if incomplete, re-bind the previous target and throw. */
  bind() {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.handle);
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
    if (status !== gl.FRAMEBUFFER_COMPLETE) {
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.interp._framebufferHandle());
      const reasons = {
        [gl.FRAMEBUFFER_INCOMPLETE_ATTACHMENT]: "an attachment is incomplete (unsized?)",
        [gl.FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT]: "it has no attachment",
        [gl.FRAMEBUFFER_UNSUPPORTED]: "this combination of formats is unsupported",
        [gl.FRAMEBUFFER_INCOMPLETE_MULTISAMPLE]: "attachments differ in sample counts",
        [gl.FRAMEBUFFER_INCOMPLETE_DIMENSIONS]: "attachments differ in size",
      };
      const reason = reasons[status] ?? `0x${status.toString(16)}`;
      throw new GlirError(`frame buffer is incomplete: ${reason}`);
    }
  }
}
