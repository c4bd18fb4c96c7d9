// glir.js: the WebGL2 interpreter of GLIR, glframe's GL command stream. The
// entry module: it exports the whole API (decoders, GlirInterpreter, errors,
// the shader helpers). The protocol is docs/glir.md; the reference behaviour is
// the desktop interpreter (glframe/backends/gl/_interpreter.py), which this one
// follows command for command so that a stream gives the same pixels in both.
//
//   import { decode, GlirInterpreter } from "./glir.js";
//   const interp = new GlirInterpreter(canvas.getContext("webgl2",
//       { antialias: false, depth: true, stencil: true, alpha: true }));
//   const replies = interp.execute(decode(header, buffers));  // {id: {data, shape, dtype}}
//
// Plain ES modules, no build step, no dependencies. The sibling modules
// (protocol.js, glsl.js, objects.js, program.js) can be concatenated into one
// module for a standalone page (where a module from a data: URL cannot import its
// siblings): drop every `import {...} from "./x.js";` and `export {...} from
// "./x.js";` statement (some span several lines), and join the files in that
// order, this one last (test/bundle.test.mjs checks that this works).
//
// Limits: one WebGL2 context per interpreter; a lost context is not restored
// (make a new interpreter and replay the state snapshot, docs/glir.md section 8);
// cached bindings assume nobody else changes the context's program, vertex array,
// texture or framebuffer bindings DURING a batch (between batches is fine: each
// batch starts by forgetting them) and nobody changes the pixel-store settings
// (else call resetStateCache()).
//
// Streams come from files, servers and peers, so every command is checked before
// WebGL sees it, with the desktop interpreter's numbers and words (docs/glir.md
// section 6.1): sizes against the context's limits and glframe's byte limits,
// texture data bytes against what WebGL reads, draws against the buffers they
// read, shader sources against the input limits, READ_PIXELS against the
// framebuffer.

import {
  CLEAR_MASKS,
  FUNCS,
  GlirError,
  MAX_OBJECT_BYTES,
  MAX_TOTAL_BYTES,
  READ_DTYPES,
  READ_FORMATS,
  ShaderError,
  shortRepr,
} from "./protocol.js";
import {
  GLBuffer,
  GLFrameBuffer,
  GLRenderBuffer,
  GLTexture,
  glEnum,
  integer,
} from "./objects.js";
import { GLProgram, LinkedProgram } from "./program.js";

export {
  COMMANDS,
  DRAW_MODES,
  DTYPES,
  FUNCS,
  GLIR_VERSION,
  GlirError,
  OBJECT_CLASSES,
  ShaderError,
  decode,
  decodeJSON,
  encodeReplies,
  encodeRepliesJSON,
} from "./protocol.js";
export { PRECISION_BLOCK, adaptForWebGL, checkSource, quoteCompileError } from "./glsl.js";

const GL_ERROR_NAMES = [
  "INVALID_ENUM",
  "INVALID_VALUE",
  "INVALID_OPERATION",
  "OUT_OF_MEMORY",
  "INVALID_FRAMEBUFFER_OPERATION",
  "CONTEXT_LOST_WEBGL",
];
/** Extensions the interpreter enables when the browser has them. */
export const EXTENSIONS = Object.freeze([
  "EXT_color_buffer_float", // render to (and read back) float colour targets
  "OES_texture_float_linear", // linear filtering of 32-bit float textures
  "EXT_float_blend", // blending into 32-bit float colour targets
]);
// Arguments after the id, per command: [min, max] (SIZE and DRAW vary by form).
const ARITY = {
  CREATE: [1, 1],
  DELETE: [0, 0],
  SIZE: [1, 3],
  DATA: [2, 2],
  WRAPPING: [1, 1],
  INTERPOLATION: [2, 2],
  SHADERS: [2, 2],
  UNIFORM: [3, 3],
  TEXTURE: [2, 2],
  ATTRIBUTE: [9, 9],
  ATTRIBUTE_VALUE: [3, 3],
  DRAW: [2, 3],
  ATTACH: [2, 2],
  FRAMEBUFFER: [1, 1],
  FUNC: [1, Infinity],
  READ_PIXELS: [1, 3],
};

/**
 * Check and convert the arguments of a FUNC command.
 *
 * @param {WebGL2RenderingContext|object} gl - for the enum values (`gl.BLEND`).
 * @param {string} name - a function of the whitelist ({@link FUNCS}).
 * @param {Array} args - the command's arguments after the name.
 * @returns {Array} the values to pass to `gl[name]`.
 * @throws {GlirError} for a function outside the whitelist, a wrong argument
 *   count, an unknown enum name or clear mask; TypeError for a wrong value type.
 */
export function funcArguments(gl, name, args) {
  const kinds = Object.hasOwn(FUNCS, name) ? FUNCS[name] : undefined;
  if (kinds === undefined) {
    throw new GlirError(`unknown FUNC '${name}'; allowed: ${Object.keys(FUNCS).join(", ")}`);
  }
  if (args.length !== kinds.length) {
    throw new GlirError(`FUNC ${name} takes ${kinds.length} arguments, got ${args.length}`);
  }
  return args.map((arg, i) => {
    switch (kinds[i]) {
      case "e":
        return glEnum(gl, arg);
      case "m": {
        let bits = 0;
        for (const part of String(arg).split("|")) {
          if (!CLEAR_MASKS.includes(part)) throw new GlirError(`unknown clear mask '${part}'`);
          bits |= gl[`${part.toUpperCase()}_BUFFER_BIT`];
        }
        return bits;
      }
      case "b":
        return Boolean(arg);
      default: {
        // "i" and "f": finite numbers (JSON does not tell 1 from 1.0: the kind does).
        if (typeof arg !== "number" || !Number.isFinite(arg)) {
          const what = kinds[i] === "i" ? "an integer" : "a number";
          const given = shortRepr(arg);
          throw new TypeError(`argument ${i + 1} of ${name} must be ${what}, not ${given}`);
        }
        return kinds[i] === "i" ? Math.trunc(arg) : arg;
      }
    }
  });
}

/** A command, shortened for error messages: (NAME, id, args...). */
function commandRepr(cmd) {
  if (!Array.isArray(cmd)) return shortRepr(cmd);
  return `(${cmd.map((v) => shortRepr(v)).join(", ")})`;
}

/**
 * Executes GLIR commands with a WebGL2 context.
 *
 * Interpreter state (object table, frame buffer stack, programs, GL state set
 * by FUNC) persists from one batch to the next.
 */
export class GlirInterpreter {
  /**
   * @param {WebGL2RenderingContext} gl - made with `{antialias: false, depth: true,
   *   stencil: true, alpha: true}` (and `preserveDrawingBuffer: true` if pixels are
   *   read after the frame is presented) to match desktop pixels.
   * @param {object} [options]
   * @param {boolean|"batch"} [options.checkErrors=true] - call `gl.getError()` after
   *   every command (naming it); "batch": once at the end of each batch (cheaper:
   *   each call can stall a browser's GPU pipeline, but the command is not named);
   *   false: never.
   * @param {WebGLFramebuffer|null} [options.defaultFramebuffer=null] - what the
   *   bottom of the FRAMEBUFFER stack returns to (null: the canvas).
   * @param {string[]} [options.extensions] - extensions to enable if available
   *   (default {@link EXTENSIONS}).
   */
  constructor(gl, options = {}) {
    if (gl === null || typeof gl !== "object" || typeof gl.createVertexArray !== "function") {
      throw new GlirError("GlirInterpreter needs a WebGL2 context");
    }
    const { checkErrors = true, defaultFramebuffer = null, extensions = EXTENSIONS } = options;
    if (![true, false, "batch"].includes(checkErrors)) {
      const given = shortRepr(checkErrors);
      throw new GlirError(`checkErrors must be true, false or "batch", not ${given}`);
    }
    this.gl = gl;
    this.checkErrors = checkErrors;
    this.defaultFramebuffer = defaultFramebuffer;
    /** Names of the extensions that were enabled. */
    this.extensions = new Set(extensions.filter((name) => gl.getExtension(name) !== null));
    this.maxVertexAttribs = gl.getParameter(gl.MAX_VERTEX_ATTRIBS);
    // This context's limits, which SIZE checks before allocating.
    this.maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    this.max3dTextureSize = gl.getParameter(gl.MAX_3D_TEXTURE_SIZE);
    this.maxRenderbufferSize = gl.getParameter(gl.MAX_RENDERBUFFER_SIZE);
    this._totalBytes = 0; // held by all objects (MAX_TOTAL_BYTES)
    this._objects = new Map(); // GLIR id -> GLObject
    this._fbStack = [];
    this._linked = new Map(); // sources key -> LinkedProgram
    this._replies = {};
    this._disposed = false;
    this._handlers = {
      CREATE: this._create,
      DELETE: this._delete,
      SIZE: this._size,
      DATA: this._data,
      WRAPPING: (id, wraps) => this._get(id, GLTexture).wrapping(wraps),
      INTERPOLATION: (id, min, mag) => this._get(id, GLTexture).interpolation(min, mag),
      SHADERS: (id, vert, frag) => this._get(id, GLProgram).shaders(vert, frag),
      UNIFORM: (id, ...args) => this._get(id, GLProgram).uniform(...args),
      TEXTURE: (id, name, textureId) => this._get(id, GLProgram).texture(name, textureId),
      ATTRIBUTE: (id, ...args) => this._get(id, GLProgram).attribute(...args),
      ATTRIBUTE_VALUE: (id, ...args) => this._get(id, GLProgram).attributeValue(...args),
      DRAW: (id, mode, selection, instances = 1) =>
        this._get(id, GLProgram).draw(mode, selection, instances),
      ATTACH: (id, point, targetId) => this._get(id, GLFrameBuffer).attach(point, targetId),
      FRAMEBUFFER: this._framebuffer,
      FUNC: this._func,
      READ_PIXELS: this._readPixels,
    };
    this.resetStateCache();
    this._drainErrors(); // errors made before we came are not our commands'
  }

  /** How many GLIR objects the interpreter holds. */
  get liveObjects() {
    return this._objects.size;
  }

  /** How many distinct GL programs are linked (programs with identical sources share one). */
  get linkedPrograms() {
    return this._linked.size;
  }

  /** Bytes the storage of all buffers, textures and render buffers holds. */
  get heldBytes() {
    return this._totalBytes;
  }

  /**
   * Set what the bottom of the FRAMEBUFFER stack returns to, and bind it now if
   * the stack is empty.
   *
   * @param {WebGLFramebuffer|null} framebuffer - null for the canvas.
   */
  setDefaultFramebuffer(framebuffer) {
    this.defaultFramebuffer = framebuffer ?? null;
    if (this._fbStack.length === 0 && !this._disposed) {
      this.gl.bindFramebuffer(this.gl.FRAMEBUFFER, this.defaultFramebuffer);
    }
  }

  /**
   * Forget cached bindings and re-apply the start-up state (pixel store, current
   * frame buffer): call it after other code changed the context's pixel store.
   */
  resetStateCache() {
    const gl = this.gl;
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
    // Rows are uploaded as they are (docs/glir.md DATA): no flip, no premultiply.
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    this._forgetBindings();
    gl.bindFramebuffer(gl.FRAMEBUFFER, this._framebufferHandle());
  }

  /**
   * Execute a batch of commands in order.
   *
   * A failing command does not stop the batch (so the GL side stays in step
   * with the recording side); at the end, the first error is thrown.
   *
   * @param {Iterable<Array>} commands - as {@link decode} returns them.
   * @returns {Object<string, {data: Uint8Array|Float32Array, shape: number[], dtype: string}>}
   *   the READ_PIXELS replies by request id (rows top to bottom).
   * @throws {GlirError} (a {@link ShaderError} if the first failure was a shader)
   *   naming the first failing command and its id, followed by
   *   "<n> later command(s) failed too: ..."; its `errors` property lists every
   *   error. A batch that throws returns no replies.
   */
  execute(commands) {
    if (this._disposed) throw new GlirError("this GlirInterpreter was disposed");
    const gl = this.gl;
    // Other code may have used the context between batches.
    this._forgetBindings();
    gl.bindFramebuffer(gl.FRAMEBUFFER, this._framebufferHandle());
    const replies = (this._replies = {});
    const errors = [];
    let index = 0;
    for (const cmd of commands) {
      const error = this._run(cmd);
      if (error !== null) {
        error.commandIndex = index;
        errors.push(error);
      }
      if (this.checkErrors === true) {
        const code = gl.getError();
        if (code !== gl.NO_ERROR) {
          this._drainErrors();
          const name = Array.isArray(cmd) ? cmd[0] : "?";
          const what = `${this._errorName(code)} after ${name} command ${commandRepr(cmd)}`;
          const glError = new GlirError(what);
          glError.commandIndex = index;
          errors.push(glError);
        }
      }
      index += 1;
    }
    if (this.checkErrors === "batch") {
      const code = gl.getError();
      if (code !== gl.NO_ERROR) {
        this._drainErrors();
        errors.push(
          new GlirError(
            `${this._errorName(code)} during the batch (checkErrors is "batch": ` +
              "use checkErrors: true to find the command)",
          ),
        );
      }
    }
    if (errors.length > 0) {
      const first = errors[0];
      let message = first.message;
      if (errors.length > 1) {
        const others = errors
          .slice(1, 4)
          .map((e) => e.message.split("\n")[0])
          .join("; ");
        const more = errors.length > 4 ? ` (and ${errors.length - 4} more)` : "";
        message += `\n${errors.length - 1} later command(s) failed too: ${others}${more}`;
      }
      const thrown = new (first instanceof ShaderError ? ShaderError : GlirError)(message);
      thrown.errors = errors;
      thrown.commandIndex = first.commandIndex;
      throw thrown;
    }
    return replies;
  }

  /** Run one command; return its error (prefixed with the command), or null. */
  _run(cmd) {
    if (!Array.isArray(cmd) || cmd.length < 2 || typeof cmd[0] !== "string") {
      return new GlirError(`not a GLIR command: ${shortRepr(cmd)}`);
    }
    const [name, id, ...args] = cmd;
    const handler = Object.hasOwn(this._handlers, name) ? this._handlers[name] : undefined;
    try {
      if (handler === undefined) {
        const known = Object.keys(this._handlers).join(", ");
        throw new GlirError(`unknown GLIR command '${name}' (known: ${known})`);
      }
      const [min, max] = ARITY[name];
      if (args.length < min || args.length > max) {
        if (name === "ATTRIBUTE") {
          throw new GlirError(`ATTRIBUTE takes 9 arguments after the id, got ${args.length}`);
        }
        const takes = min === max ? `${min}` : `${min} to ${max}`;
        throw new TypeError(`takes ${takes} arguments after the id, got ${args.length}`);
      }
      handler.call(this, id, ...args);
      return null;
    } catch (err) {
      if (err instanceof GlirError) {
        const ErrorClass = err instanceof ShaderError ? ShaderError : GlirError;
        return new ErrorClass(`${name} ${id}: ${err.message}`);
      }
      if (err instanceof TypeError || err instanceof RangeError) {
        return new GlirError(`malformed ${name} command ${commandRepr(cmd)}: ${err.message}`);
      }
      return new GlirError(`${name} command ${commandRepr(cmd)} failed: ${err}`);
    }
  }

  /**
   * Delete every object and linked program; the interpreter cannot be used
   * afterwards. The context itself is left to its owner.
   */
  dispose() {
    if (this._disposed) return;
    const gl = this.gl;
    for (const obj of this._objects.values()) obj.delete();
    this._objects.clear();
    for (const linked of this._linked.values()) linked.delete();
    this._linked.clear();
    this._fbStack = [];
    gl.bindVertexArray(null);
    gl.useProgram(null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.defaultFramebuffer);
    this._disposed = true;
  }

  // ---- helpers used by the objects ---------------------------------------------
  _errorName(code) {
    for (const name of GL_ERROR_NAMES) if (this.gl[name] === code) return `GL_${name}`;
    return `GL error 0x${code.toString(16)}`;
  }

  _drainErrors() {
    const gl = this.gl;
    for (let i = 0; i < 16; i++) {
      const code = gl.getError();
      // A lost context reports CONTEXT_LOST_WEBGL once; nothing more to drain.
      if (code === gl.NO_ERROR || code === gl.CONTEXT_LOST_WEBGL) break;
    }
  }

  _get(id, cls) {
    const obj = this._objects.get(id);
    if (obj === undefined) {
      throw new GlirError(`no object with id ${shortRepr(id)} (never created, or deleted)`);
    }
    if (cls !== undefined && !(obj instanceof cls)) {
      throw new GlirError(`object ${id} is a ${obj.className}, not a ${cls.name}`);
    }
    return obj;
  }

  /**
   * Refuse a SIZE over MAX_OBJECT_BYTES, or one that brings the total over
   * MAX_TOTAL_BYTES (the object's current storage is given back first).
   */
  _checkBytes(obj, nbytes, what) {
    if (nbytes > MAX_OBJECT_BYTES) {
      throw new GlirError(
        `${what} is more than one object may hold, ${MAX_OBJECT_BYTES} bytes ` +
          "(glir.MAX_OBJECT_BYTES)",
      );
    }
    const total = this._totalBytes - obj.held + nbytes;
    if (total > MAX_TOTAL_BYTES) {
      throw new GlirError(
        `${what} would bring all objects to ${total} bytes, more than ` +
          `${MAX_TOTAL_BYTES} (glir.MAX_TOTAL_BYTES): delete objects first`,
      );
    }
  }

  _hold(obj, nbytes) {
    this._totalBytes += nbytes - obj.held;
    obj.held = nbytes;
  }

  _forgetBindings() {
    // undefined = unknown: the next bind always reaches GL.
    this._program = undefined;
    this._vao = undefined;
    this._units = new Map(); // unit -> [target, texture]
    this._activeUnit = -1;
  }

  _useProgram(handle) {
    if (this._program !== handle) {
      this.gl.useProgram(handle);
      this._program = handle;
    }
  }

  _bindVao(vao) {
    if (this._vao !== vao) {
      this.gl.bindVertexArray(vao);
      this._vao = vao;
    }
  }

  _forgetVao(vao) {
    if (this._vao === vao) this._vao = undefined;
  }

  _bindTexture(unit, target, handle) {
    const bound = this._units.get(unit);
    if (bound !== undefined && bound[0] === target && bound[1] === handle) return;
    if (this._activeUnit !== unit) {
      this.gl.activeTexture(this.gl.TEXTURE0 + unit);
      this._activeUnit = unit;
    }
    this.gl.bindTexture(target, handle);
    this._units.set(unit, [target, handle]);
  }

  _forgetTexture(handle) {
    for (const [unit, bound] of this._units) if (bound[1] === handle) this._units.delete(unit);
  }

  _linkProgram(vertex, fragment) {
    const key = JSON.stringify([vertex, fragment]);
    let linked = this._linked.get(key);
    if (linked === undefined) {
      linked = new LinkedProgram(this, key, vertex, fragment); // throws ShaderError
      this._linked.set(key, linked);
    }
    linked.users += 1;
    return linked;
  }

  _releaseProgram(linked) {
    linked.users -= 1;
    if (linked.users === 0) {
      this._linked.delete(linked.key);
      if (this._program === linked.handle) this._program = undefined;
      linked.delete();
    }
  }

  _framebufferHandle() {
    const n = this._fbStack.length;
    return n > 0 ? this._fbStack[n - 1].handle : this.defaultFramebuffer;
  }

  // ---- commands ----------------------------------------------------------------
  _create(id, kind) {
    if (!Number.isInteger(id) || id <= 0) {
      throw new GlirError(`object ids are integers > 0, not ${shortRepr(id)}`);
    }
    if (this._objects.has(id)) throw new GlirError(`object ${id} already exists`);
    let obj;
    switch (kind) {
      case "VertexBuffer":
      case "IndexBuffer":
        obj = new GLBuffer(this, kind);
        break;
      case "Texture1D":
      case "Texture2D":
      case "Texture3D":
        obj = new GLTexture(this, kind);
        break;
      case "RenderBuffer":
        obj = new GLRenderBuffer(this);
        break;
      case "FrameBuffer":
        obj = new GLFrameBuffer(this);
        break;
      case "Program":
        obj = new GLProgram(this);
        break;
      default:
        throw new GlirError(`unknown object class '${kind}'`);
    }
    this._objects.set(id, obj);
  }

  _delete(id) {
    const obj = this._objects.get(id);
    if (obj === undefined) throw new GlirError(`no object with id ${shortRepr(id)} to delete`);
    this._objects.delete(id);
    this._hold(obj, 0);
    if (this._fbStack.includes(obj)) {
      // GL would fall back to null, not to our default frame buffer.
      this._fbStack = this._fbStack.filter((fb) => fb !== obj);
      obj.delete();
      this.gl.bindFramebuffer(this.gl.FRAMEBUFFER, this._framebufferHandle());
      return;
    }
    obj.delete();
  }

  _size(id, ...args) {
    const obj = this._get(id);
    let arity = 0;
    if (obj instanceof GLBuffer) arity = 1;
    else if (obj instanceof GLTexture) arity = 3;
    else if (obj instanceof GLRenderBuffer) arity = 2;
    else throw new GlirError(`SIZE does not apply to a ${obj.className}`);
    if (args.length !== arity) {
      const detail = `takes ${arity} arguments after the id, got ${args.length}`;
      throw new TypeError(`SIZE of a ${obj.className} ${detail}`);
    }
    obj.size(...args);
  }

  _data(id, offset, array) {
    const obj = this._get(id);
    if (!(obj instanceof GLBuffer || obj instanceof GLTexture)) {
      throw new GlirError(`DATA does not apply to a ${obj.className}`);
    }
    obj.data(offset, array);
  }

  _framebuffer(id, bind) {
    if (bind) {
      const fbo = this._get(id, GLFrameBuffer);
      fbo.bind();
      this._fbStack.push(fbo);
      return;
    }
    const n = this._fbStack.length;
    if (n === 0 || this._fbStack[n - 1] !== this._objects.get(id)) {
      throw new GlirError(`frame buffer ${id} is not the active one`);
    }
    this._fbStack.pop();
    this.gl.bindFramebuffer(this.gl.FRAMEBUFFER, this._framebufferHandle());
  }

  _func(_id, name, ...args) {
    const values = funcArguments(this.gl, name, args);
    this.gl[name](...values);
  }

  /** What the colour buffer being read holds: "float", "integer" or "normalized". */
  _readKind() {
    const gl = this.gl;
    const n = this._fbStack.length;
    if (n > 0) {
      const format = this._fbStack[n - 1].readFormat;
      if (format === null) return "normalized"; // nothing to read: GL says so
      if (format.endsWith("f")) return "float";
      return format.endsWith("i") ? "integer" : "normalized";
    }
    if (this.defaultFramebuffer === null) return "normalized"; // the canvas: RGBA8
    const query = (pname) =>
      gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, pname);
    if (query(gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE) === gl.NONE) return "normalized";
    const type = query(gl.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE);
    if (type === gl.FLOAT) return "float";
    return type === gl.INT || type === gl.UNSIGNED_INT ? "integer" : "normalized";
  }

  /** [width, height] of the colour buffer READ_PIXELS reads; null if unknown. */
  _readSize() {
    const gl = this.gl;
    const n = this._fbStack.length;
    if (n > 0) return this._fbStack[n - 1].readSize();
    if (this.defaultFramebuffer === null) return [gl.drawingBufferWidth, gl.drawingBufferHeight];
    // A frame buffer of the page's own as the default: its colour render buffer's size.
    const query = (pname) =>
      gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, pname);
    if (query(gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE) !== gl.RENDERBUFFER) return null;
    gl.bindRenderbuffer(gl.RENDERBUFFER, query(gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME));
    const size = [
      gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_WIDTH),
      gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_HEIGHT),
    ];
    gl.bindRenderbuffer(gl.RENDERBUFFER, null);
    return size;
  }

  _readPixels(request, viewport, format = "rgba", dtype = "uint8") {
    const gl = this.gl;
    if (!Array.isArray(viewport) || viewport.length !== 4) {
      throw new GlirError(`viewport must be 4 integers, not ${shortRepr(viewport)}`);
    }
    for (const v of viewport) integer(v, "viewport value", -(2 ** 31 - 1), 2 ** 31 - 1);
    const [x, y, w, h] = viewport;
    if (w <= 0 || h <= 0) {
      throw new GlirError(`READ_PIXELS viewport (${viewport.join(", ")}) is empty`);
    }
    const channels = Object.hasOwn(READ_FORMATS, format) ? READ_FORMATS[format] : undefined;
    if (channels === undefined || !READ_DTYPES.includes(dtype)) {
      const known = `${Object.keys(READ_FORMATS).join("|")}, ${READ_DTYPES.join("|")}`;
      throw new GlirError(`READ_PIXELS format '${format}'/'${dtype}' is not ${known}`);
    }
    // WebGL2 returns zeros for pixels outside the framebuffer; GL leaves them
    // undefined: either way, a reply must not pretend they were drawn.
    const size = this._readSize();
    if (size === null && this._fbStack.length > 0) {
      throw new GlirError("READ_PIXELS reads color0 of the bound frame buffer, which has none");
    }
    if (size !== null) {
      const [fw, fh] = size;
      if (x < 0 || y < 0 || x + w > fw || y + h > fh) {
        throw new GlirError(
          `READ_PIXELS viewport (${viewport.join(", ")}) reaches outside the ${fw}x${fh} ` +
            `framebuffer (x ${x}..${x + w}, y ${y}..${y + h})`,
        );
      }
    }
    const kind = this._readKind();
    if (kind === "integer") {
      throw new GlirError("READ_PIXELS of an integer colour buffer is not supported in version 1");
    }
    // WebGL2 guarantees only RGBA reads (UNSIGNED_BYTE, or FLOAT from a float
    // buffer): read that, then drop channels, convert, and flip the rows.
    const float = kind === "float";
    const rgba = float ? new Float32Array(w * h * 4) : new Uint8Array(w * h * 4);
    gl.readPixels(x, y, w, h, gl.RGBA, float ? gl.FLOAT : gl.UNSIGNED_BYTE, rgba);
    const OutArray = dtype === "uint8" ? Uint8Array : Float32Array;
    const out = new OutArray(w * h * channels);
    // GL's conversions: byte / 255 to float; round(clamp(v, 0, 1) * 255) to byte.
    const convert =
      float === (dtype === "float32")
        ? (v) => v
        : float
          ? (v) => Math.round(Math.min(Math.max(v, 0), 1) * 255)
          : (v) => v / 255;
    let o = 0;
    for (let row = h - 1; row >= 0; row--) {
      let s = row * w * 4;
      for (let col = 0; col < w; col++, s += 4) {
        for (let c = 0; c < channels; c++) out[o++] = convert(rgba[s + c]);
      }
    }
    this._replies[request] = { data: out, shape: [h, w, channels], dtype };
  }
}
