// Shader-source adaptation for WebGL2 and compile-error quoting (pure strings).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import { PRECISION_BLOCK, adaptForWebGL, quoteCompileError } from "../glir.js";

const composed = JSON.parse(
  readFileSync(new URL("./fixtures/composed_shaders.json", import.meta.url), "utf8"),
);

/**
 * The (source string, line) a GLSL ES 3.00 compiler gives each line of `code`:
 * lines count from 1 in string 0, and `#line N [S]` numbers the NEXT line N.
 */
function compilerNumbering(code) {
  let string = 0;
  let number = 1;
  return code.split("\n").map((line) => {
    const here = [string, number];
    const m = /^\s*#\s*line\s+(\d+)(?:\s+(\d+))?\s*$/.exec(line);
    if (m) {
      number = Number(m[1]);
      if (m[2] !== undefined) string = Number(m[2]);
    } else {
      number += 1;
    }
    return { line, here };
  });
}

/** Assert that every author line keeps its number (and string) after adaptation. */
function assertKeepsLineNumbers(source) {
  const adapted = compilerNumbering(adaptForWebGL(source));
  const original = compilerNumbering(source);
  // Inserted: the version line, then "#line 1" before the e #extension lines if
  // there are any, and the precision block plus a #line after them.
  let e = 0;
  original.forEach(({ line }, i) => {
    if (/^\s*#\s*extension\b/.test(line)) e = i + 1;
  });
  const block = PRECISION_BLOCK.length + 1;
  const authors = e > 0
    ? [...adapted.slice(2, 2 + e), ...adapted.slice(2 + e + block)]
    : adapted.slice(1 + block);
  assert.equal(authors.length, original.length);
  authors.forEach(({ line, here }, i) => {
    const want = original[i];
    if (/^\s*#\s*version/.test(want.line)) assert.equal(line, "");
    else assert.equal(line, want.line);
    if (!/^\s*#\s*line/.test(want.line)) assert.deepEqual(here, want.here, `line ${i + 1}: ${line}`);
  });
  return adapted.map((x) => x.line);
}

test("no version line: version, precision block, #line 1, then the source", () => {
  const source = "in vec2 a;\nvoid main() { gl_Position = vec4(a, 0.0, 1.0); }";
  const lines = assertKeepsLineNumbers(source);
  assert.deepEqual(lines, ["#version 300 es", ...PRECISION_BLOCK, "#line 1", ...source.split("\n")]);
  assert.ok(PRECISION_BLOCK.includes("precision highp sampler3D;"));
  assert.ok(PRECISION_BLOCK.includes("precision highp usampler2D;"));
  assert.ok(PRECISION_BLOCK.includes("precision highp sampler2DShadow;"));
});

test("a version line after comments and blanks is blanked in place; version first", () => {
  const source = "\n// a comment\n  #version 300 es\nprecision mediump float;\nout vec4 c;\nvoid main() { c = vec4(1.0); }\n";
  const lines = assertKeepsLineNumbers(source);
  assert.equal(lines[0], "#version 300 es");
  assert.equal(lines.filter((l) => l.includes("#version")).length, 1);
  // The author's own precision statement is left alone, after the block (it wins).
  const own = lines.indexOf("precision mediump float;");
  assert.ok(own > lines.indexOf("precision highp float;"));
  assert.equal(lines.filter((l) => l === "precision mediump float;").length, 1);
  // "# version 300 es" is accepted too.
  assert.equal(adaptForWebGL("# version 300 es\nvoid main() {}").split("\n")[0], "#version 300 es");
});

test("the precision block goes after the last #extension directive", () => {
  const source =
    "#version 300 es\n#extension GL_OES_standard_derivatives : enable\n" +
    "#extension GL_EXT_frag_depth : enable\nout vec4 c;\nvoid main() { c = vec4(1.0); }";
  const lines = assertKeepsLineNumbers(source);
  assert.deepEqual(lines.slice(0, 5), [
    "#version 300 es",
    "#line 1",
    "",
    "#extension GL_OES_standard_derivatives : enable",
    "#extension GL_EXT_frag_depth : enable",
  ]);
  assert.equal(lines[5], PRECISION_BLOCK[0]);
  assert.equal(lines[5 + PRECISION_BLOCK.length], "#line 4");
});

test("composed shaders keep their snippet numbering", () => {
  for (const source of [composed.vertex, composed.fragment]) {
    assert.match(source, /#line 1 1/);
    assertKeepsLineNumbers(source);
  }
});

test("another version is refused, naming the line", () => {
  for (const bad of ["#version 330 core\nvoid main() {}", "// hi\n#version 100\nvoid main() {}", "#version 300\n"]) {
    assert.throws(
      () => adaptForWebGL(bad),
      /^Error: shader declares '#version [^']*'; glframe shaders are GLSL ES 3.00 \('#version 300 es' or no version line\)$/,
    );
  }
  // Only the first significant line can be the version line: later ones are the
  // compiler's business, as on the desktop.
  assert.match(adaptForWebGL("void f();\n#version 330\n"), /#version 330/);
});

test("compile errors quote the failing line with one line of context", () => {
  const source = "precision highp float;\nout vec4 f_color;\nvoid main() { f_color = ; }";
  const log = "ERROR: 0:3: ';' : syntax error\nERROR: 1 compilation errors.  No code generated.\n\n";
  const report = quoteCompileError("fragment", source, log);
  assert.equal(
    report,
    [
      "fragment shader failed to compile:",
      "ERROR: 0:3: ';' : syntax error\nERROR: 1 compilation errors.  No code generated.",
      "",
      "  2 | out vec4 f_color;",
      "> 3 | void main() { f_color = ; }",
    ].join("\n"),
  );
  // Mesa's "0:3(25):" form finds the same line; a location twice is quoted once.
  const mesa = quoteCompileError("fragment", source, "0:3(25): error: x\n0:3(26): error: y");
  assert.equal(mesa.split("> 3 |").length, 2);
  // Locations outside the source are not quoted.
  assert.equal(quoteCompileError("vertex", "void main() {}", "ERROR: 0:40: x").split("\n").length, 2);
});

test("errors in a snippet name it and use its own numbering", () => {
  const source = [
    "#version 300 es", //           0:1
    "precision highp float;", //    0:2
    "uniform vec4 u;", //           0:3
    "// --- snippet 1: effects/tint.glsl",
    "#line 1 1",
    "vec4 tint(vec4 c) {", //       1:1
    "    vec4 x = c * 2.0;", //     1:2
    "    return x +;", //           1:3
    "}", //                         1:4
    "// --- snippet 2: main.frag",
    "#line 1 2",
    "out vec4 f_color;", //         2:1
    "void main() { f_color = tint(u); }", // 2:2
  ].join("\n");
  const report = quoteCompileError("fragment", source, "ERROR: 1:3: '+' : syntax error\nERROR: 0:3: 'u' : x");
  assert.match(report, /\nin snippet 'effects\/tint\.glsl', line 3:\n  2 \|     vec4 x = c \* 2\.0;\n> 3 \|     return x \+;\n  4 \| }/);
  // String 0 (the header) has no snippet name; the marker line is its line 4.
  assert.match(
    report,
    /\n\n  2 \| precision highp float;\n> 3 \| uniform vec4 u;\n  4 \| \/\/ --- snippet 1: effects\/tint\.glsl$/,
  );
  // Works on a real composed shader too.
  const frag = composed.fragment;
  const report2 = quoteCompileError("fragment", frag, "ERROR: 2:4: 'discard' : whatever");
  assert.match(report2, /in snippet 'points\.frag', line 4:\n  3 \| .*\n> 4 \|     if \(r > 1\.0\) discard;\n  5 \| /);
});
