// GlirInterpreter's command dispatch, run against a fake WebGL2 context that
// records every call (no GL needed). The fake has the real WebGL2 constants
// (fixtures/webgl2_constants.json, read from Chromium), introspects programs by
// parsing their sources, and "fails to compile" any shader containing "@@".
import assert from "node:assert/strict";
import test from "node:test";

import { GlirError, GlirInterpreter, ShaderError, decode, decodeJSON, funcArguments } from "../glir.js";
import { GL, callsOf, fakeGL, fixture, namesOf } from "./fake_gl.mjs";

const VERT = "in vec2 a_position;\nuniform vec4 u_color;\nvoid main() { gl_Position = vec4(a_position, 0.0, 1.0); }";
const FRAG = "precision highp float;\nuniform vec4 u_color;\nout vec4 f_color;\nvoid main() { f_color = u_color; }";

function setup(options) {
  const gl = fakeGL(options);
  const interp = new GlirInterpreter(gl, options);
  gl.calls.length = 0;
  return { gl, interp };
}

// ---- tests --------------------------------------------------------------------------
test("start-up: pixel store, extensions, WebGL2 required", () => {
  const gl = fakeGL();
  const interp = new GlirInterpreter(gl);
  assert.deepEqual(callsOf(gl, "pixelStorei").slice(0, 2), [
    ["pixelStorei", GL.UNPACK_ALIGNMENT, 1],
    ["pixelStorei", GL.PACK_ALIGNMENT, 1],
  ]);
  assert.deepEqual([...interp.extensions], ["EXT_color_buffer_float"]);
  assert.equal(interp.maxVertexAttribs, 16);
  assert.throws(() => new GlirInterpreter({}), /needs a WebGL2 context/);
  assert.throws(() => new GlirInterpreter(gl, { checkErrors: "sometimes" }), /checkErrors must be/);
});

test("CREATE and DELETE keep the object table and free GL objects", () => {
  const { gl, interp } = setup();
  const classes = ["VertexBuffer", "IndexBuffer", "Texture1D", "Texture2D", "Texture3D", "RenderBuffer", "FrameBuffer", "Program"];
  interp.execute(classes.map((cls, i) => ["CREATE", i + 1, cls]));
  assert.equal(interp.liveObjects, 8);
  // Textures start with NEAREST filters (GL's default min filter needs mipmaps).
  assert.deepEqual(callsOf(gl, "texParameteri").slice(0, 2), [
    ["texParameteri", GL.TEXTURE_2D, GL.TEXTURE_MIN_FILTER, GL.NEAREST],
    ["texParameteri", GL.TEXTURE_2D, GL.TEXTURE_MAG_FILTER, GL.NEAREST],
  ]);
  assert.equal(callsOf(gl, "createVertexArray").length, 1);
  interp.execute(classes.map((_, i) => ["DELETE", i + 1]));
  assert.equal(interp.liveObjects, 0);
  for (const name of ["deleteBuffer", "deleteTexture", "deleteRenderbuffer", "deleteFramebuffer", "deleteVertexArray"]) {
    assert.ok(callsOf(gl, name).length >= 1, name);
  }
  assert.equal(callsOf(gl, "deleteBuffer").length, 2);
  assert.equal(callsOf(gl, "deleteTexture").length, 3);
  // Leak check: many objects created and deleted leave nothing behind.
  for (let round = 0; round < 3; round++) {
    const ids = Array.from({ length: 50 }, (_, i) => 100 + round * 100 + i);
    interp.execute(ids.map((id) => ["CREATE", id, "Texture2D"]));
    assert.equal(interp.liveObjects, 50);
    interp.execute(ids.map((id) => ["DELETE", id]));
    assert.equal(interp.liveObjects, 0);
  }
  assert.equal(callsOf(gl, "createTexture").length, callsOf(gl, "deleteTexture").length);
});

test("CREATE errors: existing id, unknown class; DELETE of an unknown id", () => {
  const { interp } = setup();
  interp.execute([["CREATE", 1, "VertexBuffer"]]);
  assert.throws(() => interp.execute([["CREATE", 1, "VertexBuffer"]]), /^GlirError: CREATE 1: object 1 already exists$/);
  assert.throws(() => interp.execute([["CREATE", 2, "Texture4D"]]), /CREATE 2: unknown object class 'Texture4D'/);
  assert.throws(() => interp.execute([["DELETE", 7]]), /^GlirError: DELETE 7: no object with id 7 to delete$/);
  assert.equal(interp.liveObjects, 1);
});

test("unknown commands and ids are errors naming them", () => {
  const { interp } = setup();
  let error;
  try {
    interp.execute([["BOGUS", 3], ["UNIFORM", 123, "u", "float", [1]]]);
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof GlirError);
  const [first, second] = error.message.split("\n");
  assert.match(first, /^BOGUS 3: unknown GLIR command 'BOGUS' \(known: CREATE, DELETE, .*READ_PIXELS\)$/);
  assert.equal(second, "1 later command(s) failed too: UNIFORM 123: no object with id 123 (never created, or deleted)");
  assert.equal(error.errors.length, 2);
  assert.equal(error.commandIndex, 0);
  // Wrong class, wrong argument counts.
  interp.execute([["CREATE", 5, "VertexBuffer"]]);
  assert.throws(() => interp.execute([["WRAPPING", 5, ["repeat", "repeat"]]]), /WRAPPING 5: object 5 is a GLBuffer, not a GLTexture/);
  assert.throws(() => interp.execute([["SIZE", 5]]), /malformed SIZE command \("SIZE", 5\): takes 1 to 3 arguments/);
  assert.throws(
    () => interp.execute([["ATTRIBUTE", 5, "a", "vec2", 5, "float32", 2, 0, 0, 0]]),
    /ATTRIBUTE 5: ATTRIBUTE takes 9 arguments after the id, got 8/,
  );
  assert.throws(() => interp.execute([["SIZE", 5, [4, 4], "rgba", "rgba8"]]), /SIZE of a GLBuffer takes 1 arguments after the id, got 3/);
  assert.throws(() => interp.execute(["nonsense"]), /not a GLIR command: "nonsense"/);
});

test("a failing command does not stop the batch; the first error is thrown at the end", () => {
  const { gl, interp } = setup();
  const batch = [
    ["CREATE", 1, "VertexBuffer"],
    ["DATA", 99, 0, new Float32Array(2)],
    ["CREATE", 2, "VertexBuffer"],
    ["SIZE", 2, 8],
    ["DELETE", 50],
    ["DELETE", 51],
    ["DELETE", 52],
    ["DELETE", 53],
  ];
  assert.throws(
    () => interp.execute(batch),
    (err) =>
      err.message.startsWith("DATA 99: no object with id 99 (never created, or deleted)\n4 later command(s) failed too: ") &&
      err.message.includes("DELETE 50: no object with id 50 to delete; DELETE 51") &&
      err.message.endsWith("DELETE 52: no object with id 52 to delete (and 1 more)") &&
      err.errors.length === 5,
  );
  // Everything else ran, and the interpreter stays usable.
  assert.equal(interp.liveObjects, 2);
  assert.deepEqual(callsOf(gl, "bufferData").at(-1), ["bufferData", GL.ARRAY_BUFFER, 8, GL.DYNAMIC_DRAW]);
  interp.execute([["DATA", 2, 0, new Float32Array([1, 2])]]);
  assert.throws(() => interp.execute([["DATA", 2, 4, new Float32Array([1, 2])]]), /bytes 4\.\.12 are outside the buffer's 8/);
});

test("GL errors are checked after each command (or per batch, or never)", () => {
  const failOn = { drawArraysInstanced: GL.INVALID_OPERATION };
  const batch = [
    ["CREATE", 1, "Program"],
    ["SHADERS", 1, VERT, FRAG],
    ["DRAW", 1, "triangles", [0, 3], 1],
    ["FUNC", 0, "clearColor", 0, 0, 0, 1],
  ];
  let { gl, interp } = setup({ failOn });
  assert.throws(
    () => interp.execute(batch),
    (err) => /^GL_INVALID_OPERATION after DRAW command \("DRAW", 1, "triangles", \[0, 3\], 1\)$/.test(err.message) && err.commandIndex === 2,
  );
  assert.equal(callsOf(gl, "getError").length, 4 + 1); // + one to drain
  ({ gl, interp } = setup({ failOn, checkErrors: "batch" }));
  assert.throws(() => interp.execute(batch), /^GlirError: GL_INVALID_OPERATION during the batch/);
  assert.equal(callsOf(gl, "getError").length, 2);
  ({ gl, interp } = setup({ failOn, checkErrors: false }));
  interp.execute(batch);
  assert.equal(callsOf(gl, "getError").length, 0);
});

test("programs with the same sources share one linked program; uniforms are reloaded", () => {
  const { gl, interp } = setup();
  interp.execute([
    ["CREATE", 1, "Program"],
    ["CREATE", 2, "Program"],
    ["UNIFORM", 1, "u_color", "vec4", [1, 0, 0, 1]], // before SHADERS: stored
    ["SHADERS", 1, VERT, FRAG],
    ["SHADERS", 2, VERT, FRAG],
    ["UNIFORM", 2, "u_color", "vec4", [0, 1, 0, 1]],
  ]);
  assert.equal(interp.linkedPrograms, 1);
  assert.equal(callsOf(gl, "createProgram").length, 1);
  const uniformValues = () => callsOf(gl, "uniform4fv").map((c) => Array.from(c[2]));
  assert.deepEqual(uniformValues(), []); // nobody owns the linked program yet
  const draw = (id) => interp.execute([["DRAW", id, "triangles", [0, 3], 1]]);
  const drawsAndUniforms = () => namesOf(gl).filter((n) => n === "uniform4fv" || n === "drawArraysInstanced");
  draw(1);
  assert.deepEqual(uniformValues(), [[1, 0, 0, 1]]);
  draw(2);
  assert.deepEqual(uniformValues(), [[1, 0, 0, 1], [0, 1, 0, 1]]);
  draw(2); // still loaded: no uniform call
  assert.deepEqual(drawsAndUniforms().slice(-2), ["drawArraysInstanced", "drawArraysInstanced"]);
  interp.execute([["UNIFORM", 1, "u_color", "vec4", [0, 0, 1, 1]]]); // 2 owns it: stored only
  assert.equal(uniformValues().length, 2);
  interp.execute([["UNIFORM", 2, "u_color", "vec4", [1, 1, 1, 1]]]); // 2 owns it: set now
  assert.deepEqual(uniformValues().at(-1), [1, 1, 1, 1]);
  draw(1);
  assert.deepEqual(uniformValues().at(-1), [0, 0, 1, 1]);
  assert.deepEqual(drawsAndUniforms().slice(-2), ["uniform4fv", "drawArraysInstanced"]);
  // Every value went to the one linked program's location.
  const linkedProgram = gl.calls.find((c) => c[0] === "linkProgram")[1];
  for (const call of callsOf(gl, "uniform4fv")) assert.deepEqual(call[1], { program: linkedProgram.n, uniform: "u_color" });
  // Deleting one user keeps the linked program; deleting the last frees it.
  interp.execute([["DELETE", 1]]);
  assert.equal(interp.linkedPrograms, 1);
  assert.equal(callsOf(gl, "deleteProgram").length, 0);
  interp.execute([["DELETE", 2]]);
  assert.equal(interp.linkedPrograms, 0);
  assert.equal(callsOf(gl, "deleteProgram").length, 1);
  assert.equal(callsOf(gl, "deleteVertexArray").length, 2);
});

test("uniform setters by GLSL type; bad types and counts are errors", () => {
  const vert = "in vec2 a;\nvoid main() { gl_Position = vec4(a, 0.0, 1.0); }";
  const frag =
    "precision highp float;\nuniform float u_w[3];\nuniform mat3 u_m;\nuniform ivec2 u_i;\n" +
    "uniform uint u_u;\nuniform bool u_b;\nout vec4 c;\nvoid main() { c = vec4(1.0); }";
  const { gl, interp } = setup();
  interp.execute([
    ["CREATE", 1, "Program"],
    ["SHADERS", 1, vert, frag],
    ["UNIFORM", 1, "u_w", "float", [1, 2, 3]],
    ["UNIFORM", 1, "u_m", "mat3", [1, 0, 0, 0, 1, 0, 0.5, 0.25, 1]],
    ["UNIFORM", 1, "u_i", "ivec2", [3, -4]],
    ["UNIFORM", 1, "u_u", "uint", [7]],
    ["UNIFORM", 1, "u_b", "bool", [true]],
    ["UNIFORM", 1, "u_missing", "vec4", [1, 2, 3, 4]], // silently stored, no call
    ["DRAW", 1, "points", [0, 1], 1],
  ]);
  const set = gl.calls.filter((c) => /^uniform/.test(c[0]) && c[0] !== "uniform1i");
  assert.deepEqual(
    set.map((c) => [c[0], c[1].uniform, c.at(-1).constructor.name, Array.from(c.at(-1))]),
    [
      ["uniform1fv", "u_w", "Float32Array", [1, 2, 3]],
      ["uniformMatrix3fv", "u_m", "Float32Array", [1, 0, 0, 0, 1, 0, 0.5, 0.25, 1]],
      ["uniform2iv", "u_i", "Int32Array", [3, -4]],
      ["uniform1uiv", "u_u", "Uint32Array", [7]],
      ["uniform1iv", "u_b", "Int32Array", [1]],
    ],
  );
  assert.equal(callsOf(gl, "uniformMatrix3fv")[0][2], false); // column-major, no transpose
  assert.throws(() => interp.execute([["UNIFORM", 1, "u_w", "double", [1]]]), /unknown uniform type 'double' for 'u_w'/);
  assert.throws(() => interp.execute([["UNIFORM", 1, "u_m", "mat3", [1, 2]]]), /uniform 'u_m' \(mat3\) needs a multiple of 9 values/);
  assert.throws(() => interp.execute([["UNIFORM", 1, "u_m", "mat3", "nine"]]), /malformed UNIFORM command/);
});

test("samplers get units in sorted name order; DRAW binds their textures", () => {
  const frag =
    "precision highp float;\nuniform sampler2D u_b;\nuniform sampler3D u_a;\nuniform usampler2D u_c;\n" +
    "out vec4 c;\nvoid main() { c = vec4(1.0); }";
  const { gl, interp } = setup();
  interp.execute([
    ["CREATE", 1, "Program"],
    ["CREATE", 2, "Texture2D"],
    ["CREATE", 3, "Texture3D"],
    ["SHADERS", 1, VERT, frag],
    ["TEXTURE", 1, "u_a", 3],
    ["TEXTURE", 1, "u_b", 2],
  ]);
  const units = callsOf(gl, "uniform1i").map((c) => [c[1].uniform, c[2]]);
  assert.deepEqual(units, [["u_a", 0], ["u_b", 1], ["u_c", 2]]);
  gl.calls.length = 0;
  interp.execute([["DRAW", 1, "triangles", [0, 3], 1]]);
  const binds = gl.calls.filter((c) => c[0] === "activeTexture" || c[0] === "bindTexture");
  assert.deepEqual(binds, [
    ["activeTexture", GL.TEXTURE0],
    ["bindTexture", GL.TEXTURE_3D, binds[1][2]],
    ["activeTexture", GL.TEXTURE0 + 1],
    ["bindTexture", GL.TEXTURE_2D, binds[3][2]],
  ]);
  assert.equal(binds[1][2].kind, "texture");
  // A deleted texture makes the next DRAW fail, naming it; TEXTURE checks the class.
  assert.throws(() => interp.execute([["DELETE", 2], ["DRAW", 1, "triangles", [0, 3], 1]]), /DRAW 1: no object with id 2/);
  assert.throws(() => interp.execute([["TEXTURE", 1, "u_b", 1]]), /object 1 is a GLProgram, not a GLTexture/);
});

test("index buffers stay on ELEMENT_ARRAY_BUFFER, uploaded with no vertex array bound", () => {
  const { gl, interp } = setup();
  interp.execute([
    ["CREATE", 1, "Program"],
    ["CREATE", 2, "VertexBuffer"],
    ["CREATE", 3, "IndexBuffer"],
    ["SHADERS", 1, VERT, FRAG],
    ["SIZE", 2, 24],
    ["DATA", 2, 0, new Float32Array(6)],
    ["ATTRIBUTE", 1, "a_position", "vec2", 2, "float32", 2, 0, 0, 0, false],
    ["DRAW", 1, "triangles", [0, 3], 1], // leaves no vertex array bound
  ]);
  const vertexBuffer = callsOf(gl, "bindBuffer")[0][2];
  assert.ok(callsOf(gl, "bindBuffer").every((c) => c[1] === GL.ARRAY_BUFFER && c[2] === vertexBuffer));
  gl.calls.length = 0;
  interp.execute([["SIZE", 3, 8], ["DATA", 3, 0, new Uint16Array([0, 1, 2, 0])]]);
  const binds = gl.calls.filter((c) => c[0] === "bindBuffer" || c[0] === "bindVertexArray");
  assert.deepEqual(binds.map((c) => c.slice(0, 2)), [
    ["bindVertexArray", null],
    ["bindBuffer", GL.ELEMENT_ARRAY_BUFFER],
    ["bindBuffer", GL.ELEMENT_ARRAY_BUFFER],
  ]);
  gl.calls.length = 0;
  interp.execute([["DRAW", 1, "triangles", [3, "uint16", 3, 1], 4]]);
  const draw = gl.calls.filter((c) => ["bindVertexArray", "bindBuffer", "drawElementsInstanced"].includes(c[0]));
  assert.equal(draw[0][0], "bindVertexArray");
  assert.notEqual(draw[0][1], null);
  assert.deepEqual(draw[1].slice(0, 2), ["bindBuffer", GL.ELEMENT_ARRAY_BUFFER]);
  assert.deepEqual(draw[2], ["drawElementsInstanced", GL.TRIANGLES, 3, GL.UNSIGNED_SHORT, 2, 4]);
  assert.deepEqual(draw[3], ["bindVertexArray", null]);
  assert.notEqual(vertexBuffer, draw[1][2]);
  // The wrong kind of buffer is refused, either way round.
  assert.throws(() => interp.execute([["DRAW", 1, "triangles", [2, "uint16", 3, 0], 1]]), /object 2 is a VertexBuffer; indexed draws read IndexBuffers/);
  assert.throws(
    () => interp.execute([["ATTRIBUTE", 1, "a_position", "vec2", 3, "float32", 2, 0, 0, 0, false]]),
    /object 3 is an IndexBuffer; attributes read VertexBuffers/,
  );
  assert.throws(() => interp.execute([["DRAW", 1, "quads", [0, 3], 1]]), /unknown draw mode 'quads'; known: points, lines/);
});

test("attributes: matrices take consecutive locations, integers use IPointer, divisors", () => {
  const vert =
    "in vec2 a_position;\nin mat3 a_m;\nin ivec2 a_i;\nin uvec2 a_u;\nin vec4 a_color;\n" +
    "void main() { gl_Position = vec4(a_position, 0.0, 1.0); }";
  const { gl, interp } = setup();
  interp.execute([
    ["CREATE", 1, "Program"],
    ["CREATE", 2, "VertexBuffer"],
    ["SIZE", 2, 112], // 3 instances of a_m: 4 + 3 x 36 bytes
    ["ATTRIBUTE", 1, "a_m", "mat3", 2, "float32", 9, 0, 4, 1, false], // before SHADERS: stored
    ["SHADERS", 1, vert, FRAG],
    ["ATTRIBUTE", 1, "a_i", "ivec2", 2, "int16", 2, 4, 0, 0, false],
    ["ATTRIBUTE", 1, "a_color", "vec4", 2, "uint8", 4, 0, 0, 2, true],
    ["ATTRIBUTE_VALUE", 1, "a_u", "uvec2", [3, 4]],
  ]);
  // Locations: a_position 0, a_m 1..3, a_i 4, a_u 5, a_color 6.
  assert.deepEqual(callsOf(gl, "vertexAttribPointer"), [
    ["vertexAttribPointer", 1, 3, GL.FLOAT, false, 36, 4],
    ["vertexAttribPointer", 2, 3, GL.FLOAT, false, 36, 16],
    ["vertexAttribPointer", 3, 3, GL.FLOAT, false, 36, 28],
    ["vertexAttribPointer", 6, 4, GL.UNSIGNED_BYTE, true, 0, 0],
  ]);
  assert.deepEqual(callsOf(gl, "vertexAttribIPointer"), [["vertexAttribIPointer", 4, 2, GL.SHORT, 4, 0]]);
  assert.deepEqual(callsOf(gl, "vertexAttribDivisor").map((c) => c.slice(1)), [[1, 1], [2, 1], [3, 1], [4, 0], [6, 2]]);
  // SHADERS disabled every location first (they may have moved).
  assert.deepEqual(
    callsOf(gl, "disableVertexAttribArray").slice(0, 16).map((c) => c[1]),
    Array.from({ length: 16 }, (_, i) => i),
  );
  assert.deepEqual(callsOf(gl, "disableVertexAttribArray").at(-1), ["disableVertexAttribArray", 5]);
  // Constant values are set at every DRAW, padded with (0, 0, 0, 1).
  interp.execute([["DRAW", 1, "points", [0, 1], 3], ["DRAW", 1, "points", [0, 1], 3]]);
  assert.deepEqual(callsOf(gl, "vertexAttribI4ui"), [
    ["vertexAttribI4ui", 5, 3, 4, 0, 1],
    ["vertexAttribI4ui", 5, 3, 4, 0, 1],
  ]);
  assert.deepEqual(callsOf(gl, "drawArraysInstanced")[0], ["drawArraysInstanced", GL.POINTS, 0, 1, 3]);
  interp.execute([["ATTRIBUTE_VALUE", 1, "a_color", "vec2", [0.5, 0.25]], ["DRAW", 1, "points", [0, 1], 1]]);
  assert.deepEqual(callsOf(gl, "vertexAttrib4f").at(-1), ["vertexAttrib4f", 6, 0.5, 0.25, 0, 1]);
  // WebGL2's alignment rules are named instead of a bare GL error.
  assert.throws(
    () => interp.execute([["ATTRIBUTE", 1, "a_position", "vec2", 2, "float32", 2, 0, 2, 0, false]]),
    /attribute 'a_position': WebGL2 needs offset \(2\) and stride \(0\) to be multiples of the float32 size \(4\)/,
  );
  assert.throws(() => interp.execute([["ATTRIBUTE_VALUE", 1, "a_m", "mat2", [1, 0, 0, 1]]]), /ATTRIBUTE_VALUE of type 'mat2'/);
});

test("textures: SIZE and DATA formats and types by internal format and dtype", () => {
  const { gl, interp } = setup();
  const half = new Uint16Array(2 * 3 * 4).fill(0x3c00);
  half.dtype = "float16";
  half.shape = [2, 3, 4];
  const bytes = new Uint8Array(2 * 4);
  bytes.dtype = "uint8";
  bytes.shape = [2, 4];
  const ints = new Uint32Array(4 * 2 * 2);
  ints.dtype = "uint32";
  ints.shape = [4, 2, 2];
  interp.execute([
    ["CREATE", 1, "Texture2D"],
    ["SIZE", 1, [4, 8], "rgba", "rgba16f"],
    ["DATA", 1, [1, 2], half],
    ["CREATE", 2, "Texture1D"],
    ["SIZE", 2, [16], "rgba", "rgba8"],
    ["DATA", 2, [3], bytes],
    ["CREATE", 3, "Texture3D"],
    ["SIZE", 3, [4, 2, 2], "red", "r32ui"],
    ["DATA", 3, [0, 0, 0], ints],
    ["CREATE", 4, "Texture2D"],
    ["SIZE", 4, [4, 4], "depth_component", "depth_component24"],
    ["WRAPPING", 3, ["repeat", "clamp_to_edge", "mirrored_repeat"]],
    ["INTERPOLATION", 1, "linear", "nearest"],
  ]);
  assert.deepEqual(
    callsOf(gl, "texImage2D").map((c) => c.slice(1)),
    [
      [GL.TEXTURE_2D, 0, GL.RGBA16F, 8, 4, 0, GL.RGBA, GL.HALF_FLOAT, null],
      [GL.TEXTURE_2D, 0, GL.RGBA8, 16, 1, 0, GL.RGBA, GL.UNSIGNED_BYTE, null],
      [GL.TEXTURE_2D, 0, GL.DEPTH_COMPONENT24, 4, 4, 0, GL.DEPTH_COMPONENT, GL.UNSIGNED_INT, null],
    ],
  );
  assert.deepEqual(callsOf(gl, "texImage3D")[0].slice(1), [GL.TEXTURE_3D, 0, GL.R32UI, 2, 2, 4, 0, GL.RED_INTEGER, GL.UNSIGNED_INT, null]);
  assert.deepEqual(
    callsOf(gl, "texSubImage2D").map((c) => c.slice(1)),
    [
      [GL.TEXTURE_2D, 0, 2, 1, 3, 2, GL.RGBA, GL.HALF_FLOAT, half], // offset (y, x) = (1, 2)
      [GL.TEXTURE_2D, 0, 3, 0, 2, 1, GL.RGBA, GL.UNSIGNED_BYTE, bytes], // 1D: row 0
    ],
  );
  assert.deepEqual(callsOf(gl, "texSubImage3D")[0].slice(1), [GL.TEXTURE_3D, 0, 0, 0, 0, 2, 2, 4, GL.RED_INTEGER, GL.UNSIGNED_INT, ints]);
  const params = callsOf(gl, "texParameteri").slice(-5).map((c) => c.slice(2));
  assert.deepEqual(params, [
    [GL.TEXTURE_WRAP_S, GL.REPEAT],
    [GL.TEXTURE_WRAP_T, GL.CLAMP_TO_EDGE],
    [GL.TEXTURE_WRAP_R, GL.MIRRORED_REPEAT],
    [GL.TEXTURE_MIN_FILTER, GL.LINEAR],
    [GL.TEXTURE_MAG_FILTER, GL.NEAREST],
  ]);
  const rgb = new Uint8Array(3 * 3);
  rgb.dtype = "uint8";
  rgb.shape = [3, 3]; // a 1D region of 3 texels, 3 channels
  const cases = [
    [["DATA", 1, [3, 6], half], /region \(2, 3\) at \(3, 6\) is outside the texture \(4, 8\)/],
    [["DATA", 2, [0], rgb], /array of shape \(3, 3\) has 3 channel\(s\) \(9 bytes\); the texture's format rgba has 4 \(12 bytes of uint8\): send shape \(3, 4\)/],
    [["SIZE", 1, [4, 4], "rgb", "rgba8"], /internal format 'rgba8' goes with format 'rgba', not 'rgb'/],
    [["SIZE", 1, [4, 4], "rgba", "rgba64f"], /unknown GL enum name 'rgba64f'/],
    [["SIZE", 1, [4], "rgba", "rgba8"], /Texture2D needs a shape of 2 values, not \(4,\)/],
    [["WRAPPING", 1, ["repeat"]], /WRAPPING needs 2 of clamp_to_edge, repeat, mirrored_repeat/],
    [["INTERPOLATION", 1, "cubic", "linear"], /INTERPOLATION takes nearest or linear/],
    [["CREATE", 9, "Texture2D"], null],
    [["DATA", 9, [0, 0], bytes], /texture DATA before SIZE/],
  ];
  for (const [cmd, message] of cases) {
    if (message === null) interp.execute([cmd]);
    else assert.throws(() => interp.execute([cmd]), message, cmd.join(" "));
  }
});

test("frame buffers: attachments, draw buffers, the stack and its default", () => {
  const { gl, interp } = setup();
  interp.execute([
    ["CREATE", 1, "FrameBuffer"],
    ["CREATE", 2, "Texture2D"],
    ["SIZE", 2, [4, 4], "rgba", "rgba8"],
    ["CREATE", 3, "RenderBuffer"],
    ["SIZE", 3, [4, 4], "depth_component24"],
    ["CREATE", 4, "Texture3D"],
  ]);
  gl.calls.length = 0;
  interp.execute([["ATTACH", 1, "color0", 2], ["ATTACH", 1, "depth", 3], ["ATTACH", 1, "stencil", 0]]);
  const fbCalls = gl.calls.filter((c) => /^(bindFramebuffer|framebuffer|drawBuffers)/.test(c[0]));
  assert.deepEqual(
    fbCalls.map((c) => [c[0], ...c.slice(1).map((v) => (v?.kind !== undefined ? v.kind : v))]),
    [
      ["bindFramebuffer", GL.FRAMEBUFFER, null], // the batch starts on the current target
      ["bindFramebuffer", GL.FRAMEBUFFER, "framebuffer"],
      ["framebufferTexture2D", GL.FRAMEBUFFER, GL.COLOR_ATTACHMENT0, GL.TEXTURE_2D, "texture", 0],
      ["drawBuffers", [GL.COLOR_ATTACHMENT0]],
      ["bindFramebuffer", GL.FRAMEBUFFER, null],
      ["bindFramebuffer", GL.FRAMEBUFFER, "framebuffer"],
      ["framebufferRenderbuffer", GL.FRAMEBUFFER, GL.DEPTH_ATTACHMENT, GL.RENDERBUFFER, "renderbuffer"],
      ["bindFramebuffer", GL.FRAMEBUFFER, null],
      ["bindFramebuffer", GL.FRAMEBUFFER, "framebuffer"],
      ["framebufferRenderbuffer", GL.FRAMEBUFFER, GL.STENCIL_ATTACHMENT, GL.RENDERBUFFER, null],
      ["bindFramebuffer", GL.FRAMEBUFFER, null],
    ],
  );
  assert.throws(() => interp.execute([["ATTACH", 1, "color9", 2]]), /unknown attachment 'color9'; known: color0/);
  assert.throws(() => interp.execute([["ATTACH", 1, "color1", 4]]), /object 4 cannot be attached to a frame buffer/);
  // A colour point with a gap: NONE where nothing is attached.
  interp.execute([["CREATE", 5, "Texture2D"], ["ATTACH", 1, "color2", 5]]);
  assert.deepEqual(callsOf(gl, "drawBuffers").at(-1), ["drawBuffers", [GL.COLOR_ATTACHMENT0, GL.NONE, GL.COLOR_ATTACHMENT2]]);
  // The stack: bind, unbind in order; an incomplete frame buffer is not pushed.
  const fbo = fbCalls[1][2];
  gl.calls.length = 0;
  interp.execute([["FRAMEBUFFER", 1, true]]);
  assert.deepEqual(callsOf(gl, "bindFramebuffer").at(-1), ["bindFramebuffer", GL.FRAMEBUFFER, fbo]);
  assert.throws(() => interp.execute([["FRAMEBUFFER", 7, false]]), /FRAMEBUFFER 7: frame buffer 7 is not the active one/);
  interp.execute([["FRAMEBUFFER", 1, false]]);
  assert.deepEqual(callsOf(gl, "bindFramebuffer").at(-1), ["bindFramebuffer", GL.FRAMEBUFFER, null]);
  gl.fbStatus = GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT;
  assert.throws(() => interp.execute([["FRAMEBUFFER", 1, true]]), /FRAMEBUFFER 1: frame buffer is incomplete: an attachment is incomplete \(unsized\?\)/);
  assert.deepEqual(callsOf(gl, "bindFramebuffer").at(-1), ["bindFramebuffer", GL.FRAMEBUFFER, null]);
  gl.fbStatus = GL.FRAMEBUFFER_COMPLETE;
  // A settable default frame buffer: the bottom of the stack returns to it.
  const canvasFbo = { kind: "host framebuffer" };
  interp.setDefaultFramebuffer(canvasFbo);
  assert.deepEqual(callsOf(gl, "bindFramebuffer").at(-1), ["bindFramebuffer", GL.FRAMEBUFFER, canvasFbo]);
  interp.execute([["FRAMEBUFFER", 1, true], ["FRAMEBUFFER", 1, false]]);
  assert.deepEqual(callsOf(gl, "bindFramebuffer").at(-1), ["bindFramebuffer", GL.FRAMEBUFFER, canvasFbo]);
  // Deleting a bound frame buffer falls back to the default one, not to null.
  interp.execute([["FRAMEBUFFER", 1, true], ["DELETE", 1]]);
  assert.deepEqual(callsOf(gl, "bindFramebuffer").at(-1), ["bindFramebuffer", GL.FRAMEBUFFER, canvasFbo]);
  interp.setDefaultFramebuffer(null);
});

test("READ_PIXELS: rows top to bottom, channels dropped, dtypes converted", () => {
  const { gl, interp } = setup();
  const replies = interp.execute([
    ["READ_PIXELS", 10, [1, 2, 3, 2], "rgb", "uint8"],
    ["READ_PIXELS", 11, [0, 0, 1, 1], "rgba", "float32"],
    ["READ_PIXELS", 12, [5, 6, 2, 1], "red", "uint8"],
  ]);
  assert.deepEqual(Object.keys(replies), ["10", "11", "12"]);
  const r = replies[10];
  assert.deepEqual(r.shape, [2, 3, 3]);
  assert.equal(r.dtype, "uint8");
  // Row 0 is GL row y + h - 1 = 3.
  assert.deepEqual(Array.from(r.data), [1, 3, 7, 2, 3, 7, 3, 3, 7, 1, 2, 7, 2, 2, 7, 3, 2, 7]);
  assert.ok(replies[11].data instanceof Float32Array);
  assert.deepEqual(Array.from(replies[11].data), [0, 0, 7 / 255, 1].map(Math.fround));
  assert.deepEqual(Array.from(replies[12].data), [5, 6]);
  assert.deepEqual(callsOf(gl, "readPixels")[0].slice(1, 7), [1, 2, 3, 2, GL.RGBA, GL.UNSIGNED_BYTE]);
  // From a float frame buffer: read FLOAT, convert to bytes as GL does.
  interp.execute([
    ["CREATE", 1, "FrameBuffer"],
    ["CREATE", 2, "Texture2D"],
    ["SIZE", 2, [4, 4], "rgba", "rgba32f"],
    ["ATTACH", 1, "color0", 2],
    ["FRAMEBUFFER", 1, true],
  ]);
  const f = interp.execute([["READ_PIXELS", 13, [2, 1, 1, 1], "rgba", "uint8"], ["READ_PIXELS", 14, [2, 1, 1, 1], "rgba", "float32"]]);
  assert.equal(callsOf(gl, "readPixels").at(-1)[6], GL.FLOAT);
  assert.deepEqual(Array.from(f[13].data), [128, 64, 255, 0]); // 0.5, 0.25, 1.5 -> 1, -0.25 -> 0
  assert.deepEqual(Array.from(f[14].data), [0.5, 0.25, 1.5, -0.25]);
  assert.throws(() => interp.execute([["READ_PIXELS", 15, [0, 0, 0, 4], "rgba", "uint8"]]), /READ_PIXELS viewport \(0, 0, 0, 4\) is empty/);
  assert.throws(() => interp.execute([["READ_PIXELS", 16, [0, 0, 1, 1], "bgra", "uint8"]]), /READ_PIXELS format 'bgra'\/'uint8' is not rgba\|rgb\|red, uint8\|float32/);
});

test("FUNC: the whitelist, argument kinds, enums and clear masks", () => {
  assert.deepEqual(funcArguments(GL, "clearColor", [0, 0.5, 1, 1]), [0, 0.5, 1, 1]);
  assert.deepEqual(funcArguments(GL, "clear", ["color|depth"]), [GL.COLOR_BUFFER_BIT | GL.DEPTH_BUFFER_BIT]);
  assert.deepEqual(funcArguments(GL, "clear", ["stencil"]), [GL.STENCIL_BUFFER_BIT]);
  assert.deepEqual(funcArguments(GL, "enable", ["depth_test"]), [GL.DEPTH_TEST]);
  assert.deepEqual(
    funcArguments(GL, "blendFuncSeparate", ["src_alpha", "one_minus_src_alpha", "one", "one_minus_src_alpha"]),
    [GL.SRC_ALPHA, GL.ONE_MINUS_SRC_ALPHA, GL.ONE, GL.ONE_MINUS_SRC_ALPHA],
  );
  assert.deepEqual(funcArguments(GL, "stencilFuncSeparate", ["front_and_back", "always", 1, 4294967295]), [
    GL.FRONT_AND_BACK,
    GL.ALWAYS,
    1,
    4294967295,
  ]);
  assert.deepEqual(funcArguments(GL, "viewport", [0, 0, 64.0, 48]), [0, 0, 64, 48]);
  assert.deepEqual(funcArguments(GL, "depthMask", [0]), [false]);
  assert.throws(() => funcArguments(GL, "drawArrays", [0, 3]), /^GlirError: unknown FUNC 'drawArrays'; allowed: clearColor, clearDepth, /);
  assert.throws(() => funcArguments(GL, "constructor", []), /unknown FUNC 'constructor'/);
  assert.throws(() => funcArguments(GL, "viewport", [0, 0, 4]), /FUNC viewport takes 4 arguments, got 3/);
  assert.throws(() => funcArguments(GL, "enable", ["line_smooth"]), /unknown GL enum name 'line_smooth'/);
  assert.throws(() => funcArguments(GL, "enable", ["__proto__"]), /unknown GL enum name '__proto__'/);
  assert.throws(() => funcArguments(GL, "clear", ["color|colour"]), /unknown clear mask 'colour'/);
  assert.throws(() => funcArguments(GL, "clear", [""]), /unknown clear mask ''/);
  assert.throws(() => funcArguments(GL, "clearColor", [0, 0, "x", 1]), TypeError);
  // Through the interpreter: the call reaches GL; an unknown FUNC names itself.
  const { gl, interp } = setup();
  interp.execute([["FUNC", 0, "clear", "color|depth"], ["FUNC", 0, "enable", "blend"]]);
  assert.deepEqual(callsOf(gl, "clear"), [["clear", GL.COLOR_BUFFER_BIT | GL.DEPTH_BUFFER_BIT]]);
  assert.deepEqual(callsOf(gl, "enable"), [["enable", GL.BLEND]]);
  assert.throws(() => interp.execute([["FUNC", 0, "finish"]]), /^GlirError: FUNC 0: unknown FUNC 'finish'; allowed:/);
});

test("shader errors quote the failing line; the previous program stays", () => {
  const { gl, interp } = setup();
  interp.execute([["CREATE", 1, "Program"], ["SHADERS", 1, VERT, FRAG]]);
  const bad = "precision highp float;\nout vec4 f_color;\nvoid main() { f_color = @@; }";
  let error;
  try {
    interp.execute([["SHADERS", 1, VERT, bad], ["DRAW", 1, "triangles", [0, 3], 1]]);
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ShaderError);
  assert.equal(
    error.message,
    [
      "SHADERS 1: fragment shader failed to compile:",
      "ERROR: 0:3: '@' : syntax error",
      "",
      "  2 | out vec4 f_color;",
      "> 3 | void main() { f_color = @@; }",
    ].join("\n"),
  );
  // The DRAW after it used the old program, without error.
  assert.equal(callsOf(gl, "drawArraysInstanced").length, 1);
  assert.equal(interp.linkedPrograms, 1);
  assert.throws(() => interp.execute([["SHADERS", 1, "#version 330 core\n" + VERT, FRAG]]), /SHADERS 1: vertex shader: shader declares '#version 330 core'/);
  assert.throws(() => interp.execute([["SHADERS", 1, VERT, FRAG + "// LINKFAIL"]]), /SHADERS 1: program failed to link:\nlink error: LINKFAIL$/);
  assert.throws(() => interp.execute([["CREATE", 2, "Program"], ["DRAW", 2, "points", [0, 1], 1]]), /DRAW 2: program has no \(working\) shaders/);
  // What was compiled: version first, the precision block, and the author's lines.
  const source = callsOf(gl, "shaderSource")[0][2];
  assert.match(source, /^#version 300 es\nprecision highp float;\n[^]*#line 1\nin vec2 a_position;/);
});

test("the recorded hello triangle and textures frames run without error", () => {
  const extensions = ["EXT_color_buffer_float", "OES_texture_float_linear"];
  for (const [name, request, shape] of [["hello_triangle.json", "3", [48, 64, 4]], ["textures.json", null, null]]) {
    const drawingBuffer = name === "textures.json" ? [640, 480] : [64, 48]; // as recorded
    const { gl, interp } = setup({ extensions, drawingBuffer });
    const commands = decodeJSON(fixture(name));
    const replies = interp.execute(commands);
    if (request !== null) assert.deepEqual(replies[request].shape, shape);
    assert.ok(callsOf(gl, "drawArraysInstanced").length >= 1, name);
    assert.equal(gl.errors.length, 0);
  }
  // The textures frame: R32F field with linear filtering, a 1D colormap, two samplers.
  const { gl, interp } = setup({ extensions, drawingBuffer: [640, 480] });
  interp.execute(decodeJSON(fixture("textures.json")));
  const images = callsOf(gl, "texImage2D").map((c) => c[3]);
  assert.ok(images.includes(GL.R32F) && images.includes(GL.RGBA8));
  assert.equal(callsOf(gl, "uniform1i").length, 2);
  assert.equal(interp.liveObjects, 4);
  // Without OES_texture_float_linear the R32F field would sample black: an error says so.
  const plain = setup({ drawingBuffer: [640, 480] }).interp;
  assert.throws(
    () => plain.execute(decodeJSON(fixture("textures.json"))),
    /^GlirError: SIZE \d+: linear filtering of a r32f texture needs OES_texture_float_linear/,
  );
  assert.equal(plain.liveObjects, 4); // the rest of the batch ran
});

test("execute forgets cached bindings between batches; dispose frees everything", () => {
  const { gl, interp } = setup();
  const { header, buffers } = (() => {
    const { buffers: b64, ...h } = JSON.parse(fixture("hello_triangle.json"));
    return { header: h, buffers: b64.map((b) => Buffer.from(b, "base64")) };
  })();
  interp.execute(decode(header, buffers));
  const draw = [["DRAW", 1, "triangles", [0, 3], 1]];
  gl.calls.length = 0;
  interp.execute(draw);
  interp.execute(draw);
  // Each batch binds the program again (other code may have used the context).
  assert.equal(callsOf(gl, "useProgram").length, 2);
  interp.dispose();
  assert.equal(interp.liveObjects, 0);
  assert.equal(interp.linkedPrograms, 0);
  assert.equal(callsOf(gl, "deleteProgram").length, 1);
  assert.equal(callsOf(gl, "deleteBuffer").length, 1);
  assert.throws(() => interp.execute(draw), /disposed/);
});
