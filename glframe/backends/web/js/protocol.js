// GLIR protocol, browser side: the command set, the dtypes, the FUNC whitelist,
// and the decoders for the two serialized forms of a batch (docs/glir.md, sections
// 3 and 5). Pure data handling: nothing here touches WebGL, so Node can test it.
//
// Decoded arrays are typed arrays that VIEW the transport's buffers (no copy)
// whenever the byte offset is a multiple of the element size; otherwise the
// bytes are copied once into a fresh, aligned typed array. Each decoded array
// carries two extra own properties, `dtype` (the GLIR dtype name, which tells
// float16 from uint16: both are Uint16Array) and `shape` (an array of ints).
//
// Limits: typed arrays use the platform's byte order and GLIR data is little-
// endian; every browser platform is little-endian, and decode() refuses to run on
// a big-endian one rather than misread the data.

/** The GLIR protocol version this module implements. */
export const GLIR_VERSION = 1;

/** The 16 command names, in the order of docs/glir.md section 5. */
export const COMMANDS = Object.freeze([
  "CREATE",
  "DELETE",
  "SIZE",
  "DATA",
  "WRAPPING",
  "INTERPOLATION",
  "SHADERS",
  "UNIFORM",
  "TEXTURE",
  "ATTRIBUTE",
  "ATTRIBUTE_VALUE",
  "DRAW",
  "ATTACH",
  "FRAMEBUFFER",
  "FUNC",
  "READ_PIXELS",
]);
const COMMAND_SET = new Set(COMMANDS);

/** The classes a CREATE may name. */
export const OBJECT_CLASSES = Object.freeze([
  "Program",
  "VertexBuffer",
  "IndexBuffer",
  "Texture1D",
  "Texture2D",
  "Texture3D",
  "RenderBuffer",
  "FrameBuffer",
]);

/**
 * The dtypes that may travel: item size, typed-array class and the name of the
 * GL type (looked up on the context: `gl[glType]`).
 */
export const DTYPES = Object.freeze({
  int8: Object.freeze({ bytes: 1, ArrayType: Int8Array, glType: "BYTE" }),
  uint8: Object.freeze({ bytes: 1, ArrayType: Uint8Array, glType: "UNSIGNED_BYTE" }),
  int16: Object.freeze({ bytes: 2, ArrayType: Int16Array, glType: "SHORT" }),
  uint16: Object.freeze({ bytes: 2, ArrayType: Uint16Array, glType: "UNSIGNED_SHORT" }),
  int32: Object.freeze({ bytes: 4, ArrayType: Int32Array, glType: "INT" }),
  uint32: Object.freeze({ bytes: 4, ArrayType: Uint32Array, glType: "UNSIGNED_INT" }),
  // Raw IEEE half bits: JavaScript has no Float16Array everywhere yet, and WebGL2
  // takes HALF_FLOAT data as a Uint16Array.
  float16: Object.freeze({ bytes: 2, ArrayType: Uint16Array, glType: "HALF_FLOAT" }),
  float32: Object.freeze({ bytes: 4, ArrayType: Float32Array, glType: "FLOAT" }),
});

/**
 * GL state functions FUNC may call, with their argument kinds: "f" float,
 * "i" int, "b" bool, "e" a GL enum by lower-case name, "m" a clear mask.
 * The same table as glframe.gloo.glir.FUNCS.
 */
export const FUNCS = Object.freeze({
  clearColor: "ffff",
  clearDepth: "f",
  clearStencil: "i",
  clear: "m",
  viewport: "iiii",
  scissor: "iiii",
  enable: "e",
  disable: "e",
  blendFuncSeparate: "eeee",
  blendEquationSeparate: "ee",
  blendColor: "ffff",
  depthFunc: "e",
  depthMask: "b",
  depthRange: "ff",
  colorMask: "bbbb",
  cullFace: "e",
  frontFace: "e",
  lineWidth: "f",
  polygonOffset: "ff",
  stencilFuncSeparate: "eeii",
  stencilOpSeparate: "eeee",
  stencilMaskSeparate: "ei",
  sampleCoverage: "fb",
  hint: "ee",
});

/** A malformed or failing GLIR command, or a malformed serialized batch. */
export class GlirError extends Error {
  constructor(message) {
    super(message);
    this.name = "GlirError";
  }
}

/** A shader that failed to compile or link; the message quotes its lines. */
export class ShaderError extends GlirError {
  constructor(message) {
    super(message);
    this.name = "ShaderError";
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A short, readable rendering of a value for error messages. */
export function shortRepr(value, limit = 40) {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const shape = value.shape ?? [value.length];
    return `<${value.dtype ?? value.constructor.name} array ${tupleRepr(shape)}>`;
  }
  if (Array.isArray(value)) {
    const parts = value.slice(0, 8).map((v) => shortRepr(v, limit));
    if (value.length > 8) parts.push(`... ${value.length - 8} more`);
    return `[${parts.join(", ")}]`;
  }
  if (typeof value === "string") {
    const s = value.length > limit ? `${value.slice(0, limit - 3)}...` : value;
    return JSON.stringify(s);
  }
  if (value !== null && typeof value === "object") {
    let text;
    try {
      text = JSON.stringify(value);
    } catch {
      text = String(value);
    }
    return text.length > 2 * limit ? `${text.slice(0, 2 * limit - 3)}...` : text;
  }
  return String(value);
}

/** A shape as Python writes a tuple: (3, 2), (3,), (). */
export function tupleRepr(items) {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

function isPlainObject(value) {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value)
  );
}

/** Bytes of one transport buffer as a Uint8Array view (no copy). */
function bytesOf(buffer, index) {
  if (buffer instanceof ArrayBuffer || isSharedArrayBuffer(buffer)) {
    return new Uint8Array(buffer);
  }
  if (ArrayBuffer.isView(buffer)) {
    // DataView (Jupyter), Uint8Array, Node's Buffer, any typed array.
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  throw new GlirError(`buffer ${index} is not an ArrayBuffer or a view of one (${typeof buffer})`);
}

function isSharedArrayBuffer(value) {
  return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}

/** The typed array an array reference names, viewing its buffer when aligned. */
function arrayFromReference(ref, buffers) {
  for (const key of ["buffer", "dtype", "shape"]) {
    if (!(key in ref)) {
      throw new GlirError(`array reference ${shortRepr(ref)} lacks '${key}'`);
    }
  }
  const { buffer: index, dtype, shape } = ref;
  const info = Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype] : undefined;
  if (info === undefined) {
    throw new GlirError(`array reference has unknown dtype ${shortRepr(dtype)}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= buffers.length) {
    throw new GlirError(
      `array reference to buffer ${shortRepr(index)}, but there are ${buffers.length} buffers`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new GlirError(`array reference has a bad shape ${shortRepr(shape)}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = buffers[index];
  if (count * info.bytes !== bytes.byteLength) {
    throw new GlirError(
      `buffer ${index} holds ${bytes.byteLength} bytes, but the reference says ${dtype} ` +
        `of shape ${tupleRepr(shape)} (${count * info.bytes} bytes)`,
    );
  }
  let array;
  if (bytes.byteOffset % info.bytes === 0) {
    array = new info.ArrayType(bytes.buffer, bytes.byteOffset, count);
  } else {
    // A typed array cannot start at an unaligned offset: copy the bytes once.
    array = new info.ArrayType(count);
    new Uint8Array(array.buffer).set(bytes);
  }
  array.dtype = dtype;
  array.shape = shape.slice();
  return array;
}

function decodeValue(value, buffers) {
  if (Array.isArray(value)) return value.map((v) => decodeValue(v, buffers));
  if (isPlainObject(value)) return arrayFromReference(value, buffers);
  return value;
}

/**
 * Decode a batch in the binary form: a header `{version, commands}` plus its
 * buffers.
 *
 * @param {{version: number, commands: Array}} header - the JSON header (parsed).
 * @param {Array<ArrayBuffer|ArrayBufferView|DataView>} [buffers] - in order.
 * @returns {Array<Array>} the commands, `[name, id, ...args]`; array references
 *   become typed arrays with `dtype` and `shape` properties.
 * @throws {GlirError} on a wrong version, an unknown command, or a bad array
 *   reference (the message names the command's index); nothing is returned then.
 */
export function decode(header, buffers = []) {
  if (!isPlainObject(header) || !Array.isArray(header.commands)) {
    throw new GlirError("GLIR header must be an object with a 'commands' list");
  }
  if (header.version !== GLIR_VERSION) {
    const v = header.version === undefined ? "(missing)" : shortRepr(header.version);
    throw new GlirError(`GLIR version ${v} is not supported (this is ${GLIR_VERSION})`);
  }
  if (!LITTLE_ENDIAN) {
    throw new GlirError("GLIR data is little-endian; this platform is not");
  }
  if (!Array.isArray(buffers)) {
    throw new GlirError("GLIR buffers must be an array");
  }
  const bytes = buffers.map(bytesOf);
  return header.commands.map((raw, k) => {
    if (!Array.isArray(raw) || raw.length === 0 || typeof raw[0] !== "string") {
      throw new GlirError(`command ${k}: not a GLIR command: ${shortRepr(raw)}`);
    }
    if (!COMMAND_SET.has(raw[0])) {
      throw new GlirError(`command ${k}: unknown GLIR command '${raw[0]}'`);
    }
    try {
      return [raw[0], ...raw.slice(1).map((v) => decodeValue(v, bytes))];
    } catch (err) {
      if (err instanceof GlirError) {
        throw new GlirError(`command ${k} (${raw[0]} ${shortRepr(raw[1])}): ${err.message}`);
      }
      throw err;
    }
  });
}

/**
 * Decode a batch in the JSON form: the header with one more key, "buffers", a
 * list of base64 strings (missing = no buffers).
 *
 * @param {string|object|ArrayBuffer|Uint8Array} input - JSON text (or its UTF-8
 *   bytes), or the already parsed object (which is not modified).
 * @returns {Array<Array>} the commands, as {@link decode} returns them.
 * @throws {GlirError} on text that is not a JSON object, bad base64, or any
 *   error of {@link decode}.
 */
export function decodeJSON(input) {
  let header = input;
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    input = new TextDecoder().decode(input);
  }
  if (typeof input === "string") {
    try {
      header = JSON.parse(input);
    } catch (err) {
      throw new GlirError(`GLIR JSON does not parse: ${err.message}`);
    }
  }
  if (!isPlainObject(header)) {
    throw new GlirError("GLIR JSON must be an object");
  }
  const { buffers: encoded = [], ...rest } = header;
  if (!Array.isArray(encoded)) {
    throw new GlirError("GLIR JSON 'buffers' must be a list of base64 strings");
  }
  const buffers = encoded.map((text, i) => base64ToBytes(text, i));
  return decode(rest, buffers);
}

/** Standard base64 (RFC 4648, padded) to bytes. */
export function base64ToBytes(text, index = 0) {
  if (typeof text !== "string") {
    throw new GlirError(`buffer ${index} is not a base64 string`);
  }
  try {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    throw new GlirError(`buffer ${index} is not valid base64`);
  }
}

/** Bytes to standard base64 (RFC 4648, padded). */
export function bytesToBase64(bytes) {
  const view = bytesOf(bytes, 0);
  if (typeof view.toBase64 === "function") return view.toBase64();
  // btoa takes a "binary string"; build it in chunks (argument count limits).
  let binary = "";
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Encode READ_PIXELS replies as the reply message of docs/glir.md (section
 * READ_PIXELS): `{version, replies: {id: {buffer, dtype, shape}}}` plus buffers.
 *
 * @param {Object<string, {data: ArrayBufferView, shape: number[], dtype: string}>} replies
 *   as {@link GlirInterpreter#execute} returns them.
 * @returns {{header: object, buffers: ArrayBufferView[]}}
 */
export function encodeReplies(replies) {
  const buffers = [];
  const out = {};
  for (const [id, reply] of Object.entries(replies)) {
    out[id] = { buffer: buffers.length, dtype: reply.dtype, shape: reply.shape.slice() };
    buffers.push(reply.data);
  }
  return { header: { version: GLIR_VERSION, replies: out }, buffers };
}

/**
 * The reply message in its JSON form (buffers base64-encoded inside).
 *
 * @param {Object<string, {data: ArrayBufferView, shape: number[], dtype: string}>} replies
 * @returns {string}
 */
export function encodeRepliesJSON(replies) {
  const { header, buffers } = encodeReplies(replies);
  return JSON.stringify({ ...header, buffers: buffers.map(bytesToBase64) });
}
