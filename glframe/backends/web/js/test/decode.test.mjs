// Decoding GLIR batches (binary and JSON forms) and their validation errors,
// on fixtures recorded by the Python side (test/fixtures/*.json).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import {
  DTYPES,
  GLIR_VERSION,
  GlirError,
  decode,
  decodeJSON,
  encodeReplies,
  encodeRepliesJSON,
} from "../glir.js";

const fixture = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const HELLO = fixture("hello_triangle.json");

/** The binary form of a JSON-form fixture: header without "buffers", and the buffers. */
function binaryForm(text) {
  const { buffers, ...header } = JSON.parse(text);
  return { header, buffers: buffers.map((b) => new Uint8Array(Buffer.from(b, "base64"))) };
}

test("the JSON form of the hello triangle decodes to the recorded commands", () => {
  const commands = decodeJSON(HELLO);
  assert.deepEqual(
    commands.map((c) => c[0]),
    ["FUNC", "FUNC", "FUNC", "CREATE", "SIZE", "DATA", "CREATE", "SHADERS", "ATTRIBUTE", "UNIFORM", "DRAW", "READ_PIXELS"],
  );
  const data = commands[5][3];
  assert.ok(data instanceof Float32Array);
  assert.equal(data.dtype, "float32");
  assert.deepEqual(data.shape, [3, 2]);
  assert.deepEqual(Array.from(data, (v) => Math.round(v * 10) / 10), [-0.8, -0.8, 0.8, -0.8, 0, 0.8]);
  assert.deepEqual(commands[9], ["UNIFORM", 1, "u_color", "vec4", [1, 0.5, 0, 1]]);
  assert.deepEqual(commands[10], ["DRAW", 1, "triangles", [0, 3], 1]);
  // The parsed object is accepted too, and not modified.
  const parsed = JSON.parse(HELLO);
  assert.equal(decodeJSON(parsed).length, 12);
  assert.ok(Array.isArray(parsed.buffers));
  // And UTF-8 bytes of the text.
  assert.equal(decodeJSON(new TextEncoder().encode(HELLO)).length, 12);
});

test("the binary form decodes to views of the buffers, not copies", () => {
  const { header, buffers } = binaryForm(HELLO);
  const commands = decode(header, buffers);
  const data = commands[5][3];
  assert.equal(data.buffer, buffers[0].buffer);
  buffers[0][0] ^= 0xff; // visible through the decoded array
  assert.notEqual(data[0], decodeJSON(HELLO)[5][3][0]);
});

test("ArrayBuffer, DataView (Jupyter) and offset views are accepted", () => {
  const values = new Float32Array([1, 2, 3, 4]);
  const header = { version: 1, commands: [["DATA", 2, 0, { buffer: 0, dtype: "float32", shape: [2, 2] }]] };
  // A DataView at an aligned offset inside a larger buffer: viewed, not copied.
  const big = new ArrayBuffer(64);
  new Float32Array(big, 16, 4).set(values);
  for (const buffer of [values.buffer.slice(0), new DataView(big, 16, 16), new Uint8Array(big, 16, 16)]) {
    const [[, , , array]] = decode(header, [buffer]);
    assert.deepEqual(Array.from(array), [1, 2, 3, 4]);
    if (!(buffer instanceof ArrayBuffer)) {
      assert.equal(array.buffer, big);
      assert.equal(array.byteOffset, 16);
    }
  }
});

test("a buffer at an unaligned offset is copied into an aligned array", () => {
  const big = new ArrayBuffer(64);
  new Uint8Array(big, 3, 8).set(new Uint8Array(new Int32Array([7, -9]).buffer));
  const header = { version: 1, commands: [["DATA", 2, 0, { buffer: 0, dtype: "int32", shape: [2] }]] };
  const [[, , , array]] = decode(header, [new DataView(big, 3, 8)]);
  assert.ok(array instanceof Int32Array);
  assert.notEqual(array.buffer, big);
  assert.deepEqual(Array.from(array), [7, -9]);
  assert.deepEqual(array.shape, [2]);
});

test("every dtype decodes to its typed array; float16 stays raw half bits", () => {
  const expected = {
    int8: [Int8Array, [-1, 2]],
    uint8: [Uint8Array, [255, 2]],
    int16: [Int16Array, [-300, 2]],
    uint16: [Uint16Array, [65535, 2]],
    int32: [Int32Array, [-70000, 2]],
    uint32: [Uint32Array, [4000000000, 2]],
    float16: [Uint16Array, [0x3c00, 0xc000]], // 1.0, -2.0
    float32: [Float32Array, [1.5, -2]],
  };
  assert.deepEqual(Object.keys(DTYPES).sort(), Object.keys(expected).sort());
  const commands = [];
  const buffers = [];
  for (const [dtype, [ArrayType, values]] of Object.entries(expected)) {
    commands.push(["DATA", 1, 0, { buffer: buffers.length, dtype, shape: [2] }]);
    buffers.push(new ArrayType(values).buffer);
  }
  const decoded = decode({ version: 1, commands }, buffers);
  decoded.forEach(([, , , array], i) => {
    const [dtype, [ArrayType, values]] = Object.entries(expected)[i];
    assert.ok(array instanceof ArrayType, dtype);
    assert.equal(array.dtype, dtype);
    assert.deepEqual(Array.from(array), values);
    assert.equal(DTYPES[dtype].bytes, ArrayType.BYTES_PER_ELEMENT);
  });
});

test("0-d and empty arrays, nested lists and repeated references", () => {
  const header = {
    version: 1,
    commands: [
      ["DATA", 1, 0, { buffer: 0, dtype: "float32", shape: [] }],
      ["DATA", 1, 4, { buffer: 1, dtype: "uint8", shape: [0, 3] }],
      ["FUNC", 0, "viewport", 0, 0, 4, 4],
      ["UNIFORM", 1, "u", "vec2", [[1, 2], { buffer: 0, dtype: "float32", shape: [1] }]],
    ],
    extra: "ignored",
  };
  const decoded = decode(header, [new Float32Array([5]).buffer, new ArrayBuffer(0)]);
  assert.equal(decoded[0][3].length, 1);
  assert.deepEqual(decoded[0][3].shape, []);
  assert.equal(decoded[1][3].length, 0);
  assert.deepEqual(decoded[3][4][0], [1, 2]);
  assert.equal(decoded[3][4][1][0], 5);
});

test("decoding errors name the command and the problem", () => {
  const ref = (over) => ({ buffer: 0, dtype: "float32", shape: [2], ...over });
  const buf = [new Float32Array(2).buffer];
  const cases = [
    [[], /GLIR header must be an object with a 'commands' list/],
    [{ version: 1 }, /'commands' list/],
    [{ version: 2, commands: [] }, /^GLIR version 2 is not supported \(this is 1\)$/],
    [{ commands: [] }, /GLIR version \(missing\) is not supported/],
    [{ version: 1, commands: [["CREATE", 1, "Program"], ["BOGUS", 3]] }, /^command 1: unknown GLIR command 'BOGUS'$/],
    [{ version: 1, commands: [[]] }, /^command 0: not a GLIR command: \[\]$/],
    [{ version: 1, commands: [[3, 1]] }, /^command 0: not a GLIR command/],
    [{ version: 1, commands: [["DATA", 2, 0, ref({ buffer: 1 })]] }, /^command 0 \(DATA 2\): array reference to buffer 1, but there are 1 buffers$/],
    [{ version: 1, commands: [["DATA", 2, 0, ref({ buffer: -1 })]] }, /array reference to buffer -1/],
    [{ version: 1, commands: [["DATA", 2, 0, ref({ dtype: "float64" })]] }, /unknown dtype "float64"/],
    [{ version: 1, commands: [["DATA", 2, 0, { buffer: 0, dtype: "int8" }]] }, /lacks 'shape'/],
    [{ version: 1, commands: [["DATA", 2, 0, ref({ shape: [3] })]] }, /buffer 0 holds 8 bytes, but the reference says float32 of shape \(3,\) \(12 bytes\)/],
    [{ version: 1, commands: [["DATA", 2, 0, ref({ shape: [2.5] })]] }, /bad shape/],
  ];
  for (const [header, message] of cases) {
    assert.throws(() => decode(header, buf), (err) => err instanceof GlirError && message.test(err.message), message.source);
  }
  assert.throws(() => decode({ version: 1, commands: [] }, [42]), /buffer 0 is not an ArrayBuffer/);
});

test("JSON-form errors: not an object, bad base64, bad buffers list", () => {
  assert.throws(() => decodeJSON("[1, 2]"), /GLIR JSON must be an object/);
  assert.throws(() => decodeJSON("{"), /GLIR JSON does not parse/);
  assert.throws(() => decodeJSON('{"version":1,"commands":[],"buffers":["%%%"]}'), /buffer 0 is not valid base64/);
  assert.throws(() => decodeJSON('{"version":1,"commands":[],"buffers":"abc"}'), /list of base64 strings/);
  // A missing "buffers" key means no buffers.
  assert.deepEqual(decodeJSON('{"version":1,"commands":[["DELETE",3]]}'), [["DELETE", 3]]);
  assert.equal(GLIR_VERSION, 1);
});

test("replies encode as the reply message, binary and JSON", () => {
  const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const replies = { 4: { data, shape: [1, 2, 4], dtype: "uint8" } };
  const { header, buffers } = encodeReplies(replies);
  assert.deepEqual(header, { version: 1, replies: { 4: { buffer: 0, dtype: "uint8", shape: [1, 2, 4] } } });
  assert.equal(buffers[0], data);
  const json = JSON.parse(encodeRepliesJSON(replies));
  assert.deepEqual(json.replies, header.replies);
  assert.deepEqual([...Buffer.from(json.buffers[0], "base64")], [...data]);
});
