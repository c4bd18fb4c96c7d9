// glir.js checks every command before WebGL sees it (docs/glir.md section 6.1),
// with the desktop interpreter's numbers and words: texture data bytes, sizes
// against the context's limits and the byte limits, draws against the buffers
// they read, shader sources against the input limits, READ_PIXELS against the
// framebuffer. Each refused command makes no GL call, and the interpreter keeps
// working. Run against the fake context of fake_gl.mjs.
import assert from "node:assert/strict";
import test from "node:test";

import {
  GlirError,
  GlirInterpreter,
  ShaderError,
  checkSource,
} from "../glir.js";
import {
  MAX_DRAW_VERTICES,
  MAX_MACRO_TOKENS,
  MAX_OBJECT_BYTES,
  MAX_SHADER_BYTES,
  MAX_SHADER_DEFINES,
  MAX_SHADER_NESTING,
  MAX_TOTAL_BYTES,
} from "../protocol.js";
import { GL, callsOf, fakeGL } from "./fake_gl.mjs";

const VERT2 = "in vec2 a;\nin float b;\nvoid main() { gl_Position = vec4(a, b, 1.0); }";
const POINT = "void main() { gl_Position = vec4(0.5, 0.5, 0.0, 1.0); gl_PointSize = 1.0; }";
const WHITE = "precision highp float;\nout vec4 f;\nvoid main() { f = vec4(1.0); }";

function setup(options) {
  const gl = fakeGL(options);
  const interp = new GlirInterpreter(gl, options);
  gl.calls.length = 0;
  return { gl, interp };
}

/** A typed array as decode() makes them: with dtype and shape. */
function array(ArrayType, shape, dtype) {
  const a = new ArrayType(shape.reduce((x, y) => x * y, 1));
  a.shape = shape;
  a.dtype = dtype;
  return a;
}

/** The message of the error `commands` throw (asserting they throw a GlirError). */
function refused(interp, commands, ErrorClass = GlirError) {
  let error = null;
  try {
    interp.execute(commands);
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ErrorClass, `expected a ${ErrorClass.name}, got ${error}`);
  return error.message;
}

/** The interpreter still draws: a valid program draws its 3 vertices. */
function drawsAfterwards(gl, interp) {
  gl.calls.length = 0;
  interp.execute([
    ["CREATE", 900, "Program"],
    ["SHADERS", 900, POINT, WHITE],
    ["DRAW", 900, "points", [0, 3], 1],
  ]);
  assert.deepEqual(callsOf(gl, "drawArraysInstanced").at(-1), ["drawArraysInstanced", GL.POINTS, 0, 3, 1]);
}

test("texture DATA: the array's bytes are exactly region x channels x itemsize", () => {
  const { gl, interp } = setup();
  // The desktop's crash case: 4096^2 rgba32f, a uint8 (4096, 4096) array.
  interp.execute([["CREATE", 1, "Texture2D"], ["SIZE", 1, [4096, 4096], "rgba", "rgba32f"]]);
  const plane = array(Uint8Array, [4096, 4096], "uint8");
  assert.equal(
    refused(interp, [["DATA", 1, [0, 0], plane]]),
    "DATA 1: a rgba32f texture takes float32 data, not uint8",
  );
  interp.execute([["CREATE", 2, "Texture2D"], ["SIZE", 2, [4, 4], "rgba", "rgba8"]]);
  assert.equal(
    refused(interp, [["DATA", 2, [0, 0], array(Uint8Array, [4, 4], "uint8")]]),
    "DATA 2: array of shape (4, 4) has 1 channel(s) (16 bytes); the texture's format rgba " +
      "has 4 (64 bytes of uint8): send shape (4, 4, 4)",
  );
  interp.execute([["CREATE", 3, "Texture3D"], ["SIZE", 3, [2, 2, 2], "red", "r32f"]]);
  assert.match(
    refused(interp, [["DATA", 3, [0, 0, 0], array(Int32Array, [2, 2, 2], "int32")]]),
    /a r32f texture takes float32 data, not int32/,
  );
  // A shape that lies about the bytes behind it: GL would read 64 bytes from 16.
  const liar = array(Uint8Array, [4, 4], "uint8");
  liar.shape = [4, 4, 4];
  assert.match(refused(interp, [["DATA", 2, [0, 0], liar]]), /has 4 channel\(s\) \(16 bytes\).*\(64 bytes of uint8\)/);
  interp.execute([["CREATE", 4, "Texture2D"], ["SIZE", 4, [4, 4], "depth_stencil", "depth24_stencil8"]]);
  assert.equal(
    refused(interp, [["DATA", 4, [0, 0], array(Uint32Array, [4, 4], "uint32")]]),
    "DATA 4: a depth24_stencil8 texture takes no data, not uint32 (GLIR version 1 has no dtype for it)",
  );
  assert.match(refused(interp, [["DATA", 2, [0, 0], [1, 2, 3]]]), /texture DATA needs an array, not Array/);
  assert.equal(callsOf(gl, "texSubImage2D").length + callsOf(gl, "texSubImage3D").length, 0);
  // 16f takes float16 and float32
  interp.execute([["CREATE", 5, "Texture1D"], ["SIZE", 5, [8], "rg", "rg16f"]]);
  interp.execute([["DATA", 5, [0], array(Float32Array, [8, 2], "float32")]]);
  interp.execute([["DATA", 5, [0], array(Uint16Array, [8, 2], "float16")]]);
  assert.equal(callsOf(gl, "texSubImage2D").length, 2);
  drawsAfterwards(gl, interp);
});

test("buffer and texture sizes: integers within the context's limits and the byte limits", () => {
  const { gl, interp } = setup({ limits: { MAX_3D_TEXTURE_SIZE: 2048 } });
  interp.execute([
    ["CREATE", 1, "VertexBuffer"],
    ["CREATE", 2, "Texture2D"],
    ["CREATE", 3, "RenderBuffer"],
    ["CREATE", 4, "Texture3D"],
  ]);
  assert.equal(
    refused(interp, [["SIZE", 1, 2 ** 64]]),
    "SIZE 1: a VertexBuffer of 18446744073709552000 bytes is more than one object may hold, " +
      `${MAX_OBJECT_BYTES} bytes (glir.MAX_OBJECT_BYTES)`,
  );
  assert.match(refused(interp, [["SIZE", 1, -1]]), /buffer size must be an integer >= 0, not -1/);
  assert.match(refused(interp, [["SIZE", 1, 8.5]]), /buffer size must be an integer >= 0, not 8.5/);
  assert.match(refused(interp, [["SIZE", 2, [-4, 4], "rgba", "rgba8"]]), /Texture2D needs a shape of 2 values, not \(-4, 4\)/);
  assert.match(refused(interp, [["SIZE", 2, [4.5, 4], "rgba", "rgba8"]]), /Texture2D shape must be a list of integers/);
  assert.equal(
    refused(interp, [["SIZE", 2, [1, 4097], "rgba", "rgba8"]]),
    "SIZE 2: Texture2D shape (1, 4097): 4097 is more than this context's GL_MAX_TEXTURE_SIZE, 4096",
  );
  assert.match(refused(interp, [["SIZE", 3, [4097, 4], "rgba8"]]), /GL_MAX_RENDERBUFFER_SIZE, 4096/);
  assert.match(refused(interp, [["SIZE", 3, [4, 4], "rgba9"]]), /unknown render buffer format "rgba9"/);
  assert.match(refused(interp, [["SIZE", 2, [4, 4], "rgb", "rgba8"]]), /internal format 'rgba8' goes with format 'rgba', not 'rgb'/);
  assert.match(refused(interp, [["SIZE", 2, [4, 4], "rgbx", "rgba8"]]), /unknown texture format "rgbx"/);
  // 2048^3 rgba32f is 128 GiB: refused before anything is allocated
  assert.equal(
    refused(interp, [["SIZE", 4, [2048, 2048, 2048], "rgba", "rgba32f"]]),
    "SIZE 4: a (2048, 2048, 2048) rgba32f Texture3D is more than one object may hold, " +
      `${MAX_OBJECT_BYTES} bytes (glir.MAX_OBJECT_BYTES)`,
  );
  assert.equal(callsOf(gl, "bufferData").length + callsOf(gl, "texImage2D").length, 0);
  assert.equal(callsOf(gl, "texImage3D").length + callsOf(gl, "renderbufferStorage").length, 0);
  drawsAfterwards(gl, interp);
});

test("all objects together hold at most MAX_TOTAL_BYTES", () => {
  const { gl, interp } = setup();
  const n = MAX_TOTAL_BYTES / MAX_OBJECT_BYTES;
  const ids = Array.from({ length: n + 1 }, (_, i) => i + 1);
  interp.execute(ids.map((id) => ["CREATE", id, "VertexBuffer"]));
  interp.execute(ids.slice(0, n).map((id) => ["SIZE", id, MAX_OBJECT_BYTES])); // fake: no memory
  assert.equal(interp.heldBytes, MAX_TOTAL_BYTES);
  assert.equal(
    refused(interp, [["SIZE", n + 1, 1]]),
    `SIZE ${n + 1}: a VertexBuffer of 1 bytes would bring all objects to ${MAX_TOTAL_BYTES + 1} ` +
      `bytes, more than ${MAX_TOTAL_BYTES} (glir.MAX_TOTAL_BYTES): delete objects first`,
  );
  interp.execute([["SIZE", 1, 0], ["SIZE", n + 1, 1]]); // a re-SIZE gives storage back
  interp.execute([["DELETE", 2], ["SIZE", 1, MAX_OBJECT_BYTES - 1]]); // so does DELETE
  assert.equal(interp.heldBytes, 3 * MAX_OBJECT_BYTES); // ids 3 and 4, 1 (all but a byte) and 5 (a byte)
  drawsAfterwards(gl, interp);
});

function programWithBuffers(interp) {
  interp.execute([
    ["CREATE", 1, "Program"],
    ["SHADERS", 1, VERT2, WHITE],
    ["CREATE", 2, "VertexBuffer"],
    ["SIZE", 2, 24], // 3 vec2 vertices
    ["ATTRIBUTE", 1, "a", "vec2", 2, "float32", 2, 8, 0, 0, false],
    ["ATTRIBUTE_VALUE", 1, "b", "float", [0]],
  ]);
}

test("DRAW reads no vertex, index or instance beyond the buffers", () => {
  const { gl, interp } = setup();
  programWithBuffers(interp);
  interp.execute([["DRAW", 1, "triangles", [0, 3], 1]]);
  assert.equal(
    refused(interp, [["DRAW", 1, "triangles", [0, 4], 1]]),
    "DRAW 1: vertices 0..4 read past the end: attribute 'a' has 3 in buffer 2 (24 bytes)",
  );
  // per-instance buffers bound the instances
  interp.execute([
    ["CREATE", 3, "VertexBuffer"],
    ["SIZE", 3, 12],
    ["ATTRIBUTE", 1, "b", "float", 3, "float32", 1, 4, 0, 2, false],
    ["DRAW", 1, "triangles", [0, 3], 6],
  ]);
  assert.equal(
    refused(interp, [["DRAW", 1, "triangles", [0, 3], 7]]),
    "DRAW 1: 7 instances with divisor 2 read 4 rows: attribute 'b' has 3 in buffer 3 (12 bytes)",
  );
  // index range, and the largest index against the vertex buffers
  interp.execute([
    ["CREATE", 4, "IndexBuffer"],
    ["SIZE", 4, 8],
    ["DATA", 4, 0, new Uint16Array([0, 1, 2])],
    ["DRAW", 1, "triangles", [4, "uint16", 3, 0], 1],
  ]);
  assert.equal(
    refused(interp, [["DRAW", 1, "points", [4, "uint16", 3, 2], 1]]),
    "DRAW 1: indices 2..5 are outside index buffer 4's 4 uint16 indices (8 bytes)",
  );
  interp.execute([["DATA", 4, 2, new Uint16Array([3])]]);
  assert.equal(
    refused(interp, [["DRAW", 1, "triangles", [4, "uint16", 3, 0], 1]]),
    "DRAW 1: index 3 read past the end: attribute 'a' has 3 in buffer 2 (24 bytes)",
  );
  // WebGL2's primitive restart index (0xffff for uint16) names no vertex
  interp.execute([["DATA", 4, 2, new Uint16Array([0xffff])], ["DRAW", 1, "triangle_strip", [4, "uint16", 3, 0], 1]]);
  // the bound: count x instances
  const start = Date.now();
  assert.equal(
    refused(interp, [["DRAW", 1, "points", [0, 3], 2 ** 31 - 1]]),
    "DRAW 1: 3 vertices x 2147483647 instances is 6442450941, more than one DRAW may process, " +
      `${MAX_DRAW_VERTICES} (glir.MAX_DRAW_VERTICES)`,
  );
  assert.ok(Date.now() - start < 1000);
  assert.match(refused(interp, [["DRAW", 1, "points", [0, 3], 0]]), /instances 0 is outside 1\.\.2147483647/);
  assert.match(refused(interp, [["DRAW", 1, "points", [2 ** 31 - 1, 1], 1]]), /count 1 is outside 0\.\.0/);
  // constant attributes hold any number of vertices
  gl.calls.length = 0;
  interp.execute([["ATTRIBUTE_VALUE", 1, "a", "vec2", [0, 0]], ["ATTRIBUTE_VALUE", 1, "b", "float", [0]]]);
  interp.execute([["DRAW", 1, "points", [0, 100000], 1]]);
  assert.deepEqual(callsOf(gl, "drawArraysInstanced"), [["drawArraysInstanced", GL.POINTS, 0, 100000, 1]]);
  drawsAfterwards(gl, interp);
});

test("shader sources: size, definitions, macro expansion and nesting are bounded", () => {
  const { gl, interp } = setup();
  interp.execute([["CREATE", 1, "Program"]]);
  let doubling = "precision highp float;\nout vec4 f;\n#define A0 1.0\n";
  for (let i = 1; i <= 40; i++) doubling += `#define A${i} (A${i - 1} + A${i - 1})\n`;
  doubling += "void main() { f = vec4(A40); }\n";
  assert.equal(
    refused(interp, [["SHADERS", 1, POINT, doubling]], ShaderError),
    `SHADERS 1: fragment shader: macro expansion produces more than ${MAX_MACRO_TOKENS} tokens ` +
      "(glir.MAX_MACRO_TOKENS), at line 44 in the expansion of 'A40'",
  );
  const big = "precision highp float;\n" + "const float c = 1.0;\n".repeat(20000);
  assert.equal(
    refused(interp, [["SHADERS", 1, POINT, big]], ShaderError),
    `SHADERS 1: fragment shader: source is ${big.length} bytes, more than ${MAX_SHADER_BYTES} ` +
      "(glir.MAX_SHADER_BYTES): move large tables into a texture",
  );
  const defines = Array.from({ length: MAX_SHADER_DEFINES + 1 }, (_, i) => `#define D${i} ${i}\n`).join("");
  assert.match(
    refused(interp, [["SHADERS", 1, defines + POINT, WHITE]], ShaderError),
    /vertex shader: line 1025 is #define number 1025, more than 1024 \(glir\.MAX_SHADER_DEFINES\)/,
  );
  const product = "out vec4 f;\nuniform float u;\nvoid main() { f = vec4(" + Array(20000).fill("u").join("*") + "); }";
  assert.match(
    refused(interp, [["SHADERS", 1, POINT, product]], ShaderError),
    new RegExp(`line 3 nests an expression more than ${MAX_SHADER_NESTING} levels deep`),
  );
  const calls = "#define F(x) x x\n#define G F\nvoid main() { gl_Position = vec4(" + "G(".repeat(30) + "1.0" + ")".repeat(30) + "); }";
  assert.match(refused(interp, [["SHADERS", 1, calls, WHITE]], ShaderError), /in the expansion of 'G'/);
  assert.equal(callsOf(gl, "compileShader").length, 0); // the compiler never saw them
  // what people write passes: macros with arguments, a big table, comments
  const table = Array.from({ length: 5000 }, (_, i) => `${i % 2 ? "-" : ""}${i}.5`).join(", ");
  checkSource(
    "fragment",
    "#define SQ(x) ((x) * (x))\n/* a\ncomment */\nconst float T[5000] = float[](" + table + ");\n" +
      "uniform float u;\nout vec4 f;\nvoid main() { f = vec4(SQ(u) + SQ(T[2]), 0.0, 0.0, 1.0); }",
  );
  drawsAfterwards(gl, interp);
});

test("READ_PIXELS reads inside the framebuffer only", () => {
  const { gl, interp } = setup();
  interp.execute([["READ_PIXELS", 1, [0, 0, 64, 48], "rgba", "uint8"]]);
  assert.equal(
    refused(interp, [["READ_PIXELS", 2, [0, 0, 65, 48], "rgba", "uint8"]]),
    "READ_PIXELS 2: READ_PIXELS viewport (0, 0, 65, 48) reaches outside the 64x48 framebuffer " +
      "(x 0..65, y 0..48)",
  );
  assert.match(refused(interp, [["READ_PIXELS", 2, [-1, 0, 2, 2], "rgba", "uint8"]]), /outside the 64x48/);
  interp.execute([
    ["CREATE", 3, "FrameBuffer"],
    ["CREATE", 4, "RenderBuffer"],
    ["SIZE", 4, [6, 10], "rgba8"],
    ["ATTACH", 3, "color0", 4],
    ["FRAMEBUFFER", 3, true],
    ["READ_PIXELS", 5, [0, 0, 10, 6], "rgba", "uint8"],
  ]);
  assert.match(refused(interp, [["READ_PIXELS", 5, [0, 0, 10, 7], "rgba", "uint8"]]), /outside the 10x6 framebuffer/);
  interp.execute([["FRAMEBUFFER", 3, false]]);
  assert.equal(callsOf(gl, "readPixels").length, 2);
  drawsAfterwards(gl, interp);
});

test("CREATE takes integer ids > 0", () => {
  const { interp } = setup();
  assert.equal(refused(interp, [["CREATE", "7", "VertexBuffer"]]), 'CREATE 7: object ids are integers > 0, not "7"');
  assert.match(refused(interp, [["CREATE", 0, "VertexBuffer"]]), /object ids are integers > 0, not 0/);
});
